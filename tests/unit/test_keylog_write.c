/* Unit tests for the NSS key log writer: mode 0600, format, abort, append. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "keys/keylog_write.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/tlsviz-klw.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Read a whole small file into buf; returns bytes or -1. */
static long slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = 0;
	return (long)n;
}

/* Entries in dir. */
static int dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void fill(uint8_t *p, size_t n, uint8_t start)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(start + i);
}

static void test_commit_format_and_mode(void **state)
{
	struct keylog_writer *w;
	uint8_t cr[32], sec[48];
	char path[128], buf[1024], want[512];
	struct stat st;

	(void)state;
	fill(cr, 32, 0);
	fill(sec, 48, 0xa0);
	snprintf(path, sizeof path, "%s/k.log", dir);
	assert_int_equal(keylog_writer_open(&w, path, false), 0);
	assert_int_equal(keylog_writer_add(w, "CLIENT_RANDOM", cr, sec, 48), 0);
	assert_int_equal(keylog_writer_add(w, "CLIENT_RANDOM", cr, sec, 48), 0); /* dup dropped */
	assert_int_equal(keylog_writer_add(w, "SERVER_HANDSHAKE_TRAFFIC_SECRET", cr, sec, 32), 0);
	assert_int_equal(keylog_writer_count(w), 2);
	/* not visible under the final name before commit */
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(keylog_writer_commit(w), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(slurp(path, buf, sizeof buf) > 0);
	snprintf(want, sizeof want,
		 "CLIENT_RANDOM "
		 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
		 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf\n"
		 "SERVER_HANDSHAKE_TRAFFIC_SECRET "
		 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f "
		 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n");
	assert_string_equal(buf, want);
	assert_int_equal(dir_entries(), 1); /* the temp file is gone */
	unlink(path);
}

static void test_abort_leaves_nothing(void **state)
{
	struct keylog_writer *w;
	uint8_t cr[32] = { 1 }, sec[32] = { 2 };
	char path[128];

	(void)state;
	snprintf(path, sizeof path, "%s/abort.log", dir);
	assert_int_equal(keylog_writer_open(&w, path, false), 0);
	assert_int_equal(keylog_writer_add(w, "CLIENT_TRAFFIC_SECRET_0", cr, sec, 32), 0);
	keylog_writer_abort(w);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(dir_entries(), 0);
}

static void test_append_mode(void **state)
{
	struct keylog_writer *w;
	uint8_t cr[32] = { 0 }, sec[32] = { 0 };
	char path[128], buf[1024];
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/ssl.log", dir);
	/* created 0600 when missing */
	assert_int_equal(keylog_writer_open(&w, path, true), 0);
	assert_int_equal(keylog_writer_add(w, "EXPORTER_SECRET", cr, sec, 32), 0);
	/* append mode writes through: visible before commit */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(keylog_writer_commit(w), 0);
	/* an existing file keeps its contents */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# earlier\n", f);
	fclose(f);
	assert_int_equal(keylog_writer_open(&w, path, true), 0);
	assert_int_equal(keylog_writer_add(w, "EXPORTER_SECRET", cr, sec, 32), 0);
	keylog_writer_abort(w); /* append mode: abort keeps what was written */
	assert_true(slurp(path, buf, sizeof buf) > 0);
	assert_true(strncmp(buf, "# earlier\nEXPORTER_SECRET 0000", 30) == 0);
	assert_int_equal(strlen(buf), 10 + 16 + 64 + 1 + 64 + 1);
	unlink(path);
}

static void test_bad_inputs(void **state)
{
	struct keylog_writer *w = NULL;
	uint8_t cr[32] = { 0 }, sec[65] = { 0 };
	char path[128];

	(void)state;
	assert_int_equal(keylog_writer_open(&w, "", false), ERR_USAGE);
	assert_null(w);
	assert_int_equal(keylog_writer_open(&w, "/nonexistent-dir/x/k.log", false), ERR_IO);
	assert_non_null(strstr(err_msg(), "/nonexistent-dir/x/k.log"));
	snprintf(path, sizeof path, "%s/bad.log", dir);
	assert_int_equal(keylog_writer_open(&w, path, false), 0);
	assert_int_equal(keylog_writer_add(w, "CLIENT_RANDOM", cr, sec, 0), ERR_VALUE);
	assert_int_equal(keylog_writer_add(w, "CLIENT_RANDOM", cr, sec, 65), ERR_VALUE);
	assert_int_equal(keylog_writer_add(w, "CLIENT_RANDOM", cr, sec, 64), 0); /* exact cap */
	keylog_writer_abort(w);
	assert_int_equal(dir_entries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_format_and_mode),
		cmocka_unit_test(test_abort_leaves_nothing),
		cmocka_unit_test(test_append_mode),
		cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
