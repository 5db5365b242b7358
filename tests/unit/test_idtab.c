/* Unit tests for core/idtab.c: tables indexed by a 1-based id grow by
 * doubling from 16, keep what they held, zero what is new, refuse id 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "core/idtab.h"

struct slot {
	uint32_t a;
	char b[12];
};

static void test_grow(void **state)
{
	struct slot *t = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(idtab_reserve((void **)&t, &cap, sizeof *t, 0), -1); /* ids start at 1 */
	assert_null(t);
	assert_int_equal(idtab_reserve((void **)&t, &cap, sizeof *t, 1), 0);
	assert_int_equal(cap, 16);
	for (size_t i = 0; i < cap; i++)
		assert_int_equal(t[i].a, 0);
	t[15].a = 7;
	assert_int_equal(idtab_reserve((void **)&t, &cap, sizeof *t, 16), 0); /* exact: no growth */
	assert_int_equal(cap, 16);
	assert_int_equal(idtab_reserve((void **)&t, &cap, sizeof *t, 17), 0); /* one over */
	assert_int_equal(cap, 32);
	assert_int_equal(t[15].a, 7);
	for (size_t i = 16; i < cap; i++)
		assert_int_equal(t[i].a, 0);
	assert_int_equal(idtab_reserve((void **)&t, &cap, sizeof *t, 1000), 0);
	assert_int_equal(cap, 1024);
	assert_int_equal(t[15].a, 7);
	assert_int_equal(t[999].a, 0);
	free(t);
}

static void test_refuse(void **state)
{
	struct slot *t = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(idtab_reserve((void **)&t, &cap, 0, 3), -1); /* no element size */
	assert_int_equal(idtab_reserve((void **)&t, &cap, SIZE_MAX / 8, UINT32_MAX), -1); /* would overflow */
	assert_int_equal(cap, 0);
	assert_null(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_refuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
