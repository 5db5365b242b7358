/* Replays every fuzzer finding kept in tests/fuzz/regress/<harness>/ and every
 * seed in tests/fuzz/corpus/<harness>/ through the harnesses' own entry
 * functions (the harness sources are included with FUZZ_NO_MAIN), so the
 * normal build and the sanitizer build re-check them without libFuzzer. An
 * input that crashes, trips a sanitizer or breaks an event invariant
 * (fuzz_common.h) fails this test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_NO_MAIN
#include "../fuzz/fuzz_capfile.c"
#include "../fuzz/fuzz_keylog.c"
#include "../fuzz/fuzz_reasm.c"
#include "../fuzz/fuzz_tlsdec.c"
#include "../fuzz/fuzz_story.c"
#include "../fuzz/fuzz_hello.c"

/* Run fn on every regular file of TLSVIZ_SOURCE_DIR/tests/fuzz/<sub>/<name>;
 * returns how many ran. */
static int replay_dir(const char *sub, const char *name, int (*fn)(const uint8_t *, size_t))
{
	char dir[1024], path[2048];
	struct dirent *e;
	DIR *dp;
	int n = 0;

	snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", TLSVIZ_SOURCE_DIR, sub, name);
	dp = opendir(dir);
	if (!dp)
		return 0;
	while ((e = readdir(dp)) != NULL) {
		FILE *f;
		uint8_t *buf;
		long len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fseek(f, 0, SEEK_END), 0);
		len = ftell(f);
		assert_true(len >= 0);
		rewind(f);
		buf = malloc((size_t)len + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		print_message("replay %s/%s/%s\n", sub, name, e->d_name);
		assert_int_equal(fn(buf, (size_t)len), 0);
		free(buf);
		n++;
	}
	closedir(dp);
	return n;
}

/* Each harness: its findings, then its seeds (the seeds must exist). */
static void replay(const char *name, int (*fn)(const uint8_t *, size_t))
{
	replay_dir("regress", name, fn);
	assert_true(replay_dir("corpus", name, fn) > 0);
}

static void test_tlsdec(void **state)
{
	(void)state;
	replay("tlsdec", fuzz_tlsdec_one);
}

static void test_capfile(void **state)
{
	(void)state;
	replay("capfile", fuzz_capfile_one);
}

static void test_keylog(void **state)
{
	(void)state;
	replay("keylog", fuzz_keylog_one);
}

static void test_reasm(void **state)
{
	(void)state;
	replay("reasm", fuzz_reasm_one);
}

static void test_story(void **state)
{
	(void)state;
	replay("story", fuzz_story_one);
}

static void test_hello(void **state)
{
	(void)state;
	replay("hello", fuzz_hello_one);
}

/* Findings must be there: an empty regress tree means files went missing. */
static void test_findings_present(void **state)
{
	int n = 0;

	(void)state;
	n += replay_dir("regress", "tlsdec", fuzz_tlsdec_one);
	n += replay_dir("regress", "capfile", fuzz_capfile_one);
	n += replay_dir("regress", "keylog", fuzz_keylog_one);
	n += replay_dir("regress", "reasm", fuzz_reasm_one);
	n += replay_dir("regress", "story", fuzz_story_one);
	n += replay_dir("regress", "hello", fuzz_hello_one);
	assert_true(n >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tlsdec),
		cmocka_unit_test(test_capfile),
		cmocka_unit_test(test_keylog),
		cmocka_unit_test(test_reasm),
		cmocka_unit_test(test_story),
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_findings_present),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
