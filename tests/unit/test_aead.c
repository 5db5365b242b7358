/* Unit tests for the record-protection backends (src/keys/aead*.c): libgcrypt
 * and wolfCrypt must be the same function. Every protection mode of TLS 1.3
 * and TLS 1.2 runs through both with random keys and records of boundary
 * lengths; sealed bytes, opened plaintext and the record offsets must agree
 * byte for byte, and tampered records (flipped ciphertext, flipped tag, wrong
 * sequence number, bad CBC padding) must be ERR_AUTH in both. The handle
 * slots are checked from several threads at once. The RFC 8448 records are
 * opened through each backend in test_keysched.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "keys/aead.h"
#include "keys/keys.h"

#define BIG (16384 + 2048 + 64)

struct mode {
	uint16_t suite;
	bool tls13, etm;
	const char *what;
};

static const struct mode modes[] = {
	{ 0x1301, true, false, "TLS 1.3 AES-128-GCM" },
	{ 0x1302, true, false, "TLS 1.3 AES-256-GCM" },
	{ 0x1303, true, false, "TLS 1.3 ChaCha20-Poly1305" },
	{ 0x1304, true, false, "TLS 1.3 AES-128-CCM" },
	{ 0x1305, true, false, "TLS 1.3 AES-128-CCM_8" },
	{ 0xC02F, false, false, "TLS 1.2 AES-128-GCM" },
	{ 0xC030, false, false, "TLS 1.2 AES-256-GCM" },
	{ 0xC0AC, false, false, "TLS 1.2 AES-128-CCM" },
	{ 0xC0AD, false, false, "TLS 1.2 AES-256-CCM" },
	{ 0xC0AE, false, false, "TLS 1.2 AES-128-CCM_8" },
	{ 0xCCA8, false, false, "TLS 1.2 ChaCha20-Poly1305" },
	{ 0xC013, false, false, "TLS 1.2 AES-128-CBC-SHA, MAC-then-encrypt" },
	{ 0xC013, false, true, "TLS 1.2 AES-128-CBC-SHA, encrypt-then-MAC" },
	{ 0xC027, false, false, "TLS 1.2 AES-128-CBC-SHA256, MAC-then-encrypt" },
	{ 0xC027, false, true, "TLS 1.2 AES-128-CBC-SHA256, encrypt-then-MAC" },
	{ 0xC028, false, false, "TLS 1.2 AES-256-CBC-SHA384, MAC-then-encrypt" },
	{ 0xC028, false, true, "TLS 1.2 AES-256-CBC-SHA384, encrypt-then-MAC" },
};

static const size_t lens[] = { 0, 1, 15, 16, 17, 1000, 16384 };

/* xorshift64*: random but repeatable from the seed printed at the start. */
static uint64_t rng_state;

static uint8_t rnd8(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint8_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 56);
}

static void rnd(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = rnd8();
}

static void hdr_for(uint8_t hdr[5], uint8_t type, size_t len)
{
	hdr[0] = type;
	hdr[1] = 3;
	hdr[2] = 3;
	hdr[3] = (uint8_t)(len >> 8);
	hdr[4] = (uint8_t)len;
}

/* One protect state per backend, with the same random keys. */
static void make_pair(const struct mode *m, struct protect *w, struct protect *g)
{
	const struct suite *s = suite_find(m->suite);
	uint8_t secret[48], key[32], iv[16], mac[48];

	assert_non_null(s);
	rnd(secret, sizeof secret), rnd(key, sizeof key), rnd(iv, sizeof iv), rnd(mac, sizeof mac);
	if (m->tls13) {
		assert_int_equal(protect_init_tls13(w, s, secret), 0);
		assert_int_equal(protect_init_tls13(g, s, secret), 0);
	} else {
		assert_int_equal(protect_init_tls12(w, s, key, iv, mac, m->etm), 0);
		assert_int_equal(protect_init_tls12(g, s, key, iv, mac, m->etm), 0);
	}
	w->backend = &aead_backend_wolfcrypt;
#ifdef TLSVIZ_HAVE_GCRYPT
	g->backend = &aead_backend_gcrypt;
#endif
}

static bool have_both(void)
{
#ifdef TLSVIZ_HAVE_GCRYPT
	return true;
#else
	print_message("libgcrypt not found at build time: one backend, nothing to compare\n");
	return false;
#endif
}

/* Open rec (n bytes, at seq) with p; returns the result code. */
static int open_at(const struct protect *p, uint64_t seq, const uint8_t *rec, size_t n,
		   uint8_t *out, struct protect_result *res)
{
	uint8_t hdr[5];

	hdr_for(hdr, 23, n);
	return protect_open_seq(p, seq, hdr, rec, n, out, BIG, res);
}

/* Both backends open rec alike: same code, result and plaintext. */
static void open_both(const struct protect *w, const struct protect *g, uint64_t seq,
		      const uint8_t *rec, size_t n, const uint8_t *plain, size_t len)
{
	static uint8_t ow[BIG], og[BIG];
	struct protect_result rw, rg;

	assert_int_equal(open_at(w, seq, rec, n, ow, &rw), 0);
	assert_int_equal(open_at(g, seq, rec, n, og, &rg), 0);
	assert_memory_equal(&rw, &rg, sizeof rw);
	assert_int_equal(rw.plain_len, len);
	assert_memory_equal(ow, plain, len);
	assert_memory_equal(og, plain, len);
}

/* Seal with both, compare the bytes (CBC: the IV is random, so each
 * backend's record is opened by both instead), open with both. */
static void test_modes_equal(void **state)
{
	uint8_t *plain = malloc(16384), *rw = malloc(BIG), *rg = malloc(BIG);

	(void)state;
	if (!have_both())
		skip();
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const struct mode *md = &modes[m];
		struct protect w, g;

		make_pair(md, &w, &g);
		for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
			uint64_t seq = w.seq;
			int nw, ng;

			rnd(plain, lens[l]);
			nw = protect_seal(&w, 23, plain, lens[l], rw, BIG);
			ng = protect_seal(&g, 23, plain, lens[l], rg, BIG);
			assert_true(nw > 0);
			assert_int_equal(nw, ng);
			if (suite_find(md->suite)->cipher != CIPHER_AES_CBC)
				assert_memory_equal(rw, rg, (size_t)nw);
			open_both(&w, &g, seq, rw, (size_t)nw, plain, lens[l]);
			open_both(&w, &g, seq, rg, (size_t)ng, plain, lens[l]);
		}
		protect_wipe(&w);
		protect_wipe(&g);
	}
	free(plain), free(rw), free(rg);
}

/* Raw AES-CBC (the IV given) encrypts and decrypts alike in both. */
static void test_cbc_equal(void **state)
{
	static const size_t klens[] = { 16, 32 };
	uint8_t key[32], iv[16], *in = malloc(16384), *cw = malloc(16384), *cg = malloc(16384);
	uint8_t *dw = malloc(16384), *dg = malloc(16384);

	(void)state;
	if (!have_both())
		skip();
#ifdef TLSVIZ_HAVE_GCRYPT
	for (size_t k = 0; k < 2; k++) {
		struct aead_ctx *xw, *xg;

		rnd(key, sizeof key);
		assert_int_equal(aead_ctx_new(&xw, &aead_backend_wolfcrypt, CIPHER_AES_CBC, key,
					      klens[k], 0), 0);
		assert_int_equal(aead_ctx_new(&xg, &aead_backend_gcrypt, CIPHER_AES_CBC, key,
					      klens[k], 0), 0);
		for (size_t n = 16; n <= 16384; n *= 4) {
			rnd(iv, sizeof iv), rnd(in, n);
			assert_int_equal(aead_ctx_cbc(xw, true, iv, in, n, cw), 0);
			assert_int_equal(aead_ctx_cbc(xg, true, iv, in, n, cg), 0);
			assert_memory_equal(cw, cg, n);
			assert_memory_not_equal(cw, in, n);
			assert_int_equal(aead_ctx_cbc(xw, false, iv, cw, n, dw), 0);
			assert_int_equal(aead_ctx_cbc(xg, false, iv, cw, n, dg), 0);
			assert_memory_equal(dw, in, n);
			assert_memory_equal(dg, in, n);
		}
		aead_ctx_unref(xw);
		aead_ctx_unref(xg);
	}
#endif
	free(in), free(cw), free(cg), free(dw), free(dg);
}

/* A tampered record is ERR_AUTH in both backends. */
static void tamper_both(const struct protect *w, const struct protect *g, uint64_t seq,
			const uint8_t *rec, size_t n)
{
	static uint8_t out[BIG];
	struct protect_result res;

	assert_int_equal(open_at(w, seq, rec, n, out, &res), ERR_AUTH);
	assert_int_equal(open_at(g, seq, rec, n, out, &res), ERR_AUTH);
}

/* Flipped ciphertext byte, flipped tag byte, wrong sequence number. */
static void test_tamper_equal(void **state)
{
	uint8_t *plain = malloc(16384), *rec = malloc(BIG);

	(void)state;
	if (!have_both())
		skip();
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const struct suite *s = suite_find(modes[m].suite);
		struct protect w, g;

		make_pair(&modes[m], &w, &g);
		for (size_t l = 1; l < sizeof lens / sizeof lens[0]; l++) {
			uint64_t seq = w.seq;
			size_t n, body;
			int rc;

			rnd(plain, lens[l]);
			rc = protect_seal(&w, 23, plain, lens[l], rec, BIG);
			assert_true(rc > 0);
			n = (size_t)rc;
			/* the first ciphertext byte: after the explicit nonce or IV */
			body = modes[m].tls13 || s->cipher == CIPHER_CHACHA20_POLY1305 ? 0
			     : s->cipher == CIPHER_AES_CBC ? 16 : 8;
			rec[body] ^= 0x20;
			tamper_both(&w, &g, seq, rec, n);
			rec[body] ^= 0x20;
			rec[n - 1] ^= 0x01; /* the tag, the EtM MAC, or MtE's last block */
			tamper_both(&w, &g, seq, rec, n);
			rec[n - 1] ^= 0x01;
			tamper_both(&w, &g, seq + 1, rec, n);
			/* and the record itself still opens: the flips were the cause */
			open_both(&w, &g, seq, rec, n, plain, lens[l]);
		}
		protect_wipe(&w);
		protect_wipe(&g);
	}
	free(plain), free(rec);
}

/* A CBC record with a valid MAC whose padding is wrong. */
static size_t bad_padding_record(const struct protect *p, uint64_t seq, const uint8_t *plain,
				 size_t len, uint8_t *rec)
{
	size_t mac = p->mac_len, inner = len + (p->etm ? 0 : mac);
	size_t pad = 16 - inner % 16, body = inner + pad;
	uint8_t ph[13], buf[512];
	struct aead_ctx *x;

	assert_true(body <= sizeof buf);
	memset(ph, 0, 8);
	for (int i = 7; i >= 0; i--)
		ph[i] = (uint8_t)(seq >> (8 * (7 - i)));
	ph[8] = 23, ph[9] = 3, ph[10] = 3;
	memcpy(buf, plain, len);
	if (!p->etm) {
		struct hmac_part parts[2] = { { ph, 13 }, { plain, len } };

		ph[11] = (uint8_t)(len >> 8), ph[12] = (uint8_t)len;
		assert_int_equal(hmac_parts(p->suite->mac, p->mac_key, mac, parts, 2, buf + len), 0);
	}
	memset(buf + inner, (int)(pad - 1), pad);
	assert_int_equal(pad, 16);
	buf[inner] ^= 0x01; /* one padding byte differs from padding_length */
	rnd(rec, 16);
	assert_int_equal(aead_ctx_new(&x, &aead_backend_wolfcrypt, CIPHER_AES_CBC, p->key,
				      p->key_len, 0), 0);
	assert_int_equal(aead_ctx_cbc(x, true, rec, buf, body, rec + 16), 0);
	aead_ctx_unref(x);
	if (p->etm) {
		struct hmac_part parts[2] = { { ph, 13 }, { rec, 16 + body } };

		ph[11] = (uint8_t)((16 + body) >> 8), ph[12] = (uint8_t)(16 + body);
		assert_int_equal(hmac_parts(p->suite->mac, p->mac_key, mac, parts, 2,
					    rec + 16 + body), 0);
		return 16 + body + mac;
	}
	return 16 + body;
}

/* Bad CBC padding under a good MAC: ERR_AUTH in both, for each MAC and order. */
static void test_bad_padding_equal(void **state)
{
	uint8_t plain[64], rec[600];

	(void)state;
	if (!have_both())
		skip();
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		struct protect w, g;
		size_t len, n;

		if (suite_find(modes[m].suite)->cipher != CIPHER_AES_CBC)
			continue;
		make_pair(&modes[m], &w, &g);
		/* content (and MAC) of whole blocks: a full block of padding */
		len = (16 - (modes[m].etm ? 0 : w.mac_len) % 16) % 16 + 16;
		rnd(plain, len);
		n = bad_padding_record(&w, 5, plain, len, rec);
		tamper_both(&w, &g, 5, rec, n);
		protect_wipe(&w);
		protect_wipe(&g);
	}
}

struct par_arg {
	const struct protect *p;
	const uint8_t *recs;
	const size_t *n;
	const uint8_t *plain;
	size_t count, stride, len;
	int bad;
};

/* A worker: opens every record with the shared protect state. */
static void *par_open_all(void *arg)
{
	struct par_arg *a = arg;
	uint8_t *out = malloc(BIG);

	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < a->count; i++) {
			struct protect_result res;

			if (open_at(a->p, i, a->recs + i * a->stride, a->n[i], out, &res) != 0 ||
			    res.plain_len != a->len || memcmp(out, a->plain, a->len) != 0)
				a->bad++;
		}
	free(out);
	return NULL;
}

/* Four threads open records with one struct protect at once (the decoder's
 * pool): every record opens, in every backend. */
static void test_threads_share_keys(void **state)
{
	const struct aead_backend *bs[] = {
		&aead_backend_wolfcrypt,
#ifdef TLSVIZ_HAVE_GCRYPT
		&aead_backend_gcrypt,
#endif
	};
	enum { COUNT = 16, LEN = 4000 };
	uint8_t *recs = malloc(COUNT * BIG), plain[LEN];
	size_t n[COUNT];

	(void)state;
	rnd(plain, sizeof plain);
	for (size_t b = 0; b < sizeof bs / sizeof bs[0]; b++) {
		for (size_t m = 0; m < 3; m++) { /* GCM, ChaCha20, CCM */
			static const uint16_t ids[] = { 0x1301, 0x1303, 0x1304 };
			struct protect p;
			uint8_t secret[48];
			pthread_t th[4];
			struct par_arg args[4];

			rnd(secret, sizeof secret);
			assert_int_equal(protect_init_tls13(&p, suite_find(ids[m]), secret), 0);
			p.backend = bs[b];
			for (size_t i = 0; i < COUNT; i++) {
				int rc = protect_seal(&p, 23, plain, LEN, recs + i * BIG, BIG);

				assert_true(rc > 0);
				n[i] = (size_t)rc;
			}
			for (int t = 0; t < 4; t++) {
				args[t] = (struct par_arg){ &p, recs, n, plain, COUNT, BIG, LEN, 0 };
				assert_int_equal(pthread_create(&th[t], NULL, par_open_all, &args[t]), 0);
			}
			for (int t = 0; t < 4; t++) {
				pthread_join(th[t], NULL);
				assert_int_equal(args[t].bad, 0);
			}
			protect_wipe(&p);
		}
	}
	free(recs);
}

/* protect_copy shares the cipher: the copy works after the original is wiped. */
static void test_copy_outlives_original(void **state)
{
	struct protect a, c;
	uint8_t secret[48], plain[100], rec[200], out[200];
	struct protect_result res;
	int n;

	(void)state;
	rnd(secret, sizeof secret), rnd(plain, sizeof plain);
	assert_int_equal(protect_init_tls13(&a, suite_find(0x1301), secret), 0);
	n = protect_seal(&a, 23, plain, sizeof plain, rec, sizeof rec);
	assert_true(n > 0);
	assert_int_equal(protect_copy(&c, &a), 0);
	assert_ptr_equal(c.aead, a.aead);
	protect_wipe(&a);
	assert_int_equal(open_at(&c, 0, rec, (size_t)n, out, &res), 0);
	assert_memory_equal(out, plain, sizeof plain);
	protect_wipe(&c);
	assert_null(c.aead);
}

/* Each backend's handle refuses what it cannot do, with ERR_UNSUPPORTED. */
static void test_unsupported(void **state)
{
	uint8_t key[32] = { 0 };
	struct aead_ctx *x = NULL;

	(void)state;
	assert_int_equal(aead_ctx_new(&x, &aead_backend_wolfcrypt, CIPHER_NULL, key, 16, 0),
			 ERR_UNSUPPORTED);
	assert_null(x);
#ifdef TLSVIZ_HAVE_GCRYPT
	assert_int_equal(aead_ctx_new(&x, &aead_backend_gcrypt, CIPHER_NULL, key, 16, 0),
			 ERR_UNSUPPORTED);
	assert_null(x);
#endif
	assert_non_null(aead_backend_default()->name);
}

/* Whether /proc/cpuinfo lists flag on x86; -1 when it cannot tell. */
static int cpu_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[8192];
	int found = -1;

	if (!f)
		return -1;
	while (found < 0 && fgets(line, sizeof line, f)) {
		char *p;

		if (strncmp(line, "flags", 5) != 0)
			continue;
		found = 0;
		for (p = strtok(strchr(line, ':') + 1, " \t\n"); p; p = strtok(NULL, " \t\n"))
			if (strcmp(p, flag) == 0)
				found = 1;
	}
	fclose(f);
	return found;
}

/* The fast flag that turns the worker pool off follows the CPU: libgcrypt is
 * fast exactly when the CPU has AES instructions; wolfCrypt never is. */
static void test_fast_follows_cpu(void **state)
{
	(void)state;
	assert_false(aead_backend_wolfcrypt.fast());
#if defined(TLSVIZ_HAVE_GCRYPT) && defined(__x86_64__)
	{
		int aes = cpu_flag("aes");

		if (aes < 0)
			skip();
		assert_int_equal(aead_backend_gcrypt.fast(), aes == 1);
	}
#else
	(void)cpu_flag;
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modes_equal),
		cmocka_unit_test(test_cbc_equal),
		cmocka_unit_test(test_tamper_equal),
		cmocka_unit_test(test_bad_padding_equal),
		cmocka_unit_test(test_threads_share_keys),
		cmocka_unit_test(test_copy_outlives_original),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_fast_follows_cpu),
	};
	const char *env = getenv("TLSVIZ_TEST_SEED");

	rng_state = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	if (!rng_state)
		rng_state = 1;
	printf("test_aead: seed %llu (TLSVIZ_TEST_SEED repeats it), default backend %s\n",
	       (unsigned long long)rng_state, aead_backend_default()->name);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
