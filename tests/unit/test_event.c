/* Unit tests for the event model: deep copies own every byte (the original
 * can go away), key bytes are wiped on free, names are stable, tee fans out
 * and refuses a sink more than it holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/event.h"

static void test_dup_handshake_owns_fields(void **state)
{
	uint8_t bytes[] = { 1, 0, 0, 2, 0xaa, 0xbb };
	char name[] = "cipher_suite", value[] = "TLS_AES_128_GCM_SHA256 (0x1301)", msg[] = "client_hello";
	struct field f[2] = { { 0, name, value, 4, 2 }, { 1, name, NULL, 5, 1 } };
	struct event ev = { .type = EV_HANDSHAKE, .seq = 7, .conn = 2, .dir = DIR_C2S };
	struct event *c;

	(void)state;
	ev.u.hs.msg_type = 1;
	ev.u.hs.msg = msg;
	ev.u.hs.bytes = bytes;
	ev.u.hs.len = sizeof bytes;
	ev.u.hs.fields = f;
	ev.u.hs.nfields = 2;
	c = event_dup(&ev);
	assert_non_null(c);
	/* scribble over the originals: the copy must not change */
	memset(bytes, 0, sizeof bytes);
	memset(name, 'x', sizeof name - 1);
	memset(value, 'y', sizeof value - 1);
	memset(msg, 'z', sizeof msg - 1);
	assert_int_equal(c->seq, 7);
	assert_int_equal(c->conn, 2);
	assert_string_equal(c->u.hs.msg, "client_hello");
	assert_int_equal(c->u.hs.bytes[4], 0xaa);
	assert_int_equal(c->u.hs.nfields, 2);
	assert_string_equal(c->u.hs.fields[0].name, "cipher_suite");
	assert_string_equal(c->u.hs.fields[0].value, "TLS_AES_128_GCM_SHA256 (0x1301)");
	assert_null(c->u.hs.fields[1].value);
	assert_int_equal(c->u.hs.fields[1].depth, 1);
	assert_int_equal(c->u.hs.fields[0].off, 4);
	event_free(c);
}

static void test_dup_record_key_note(void **state)
{
	uint8_t rec[] = { 0x17, 3, 3, 0, 2, 9, 9 }, plain[] = { 'h', 'i' }, secret[] = { 0x11, 0x22, 0x33 };
	struct event r = { .type = EV_RECORD }, k = { .type = EV_KEY }, n = { .type = EV_NOTE };
	struct event *rc, *kc, *nc;

	(void)state;
	r.u.record.bytes = rec;
	r.u.record.len = sizeof rec;
	r.u.record.plain = plain;
	r.u.record.plain_len = sizeof plain;
	r.u.record.why_not = NULL;
	rc = event_dup(&r);
	assert_non_null(rc);
	assert_ptr_not_equal(rc->u.record.bytes, rec);
	assert_memory_equal(rc->u.record.bytes, rec, sizeof rec);
	assert_memory_equal(rc->u.record.plain, "hi", 2);
	assert_null(rc->u.record.why_not);
	event_free(rc);

	k.u.key.name = "master_secret";
	k.u.key.owner = OWNER_SERVER;
	k.u.key.value = secret;
	k.u.key.len = sizeof secret;
	k.u.key.derivation = "HKDF-Extract(...)";
	kc = event_dup(&k);
	assert_non_null(kc);
	assert_memory_equal(kc->u.key.value, secret, sizeof secret);
	assert_string_equal(kc->u.key.derivation, "HKDF-Extract(...)");
	assert_null(kc->u.key.label);
	event_free(kc);

	n.u.note.level = "warning";
	n.u.note.text = "tamper: byte flipped";
	n.u.note.has_stream_off = true;
	n.u.note.stream_off = 1234;
	nc = event_dup(&n);
	assert_non_null(nc);
	assert_true(nc->u.note.has_stream_off);
	assert_int_equal(nc->u.note.stream_off, 1234);
	assert_string_equal(nc->u.note.text, "tamper: byte flipped");
	event_free(nc);
	event_free(NULL); /* allowed */
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(event_type_name(EV_RECORD), "record");
	assert_string_equal(event_type_name(EV_APP_DATA), "app_data");
	assert_string_equal(event_type_name(EV_CONN), "connection");
	assert_string_equal(event_type_name((enum ev_type)999), "unknown");
	assert_string_equal(dir_name(DIR_C2S), "c2s");
	assert_string_equal(dir_name(DIR_S2C), "s2c");
	assert_null(dir_name(DIR_NONE));
	assert_string_equal(owner_name(OWNER_OBSERVER), "observer");
	assert_null(owner_name(OWNER_NONE));
}

struct counter {
	struct sink base;
	int n;
	uint64_t last;
};

static void count_emit(struct sink *s, const struct event *ev)
{
	struct counter *c = (struct counter *)s;

	c->n++;
	c->last = ev->seq;
}

static void test_tee(void **state)
{
	struct counter a = { .base.emit = count_emit }, b = { .base.emit = count_emit };
	struct sink_tee t;
	struct event ev = { .type = EV_END, .seq = 42 };

	(void)state;
	sink_tee_init(&t);
	assert_int_equal(sink_tee_add(&t, &a.base), 0);
	assert_int_equal(sink_tee_add(&t, &b.base), 0);
	sink_emit(&t.base, &ev);
	sink_emit(NULL, &ev); /* a NULL sink drops */
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.last, 42);
}

/* A tee full of sinks refuses one more, and says so; the sinks it has still
 * get every event. */
static void test_tee_full(void **state)
{
	struct counter c[SINK_TEE_MAX + 1];
	struct sink_tee t;
	struct event ev = { .type = EV_END, .seq = 7 };

	(void)state;
	sink_tee_init(&t);
	for (int i = 0; i <= SINK_TEE_MAX; i++)
		c[i] = (struct counter){ .base.emit = count_emit };
	for (int i = 0; i < SINK_TEE_MAX; i++) {
		err_clear();
		assert_int_equal(sink_tee_add(&t, &c[i].base), 0); /* up to exact: fits */
		assert_int_equal(err_last(), 0);
	}
	err_clear();
	assert_int_equal(sink_tee_add(&t, &c[SINK_TEE_MAX].base), ERR_NOMEM); /* one over */
	assert_int_equal(err_last(), ERR_NOMEM);
	assert_non_null(strstr(err_msg(), "sink"));
	sink_emit(&t.base, &ev);
	for (int i = 0; i < SINK_TEE_MAX; i++)
		assert_int_equal(c[i].n, 1);
	assert_int_equal(c[SINK_TEE_MAX].n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dup_handshake_owns_fields),
		cmocka_unit_test(test_dup_record_key_note),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tee),
		cmocka_unit_test(test_tee_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
