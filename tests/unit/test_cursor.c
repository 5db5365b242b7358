/* Unit tests for the bounded cursor: empty, one short, exact, one over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/cursor.h"
#include "core/err.h"

static void test_reads_exact(void **state)
{
	static const uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct cursor c;
	uint8_t u8;
	uint16_t u16;
	uint32_t u24, u32;

	(void)state;
	cursor_init(&c, b, sizeof b, 100);
	assert_int_equal(cursor_u8(&c, "a", &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(cursor_u16(&c, "b", &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(cursor_u24(&c, "c", &u24), 0);
	assert_int_equal(u24, 0x040506);
	assert_int_equal(cursor_offset(&c), 106);
	assert_int_equal(cursor_u32(&c, "d", &u32), 0);
	assert_int_equal(u32, 0x0708090a);
	assert_int_equal(cursor_left(&c), 0);
	assert_int_equal(cursor_end(&c, "msg"), 0);
}

static void test_short_read_names_field(void **state)
{
	static const uint8_t b[] = { 1, 2, 3 };
	struct cursor c;
	uint32_t v = 0xdead;

	(void)state;
	cursor_init(&c, b, sizeof b, 40);
	assert_int_equal(cursor_u32(&c, "gmt_unix_time", &v), ERR_SHORT);
	assert_int_equal(v, 0xdead); /* untouched */
	assert_int_equal(cursor_pos(&c), 0); /* position unchanged */
	assert_non_null(strstr(err_msg(), "gmt_unix_time"));
	assert_non_null(strstr(err_msg(), "offset 40"));
}

static void test_empty(void **state)
{
	struct cursor c;
	uint8_t v;
	const uint8_t *p;
	size_t n;

	(void)state;
	cursor_init(&c, NULL, 5, 0); /* NULL buffer: treated as empty */
	assert_int_equal(cursor_left(&c), 0);
	assert_int_equal(cursor_u8(&c, "x", &v), ERR_SHORT);
	assert_int_equal(cursor_bytes(&c, "x", 0, &p), 0);
	assert_int_equal(cursor_rest(&c, &p, &n), 0);
	assert_int_equal(n, 0);
}

static void test_vec_exact_and_over(void **state)
{
	/* vec16 of 3 bytes, then one trailing byte */
	static const uint8_t ok[] = { 0x00, 0x03, 0xaa, 0xbb, 0xcc, 0x99 };
	/* declared length one over what is there */
	static const uint8_t over[] = { 0x00, 0x04, 0xaa, 0xbb, 0xcc };
	struct cursor c, sub;
	uint8_t v;

	(void)state;
	cursor_init(&c, ok, sizeof ok, 0);
	assert_int_equal(cursor_vec16(&c, "cipher_suites", &sub), 0);
	assert_int_equal(cursor_left(&sub), 3);
	assert_int_equal(cursor_offset(&sub), 2);
	assert_int_equal(cursor_u8(&sub, "x", &v), 0);
	assert_int_equal(cursor_end(&sub, "cipher_suites"), ERR_LENGTH);
	assert_int_equal(cursor_skip(&sub, "x", 2), 0);
	assert_int_equal(cursor_end(&sub, "cipher_suites"), 0);
	assert_int_equal(cursor_skip(&sub, "x", 1), ERR_SHORT); /* one over */
	assert_int_equal(cursor_left(&c), 1);

	cursor_init(&c, over, sizeof over, 0);
	assert_int_equal(cursor_vec16(&c, "cipher_suites", &sub), ERR_LENGTH);
	assert_int_equal(cursor_pos(&c), 0);
	assert_non_null(strstr(err_msg(), "cipher_suites"));
}

static void test_vec8_vec24_and_le(void **state)
{
	static const uint8_t b[] = { 0x01, 0x7f, 0x00, 0x00, 0x02, 0x10, 0x20,
				     0x34, 0x12, 0x78, 0x56, 0x34, 0x12 };
	struct cursor c, sub;
	uint16_t le16;
	uint32_t le32;

	(void)state;
	cursor_init(&c, b, sizeof b, 0);
	assert_int_equal(cursor_vec8(&c, "a", &sub), 0);
	assert_int_equal(cursor_left(&sub), 1);
	assert_int_equal(cursor_vec24(&c, "b", &sub), 0);
	assert_int_equal(cursor_left(&sub), 2);
	assert_int_equal(cursor_le16(&c, "c", &le16), 0);
	assert_int_equal(le16, 0x1234);
	assert_int_equal(cursor_le32(&c, "d", &le32), 0);
	assert_int_equal(le32, 0x12345678);
	assert_int_equal(cursor_le16(&c, "e", &le16), ERR_SHORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_exact),
		cmocka_unit_test(test_short_read_names_field),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_vec_exact_and_over),
		cmocka_unit_test(test_vec8_vec24_and_le),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
