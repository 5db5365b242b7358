/* Unit tests for the TLS 1.2 PRF, master secret (with and without RFC 7627),
 * key block split and Finished. Expected values were computed once with
 * `openssl kdf ... TLS1-PRF` (OpenSSL 3.0) and are copied here as facts; the
 * P_SHA256 one is also the widely published PRF test vector. */
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

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	int rc = hex_decode(h, strlen(h), out, cap);

	assert_true(rc >= 0);
	return (size_t)rc;
}

static void assert_hex(const uint8_t *got, size_t n, const char *want)
{
	char *g = hex_dup(got, n);

	assert_string_equal(g, want);
	free(g);
}

/* Facts for the master / key block tests. */
static const char PMS[] = "0303404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d"
			  "5e5f606162636465666768696a6b6c6d";
static const char CR[] = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
static const char SR[] = "8182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0";
static const char MS[] = "62bb919b05d103b191e0097dd106b53b4fc3e5691b3402b769445c32872e4300"
			 "9c211e433a4930a894a3becf4462ccef";
/* SHA-256("session hash input") */
static const char HH[] = "a431d0766a50fc00a484c401dc0d055ccf7859463bc66365c5df00b1c6f88532";
static const char EMS[] = "c6b3a64a09e23fab073cfa5bf5100248f5b4be67ec3deb48533543ce1d761b3f"
			  "9db0b44dca050c309c04605be445f893";
/* PRF(MS, "key expansion", SR || CR), first 136 bytes */
static const char KB[] = "dd933af30037d006ce7029d88d1d66213a66589df33705fb38cac13bdb3c10c8"
			 "f9f38f3ef2c5a067809b0af3eea56f266ada9fae82a85dda0e9a805ed71dc2b6"
			 "28947c03bdbfbe7ca0332723ba57505323cecab66c2c41a7837fbbe6d0e4844c"
			 "c8e2e26ce4437ca5517d6e314593d38796dc44f97c2d98df19126a970be6bcd2"
			 "be1d46c0ca65e962";

static void test_p_sha256_vector(void **state)
{
	uint8_t secret[16], seed[16], out[100];

	(void)state;
	unhex("9bbe436ba940f017b17652849a71db35", secret, sizeof secret);
	unhex("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof seed);
	assert_int_equal(prf_tls12(HASH_SHA256, secret, 16, "test label", seed, 16, out, 100), 0);
	assert_hex(out, 100,
		   "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
		   "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
		   "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
		   "87347b66");
	/* boundary lengths: a prefix of the same stream */
	for (size_t n = 0; n <= 65; n += (n == 0 || n == 31 || n == 32 || n == 63 || n == 64) ? 1 : 31) {
		uint8_t part[65];

		assert_int_equal(prf_tls12(HASH_SHA256, secret, 16, "test label", seed, 16, part, n), 0);
		assert_memory_equal(part, out, n);
	}
}

static void test_p_sha384_vector(void **state)
{
	uint8_t secret[16], seed[16], out[148];

	(void)state;
	unhex("b80b733d6ceefcdc71566ea48e5567df", secret, sizeof secret);
	unhex("cd665cf6a8447dd6ff8b27555edb7465", seed, sizeof seed);
	assert_int_equal(prf_tls12(HASH_SHA384, secret, 16, "test label", seed, 16, out, 148), 0);
	assert_hex(out, 148,
		   "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
		   "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
		   "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
		   "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
		   "91c8f3a26854308d5eaa3be85e0990703d73e56f");
}

static void test_prf_refuses_other_hashes(void **state)
{
	uint8_t out[8];

	(void)state;
	assert_int_equal(prf_tls12(HASH_SHA1, (const uint8_t *)"k", 1, "l", NULL, 0, out, 8),
			 ERR_UNSUPPORTED);
	assert_int_equal(prf_tls12(HASH_NONE, (const uint8_t *)"k", 1, "l", NULL, 0, out, 8),
			 ERR_UNSUPPORTED);
}

static void test_master_secret(void **state)
{
	uint8_t pms[48], cr[32], sr[32], hh[32], ms[48];

	(void)state;
	unhex(PMS, pms, sizeof pms);
	unhex(CR, cr, sizeof cr);
	unhex(SR, sr, sizeof sr);
	unhex(HH, hh, sizeof hh);
	assert_int_equal(keysched_tls12_master(HASH_SHA256, pms, 48, cr, sr, NULL, 0, ms), 0);
	assert_hex(ms, 48, MS);
	assert_int_equal(keysched_tls12_master(HASH_SHA256, pms, 48, cr, sr, hh, 32, ms), 0);
	assert_hex(ms, 48, EMS);
}

/* The key block is cut in RFC 5246 6.3 order with each suite's sizes. */
static void test_keyblock_split(void **state)
{
	uint8_t ms[48], cr[32], sr[32], kb[136];
	struct tls12_keys k;
	const struct suite *s;

	(void)state;
	unhex(MS, ms, sizeof ms);
	unhex(CR, cr, sizeof cr);
	unhex(SR, sr, sizeof sr);
	unhex(KB, kb, sizeof kb);

	/* AES-128-GCM: no MAC keys, 16-byte keys, 4-byte fixed IVs */
	s = suite_find(0xC02F);
	assert_int_equal(keysched_tls12_keyblock(s, ms, cr, sr, &k), 0);
	assert_int_equal(k.mac_len, 0);
	assert_int_equal(k.key_len, 16);
	assert_int_equal(k.iv_len, 4);
	assert_memory_equal(k.client_key, kb, 16);
	assert_memory_equal(k.server_key, kb + 16, 16);
	assert_memory_equal(k.client_iv, kb + 32, 4);
	assert_memory_equal(k.server_iv, kb + 36, 4);

	/* AES-128-CBC-SHA: 20-byte MAC keys, 16-byte keys, no IVs (explicit per record) */
	s = suite_find(0xC013);
	assert_int_equal(keysched_tls12_keyblock(s, ms, cr, sr, &k), 0);
	assert_int_equal(k.mac_len, 20);
	assert_int_equal(k.key_len, 16);
	assert_int_equal(k.iv_len, 0);
	assert_memory_equal(k.client_mac, kb, 20);
	assert_memory_equal(k.server_mac, kb + 20, 20);
	assert_memory_equal(k.client_key, kb + 40, 16);
	assert_memory_equal(k.server_key, kb + 56, 16);

	/* AES-256-CBC-SHA256: 32-byte MAC keys and keys: 128 bytes */
	s = suite_find(0x003D);
	assert_int_equal(keysched_tls12_keyblock(s, ms, cr, sr, &k), 0);
	assert_int_equal(k.mac_len, 32);
	assert_memory_equal(k.client_mac, kb, 32);
	assert_memory_equal(k.server_mac, kb + 32, 32);
	assert_memory_equal(k.client_key, kb + 64, 32);
	assert_memory_equal(k.server_key, kb + 96, 32);

	/* ChaCha20-Poly1305: 32-byte keys, 12-byte IVs (RFC 7905) */
	s = suite_find(0xCCA8);
	assert_int_equal(keysched_tls12_keyblock(s, ms, cr, sr, &k), 0);
	assert_int_equal(k.iv_len, 12);
	assert_memory_equal(k.client_key, kb, 32);
	assert_memory_equal(k.server_key, kb + 32, 32);
	assert_memory_equal(k.client_iv, kb + 64, 12);
	assert_memory_equal(k.server_iv, kb + 76, 12);

	/* not decryptable: refused */
	assert_int_equal(keysched_tls12_keyblock(suite_find(0x000A), ms, cr, sr, &k),
			 ERR_UNSUPPORTED);
}

static void test_finished(void **state)
{
	uint8_t ms[48], hh[32], vd[12];

	(void)state;
	unhex(MS, ms, sizeof ms);
	unhex(HH, hh, sizeof hh);
	assert_int_equal(keysched_tls12_finished(HASH_SHA256, ms, "client finished", hh, 32, vd), 0);
	assert_hex(vd, 12, "dd1ad1206eb22e01a45448d1");
}

/* HMAC-SHA-256 RFC 4231 test case 2, through the parts interface. */
static void test_hmac_parts(void **state)
{
	struct hmac_part parts[3] = { { (const uint8_t *)"what do ya ", 11 },
				      { NULL, 0 },
				      { (const uint8_t *)"want for nothing?", 17 } };
	uint8_t mac[32];

	(void)state;
	assert_int_equal(hmac_parts(HASH_SHA256, (const uint8_t *)"Jefe", 4, parts, 3, mac), 0);
	assert_hex(mac, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p_sha256_vector),
		cmocka_unit_test(test_p_sha384_vector),
		cmocka_unit_test(test_prf_refuses_other_hashes),
		cmocka_unit_test(test_master_secret),
		cmocka_unit_test(test_keyblock_split),
		cmocka_unit_test(test_finished),
		cmocka_unit_test(test_hmac_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
