/* TCP reassembly: per connection and direction, an ordered byte stream. */
#include "wire/reasm.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define REASM_BUCKETS 8192         /* power of two, > REASM_MAX_CONNS */
#define REASM_MAX_AHEAD ((uint64_t)1 << 30) /* largest scaled TCP window */

/* A buffered out-of-order piece; pieces never overlap. */
struct seg {
	struct seg *next;
	uint64_t off;
	size_t len;
	uint8_t data[];
};

/* One direction of a connection. */
struct half {
	bool started;     /* isn known */
	bool syn;         /* isn came from a SYN */
	bool fin;         /* FIN seen at fin_off */
	bool closed;      /* close delivered */
	uint32_t isn;     /* sequence number of stream offset 0 */
	uint64_t next;    /* next stream offset to deliver */
	uint64_t fin_off;
	struct seg *ooo;  /* sorted by off */
	size_t buffered;
};

struct conn {
	struct conn *hnext;              /* hash chain */
	struct conn *newer, *older;      /* LRU list */
	uint32_t id;
	int af;
	uint8_t caddr[16], saddr[16];
	uint16_t cport, sport;
	bool reset;
	struct half h[3];                /* indexed by enum dir */
};

struct reasm {
	struct reasm_ops ops;
	void *ctx;
	size_t cap_dir;
	size_t total;
	size_t nconns;
	uint32_t next_id;
	uint64_t last_ts;
	struct conn *newest, *oldest;
	struct conn *bucket[REASM_BUCKETS];
};

/* A reassembler calling ops. */
struct reasm *reasm_new(const struct reasm_ops *ops, void *ctx, size_t max_buffered_per_dir)
{
	struct reasm *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	if (ops)
		r->ops = *ops;
	r->ctx = ctx;
	r->cap_dir = max_buffered_per_dir ? max_buffered_per_dir : REASM_DEFAULT_BUFFERED;
	r->next_id = 1;
	return r;
}

/* Hash of one endpoint (FNV-1a). */
static uint32_t endpoint_hash(const uint8_t *addr, uint16_t port)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	return h;
}

/* Bucket of a packet's tuple; symmetric in the two endpoints. */
static size_t tuple_bucket(const struct pkt *p)
{
	return (endpoint_hash(p->src, p->sport) + endpoint_hash(p->dst, p->dport)) &
	       (REASM_BUCKETS - 1);
}

/* Which direction of c the packet travels, or DIR_NONE if not c's tuple. */
static enum dir conn_match(const struct conn *c, const struct pkt *p)
{
	if (c->af != p->af)
		return DIR_NONE;
	if (c->cport == p->sport && c->sport == p->dport && !memcmp(c->caddr, p->src, 16) &&
	    !memcmp(c->saddr, p->dst, 16))
		return DIR_C2S;
	if (c->sport == p->sport && c->cport == p->dport && !memcmp(c->saddr, p->src, 16) &&
	    !memcmp(c->caddr, p->dst, 16))
		return DIR_S2C;
	return DIR_NONE;
}

/* Unlink c from the LRU list. */
static void lru_unlink(struct reasm *r, struct conn *c)
{
	if (c->newer)
		c->newer->older = c->older;
	else
		r->newest = c->older;
	if (c->older)
		c->older->newer = c->newer;
	else
		r->oldest = c->newer;
	c->newer = c->older = NULL;
}

/* Put c at the newest end of the LRU list. */
static void lru_push(struct reasm *r, struct conn *c)
{
	c->older = r->newest;
	c->newer = NULL;
	if (r->newest)
		r->newest->newer = c;
	r->newest = c;
	if (!r->oldest)
		r->oldest = c;
}

/* Hand in-order bytes to the consumer. */
static void deliver(struct reasm *r, struct conn *c, enum dir d, const uint8_t *data,
		    size_t len, uint64_t off)
{
	if (len && r->ops.data)
		r->ops.data(r->ctx, c->id, d, data, len, off, r->last_ts);
}

/* Deliver close once the FIN's offset is reached. */
static void half_check_fin(struct reasm *r, struct conn *c, enum dir d)
{
	struct half *h = &c->h[d];

	if (h->fin && !h->closed && h->next >= h->fin_off) {
		h->closed = true;
		/* bytes buffered beyond the FIN can never be delivered: without
		 * this, half_end went on reporting gaps and data after close */
		while (h->ooo) {
			struct seg *s = h->ooo;

			h->ooo = s->next;
			h->buffered -= s->len;
			r->total -= s->len;
			free(s);
		}
		if (r->ops.close)
			r->ops.close(r->ctx, c->id, d, false, r->last_ts);
	}
}

/* Deliver buffered pieces that have become contiguous. */
static void half_drain(struct reasm *r, struct conn *c, enum dir d)
{
	struct half *h = &c->h[d];

	while (h->ooo && h->ooo->off <= h->next) {
		struct seg *s = h->ooo;
		uint64_t end = s->off + s->len;

		h->ooo = s->next;
		h->buffered -= s->len;
		r->total -= s->len;
		if (end > h->next) {
			size_t skip = (size_t)(h->next - s->off);
			deliver(r, c, d, s->data + skip, s->len - skip, h->next);
			h->next = end;
		}
		free(s);
	}
	half_check_fin(r, c, d);
}

/* Give up on the hole before the first buffered piece: report it, go on. */
static void half_skip_hole(struct reasm *r, struct conn *c, enum dir d)
{
	struct half *h = &c->h[d];
	uint64_t to = h->ooo ? h->ooo->off : h->fin_off;

	if (h->closed)
		return;
	if (to > h->next) {
		if (r->ops.gap)
			r->ops.gap(r->ctx, c->id, d, h->next, to - h->next, r->last_ts);
		h->next = to;
	}
	half_drain(r, c, d);
}

static int64_t half_offset(const struct half *h, uint32_t seq);

/* The peer acknowledged direction d up to ack: bytes of a hole below that
 * reached it, and the capture lost them; they will never come (a sender
 * does not retransmit what was acknowledged). Only with data buffered
 * after the hole: without it nothing waits, and a capture may show an ACK
 * before the segment it acknowledges. */
static void half_acked(struct reasm *r, struct conn *c, enum dir d, uint32_t ack)
{
	struct half *h = &c->h[d];
	int64_t ack_off;
	uint64_t to;

	if (!h->started || h->closed || !h->ooo)
		return;
	ack_off = half_offset(h, ack);
	if (ack_off <= (int64_t)h->next)
		return;
	to = (uint64_t)ack_off < h->ooo->off ? (uint64_t)ack_off : h->ooo->off;
	if (r->ops.gap)
		r->ops.gap(r->ctx, c->id, d, h->next, to - h->next, r->last_ts);
	h->next = to;
	half_drain(r, c, d);
}

/* A new buffered piece [off, off+len), inserted before *at. */
static int seg_insert(struct reasm *r, struct half *h, struct seg **at, uint64_t off,
		      const uint8_t *data, size_t len)
{
	struct seg *s = malloc(sizeof *s + len);

	ENSURE(s, ERR_NOMEM, "reassembly: cannot buffer %zu bytes", len);
	s->off = off;
	s->len = len;
	memcpy(s->data, data, len);
	s->next = *at;
	*at = s;
	h->buffered += len;
	r->total += len;
	return 0;
}

/* Buffer an out-of-order range, keeping bytes already buffered (first wins). */
static int half_buffer(struct reasm *r, struct half *h, uint64_t off, const uint8_t *data,
		       size_t len)
{
	uint64_t end = off + len, cur = off;
	struct seg **at = &h->ooo;

	while (*at && cur < end) {
		struct seg *s = *at;
		uint64_t send = s->off + s->len;

		if (send <= cur) {
			at = &s->next;
			continue;
		}
		if (s->off > cur) {
			uint64_t pend = s->off < end ? s->off : end;
			TRY(seg_insert(r, h, at, cur, data + (cur - off), (size_t)(pend - cur)));
			at = &(*at)->next;
		}
		cur = send > cur ? send : cur;
		at = &s->next;
	}
	if (cur < end)
		TRY(seg_insert(r, h, at, cur, data + (cur - off), (size_t)(end - cur)));
	return 0;
}

/* Stream offset of sequence number seq, unwrapped around the next byte;
 * negative when it lies before the stream's start. */
static int64_t half_offset(const struct half *h, uint32_t seq)
{
	uint32_t rel = seq - h->isn;
	int32_t delta = (int32_t)(rel - (uint32_t)h->next);

	return (int64_t)h->next + delta;
}

/* Take one segment's payload into a direction. */
static int half_segment(struct reasm *r, struct conn *c, enum dir d, int64_t soff,
			const uint8_t *data, size_t len, size_t trunc)
{
	struct half *h = &c->h[d];
	uint64_t off, end;

	if (soff < 0) { /* starts before the stream: keep only the part after */
		if ((uint64_t)-soff >= len)
			return 0;
		data += (size_t)-soff;
		len -= (size_t)-soff;
		soff = 0;
	}
	off = (uint64_t)soff;
	end = off + len;
	if (end <= h->next || off > h->next + REASM_MAX_AHEAD)
		return 0; /* duplicate, or outside any window */
	if (off < h->next) { /* retransmission overlapping delivered bytes */
		data += h->next - off;
		len -= (size_t)(h->next - off);
		off = h->next;
	}
	if (off == h->next && (!h->ooo || h->ooo->off >= end)) {
		deliver(r, c, d, data, len, off);
		h->next = end;
		if (trunc && r->ops.gap) {
			/* the snap length cut the rest of this segment off */
			r->ops.gap(r->ctx, c->id, d, h->next, trunc, r->last_ts);
			h->next += trunc;
		}
		half_drain(r, c, d);
		return 0;
	}
	/* buffered first: bytes already held win over this segment's */
	TRY(half_buffer(r, h, off, data, len));
	half_drain(r, c, d);
	while (h->ooo && (h->buffered > r->cap_dir || r->total > REASM_MAX_BUFFERED_TOTAL))
		half_skip_hole(r, c, d);
	return 0;
}

/* End a direction: flush holes as gaps, then close (once). */
static void half_end(struct reasm *r, struct conn *c, enum dir d, bool rst)
{
	struct half *h = &c->h[d];

	if (h->closed)
		return;
	while (h->ooo)
		half_skip_hole(r, c, d);
	if (h->fin && h->next < h->fin_off)
		half_skip_hole(r, c, d);
	if (!h->closed) {
		h->closed = true;
		if (r->ops.close)
			r->ops.close(r->ctx, c->id, d, rst, r->last_ts);
	}
}

/* Finish a connection and take it out of the table. */
static void conn_drop(struct reasm *r, struct conn *c, size_t bucket)
{
	struct conn **pp;

	half_end(r, c, DIR_C2S, false);
	half_end(r, c, DIR_S2C, false);
	for (pp = &r->bucket[bucket]; *pp; pp = &(*pp)->hnext) {
		if (*pp == c) {
			*pp = c->hnext;
			break;
		}
	}
	lru_unlink(r, c);
	r->nconns--;
	free(c);
}

/* Bucket holding c (recomputed from its endpoints). */
static size_t conn_bucket(const struct conn *c)
{
	return (endpoint_hash(c->caddr, c->cport) + endpoint_hash(c->saddr, c->sport)) &
	       (REASM_BUCKETS - 1);
}

/* 1 if the payload begins with a TLS handshake record holding a ClientHello:
 * content_type(1)=22 legacy_version(2)=03xx length(2) msg_type(1)=1. */
static int starts_client_hello(const struct pkt *p)
{
	return p->payload_len >= 6 && p->payload[0] == 0x16 && p->payload[1] == 0x03 &&
	       p->payload[5] == 0x01;
}

/* A new connection for the packet's tuple; decides who is the client. */
static int conn_create(struct reasm *r, const struct pkt *p, size_t bucket, struct conn **out)
{
	struct conn *c;
	bool sender_client;
	char cl[64], sv[64];

	if (r->nconns >= REASM_MAX_CONNS)
		conn_drop(r, r->oldest, conn_bucket(r->oldest));
	c = calloc(1, sizeof *c);
	ENSURE(c, ERR_NOMEM, "reassembly: no memory for a connection");
	if (p->flags & TCPF_SYN)
		sender_client = !(p->flags & TCPF_ACK);
	else if (starts_client_hello(p))
		sender_client = true;
	else
		sender_client = p->sport > p->dport || p->sport == p->dport;
	c->af = p->af;
	memcpy(sender_client ? c->caddr : c->saddr, p->src, 16);
	memcpy(sender_client ? c->saddr : c->caddr, p->dst, 16);
	c->cport = sender_client ? p->sport : p->dport;
	c->sport = sender_client ? p->dport : p->sport;
	c->id = r->next_id++;
	c->hnext = r->bucket[bucket];
	r->bucket[bucket] = c;
	lru_push(r, c);
	r->nconns++;
	if (r->ops.conn)
		r->ops.conn(r->ctx, c->id, packet_endpoint(c->af, c->caddr, c->cport, cl, sizeof cl),
			    packet_endpoint(c->af, c->saddr, c->sport, sv, sizeof sv), p->ts_us);
	*out = c;
	return 0;
}

/* 1 if a SYN on an existing connection starts a new one (port reuse). */
static int syn_is_new(const struct conn *c, enum dir d, const struct pkt *p)
{
	const struct half *h = &c->h[DIR_C2S];

	if (!(p->flags & TCPF_SYN) || (p->flags & TCPF_ACK))
		return 0;
	if (d != DIR_C2S || c->reset || h->fin || c->h[DIR_S2C].fin)
		return 1;
	return h->started && (!h->syn || h->isn != p->seq + 1);
}

/* Account one TCP packet. */
int reasm_packet(struct reasm *r, const struct pkt *p, uint32_t *conn_id, enum dir *dir)
{
	size_t b = tuple_bucket(p);
	struct conn *c;
	enum dir d = DIR_NONE;
	struct half *h;
	uint32_t dseq = p->seq;

	r->last_ts = p->ts_us;
	for (c = r->bucket[b]; c; c = c->hnext)
		if ((d = conn_match(c, p)) != DIR_NONE)
			break;
	if (c && syn_is_new(c, d, p)) {
		conn_drop(r, c, b);
		c = NULL;
	}
	if (!c) {
		TRY(conn_create(r, p, b, &c));
		d = conn_match(c, p);
	}
	lru_unlink(r, c);
	lru_push(r, c);
	*conn_id = c->id;
	*dir = d;
	h = &c->h[d];
	if (c->reset)
		return 0;
	if (p->flags & TCPF_RST) {
		c->reset = true;
		half_end(r, c, d, true);
		half_end(r, c, d == DIR_C2S ? DIR_S2C : DIR_C2S, true);
		return 0;
	}
	if (p->flags & TCPF_SYN) {
		if (!h->started) {
			h->started = h->syn = true;
			h->isn = p->seq + 1;
		}
		dseq = p->seq + 1; /* data on a SYN (TFO) follows the SYN */
	} else if (!h->started && (p->payload_len || p->payload_trunc || (p->flags & TCPF_FIN))) {
		h->started = true; /* capture began mid-stream */
		h->isn = p->seq;
	}
	if (p->flags & TCPF_ACK)
		half_acked(r, c, d == DIR_C2S ? DIR_S2C : DIR_C2S, p->ack);
	if (!h->started || h->closed)
		return 0;
	if (p->payload_len || p->payload_trunc)
		TRY(half_segment(r, c, d, half_offset(h, dseq), p->payload, p->payload_len,
				 p->payload_trunc));
	if ((p->flags & TCPF_FIN) && !h->fin) {
		int64_t fo = half_offset(h, dseq) + (int64_t)(p->payload_len + p->payload_trunc);
		if (fo >= (int64_t)h->next) {
			h->fin = true;
			h->fin_off = (uint64_t)fo;
			half_check_fin(r, c, d);
		}
	}
	return 0;
}

/* End of input: flush every connection. */
void reasm_finish(struct reasm *r)
{
	for (struct conn *c = r->oldest; c; c = c->newer) {
		half_end(r, c, DIR_C2S, false);
		half_end(r, c, DIR_S2C, false);
	}
}

/* Free everything without callbacks. */
void reasm_free(struct reasm *r)
{
	struct conn *c, *n;

	if (!r)
		return;
	for (c = r->oldest; c; c = n) {
		n = c->newer;
		for (int d = DIR_C2S; d <= DIR_S2C; d++) {
			struct seg *s, *sn;
			for (s = c->h[d].ooo; s; s = sn) {
				sn = s->next;
				free(s);
			}
		}
		free(c);
	}
	free(r);
}

/* Out-of-order bytes buffered right now. */
size_t reasm_buffered(const struct reasm *r)
{
	return r->total;
}

/* Connections in the table. */
size_t reasm_conn_count(const struct reasm *r)
{
	return r->nconns;
}
