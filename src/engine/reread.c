/* Reading records back from the capture on demand (see reread.h). */
#include "engine/reread.h"

#include "core/cursor.h"
#include "core/err.h"
#include "core/idtab.h"
#include "keys/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RR_RING 64                 /* recent payload frames per direction */
#define RR_CP_BYTES (128u * 1024)  /* a checkpoint per this much stream ... */
#define RR_CP_RECORDS 256          /* ... or per this many records */
#define RR_SPAN (RR_CP_BYTES + 70000u) /* checkpoint to the end of any record after it */
#define RR_STARTS 64
#define RR_KEYS RR_STARTS /* key sets per direction: one per key change kept */
#define RR_HDR 5

struct rr_frame {
	uint64_t start;    /* stream offset of the payload's first byte */
	uint32_t len;
	uint64_t pos, frame_no;
};

struct rr_cp {
	uint64_t index, stream_off, pos, frame_no;
};

/* One key set: the parts of one direction's record protection that share a
 * name (see rr_key_role); a part not yet seen has length 0. */
struct rr_keys {
	char id[48];
	uint8_t key[32], iv[16], mac[48];
	size_t key_len, iv_len, mac_len;
};

struct rr_dir {
	bool tuple_ok, base_ok;
	int af;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t base;               /* TCP sequence number of stream offset 0 */
	uint64_t last_off;           /* a recent stream offset, to widen 32-bit sequence numbers */
	struct rr_frame ring[RR_RING];
	size_t ring_head, ring_n;
	struct rr_cp *cp;
	size_t ncp, capcp;
	uint64_t nrec;               /* records seen: indices [0, nrec) may be asked for */
	/* protection: where keys change, and the keys seen */
	bool any_enc, pending;
	uint64_t starts[RR_STARTS];
	size_t nstarts;
	struct rr_keys *keys;        /* oldest first, at most RR_KEYS */
	size_t nkeys, capkeys;
	uint16_t version;
	const struct suite *suite;
};

struct rr_conn {
	struct rr_dir d[2];
};

struct reread {
	struct rr_conn *c;
	size_t n;
};

struct reread *reread_new(void)
{
	return calloc(1, sizeof(struct reread));
}

/* Wipe the keys and free. */
void reread_free(struct reread *rr)
{
	if (!rr)
		return;
	for (size_t i = 0; i < rr->n; i++)
		for (int k = 0; k < 2; k++) {
			free(rr->c[i].d[k].cp);
			if (rr->c[i].d[k].keys)
				secure_wipe(rr->c[i].d[k].keys, rr->c[i].d[k].capkeys * sizeof *rr->c[i].d[k].keys);
			free(rr->c[i].d[k].keys);
		}
	free(rr->c);
	free(rr);
}

/* The state of (conn, d), growing the table; NULL if out of memory. */
static struct rr_dir *rr_dir(struct reread *rr, uint32_t conn, enum dir d, bool grow)
{
	if (!rr || !conn || (d != DIR_C2S && d != DIR_S2C))
		return NULL;
	if (conn > rr->n && (!grow || idtab_reserve((void **)&rr->c, &rr->n, sizeof *rr->c, conn) < 0))
		return NULL;
	return &rr->c[conn - 1].d[d == DIR_S2C];
}

/* Widen a 32-bit stream offset to 64 bits near a known offset. */
static uint64_t rr_widen(uint64_t near, uint32_t rel)
{
	int32_t delta = (int32_t)(rel - (uint32_t)near);

	return (int64_t)near + delta < 0 ? rel : (uint64_t)((int64_t)near + delta);
}

/* Does frame p travel in direction st? */
static bool rr_match(const struct rr_dir *st, const struct pkt *p)
{
	return st->tuple_ok && p->af == st->af && p->sport == st->sport && p->dport == st->dport &&
	       !memcmp(p->src, st->src, sizeof st->src) && !memcmp(p->dst, st->dst, sizeof st->dst);
}

/* Learn the direction's 4-tuple and sequence base from delivered bytes, and
 * note the frame in the ring. */
void reread_data(struct reread *rr, uint32_t conn, enum dir d, const struct pkt *p, const uint8_t *data,
		 size_t len, uint64_t off, uint64_t pos, uint64_t frame_no)
{
	struct rr_dir *st = rr_dir(rr, conn, d, true);
	struct rr_frame *f;
	uint64_t start;

	if (!st || !p || !p->payload_len)
		return;
	if (!st->tuple_ok) {
		st->tuple_ok = true;
		st->af = p->af;
		memcpy(st->src, p->src, sizeof st->src);
		memcpy(st->dst, p->dst, sizeof st->dst);
		st->sport = p->sport;
		st->dport = p->dport;
	}
	if (!rr_match(st, p))
		return;
	if (!st->base_ok && data >= p->payload && data + len <= p->payload + p->payload_len) {
		st->base = p->seq + (uint32_t)(data - p->payload) - (uint32_t)off;
		st->base_ok = true;
		st->last_off = off;
	}
	if (!st->base_ok)
		return;
	start = rr_widen(st->last_off, p->seq - st->base);
	st->last_off = start;
	if (st->ring_n) {
		f = &st->ring[(st->ring_head + st->ring_n - 1) % RR_RING];
		if (f->pos == pos && f->frame_no == frame_no)
			return; /* the same frame delivers again */
	}
	if (st->ring_n == RR_RING) {
		st->ring_head = (st->ring_head + 1) % RR_RING;
		st->ring_n--;
	}
	f = &st->ring[(st->ring_head + st->ring_n) % RR_RING];
	st->ring_n++;
	f->start = start;
	f->len = (uint32_t)p->payload_len;
	f->pos = pos;
	f->frame_no = frame_no;
}

/* A checkpoint for a record at stream offset off: the earliest frame in the
 * ring that holds bytes at or after off. */
static void rr_checkpoint(struct rr_dir *st, uint64_t index, uint64_t off)
{
	struct rr_cp *c;
	bool found = false;
	uint64_t pos = 0, frame_no = 0;

	for (size_t i = 0; i < st->ring_n; i++) {
		const struct rr_frame *f = &st->ring[(st->ring_head + i) % RR_RING];

		if (f->start + f->len > off && (!found || f->pos < pos)) {
			found = true;
			pos = f->pos;
			frame_no = f->frame_no;
		}
	}
	if (!found)
		return;
	if (st->ncp == st->capcp) {
		size_t n = st->capcp ? st->capcp * 2 : 8;
		struct rr_cp *g = realloc(st->cp, n * sizeof *g);

		if (!g)
			return;
		st->cp = g;
		st->capcp = n;
	}
	c = &st->cp[st->ncp++];
	c->index = index;
	c->stream_off = off;
	c->pos = pos;
	c->frame_no = frame_no;
}

enum rr_role { RR_NONE = 0, RR_KEY, RR_IV, RR_MAC };

/* What a key event is to this direction's record protection, and which key
 * set it belongs to (id: the name without its role word, so that
 * client_application_key_1 and client_application_iv_1 share
 * "client_application_1", client_write_mac_key and client_write_key share
 * "client_write").
 *
 * Only the decoder's own keys count: they are the ones that opened the
 * records being read back. The endpoints of a live session report their
 * own view as well (ephemeral keys, shared secrets, finished and binder
 * keys, and both directions' traffic keys under the endpoint's direction);
 * letting those in would push record keys out or pair an IV with the wrong
 * key. Of the decoder's keys, the HKDF label says a TLS 1.3 record key or
 * IV ("key", "iv"); the TLS 1.2 key block ("key expansion") names its parts
 * client_write_key, client_write_iv and client_write_mac_key. */
static enum rr_role rr_key_role(const struct ev_key *k, char *id, size_t cap)
{
	static const struct {
		const char *word;
		enum rr_role role;
	} words[] = { { "_mac_key", RR_MAC }, { "_key", RR_KEY }, { "_iv", RR_IV } };
	size_t nl, gl, wl;
	enum rr_role by_label;

	if (k->owner != OWNER_OBSERVER || !k->name || !k->label)
		return RR_NONE;
	if (!strcmp(k->label, "key"))
		by_label = RR_KEY;
	else if (!strcmp(k->label, "iv"))
		by_label = RR_IV;
	else if (!strcmp(k->label, "key expansion"))
		by_label = RR_NONE; /* any part of the block: the name says which */
	else
		return RR_NONE;
	/* a generation suffix (_1 after a KeyUpdate) is part of the id */
	nl = strlen(k->name);
	gl = nl;
	while (gl > 0 && k->name[gl - 1] >= '0' && k->name[gl - 1] <= '9')
		gl--;
	gl = gl > 0 && gl < nl && k->name[gl - 1] == '_' ? gl - 1 : nl;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		wl = strlen(words[i].word);
		if (gl <= wl || strncmp(k->name + gl - wl, words[i].word, wl))
			continue;
		if (by_label != RR_NONE && by_label != words[i].role)
			return RR_NONE;
		if (gl - wl + (nl - gl) >= cap)
			return RR_NONE;
		memcpy(id, k->name, gl - wl);
		memcpy(id + gl - wl, k->name + gl, nl - gl);
		id[gl - wl + (nl - gl)] = 0;
		return words[i].role;
	}
	return RR_NONE;
}

/* The newest key set of id that has no part of this role yet, or a new one
 * (dropping the oldest once RR_KEYS sets are kept); NULL if out of memory. */
static struct rr_keys *rr_key_set(struct rr_dir *st, const char *id, enum rr_role role)
{
	struct rr_keys *ks;

	for (size_t i = st->nkeys; i-- > 0;) {
		ks = &st->keys[i];
		if (strcmp(ks->id, id))
			continue;
		if ((role == RR_KEY && !ks->key_len) || (role == RR_IV && !ks->iv_len) ||
		    (role == RR_MAC && !ks->mac_len))
			return ks;
		break; /* a newer part of the same name starts a new set */
	}
	if (st->nkeys == RR_KEYS) {
		secure_wipe(&st->keys[0], sizeof st->keys[0]);
		memmove(&st->keys[0], &st->keys[1], (RR_KEYS - 1) * sizeof st->keys[0]);
		st->nkeys--;
	} else if (st->nkeys == st->capkeys) {
		size_t n = st->capkeys ? st->capkeys * 2 : 4;
		struct rr_keys *g;

		if (n > RR_KEYS)
			n = RR_KEYS;
		/* not realloc: the old block holds keys and is wiped before it goes */
		g = malloc(n * sizeof *g);
		if (!g)
			return NULL;
		if (st->nkeys)
			memcpy(g, st->keys, st->nkeys * sizeof *g);
		if (st->keys)
			secure_wipe(st->keys, st->nkeys * sizeof *g);
		free(st->keys);
		st->keys = g;
		st->capkeys = n;
	}
	ks = &st->keys[st->nkeys++];
	memset(ks, 0, sizeof *ks);
	snprintf(ks->id, sizeof ks->id, "%s", id);
	return ks;
}

/* An EV_KEY of a direction: the decoder's record keys, IVs and MAC keys,
 * gathered into key sets by name, in the order the sets began. */
static void rr_key(struct rr_dir *st, const struct ev_key *k)
{
	char id[sizeof ((struct rr_keys *)0)->id];
	enum rr_role role = rr_key_role(k, id, sizeof id);
	struct rr_keys *ks;

	if (!k->value || !k->len || role == RR_NONE)
		return;
	if ((role == RR_KEY && k->len > sizeof ks->key) || (role == RR_IV && k->len > sizeof ks->iv) ||
	    (role == RR_MAC && k->len > sizeof ks->mac))
		return;
	ks = rr_key_set(st, id, role);
	if (!ks)
		return;
	if (role == RR_KEY) {
		memcpy(ks->key, k->value, k->len);
		ks->key_len = k->len;
	} else if (role == RR_IV) {
		memcpy(ks->iv, k->value, k->len);
		ks->iv_len = k->len;
	} else {
		memcpy(ks->mac, k->value, k->len);
		ks->mac_len = k->len;
	}
}

/* Watch an event on its way to the view. */
void reread_event(struct reread *rr, const struct event *ev, uint16_t version, const char *suite)
{
	struct rr_dir *st = rr_dir(rr, ev->conn, ev->dir, true);

	if (!st)
		return;
	switch (ev->type) {
	case EV_RECORD: {
		const struct ev_record *r = &ev->u.record;
		const struct rr_cp *last = st->ncp ? &st->cp[st->ncp - 1] : NULL;

		if (!last || r->index >= last->index + RR_CP_RECORDS || r->stream_off >= last->stream_off + RR_CP_BYTES)
			rr_checkpoint(st, r->index, r->stream_off);
		if (r->index + 1 > st->nrec)
			st->nrec = r->index + 1;
		if (r->encrypted && (!st->any_enc || st->pending)) {
			if (st->nstarts == RR_STARTS) {
				memmove(&st->starts[0], &st->starts[1], (RR_STARTS - 1) * sizeof st->starts[0]);
				st->nstarts--;
			}
			st->starts[st->nstarts++] = r->index;
			st->any_enc = true;
			st->pending = false;
		}
		break;
	}
	case EV_HANDSHAKE:
		/* TLS 1.3: the record after a direction's Finished, KeyUpdate or
		 * EndOfEarlyData is protected by the next keys, from sequence 0 */
		if (ev->u.hs.encrypted && ev->u.hs.msg &&
		    (!strcmp(ev->u.hs.msg, "finished") || !strcmp(ev->u.hs.msg, "key_update") ||
		     !strcmp(ev->u.hs.msg, "end_of_early_data")) && version == 0x0304)
			st->pending = true;
		break;
	case EV_CCS:
		st->pending = true; /* TLS 1.2: sequence 0 under the new keys */
		break;
	case EV_KEY:
		if (suite && *suite)
			st->suite = suite_by_name(suite);
		if (version)
			st->version = version;
		rr_key(st, &ev->u.key);
		break;
	default:
		break;
	}
}

/* Stream bytes gathered from frames: buf[0..cap) holds [lo, lo+cap). */
struct rr_gather {
	uint8_t *buf, *have;   /* bytes and a bitmap of the ones filled */
	uint64_t lo;
	size_t cap, prefix;    /* bytes filled from lo without a hole */
	uint64_t ts_us;
};

/* Copy the part of frame p's payload that falls into the window. */
static void rr_take(struct rr_gather *g, const struct rr_dir *st, const struct pkt *p)
{
	uint64_t start = rr_widen(g->lo, p->seq - st->base), end = start + p->payload_len;
	uint64_t a = start > g->lo ? start : g->lo, b = end < g->lo + g->cap ? end : g->lo + g->cap;

	if (a >= b)
		return;
	memcpy(g->buf + (a - g->lo), p->payload + (a - start), (size_t)(b - a));
	for (uint64_t i = a - g->lo; i < b - g->lo; i++)
		g->have[i / 8] |= (uint8_t)(1u << (i % 8));
	while (g->prefix < g->cap && (g->have[g->prefix / 8] >> (g->prefix % 8) & 1))
		g->prefix++;
	g->ts_us = p->ts_us;
}

/* Walk record headers from the checkpoint to record index: its offset in the
 * window, once every byte of it is there; -1 while bytes are missing. */
static long rr_locate(const struct rr_gather *g, uint64_t first, uint64_t index, size_t *len)
{
	size_t pos = 0;
	uint64_t j = first;

	for (;;) {
		struct cursor c;
		uint8_t type;
		uint16_t ver, l;

		if (pos + RR_HDR > g->prefix)
			return -1;
		cursor_init(&c, g->buf + pos, RR_HDR, 0);
		if (cursor_u8(&c, "type", &type) < 0 || cursor_u16(&c, "version", &ver) < 0 ||
		    cursor_u16(&c, "length", &l) < 0)
			return -1;
		if (j == index) {
			if (pos + RR_HDR + l > g->prefix)
				return -1;
			*len = RR_HDR + (size_t)l;
			return (long)pos;
		}
		pos += RR_HDR + (size_t)l;
		j++;
	}
}

/* Try to open the record with every key and key-change point that could
 * apply; 0 with p and res set on success. */
static int rr_open(const struct rr_dir *st, uint64_t index, const uint8_t *rec, size_t len, uint8_t *out,
		   size_t cap, struct protect_result *res, bool *cbc_etm)
{
	for (size_t s = st->nstarts; s-- > 0;) {
		if (st->starts[s] > index)
			continue;
		for (size_t k = st->nkeys; k-- > 0;) {
			const struct rr_keys *ks = &st->keys[k];

			if (!ks->key_len)
				continue; /* only an IV or MAC key of it was seen */
			for (int etm = 0; etm < 2; etm++) {
				struct protect p;
				int rc;

				if (!st->suite)
					return ERR_NOKEY;
				/* encrypt_then_mac is a CBC variant only */
				if (etm && (st->version == 0x0304 || st->suite->cipher != CIPHER_AES_CBC))
					break;
				if (st->version == 0x0304) {
					memset(&p, 0, sizeof p);
					p.suite = st->suite;
					p.version = 0x0304;
					p.key_len = ks->key_len;
					p.iv_len = ks->iv_len;
					memcpy(p.key, ks->key, sizeof p.key);
					memcpy(p.iv, ks->iv, sizeof p.iv);
				} else if (protect_init_tls12(&p, st->suite, ks->key, ks->iv, ks->mac, etm) < 0) {
					protect_wipe(&p); /* whatever key bytes it had copied */
					break;
				}
				p.seq = index - st->starts[s];
				memset(res, 0, sizeof *res);
				rc = protect_open(&p, rec, rec + RR_HDR, len - RR_HDR, out, cap, res);
				protect_wipe(&p);
				if (rc == 0) {
					*cbc_etm = etm;
					return 0;
				}
			}
		}
	}
	return ERR_NOKEY;
}

/* Emit the record read back (and its application data) like the decoder. */
static void rr_emit(const struct rr_dir *st, uint32_t conn, enum dir d, uint64_t index, uint64_t stream_off,
		    const uint8_t *rec, size_t len, uint64_t ts, struct sink *out)
{
	struct event ev;
	struct ev_record *r = &ev.u.record;
	struct protect_result res;
	uint8_t *plain = NULL;
	bool etm = false;

	memset(&ev, 0, sizeof ev);
	ev.type = EV_RECORD;
	ev.conn = conn;
	ev.dir = d;
	ev.ts_us = ts;
	r->index = index;
	r->stream_off = stream_off;
	r->content_type = rec[0];
	r->version = (uint16_t)(rec[1] << 8 | rec[2]);
	r->length = (uint16_t)(len - RR_HDR);
	r->bytes = rec;
	r->len = len;
	r->inner_type = rec[0];
	if (!st->any_enc || !st->nstarts || index < st->starts[0]) {
		r->plain = rec + RR_HDR;
		r->plain_len = len - RR_HDR;
		r->plain_off = RR_HDR;
		sink_emit(out, &ev);
		return;
	}
	r->encrypted = true;
	plain = malloc(len);
	if (plain && rr_open(st, index, rec, len, plain, len, &res, &etm) == 0) {
		r->decrypted = true;
		r->plain = plain;
		r->plain_len = res.plain_len;
		r->inner_type = res.inner_type;
		if (res.nonce_len) {
			r->nonce_off = RR_HDR + res.nonce_off;
			r->nonce_len = res.nonce_len;
		}
		if (res.tag_len && !(st->suite->cipher == CIPHER_AES_CBC && !etm)) {
			r->tag_off = RR_HDR + res.tag_off;
			r->tag_len = res.tag_len;
		}
	} else {
		r->why_not = st->nkeys ? "no known key opens it (read back from the capture)" : "no keys for this direction";
	}
	sink_emit(out, &ev);
	if (r->decrypted && r->inner_type == 23) {
		memset(&ev, 0, sizeof ev);
		ev.type = EV_APP_DATA;
		ev.conn = conn;
		ev.dir = d;
		ev.ts_us = ts;
		ev.u.app.record_index = index;
		ev.u.app.data = plain;
		ev.u.app.len = res.plain_len;
		sink_emit(out, &ev);
	}
	if (plain) {
		secure_wipe(plain, len);
		free(plain);
	}
}

/* Read record index of (conn, d) back and decode it again. */
int reread_record(struct reread *rr, const struct reread_src *src, uint32_t conn, enum dir d, uint64_t index,
		  struct sink *out)
{
	struct rr_dir *st = rr_dir(rr, conn, d, false);
	const struct rr_cp *cp = NULL;
	struct rr_gather g = { 0 };
	struct pkt_raw raw;
	long at = -1;
	size_t len = 0;
	int rc = 0;

	ENSURE(st && st->base_ok && index < st->nrec, ERR_VALUE, "record %llu of connection %u %s was not seen",
	       (unsigned long long)index, (unsigned)conn, dir_name(d) ? dir_name(d) : "?");
	for (size_t i = st->ncp; i-- > 0;)
		if (st->cp[i].index <= index) {
			cp = &st->cp[i];
			break;
		}
	ENSURE(cp, ERR_VALUE, "record %llu of connection %u: no place in the capture to read it from",
	       (unsigned long long)index, (unsigned)conn);
	g.lo = cp->stream_off;
	g.cap = RR_SPAN;
	g.buf = malloc(g.cap);
	g.have = calloc(1, g.cap / 8 + 1);
	ENSURE_GOTO(g.buf && g.have, ERR_NOMEM, "out of memory reading a record back");
	TRY_GOTO(src->seek(src->ctx, cp->pos, cp->frame_no));
	while (at < 0 && (rc = src->next(src->ctx, &raw)) > 0) {
		struct pkt p;

		if (packet_parse(raw.linktype, raw.frame, raw.caplen, raw.origlen, raw.ts_us, &p) < 0 ||
		    !p.payload_len || !rr_match(st, &p))
			continue;
		rr_take(&g, st, &p);
		at = rr_locate(&g, cp->index, index, &len);
	}
	if (at < 0) {
		rc = rc < 0 ? rc : err_set(ERR_IO, "record %llu of connection %u %s: its bytes are not in the capture "
					   "(lost segments?)", (unsigned long long)index, (unsigned)conn,
					   dir_name(d) ? dir_name(d) : "?");
		goto out;
	}
	rr_emit(st, conn, d, index, g.lo + (uint64_t)at, g.buf + at, len, g.ts_us, out);
	rc = 0;
out:
	free(g.buf);
	free(g.have);
	return rc;
}
