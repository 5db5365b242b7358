/* Shared by the libFuzzer harnesses and tests/unit/test_fuzz_regress.c (which
 * includes the harness sources with FUZZ_NO_MAIN, so crash inputs replay
 * through exactly the same code in the normal build). */
#ifndef TLSVIZ_FUZZ_COMMON_H
#define TLSVIZ_FUZZ_COMMON_H

#include "core/event.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TLSVIZ_SOURCE_DIR
#error "TLSVIZ_SOURCE_DIR must name the source tree (the key fixtures live there)"
#endif

/* Stop hard when an event breaks a documented invariant: the fuzzer then
 * keeps the input, exactly as for a memory error. */
#define FUZZ_REQUIRE(cond)                                                     \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

/* Read every byte and string an event hands out (so ASan sees bad pointers),
 * check the offsets the views rely on, and round-trip it through event_dup
 * as views that keep events do. */
__attribute__((unused)) static void fuzz_check_event(struct sink *s, const struct event *ev)
{
	volatile uint8_t acc = 0;
	struct event *copy;

	(void)s;
	switch (ev->type) {
	case EV_RECORD: {
		const struct ev_record *r = &ev->u.record;

		FUZZ_REQUIRE(r->len == 5u + r->length);
		for (size_t i = 0; i < r->len; i++)
			acc ^= r->bytes[i];
		for (size_t i = 0; i < r->plain_len; i++)
			acc ^= r->plain[i];
		FUZZ_REQUIRE((uint64_t)r->nonce_off + r->nonce_len <= r->len);
		if (!r->encrypted)
			FUZZ_REQUIRE((uint64_t)r->plain_off + r->plain_len <= r->len);
		if (r->why_not)
			acc ^= (uint8_t)strlen(r->why_not);
		break;
	}
	case EV_HANDSHAKE: {
		const struct ev_handshake *h = &ev->u.hs;

		FUZZ_REQUIRE(h->len >= 4);
		FUZZ_REQUIRE(h->msg != NULL);
		for (size_t i = 0; i < h->len; i++)
			acc ^= h->bytes[i];
		for (size_t i = 0; i < h->nfields; i++) {
			const struct field *f = &h->fields[i];

			FUZZ_REQUIRE(f->name != NULL);
			FUZZ_REQUIRE((uint64_t)f->off + f->len <= h->len);
			acc ^= (uint8_t)strlen(f->name);
			if (f->value)
				acc ^= (uint8_t)strlen(f->value);
		}
		break;
	}
	case EV_APP_DATA:
		for (size_t i = 0; i < ev->u.app.len; i++)
			acc ^= ev->u.app.data[i];
		break;
	case EV_KEY:
		FUZZ_REQUIRE(ev->u.key.name != NULL);
		for (size_t i = 0; i < ev->u.key.len; i++)
			acc ^= ev->u.key.value[i];
		if (ev->u.key.derivation)
			acc ^= (uint8_t)strlen(ev->u.key.derivation);
		break;
	case EV_ALERT:
		FUZZ_REQUIRE(ev->u.alert.level_name && ev->u.alert.desc_name);
		acc ^= (uint8_t)strlen(ev->u.alert.desc_name);
		break;
	case EV_NOTE:
		FUZZ_REQUIRE(ev->u.note.text != NULL);
		acc ^= (uint8_t)strlen(ev->u.note.text);
		break;
	case EV_ERROR:
		FUZZ_REQUIRE(ev->u.error.text != NULL && ev->u.error.code < 0);
		acc ^= (uint8_t)strlen(ev->u.error.text);
		break;
	case EV_STAGE: {
		const struct ev_stage *st = &ev->u.stage;

		/* the story model: numbered from 1 within its total; a final
		   stage always has its title, messages and texts */
		FUZZ_REQUIRE(st->number >= 1 && st->number <= st->of);
		if (st->final)
			FUZZ_REQUIRE(st->title && st->messages && st->explain && st->eavesdropper);
		if (st->title)
			acc ^= (uint8_t)strlen(st->title);
		if (st->explain)
			acc ^= (uint8_t)strlen(st->explain);
		break;
	}
	case EV_FACTS:
		if (ev->u.facts.sni)
			acc ^= (uint8_t)strlen(ev->u.facts.sni);
		break;
	default:
		break;
	}
	(void)acc;
	copy = event_dup(ev);
	event_free(copy);
}

#endif
