/* Unit tests for the handshake message parsers: hand-built messages of every
 * form, HRR detection, unknown types, and lengths that lie. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <brotli/encode.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "core/err.h"
#include "keys/keys.h"
#include "tls/fields.h"
#include "tls/handshake.h"
#include "testlib.h"

static const uint8_t hrr_rand[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* Wrap a body in a handshake header. */
static size_t msg(uint8_t *out, uint8_t type, const uint8_t *body, size_t n)
{
	out[0] = type;
	out[1] = (uint8_t)(n >> 16);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	if (n)
		memcpy(out + 4, body, n);
	return n + 4;
}

/* A TLS 1.2 style ClientHello with no extensions. */
static size_t client_hello(uint8_t *out)
{
	uint8_t b[128];
	size_t n = 0;

	b[n++] = 3; b[n++] = 3;
	for (int i = 0; i < 32; i++)
		b[n++] = (uint8_t)i;
	b[n++] = 2; b[n++] = 0xaa; b[n++] = 0xbb;           /* session id */
	b[n++] = 0; b[n++] = 6;
	b[n++] = 0x3a; b[n++] = 0x3a;                       /* GREASE */
	b[n++] = 0x13; b[n++] = 0x01;
	b[n++] = 0xc0; b[n++] = 0x2f;
	b[n++] = 1; b[n++] = 0;                             /* null compression */
	return msg(out, 1, b, n);
}

static void test_client_hello(void **state)
{
	uint8_t m[256];
	size_t n = client_hello(m);
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;
	int i;

	(void)state;
	fields_init(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
	assert_string_equal(name, "client_hello");
	assert_true(hi.have_cr);
	assert_int_equal(hi.client_random[31], 31);
	assert_int_equal(hi.sid_len, 2);
	assert_string_equal(val(&fl, "msg_type", 0), "client_hello (1)");
	assert_string_equal(val(&fl, "legacy_version", 0), "TLS 1.2 (0x0303)");
	assert_string_equal(val(&fl, "cipher_suite", 0), "GREASE (0x3a3a)");
	assert_string_equal(val(&fl, "cipher_suite", 1), "TLS_AES_128_GCM_SHA256 (0x1301)");
	assert_non_null(strstr(val(&fl, "cipher_suite", 2), "ECDHE_RSA"));
	i = fields_find(&fl, "cipher_suite", 0);
	assert_int_equal(fl.v[i].off, 4 + 2 + 32 + 3 + 2);
	assert_string_equal(val(&fl, "compression_method", 0), "null (0)");
	/* one byte short: the body no longer matches the header length */
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n - 1, &fl, &name), ERR_LENGTH);
	/* header and body both one short: a vector runs past the end */
	m[3]--;
	fields_reset(&fl);
	assert_true(handshake_parse(&hi, DIR_C2S, m, n - 1, &fl, &name) < 0);
	/* only the type byte */
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, 1, &fl, &name), ERR_SHORT);
	fields_free(&fl);
}

/* ServerHello with sid echo; HRR told apart by its random. */
static void test_server_hello_and_hrr(void **state)
{
	uint8_t b[128], m[160];
	size_t n = 0, mn;
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	hi.sid_len = 2;
	hi.sid[0] = 0xaa;
	hi.sid[1] = 0xbb;
	b[n++] = 3; b[n++] = 3;
	memset(b + n, 0x11, 32);
	n += 32;
	b[n++] = 2; b[n++] = 0xaa; b[n++] = 0xbb;
	b[n++] = 0xc0; b[n++] = 0x2f;
	b[n++] = 0;
	b[n++] = 0; b[n++] = 4; b[n++] = 0x00; b[n++] = 0x17; b[n++] = 0; b[n++] = 0; /* EMS */
	mn = msg(m, 2, b, n);
	fields_init(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, mn, &fl, &name), 0);
	assert_string_equal(name, "server_hello");
	assert_false(hi.is_hrr);
	assert_true(hi.have_sr);
	assert_true(hi.sh_sid_match);
	assert_true(hi.ems);
	assert_int_equal(hi.version, 0x0303);
	assert_int_equal(hi.suite_id, 0xc02f);
	assert_non_null(hi.suite);
	/* the same with the HRR random and TLS 1.3 extensions */
	n = 2;
	memcpy(b + n, hrr_rand, 32);
	n += 32;
	b[n++] = 0;
	b[n++] = 0x13; b[n++] = 0x02;
	b[n++] = 0;
	b[n++] = 0; b[n++] = 12;
	b[n++] = 0x00; b[n++] = 0x2b; b[n++] = 0; b[n++] = 2; b[n++] = 3; b[n++] = 4;
	b[n++] = 0x00; b[n++] = 0x33; b[n++] = 0; b[n++] = 2; b[n++] = 0; b[n++] = 0x17;
	mn = msg(m, 2, b, n);
	hi.have_sr = false;
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, mn, &fl, &name), 0);
	assert_string_equal(name, "hello_retry_request");
	assert_int_equal(m[0], 2);
	assert_true(hi.is_hrr);
	assert_false(hi.have_sr);
	assert_int_equal(hi.version, 0x0304);
	assert_int_equal(hi.group, 0x17);
	assert_non_null(strstr(val(&fl, "random", 0), "HelloRetryRequest"));
	/* one bit off the special value: an ordinary ServerHello */
	m[4 + 2 + 31] ^= 1;
	fields_reset(&fl);
	assert_true(handshake_parse(&hi, DIR_S2C, m, mn, &fl, &name) < 0); /* HRR-form key_share in a ServerHello */
	assert_false(hi.is_hrr);
	assert_string_equal(name, "server_hello");
	assert_true(handshake_is_hrr_random(hrr_rand));
	fields_free(&fl);
}

static void test_unknown_type_kept(void **state)
{
	static const uint8_t body[] = { 1, 2, 3 };
	uint8_t m[16];
	size_t n = msg(m, 0x63, body, 3);
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	fields_init(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(name, "unknown");
	assert_string_equal(val(&fl, "msg_type", 0), "unknown (99)");
	assert_string_equal(val(&fl, "body", 0), "010203");
	fields_free(&fl);
}

static void test_new_session_ticket_forms(void **state)
{
	static const uint8_t b12[] = { 0, 0, 0x1c, 0x20, 0, 2, 0xab, 0xcd };
	static const uint8_t b13[] = { 0, 0, 0x1c, 0x20, 1, 2, 3, 4, 1, 0x07, 0, 2, 0xab, 0xcd,
				       0, 8, 0x00, 0x2a, 0, 4, 0, 0, 0x10, 0 };
	uint8_t m[64];
	size_t n;
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	fields_init(&fl);
	hi.version = 0x0303;
	n = msg(m, 4, b12, sizeof b12);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "ticket_lifetime_hint", 0), "7200 s");
	assert_string_equal(val(&fl, "ticket", 0), "abcd");
	hi.version = 0x0304;
	n = msg(m, 4, b13, sizeof b13);
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "ticket_lifetime", 0), "7200 s");
	assert_string_equal(val(&fl, "ticket_nonce", 0), "07");
	assert_string_equal(val(&fl, "max_early_data_size", 0), "4096");
	/* the 1.2 form under 1.3 does not parse */
	n = msg(m, 4, b12, sizeof b12);
	fields_reset(&fl);
	assert_true(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name) < 0);
	fields_free(&fl);
}

static void test_server_key_exchange(void **state)
{
	static const uint8_t ecdhe[] = { 3, 0, 0x1d, 4, 1, 2, 3, 4, 0x08, 0x04, 0, 2, 0xee, 0xff };
	static const uint8_t dhe[] = { 0, 2, 0xff, 0xfb, 0, 1, 2, 0, 2, 0x12, 0x34,
				       0x04, 0x01, 0, 1, 0x99 };
	uint8_t m[64];
	size_t n;
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	fields_init(&fl);
	hi.version = 0x0303;
	hi.suite = suite_find(0xc02f);
	assert_non_null(hi.suite);
	n = msg(m, 12, ecdhe, sizeof ecdhe);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "named_curve", 0), "x25519 (0x001d)");
	assert_string_equal(val(&fl, "public", 0), "01020304");
	assert_string_equal(val(&fl, "algorithm", 0), "rsa_pss_rsae_sha256 (0x0804)");
	assert_string_equal(val(&fl, "signature", 0), "eeff");
	assert_int_equal(hi.group, 0x1d);
	hi.suite = suite_find(0x009e); /* TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 */
	assert_non_null(hi.suite);
	n = msg(m, 12, dhe, sizeof dhe);
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "dh_p", 0), "fffb");
	assert_string_equal(val(&fl, "dh_g", 0), "02");
	assert_string_equal(val(&fl, "dh_Ys", 0), "1234");
	/* signature vector claims one byte more than there is */
	m[n - 2] = 2;
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), ERR_LENGTH);
	fields_free(&fl);
}

static void test_client_key_exchange(void **state)
{
	static const uint8_t rsa[] = { 0, 4, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t ec[] = { 3, 7, 8, 9 };
	uint8_t m[32];
	size_t n;
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	fields_init(&fl);
	hi.version = 0x0303;
	hi.suite = suite_find(0x002f); /* TLS_RSA_WITH_AES_128_CBC_SHA */
	assert_non_null(hi.suite);
	n = msg(m, 16, rsa, sizeof rsa);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "encrypted_pre_master_secret", 0), "deadbeef");
	assert_int_equal(hi.enc_pms_len, 4);
	assert_ptr_equal(hi.enc_pms, m + 6);
	hi.suite = suite_find(0xc02f);
	n = msg(m, 16, ec, sizeof ec);
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "ecdh_Yc", 0), "070809");
	assert_null(hi.enc_pms);
	fields_free(&fl);
}

static void test_certificate_forms(void **state)
{
	static const uint8_t c12[] = { 0, 0, 6, 0, 0, 3, 0x30, 0x01, 0x00 };
	static const uint8_t c13[] = { 0, 0, 0, 8, 0, 0, 3, 0x30, 0x01, 0x00, 0, 0 };
	uint8_t m[32];
	size_t n;
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	fields_init(&fl);
	hi.version = 0x0303;
	n = msg(m, 11, c12, sizeof c12);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "cert_data", 0), "300100");
	assert_non_null(strstr(val(&fl, "note", 0), "not a certificate"));
	hi.version = 0x0304;
	n = msg(m, 11, c13, sizeof c13);
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "certificate", 0), "#0");
	/* an empty cert_data is refused */
	{
		static const uint8_t e12[] = { 0, 0, 3, 0, 0, 0 };

		hi.version = 0x0303;
		n = msg(m, 11, e12, sizeof e12);
		fields_reset(&fl);
		assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), ERR_LENGTH);
	}
	fields_free(&fl);
}

static void test_certificate_request_forms(void **state)
{
	static const uint8_t r12[] = { 2, 1, 64, 0, 4, 0x04, 0x01, 0x04, 0x03, 0, 0 };
	static const uint8_t r13[] = { 0, 0, 8, 0x00, 0x0d, 0, 4, 0, 2, 0x08, 0x04 };
	uint8_t m[32];
	size_t n;
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	fields_init(&fl);
	hi.version = 0x0303;
	n = msg(m, 13, r12, sizeof r12);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "certificate_type", 1), "ecdsa_sign (64)");
	assert_string_equal(val(&fl, "signature_scheme", 1), "ecdsa_secp256r1_sha256 (0x0403)");
	hi.version = 0x0304;
	n = msg(m, 13, r13, sizeof r13);
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "signature_scheme", 0), "rsa_pss_rsae_sha256 (0x0804)");
	fields_free(&fl);
}

static void test_small_messages(void **state)
{
	uint8_t m[64], body[48];
	size_t n;
	struct fields fl;
	struct hs_info hi = { 0 };
	const char *name;

	(void)state;
	fields_init(&fl);
	n = msg(m, 14, NULL, 0);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
	assert_string_equal(name, "server_hello_done");
	body[0] = 0;
	n = msg(m, 0, body, 1);
	assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), ERR_LENGTH);
	assert_string_equal(name, "hello_request");
	n = msg(m, 5, NULL, 0);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
	assert_string_equal(name, "end_of_early_data");
	/* key_update */
	body[0] = 1;
	n = msg(m, 24, body, 1);
	fields_reset(&fl);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
	assert_string_equal(val(&fl, "request_update", 0), "update_requested (1)");
	assert_int_equal(hi.ku_request, 1);
	body[0] = 2;
	n = msg(m, 24, body, 1);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), ERR_VALUE);
	/* finished: 12 bytes in TLS 1.2, Hash.length in TLS 1.3 */
	memset(body, 0x77, sizeof body);
	hi.version = 0x0303;
	n = msg(m, 20, body, 12);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
	n = msg(m, 20, body, 13);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), ERR_LENGTH);
	hi.version = 0x0304;
	hi.suite = suite_find(0x1302);
	n = msg(m, 20, body, 48);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
	n = msg(m, 20, body, 32);
	assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), ERR_LENGTH);
	/* certificate_verify, message_hash, compressed_certificate */
	{
		static const uint8_t cv[] = { 0x08, 0x04, 0, 2, 1, 2 };
		static const uint8_t cc[] = { 0, 2, 0, 1, 0, 0, 0, 2, 0xca, 0xfe };

		n = msg(m, 15, cv, sizeof cv);
		fields_reset(&fl);
		assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
		assert_string_equal(val(&fl, "signature", 0), "0102");
		n = msg(m, 254, body, 32);
		assert_int_equal(handshake_parse(&hi, DIR_C2S, m, n, &fl, &name), 0);
		assert_string_equal(name, "message_hash");
		n = msg(m, 25, cc, sizeof cc);
		fields_reset(&fl);
		/* not a brotli stream: said so, and the fields read so far are kept */
		assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), ERR_VALUE);
		assert_non_null(strstr(err_msg(), "brotli"));
		assert_string_equal(val(&fl, "algorithm", 0), "brotli (0x0002)");
		assert_string_equal(val(&fl, "uncompressed_length", 0), "256");
		assert_string_equal(val(&fl, "compressed_certificate_message", 0), "cafe");
		assert_false(hi.cc_ok);
	}
	fields_free(&fl);
}

/* A TLS 1.3 Certificate body with one 40-byte "certificate" and no extensions. */
static size_t cert13_body(uint8_t *b)
{
	size_t n = 0;

	b[n++] = 0;                                  /* certificate_request_context */
	b[n++] = 0; b[n++] = 0; b[n++] = 45;         /* certificate_list */
	b[n++] = 0; b[n++] = 0; b[n++] = 40;         /* cert_data */
	for (int i = 0; i < 40; i++)
		b[n++] = (uint8_t)(0x30 + i % 7);
	b[n++] = 0; b[n++] = 0;                      /* extensions */
	return n;
}

/* CompressedCertificate body for alg over plain, declaring ulen. */
static size_t compressed_cert(uint8_t *out, uint16_t alg, const uint8_t *plain, size_t n, uint32_t ulen)
{
	uint8_t packed[512];
	size_t clen = sizeof packed;

	if (alg == 1) {
		uLongf z = (uLongf)clen;

		assert_int_equal(compress2(packed, &z, plain, (uLong)n, 9), Z_OK);
		clen = z;
	} else if (alg == 2) {
		assert_true(BrotliEncoderCompress(9, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, n, plain, &clen,
						  packed));
	} else {
		clen = ZSTD_compress(packed, clen, plain, n, 3);
		assert_false(ZSTD_isError(clen));
	}
	out[0] = (uint8_t)(alg >> 8);
	out[1] = (uint8_t)alg;
	out[2] = (uint8_t)(ulen >> 16); out[3] = (uint8_t)(ulen >> 8); out[4] = (uint8_t)ulen;
	out[5] = 0; out[6] = (uint8_t)(clen >> 8); out[7] = (uint8_t)clen;
	memcpy(out + 8, packed, clen);
	return 8 + clen;
}

/* RFC 8879: each algorithm decompresses to the Certificate, shown as usual
 * under "decompressed", its fields pointing at the compressed bytes. */
static void test_compressed_certificate(void **state)
{
	static const char *alg_name[] = { "", "zlib (0x0001)", "brotli (0x0002)", "zstd (0x0003)" };
	uint8_t plain[64], body[600], m[700];
	size_t pn = cert13_body(plain), bn, n;
	struct fields fl;
	struct hs_info hi = { .version = 0x0304 };
	const char *name;
	char want[96];

	(void)state;
	fields_init(&fl);
	for (uint16_t alg = 1; alg <= 3; alg++) {
		int i;

		bn = compressed_cert(body, alg, plain, pn, (uint32_t)pn);
		n = msg(m, 25, body, bn);
		fields_reset(&fl);
		assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
		assert_string_equal(name, "compressed_certificate");
		assert_string_equal(val(&fl, "algorithm", 0), alg_name[alg]);
		snprintf(want, sizeof want, "%zu", pn);
		assert_string_equal(val(&fl, "uncompressed_length", 0), want);
		snprintf(want, sizeof want, "Certificate, %zu bytes from %zu compressed (%.*s)", pn, bn - 8,
			 (int)strcspn(alg_name[alg], " "), alg_name[alg]);
		assert_string_equal(val(&fl, "decompressed", 0), want);
		i = fields_find(&fl, "cert_data", 0);
		assert_true(i >= 0);
		assert_int_equal(fl.v[i].depth, 2);
		assert_int_equal(fl.v[i].off, 4 + 8);      /* the compressed bytes */
		assert_int_equal(fl.v[i].len, bn - 8);
		assert_true(hi.cc_ok);
		assert_int_equal(hi.cc_alg, alg);
		assert_int_equal(hi.cc_uncompressed_len, pn);
		assert_int_equal(hi.cc_compressed_len, bn - 8);

		/* uncompressed_length one short, one over: refused, fields before kept */
		for (int d = -1; d <= 1; d += 2) {
			bn = compressed_cert(body, alg, plain, pn, (uint32_t)((int)pn + d));
			n = msg(m, 25, body, bn);
			fields_reset(&fl);
			assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), ERR_LENGTH);
			assert_non_null(strstr(err_msg(), "uncompressed_length"));
			assert_true(fields_find(&fl, "compressed_certificate_message", 0) >= 0);
			assert_int_equal(fields_find(&fl, "decompressed", 0), -1);
			assert_false(hi.cc_ok);
		}
		/* truncated stream inside a consistent message */
		bn = compressed_cert(body, alg, plain, pn, (uint32_t)pn);
		body[7] = (uint8_t)(body[7] - 3);
		n = msg(m, 25, body, bn - 3);
		fields_reset(&fl);
		assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), ERR_VALUE);
		assert_false(hi.cc_ok);
	}
	/* a decompressed body that is not a Certificate */
	{
		uint8_t junk[16];

		memset(junk, 0xff, sizeof junk);
		bn = compressed_cert(body, 1, junk, sizeof junk, sizeof junk);
		n = msg(m, 25, body, bn);
		fields_reset(&fl);
		assert_int_not_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), 0);
		assert_non_null(strstr(err_msg(), "decompressed certificate"));
		assert_false(hi.cc_ok);
	}
	/* empty compressed_certificate_message */
	{
		static const uint8_t e[] = { 0, 1, 0, 0, 10, 0, 0, 0 };

		n = msg(m, 25, e, sizeof e);
		fields_reset(&fl);
		assert_int_equal(handshake_parse(&hi, DIR_S2C, m, n, &fl, &name), ERR_LENGTH);
	}
	fields_free(&fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client_hello),
		cmocka_unit_test(test_server_hello_and_hrr),
		cmocka_unit_test(test_unknown_type_kept),
		cmocka_unit_test(test_new_session_ticket_forms),
		cmocka_unit_test(test_server_key_exchange),
		cmocka_unit_test(test_client_key_exchange),
		cmocka_unit_test(test_certificate_forms),
		cmocka_unit_test(test_certificate_request_forms),
		cmocka_unit_test(test_small_messages),
		cmocka_unit_test(test_compressed_certificate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
