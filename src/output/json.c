/* JSON Lines view: one object per event, keys documented in tlsviz(1). */
#include "output/views.h"

#include "core/err.h"
#include "core/hex.h"
#include "output/view_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct json_view {
	struct view_base base;
	FILE *out;
};

/* Set key to a lowercase hex string of bytes. */
static void json_hex(json_t *o, const char *key, const uint8_t *b, size_t n)
{
	char *h = hex_dup(b ? b : (const uint8_t *)"", b ? n : 0);

	if (h) {
		json_object_set_new(o, key, json_string(h));
		free(h);
	}
}

static void json_str(json_t *o, const char *key, const char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
}

/* Field list as an array of {depth,name,value,off,len}. */
static json_t *json_fields(const struct field *f, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "depth", json_integer(f[i].depth));
		json_str(o, "name", f[i].name);
		json_str(o, "value", f[i].value);
		json_object_set_new(o, "off", json_integer(f[i].off));
		json_object_set_new(o, "len", json_integer(f[i].len));
		json_array_append_new(a, o);
	}
	return a;
}

/* A comma-separated list as an array of strings. */
static void json_list(json_t *o, const char *key, const char *list, char sep)
{
	json_t *a;

	if (!list)
		return;
	a = json_array();
	for (const char *p = list; *p;) {
		const char *end = strchr(p, sep);
		size_t n = end ? (size_t)(end - p) : strlen(p);

		json_array_append_new(a, json_stringn(p, n));
		p += n;
		if (*p == sep)
			p++;
	}
	json_object_set_new(o, key, a);
}

/* The stage members (see tlsviz(1), "stage"). */
static void json_stage(json_t *o, const struct ev_stage *st)
{
	json_object_set_new(o, "index", json_integer(st->index));
	json_object_set_new(o, "number", json_integer(st->number));
	json_object_set_new(o, "of", json_integer(st->of));
	json_object_set_new(o, "final", json_boolean(st->final));
	json_object_set_new(o, "planned", json_boolean(st->planned));
	json_str(o, "name", st->name);
	json_str(o, "title", st->title);
	json_str(o, "eve_title", st->eve_title);
	json_list(o, "messages", st->messages, ',');
	json_list(o, "eve_messages", st->eve_messages, ',');
	json_list(o, "explain", st->explain, '\n');
	json_str(o, "eavesdropper", st->eavesdropper);
	if (st->held)
		json_object_set_new(o, "held", json_true());
}

/* The facts members; null where not known. */
static void json_facts(json_t *o, const struct ev_facts *f)
{
	const char *v = f->version == 0x0304 ? "TLS 1.3" : f->version == 0x0303 ? "TLS 1.2" : NULL;

	json_object_set_new(o, "version", v ? json_string(v) : json_null());
	json_object_set_new(o, "version_code", json_integer(f->version));
	json_object_set_new(o, "suite", f->suite_name ? json_string(f->suite_name) : json_null());
	json_object_set_new(o, "key_exchange", kx_name(f->kx) ? json_string(kx_name(f->kx)) : json_null());
	json_object_set_new(o, "group", f->group_name ? json_string(f->group_name) : json_null());
	json_object_set_new(o, "hrr", json_boolean(f->hrr));
	json_object_set_new(o, "resumed", json_boolean(f->resumed));
	json_object_set_new(o, "client_auth", json_boolean(f->client_auth));
	json_object_set_new(o, "certificate", f->certificate < 0 ? json_null() : json_boolean(f->certificate));
	json_object_set_new(o, "handshake_visible", json_boolean(f->handshake_visible));
	json_object_set_new(o, "alerts", json_integer(f->alerts));
	json_object_set_new(o, "fatal_alert", f->fatal_alert < 0 ? json_null() : json_integer(f->fatal_alert));
	json_object_set_new(o, "key_updates_c2s", json_integer(f->key_updates[DIR_C2S]));
	json_object_set_new(o, "key_updates_s2c", json_integer(f->key_updates[DIR_S2C]));
	json_object_set_new(o, "sni", f->sni ? json_string(f->sni) : json_null());
	json_object_set_new(o, "offered_tls13", json_boolean(f->ch_tls13));
	json_object_set_new(o, "offered_psk", json_boolean(f->ch_psk));
	json_object_set_new(o, "offered_alpn", json_boolean(f->ch_alpn));
	json_object_set_new(o, "offered_shares", f->ch_shares ? json_string(f->ch_shares) : json_null());
	json_object_set_new(o, "client_share_bytes", f->share_len_c ? json_integer(f->share_len_c) : json_null());
	json_object_set_new(o, "server_share_bytes", f->share_len_s ? json_integer(f->share_len_s) : json_null());
	json_object_set_new(o, "ech", json_boolean(f->ech));
	json_object_set_new(o, "ech_kdf", f->ech ? json_integer(f->ech_kdf) : json_null());
	json_object_set_new(o, "ech_aead", f->ech ? json_integer(f->ech_aead) : json_null());
	json_object_set_new(o, "ech_payload_len", f->ech ? json_integer(f->ech_payload) : json_null());
	json_object_set_new(o, "ech_hrr_confirmation", json_boolean(f->ech_hrr));
	json_object_set_new(o, "ech_retry_configs", json_boolean(f->ech_retry));
	json_object_set_new(o, "ech_required", json_boolean(f->ech_required));
	json_object_set_new(o, "cert_compression", f->cert_comp ? json_integer(f->cert_comp) : json_null());
	json_object_set_new(o, "cert_compressed_len", f->cert_comp ? json_integer(f->cert_comp_len) : json_null());
	json_object_set_new(o, "cert_uncompressed_len", f->cert_comp ? json_integer(f->cert_plain_len) : json_null());
}

/* Per-type members. */
static void json_body(json_t *o, const struct event *ev)
{
	switch (ev->type) {
	case EV_CONN:
		json_str(o, "client", ev->u.conn.client);
		json_str(o, "server", ev->u.conn.server);
		json_str(o, "source", ev->u.conn.source);
		json_str(o, "label", ev->u.conn.label);
		break;
	case EV_PACKET:
		json_object_set_new(o, "frame", json_integer((json_int_t)ev->u.packet.frame));
		json_object_set_new(o, "tcp_flags", json_integer(ev->u.packet.tcp_flags));
		json_object_set_new(o, "tcp_seq", json_integer(ev->u.packet.seq));
		json_object_set_new(o, "tcp_ack", json_integer(ev->u.packet.ack));
		json_object_set_new(o, "len", json_integer((json_int_t)ev->u.packet.len));
		json_object_set_new(o, "payload_len", json_integer((json_int_t)ev->u.packet.payload_len));
		break;
	case EV_GAP:
		json_object_set_new(o, "stream_off", json_integer((json_int_t)ev->u.gap.stream_off));
		json_object_set_new(o, "missing", json_integer((json_int_t)ev->u.gap.missing));
		break;
	case EV_RECORD: {
		const struct ev_record *r = &ev->u.record;

		json_object_set_new(o, "index", json_integer((json_int_t)r->index));
		json_object_set_new(o, "stream_off", json_integer((json_int_t)r->stream_off));
		json_object_set_new(o, "content_type", json_integer(r->content_type));
		json_object_set_new(o, "version", json_integer(r->version));
		json_object_set_new(o, "length", json_integer(r->length));
		json_object_set_new(o, "encrypted", json_boolean(r->encrypted));
		json_object_set_new(o, "decrypted", json_boolean(r->decrypted));
		if (r->auth_failed)
			json_object_set_new(o, "auth_failed", json_true());
		if (r->decrypted)
			json_object_set_new(o, "inner_type", json_integer(r->inner_type));
		json_str(o, "why_not", r->why_not);
		break;
	}
	case EV_HANDSHAKE:
		json_object_set_new(o, "msg_type", json_integer(ev->u.hs.msg_type));
		json_str(o, "msg", ev->u.hs.msg);
		json_object_set_new(o, "len", json_integer((json_int_t)ev->u.hs.len));
		json_object_set_new(o, "encrypted", json_boolean(ev->u.hs.encrypted));
		json_object_set_new(o, "record_index", json_integer((json_int_t)ev->u.hs.record_index));
		json_object_set_new(o, "fields", json_fields(ev->u.hs.fields, ev->u.hs.nfields));
		break;
	case EV_CCS:
		break;
	case EV_ALERT:
		json_object_set_new(o, "level", json_integer(ev->u.alert.level));
		json_object_set_new(o, "desc", json_integer(ev->u.alert.desc));
		json_str(o, "level_name", ev->u.alert.level_name);
		json_str(o, "desc_name", ev->u.alert.desc_name);
		json_object_set_new(o, "encrypted", json_boolean(ev->u.alert.encrypted));
		break;
	case EV_APP_DATA:
		json_object_set_new(o, "record_index", json_integer((json_int_t)ev->u.app.record_index));
		json_object_set_new(o, "len", json_integer((json_int_t)ev->u.app.len));
		json_hex(o, "hex", ev->u.app.data, ev->u.app.len);
		break;
	case EV_KEY:
		json_str(o, "name", ev->u.key.name);
		json_str(o, "owner", owner_name(ev->u.key.owner));
		json_hex(o, "value", ev->u.key.value, ev->u.key.len);
		json_object_set_new(o, "len", json_integer((json_int_t)ev->u.key.len));
		json_str(o, "label", ev->u.key.label);
		json_str(o, "derivation", ev->u.key.derivation);
		json_object_set_new(o, "stage", ev->u.key.stage_no ? json_integer(ev->u.key.stage_no) : json_null());
		break;
	case EV_STAGE:
		json_stage(o, &ev->u.stage);
		break;
	case EV_FACTS:
		json_facts(o, &ev->u.facts);
		break;
	case EV_NOTE:
		json_str(o, "level", ev->u.note.level);
		json_str(o, "text", ev->u.note.text);
		if (ev->u.note.has_stream_off)
			json_object_set_new(o, "stream_off", json_integer((json_int_t)ev->u.note.stream_off));
		break;
	case EV_ERROR:
		json_object_set_new(o, "code", json_integer(ev->u.error.code));
		json_str(o, "what", ev->u.error.what);
		json_str(o, "text", ev->u.error.text);
		json_object_set_new(o, "offset", json_integer((json_int_t)ev->u.error.offset));
		break;
	case EV_END:
		break;
	}
}

/* One line per event. */
static void json_emit(struct sink *self, const struct event *ev)
{
	struct json_view *v = (struct json_view *)self;
	json_t *o = json_object();
	char *line;

	json_object_set_new(o, "type", json_string(event_type_name(ev->type)));
	json_object_set_new(o, "seq", json_integer((json_int_t)ev->seq));
	if (ev->conn)
		json_object_set_new(o, "conn", json_integer(ev->conn));
	json_str(o, "dir", dir_name(ev->dir));
	json_object_set_new(o, "ts_us", json_integer((json_int_t)ev->ts_us));
	json_body(o, ev);
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (line) {
		if (fputs(line, v->out) == EOF || fputc('\n', v->out) == EOF)
			v->base.failed = true;
		free(line);
	} else {
		v->base.failed = true;
	}
	json_decref(o);
}

static int json_close(struct view_base *b)
{
	struct json_view *v = (struct json_view *)b;
	int rc = fflush(v->out) == 0 && !b->failed ? 0 : err_set(ERR_IO, "writing JSON output failed");

	free(v);
	return rc;
}

/* A JSON Lines sink on out. */
struct sink *view_json_new(FILE *out)
{
	struct json_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	v->base.sink.emit = json_emit;
	v->base.close = json_close;
	v->out = out;
	return &v->base.sink;
}
