/* Unit tests for record protection: external TLS 1.2 vectors (computed once
 * with Python's `cryptography` package and HMAC, copied here as facts), seal/
 * open round trips for every cipher in TLS 1.2 and 1.3, tampering, truncation,
 * CBC padding, encrypt-then-MAC versus MAC-then-encrypt. The TLS 1.3 records of
 * RFC 8448's draft traces are decrypted in test_keysched.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/hmac.h>

#include "core/err.h"
#include "core/hex.h"
#include "keys/keys.h"

#define BIG (16384 + 2048 + 64)

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	int rc = hex_decode(h, strlen(h), out, cap);

	assert_true(rc >= 0);
	return (size_t)rc;
}

/* "GET / HTTP/1.1\r\nHost: tlsviz\r\n\r\n" */
static const char PT[] = "474554202f20485454502f312e310d0a486f73743a20746c7376697a0d0a0d0a";

static void hdr_for(uint8_t hdr[5], uint8_t type, size_t len)
{
	hdr[0] = type;
	hdr[1] = 3;
	hdr[2] = 3;
	hdr[3] = (uint8_t)(len >> 8);
	hdr[4] = (uint8_t)len;
}

/* Open an external record; check plaintext and offsets. */
static void open_vector(uint16_t suite, const char *key, const char *iv, const char *mac,
			bool etm, uint64_t seq, const char *frag_hex, uint32_t nonce_len,
			uint32_t tag_off, uint32_t tag_len, size_t padding)
{
	uint8_t k[32] = { 0 }, v[16] = { 0 }, m[48] = { 0 }, frag[256], out[256], pt[64], hdr[5];
	size_t fl, pl;
	struct protect p;
	struct protect_result res;

	unhex(key, k, sizeof k);
	if (iv)
		unhex(iv, v, sizeof v);
	if (mac)
		unhex(mac, m, sizeof m);
	fl = unhex(frag_hex, frag, sizeof frag);
	pl = unhex(PT, pt, sizeof pt);
	assert_int_equal(protect_init_tls12(&p, suite_find(suite), k, v, m, etm), 0);
	p.seq = seq;
	hdr_for(hdr, 23, fl);
	assert_int_equal(protect_open(&p, hdr, frag, fl, out, sizeof out, &res), 0);
	assert_int_equal(res.plain_len, pl);
	assert_memory_equal(out, pt, pl);
	assert_int_equal(res.inner_type, 23);
	assert_int_equal(res.nonce_off, 0);
	assert_int_equal(res.nonce_len, nonce_len);
	assert_int_equal(res.tag_off, tag_off);
	assert_int_equal(res.tag_len, tag_len);
	assert_int_equal(res.padding_len, padding);
	assert_int_equal(p.seq, seq + 1);
	/* the same record at another sequence number does not authenticate */
	p.seq = seq + 1;
	assert_int_equal(protect_open(&p, hdr, frag, fl, out, sizeof out, &res), ERR_AUTH);
	protect_wipe(&p);
}

static void test_external_vectors(void **state)
{
	(void)state;
	/* TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, seq 1, explicit nonce 0001..07 */
	open_vector(0xC02F, "101112131415161718191a1b1c1d1e1f", "a1a2a3a4", NULL, false, 1,
		    "0001020304050607dea603641714d02e6a4d10c6163ab8b381cb1b14a9f70953"
		    "3642c9fdb6668ef7c879e178f72239c3b86df8a76ff52ee6",
		    8, 8 + 32, 16, 0);
	/* TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8, seq 2 */
	open_vector(0xC0AF, "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f",
		    "a1a2a3a4", NULL, false, 2,
		    "111213141516171831ca2c3681fa3dd3b5e45b2342acf684466c9711ad3edd87"
		    "75254d7af62b0c29226266d002cbfcee",
		    8, 8 + 32, 8, 0);
	/* TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, seq 5: nonce = iv ^ seq */
	open_vector(0xCCA8, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
		    "000102030405060708090a0b", NULL, false, 5,
		    "948701bca963321ad082c6632b4b9e10d370c21f9398658164d5e6a4fe07ca95"
		    "8da9462ee02269d7af0d529639e091db",
		    0, 32, 16, 0);
	/* TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, MAC-then-encrypt, seq 3:
	 * IV(16) || E(32 content || 20 MAC || 12 x 0x0b) */
	open_vector(0xC013, "202122232425262728292a2b2c2d2e2f", NULL,
		    "606162636465666768696a6b6c6d6e6f70717273", false, 3,
		    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecff7bdba36755783412e1071b82f661ee2"
		    "57d332467bb858f4abfa491cea6a7182240423dd0e50e9d2c9d9a2eb39af948c"
		    "66febbba5c5d3a87d0fb6af5096af29a",
		    16, 16 + 32, 20, 12);
	/* TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, encrypt-then-MAC, seq 4:
	 * IV || E(32 content || 16 x 0x0f) || HMAC-SHA256 */
	open_vector(0xC027, "202122232425262728292a2b2c2d2e2f", NULL,
		    "707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f", true, 4,
		    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecff7bdba36755783412e1071b82f661ee2"
		    "57d332467bb858f4abfa491cea6a71824a2dc6a08ee71a06fdb55335076ce6f9"
		    "f4273a574794d2c8415e0a05a39cde17103fbf8c7e1f3c45084fb1db30d187bb",
		    16, 16 + 48, 32, 16);
}

struct rt {
	uint16_t suite;
	bool tls13, etm;
};

static const struct rt rts[] = {
	{ 0x1301, true, false }, { 0x1302, true, false }, { 0x1303, true, false },
	{ 0x1304, true, false }, { 0x1305, true, false },
	{ 0xC02F, false, false }, { 0xC030, false, false }, { 0xC0AC, false, false },
	{ 0xC0AE, false, false }, { 0xC0AD, false, false }, { 0xCCA8, false, false },
	{ 0xC013, false, false }, { 0xC013, false, true }, { 0xC027, false, false },
	{ 0xC027, false, true }, { 0xC028, false, false }, { 0xC028, false, true },
	{ 0x003B, false, false }, { 0x0002, false, false },
};

/* Two protect states (sender, receiver) with the same keys. */
static void make_pair(const struct rt *r, struct protect *a, struct protect *b)
{
	const struct suite *s = suite_find(r->suite);
	uint8_t secret[48], key[32], iv[16], mac[48];

	assert_non_null(s);
	for (int i = 0; i < 48; i++)
		secret[i] = (uint8_t)(i * 7 + r->suite), mac[i] = (uint8_t)(i + 100);
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 3 + 1);
	for (int i = 0; i < 16; i++)
		iv[i] = (uint8_t)(0xa0 + i);
	if (r->tls13) {
		assert_int_equal(protect_init_tls13(a, s, secret), 0);
		assert_int_equal(protect_init_tls13(b, s, secret), 0);
	} else {
		assert_int_equal(protect_init_tls12(a, s, key, iv, mac, r->etm), 0);
		assert_int_equal(protect_init_tls12(b, s, key, iv, mac, r->etm), 0);
	}
}

static void test_round_trips(void **state)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 31, 32, 100, 16384 };
	uint8_t *plain = malloc(16384), *rec = malloc(BIG), *out = malloc(BIG), hdr[5];

	(void)state;
	for (size_t i = 0; i < 16384; i++)
		plain[i] = (uint8_t)(i * 31 + 7);
	for (size_t r = 0; r < sizeof rts / sizeof rts[0]; r++) {
		struct protect a, b;

		make_pair(&rts[r], &a, &b);
		for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
			struct protect_result res;
			int n = protect_seal(&a, 23, plain, lens[l], rec, BIG);

			assert_true(n > 0);
			assert_true((size_t)n >= lens[l]);
			hdr_for(hdr, 23, (size_t)n);
			assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, BIG, &res), 0);
			assert_int_equal(res.plain_len, lens[l]);
			assert_memory_equal(out, plain, lens[l]);
			assert_int_equal(res.inner_type, 23);
			assert_true(res.tag_off + res.tag_len <= (size_t)n);
			assert_int_equal(res.tag_len, rts[r].suite == 0x0002 ? 20 :
					 suite_find(rts[r].suite)->tag_len ? suite_find(rts[r].suite)->tag_len
									   : hash_len(suite_find(rts[r].suite)->mac));
		}
		assert_int_equal(a.seq, b.seq);
		protect_wipe(&a);
		protect_wipe(&b);
	}
	free(plain), free(rec), free(out);
}

/* Flip one byte in header, nonce/IV, body, tag: every flip is ERR_AUTH and
 * the sequence number advances. */
static void test_tamper(void **state)
{
	uint8_t plain[40], rec[256], out[256], hdr[5];

	(void)state;
	memset(plain, 'x', sizeof plain);
	for (size_t r = 0; r < sizeof rts / sizeof rts[0]; r++) {
		struct protect a, b;
		int n;

		make_pair(&rts[r], &a, &b);
		n = protect_seal(&a, 23, plain, sizeof plain, rec, sizeof rec);
		assert_true(n > 0);
		for (int where = -3; where < n; where += (where < 0 ? 1 : 7)) {
			struct protect_result res;
			uint64_t seq;

			hdr_for(hdr, 23, (size_t)n);
			if (where < 0)
				hdr[where == -3 ? 0 : where == -2 ? 1 : 2] ^= 0x04;
			else
				rec[where] ^= 0x80;
			b.seq = 0;
			seq = b.seq;
			assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, sizeof out, &res),
					 ERR_AUTH);
			assert_int_equal(b.seq, seq + 1);
			if (where >= 0)
				rec[where] ^= 0x80;
		}
		/* the last byte (end of tag / MAC) too */
		rec[n - 1] ^= 1;
		hdr_for(hdr, 23, (size_t)n);
		b.seq = 0;
		{
			struct protect_result res;

			assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, sizeof out, &res),
					 ERR_AUTH);
			rec[n - 1] ^= 1;
			b.seq = 0;
			assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, sizeof out, &res), 0);
		}
		protect_wipe(&a);
		protect_wipe(&b);
	}
}

/* Every fragment shorter than a valid record fails cleanly (no crash, no
 * read past the fragment: run under valgrind/ASan). */
static void test_truncated(void **state)
{
	uint8_t rec[256], hdr[5];

	(void)state;
	for (size_t r = 0; r < sizeof rts / sizeof rts[0]; r++) {
		struct protect a, b;
		int n;

		make_pair(&rts[r], &a, &b);
		n = protect_seal(&a, 23, (const uint8_t *)"", 0, rec, sizeof rec);
		assert_true(n >= 0);
		for (int len = 0; len < n; len++) {
			struct protect_result res;
			uint8_t *frag = malloc(len ? (size_t)len : 1), *out = malloc(len ? (size_t)len : 1);

			memcpy(frag, rec, (size_t)len);
			hdr_for(hdr, 23, (size_t)len);
			b.seq = 0;
			assert_true(protect_open(&b, hdr, frag, (size_t)len, out, (size_t)len, &res) < 0);
			assert_int_equal(res.plain_len, 0);
			free(frag), free(out);
		}
		protect_wipe(&a);
		protect_wipe(&b);
	}
}

/* Output buffer too small and oversized fragments are refused. */
static void test_bounds(void **state)
{
	static uint8_t big[16384 + 2048 + 1];
	uint8_t hdr[5], out[8];
	struct protect p;
	struct protect_result res;
	const struct rt r = { 0xC02F, false, false };

	(void)state;
	make_pair(&r, &p, &p);
	hdr_for(hdr, 23, 64);
	assert_true(protect_open(&p, hdr, big, 64, out, sizeof out, &res) < 0);
	assert_true(protect_open(&p, hdr, big, sizeof big, big, sizeof big, &res) == ERR_LENGTH);
	assert_true(protect_seal(&p, 23, big, 16385, big, sizeof big) == ERR_LENGTH);
	assert_true(protect_seal(&p, 23, big, 100, out, sizeof out) < 0);
}

/* A TLS 1.3 record whose plaintext is only zeros has no content type. */
static void test_tls13_padding(void **state)
{
	const struct rt r = { 0x1301, true, false };
	struct protect a, b;
	uint8_t rec[128], out[128], hdr[5], inner[20] = { 'h', 'i', 22 };
	struct protect_result res;
	int n;

	(void)state;
	make_pair(&r, &a, &b);
	/* seal "hi" + type 22 + 17 zeros by sealing the inner plaintext with
	 * type 0 as the appended byte: inner = "hi" 22 0*16, then 0 */
	n = protect_seal(&a, 0, inner, sizeof inner, rec, sizeof rec);
	assert_true(n > 0);
	hdr_for(hdr, 23, (size_t)n);
	assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, sizeof out, &res), 0);
	assert_int_equal(res.plain_len, 2);
	assert_int_equal(res.inner_type, 22);
	assert_int_equal(res.padding_len, 18);
	memset(inner, 0, sizeof inner);
	n = protect_seal(&a, 0, inner, sizeof inner, rec, sizeof rec);
	hdr_for(hdr, 23, (size_t)n);
	assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, sizeof out, &res), ERR_VALUE);
	protect_wipe(&a);
	protect_wipe(&b);
}

/* CBC MAC-then-encrypt records built by hand with bad padding. */
static void cbc_record(const uint8_t *body, size_t blen, uint8_t *rec)
{
	uint8_t key[32];
	Aes aes;

	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(i * 3 + 1);
	for (int i = 0; i < 16; i++)
		rec[i] = (uint8_t)(0x50 + i);
	assert_int_equal(wc_AesInit(&aes, NULL, INVALID_DEVID), 0);
	assert_int_equal(wc_AesSetKey(&aes, key, 16, rec, AES_ENCRYPTION), 0);
	assert_int_equal(wc_AesCbcEncrypt(&aes, rec + 16, body, (word32)blen), 0);
	wc_AesFree(&aes);
}

static void test_cbc_padding(void **state)
{
	const struct rt r = { 0xC013, false, false };
	struct protect a, b;
	uint8_t body[64], rec[80], out[80], hdr[5];
	struct protect_result res;

	(void)state;
	make_pair(&r, &a, &b);
	/* 4 content + 20 MAC + padding: correct would be 8 bytes of 0x07 */
	memset(body, 0x07, sizeof body);
	body[40] = 0x06; /* one padding byte wrong */
	cbc_record(body, 48, rec);
	hdr_for(hdr, 23, 64);
	assert_int_equal(protect_open(&b, hdr, rec, 64, out, sizeof out, &res), ERR_AUTH);
	assert_non_null(strstr(err_msg(), "padding"));
	/* padding length larger than the record */
	memset(body, 0xff, sizeof body);
	cbc_record(body, 48, rec);
	assert_int_equal(protect_open(&b, hdr, rec, 64, out, sizeof out, &res), ERR_AUTH);
	assert_non_null(strstr(err_msg(), "padding"));
	/* not whole blocks */
	assert_int_equal(protect_open(&b, hdr, rec, 63, out, sizeof out, &res), ERR_LENGTH);
	assert_int_equal(b.seq, 3);
	protect_wipe(&a);
	protect_wipe(&b);
}

/* EtM and MtE records are not interchangeable: the layouts differ. */
static void test_etm_vs_mte(void **state)
{
	const struct rt mte = { 0xC013, false, false }, etm = { 0xC013, false, true };
	struct protect a, b, c, d;
	uint8_t plain[33] = "encrypt-then-MAC versus MtE data", rec[256], out[256], hdr[5];
	struct protect_result res;
	int n;

	(void)state;
	make_pair(&etm, &a, &b);
	make_pair(&mte, &c, &d);
	n = protect_seal(&a, 23, plain, sizeof plain, rec, sizeof rec);
	/* EtM: IV 16 + ceil((33+1)/16)*16 = 48 + MAC 20 */
	assert_int_equal(n, 16 + 48 + 20);
	hdr_for(hdr, 23, (size_t)n);
	assert_int_equal(protect_open(&d, hdr, rec, (size_t)n, out, sizeof out, &res), ERR_LENGTH);
	assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, sizeof out, &res), 0);
	assert_int_equal(res.tag_off, 16 + 48);
	assert_int_equal(res.padding_len, 48 - 33);
	n = protect_seal(&c, 23, plain, sizeof plain, rec, sizeof rec);
	/* MtE: IV 16 + ceil((33+20+1)/16)*16 = 64 */
	assert_int_equal(n, 16 + 64);
	hdr_for(hdr, 23, (size_t)n);
	/* 80 - 16 - 20 = 44 is not whole blocks for an EtM reader */
	assert_int_equal(protect_open(&b, hdr, rec, (size_t)n, out, sizeof out, &res), ERR_LENGTH);
	d.seq = 0; /* its failed open above advanced it */
	assert_int_equal(protect_open(&d, hdr, rec, (size_t)n, out, sizeof out, &res), 0);
	assert_int_equal(res.tag_off, 16 + 33);
	assert_int_equal(res.tag_len, 20);
	assert_memory_equal(out, plain, sizeof plain);
	protect_wipe(&a), protect_wipe(&b), protect_wipe(&c), protect_wipe(&d);
}

static void test_init_refuses(void **state)
{
	struct protect p;
	uint8_t k[48] = { 0 };

	(void)state;
	assert_int_equal(protect_init_tls13(&p, suite_find(0xC02F), k), ERR_UNSUPPORTED);
	assert_int_equal(protect_init_tls12(&p, suite_find(0x1301), k, k, k, false), ERR_UNSUPPORTED);
	assert_int_equal(protect_init_tls12(&p, suite_find(0x000A), k, k, k, false), ERR_UNSUPPORTED);
	assert_int_equal(protect_init_tls13(&p, NULL, k), ERR_UNSUPPORTED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_external_vectors),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_tls13_padding),
		cmocka_unit_test(test_cbc_padding),
		cmocka_unit_test(test_etm_vs_mte),
		cmocka_unit_test(test_init_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
