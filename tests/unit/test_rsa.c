/* Unit tests for loading the server RSA key and decrypting a static-RSA
 * premaster secret. The keys under tests/data/keys/ are throwaway test-only
 * keys; the encrypted premaster was made once with
 * `openssl pkeyutl -encrypt -pkeyopt rsa_padding_mode:pkcs1`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hex.h"
#include "keys/keys.h"

#define DATA TLSVIZ_SOURCE_DIR "/tests/data/keys/"

/* 0303 followed by 0x30..0x5d */
static const char PMS[] = "0303303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d"
			  "4e4f505152535455565758595a5b5c5d";

static size_t slurp(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void decrypt_ok(struct keystore *ks)
{
	uint8_t enc[256], pms[48];
	char hex[97];

	assert_int_equal(slurp(DATA "test-only-rsa2048.pms.enc", enc, sizeof enc), 256);
	assert_int_equal(keystore_rsa_decrypt(ks, enc, 256, pms), 48);
	hex_encode(pms, 48, hex);
	assert_string_equal(hex, PMS);
}

/* PKCS#8 PEM, PKCS#1 PEM, PKCS#8 DER, PKCS#1 DER all load and decrypt. */
static void test_formats(void **state)
{
	static const char *const files[] = {
		DATA "test-only-rsa2048.key.pem", DATA "test-only-rsa2048.pkcs1.pem",
		DATA "test-only-rsa2048.pkcs8.der", DATA "test-only-rsa2048.pkcs1.der",
	};

	(void)state;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct keystore *ks = keystore_new();

		assert_false(keystore_has_rsa(ks));
		assert_int_equal(keystore_load_rsa_key(ks, files[i]), 0);
		assert_true(keystore_has_rsa(ks));
		decrypt_ok(ks);
		keystore_free(ks);
	}
}

static void test_no_key(void **state)
{
	struct keystore *ks = keystore_new();
	uint8_t enc[256] = { 0 }, pms[48];

	(void)state;
	assert_int_equal(keystore_rsa_decrypt(ks, enc, sizeof enc, pms), ERR_NOKEY);
	keystore_free(ks);
}

/* The wrong key: the padding check fails -> ERR_CRYPTO. */
static void test_wrong_key(void **state)
{
	struct keystore *ks = keystore_new();
	uint8_t enc[256], pms[48];

	(void)state;
	assert_int_equal(keystore_load_rsa_key(ks, DATA "test-only-rsa2048-other.key.pem"), 0);
	slurp(DATA "test-only-rsa2048.pms.enc", enc, sizeof enc);
	assert_int_equal(keystore_rsa_decrypt(ks, enc, 256, pms), ERR_CRYPTO);
	assert_non_null(strstr(err_msg(), "does not match"));
	/* wrong length for the modulus */
	assert_int_equal(keystore_rsa_decrypt(ks, enc, 255, pms), ERR_CRYPTO);
	assert_int_equal(keystore_rsa_decrypt(ks, enc, 0, pms), ERR_CRYPTO);
	/* a later, right key replaces it */
	assert_int_equal(keystore_load_rsa_key(ks, DATA "test-only-rsa2048.pkcs1.pem"), 0);
	decrypt_ok(ks);
	/* a valid PKCS#1 block whose content is not 48 bytes */
	slurp(DATA "test-only-rsa2048.short.enc", enc, sizeof enc);
	assert_int_equal(keystore_rsa_decrypt(ks, enc, 256, pms), ERR_CRYPTO);
	assert_non_null(strstr(err_msg(), "not 48"));
	keystore_free(ks);
}

/* Encrypted keys are refused with a clear message. */
static void test_encrypted_refused(void **state)
{
	struct keystore *ks = keystore_new();

	(void)state;
	assert_int_equal(keystore_load_rsa_key(ks, DATA "test-only-rsa2048.encrypted.pem"),
			 ERR_UNSUPPORTED);
	assert_non_null(strstr(err_msg(), "encrypted"));
	assert_non_null(strstr(err_msg(), "openssl pkey"));
	assert_int_equal(keystore_load_rsa_key(ks, DATA "test-only-rsa2048.encrypted-pkcs1.pem"),
			 ERR_UNSUPPORTED);
	assert_non_null(strstr(err_msg(), "encrypted"));
	assert_false(keystore_has_rsa(ks));
	keystore_free(ks);
}

/* Non-RSA keys are refused and named. */
static void test_non_rsa_refused(void **state)
{
	struct keystore *ks = keystore_new();

	(void)state;
	assert_int_equal(keystore_load_rsa_key(ks, DATA "test-only-ec.key.pem"), ERR_UNSUPPORTED);
	assert_non_null(strstr(err_msg(), "EC private key, not RSA"));
	assert_int_equal(keystore_load_rsa_key(ks, DATA "test-only-ec.sec1.pem"), ERR_UNSUPPORTED);
	assert_non_null(strstr(err_msg(), "not RSA"));
	assert_false(keystore_has_rsa(ks));
	keystore_free(ks);
}

/* Garbage, truncation, missing files. */
static void test_garbage(void **state)
{
	struct keystore *ks = keystore_new();
	uint8_t der[2048];
	size_t n;

	(void)state;
	assert_int_equal(keystore_load_rsa_key(ks, DATA "no-such-file.pem"), ERR_IO);
	/* a directory opens but does not read: the message says why */
	assert_int_equal(keystore_load_rsa_key(ks, DATA), ERR_IO);
	assert_non_null(strstr(err_msg(), "Is a directory"));
	assert_true(keystore_load_rsa_key_mem(ks, (const uint8_t *)"hello", 5, "mem") < 0);
	assert_true(keystore_load_rsa_key_mem(ks, (const uint8_t *)"-----BEGIN CERTIFICATE-----\n", 28,
					      "mem") < 0);
	n = slurp(DATA "test-only-rsa2048.pkcs8.der", der, sizeof der);
	for (size_t cut = 0; cut < n; cut += 97)
		assert_true(keystore_load_rsa_key_mem(ks, der, cut, "cut") < 0);
	der[30] ^= 0xff; /* damage the algorithm OID */
	assert_true(keystore_load_rsa_key_mem(ks, der, n, "bad") < 0);
	assert_false(keystore_has_rsa(ks));
	keystore_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_no_key),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_encrypted_refused),
		cmocka_unit_test(test_non_rsa_refused),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
