/* Unit tests for the key store and the NSS key log parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/err.h"
#include "core/hex.h"
#include "keys/keys.h"

/* A sink that counts warnings and keeps the last text. */
struct warnsink {
	struct sink base;
	int n;
	char last[512];
};

static void warn_emit(struct sink *self, const struct event *ev)
{
	struct warnsink *w = (struct warnsink *)self;

	assert_int_equal(ev->type, EV_NOTE);
	assert_string_equal(ev->u.note.level, "warning");
	w->n++;
	snprintf(w->last, sizeof w->last, "%s", ev->u.note.text);
}

static void warnsink_init(struct warnsink *w)
{
	memset(w, 0, sizeof *w);
	w->base.emit = warn_emit;
}

#define CR32 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S32 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
#define S48 S32 "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"

static int add(struct keystore *ks, const char *text, struct warnsink *w)
{
	return keystore_add_keylog(ks, (const uint8_t *)text, strlen(text), "test.keys", &w->base);
}

static void expect_secret(struct keystore *ks, const char *label, const char *id_hex,
			  const char *secret_hex)
{
	uint8_t id[32], want[64], got[600];
	int idl = hex_decode(id_hex, strlen(id_hex), id, sizeof id);
	int wl = hex_decode(secret_hex, strlen(secret_hex), want, sizeof want);

	assert_true(idl > 0 && wl > 0);
	assert_int_equal(keystore_get(ks, label, id, (size_t)idl, got, sizeof got), wl);
	assert_memory_equal(got, want, (size_t)wl);
}

/* Every label of the format. */
static void test_every_label(void **state)
{
	struct keystore *ks = keystore_new();
	struct warnsink w;
	const char *text =
		"CLIENT_RANDOM " CR32 " " S48 "\n"
		"RSA 0102030405060708 " S48 "\n"
		"PMS_CLIENT_RANDOM " CR32 " " S32 "\n"
		"CLIENT_EARLY_TRAFFIC_SECRET " CR32 " " S32 "\n"
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET " CR32 " " S32 "\n"
		"SERVER_HANDSHAKE_TRAFFIC_SECRET " CR32 " " S48 "\n"
		"CLIENT_TRAFFIC_SECRET_0 " CR32 " " S32 "\n"
		"SERVER_TRAFFIC_SECRET_0 " CR32 " " S32 "\n"
		"EXPORTER_SECRET " CR32 " " S32 "\n"
		"EARLY_EXPORTER_SECRET " CR32 " " S32 "\n"
		"CLIENT_TRAFFIC_SECRET_1 " CR32 " " S32 "\n"
		"SERVER_TRAFFIC_SECRET_12 " CR32 " " S32 "\n";

	(void)state;
	warnsink_init(&w);
	assert_int_equal(add(ks, text, &w), 12);
	assert_int_equal(w.n, 0);
	assert_int_equal(keystore_count(ks), 12);
	expect_secret(ks, KL_CLIENT_RANDOM, CR32, S48);
	expect_secret(ks, KL_RSA, "0102030405060708", S48);
	expect_secret(ks, KL_PMS_CLIENT_RANDOM, CR32, S32);
	expect_secret(ks, KL_CLIENT_EARLY, CR32, S32);
	expect_secret(ks, KL_CLIENT_HS, CR32, S32);
	expect_secret(ks, KL_SERVER_HS, CR32, S48);
	expect_secret(ks, KL_CLIENT_AP, CR32, S32);
	expect_secret(ks, KL_SERVER_AP, CR32, S32);
	expect_secret(ks, KL_EXPORTER, CR32, S32);
	expect_secret(ks, KL_EARLY_EXPORTER, CR32, S32);
	expect_secret(ks, "CLIENT_TRAFFIC_SECRET_1", CR32, S32);
	expect_secret(ks, "SERVER_TRAFFIC_SECRET_12", CR32, S32);
	keystore_free(ks);
}

/* RFC 9850's ECH labels: accepted (no "unknown label"), kept for display. */
static void test_ech_labels(void **state)
{
	struct keystore *ks = keystore_new();
	struct warnsink w;
	/* an ECHConfig: version 0xfe0d, length 9, then 9 bytes of contents */
	const char *cfg = "fe0d0009" "2a0020000101020304";
	char text[512];

	(void)state;
	snprintf(text, sizeof text,
		 "ECH_SECRET " CR32 " " S32 "\n"
		 "ECH_CONFIG " CR32 " %s\n"
		 "ECH_SECRET " CR32 " 0102\n"         /* 2 bytes: too short for a KEM secret */
		 "ECH_SECRET 0102 " S32 "\n",         /* not a client random */
		 cfg);
	warnsink_init(&w);
	assert_int_equal(add(ks, text, &w), 2);
	assert_int_equal(w.n, 2);
	assert_null(strstr(w.last, "unknown label"));
	assert_non_null(strstr(w.last, "ECH_SECRET"));
	expect_secret(ks, KL_ECH_SECRET, CR32, S32);
	expect_secret(ks, KL_ECH_CONFIG, CR32, cfg);
	keystore_free(ks);
}

/* LF, CRLF, CR, mixed, no final newline; comments, blank lines, upper case hex. */
static void test_line_ends_and_case(void **state)
{
	static const char *const texts[] = {
		"# comment\nCLIENT_RANDOM " CR32 " " S48 "\n\nCLIENT_HANDSHAKE_TRAFFIC_SECRET " CR32 " " S32 "\n",
		"# comment\r\nCLIENT_RANDOM " CR32 " " S48 "\r\n\r\nCLIENT_HANDSHAKE_TRAFFIC_SECRET " CR32 " " S32 "\r\n",
		"# comment\rCLIENT_RANDOM " CR32 " " S48 "\r\rCLIENT_HANDSHAKE_TRAFFIC_SECRET " CR32 " " S32,
		"  # indented comment\n\t\nCLIENT_RANDOM\t" CR32 "  " S48 "  \r\nCLIENT_HANDSHAKE_TRAFFIC_SECRET " CR32 " " S32 "\r",
	};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct keystore *ks = keystore_new();
		struct warnsink w;

		warnsink_init(&w);
		assert_int_equal(add(ks, texts[i], &w), 2);
		assert_int_equal(w.n, 0);
		expect_secret(ks, KL_CLIENT_RANDOM, CR32, S48);
		expect_secret(ks, KL_CLIENT_HS, CR32, S32);
		keystore_free(ks);
	}
	{ /* upper-case hex is the same key */
		struct keystore *ks = keystore_new();
		struct warnsink w;

		warnsink_init(&w);
		assert_int_equal(add(ks, "CLIENT_RANDOM 000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F "
				      "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECF\n", &w), 1);
		expect_secret(ks, KL_CLIENT_RANDOM, CR32, S48);
		keystore_free(ks);
	}
}

/* Bad lines are warned about with file:line and skipped; good ones kept. */
static void test_bad_lines(void **state)
{
	struct keystore *ks = keystore_new();
	struct warnsink w;
	const char *text =
		"CLIENT_RANDOM " CR32 " " S48 "\n"                 /* 1 ok */
		"NOT_A_LABEL " CR32 " " S48 "\n"                   /* 2 unknown label */
		"CLIENT_RANDOM " CR32 " " S32 "\n"                 /* 3 secret 32 != 48 */
		"CLIENT_RANDOM 0001 " S48 "\n"                     /* 4 short random */
		"CLIENT_RANDOM " CR32 "0 " S48 "\n"                /* 5 odd hex */
		"CLIENT_RANDOM " CR32 "\n"                         /* 6 missing field */
		"CLIENT_RANDOM\n"                                  /* 7 missing fields */
		"CLIENT_RANDOM " CR32 " " S48 " extra\n"           /* 8 extra field */
		"CLIENT_RANDOM " CR32 " zz" S48 "\n"               /* 9 not hex */
		"SERVER_HANDSHAKE_TRAFFIC_SECRET " CR32 " a0a1\n"  /* 10 short secret */
		"SERVER_HANDSHAKE_TRAFFIC_SECRET " CR32 " " S32 "a0a1a2a3\n" /* 11 36 bytes */
		"RSA " CR32 " " S48 "\n"                           /* 12 RSA id is 8 bytes */
		"CLIENT_TRAFFIC_SECRET_ " CR32 " " S32 "\n"        /* 13 no N */
		"CLIENT_TRAFFIC_SECRET_x " CR32 " " S32 "\n"       /* 14 bad N */
		"client_random " CR32 " " S48 "\n"                 /* 15 labels are case-sensitive */
		"EXPORTER_SECRET " CR32 " " S32 "\n";              /* 16 ok */

	(void)state;
	warnsink_init(&w);
	assert_int_equal(add(ks, text, &w), 2);
	assert_int_equal(w.n, 14);
	assert_int_equal(keystore_count(ks), 2);
	assert_string_equal(w.last, "keylog test.keys:15: unknown label \"client_random\"");
	keystore_free(ks);

	/* spot-check the messages */
	ks = keystore_new();
	warnsink_init(&w);
	add(ks, "\n\nCLIENT_RANDOM " CR32 " " S32 "\n", &w);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.last, "keylog test.keys:3: CLIENT_RANDOM: secret must be 96 hex digits, not 64");
	add(ks, "CLIENT_RANDOM " CR32 "0 " S48, &w);
	assert_non_null(strstr(w.last, "keylog test.keys:1: "));
	assert_non_null(strstr(w.last, "odd number of hex digits"));
	add(ks, "X", &w);
	assert_non_null(strstr(w.last, "found 1 field"));
	keystore_free(ks);
}

static void test_empty_and_null_sink(void **state)
{
	struct keystore *ks = keystore_new();
	struct warnsink w;

	(void)state;
	warnsink_init(&w);
	assert_int_equal(keystore_add_keylog(ks, (const uint8_t *)"", 0, "e", &w.base), 0);
	assert_int_equal(keystore_add_keylog(ks, NULL, 0, "e", &w.base), 0);
	assert_int_equal(add(ks, "\n\r\n\r#\n", &w), 0);
	assert_int_equal(w.n, 0);
	/* NULL sink: bad lines are still skipped */
	assert_int_equal(keystore_add_keylog(ks, (const uint8_t *)"junk\nCLIENT_RANDOM " CR32 " " S48,
					     strlen("junk\nCLIENT_RANDOM " CR32 " " S48), NULL, NULL), 1);
	/* a NUL byte inside a line is just a bad character */
	assert_int_equal(keystore_add_keylog(ks, (const uint8_t *)"CLIENT_RANDOM \0", 15, "n", &w.base), 0);
	assert_int_equal(w.n, 1);
	keystore_free(ks);
}

/* put/get boundaries, replacement, serialisation round trip. */
static void test_put_get_serialise(void **state)
{
	struct keystore *ks = keystore_new(), *again = keystore_new();
	uint8_t id[32], sec[48], out[48], small[47];
	struct warnsink w;
	char *text;
	size_t len;

	(void)state;
	warnsink_init(&w);
	memset(id, 1, sizeof id);
	memset(sec, 2, sizeof sec);
	assert_int_equal(keystore_get(ks, KL_CLIENT_RANDOM, id, 32, out, sizeof out), ERR_NOKEY);
	assert_int_equal(keystore_put(ks, KL_CLIENT_RANDOM, id, 32, sec, 48), 0);
	assert_int_equal(keystore_get(ks, KL_CLIENT_RANDOM, id, 32, out, sizeof out), 48);
	assert_int_equal(keystore_get(ks, KL_CLIENT_RANDOM, id, 32, small, sizeof small), ERR_LENGTH);
	assert_int_equal(keystore_get(ks, KL_CLIENT_RANDOM, id, 31, out, sizeof out), ERR_NOKEY);
	assert_int_equal(keystore_get(ks, KL_CLIENT_HS, id, 32, out, sizeof out), ERR_NOKEY);
	sec[0] = 9; /* same label and id: replaced, not duplicated */
	assert_int_equal(keystore_put(ks, KL_CLIENT_RANDOM, id, 32, sec, 48), 0);
	assert_int_equal(keystore_count(ks), 1);
	assert_int_equal(keystore_get(ks, KL_CLIENT_RANDOM, id, 32, out, sizeof out), 48);
	assert_int_equal(out[0], 9);
	assert_int_equal(keystore_put(ks, KL_CLIENT_HS, id, 32, sec, 32), 0);
	assert_int_equal(keystore_put(ks, KL_CLIENT_HS, id, 33, sec, 32), ERR_LENGTH);
	assert_int_equal(keystore_put(ks, KL_CLIENT_HS, id, 0, sec, 32), ERR_LENGTH);
	assert_int_equal(keystore_put(ks, KL_CLIENT_HS, id, 32, sec, 0), ERR_LENGTH);
	text = keystore_to_keylog(ks, &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_int_equal(strncmp(text, "CLIENT_RANDOM 0101", 18), 0);
	assert_int_equal(keystore_add_keylog(again, (const uint8_t *)text, len, "dsb", &w.base), 2);
	assert_int_equal(w.n, 0);
	assert_int_equal(keystore_get(again, KL_CLIENT_RANDOM, id, 32, out, sizeof out), 48);
	assert_int_equal(out[0], 9);
	free(text);
	keystore_free(ks);
	keystore_free(again);
	/* an empty store serialises to "" */
	ks = keystore_new();
	text = keystore_to_keylog(ks, &len);
	assert_non_null(text);
	assert_int_equal(len, 0);
	free(text);
	keystore_free(ks);
	keystore_free(NULL);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/tlsviz-test-keylog-XXXXXX";
	int fd = mkstemp(path);
	struct keystore *ks = keystore_new();
	struct warnsink w;
	const char *text = "CLIENT_RANDOM " CR32 " " S48 "\nbad\n";

	(void)state;
	warnsink_init(&w);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(keystore_load_keylog_file(ks, path, &w.base), 1);
	assert_int_equal(w.n, 1);
	assert_non_null(strstr(w.last, path));
	assert_non_null(strstr(w.last, ":2: "));
	unlink(path);
	assert_int_equal(keystore_load_keylog_file(ks, path, &w.base), ERR_IO);
	assert_non_null(strstr(err_msg(), path));
	keystore_free(ks);
}

/* Thread-safety smoke test: writers put while readers get. */
struct thr {
	struct keystore *ks;
	int base;
};

static void *writer(void *arg)
{
	struct thr *t = arg;

	for (int i = 0; i < 500; i++) {
		uint8_t id[32] = { 0 }, sec[32];

		id[0] = (uint8_t)t->base;
		id[1] = (uint8_t)(i >> 8);
		id[2] = (uint8_t)i;
		memset(sec, t->base + i, sizeof sec);
		if (keystore_put(t->ks, KL_CLIENT_AP, id, 32, sec, 32) != 0)
			return (void *)1;
	}
	return NULL;
}

static void *reader(void *arg)
{
	struct thr *t = arg;

	for (int i = 0; i < 2000; i++) {
		uint8_t id[32] = { 0 }, out[32];
		int rc;

		id[0] = (uint8_t)(i % 3);
		id[2] = (uint8_t)i;
		rc = keystore_get(t->ks, KL_CLIENT_AP, id, 32, out, sizeof out);
		if (rc != ERR_NOKEY && rc != 32)
			return (void *)1;
		if (rc == 32 && out[0] != (uint8_t)(id[0] + (i & 0xff)))
			return (void *)1;
		free(keystore_to_keylog(t->ks, NULL));
		(void)keystore_count(t->ks);
	}
	return NULL;
}

static void test_threads(void **state)
{
	struct keystore *ks = keystore_new();
	pthread_t th[5];
	struct thr t[5];
	void *ret;

	(void)state;
	for (int i = 0; i < 5; i++) {
		t[i].ks = ks;
		t[i].base = i;
		assert_int_equal(pthread_create(&th[i], NULL, i < 3 ? writer : reader, &t[i]), 0);
	}
	for (int i = 0; i < 5; i++) {
		assert_int_equal(pthread_join(th[i], &ret), 0);
		assert_null(ret);
	}
	assert_int_equal(keystore_count(ks), 1500);
	keystore_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_label),
		cmocka_unit_test(test_ech_labels),
		cmocka_unit_test(test_line_ends_and_case),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_empty_and_null_sink),
		cmocka_unit_test(test_put_get_serialise),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
