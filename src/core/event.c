/* Event helpers: deep copies for views that keep history, names, fan-out. */
#include "core/event.h"

#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Deliver an event to a sink. */
void sink_emit(struct sink *s, const struct event *ev)
{
	if (s && s->emit)
		s->emit(s, ev);
}

/* Growing arena for one event copy: everything lives in one allocation list. */
struct dup_ctx {
	bool failed;
};

static const char *dup_str(struct dup_ctx *d, const char *s)
{
	char *r;

	if (!s)
		return NULL;
	r = strdup(s);
	if (!r)
		d->failed = true;
	return r;
}

static const uint8_t *dup_bytes(struct dup_ctx *d, const uint8_t *b, size_t n)
{
	uint8_t *r;

	if (!b)
		return NULL;
	r = malloc(n ? n : 1);
	if (!r) {
		d->failed = true;
		return NULL;
	}
	memcpy(r, b, n);
	return r;
}

/* Deep copy of an event. */
struct event *event_dup(const struct event *ev)
{
	struct dup_ctx d = { false };
	struct event *e = malloc(sizeof *e);

	if (!e)
		return NULL;
	*e = *ev;
	switch (ev->type) {
	case EV_CONN:
		e->u.conn.source = dup_str(&d, ev->u.conn.source);
		e->u.conn.label = dup_str(&d, ev->u.conn.label);
		break;
	case EV_PACKET:
		e->u.packet.bytes = dup_bytes(&d, ev->u.packet.bytes, ev->u.packet.len);
		break;
	case EV_RECORD:
		e->u.record.bytes = dup_bytes(&d, ev->u.record.bytes, ev->u.record.len);
		e->u.record.plain = dup_bytes(&d, ev->u.record.plain, ev->u.record.plain_len);
		e->u.record.why_not = dup_str(&d, ev->u.record.why_not);
		break;
	case EV_HANDSHAKE: {
		struct field *f = NULL;

		e->u.hs.msg = dup_str(&d, ev->u.hs.msg);
		e->u.hs.bytes = dup_bytes(&d, ev->u.hs.bytes, ev->u.hs.len);
		if (ev->u.hs.nfields) {
			f = calloc(ev->u.hs.nfields, sizeof *f);
			if (!f)
				d.failed = true;
			for (size_t i = 0; f && i < ev->u.hs.nfields; i++) {
				f[i] = ev->u.hs.fields[i];
				f[i].name = dup_str(&d, ev->u.hs.fields[i].name);
				f[i].value = dup_str(&d, ev->u.hs.fields[i].value);
			}
		}
		e->u.hs.fields = f;
		if (!f)
			e->u.hs.nfields = 0;
		break;
	}
	case EV_ALERT:
		e->u.alert.level_name = dup_str(&d, ev->u.alert.level_name);
		e->u.alert.desc_name = dup_str(&d, ev->u.alert.desc_name);
		break;
	case EV_APP_DATA:
		e->u.app.data = dup_bytes(&d, ev->u.app.data, ev->u.app.len);
		break;
	case EV_KEY:
		e->u.key.name = dup_str(&d, ev->u.key.name);
		e->u.key.value = dup_bytes(&d, ev->u.key.value, ev->u.key.len);
		e->u.key.label = dup_str(&d, ev->u.key.label);
		e->u.key.derivation = dup_str(&d, ev->u.key.derivation);
		e->u.key.calc = dup_str(&d, ev->u.key.calc);
		e->u.key.stage = dup_str(&d, ev->u.key.stage);
		break;
	case EV_STAGE:
		e->u.stage.name = dup_str(&d, ev->u.stage.name);
		e->u.stage.title = dup_str(&d, ev->u.stage.title);
		e->u.stage.eve_title = dup_str(&d, ev->u.stage.eve_title);
		e->u.stage.messages = dup_str(&d, ev->u.stage.messages);
		e->u.stage.eve_messages = dup_str(&d, ev->u.stage.eve_messages);
		e->u.stage.explain = dup_str(&d, ev->u.stage.explain);
		e->u.stage.eavesdropper = dup_str(&d, ev->u.stage.eavesdropper);
		break;
	case EV_FACTS:
		e->u.facts.suite_name = dup_str(&d, ev->u.facts.suite_name);
		e->u.facts.group_name = dup_str(&d, ev->u.facts.group_name);
		e->u.facts.sni = dup_str(&d, ev->u.facts.sni);
		e->u.facts.ch_shares = dup_str(&d, ev->u.facts.ch_shares);
		break;
	case EV_NOTE:
		e->u.note.level = dup_str(&d, ev->u.note.level);
		e->u.note.text = dup_str(&d, ev->u.note.text);
		break;
	case EV_ERROR:
		e->u.error.what = dup_str(&d, ev->u.error.what);
		e->u.error.text = dup_str(&d, ev->u.error.text);
		break;
	case EV_GAP:
	case EV_CCS:
	case EV_END:
		break;
	}
	if (d.failed) {
		event_free(e);
		return NULL;
	}
	return e;
}

/* Release a copy made by event_dup; key bytes are wiped first. */
void event_free(struct event *e)
{
	if (!e)
		return;
	switch (e->type) {
	case EV_CONN:
		free((void *)e->u.conn.source);
		free((void *)e->u.conn.label);
		break;
	case EV_PACKET:
		free((void *)e->u.packet.bytes);
		break;
	case EV_RECORD:
		free((void *)e->u.record.bytes);
		free((void *)e->u.record.plain);
		free((void *)e->u.record.why_not);
		break;
	case EV_HANDSHAKE:
		for (size_t i = 0; e->u.hs.fields && i < e->u.hs.nfields; i++) {
			free((void *)e->u.hs.fields[i].name);
			free((void *)e->u.hs.fields[i].value);
		}
		free((void *)e->u.hs.fields);
		free((void *)e->u.hs.msg);
		free((void *)e->u.hs.bytes);
		break;
	case EV_ALERT:
		free((void *)e->u.alert.level_name);
		free((void *)e->u.alert.desc_name);
		break;
	case EV_APP_DATA:
		free((void *)e->u.app.data);
		break;
	case EV_KEY:
		if (e->u.key.value)
			explicit_bzero((void *)e->u.key.value, e->u.key.len); /* not optimised away */
		free((void *)e->u.key.name);
		free((void *)e->u.key.value);
		free((void *)e->u.key.label);
		free((void *)e->u.key.derivation);
		if (e->u.key.calc) /* its inputs are secrets too */
			explicit_bzero((void *)e->u.key.calc, strlen(e->u.key.calc));
		free((void *)e->u.key.calc);
		free((void *)e->u.key.stage);
		break;
	case EV_STAGE:
		free((void *)e->u.stage.name);
		free((void *)e->u.stage.title);
		free((void *)e->u.stage.eve_title);
		free((void *)e->u.stage.messages);
		free((void *)e->u.stage.eve_messages);
		free((void *)e->u.stage.explain);
		free((void *)e->u.stage.eavesdropper);
		break;
	case EV_FACTS:
		free((void *)e->u.facts.suite_name);
		free((void *)e->u.facts.group_name);
		free((void *)e->u.facts.sni);
		free((void *)e->u.facts.ch_shares);
		break;
	case EV_NOTE:
		free((void *)e->u.note.level);
		free((void *)e->u.note.text);
		break;
	case EV_ERROR:
		free((void *)e->u.error.what);
		free((void *)e->u.error.text);
		break;
	case EV_GAP:
	case EV_CCS:
	case EV_END:
		break;
	}
	free(e);
}

/* Stable names, used as the JSON "type". */
const char *event_type_name(enum ev_type t)
{
	switch (t) {
	case EV_CONN: return "connection";
	case EV_PACKET: return "packet";
	case EV_GAP: return "gap";
	case EV_RECORD: return "record";
	case EV_HANDSHAKE: return "handshake";
	case EV_CCS: return "change_cipher_spec";
	case EV_ALERT: return "alert";
	case EV_APP_DATA: return "app_data";
	case EV_KEY: return "key";
	case EV_STAGE: return "stage";
	case EV_NOTE: return "note";
	case EV_ERROR: return "error";
	case EV_END: return "end";
	case EV_FACTS: return "facts";
	}
	return "unknown";
}

const char *kx_name(enum kx k)
{
	switch (k) {
	case KX_RSA: return "rsa";
	case KX_ECDHE: return "ecdhe";
	case KX_DHE: return "dhe";
	case KX_PSK: return "psk";
	case KX_PSK_ECDHE: return "psk_ecdhe";
	case KX_PSK_DHE: return "psk_dhe";
	case KX_ECDHE_MLKEM: return "ecdhe_mlkem";
	case KX_MLKEM: return "mlkem";
	case KX_UNKNOWN: break;
	}
	return NULL;
}

const char *dir_name(enum dir d)
{
	return d == DIR_C2S ? "c2s" : d == DIR_S2C ? "s2c" : NULL;
}

const char *owner_name(enum owner o)
{
	switch (o) {
	case OWNER_CLIENT: return "client";
	case OWNER_SERVER: return "server";
	case OWNER_OBSERVER: return "observer";
	case OWNER_NONE: break;
	}
	return NULL;
}

/* Wall clock in microseconds. */
uint64_t event_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

char *event_time_text(char *out, size_t cap, enum time_mode mode, uint64_t ts_us, uint64_t base_us)
{
	uint64_t d = ts_us >= base_us ? ts_us - base_us : base_us - ts_us;
	const char *sign = ts_us >= base_us ? "" : "-";
	time_t t = (time_t)(ts_us / 1000000u);
	struct tm tm;

	if (!cap)
		return out;
	out[0] = '\0';
	switch (mode) {
	case TIME_REL:
		snprintf(out, cap, "%s%llu.%06llu", sign, (unsigned long long)(d / 1000000u),
			 (unsigned long long)(d % 1000000u));
		break;
	case TIME_DELTA:
		snprintf(out, cap, "%s%llu.%06llu", ts_us >= base_us ? "+" : "-", (unsigned long long)(d / 1000000u),
			 (unsigned long long)(d % 1000000u));
		break;
	case TIME_ABS:
		if (gmtime_r(&t, &tm))
			snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d.%06llu", tm.tm_year + 1900, tm.tm_mon + 1,
				 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned long long)(ts_us % 1000000u));
		break;
	case TIME_NONE:
		break;
	}
	return out;
}

char *event_duration_text(char *out, size_t cap, uint64_t us)
{
	if (us < 1000)
		snprintf(out, cap, "%llu us", (unsigned long long)us);
	else if (us < 1000000)
		snprintf(out, cap, "%.3f ms", us / 1e3);
	else
		snprintf(out, cap, "%.2f s", us / 1e6);
	return out;
}

static void tee_emit(struct sink *self, const struct event *ev)
{
	struct sink_tee *t = (struct sink_tee *)self;

	for (int i = 0; i < t->n; i++)
		sink_emit(t->to[i], ev);
}

void sink_tee_init(struct sink_tee *t)
{
	memset(t, 0, sizeof *t);
	t->base.emit = tee_emit;
}

/* Add a sink to a tee; a full tee refuses it rather than drop it unseen. */
int sink_tee_add(struct sink_tee *t, struct sink *s)
{
	ENSURE(t->n < SINK_TEE_MAX, ERR_NOMEM, "sink tee is full: it feeds %d sinks already, the most it can", t->n);
	t->to[t->n++] = s;
	return 0;
}
