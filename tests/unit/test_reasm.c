/* Unit tests for TCP reassembly on generated segment sequences: in order,
 * reordered, duplicated, overlapping, gapped, wrapped around 2^32, zero-window
 * probes, RST, port reuse, mid-stream starts, caps. The reassembled stream
 * must equal the original byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "wire/capfile.h"
#include "wire/pcapng_write.h"
#include "wire/reasm.h"

#define MAXC 8
#define STREAM_CAP 200000

/* What the callbacks saw, per connection id and direction. */
struct got {
	uint32_t nconn;
	char client[MAXC][64], server[MAXC][64];
	uint8_t *buf[MAXC][3];
	size_t len[MAXC][3];     /* bytes delivered (gaps filled with '?') */
	int gaps[MAXC][3];
	uint64_t gap_off[MAXC][3], gap_len[MAXC][3];
	int closed[MAXC][3], rst[MAXC][3];
	int order_bad;
};

static void on_conn(void *ctx, uint32_t id, const char *c, const char *s, uint64_t ts)
{
	struct got *g = ctx;
	(void)ts;
	if (id >= MAXC)
		return;
	g->nconn = id;
	strcpy(g->client[id], c);
	strcpy(g->server[id], s);
}

/* Append at stream_off; offsets must be contiguous with what came before. */
static void on_data(void *ctx, uint32_t id, enum dir d, const uint8_t *data, size_t len,
		    uint64_t off, uint64_t ts)
{
	struct got *g = ctx;
	(void)ts;
	if (id >= MAXC)
		return;
	if (!g->buf[id][d])
		g->buf[id][d] = calloc(1, STREAM_CAP);
	if (off != g->len[id][d] || off + len > STREAM_CAP || g->closed[id][d]) {
		g->order_bad++;
		return;
	}
	memcpy(g->buf[id][d] + off, data, len);
	g->len[id][d] += len;
}

static void on_gap(void *ctx, uint32_t id, enum dir d, uint64_t off, uint64_t missing, uint64_t ts)
{
	struct got *g = ctx;
	(void)ts;
	if (id >= MAXC)
		return;
	if (!g->buf[id][d])
		g->buf[id][d] = calloc(1, STREAM_CAP);
	if (off != g->len[id][d] || off + missing > STREAM_CAP) {
		g->order_bad++;
		return;
	}
	memset(g->buf[id][d] + off, '?', missing);
	g->len[id][d] += missing;
	g->gap_off[id][d] = off;
	g->gap_len[id][d] = missing;
	g->gaps[id][d]++;
}

static void on_close(void *ctx, uint32_t id, enum dir d, bool rst, uint64_t ts)
{
	struct got *g = ctx;
	(void)ts;
	if (id >= MAXC)
		return;
	g->closed[id][d]++;
	g->rst[id][d] += rst;
}

static const struct reasm_ops ops = { on_conn, on_data, on_gap, on_close };

static void got_free(struct got *g)
{
	for (int i = 0; i < MAXC; i++)
		for (int d = 0; d < 3; d++)
			free(g->buf[i][d]);
}

/* A segment from the client (port 50000) or the server (443). */
static struct pkt seg(enum dir d, uint32_t seq, uint8_t flags, const uint8_t *data, size_t len)
{
	struct pkt p;

	memset(&p, 0, sizeof p);
	p.af = AF_INET;
	p.src[0] = p.dst[0] = 127;
	p.src[3] = d == DIR_C2S ? 1 : 2;
	p.dst[3] = d == DIR_C2S ? 2 : 1;
	p.sport = d == DIR_C2S ? 50000 : 443;
	p.dport = d == DIR_C2S ? 443 : 50000;
	p.seq = seq;
	p.flags = flags;
	p.window = 65535;
	p.payload = len ? data : NULL;
	p.payload_len = len;
	return p;
}

/* Feed one packet and check the direction it was put in. */
static void feed(struct reasm *r, struct pkt p, enum dir want)
{
	uint32_t id;
	enum dir d;

	assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
	assert_int_equal(d, want);
}

static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *b = malloc(n);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
	return b;
}

/* The handshake: SYN from the client, SYN-ACK from the server. */
static void handshake(struct reasm *r, uint32_t cisn, uint32_t sisn)
{
	feed(r, seg(DIR_C2S, cisn - 1, TCPF_SYN, NULL, 0), DIR_C2S);
	feed(r, seg(DIR_S2C, sisn - 1, TCPF_SYN | TCPF_ACK, NULL, 0), DIR_S2C);
	feed(r, seg(DIR_C2S, cisn, TCPF_ACK, NULL, 0), DIR_C2S);
}

struct range { size_t off, len; };

/* Cut n bytes into segments of 1..maxlen bytes. */
static size_t cut(struct range *rg, size_t n, size_t maxlen, unsigned seed)
{
	size_t k = 0;
	for (size_t off = 0; off < n; k++) {
		seed = seed * 1103515245u + 12345u;
		size_t l = 1 + (seed >> 16) % maxlen;
		if (l > n - off)
			l = n - off;
		rg[k].off = off;
		rg[k].len = l;
		off += l;
	}
	return k;
}

/* Send data as the given ranges in the given order, then FIN, finish, and
 * require the stream to equal the original. */
static void run_ranges(uint32_t isn, const struct range *rg, size_t k, const uint8_t *data,
		       size_t n)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);

	handshake(r, isn, 1000);
	for (size_t i = 0; i < k; i++)
		feed(r, seg(DIR_C2S, isn + (uint32_t)rg[i].off, TCPF_ACK | TCPF_PSH,
			    data + rg[i].off, rg[i].len), DIR_C2S);
	feed(r, seg(DIR_C2S, isn + (uint32_t)n, TCPF_ACK | TCPF_FIN, NULL, 0), DIR_C2S);
	assert_int_equal(g.closed[1][DIR_C2S], 1); /* everything arrived: closed at once */
	reasm_finish(r);
	assert_int_equal(g.order_bad, 0);
	assert_int_equal(g.gaps[1][DIR_C2S], 0);
	assert_int_equal(g.len[1][DIR_C2S], n);
	assert_memory_equal(g.buf[1][DIR_C2S], data, n);
	assert_int_equal(g.closed[1][DIR_C2S], 1);
	assert_int_equal(g.closed[1][DIR_S2C], 1);
	assert_int_equal(reasm_buffered(r), 0);
	assert_string_equal(g.client[1], "127.0.0.1:50000");
	assert_string_equal(g.server[1], "127.0.0.2:443");
	reasm_free(r);
	got_free(&g);
}

static void test_in_order(void **state)
{
	struct range rg[2000];
	uint8_t *d = pattern(50000, 1);
	size_t k = cut(rg, 50000, 1500, 2);

	(void)state;
	run_ranges(12345, rg, k, d, 50000);
	free(d);
}

static void test_reordered_duplicated(void **state)
{
	struct range rg[4000];
	uint8_t *d = pattern(50000, 3);
	size_t k = cut(rg, 50000, 700, 4);
	unsigned seed = 9;

	(void)state;
	/* duplicate every segment, then shuffle */
	memcpy(rg + k, rg, k * sizeof *rg);
	k *= 2;
	for (size_t i = k - 1; i > 0; i--) {
		seed = seed * 1103515245u + 12345u;
		size_t j = (seed >> 8) % (i + 1);
		struct range t = rg[i];
		rg[i] = rg[j];
		rg[j] = t;
	}
	run_ranges(777, rg, k, d, 50000);
	free(d);
}

static void test_overlapping(void **state)
{
	struct range rg[3000];
	uint8_t *d = pattern(30000, 5);
	size_t k = 0;
	unsigned seed = 11;

	(void)state;
	/* random ranges covering everything, overlapping each other, out of order */
	for (size_t off = 0; off < 30000; k++) {
		seed = seed * 1103515245u + 12345u;
		size_t back = (seed >> 16) % 300, len = 1 + (seed >> 4) % 900;
		size_t start = off > back ? off - back : 0;
		if (start + len > 30000)
			len = 30000 - start;
		rg[k].off = start;
		rg[k].len = len;
		if (start + len > off)
			off = start + len;
	}
	for (size_t i = 0; i + 3 < k; i += 4) { /* reverse groups of 4 */
		struct range t = rg[i];
		rg[i] = rg[i + 3];
		rg[i + 3] = t;
	}
	run_ranges(1, rg, k, d, 30000);
	free(d);
}

static void test_wraparound(void **state)
{
	struct range rg[200];
	uint8_t *d = pattern(20000, 7);
	size_t k = cut(rg, 20000, 1000, 8);

	(void)state;
	run_ranges(0xffffff00u, rg, k, d, 20000); /* crosses 2^32 after 256 bytes */
	struct range t = rg[0]; /* and out of order across the wrap */
	rg[0] = rg[3];
	rg[3] = t;
	run_ranges(0xfffffffeu, rg, k, d, 20000);
	free(d);
}

static void test_gap_at_end(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);
	uint8_t *d = pattern(3000, 9);

	(void)state;
	handshake(r, 100, 1000);
	feed(r, seg(DIR_C2S, 100, TCPF_ACK, d, 1000), DIR_C2S);
	/* bytes 1000..1999 lost */
	feed(r, seg(DIR_C2S, 2100, TCPF_ACK, d + 2000, 1000), DIR_C2S);
	feed(r, seg(DIR_C2S, 3100, TCPF_ACK | TCPF_FIN, NULL, 0), DIR_C2S);
	assert_int_equal(g.len[1][DIR_C2S], 1000); /* waits for the hole */
	assert_int_equal(g.closed[1][DIR_C2S], 0);
	reasm_finish(r);
	assert_int_equal(g.order_bad, 0);
	assert_int_equal(g.gaps[1][DIR_C2S], 1);
	assert_int_equal(g.gap_off[1][DIR_C2S], 1000);
	assert_int_equal(g.gap_len[1][DIR_C2S], 1000);
	assert_int_equal(g.len[1][DIR_C2S], 3000);
	assert_memory_equal(g.buf[1][DIR_C2S] + 2000, d + 2000, 1000);
	assert_int_equal(g.closed[1][DIR_C2S], 1);
	assert_int_equal(g.rst[1][DIR_C2S], 0);
	reasm_free(r);
	got_free(&g);
	free(d);
}

/* Fuzzer finding (tests/fuzz/regress/reasm): data buffered beyond the FIN
 * made reasm_finish report a gap and deliver bytes after the close. */
static void test_data_beyond_fin_dropped(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);
	uint8_t *d = pattern(100, 3);

	(void)state;
	handshake(r, 100, 1000);
	feed(r, seg(DIR_C2S, 100, TCPF_ACK, d, 10), DIR_C2S);
	/* bytes 10..29 lost; the FIN segment carries 30..39 */
	feed(r, seg(DIR_C2S, 130, TCPF_ACK | TCPF_FIN, d + 30, 10), DIR_C2S);
	/* a bogus segment past the FIN */
	feed(r, seg(DIR_C2S, 160, TCPF_ACK, d + 60, 10), DIR_C2S);
	reasm_finish(r);
	assert_int_equal(g.order_bad, 0);
	assert_int_equal(g.gaps[1][DIR_C2S], 1);
	assert_int_equal(g.gap_off[1][DIR_C2S], 10);
	assert_int_equal(g.gap_len[1][DIR_C2S], 20);
	assert_int_equal(g.len[1][DIR_C2S], 40);
	assert_memory_equal(g.buf[1][DIR_C2S] + 30, d + 30, 10);
	assert_int_equal(g.closed[1][DIR_C2S], 1);
	assert_int_equal(reasm_buffered(r), 0);
	reasm_free(r);
	got_free(&g);
	free(d);
}

static void test_buffer_cap_forces_gap(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 100); /* 100 bytes out of order at most */
	uint8_t *d = pattern(400, 10);

	(void)state;
	handshake(r, 100, 1000);
	feed(r, seg(DIR_C2S, 100, TCPF_ACK, d, 50), DIR_C2S);
	feed(r, seg(DIR_C2S, 200, TCPF_ACK, d + 100, 100), DIR_C2S); /* exactly the cap */
	assert_int_equal(g.gaps[1][DIR_C2S], 0);
	assert_int_equal(reasm_buffered(r), 100);
	feed(r, seg(DIR_C2S, 300, TCPF_ACK, d + 200, 1), DIR_C2S);   /* one over */
	assert_int_equal(g.gaps[1][DIR_C2S], 1);
	assert_int_equal(g.gap_off[1][DIR_C2S], 50);
	assert_int_equal(g.gap_len[1][DIR_C2S], 50);
	assert_int_equal(g.len[1][DIR_C2S], 201);
	assert_int_equal(reasm_buffered(r), 0);
	assert_memory_equal(g.buf[1][DIR_C2S] + 100, d + 100, 101);
	/* the late bytes of the hole are ignored now */
	feed(r, seg(DIR_C2S, 150, TCPF_ACK, d + 50, 50), DIR_C2S);
	assert_int_equal(g.len[1][DIR_C2S], 201);
	assert_int_equal(g.order_bad, 0);
	reasm_free(r);
	got_free(&g);
	free(d);
}

static void test_overlap_first_wins(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);

	(void)state;
	handshake(r, 100, 1000);
	feed(r, seg(DIR_C2S, 104, TCPF_ACK, (const uint8_t *)"EFGH", 4), DIR_C2S);
	feed(r, seg(DIR_C2S, 102, TCPF_ACK, (const uint8_t *)"xxxxxxIJ", 8), DIR_C2S);
	feed(r, seg(DIR_C2S, 100, TCPF_ACK, (const uint8_t *)"ABC", 3), DIR_C2S);
	feed(r, seg(DIR_C2S, 101, TCPF_ACK, (const uint8_t *)"yyyyyyyyyyK", 11), DIR_C2S);
	assert_int_equal(g.len[1][DIR_C2S], 12);
	/* 0-1 from "ABC" (the 'C' came after the buffered 'x'), 2-3 and 8-9 from
	 * the second segment, 4-7 from the first, 10-11 from the last */
	assert_memory_equal(g.buf[1][DIR_C2S], "ABxxEFGHIJyK", 12);
	reasm_free(r);
	got_free(&g);
}

static void test_zero_window_probe_and_rst(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);
	struct pkt p;

	(void)state;
	handshake(r, 100, 1000);
	feed(r, seg(DIR_S2C, 1000, TCPF_ACK, (const uint8_t *)"hello", 5), DIR_S2C);
	/* client window is 0: the server probes with one byte, then sends it all */
	p = seg(DIR_S2C, 1005, TCPF_ACK, (const uint8_t *)"w", 1);
	feed(r, p, DIR_S2C);
	feed(r, seg(DIR_S2C, 1005, TCPF_ACK, (const uint8_t *)"w", 1), DIR_S2C);
	/* keep-alive style probe: one old byte */
	feed(r, seg(DIR_S2C, 1005, TCPF_ACK, (const uint8_t *)"w", 1), DIR_S2C);
	feed(r, seg(DIR_S2C, 1005, TCPF_ACK, (const uint8_t *)"world", 5), DIR_S2C);
	assert_int_equal(g.len[1][DIR_S2C], 10);
	assert_memory_equal(g.buf[1][DIR_S2C], "helloworld", 10);
	feed(r, seg(DIR_C2S, 100, TCPF_RST, NULL, 0), DIR_C2S);
	assert_int_equal(g.closed[1][DIR_C2S], 1);
	assert_int_equal(g.closed[1][DIR_S2C], 1);
	assert_int_equal(g.rst[1][DIR_C2S], 1);
	assert_int_equal(g.rst[1][DIR_S2C], 1);
	/* data after the RST is ignored; finish closes nothing twice */
	feed(r, seg(DIR_S2C, 1010, TCPF_ACK, (const uint8_t *)"late", 4), DIR_S2C);
	reasm_finish(r);
	assert_int_equal(g.len[1][DIR_S2C], 10);
	assert_int_equal(g.closed[1][DIR_S2C], 1);
	assert_int_equal(g.order_bad, 0);
	reasm_free(r);
	got_free(&g);
}

static void test_new_syn_after_fin_is_new_conn(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);
	uint32_t id;
	enum dir d;
	struct pkt p;

	(void)state;
	handshake(r, 100, 1000);
	feed(r, seg(DIR_C2S, 100, TCPF_ACK | TCPF_FIN, (const uint8_t *)"a", 1), DIR_C2S);
	feed(r, seg(DIR_S2C, 1000, TCPF_ACK | TCPF_FIN, (const uint8_t *)"b", 1), DIR_S2C);
	assert_int_equal(g.closed[1][DIR_C2S], 1);
	assert_int_equal(g.closed[1][DIR_S2C], 1);
	/* a retransmitted SYN of the same connection is not a new one */
	p = seg(DIR_C2S, 500, TCPF_SYN, NULL, 0);
	assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
	assert_int_equal(id, 2);
	assert_int_equal(reasm_conn_count(r), 1);
	assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
	assert_int_equal(id, 2);
	feed(r, seg(DIR_S2C, 7000, TCPF_SYN | TCPF_ACK, NULL, 0), DIR_S2C);
	feed(r, seg(DIR_C2S, 501, TCPF_ACK, (const uint8_t *)"second", 6), DIR_C2S);
	reasm_finish(r);
	assert_memory_equal(g.buf[1][DIR_C2S], "a", 1);
	assert_memory_equal(g.buf[2][DIR_C2S], "second", 6);
	assert_int_equal(g.len[1][DIR_C2S], 1);
	assert_int_equal(g.order_bad, 0);
	reasm_free(r);
	got_free(&g);
}

static void test_midstream_roles(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);
	static const uint8_t ch[] = { 0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0, 0, 0 };
	struct pkt p;
	uint32_t id;
	enum dir d;

	(void)state;
	/* no SYN; the ClientHello sender is the client even from the lower port */
	p = seg(DIR_C2S, 5, TCPF_ACK, ch, sizeof ch);
	p.sport = 80, p.dport = 9000;
	assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
	assert_int_equal(d, DIR_C2S);
	assert_string_equal(g.client[1], "127.0.0.1:80");
	/* no SYN, no ClientHello: the lower port is the server */
	p = seg(DIR_C2S, 5, TCPF_ACK, (const uint8_t *)"xyz", 3);
	p.sport = 443, p.dport = 40000;
	assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
	assert_int_equal(id, 2);
	assert_int_equal(d, DIR_S2C);
	assert_string_equal(g.server[2], "127.0.0.1:443");
	/* SYN-ACK first: its sender is the server */
	p = seg(DIR_C2S, 5, TCPF_SYN | TCPF_ACK, NULL, 0);
	p.sport = 40001, p.dport = 443;
	assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
	assert_int_equal(d, DIR_S2C);
	reasm_finish(r);
	assert_memory_equal(g.buf[1][DIR_C2S], ch, sizeof ch);
	assert_memory_equal(g.buf[2][DIR_S2C], "xyz", 3);
	reasm_free(r);
	got_free(&g);
}

static void test_snaplen_cut_is_gap(void **state)
{
	struct got g = { 0 };
	struct reasm *r = reasm_new(&ops, &g, 0);
	struct pkt p;

	(void)state;
	handshake(r, 100, 1000);
	p = seg(DIR_C2S, 100, TCPF_ACK, (const uint8_t *)"abcd", 4);
	p.payload_trunc = 6;
	feed(r, p, DIR_C2S);
	feed(r, seg(DIR_C2S, 110, TCPF_ACK, (const uint8_t *)"klm", 3), DIR_C2S);
	assert_int_equal(g.gaps[1][DIR_C2S], 1);
	assert_int_equal(g.gap_off[1][DIR_C2S], 4);
	assert_int_equal(g.gap_len[1][DIR_C2S], 6);
	assert_memory_equal(g.buf[1][DIR_C2S], "abcd??????klm", 13);
	reasm_free(r);
	got_free(&g);
}

static void test_connection_cap(void **state)
{
	struct reasm *r = reasm_new(&ops, NULL, 0);
	uint32_t id;
	enum dir d;

	(void)state;
	/* callbacks with a NULL context would crash: use a table of no-ops */
	reasm_free(r);
	static const struct reasm_ops none = { 0 };
	r = reasm_new(&none, NULL, 0);
	for (uint32_t i = 0; i < REASM_MAX_CONNS + 10; i++) {
		struct pkt p = seg(DIR_C2S, 1, TCPF_SYN, NULL, 0);
		p.sport = (uint16_t)(1024 + i % 60000);
		p.src[1] = (uint8_t)(i >> 16);
		assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
		assert_int_equal(id, i + 1);
	}
	assert_int_equal(reasm_conn_count(r), REASM_MAX_CONNS);
	reasm_finish(r);
	reasm_free(r);
}

#define FIXTURE TLSVIZ_SOURCE_DIR "/tests/data/wire/tls-get.pcap"

/* A captured frame kept in memory. */
struct frame {
	uint64_t ts;
	size_t len;
	uint8_t b[8192];
};

/* Reassemble a capture file; streams into g. */
static void reasm_file(const char *path, struct got *g)
{
	struct capfile *cf;
	struct pkt_raw raw;
	struct pkt p;
	struct reasm *r = reasm_new(&ops, g, 0);
	uint32_t id;
	enum dir d;

	assert_int_equal(capfile_open(&cf, path, NULL, NULL), 0);
	while (capfile_next(cf, &raw) == 1) {
		assert_int_equal(packet_parse(raw.linktype, raw.frame, raw.caplen, raw.origlen,
					      raw.ts_us, &p), 0);
		assert_int_equal(reasm_packet(r, &p, &id, &d), 0);
	}
	reasm_finish(r);
	capfile_close(cf);
	reasm_free(r);
}

/* The fixture rewritten with packets reordered and duplicated reassembles to
 * the same streams as the original. */
static void test_rewritten_pcap(void **state)
{
	static struct frame fr[64];
	struct got ref = { 0 }, got = { 0 };
	struct capfile *cf;
	struct capwriter *w;
	struct pkt_raw raw;
	char dir[] = "/tmp/tlsviz-reasm.XXXXXX", path[300];
	int n = 0, order[128], k = 0;

	(void)state;
	reasm_file(FIXTURE, &ref);
	assert_int_equal(ref.nconn, 2);
	assert_int_equal(ref.order_bad, 0);
	print_message("streams: %zu %zu %zu %zu\n", ref.len[1][DIR_C2S], ref.len[1][DIR_S2C],
		      ref.len[2][DIR_C2S], ref.len[2][DIR_S2C]);
	assert_true(ref.len[1][DIR_S2C] > 1000 && ref.len[2][DIR_C2S] > 200);
	assert_int_equal(capfile_open(&cf, FIXTURE, NULL, NULL), 0);
	while (capfile_next(cf, &raw) == 1) {
		assert_true(n < 64 && raw.caplen <= sizeof fr[n].b);
		fr[n].ts = raw.ts_us;
		fr[n].len = raw.caplen;
		memcpy(fr[n].b, raw.frame, raw.caplen);
		n++;
	}
	capfile_close(cf);
	/* keep the 3 handshake packets first (they decide roles), then swap
	 * neighbours, and send every third packet twice */
	for (int i = 0; i < 3; i++)
		order[k++] = i;
	for (int i = 3; i < n; i += 2) {
		if (i + 1 < n)
			order[k++] = i + 1;
		order[k++] = i;
		if (i % 3 == 0)
			order[k++] = i;
	}
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/rewritten.pcap", dir);
	assert_int_equal(capwriter_open(&w, path, CAPFMT_PCAP, 1), 0);
	for (int i = 0; i < k; i++)
		assert_int_equal(capwriter_packet(w, fr[order[i]].ts, fr[order[i]].b, fr[order[i]].len,
						  fr[order[i]].len), 0);
	assert_int_equal(capwriter_commit(w), 0);
	reasm_file(path, &got);
	assert_int_equal(got.nconn, 2);
	assert_int_equal(got.order_bad, 0);
	for (int c = 1; c <= 2; c++) {
		for (int d = DIR_C2S; d <= DIR_S2C; d++) {
			assert_int_equal(got.gaps[c][d], 0);
			assert_int_equal(got.len[c][d], ref.len[c][d]);
			assert_memory_equal(got.buf[c][d], ref.buf[c][d], ref.len[c][d]);
			assert_int_equal(got.closed[c][d], 1);
		}
	}
	/* and dropping a data packet of the server gives exactly one gap */
	unlink(path);
	assert_int_equal(capwriter_open(&w, path, CAPFMT_PCAP, 1), 0);
	for (int i = 0; i < n; i++)
		if (i != 5) /* the TLS 1.3 server flight */
			assert_int_equal(capwriter_packet(w, fr[i].ts, fr[i].b, fr[i].len, fr[i].len), 0);
	assert_int_equal(capwriter_commit(w), 0);
	got_free(&got);
	memset(&got, 0, sizeof got);
	reasm_file(path, &got);
	assert_int_equal(got.gaps[1][DIR_S2C], 1);
	assert_int_equal(got.gap_off[1][DIR_S2C], 0);
	assert_int_equal(got.len[1][DIR_S2C], ref.len[1][DIR_S2C]);
	assert_memory_equal(got.buf[1][DIR_S2C] + got.gap_len[1][DIR_S2C],
			    ref.buf[1][DIR_S2C] + got.gap_len[1][DIR_S2C],
			    ref.len[1][DIR_S2C] - got.gap_len[1][DIR_S2C]);
	unlink(path);
	rmdir(dir);
	got_free(&got);
	got_free(&ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_reordered_duplicated),
		cmocka_unit_test(test_overlapping),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_gap_at_end),
		cmocka_unit_test(test_buffer_cap_forces_gap),
		cmocka_unit_test(test_data_beyond_fin_dropped),
		cmocka_unit_test(test_overlap_first_wins),
		cmocka_unit_test(test_zero_window_probe_and_rst),
		cmocka_unit_test(test_new_syn_after_fin_is_new_conn),
		cmocka_unit_test(test_midstream_roles),
		cmocka_unit_test(test_snaplen_cut_is_gap),
		cmocka_unit_test(test_connection_cap),
		cmocka_unit_test(test_rewritten_pcap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
