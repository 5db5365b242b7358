/* Unit tests for the error convention: messages, wrapping with context,
 * stable names, clearing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/err.h"

static void test_err_convention(void **state)
{
	(void)state;
	err_clear();
	assert_int_equal(err_last(), 0);
	assert_string_equal(err_msg(), "");
	assert_int_equal(err_set(ERR_SHORT, "random: needs %d bytes", 32), ERR_SHORT);
	assert_string_equal(err_msg(), "random: needs 32 bytes");
	assert_int_equal(err_wrap(ERR_SHORT, "ServerHello: "), ERR_SHORT);
	assert_string_equal(err_msg(), "ServerHello: random: needs 32 bytes");
	assert_string_equal(err_name(ERR_AUTH), "auth");
	assert_string_equal(err_name(1), "unknown");
	assert_string_equal(err_name(-100), "unknown");
}

static void test_long_messages_are_cut_not_overflowed(void **state)
{
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	err_set(ERR_VALUE, "%s", big);
	assert_true(strlen(err_msg()) < sizeof big);
	err_wrap(ERR_VALUE, "%s", big);
	assert_true(strlen(err_msg()) < sizeof big);
	assert_int_equal(err_last(), ERR_VALUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_err_convention),
		cmocka_unit_test(test_long_messages_are_cut_not_overflowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
