/* Unit tests for the cipher suite registry and hash helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hex.h"
#include "keys/keys.h"

static void test_sorted_unique(void **state)
{
	size_t n;
	const struct suite *t = suite_table(&n);

	(void)state;
	assert_true(n > 300);
	for (size_t i = 1; i < n; i++)
		assert_true(t[i - 1].id < t[i].id);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(suite_find(t[i].id), &t[i]);
		assert_non_null(t[i].name);
		if (strcmp(t[i].name, "GREASE") != 0)
			assert_int_equal(strncmp(t[i].name, "TLS_", 4), 0);
		else /* RFC 8701: 0x?A?A */
			assert_int_equal(t[i].id & 0x0f0f, 0x0a0a);
	}
}

/* A sample of code points against the IANA names. */
static void test_sample_names(void **state)
{
	static const struct {
		uint16_t id;
		const char *name;
	} v[] = {
		{ 0x0000, "TLS_NULL_WITH_NULL_NULL" },
		{ 0x0004, "TLS_RSA_WITH_RC4_128_MD5" },
		{ 0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA" },
		{ 0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5" },
		{ 0x001E, "TLS_KRB5_WITH_DES_CBC_SHA" },
		{ 0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
		{ 0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256" },
		{ 0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256" },
		{ 0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA" },
		{ 0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384" },
		{ 0x00C6, "TLS_SM4_GCM_SM3" },
		{ 0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV" },
		{ 0x1301, "TLS_AES_128_GCM_SHA256" },
		{ 0x1302, "TLS_AES_256_GCM_SHA384" },
		{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
		{ 0x1304, "TLS_AES_128_CCM_SHA256" },
		{ 0x1305, "TLS_AES_128_CCM_8_SHA256" },
		{ 0x5600, "TLS_FALLBACK_SCSV" },
		{ 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA" },
		{ 0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA" },
		{ 0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA" },
		{ 0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384" },
		{ 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
		{ 0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384" },
		{ 0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256" },
		{ 0xC09C, "TLS_RSA_WITH_AES_128_CCM" },
		{ 0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8" },
		{ 0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8" },
		{ 0xC0B4, "TLS_SHA256_SHA256" },
		{ 0xC100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC" },
		{ 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256" },
		{ 0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256" },
		{ 0x0A0A, "GREASE" },
		{ 0xFAFA, "GREASE" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		const struct suite *s = suite_find(v[i].id);

		assert_non_null(s);
		assert_string_equal(s->name, v[i].name);
	}
	/* unassigned code points */
	assert_null(suite_find(0x001C));
	assert_null(suite_find(0x0047));
	assert_null(suite_find(0x1300));
	assert_null(suite_find(0xD004));
	assert_null(suite_find(0xFFFF));
}

/* Sizes of the decryptable suites are consistent. */
static void test_sizes(void **state)
{
	size_t n;
	const struct suite *t = suite_table(&n);
	const struct suite *s;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		s = &t[i];
		switch (s->cipher) {
		case CIPHER_AES_GCM:
		case CIPHER_AES_CCM:
		case CIPHER_AES_CCM8:
		case CIPHER_CHACHA20_POLY1305:
			assert_true(s->key_len == 16 || s->key_len == 32);
			assert_int_equal(s->tag_len, s->cipher == CIPHER_AES_CCM8 ? 8 : 16);
			assert_int_equal(s->mac, HASH_NONE);
			if (s->kex == KEX_TLS13 || s->cipher == CIPHER_CHACHA20_POLY1305)
				assert_int_equal(s->iv_len, 12);
			else
				assert_int_equal(s->iv_len, 4);
			assert_true(s->prf == HASH_SHA256 || s->prf == HASH_SHA384);
			break;
		case CIPHER_AES_CBC:
			assert_true(s->key_len == 16 || s->key_len == 32);
			assert_int_equal(s->iv_len, 16);
			assert_int_equal(s->tag_len, 0);
			assert_true(s->mac == HASH_SHA1 || s->mac == HASH_SHA256 || s->mac == HASH_SHA384);
			break;
		case CIPHER_NULL:
			assert_int_equal(s->key_len, 0);
			break;
		default:
			assert_int_equal(s->key_len, 0);
		}
		/* the PRF hash follows the name's suffix */
		if (strstr(s->name, "_SHA384") && s->kex != KEX_TLS13)
			assert_int_equal(s->prf, HASH_SHA384);
	}
	s = suite_find(0x1302);
	assert_int_equal(s->kex, KEX_TLS13);
	assert_int_equal(s->key_len, 32);
	assert_int_equal(s->prf, HASH_SHA384);
	s = suite_find(0x009C);
	assert_int_equal(s->kex, KEX_RSA);
	s = suite_find(0xC02F);
	assert_int_equal(s->kex, KEX_ECDHE);
	s = suite_find(0x009E);
	assert_int_equal(s->kex, KEX_DHE);
	s = suite_find(0x00A8);
	assert_int_equal(s->kex, KEX_PSK);
	s = suite_find(0x0005);
	assert_int_equal(s->cipher, CIPHER_UNKNOWN);
}

static void test_by_name(void **state)
{
	(void)state;
	assert_int_equal(suite_by_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")->id, 0xC02F);
	assert_int_equal(suite_by_name("ECDHE-RSA-AES128-GCM-SHA256")->id, 0xC02F);
	assert_int_equal(suite_by_name("ecdhe-rsa-aes128-gcm-sha256")->id, 0xC02F);
	assert_int_equal(suite_by_name("TLS13-AES128-GCM-SHA256")->id, 0x1301);
	assert_int_equal(suite_by_name("TLS13-AES256-GCM-SHA384")->id, 0x1302);
	assert_int_equal(suite_by_name("TLS13-CHACHA20-POLY1305-SHA256")->id, 0x1303);
	assert_int_equal(suite_by_name("TLS13-AES128-CCM-8-SHA256")->id, 0x1305);
	assert_int_equal(suite_by_name("TLS_AES_128_CCM_8_SHA256")->id, 0x1305);
	assert_int_equal(suite_by_name("AES128-SHA")->id, 0x002F);
	assert_int_equal(suite_by_name("AES256-GCM-SHA384")->id, 0x009D);
	assert_int_equal(suite_by_name("DHE-RSA-AES256-SHA256")->id, 0x006B);
	assert_int_equal(suite_by_name("ECDHE-ECDSA-CHACHA20-POLY1305")->id, 0xCCA9);
	assert_int_equal(suite_by_name("ECDHE-ECDSA-AES128-CCM-8")->id, 0xC0AE);
	assert_int_equal(suite_by_name("ECDHE-ECDSA-AES128-CCM8")->id, 0xC0AE);
	assert_int_equal(suite_by_name("ECDHE-RSA-AES256-SHA384")->id, 0xC028);
	assert_int_equal(suite_by_name("PSK-AES128-CBC-SHA256")->id, 0x00AE);
	assert_null(suite_by_name("GREASE"));
	assert_null(suite_by_name("TLS_NOT_A_SUITE"));
	assert_null(suite_by_name(""));
	assert_null(suite_by_name(NULL));
}

static void test_hash(void **state)
{
	uint8_t out[48];
	char hex[97];

	(void)state;
	assert_int_equal(hash_len(HASH_NONE), 0);
	assert_int_equal(hash_len(HASH_MD5), 16);
	assert_int_equal(hash_len(HASH_SHA1), 20);
	assert_int_equal(hash_len(HASH_SHA256), 32);
	assert_int_equal(hash_len(HASH_SHA384), 48);
	assert_int_equal(hash_digest(HASH_SHA256, (const uint8_t *)"abc", 3, out), 0);
	hex_encode(out, 32, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(hash_digest(HASH_SHA384, (const uint8_t *)"abc", 3, out), 0);
	hex_encode(out, 48, hex);
	assert_string_equal(hex, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
				 "8086072ba1e7cc2358baeca134c825a7");
	assert_int_equal(hash_digest(HASH_SHA1, (const uint8_t *)"abc", 3, out), 0);
	hex_encode(out, 20, hex);
	assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
	assert_int_equal(hash_digest(HASH_MD5, (const uint8_t *)"abc", 3, out), 0);
	hex_encode(out, 16, hex);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	assert_int_equal(hash_digest(HASH_SHA256, NULL, 0, out), 0);
	hex_encode(out, 32, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(hash_digest(HASH_NONE, (const uint8_t *)"abc", 3, out), ERR_UNSUPPORTED);
	assert_string_equal(hash_name(HASH_SHA384), "SHA-384");
	assert_string_equal(cipher_name(CIPHER_AES_CCM8), "AES-CCM-8");
	assert_string_equal(kex_name(KEX_ECDHE), "ECDHE");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_unique),
		cmocka_unit_test(test_sample_names),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_by_name),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
