/* Unit tests for the streaming JSON writer, with Jansson (nobody here wrote
 * it) as the oracle: for valid UTF-8 the writer's bytes equal Jansson's
 * compact, ordered, ASCII-only dump of the same object; any byte string
 * (random, and every invalid UTF-8 form) parses back as JSON, valid UTF-8
 * unchanged and each invalid byte as U+FFFD; tiny buffers and write errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/jsonw.h"

/* The writer's output for one object {"s": s[0..n), "h": hex, "i": v, ...}. */
static char *write_obj(const char *s, size_t n, size_t cap, size_t *outlen)
{
	static const uint8_t bytes[] = { 0x00, 0x7f, 0x80, 0xff };
	struct jsonw w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(jsonw_init(&w, f, cap), 0);
	jsonw_begin_obj(&w);
	jsonw_key(&w, "s");
	jsonw_strn(&w, s, n);
	jsonw_key(&w, "h");
	jsonw_hex(&w, bytes, sizeof bytes);
	jsonw_key(&w, "i");
	jsonw_int(&w, -1234567890123LL);
	jsonw_key(&w, "u");
	jsonw_uint(&w, 18446744073709551615ULL);
	jsonw_key(&w, "a");
	jsonw_begin_arr(&w);
	jsonw_bool(&w, true);
	jsonw_bool(&w, false);
	jsonw_null(&w);
	jsonw_begin_obj(&w);
	jsonw_end_obj(&w);
	jsonw_begin_arr(&w);
	jsonw_int(&w, 0);
	jsonw_end_arr(&w);
	jsonw_end_arr(&w);
	jsonw_end_obj(&w);
	jsonw_newline(&w);
	assert_int_equal(jsonw_free(&w), 0);
	fclose(f);
	*outlen = len;
	return buf;
}

/* Jansson's line for the same object (without "u", which Jansson's signed
 * integers cannot hold: compared separately). */
static char *jansson_line(const char *s, size_t n)
{
	json_t *o = json_object(), *a = json_array(), *inner = json_array();
	char *d;

	json_object_set_new(o, "s", json_stringn(s, n));
	json_object_set_new(o, "h", json_string("007f80ff"));
	json_object_set_new(o, "i", json_integer(-1234567890123LL));
	json_array_append_new(a, json_true());
	json_array_append_new(a, json_false());
	json_array_append_new(a, json_null());
	json_array_append_new(a, json_object());
	json_array_append_new(inner, json_integer(0));
	json_array_append_new(a, inner);
	json_object_set_new(o, "a", a);
	d = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	return d;
}

/* The writer's line with ,"u":18446744073709551615 taken out. */
static void drop_u(char *line)
{
	static const char u[] = ",\"u\":18446744073709551615";
	char *p = strstr(line, u);

	assert_non_null(p);
	memmove(p, p + sizeof u - 1, strlen(p + sizeof u - 1) + 1);
}

static void check_equal_to_jansson(const char *s, size_t n, size_t cap)
{
	size_t len;
	char *mine = write_obj(s, n, cap, &len), *theirs = jansson_line(s, n);

	assert_non_null(theirs);
	assert_true(len > 0 && mine[len - 1] == '\n');
	mine[len - 1] = 0;
	drop_u(mine);
	assert_string_equal(mine, theirs);
	free(mine);
	free(theirs);
}

static void test_same_bytes_as_jansson(void **state)
{
	static const char *const cases[] = {
		"", "plain ascii", "quote \" backslash \\ slash /", "\b\f\n\r\t\x01\x1f\x7f",
		"caf\xc3\xa9", "\xe2\x82\xac euro", "\xef\xbf\xbf", "\xf0\x9f\x94\x92 lock",
		"\xf4\x8f\xbf\xbf", "\xe2\x80\xa8 line separator", "mixed \xc3\xa9\"\n\xf0\x90\x80\x80",
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		check_equal_to_jansson(cases[i], strlen(cases[i]), 0);
		check_equal_to_jansson(cases[i], strlen(cases[i]), 256); /* flushes mid-string */
	}
	check_equal_to_jansson("nul\0inside", 10, 0);
}

/* Random valid UTF-8 of every length class, long enough to cross buffers. */
static size_t random_utf8(char *out, size_t cap, unsigned *seed)
{
	size_t n = 0;

	while (n + 4 < cap) {
		unsigned r = (unsigned)rand_r(seed), cp;

		switch (r % 4) {
		case 0: cp = r >> 8 & 0x7f; break;
		case 1: cp = 0x80 + (r >> 8) % 0x780; break;
		case 2: cp = 0x800 + (r >> 8) % 0xf800; if (cp >= 0xd800 && cp < 0xe000) cp = 0xe000; break;
		default: cp = 0x10000 + (r >> 8) % 0x100000; break;
		}
		if (cp < 0x80) {
			out[n++] = (char)cp;
		} else if (cp < 0x800) {
			out[n++] = (char)(0xc0 | cp >> 6);
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[n++] = (char)(0xe0 | cp >> 12);
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[n++] = (char)(0xf0 | cp >> 18);
			out[n++] = (char)(0x80 | (cp >> 12 & 0x3f));
			out[n++] = (char)(0x80 | (cp >> 6 & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	return n;
}

static void test_random_utf8_equal(void **state)
{
	static char s[5000];
	unsigned seed = 12345;

	(void)state;
	for (int i = 0; i < 200; i++) {
		size_t n = random_utf8(s, 1 + (size_t)rand_r(&seed) % sizeof s, &seed);

		check_equal_to_jansson(s, n, i % 2 ? 0 : 512);
	}
}

/* Expected decoding of arbitrary bytes: each maximal valid sequence kept,
 * each other byte U+FFFD (EF BF BD); compared with what Jansson parses. */
static void check_any_bytes(const char *s, size_t n)
{
	size_t len;
	char *line = write_obj(s, n, 300, &len);
	json_error_t err;
	json_t *o = json_loadb(line, len, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
	const char *got;

	if (!o)
		fail_msg("not JSON (%s at %d): %.200s", err.text, err.position, line);
	got = json_string_value(json_object_get(o, "s"));
	assert_non_null(got);
	/* re-encoding the parsed string must round-trip to valid UTF-8 with no
	 * byte lost: the writer's output of got equals its output of s */
	{
		size_t l2;
		char *again = write_obj(got, json_string_length(json_object_get(o, "s")), 300, &l2);

		assert_int_equal(l2, len);
		assert_memory_equal(again, line, len);
		free(again);
	}
	json_decref(o);
	free(line);
}

static void test_invalid_utf8_replaced(void **state)
{
	static const char *const bad[] = {
		"\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xc3", "\xe0\x80\xaf", "\xed\xa0\x80",
		"\xf0\x80\x80\xaf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "ok\xe2\x82",
	};
	unsigned seed = 7;
	char s[700];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len;
		char *line = write_obj(bad[i], strlen(bad[i]), 0, &len);
		json_error_t err;
		json_t *o = json_loadb(line, len, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &err);
		const char *got;

		if (!o)
			fail_msg("case %zu: not JSON (%s): %s", i, err.text, line);
		got = json_string_value(json_object_get(o, "s"));
		assert_non_null(got);
		assert_non_null(strstr(got, "\xef\xbf\xbd"));
		json_decref(o);
		free(line);
	}
	/* one lone continuation byte is one replacement character */
	{
		size_t len;
		char *line = write_obj("a\x80z", 3, 0, &len);

		assert_non_null(strstr(line, "\"s\":\"a\\uFFFDz\""));
		free(line);
	}
	for (int i = 0; i < 500; i++) {
		size_t n = (size_t)rand_r(&seed) % sizeof s;

		for (size_t k = 0; k < n; k++)
			s[k] = (char)rand_r(&seed);
		check_any_bytes(s, n);
	}
}

static void test_write_error_sticks(void **state)
{
	struct jsonw w;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(jsonw_init(&w, f, 256), 0);
	for (int i = 0; i < 100; i++) {
		jsonw_begin_obj(&w);
		jsonw_key(&w, "k");
		jsonw_str(&w, "a value long enough to fill the buffer");
		jsonw_end_obj(&w);
		jsonw_newline(&w);
	}
	assert_true(jsonw_failed(&w));
	assert_int_equal(jsonw_free(&w), -1);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_as_jansson),
		cmocka_unit_test(test_random_utf8_equal),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_write_error_sticks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
