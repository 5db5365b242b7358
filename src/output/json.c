/* JSON Lines view: one object per event, keys documented in tlsviz(1). */
#include "output/views.h"

#include "core/err.h"
#include "output/jsonw.h"
#include "output/view_int.h"

#include <stdlib.h>
#include <string.h>

struct json_view {
	struct view_base base;
	struct jsonw w;
};

/* key: lowercase hex of n bytes. */
static void json_hex(struct jsonw *w, const char *key, const uint8_t *b, size_t n)
{
	jsonw_key(w, key);
	jsonw_hex(w, b, b ? n : 0);
}

/* key: the string, left out when there is none. */
static void json_str(struct jsonw *w, const char *key, const char *v)
{
	if (v) {
		jsonw_key(w, key);
		jsonw_str(w, v);
	}
}

/* key: the string, or null. */
static void json_str_or_null(struct jsonw *w, const char *key, const char *v)
{
	jsonw_key(w, key);
	jsonw_str(w, v);
}

static void json_int(struct jsonw *w, const char *key, long long v)
{
	jsonw_key(w, key);
	jsonw_int(w, v);
}

static void json_uint(struct jsonw *w, const char *key, unsigned long long v)
{
	jsonw_key(w, key);
	jsonw_uint(w, v);
}

static void json_bool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_bool(w, v);
}

/* key: the integer when present, else null. */
static void json_int_if(struct jsonw *w, const char *key, bool present, long long v)
{
	jsonw_key(w, key);
	if (present)
		jsonw_int(w, v);
	else
		jsonw_null(w);
}

/* Field list as an array of {depth,name,value,off,len}. */
static void json_fields(struct jsonw *w, const char *key, const struct field *f, size_t n)
{
	jsonw_key(w, key);
	jsonw_begin_arr(w);
	for (size_t i = 0; i < n; i++) {
		jsonw_begin_obj(w);
		json_int(w, "depth", f[i].depth);
		json_str(w, "name", f[i].name);
		json_str(w, "value", f[i].value);
		json_int(w, "off", f[i].off);
		json_int(w, "len", f[i].len);
		jsonw_end_obj(w);
	}
	jsonw_end_arr(w);
}

/* A comma-separated list as an array of strings. */
static void json_list(struct jsonw *w, const char *key, const char *list, char sep)
{
	if (!list)
		return;
	jsonw_key(w, key);
	jsonw_begin_arr(w);
	for (const char *p = list; *p;) {
		const char *end = strchr(p, sep);
		size_t n = end ? (size_t)(end - p) : strlen(p);

		jsonw_strn(w, p, n);
		p += n;
		if (*p == sep)
			p++;
	}
	jsonw_end_arr(w);
}

/* The stage members (see tlsviz(1), "stage"). */
static void json_stage(struct jsonw *w, const struct ev_stage *st)
{
	json_int(w, "index", st->index);
	json_int(w, "number", st->number);
	json_int(w, "of", st->of);
	json_bool(w, "final", st->final);
	json_bool(w, "planned", st->planned);
	json_str(w, "name", st->name);
	json_str(w, "title", st->title);
	json_str(w, "eve_title", st->eve_title);
	json_list(w, "messages", st->messages, ',');
	json_list(w, "eve_messages", st->eve_messages, ',');
	json_list(w, "explain", st->explain, '\n');
	json_str(w, "eavesdropper", st->eavesdropper);
	if (st->held)
		json_bool(w, "held", true);
	if (st->final) {
		json_int(w, "round_trip", st->round_trip);
		json_int_if(w, "rtt_us", st->rtt_us, st->rtt_us);
	}
}

/* The facts members; null where not known. */
static void json_facts(struct jsonw *w, const struct ev_facts *f)
{
	const char *v = f->version == 0x0304 ? "TLS 1.3" : f->version == 0x0303 ? "TLS 1.2" : NULL;

	json_str_or_null(w, "version", v);
	json_int(w, "version_code", f->version);
	json_str_or_null(w, "suite", f->suite_name);
	json_str_or_null(w, "key_exchange", kx_name(f->kx));
	json_str_or_null(w, "group", f->group_name);
	json_bool(w, "hrr", f->hrr);
	json_bool(w, "resumed", f->resumed);
	json_bool(w, "client_auth", f->client_auth);
	jsonw_key(w, "certificate");
	if (f->certificate < 0)
		jsonw_null(w);
	else
		jsonw_bool(w, f->certificate);
	json_bool(w, "handshake_visible", f->handshake_visible);
	json_int(w, "alerts", f->alerts);
	json_int_if(w, "fatal_alert", f->fatal_alert >= 0, f->fatal_alert);
	json_int(w, "key_updates_c2s", f->key_updates[DIR_C2S]);
	json_int(w, "key_updates_s2c", f->key_updates[DIR_S2C]);
	json_str_or_null(w, "sni", f->sni);
	json_bool(w, "offered_tls13", f->ch_tls13);
	json_bool(w, "offered_psk", f->ch_psk);
	json_bool(w, "offered_alpn", f->ch_alpn);
	json_str_or_null(w, "offered_shares", f->ch_shares);
	json_int_if(w, "client_share_bytes", f->share_len_c, f->share_len_c);
	json_int_if(w, "server_share_bytes", f->share_len_s, f->share_len_s);
	json_bool(w, "ech", f->ech);
	json_int_if(w, "ech_kdf", f->ech, f->ech_kdf);
	json_int_if(w, "ech_aead", f->ech, f->ech_aead);
	json_int_if(w, "ech_payload_len", f->ech, f->ech_payload);
	json_bool(w, "ech_hrr_confirmation", f->ech_hrr);
	json_bool(w, "ech_retry_configs", f->ech_retry);
	json_bool(w, "ech_required", f->ech_required);
	json_int_if(w, "cert_compression", f->cert_comp, f->cert_comp);
	json_int_if(w, "cert_compressed_len", f->cert_comp, f->cert_comp_len);
	json_int_if(w, "cert_uncompressed_len", f->cert_comp, f->cert_plain_len);
}

/* Per-type members. */
static void json_body(struct jsonw *w, const struct event *ev)
{
	switch (ev->type) {
	case EV_CONN:
		json_str(w, "client", ev->u.conn.client);
		json_str(w, "server", ev->u.conn.server);
		json_str(w, "source", ev->u.conn.source);
		json_str(w, "label", ev->u.conn.label);
		break;
	case EV_PACKET:
		json_int(w, "frame", (long long)ev->u.packet.frame);
		json_int(w, "tcp_flags", ev->u.packet.tcp_flags);
		json_int(w, "tcp_seq", ev->u.packet.seq);
		json_int(w, "tcp_ack", ev->u.packet.ack);
		json_int(w, "len", (long long)ev->u.packet.len);
		json_int(w, "payload_len", (long long)ev->u.packet.payload_len);
		break;
	case EV_GAP:
		json_int(w, "stream_off", (long long)ev->u.gap.stream_off);
		json_int(w, "missing", (long long)ev->u.gap.missing);
		break;
	case EV_RECORD: {
		const struct ev_record *r = &ev->u.record;

		json_int(w, "index", (long long)r->index);
		json_int(w, "stream_off", (long long)r->stream_off);
		json_int(w, "content_type", r->content_type);
		json_int(w, "version", r->version);
		json_int(w, "length", r->length);
		json_bool(w, "encrypted", r->encrypted);
		json_bool(w, "decrypted", r->decrypted);
		if (r->auth_failed)
			json_bool(w, "auth_failed", true);
		if (r->decrypted)
			json_int(w, "inner_type", r->inner_type);
		json_str(w, "why_not", r->why_not);
		break;
	}
	case EV_HANDSHAKE:
		json_int(w, "msg_type", ev->u.hs.msg_type);
		json_str(w, "msg", ev->u.hs.msg);
		json_int(w, "len", (long long)ev->u.hs.len);
		json_bool(w, "encrypted", ev->u.hs.encrypted);
		json_int(w, "record_index", (long long)ev->u.hs.record_index);
		json_fields(w, "fields", ev->u.hs.fields, ev->u.hs.nfields);
		break;
	case EV_CCS:
		break;
	case EV_ALERT:
		json_int(w, "level", ev->u.alert.level);
		json_int(w, "desc", ev->u.alert.desc);
		json_str(w, "level_name", ev->u.alert.level_name);
		json_str(w, "desc_name", ev->u.alert.desc_name);
		json_bool(w, "encrypted", ev->u.alert.encrypted);
		break;
	case EV_APP_DATA:
		json_int(w, "record_index", (long long)ev->u.app.record_index);
		json_int(w, "len", (long long)ev->u.app.len);
		json_hex(w, "hex", ev->u.app.data, ev->u.app.len);
		break;
	case EV_KEY:
		json_str(w, "name", ev->u.key.name);
		json_str(w, "owner", owner_name(ev->u.key.owner));
		json_hex(w, "value", ev->u.key.value, ev->u.key.len);
		json_int(w, "len", (long long)ev->u.key.len);
		json_str(w, "label", ev->u.key.label);
		json_str(w, "derivation", ev->u.key.derivation);
		json_str(w, "calc", ev->u.key.calc);
		json_int_if(w, "stage", ev->u.key.stage_no, ev->u.key.stage_no);
		break;
	case EV_STAGE:
		json_stage(w, &ev->u.stage);
		break;
	case EV_FACTS:
		json_facts(w, &ev->u.facts);
		break;
	case EV_NOTE:
		json_str(w, "level", ev->u.note.level);
		json_str(w, "text", ev->u.note.text);
		if (ev->u.note.has_stream_off)
			json_int(w, "stream_off", (long long)ev->u.note.stream_off);
		break;
	case EV_ERROR:
		json_int(w, "code", ev->u.error.code);
		json_str(w, "what", ev->u.error.what);
		json_str(w, "text", ev->u.error.text);
		json_int(w, "offset", (long long)ev->u.error.offset);
		break;
	case EV_END:
		break;
	}
}

/* One line per event. A stage, an error and the end are written out at
 * once (and stdout flushed) so that a reader following a live session sees
 * each step as it happens; everything else waits for a full buffer. */
static void json_emit(struct sink *self, const struct event *ev)
{
	struct jsonw *w = &((struct json_view *)self)->w;

	jsonw_begin_obj(w);
	json_str(w, "type", event_type_name(ev->type));
	json_uint(w, "seq", ev->seq);
	if (ev->conn)
		json_int(w, "conn", ev->conn);
	json_str(w, "dir", dir_name(ev->dir));
	json_uint(w, "ts_us", ev->ts_us);
	json_body(w, ev);
	jsonw_end_obj(w);
	jsonw_newline(w);
	if (ev->type == EV_STAGE || ev->type == EV_ERROR || ev->type == EV_END) {
		jsonw_flush(w);
		fflush(w->out);
	}
}

static int json_close(struct view_base *b)
{
	struct json_view *v = (struct json_view *)b;
	int rc = jsonw_free(&v->w) == 0 && !b->failed ? 0 : err_set(ERR_IO, "writing JSON output failed");

	free(v);
	return rc;
}

/* A JSON Lines sink on out. */
struct sink *view_json_new(FILE *out)
{
	struct json_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	if (jsonw_init(&v->w, out, 0) < 0) {
		free(v);
		return NULL;
	}
	v->base.sink.emit = json_emit;
	v->base.close = json_close;
	return &v->base.sink;
}
