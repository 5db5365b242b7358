/* Unit tests for the record layer: boundary lengths, several records per
 * feed, one record across feeds, garbage and gaps with resynchronisation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "tls/record.h"

struct got {
	size_t nrec, nerr;
	uint64_t off[16];
	uint16_t len[16];
	uint8_t type[16];
	int err[16];
};

static void on_rec(void *ctx, const struct record_view *r)
{
	struct got *g = ctx;

	if (g->nrec < 16) {
		g->off[g->nrec] = r->stream_off;
		g->len[g->nrec] = r->length;
		g->type[g->nrec] = r->type;
		assert_int_equal(r->len, 5u + r->length);
	}
	g->nrec++;
}

static void on_err(void *ctx, int code, uint64_t off)
{
	struct got *g = ctx;

	(void)off;
	if (g->nerr < 16)
		g->err[g->nerr] = code;
	g->nerr++;
}

/* A record with the given type, version and fragment length (fragment bytes 0xab). */
static size_t mk(uint8_t *out, uint8_t type, uint16_t ver, uint16_t len)
{
	out[0] = type;
	out[1] = (uint8_t)(ver >> 8);
	out[2] = (uint8_t)ver;
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
	memset(out + 5, 0xab, len);
	return 5u + len;
}

static struct record_stream *new_stream(void)
{
	struct record_stream *s = malloc(sizeof *s);

	assert_non_null(s);
	record_stream_init(s);
	return s;
}

static void test_empty_feed(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };

	(void)state;
	record_stream_feed(s, NULL, 0, 0, &k);
	assert_int_equal(g.nrec, 0);
	assert_int_equal(record_stream_end(s), 0);
	free(s);
}

/* Header one byte short, then exact, fragment one short, then exact. */
static void test_header_and_fragment_boundaries(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };
	uint8_t b[64];
	size_t n = mk(b, 22, 0x0303, 10);

	(void)state;
	record_stream_feed(s, b, 4, 0, &k);
	assert_int_equal(g.nrec, 0);
	record_stream_feed(s, b + 4, 1, 4, &k);
	assert_int_equal(g.nrec, 0);
	record_stream_feed(s, b + 5, n - 6, 5, &k);
	assert_int_equal(g.nrec, 0);
	record_stream_feed(s, b + n - 1, 1, n - 1, &k);
	assert_int_equal(g.nrec, 1);
	assert_int_equal(g.len[0], 10);
	assert_int_equal(record_stream_end(s), 0);
	assert_int_equal(g.nerr, 0);
	free(s);
}

/* Largest allowed length is accepted; one over is an error. */
static void test_max_length(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };
	uint8_t *b = malloc(2 * (5 + RECORD_MAX_FRAG + 1));
	size_t n;

	(void)state;
	n = mk(b, 23, 0x0303, RECORD_MAX_FRAG);
	record_stream_feed(s, b, n, 0, &k);
	assert_int_equal(g.nrec, 1);
	assert_int_equal(g.nerr, 0);
	n = mk(b, 23, 0x0303, RECORD_MAX_FRAG + 1);
	record_stream_feed(s, b, 5, RECORD_MAX_FRAG + 5, &k);
	assert_int_equal(g.nerr, 1);
	assert_int_equal(g.err[0], ERR_LENGTH);
	free(b);
	free(s);
}

/* Several records in one feed, including a zero-length one and an unknown type. */
static void test_coalesced(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };
	uint8_t b[256];
	size_t n = 0;

	(void)state;
	n += mk(b + n, 22, 0x0301, 3);
	n += mk(b + n, 23, 0x0303, 0);
	n += mk(b + n, 99, 0x0303, 2);
	n += mk(b + n, 21, 0x0303, 2);
	record_stream_feed(s, b, n, 100, &k);
	assert_int_equal(g.nrec, 4);
	assert_int_equal(g.nerr, 0);
	assert_int_equal(g.off[0], 100);
	assert_int_equal(g.off[1], 108);
	assert_int_equal(g.len[1], 0);
	assert_int_equal(g.type[2], 99);
	assert_int_equal(g.off[3], 120);
	free(s);
}

/* Garbage: one error, then records are found again. */
static void test_garbage_resync(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };
	uint8_t b[256];
	size_t n = 0;

	(void)state;
	memset(b, 0x42, 40);
	n = 40;
	n += mk(b + n, 22, 0x0303, 4);
	n += mk(b + n, 21, 0x0303, 2);
	record_stream_feed(s, b, n, 0, &k);
	assert_int_equal(g.nerr, 1);
	assert_int_equal(g.err[0], ERR_VALUE);
	assert_int_equal(g.nrec, 2);
	assert_int_equal(g.off[0], 40);
	free(s);
}

/* A gap drops the partial record; the next header after it is found. */
static void test_gap(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };
	uint8_t b[256];
	size_t n = mk(b, 22, 0x0303, 20);
	size_t m;

	(void)state;
	record_stream_feed(s, b, 10, 0, &k);
	record_stream_gap(s, 10, 15);
	m = mk(b, 23, 0x0303, 5);
	record_stream_feed(s, b, m, n, &k);
	assert_int_equal(g.nrec, 1);
	assert_int_equal(g.off[0], n);
	assert_int_equal(g.nerr, 0);
	/* an implicit gap (offset jumps) behaves the same */
	record_stream_feed(s, b, m, n + m + 7, &k);
	assert_int_equal(g.nrec, 2);
	assert_int_equal(record_stream_end(s), 0);
	free(s);
}

/* Overlapping bytes already seen are skipped. */
static void test_overlap(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };
	uint8_t b[64];
	size_t n = mk(b, 22, 0x0303, 8);

	(void)state;
	record_stream_feed(s, b, 6, 0, &k);
	record_stream_feed(s, b, n, 0, &k); /* retransmission from the start */
	assert_int_equal(g.nrec, 1);
	assert_int_equal(g.nerr, 0);
	free(s);
}

/* Truncation at the end of the stream names the offsets. */
static void test_truncated(void **state)
{
	struct record_stream *s = new_stream();
	struct got g = { 0 };
	struct record_sink k = { on_rec, on_err, &g };
	uint8_t b[64];

	(void)state;
	mk(b, 22, 0x0303, 30);
	record_stream_feed(s, b, 3, 0, &k);
	assert_int_equal(record_stream_end(s), ERR_SHORT);
	assert_non_null(strstr(err_msg(), "3 of 5"));
	record_stream_init(s);
	record_stream_feed(s, b, 20, 0, &k);
	assert_int_equal(record_stream_end(s), ERR_SHORT);
	assert_non_null(strstr(err_msg(), "20 of 35"));
	free(s);
}

static void test_plausible(void **state)
{
	uint8_t h[5] = { 23, 3, 3, 0, 1 };

	(void)state;
	assert_true(record_header_plausible(h));
	h[0] = 19;
	assert_false(record_header_plausible(h));
	h[0] = 23;
	h[2] = 5;
	assert_false(record_header_plausible(h));
	h[2] = 3;
	h[4] = 0;
	assert_false(record_header_plausible(h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_feed),
		cmocka_unit_test(test_header_and_fragment_boundaries),
		cmocka_unit_test(test_max_length),
		cmocka_unit_test(test_coalesced),
		cmocka_unit_test(test_garbage_resync),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_plausible),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
