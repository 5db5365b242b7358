/* Unit tests for Encrypted ClientHello decoding (tls/ech.c, RFC 9849): the
 * outer and inner ClientHello forms, retry_configs in EncryptedExtensions,
 * the HelloRetryRequest confirmation, ech_outer_extensions, and hostile
 * lengths (reported, no crash, the extensions around still decoded). Each
 * case goes through ext_parse_list, as a real message does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/cursor.h"
#include "core/err.h"
#include "tls/fields.h"
#include "tls/handshake.h"
#include "testlib.h"

/* Build extension type t around body b[0..n) at out; returns the size. */
static size_t ext(uint8_t *out, uint16_t t, const uint8_t *b, size_t n)
{
	out[0] = (uint8_t)(t >> 8);
	out[1] = (uint8_t)t;
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	memcpy(out + 4, b, n);
	return n + 4;
}

/* supported_versions offering TLS 1.3: the extension after a bad one. */
static const uint8_t sv[] = { 0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04 };

/* ECHClientHello outer: HKDF-SHA256 / AES-128-GCM, config 42, 4-byte enc, 5-byte payload */
static const uint8_t outer[] = { 0x00, 0x00, 0x01, 0x00, 0x01, 42, 0x00, 0x04, 0xe1, 0xe2, 0xe3, 0xe4,
				 0x00, 0x05, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5 };

static void test_outer_client_hello(void **state)
{
	uint8_t b[128];
	size_t n = ext(b, 0xfe0d, outer, sizeof outer);
	struct fields fl;
	struct hs_info hi = { 0 };
	int i;

	(void)state;
	fields_init(&fl);
	memcpy(b + n, sv, sizeof sv);
	assert_int_equal(parse_exts(b, n + sizeof sv, EXT_CH, &fl, &hi), 0);
	assert_string_equal(val(&fl, "extension", 0), "encrypted_client_hello (0xfe0d)");
	assert_string_equal(val(&fl, "type", 0), "outer (0)");
	assert_string_equal(val(&fl, "cipher_suite", 0), "HKDF-SHA256, AES-128-GCM");
	assert_string_equal(val(&fl, "kdf_id", 0), "HKDF-SHA256 (0x0001)");
	assert_string_equal(val(&fl, "aead_id", 0), "AES-128-GCM (0x0001)");
	assert_string_equal(val(&fl, "config_id", 0), "42");
	assert_string_equal(val(&fl, "enc", 0), "e1e2e3e4");
	assert_string_equal(val(&fl, "payload", 0), "a1a2a3a4a5");
	i = fields_find(&fl, "payload", 0);
	assert_int_equal(fl.v[i].off, 4 + 14);
	assert_int_equal(fl.v[i].len, 5);
	assert_non_null(strstr(val(&fl, "note", 0), "payload: 5 bytes"));
	assert_int_equal(hi.ch_ech, ECH_OUTER);
	assert_int_equal(hi.ech_kdf, 1);
	assert_int_equal(hi.ech_aead, 1);
	assert_int_equal(hi.ech_config_id, 42);
	assert_int_equal(hi.ech_enc_len, 4);
	assert_int_equal(hi.ech_payload_len, 5);
	assert_true(hi.ch_offers_tls13);

	/* other suites are named; unknown ids say so */
	{
		uint8_t o[sizeof outer];

		memcpy(o, outer, sizeof o);
		o[2] = 0x02; o[4] = 0x03;           /* HKDF-SHA384, ChaCha20Poly1305 */
		n = ext(b, 0xfe0d, o, sizeof o);
		assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), 0);
		assert_string_equal(val(&fl, "cipher_suite", 0), "HKDF-SHA384, ChaCha20Poly1305");
		assert_string_equal(val(&fl, "aead_id", 0), "ChaCha20Poly1305 (0x0003)");
		o[2] = 0x09; o[4] = 0xff; o[3] = 0xff; /* unknown KDF, Export-only */
		n = ext(b, 0xfe0d, o, sizeof o);
		assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), 0);
		assert_string_equal(val(&fl, "kdf_id", 0), "unknown (0x0009)");
		assert_string_equal(val(&fl, "aead_id", 0), "Export-only (0xffff)");
		assert_string_equal(val(&fl, "cipher_suite", 0), "unknown KDF, Export-only");
		/* enc empty: the second ClientHello after an HRR */
		{
			static const uint8_t o2[] = { 0x00, 0x00, 0x01, 0x00, 0x01, 7, 0x00, 0x00, 0x00, 0x01, 0xaa };

			n = ext(b, 0xfe0d, o2, sizeof o2);
			assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), 0);
			assert_int_equal(hi.ech_enc_len, 0);
			assert_non_null(strstr(val(&fl, "note", 0), "enc empty"));
		}
	}
	fields_free(&fl);
}

static void test_inner_marker(void **state)
{
	uint8_t b[32];
	size_t n = ext(b, 0xfe0d, (const uint8_t[]){ 0x01 }, 1);
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), 0);
	assert_string_equal(val(&fl, "type", 0), "inner (1)");
	assert_int_equal(hi.ch_ech, ECH_INNER);
	/* inner carries nothing: one byte more is wrong */
	n = ext(b, 0xfe0d, (const uint8_t[]){ 0x01, 0x00 }, 2);
	assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), ERR_LENGTH);
	fields_free(&fl);
}

/* Lying lengths: an error field naming the field, the next extension decoded. */
static void test_hostile_client_hello(void **state)
{
	uint8_t b[128], o[sizeof outer];
	size_t n;
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	/* unknown type 2 */
	memcpy(o, outer, sizeof o);
	o[0] = 2;
	n = ext(b, 0xfe0d, o, sizeof o);
	memcpy(b + n, sv, sizeof sv);
	assert_int_equal(parse_exts(b, n + sizeof sv, EXT_CH, &fl, &hi), ERR_VALUE);
	assert_string_equal(val(&fl, "type", 0), "unknown (2)");
	assert_non_null(strstr(val(&fl, "error", 0), "encrypted_client_hello extension"));
	assert_true(hi.ch_offers_tls13);
	/* enc length one over what is there */
	memcpy(o, outer, sizeof o);
	o[7] = 20;
	hi = (struct hs_info){ 0 };
	n = ext(b, 0xfe0d, o, sizeof o);
	memcpy(b + n, sv, sizeof sv);
	assert_true(parse_exts(b, n + sizeof sv, EXT_CH, &fl, &hi) < 0);
	assert_non_null(strstr(val(&fl, "error", 0), "enc"));
	assert_int_equal(hi.ch_ech, ECH_OUTER); /* the wire did say outer */
	assert_true(hi.ch_offers_tls13);        /* and the next extension is still read */
	/* payload empty */
	{
		static const uint8_t e[] = { 0x00, 0x00, 0x01, 0x00, 0x01, 1, 0x00, 0x00, 0x00, 0x00 };

		n = ext(b, 0xfe0d, e, sizeof e);
		assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), ERR_LENGTH);
		assert_non_null(strstr(val(&fl, "error", 0), "payload: empty"));
	}
	/* truncated in every place */
	for (size_t cut = 0; cut < sizeof outer; cut++) {
		n = ext(b, 0xfe0d, outer, cut);
		assert_true(parse_exts(b, n, EXT_CH, &fl, &hi) < 0);
		assert_true(fields_find(&fl, "error", 0) >= 0);
	}
	/* trailing byte */
	memcpy(b + 4, outer, sizeof outer);
	b[4 + sizeof outer] = 0;
	n = ext(b, 0xfe0d, b + 4, sizeof outer + 1);
	assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), ERR_LENGTH);
	/* not allowed in a ServerHello: shown as data with a note */
	n = ext(b, 0xfe0d, outer, sizeof outer);
	assert_int_equal(parse_exts(b, n, EXT_SH, &fl, &hi), 0);
	assert_non_null(strstr(val(&fl, "note", 0), "not allowed"));
	fields_free(&fl);
}

/* An ECHConfig: version, length, then contents (config_id 43, X25519, two suites, "pub.example"). */
static size_t ech_config(uint8_t *o, uint16_t version)
{
	static const uint8_t contents[] = {
		43, 0x00, 0x20, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,        /* config_id, kem_id, public_key */
		0x00, 0x08, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x03, /* cipher_suites */
		0x00,                                                      /* maximum_name_length */
		0x0b, 'p', 'u', 'b', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', /* public_name */
		0x00, 0x04, 0xfa, 0xce, 0x00, 0x00,                        /* extensions: one, mandatory */
	};
	o[0] = (uint8_t)(version >> 8);
	o[1] = (uint8_t)version;
	o[2] = 0;
	o[3] = sizeof contents;
	memcpy(o + 4, contents, sizeof contents);
	return 4 + sizeof contents;
}

static void test_retry_configs(void **state)
{
	uint8_t list[256], body[260], b[300];
	size_t ln = 0, n;
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	/* an unknown version first (skipped), then a 0xfe0d one */
	ln += ech_config(list + ln, 0xfe0c);
	ln += ech_config(list + ln, 0xfe0d);
	body[0] = 0;
	body[1] = (uint8_t)ln;
	memcpy(body + 2, list, ln);
	n = ext(b, 0xfe0d, body, ln + 2);
	assert_int_equal(parse_exts(b, n, EXT_EE, &fl, &hi), 0);
	assert_true(hi.ee_ech_retry);
	assert_string_equal(val(&fl, "ech_config", 0), "#0");
	assert_string_equal(val(&fl, "version", 0), "0xfe0c (unknown: skipped)");
	assert_string_equal(val(&fl, "version", 1), "0xfe0d (RFC 9849)");
	assert_string_equal(val(&fl, "key_config", 0), "config_id 43");
	assert_string_equal(val(&fl, "kem_id", 0), "DHKEM(X25519, HKDF-SHA256) (0x0020)");
	assert_string_equal(val(&fl, "public_key", 0), "01020304");
	assert_string_equal(val(&fl, "cipher_suite", 0), "HKDF-SHA256, AES-128-GCM");
	assert_string_equal(val(&fl, "cipher_suite", 1), "HKDF-SHA256, ChaCha20Poly1305");
	assert_string_equal(val(&fl, "maximum_name_length", 0), "0");
	assert_string_equal(val(&fl, "public_name", 0), "\"pub.example\"");
	assert_string_equal(val(&fl, "extension_type", 1), "0xface (mandatory)");

	/* cipher_suites not a multiple of 4 */
	hi.ee_ech_retry = false;
	ln = ech_config(list, 0xfe0d);
	list[14] = 0x06;
	body[1] = (uint8_t)ln;
	memcpy(body + 2, list, ln);
	n = ext(b, 0xfe0d, body, ln + 2);
	assert_true(parse_exts(b, n, EXT_EE, &fl, &hi) < 0);
	assert_non_null(strstr(val(&fl, "error", 0), "ECHConfig #0"));
	assert_false(hi.ee_ech_retry);
	/* contents length one over the list */
	ln = ech_config(list, 0xfe0d);
	list[3]++;
	body[1] = (uint8_t)ln;
	memcpy(body + 2, list, ln);
	n = ext(b, 0xfe0d, body, ln + 2);
	assert_true(parse_exts(b, n, EXT_EE, &fl, &hi) < 0);
	/* a list too short to hold a config */
	n = ext(b, 0xfe0d, (const uint8_t[]){ 0x00, 0x02, 0xfe, 0x0d }, 4);
	assert_int_equal(parse_exts(b, n, EXT_EE, &fl, &hi), ERR_LENGTH);
	/* truncated everywhere */
	ln = ech_config(list, 0xfe0d);
	for (size_t cut = 4; cut < ln; cut++) {
		list[3] = (uint8_t)(cut - 4);
		body[1] = (uint8_t)cut;
		memcpy(body + 2, list, cut);
		n = ext(b, 0xfe0d, body, cut + 2);
		assert_true(parse_exts(b, n, EXT_EE, &fl, &hi) < 0);
	}
	fields_free(&fl);
}

static void test_hrr_confirmation(void **state)
{
	static const uint8_t conf[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t b[32];
	size_t n = ext(b, 0xfe0d, conf, 8);
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, n, EXT_HRR, &fl, &hi), 0);
	assert_string_equal(val(&fl, "confirmation", 0), "0102030405060708");
	assert_true(hi.hrr_ech);
	hi.hrr_ech = false;
	n = ext(b, 0xfe0d, conf, 7);
	assert_int_equal(parse_exts(b, n, EXT_HRR, &fl, &hi), ERR_LENGTH);
	assert_non_null(strstr(val(&fl, "error", 0), "exactly 8"));
	assert_false(hi.hrr_ech);
	n = ext(b, 0xfe0d, (const uint8_t[]){ 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 9);
	assert_int_equal(parse_exts(b, n, EXT_HRR, &fl, &hi), ERR_LENGTH);
	fields_free(&fl);
}

static void test_outer_extensions(void **state)
{
	uint8_t b[32];
	size_t n = ext(b, 0xfd00, (const uint8_t[]){ 0x04, 0x00, 0x0a, 0x00, 0x33 }, 5);
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), 0);
	assert_string_equal(val(&fl, "extension", 0), "ech_outer_extensions (0xfd00)");
	assert_string_equal(val(&fl, "extension_type", 1), "supported_groups (0x000a)");
	assert_string_equal(val(&fl, "extension_type", 2), "key_share (0x0033)");
	/* odd, empty, and longer than the body */
	n = ext(b, 0xfd00, (const uint8_t[]){ 0x03, 0x00, 0x0a, 0x00 }, 4);
	assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), ERR_LENGTH);
	n = ext(b, 0xfd00, (const uint8_t[]){ 0x00 }, 1);
	assert_int_equal(parse_exts(b, n, EXT_CH, &fl, &hi), ERR_LENGTH);
	n = ext(b, 0xfd00, (const uint8_t[]){ 0x08, 0x00, 0x0a }, 3);
	assert_true(parse_exts(b, n, EXT_CH, &fl, &hi) < 0);
	assert_true(fields_find(&fl, "error", 0) >= 0);
	fields_free(&fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outer_client_hello),
		cmocka_unit_test(test_inner_marker),
		cmocka_unit_test(test_hostile_client_hello),
		cmocka_unit_test(test_retry_configs),
		cmocka_unit_test(test_hrr_confirmation),
		cmocka_unit_test(test_outer_extensions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
