/* The passive TLS decoder: per-connection state, record dispatch, handshake
 * reassembly, and the points where each direction's keys change. */
#include "tls/tlsdec_int.h"

#include "core/cursor.h"
#include "core/err.h"
#include "tls/names.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Stamp and deliver one event. */
void tlsdec_emit(struct tlsdec *d, enum dir dir, struct event *ev)
{
	ev->seq = ++d->evseq;
	ev->conn = d->conn;
	ev->dir = dir;
	ev->ts_us = d->ts;
	sink_emit(d->out, ev);
}

/* Publish the connection facts if one changed. */
static void tlsdec_facts_flush(struct tlsdec *d, enum dir dir)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EV_FACTS;
	if (facts_take(&d->facts, &ev.u.facts))
		tlsdec_emit(d, dir, &ev);
}

/* Emit an EV_ERROR carrying the current error message. */
void tlsdec_error(struct tlsdec *d, enum dir dir, int code, uint64_t offset)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EV_ERROR;
	ev.u.error.code = code;
	ev.u.error.what = err_name(code);
	ev.u.error.text = err_msg();
	ev.u.error.offset = offset;
	tlsdec_emit(d, dir, &ev);
}

/* A new decoder for one connection. */
struct tlsdec *tlsdec_new(uint32_t conn_id, struct keystore *ks, struct sink *out)
{
	struct tlsdec *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	d->conn = conn_id;
	d->ks = ks;
	d->out = out;
	for (int i = 0; i < 2; i++)
		record_stream_init(&d->d[i].rs);
	fields_init(&d->fl);
	facts_init(&d->facts);
	return d;
}

/* Keep TLS 1.2 handshake messages for the extended master secret's session hash. */
static void dec_transcript_add(struct tlsdec *d, const uint8_t *msg, size_t len)
{
	if (d->transcript_done || d->transcript_over || d->hi.version == 0x0304)
		return;
	if (d->tlen + len > TLSDEC_TRANSCRIPT_MAX) {
		d->transcript_over = true;
		return;
	}
	if (!d->transcript && !(d->transcript = malloc(TLSDEC_TRANSCRIPT_MAX))) {
		d->transcript_over = true;
		return;
	}
	memcpy(d->transcript + d->tlen, msg, len);
	d->tlen += len;
}

/* A ClientHello in the clear starts a handshake (or repeats one after HRR). */
static void dec_client_hello_seen(struct tlsdec *d)
{
	struct dirst *c = tlsdec_dir(d, DIR_C2S);

	if (c->ph == PH_EARLY)
		tlskeys_reset_dir(c, PH_PLAIN);
	if (d->hrr_pending) {
		d->hrr_pending = false;
		return;
	}
	d->have_ms = d->have_kb = false;
	secure_wipe(d->ms, sizeof d->ms);
	secure_wipe(&d->kb, sizeof d->kb);
	d->tlen = 0;
	d->transcript_over = d->transcript_done = false;
	d->session_hash_len = 0;
	d->ee_seen = false;
	d->sh_seen = false;
	d->ech_keys_shown = false;
	free(d->enc_pms);
	d->enc_pms = NULL;
	d->enc_pms_len = 0;
}

/* Apply what a complete, well-formed message changes in the key schedule. */
static void dec_message_effects(struct tlsdec *d, enum dir dir, uint8_t type, bool enc)
{
	struct dirst *st = tlsdec_dir(d, dir);
	bool tls13 = d->hi.version == 0x0304;

	switch (type) {
	case 1:
		if (d->hi.ch_ech == ECH_OUTER)
			tlskeys_ech(d);
		break;
	case 2:
		if (d->hi.ch_ech == ECH_OUTER)
			tlskeys_ech(d); /* the key log may have arrived since the hello */
		if (d->hi.is_hrr) {
			d->hrr_pending = true;
			if (tlsdec_dir(d, DIR_C2S)->ph == PH_EARLY)
				tlskeys_reset_dir(tlsdec_dir(d, DIR_C2S), PH_PLAIN);
		} else {
			d->sh_seen = true;
			if (tls13)
				tlskeys_reset_dir(tlsdec_dir(d, DIR_S2C), PH_HS);
		}
		break;
	case 5: /* end_of_early_data: the client's handshake keys follow */
		if (dir == DIR_C2S)
			tlskeys_reset_dir(st, PH_HS);
		break;
	case 8:
		d->ee_seen = true;
		break;
	case 16:
		tlskeys_cke(d);
		break;
	case 20: /* TLS 1.3: after each side's Finished its application keys start */
		if (tls13 && enc && st->ph == PH_HS)
			tlskeys_reset_dir(st, PH_APP);
		break;
	case 24:
		if (tls13 && st->ph == PH_APP)
			tlskeys_update(d, dir);
		break;
	default:
		break;
	}
}

/* Parse and emit one complete handshake message. */
static void dec_message(struct tlsdec *d, enum dir dir, const uint8_t *msg, size_t len,
			uint64_t rec_index, uint32_t rec_off, bool enc)
{
	struct event ev;
	const char *name;
	int rc;

	if (msg[0] == 1 && !enc)
		dec_client_hello_seen(d);
	fields_reset(&d->fl);
	rc = handshake_parse(&d->hi, dir, msg, len, &d->fl, &name);
	memset(&ev, 0, sizeof ev);
	ev.type = EV_HANDSHAKE;
	ev.u.hs.msg_type = msg[0];
	ev.u.hs.msg = name;
	ev.u.hs.bytes = msg;
	ev.u.hs.len = len;
	ev.u.hs.encrypted = enc;
	ev.u.hs.record_index = rec_index;
	ev.u.hs.record_off = rec_off;
	ev.u.hs.fields = d->fl.v;
	ev.u.hs.nfields = d->fl.n;
	tlsdec_emit(d, dir, &ev);
	if (rc < 0)
		tlsdec_error(d, dir, rc, d->cur_rec_off);
	if (msg[0] != 0 && !enc)
		dec_transcript_add(d, msg, len);
	if (rc == 0 || msg[0] == 2) {
		dec_message_effects(d, dir, msg[0], enc);
		facts_message(&d->facts, &d->hi, dir, msg[0], &d->fl);
	}
	tlsdec_facts_flush(d, dir);
}

/* Append a handshake fragment and emit every message it completes. */
static void dec_handshake_bytes(struct tlsdec *d, enum dir dir, const uint8_t *p, size_t n,
				uint64_t rec_index, bool enc)
{
	struct dirst *st = tlsdec_dir(d, dir);
	size_t pos = 0, cur_start;

	if (n == 0) {
		err_set(ERR_LENGTH, "handshake record %llu at stream offset %llu has an empty fragment",
			(unsigned long long)rec_index, (unsigned long long)d->cur_rec_off);
		tlsdec_error(d, dir, ERR_LENGTH, d->cur_rec_off);
		return;
	}
	if (st->hs_skip) {
		size_t take = st->hs_skip < n ? (size_t)st->hs_skip : n;

		st->hs_skip -= take;
		pos = take;
		if (pos == n)
			return;
	}
	if (st->hs_len == 0) {
		st->hs_head_rec = rec_index;
		st->hs_head_off = (uint32_t)pos;
		st->hs_head_enc = enc;
	}
	if (st->hs_len + (n - pos) > st->hs_cap) {
		size_t ncap = st->hs_len + (n - pos) + 1024;
		uint8_t *nb = realloc(st->hs, ncap);

		if (!nb) {
			err_set(ERR_NOMEM, "handshake reassembly: out of memory");
			tlsdec_error(d, dir, ERR_NOMEM, d->cur_rec_off);
			st->hs_len = 0;
			return;
		}
		st->hs = nb;
		st->hs_cap = ncap;
	}
	cur_start = st->hs_len;
	memcpy(st->hs + st->hs_len, p + pos, n - pos);
	st->hs_len += n - pos;
	while (st->hs_len >= 4) {
		struct cursor c;
		uint8_t type;
		uint32_t mlen;
		size_t total;

		cursor_init(&c, st->hs, st->hs_len, 0);
		if (cursor_u8(&c, "msg_type", &type) < 0 || cursor_u24(&c, "length", &mlen) < 0)
			break;
		if (mlen > TLSDEC_HS_MAX) {
			err_set(ERR_NOMEM, "handshake message type %u of %u bytes in record %llu exceeds the %u-byte cap; skipped",
				type, mlen, (unsigned long long)st->hs_head_rec, TLSDEC_HS_MAX);
			tlsdec_error(d, dir, ERR_NOMEM, d->cur_rec_off);
			st->hs_skip = 4 + (uint64_t)mlen - st->hs_len;
			st->hs_len = 0;
			return;
		}
		total = 4 + (size_t)mlen;
		if (st->hs_len < total)
			break;
		dec_message(d, dir, st->hs, total, st->hs_head_rec, st->hs_head_off, st->hs_head_enc);
		memmove(st->hs, st->hs + total, st->hs_len - total);
		st->hs_len -= total;
		/* the next message starts inside the current record */
		st->hs_head_rec = rec_index;
		st->hs_head_off = (uint32_t)(pos + (total > cur_start ? total - cur_start : 0));
		pos = st->hs_head_off;
		cur_start = total > cur_start ? 0 : cur_start - total;
		st->hs_head_enc = enc;
	}
}

/* change_cipher_spec: TLS 1.2 turns protection on; TLS 1.3 compatibility CCS does not. */
static void dec_ccs(struct tlsdec *d, enum dir dir, const uint8_t *p, size_t n, bool enc)
{
	struct dirst *st = tlsdec_dir(d, dir);
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EV_CCS;
	tlsdec_emit(d, dir, &ev);
	if (n != 1 || p[0] != 1) {
		err_set(ERR_VALUE, "change_cipher_spec at stream offset %llu: %zu bytes, first 0x%02x; expected one byte 0x01",
			(unsigned long long)d->cur_rec_off, n, n ? p[0] : 0);
		tlsdec_error(d, dir, ERR_VALUE, d->cur_rec_off);
	}
	if (d->hi.version == 0x0304 || (d->hi.version == 0 && d->hi.ch_offers_tls13) || enc)
		return;
	tlskeys_reset_dir(st, PH_PLAIN);
	st->cipher_on = true;
	facts_ccs(&d->facts, &d->hi, dir);
	tlsdec_facts_flush(d, dir);
}

/* Alerts: a sequence of (level, description) pairs. */
static void dec_alert(struct tlsdec *d, enum dir dir, const uint8_t *p, size_t n, bool enc)
{
	struct cursor c;
	uint8_t level, desc;

	cursor_init(&c, p, n, 0);
	while (cursor_left(&c) >= 2) {
		struct event ev;

		cursor_u8(&c, "alert level", &level);
		cursor_u8(&c, "alert description", &desc);
		memset(&ev, 0, sizeof ev);
		ev.type = EV_ALERT;
		ev.u.alert.level = level;
		ev.u.alert.desc = desc;
		ev.u.alert.level_name = names_alert_level(level) ? names_alert_level(level) : "unknown";
		ev.u.alert.desc_name = names_alert_desc(desc) ? names_alert_desc(desc) : "unknown";
		ev.u.alert.encrypted = enc;
		tlsdec_emit(d, dir, &ev);
		facts_alert(&d->facts, level, desc);
	}
	tlsdec_facts_flush(d, dir);
	if (n == 0 || cursor_left(&c)) {
		err_set(ERR_LENGTH, "alert record at stream offset %llu: %zu bytes is not a whole number of 2-byte alerts",
			(unsigned long long)d->cur_rec_off, n);
		tlsdec_error(d, dir, ERR_LENGTH, d->cur_rec_off);
	}
}

/* An application_data record where no keys are active yet: decide whose keys apply. */
static void dec_enter_protected(struct tlsdec *d, enum dir dir, struct dirst *st)
{
	if (dir == DIR_C2S && d->hi.ch_early_data && !d->hrr_pending &&
	    !(d->ee_seen && !d->hi.ee_early_data) && !(d->sh_seen && !d->hi.sh_psk))
		tlskeys_reset_dir(st, PH_EARLY);
	else if (d->hi.version == 0x0304 || (d->hi.version == 0 && d->hi.ch_offers_tls13 && d->sh_seen))
		tlskeys_reset_dir(st, PH_HS);
}

/* One complete record from the record layer (pre: opened in advance). */
void tlsdec_record(struct tlsdec *d, enum dir dir, const struct record_view *r,
		   const struct tlsdec_pre *pre)
{
	struct dirst *st = tlsdec_dir(d, dir);
	struct event ev;
	struct ev_record *rec = &ev.u.record;
	const uint8_t *frag = r->bytes + RECORD_HDR;
	const uint8_t *plain = frag;
	size_t plen = r->length;
	uint8_t inner = r->type;
	bool prot = st->cipher_on;
	int rc = 0;

	d->cur_rec_off = r->stream_off;
	memset(&ev, 0, sizeof ev);
	ev.type = EV_RECORD;
	rec->index = st->rec_index++;
	rec->stream_off = r->stream_off;
	rec->content_type = r->type;
	rec->version = r->version;
	rec->length = r->length;
	rec->bytes = r->bytes;
	rec->len = r->len;
	if (!prot && r->type == 23) {
		if (st->ph == PH_PLAIN)
			dec_enter_protected(d, dir, st);
		prot = true;
	}
	if (prot) {
		struct protect_result res;
		const char *why = NULL;

		memset(&res, 0, sizeof res);
		rec->encrypted = true;
		if (pre) {
			rc = pre->rc;
			res = pre->res;
			tlskeys_opened(d, dir);
		} else {
			rc = tlskeys_open(d, dir, r->bytes, frag, r->length, &res, &why);
		}
		plain = NULL;
		plen = 0;
		if (rc == 0) {
			bool cbc_mac_inside = d->hi.suite && d->hi.suite->cipher == CIPHER_AES_CBC && !d->hi.etm;

			rec->decrypted = true;
			plain = pre ? pre->plain : d->plain;
			plen = res.plain_len;
			inner = res.inner_type;
			if (res.nonce_len) {
				rec->nonce_off = RECORD_HDR + res.nonce_off;
				rec->nonce_len = res.nonce_len;
			}
			if (res.tag_len && !cbc_mac_inside) {
				rec->tag_off = RECORD_HDR + res.tag_off;
				rec->tag_len = res.tag_len;
			}
		} else if (rc == ERR_NOKEY) {
			rec->why_not = why;
			if (st->ph == PH_HS || st->ph == PH_EARLY ||
			    (d->hi.version != 0x0304 && st->cipher_on && !d->facts.server_fin_seen && dir == DIR_S2C))
				facts_hidden(&d->facts, dir);
		} else {
			rec->auth_failed = true;
		}
	} else {
		rec->plain_off = RECORD_HDR;
	}
	rec->inner_type = inner;
	rec->plain = plain;
	rec->plain_len = plen;
	tlsdec_emit(d, dir, &ev);
	if (rec->why_not)
		tlsdec_facts_flush(d, dir);
	if (rec->auth_failed) {
		if (rc == ERR_AUTH)
			err_set(ERR_AUTH, "authentication failed: %s record %llu at stream offset %llu",
				dir_name(dir), (unsigned long long)rec->index, (unsigned long long)r->stream_off);
		else
			err_wrap(rc, "authentication failed: %s record %llu at stream offset %llu: ",
				 dir_name(dir), (unsigned long long)rec->index, (unsigned long long)r->stream_off);
		tlsdec_error(d, dir, ERR_AUTH, r->stream_off);
	}
	if (!plain)
		return;
	switch (inner) {
	case 20:
		dec_ccs(d, dir, plain, plen, prot);
		break;
	case 21:
		dec_alert(d, dir, plain, plen, prot);
		break;
	case 22:
		dec_handshake_bytes(d, dir, plain, plen, rec->index, prot);
		break;
	case 23:
		if (prot) {
			memset(&ev, 0, sizeof ev);
			ev.type = EV_APP_DATA;
			ev.u.app.record_index = st->rec_index - 1;
			ev.u.app.data = plain;
			ev.u.app.len = plen;
			tlsdec_emit(d, dir, &ev);
		}
		break;
	default:
		break;
	}
}

/* Record-layer callbacks. */
static void dec_record_cb(void *ctx, const struct record_view *r)
{
	struct tlsdec_feed_ctx *f = ctx;

	tlsdec_record(f->d, f->dir, r, NULL);
}

static void dec_record_err_cb(void *ctx, int code, uint64_t off)
{
	struct tlsdec_feed_ctx *f = ctx;

	tlsdec_error(f->d, f->dir, code, off);
}

/* Feed in-order stream bytes of one direction. */
int tlsdec_feed(struct tlsdec *d, enum dir dir, const uint8_t *data, size_t len,
		uint64_t stream_off, uint64_t ts_us)
{
	struct tlsdec_feed_ctx f = { d, dir };
	struct record_sink sink = { dec_record_cb, dec_record_err_cb, &f };

	ENSURE(d && (dir == DIR_C2S || dir == DIR_S2C), ERR_USAGE, "tlsdec_feed: bad direction");
	ENSURE(data || len == 0, ERR_USAGE, "tlsdec_feed: no data");
	d->ts = ts_us;
	if (d->par > 1 && tlspar_feed(d, dir, data, len, stream_off))
		return 0;
	record_stream_feed(&tlsdec_dir(d, dir)->rs, data, len, stream_off, &sink);
	return 0;
}

/* Lost bytes: drop partial state; the next record's sequence number is a guess. */
void tlsdec_gap(struct tlsdec *d, enum dir dir, uint64_t stream_off, uint64_t missing)
{
	struct dirst *st;

	if (!d || (dir != DIR_C2S && dir != DIR_S2C))
		return;
	st = tlsdec_dir(d, dir);
	record_stream_gap(&st->rs, stream_off, missing);
	st->hs_len = 0;
	st->hs_skip = 0;
	/* protected (keys loaded, or to be loaded for the phase it is in):
	 * the lost bytes may have held records, so count them again */
	if (st->keys || st->ph != PH_PLAIN || st->cipher_on)
		st->seq_unsure = true;
}

/* End of both streams: report what was left half-way. */
void tlsdec_end(struct tlsdec *d)
{
	if (!d)
		return;
	for (int i = 0; i < 2; i++) {
		enum dir dir = i ? DIR_S2C : DIR_C2S;
		struct dirst *st = &d->d[i];
		uint64_t at = st->rs.next_off - st->rs.have;
		int rc = record_stream_end(&st->rs);

		if (rc < 0)
			tlsdec_error(d, dir, rc, at);
		if (st->hs_len) {
			err_set(ERR_SHORT, "%s: incomplete handshake message at the end: %zu bytes",
				dir_name(dir), st->hs_len);
			tlsdec_error(d, dir, ERR_SHORT, st->rs.next_off);
			st->hs_len = 0;
		}
	}
}

/* Release a decoder, wiping its keys. */
void tlsdec_free(struct tlsdec *d)
{
	if (!d)
		return;
	for (int i = 0; i < 2; i++) {
		tlskeys_reset_dir(&d->d[i], PH_PLAIN);
		free(d->d[i].hs);
	}
	fields_free(&d->fl);
	free(d->transcript);
	free(d->enc_pms);
	secure_wipe(d->ms, sizeof d->ms);
	secure_wipe(&d->kb, sizeof d->kb);
	secure_wipe(d->plain, sizeof d->plain);
	if (d->par > 1)
		tlspar_release();
	free(d);
}

/* How many threads open records when the caller leaves it to tlsviz: the
 * TLSVIZ_THREADS environment variable (1..4), else one thread when the record
 * cipher runs in hardware, else the CPU count (at most 4).
 *
 * Why one thread with a fast cipher: measured on a 2-vCPU AMD EPYC (AES-NI,
 * VAES, VPCLMULQDQ; shared with other builds), replay --export-plaintext of
 * 50 MB TLS 1.3 captures, perf stat medians of 10 runs, TLSVIZ_THREADS=1 vs 2:
 *   libgcrypt AES-128-GCM 16 KiB records 0.150 s vs 0.178 s, ChaCha20 0.148 s
 *   vs 0.160 s, AES-128-GCM 1 KiB records 0.260 s vs 0.289 s: the pool's
 *   hand-offs cost more than the decryption they share out;
 *   wolfCrypt (portable C) AES-128-GCM 1.00 s vs 0.98 s, ChaCha20 0.47 s vs
 *   0.43 s: there the pool still pays a little. */
unsigned tlsdec_threads(const char *env, long ncpu, bool fast_cipher)
{
	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);

		return *end == 0 && v >= 1 ? (unsigned)(v > 4 ? 4 : v) : 1;
	}
	if (fast_cipher)
		return 1;
	return ncpu > 1 ? (unsigned)(ncpu > 4 ? 4 : ncpu) : 1;
}

/* Open application-data records on nthreads threads (0: tlsdec_threads's
 * choice; at most 4; 1: sequential). Events stay those of the sequential
 * decoder. */
void tlsdec_set_parallel(struct tlsdec *d, unsigned nthreads)
{
	if (!d || d->par > 1)
		return;
	if (nthreads == 0)
		nthreads = tlsdec_threads(getenv("TLSVIZ_THREADS"), sysconf(_SC_NPROCESSORS_ONLN),
					  protect_backend_fast());
	if (nthreads > 4)
		nthreads = 4;
	if (nthreads > 1 && tlspar_acquire(nthreads) == 0)
		d->par = nthreads;
}

/* Negotiated version, suite and group for status lines. */
void tlsdec_info(const struct tlsdec *d, uint16_t *version, const char **suite, const char **group)
{
	const char *g = d ? names_group(d->hi.group) : NULL;

	if (version)
		*version = d ? d->hi.version : 0;
	if (suite)
		*suite = d && d->sh_seen && d->hi.suite ? d->hi.suite->name : "";
	if (group)
		*group = d && d->hi.group && g ? g : "";
}
