/* Unit tests for the tap source: its frames pass packet_parse, reassemble to
 * exactly the bytes given (both directions written from two threads at once),
 * and tshark reads them with checksum validation on and nothing to complain
 * about. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "wire/pcapng_write.h"
#include "wire/reasm.h"
#include "wire/tap.h"

#define CHUNKS 40
#define BIG (TAP_MSS * 2 + 17) /* one write = 3 segments */

struct sinkctx {
	struct capwriter *w;
	struct reasm *r;
	int frames, parse_errors, syn, fin;
	uint64_t last_frame;
};

struct streams {
	uint8_t *buf[3];
	size_t len[3];
	int closed[3], gaps, bad;
};

static void s_data(void *ctx, uint32_t id, enum dir d, const uint8_t *data, size_t len,
		   uint64_t off, uint64_t ts)
{
	struct streams *s = ctx;
	(void)id, (void)ts;
	if (off != s->len[d]) {
		s->bad++;
		return;
	}
	s->buf[d] = realloc(s->buf[d], s->len[d] + len);
	memcpy(s->buf[d] + s->len[d], data, len);
	s->len[d] += len;
}

static void s_gap(void *ctx, uint32_t id, enum dir d, uint64_t off, uint64_t n, uint64_t ts)
{
	struct streams *s = ctx;
	(void)id, (void)d, (void)off, (void)n, (void)ts;
	s->gaps++;
}

static void s_close(void *ctx, uint32_t id, enum dir d, bool rst, uint64_t ts)
{
	struct streams *s = ctx;
	(void)id, (void)ts;
	s->closed[d] += rst ? 100 : 1;
}

static const struct reasm_ops sops = { NULL, s_data, s_gap, s_close };

/* Every frame: parse, reassemble, write. */
static void on_packet(void *ctx, const struct pkt_raw *p)
{
	struct sinkctx *c = ctx;
	struct pkt k;
	uint32_t id;
	enum dir d;

	c->frames++;
	if (p->frame_no != c->last_frame + 1)
		c->parse_errors++;
	c->last_frame = p->frame_no;
	if (packet_parse(p->linktype, p->frame, p->caplen, p->origlen, p->ts_us, &k) < 0) {
		c->parse_errors++;
		return;
	}
	c->syn += !!(k.flags & TCPF_SYN);
	c->fin += !!(k.flags & TCPF_FIN);
	if (reasm_packet(c->r, &k, &id, &d) < 0 || id != 1)
		c->parse_errors++;
	capwriter_packet(c->w, p->ts_us, p->frame, p->caplen, p->origlen);
}

struct writer {
	struct tap *t;
	enum dir d;
	const uint8_t *data;
};

/* One side writing CHUNKS pieces of growing size, one of them BIG. */
static void *writer_main(void *arg)
{
	struct writer *w = arg;
	size_t off = 0;

	for (int i = 0; i < CHUNKS; i++) {
		size_t n = i == CHUNKS / 2 ? BIG : (size_t)(i * 37 + 1);
		tap_data(w->t, w->d, w->data + off, n);
		off += n;
	}
	return NULL;
}

static size_t total_len(void)
{
	size_t n = 0;
	for (int i = 0; i < CHUNKS; i++)
		n += i == CHUNKS / 2 ? BIG : (size_t)(i * 37 + 1);
	return n;
}

static void test_tap_frames(void **state)
{
	char dir[] = "/tmp/tlsviz-tap.XXXXXX", path[300], cmd[1200];
	struct streams s = { 0 };
	struct sinkctx c = { 0 };
	size_t n = total_len();
	uint8_t *data[3];
	pthread_t th[2];
	struct writer w[2];
	struct tap *t;
	FILE *p;
	char line[512];
	int complaints = 0, lines = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/tap.pcapng", dir);
	assert_int_equal(capwriter_open(&c.w, path, CAPFMT_PCAPNG, WIRE_DLT_EN10MB), 0);
	c.r = reasm_new(&sops, &s, 0);
	for (int d = 1; d <= 2; d++) {
		data[d] = malloc(n);
		for (size_t i = 0; i < n; i++)
			data[d][i] = (uint8_t)(i * 13 + d * 101 + (i >> 9));
	}
	t = tap_new(51000, 4433, on_packet, &c);
	assert_non_null(t);
	tap_open(t);
	tap_open(t); /* once only */
	for (int i = 0; i < 2; i++) {
		w[i] = (struct writer){ t, i == 0 ? DIR_C2S : DIR_S2C, data[i + 1] };
		assert_int_equal(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	tap_close(t);
	tap_close(t);
	tap_data(t, DIR_C2S, (const uint8_t *)"late", 4); /* after close: dropped */
	tap_free(t);
	reasm_finish(c.r);
	assert_int_equal(c.parse_errors, 0);
	assert_int_equal(c.syn, 2);
	assert_int_equal(c.fin, 2);
	assert_int_equal(s.bad, 0);
	assert_int_equal(s.gaps, 0);
	for (int d = 1; d <= 2; d++) {
		assert_int_equal(s.len[d], n);
		assert_memory_equal(s.buf[d], data[d], n);
		assert_int_equal(s.closed[d], 1); /* by FIN, not RST */
		free(s.buf[d]);
		free(data[d]);
	}
	reasm_free(c.r);
	assert_int_equal(capwriter_commit(c.w), 0);

	/* tshark with checksum validation: no malformed packets, no bad checksums,
	 * no TCP analysis complaints */
	snprintf(cmd, sizeof cmd,
		 "tshark -r '%s' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "
		 "-o tcp.analyze_sequence_numbers:TRUE -V 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof line, p)) {
		lines++;
		if (strstr(line, "Malformed") || strstr(line, "Bad]") || strstr(line, "incorrect") ||
		    strstr(line, "Expert Info (Warn") || strstr(line, "Expert Info (Error")) {
			if (complaints++ < 5)
				print_message("tshark: %s", line);
		}
	}
	assert_int_equal(pclose(p), 0);
	assert_true(lines > 100);
	assert_int_equal(complaints, 0);
	snprintf(cmd, sizeof cmd, "tshark -r '%s' -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE "
		 "-Y "
		 "'tcp.checksum.status == 1 && ip.checksum.status == 1' 2>/dev/null | wc -l; "
		 "tshark -r '%s' 2>/dev/null | wc -l", path, path);
	p = popen(cmd, "r");
	int good = 0, all = -1;
	assert_int_equal(fscanf(p, "%d %d", &good, &all), 2);
	pclose(p);
	assert_int_equal(good, c.frames); /* every checksum verified good */
	assert_int_equal(all, c.frames);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap_frames),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
