/* Unit tests for the IANA name tables and code point formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tls/names.h"

static void test_lookups(void **state)
{
	(void)state;
	assert_string_equal(names_group(0x001d), "x25519");
	assert_string_equal(names_group(0x0100), "ffdhe2048");
	assert_null(names_group(0x0fff));
	assert_string_equal(names_sigscheme(0x0804), "rsa_pss_rsae_sha256");
	assert_string_equal(names_sigscheme(0x0201), "rsa_pkcs1_sha1");
	assert_string_equal(names_ext(0), "server_name");
	assert_string_equal(names_ext(51), "key_share");
	assert_string_equal(names_ext(0xff01), "renegotiation_info");
	assert_null(names_ext(0x1234));
	assert_string_equal(names_alert_level(2), "fatal");
	assert_null(names_alert_level(3));
	assert_string_equal(names_alert_desc(20), "bad_record_mac");
	assert_string_equal(names_alert_desc(0), "close_notify");
	assert_null(names_alert_desc(255));
	assert_string_equal(names_hs_type(254), "message_hash");
	assert_string_equal(names_hs_type(25), "compressed_certificate");
	assert_null(names_hs_type(99));
	assert_string_equal(names_content_type(23), "application_data");
	assert_string_equal(names_content_type(24), "heartbeat");
	assert_null(names_content_type(19));
	assert_string_equal(names_version(0x0304), "TLS 1.3");
	assert_null(names_version(0x0305));
	/* ECH (RFC 9849) and the HPKE registries it uses (RFC 9180) */
	assert_string_equal(names_ext(0xfe0d), "encrypted_client_hello");
	assert_string_equal(names_ext(0xfd00), "ech_outer_extensions");
	assert_string_equal(names_alert_desc(121), "ech_required");
	assert_string_equal(names_hpke_kem(0x0020), "DHKEM(X25519, HKDF-SHA256)");
	assert_string_equal(names_hpke_kem(0x0010), "DHKEM(P-256, HKDF-SHA256)");
	assert_null(names_hpke_kem(0x0001));
	assert_string_equal(names_hpke_kdf(0x0001), "HKDF-SHA256");
	assert_string_equal(names_hpke_kdf(0x0003), "HKDF-SHA512");
	assert_null(names_hpke_kdf(0x0000));
	assert_string_equal(names_hpke_aead(0x0001), "AES-128-GCM");
	assert_string_equal(names_hpke_aead(0x0003), "ChaCha20Poly1305");
	assert_string_equal(names_hpke_aead(0xffff), "Export-only");
	assert_null(names_hpke_aead(0x0004));
	/* RFC 8879 */
	assert_string_equal(names_ext(27), "compress_certificate");
	assert_string_equal(names_cert_compression(1), "zlib");
	assert_string_equal(names_cert_compression(2), "brotli");
	assert_string_equal(names_cert_compression(3), "zstd");
	assert_null(names_cert_compression(4));
}

/* GREASE: 0x?a?a with equal bytes, all 16 values, and near misses. */
static void test_grease(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 16; i++)
		assert_true(names_is_grease((uint16_t)(((i << 4 | 0xa) << 8) | (i << 4 | 0xa))));
	assert_false(names_is_grease(0x0a1a));
	assert_false(names_is_grease(0x0a0b));
	assert_false(names_is_grease(0x0000));
}

static void test_format(void **state)
{
	char b[64];

	(void)state;
	names_fmt16(b, sizeof b, names_group, 0x0017);
	assert_string_equal(b, "secp256r1 (0x0017)");
	names_fmt16(b, sizeof b, names_group, 0x2a2a);
	assert_string_equal(b, "GREASE (0x2a2a)");
	names_fmt16(b, sizeof b, names_group, 0x4321);
	assert_string_equal(b, "unknown (0x4321)");
	names_fmt8(b, sizeof b, names_alert_desc, 40);
	assert_string_equal(b, "handshake_failure (40)");
	names_fmt8(b, sizeof b, names_alert_desc, 200);
	assert_string_equal(b, "unknown (200)");
	names_fmt16(b, 8, names_group, 0x0017); /* truncated, still terminated */
	assert_int_equal(strlen(b), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_grease),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
