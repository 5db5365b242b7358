/* Unit tests for hex encoding: both cases decode, bad digits and odd or
 * oversized input are refused with a message, output is lowercase. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hex.h"

static void test_roundtrip(void **state)
{
	static const uint8_t b[] = { 0x00, 0x0f, 0xa0, 0xff };
	uint8_t out[4];
	char s[9];
	char *d;

	(void)state;
	hex_encode(b, sizeof b, s);
	assert_string_equal(s, "000fa0ff");
	d = hex_dup(b, sizeof b);
	assert_string_equal(d, "000fa0ff");
	free(d);
	assert_int_equal(hex_decode("000FA0ff", 8, out, sizeof out), 4);
	assert_memory_equal(out, b, 4);
	hex_encode(b, 0, s);
	assert_string_equal(s, "");
	assert_int_equal(hex_decode("", 0, out, 0), 0);
}

static void test_bad_input(void **state)
{
	uint8_t out[2];

	(void)state;
	assert_int_equal(hex_decode("abc", 3, out, sizeof out), ERR_VALUE);
	assert_non_null(strstr(err_msg(), "odd"));
	assert_int_equal(hex_decode("zz", 2, out, sizeof out), ERR_VALUE);
	assert_non_null(strstr(err_msg(), "position 0"));
	assert_int_equal(hex_decode("0g", 2, out, sizeof out), ERR_VALUE);
	assert_non_null(strstr(err_msg(), "position 1"));
	assert_int_equal(hex_decode("001122", 6, out, sizeof out), ERR_LENGTH); /* one over */
	assert_int_equal(hex_decode("0011", 4, out, sizeof out), 2);              /* exact */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
