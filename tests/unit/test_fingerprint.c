/* Unit tests for src/tls/fingerprint.c.
 * JA3 / JA3S: a ClientHello and a ServerHello built here with GREASE in
 * every list the definition says to skip, their full strings and MD5 (the
 * MD5 of the string as computed by `printf %s STRING | md5sum`); the
 * shipped captures are compared with tshark in tests/e2e/test_connections.sh.
 * JA4 / JA4S (tshark 4.0 has neither): the worked examples published with
 * the definitions (FoxIO's technical_details/JA4.md and JA4S.md: the
 * fingerprints, raw strings and ALPN cases), hellos built from their lists;
 * a property test that GREASE anywhere and any extension order leave JA4 as
 * it is while the things it must see (signature algorithm order, a cipher,
 * SNI) change it. Every cut of every hello is refused, never read past. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "tls/fingerprint.h"

/* ClientHello: legacy_version 0x0303, random, empty session id, suites
 * {GREASE 0x0a0a, 0x1301, 0x1302}, compression {0}, extensions: GREASE
 * 0x1a1a (empty), server_name (0) empty, supported_groups (10) {0x2a2a, 29,
 * 23}, ec_point_formats (11) {0}, supported_versions (43) {0x0304}. */
static const uint8_t ch[] = {
	0x01, 0x00, 0x00, 0x50, 0x03, 0x03,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00,                                     /* session id */
	0x00, 0x06, 0x0a, 0x0a, 0x13, 0x01, 0x13, 0x02,
	0x01, 0x00,
	0x00, 0x21,                               /* extensions: 33 bytes */
	0x1a, 0x1a, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x2a, 0x2a, 0x00, 0x1d, 0x00, 0x17,
	0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
	0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04,
};

/* ServerHello: 0x0303, random, empty session id, suite 0x1301, null
 * compression, extensions supported_versions (43) and key_share (51). */
static const uint8_t sh[] = {
	0x02, 0x00, 0x00, 0x36, 0x03, 0x03,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x13, 0x01, 0x00,
	0x00, 0x0e,
	0x00, 0x2b, 0x00, 0x02, 0x03, 0x04,
	0x00, 0x33, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x00,
};

static void test_ja3(void **state)
{
	struct fingerprint fp;

	(void)state;
	assert_int_equal(sizeof ch, 4 + 0x50);
	assert_int_equal(fp_ja3(ch, sizeof ch, &fp), 0);
	assert_string_equal(fp.full, "771,4865-4866,0-10-11-43,29-23,0");
	assert_string_equal(fp.hash, "595881fda9e862ba1cbbd4aa5ac11827");
}

static void test_ja3s(void **state)
{
	struct fingerprint fp;

	(void)state;
	assert_int_equal(sizeof sh, 4 + 0x36);
	assert_int_equal(fp_ja3s(sh, sizeof sh, &fp), 0);
	assert_string_equal(fp.full, "771,4865,43-51");
	assert_string_equal(fp.hash, "f4febc55ea12b31ae17cfb7e614afda8");
}

/* ---- JA4: hellos built from lists ---- */

struct hello {
	uint8_t b[4096];
	size_t n;
};

static void put8(struct hello *h, unsigned v) { h->b[h->n++] = (uint8_t)v; }
static void put16(struct hello *h, unsigned v) { put8(h, v >> 8); put8(h, v & 0xff); }
static void patch16(struct hello *h, size_t at, size_t v) { h->b[at] = (uint8_t)(v >> 8); h->b[at + 1] = (uint8_t)v; }

/* An extension: its type, then its body as given. */
struct ext {
	uint16_t type;
	uint8_t body[128];
	size_t len;
};

/* A hello of type t (1 or 2): legacy 0x0303, zero random, empty session
 * id, the suites (a ClientHello's vector, or a ServerHello's one suite),
 * null compression, the extensions in the order given. */
static void build(struct hello *h, int t, const uint16_t *suites, size_t ns, const struct ext *e, size_t ne)
{
	size_t at;

	h->n = 0;
	put8(h, t);
	put8(h, 0), put16(h, 0); /* length, patched below */
	put16(h, 0x0303);
	for (int i = 0; i < 32; i++)
		put8(h, 0);
	put8(h, 0);
	if (t == 1)
		put16(h, 2 * ns);
	for (size_t i = 0; i < ns; i++)
		put16(h, suites[i]);
	if (t == 1)
		put8(h, 1);
	put8(h, 0);
	at = h->n;
	put16(h, 0);
	for (size_t i = 0; i < ne; i++) {
		put16(h, e[i].type);
		put16(h, e[i].len);
		memcpy(h->b + h->n, e[i].body, e[i].len);
		h->n += e[i].len;
	}
	patch16(h, at, h->n - at - 2);
	h->b[1] = (uint8_t)((h->n - 4) >> 16);
	patch16(h, 2, h->n - 4);
}

/* A body: a u16 list with a length prefix of w bytes (0: none). */
static struct ext list_ext(uint16_t type, int w, const uint16_t *v, size_t n)
{
	struct ext e = { .type = type };

	if (w == 2)
		e.body[e.len++] = (uint8_t)(2 * n >> 8);
	if (w)
		e.body[e.len++] = (uint8_t)(2 * n);
	for (size_t i = 0; i < n; i++) {
		e.body[e.len++] = (uint8_t)(v[i] >> 8);
		e.body[e.len++] = (uint8_t)v[i];
	}
	return e;
}

/* ALPN with one name. */
static struct ext alpn_ext(const uint8_t *name, size_t n)
{
	struct ext e = { .type = 0x0010 };

	e.body[0] = 0, e.body[1] = (uint8_t)(n + 1), e.body[2] = (uint8_t)n;
	memcpy(e.body + 3, name, n);
	e.len = n + 3;
	return e;
}

/* The published JA4 example: its ciphers and extensions in the order given
 * there, the signature algorithms listed there, ALPN h2, TLS 1.3. */
static const uint16_t ex_suites[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
				      0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035 };
static const uint16_t ex_exts[] = { 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d,
				    0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015 };
static const uint16_t ex_sigalgs[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601 };
static const uint16_t ex_versions[] = { 0x0304, 0x0303 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static size_t example_exts(struct ext *e, bool sigalgs)
{
	for (size_t i = 0; i < N(ex_exts); i++) {
		switch (ex_exts[i]) {
		case 0x0000: /* server_name: one host name */
			e[i] = (struct ext){ .type = 0, .body = { 0, 14, 0, 0, 11, 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.',
								  'c', 'o', 'm' }, .len = 16 };
			break;
		case 0x0010: e[i] = alpn_ext((const uint8_t *)"h2", 2); break;
		case 0x000d: e[i] = list_ext(0x000d, 2, ex_sigalgs, sigalgs ? N(ex_sigalgs) : 0); break;
		case 0x002b: e[i] = list_ext(0x002b, 1, ex_versions, N(ex_versions)); break;
		default: e[i] = (struct ext){ .type = ex_exts[i] }; break;
		}
	}
	return N(ex_exts);
}

static void test_ja4_example(void **state)
{
	struct hello h;
	struct ext e[32];
	struct fingerprint fp;
	size_t ne = example_exts(e, true);

	(void)state;
	build(&h, 1, ex_suites, N(ex_suites), e, ne);
	assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
	assert_string_equal(fp.hash, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	assert_string_equal(fp.full, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,"
				     "c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,"
				     "0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601");
	/* "If there are no signature algorithms ... the string ends without an underscore" */
	example_exts(e, false);
	build(&h, 1, ex_suites, N(ex_suites), e, ne);
	assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
	assert_string_equal(fp.hash, "t13d1516h2_8daaf6152771_6d807ffa2a79");
	/* no ciphers, no extensions: zeros, not the hash of nothing; TLS 1.2 from legacy_version */
	build(&h, 1, NULL, 0, NULL, 0);
	assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
	assert_string_equal(fp.hash, "t12i000000_000000000000_000000000000");
}

static void test_ja4s_example(void **state)
{
	static const uint16_t suite = 0xc030;
	struct ext e[] = { { .type = 0x0005 }, { .type = 0x0017 }, { .type = 0xff01, .body = { 0 }, .len = 1 },
			   { .type = 0x0000 } };
	struct hello h;
	struct fingerprint fp;
	uint16_t v13 = 0x0304;
	struct ext e13[] = { list_ext(0x002b, 0, &v13, 1), alpn_ext((const uint8_t *)"http/1.1", 8),
			     { .type = 0x0033, .body = { 0, 0x1d, 0, 0 }, .len = 4 } };

	(void)state;
	build(&h, 2, &suite, 1, e, N(e));
	assert_int_equal(fp_ja4s(h.b, h.n, &fp), 0);
	assert_string_equal(fp.hash, "t120400_c030_4e8089b08790");
	assert_string_equal(fp.full, "t120400_c030_0005,0017,ff01,0000");
	/* TLS 1.3 from supported_versions, the ALPN chosen; hash = sha256("002b,0010,0033")[:12] */
	build(&h, 2, (const uint16_t[]){ 0x1301 }, 1, e13, N(e13));
	assert_int_equal(fp_ja4s(h.b, h.n, &fp), 0);
	assert_string_equal(fp.full, "t1303h1_1301_002b,0010,0033");
	assert_string_equal(fp.hash, "t1303h1_1301_7caed40bb29f");
}

/* The ALPN cases the definition lists, through a ClientHello with only ALPN. */
static void test_ja4_alpn(void **state)
{
	static const struct {
		const char *name;
		size_t n;
		const char *want;
	} cases[] = {
		{ "h2", 2, "h2" },           { "http/1.1", 8, "h1" },         { "x", 1, "xx" },
		{ "\xab", 1, "ab" },        { "\xab\xcd", 2, "ad" },       { "0\xab", 2, "3b" },
		{ "01\xab\xcd", 4, "3d" }, { "0\xab\xcd" "1", 4, "01" }, { "", 0, "00" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct ext e = alpn_ext((const uint8_t *)cases[i].name, cases[i].n);
		struct hello h;
		struct fingerprint fp;
		char want[16];

		build(&h, 1, (const uint16_t[]){ 0x1301 }, 1, &e, 1);
		assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
		snprintf(want, sizeof want, "t12i0101%s", cases[i].want);
		assert_memory_equal(fp.hash, want, 10);
	}
}

/* GREASE anywhere and any extension order do not change JA4; what it must
 * see does: the signature algorithms' order, a cipher more, SNI. */
static void test_ja4_property(void **state)
{
	struct ext base[32], e[40];
	uint16_t suites[32];
	size_t ne = example_exts(base, true);
	struct fingerprint fp, ref;
	struct hello h;
	unsigned seed = 12345;

	(void)state;
	build(&h, 1, ex_suites, N(ex_suites), base, ne);
	assert_int_equal(fp_ja4(h.b, h.n, &ref), 0);
	for (int round = 0; round < 500; round++) {
		size_t n = 0, k = 0;
		uint16_t g = (uint16_t)(0x0a0a + 0x1010 * (rand_r(&seed) % 16));

		/* suites with GREASE at a random place */
		for (size_t i = 0; i < N(ex_suites); i++) {
			if (rand_r(&seed) % 8 == 0)
				suites[k++] = g;
			suites[k++] = ex_suites[i];
		}
		/* the extensions shuffled, GREASE extensions among them, GREASE in
		   the signature algorithms and supported versions */
		memcpy(e, base, ne * sizeof *e);
		n = ne;
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = (size_t)rand_r(&seed) % (i + 1);
			struct ext t = e[i];

			e[i] = e[j], e[j] = t;
		}
		if (round % 2)
			e[n++] = (struct ext){ .type = g };
		for (size_t i = 0; i < n; i++) {
			uint16_t v[12];
			size_t m = 0;

			if (e[i].type == 0x000d) {
				for (size_t j = 0; j < N(ex_sigalgs); j++) {
					if (j == (size_t)round % N(ex_sigalgs))
						v[m++] = g;
					v[m++] = ex_sigalgs[j];
				}
				e[i] = list_ext(0x000d, 2, v, m);
			} else if (e[i].type == 0x002b) {
				v[m++] = g, v[m++] = 0x0304, v[m++] = 0x0303;
				e[i] = list_ext(0x002b, 1, v, m);
			}
		}
		build(&h, 1, suites, k, e, n);
		assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
		assert_string_equal(fp.hash, ref.hash);
		assert_string_equal(fp.full, ref.full);
	}
	/* the signature algorithms in another order: another fingerprint */
	memcpy(e, base, ne * sizeof *e);
	for (size_t i = 0; i < ne; i++)
		if (e[i].type == 0x000d)
			e[i] = list_ext(0x000d, 2, (const uint16_t[]){ 0x0804, 0x0403, 0x0401, 0x0503, 0x0805, 0x0501,
								      0x0806, 0x0601 }, 8);
	build(&h, 1, ex_suites, N(ex_suites), e, ne);
	assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
	assert_memory_equal(fp.hash, ref.hash, 24);
	assert_string_not_equal(fp.hash, ref.hash);
	/* one cipher fewer */
	build(&h, 1, ex_suites, N(ex_suites) - 1, base, ne);
	assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
	assert_string_not_equal(fp.hash, ref.hash);
	assert_memory_equal(fp.hash, "t13d1416h2_", 11);
	/* no server_name: 'i', one extension fewer, the extension hash the same */
	for (size_t i = 0, j = 0; i < ne; i++)
		if (base[i].type != 0)
			e[j++] = base[i];
	build(&h, 1, ex_suites, N(ex_suites), e, ne - 1);
	assert_int_equal(fp_ja4(h.b, h.n, &fp), 0);
	assert_string_equal(fp.hash, "t13i1515h2_8daaf6152771_e5627efa2ab1");
}

/* Every cut of the hellos is refused, never read past. */
static void test_damaged(void **state)
{
	struct fingerprint fp;
	struct hello h;
	struct ext e[32];

	(void)state;
	build(&h, 1, ex_suites, N(ex_suites), e, example_exts(e, true));
	for (size_t n = 0; n < h.n; n++)
		assert_true(fp_ja4(h.b, n, &fp) < 0);
	build(&h, 2, ex_suites, 1, e, example_exts(e, true));
	assert_int_equal(fp_ja4s(h.b, h.n, &fp), 0);
	for (size_t n = 0; n < h.n; n++)
		assert_true(fp_ja4s(h.b, n, &fp) < 0);
	for (size_t n = 0; n < sizeof ch; n++)
		assert_true(fp_ja3(ch, n, &fp) < 0);
	for (size_t n = 0; n < sizeof sh; n++)
		assert_true(fp_ja3s(sh, n, &fp) < 0);
	assert_true(fp_ja3(sh, sizeof sh, &fp) < 0); /* the wrong message */
	assert_true(fp_ja3s(ch, sizeof ch, &fp) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ja3),
		cmocka_unit_test(test_ja3s),
		cmocka_unit_test(test_ja4_example),
		cmocka_unit_test(test_ja4s_example),
		cmocka_unit_test(test_ja4_alpn),
		cmocka_unit_test(test_ja4_property),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
