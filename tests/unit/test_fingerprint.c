/* Unit tests for JA3 / JA3S (src/tls/fingerprint.c): a ClientHello and a
 * ServerHello built here with GREASE in every list the definition says to
 * skip, their full strings and MD5 (the MD5 of the string as computed by
 * `printf %s STRING | md5sum`), and refusals of damaged hellos. The
 * shipped captures are compared with tshark in tests/e2e/test_connections.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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
	assert_string_equal(fp.md5, "595881fda9e862ba1cbbd4aa5ac11827");
}

static void test_ja3s(void **state)
{
	struct fingerprint fp;

	(void)state;
	assert_int_equal(sizeof sh, 4 + 0x36);
	assert_int_equal(fp_ja3s(sh, sizeof sh, &fp), 0);
	assert_string_equal(fp.full, "771,4865,43-51");
	assert_string_equal(fp.md5, "f4febc55ea12b31ae17cfb7e614afda8");
}

/* Every cut of the hellos is refused, never read past. */
static void test_damaged(void **state)
{
	struct fingerprint fp;

	(void)state;
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
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
