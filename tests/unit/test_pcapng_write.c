/* Unit tests for the capture writers: a pcapng with a DSB that tshark
 * decrypts with no options (secrets given AFTER packets), classic pcap with
 * PATH.keys, atomic temp+rename, 0600, and clear errors for bad paths. */
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
#include "keys/keys.h"
#include "wire/capfile.h"
#include "wire/pcapng_write.h"

#define FIXTURE TLSVIZ_SOURCE_DIR "/tests/data/wire/tls-get.pcap"
#define FIXTURE_KEYS TLSVIZ_SOURCE_DIR "/tests/data/wire/tls-get.keys"
#define FIXTURE_PACKETS 37

static char dir[] = "/tmp/tlsviz-capw.XXXXXX";

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

/* Whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = calloc(1, 1 << 20);

	assert_non_null(f);
	*len = fread(b, 1, (1 << 20) - 1, f);
	fclose(f);
	return b;
}

/* Entries in the test directory (to catch leftover temp files). */
static int dir_entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Copy the fixture's packets into w; secrets after `split` packets. */
static void copy_fixture(struct capwriter *w, int split)
{
	struct capfile *cf;
	struct pkt_raw r;
	size_t klen;
	char *keys = slurp(FIXTURE_KEYS, &klen);
	int n = 0;

	assert_int_equal(capfile_open(&cf, FIXTURE, NULL, NULL), 0);
	while (capfile_next(cf, &r) == 1) {
		if (n++ == split)
			assert_int_equal(capwriter_secrets(w, keys, klen), 0);
		assert_int_equal(capwriter_packet(w, r.ts_us, r.frame, r.caplen, r.origlen), 0);
	}
	assert_int_equal(n, FIXTURE_PACKETS);
	capfile_close(cf);
	free(keys);
}

/* Run a shell command and capture its stdout. */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 65536);
	size_t n;

	assert_non_null(p);
	n = fread(out, 1, 65535, p);
	out[n] = 0;
	pclose(p);
	return out;
}

/* Count occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_pcapng_dsb_tshark_no_options(void **state)
{
	char path[300], cmd[1200];
	struct capwriter *w;
	struct capfile *cf;
	struct stat st;
	struct pkt_raw r, f;
	struct capfile *fx;
	char *out;

	(void)state;
	snprintf(path, sizeof path, "%s/out.pcapng", dir);
	assert_int_equal(capwriter_open(&w, path, CAPFMT_PCAPNG, 1), 0);
	assert_int_equal(stat(path, &st), -1); /* nothing at PATH until commit */
	copy_fixture(w, 5); /* key log arrives after the ClientHello, as in live mode */
	assert_int_equal(capwriter_count(w), FIXTURE_PACKETS);
	assert_int_equal(capwriter_commit(w), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(dir_entries(), 1); /* no temp file left */

	/* the oracle: tshark decrypts with no key options at all */
	snprintf(cmd, sizeof cmd,
		 "tshark -r '%s' -Y http -T fields -e http.request.method -e http.response.code "
		 "2>/dev/null", path);
	out = run(cmd);
	print_message("tshark: %s", out);
	assert_int_equal(count(out, "GET"), 2);
	assert_int_equal(count(out, "200"), 2);
	free(out);
	snprintf(cmd, sizeof cmd, "capinfos -c '%s' 2>&1; echo rc=$?", path);
	out = run(cmd);
	assert_non_null(strstr(out, "Number of packets:   37"));
	assert_non_null(strstr(out, "rc=0"));
	free(out);

	/* and we read it back: one DSB, the same frames byte for byte */
	struct keystore *ks = keystore_new();
	assert_int_equal(capfile_open(&cf, path, ks, NULL), 0);
	assert_int_equal(capfile_dsb_count(cf), 1);
	assert_true(keystore_count(ks) >= 1);
	assert_int_equal(capfile_open(&fx, FIXTURE, NULL, NULL), 0);
	for (int i = 0; i < FIXTURE_PACKETS; i++) {
		assert_int_equal(capfile_next(fx, &f), 1);
		assert_int_equal(capfile_next(cf, &r), 1);
		assert_int_equal(r.caplen, f.caplen);
		assert_int_equal(r.ts_us, f.ts_us);
		assert_memory_equal(r.frame, f.frame, f.caplen);
	}
	assert_int_equal(capfile_next(cf, &r), 0);
	capfile_close(cf);
	capfile_close(fx);
	keystore_free(ks);
	unlink(path);
}

static void test_pcapng_without_secrets(void **state)
{
	char path[300], cmd[1200];
	struct capwriter *w;
	char *out;

	(void)state;
	snprintf(path, sizeof path, "%s/plain.pcapng", dir);
	assert_int_equal(capwriter_open(&w, path, CAPFMT_PCAPNG, 1), 0);
	copy_fixture(w, -1);
	assert_int_equal(capwriter_commit(w), 0);
	snprintf(cmd, sizeof cmd, "tshark -r '%s' -Y http 2>/dev/null | wc -l; "
		 "tshark -r '%s' 2>/dev/null | wc -l", path, path);
	out = run(cmd);
	assert_string_equal(out, "0\n37\n"); /* readable, but nothing decrypts */
	free(out);
	unlink(path);
}

static void test_pcap_with_keys_file(void **state)
{
	char path[300], kpath[320], cmd[1200];
	struct capwriter *w;
	struct stat st;
	size_t a, b;
	char *k1, *k2, *out;

	(void)state;
	snprintf(path, sizeof path, "%s/out.pcap", dir);
	snprintf(kpath, sizeof kpath, "%s.keys", path);
	assert_int_equal(capwriter_open(&w, path, CAPFMT_PCAP, 1), 0);
	copy_fixture(w, 0);
	assert_int_equal(capwriter_commit(w), 0);
	assert_int_equal(stat(kpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(dir_entries(), 2);
	k1 = slurp(FIXTURE_KEYS, &a);
	k2 = slurp(kpath, &b);
	assert_int_equal(a, b);
	assert_memory_equal(k1, k2, a);
	free(k1);
	free(k2);
	snprintf(cmd, sizeof cmd,
		 "tshark -r '%s' -o 'tls.keylog_file:%s' -Y http -T fields -e http.response.code "
		 "2>/dev/null", path, kpath);
	out = run(cmd);
	assert_int_equal(count(out, "200"), 2);
	free(out);
	unlink(path);
	unlink(kpath);
}

static void test_bad_destinations_and_abort(void **state)
{
	char path[300];
	struct capwriter *w = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(capwriter_open(&w, "/nonexistent-dir/x.pcapng", CAPFMT_PCAPNG, 1), ERR_IO);
	assert_null(w);
	assert_non_null(strstr(err_msg(), "/nonexistent-dir/x.pcapng"));
	assert_int_equal(capwriter_open(&w, dir, CAPFMT_PCAPNG, 1), ERR_IO);
	assert_non_null(strstr(err_msg(), "directory"));
	assert_int_equal(capwriter_open(&w, "/proc/x.pcap", CAPFMT_PCAP, 1), ERR_IO);
	assert_non_null(strstr(err_msg(), "/proc/x.pcap"));
	assert_int_equal(capwriter_open(&w, "/tmp/x", 7, 1), ERR_USAGE);
	/* abort leaves nothing behind */
	snprintf(path, sizeof path, "%s/aborted.pcapng", dir);
	assert_int_equal(capwriter_open(&w, path, CAPFMT_PCAPNG, 1), 0);
	assert_int_equal(capwriter_secrets(w, "CLIENT_RANDOM a b", 17), 0);
	assert_int_equal(capwriter_packet(w, 1, (const uint8_t *)"abc", 3, 3), 0);
	capwriter_abort(w);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(dir_entries(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcapng_dsb_tshark_no_options),
		cmocka_unit_test(test_pcapng_without_secrets),
		cmocka_unit_test(test_pcap_with_keys_file),
		cmocka_unit_test(test_bad_destinations_and_abort),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
