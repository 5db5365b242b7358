/* Unit tests for the live session: real wolfSSL client/server pairs on
 * 127.0.0.1 (TLS 1.3 and 1.2), stage order, key events recomputed with the
 * key schedule, keystore contents, the key-before-record ordering (records
 * are decrypted in the tap callback using only what the keystore held at
 * that moment), the step gates, user PEM files and bad options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/curve25519.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "core/event.h"
#include "keys/keys.h"
#include "session/certgen.h"
#include "session/session.h"

#define MAX_EV 512

struct cap {
	struct sink base;
	pthread_mutex_t lock;
	struct event *ev[MAX_EV];
	int n;
	struct keystore *ks;
	uint16_t version, suite_id;
	/* tap */
	int wire_chunks;
	uint8_t cr[32], sr[32];
	bool have_cr, have_sr, c2s_ccs;
	int c2s_decrypted, s2c_decrypted; /* 1 ok, -1 failed, 0 not tried */
	char why[256];
};

static void cap_emit(struct sink *self, const struct event *ev)
{
	struct cap *c = (struct cap *)self;

	pthread_mutex_lock(&c->lock);
	if (c->n < MAX_EV)
		c->ev[c->n++] = event_dup(ev);
	pthread_mutex_unlock(&c->lock);
}

static void cap_init(struct cap *c, struct keystore *ks)
{
	memset(c, 0, sizeof *c);
	c->base.emit = cap_emit;
	pthread_mutex_init(&c->lock, NULL);
	c->ks = ks;
}

static void cap_free(struct cap *c)
{
	for (int i = 0; i < c->n; i++)
		event_free(c->ev[i]);
	pthread_mutex_destroy(&c->lock);
}

/* Try to decrypt one record with what the keystore holds right now. */
static int decrypt_now(struct cap *c, enum dir d, const uint8_t *rec, size_t len, uint8_t *inner)
{
	const struct suite *st = suite_find(c->suite_id);
	struct protect p;
	struct protect_result res;
	uint8_t secret[64], out[17000];
	int n, rc;

	if (!st || !c->have_cr)
		return -1;
	if (c->version == 0x0304) {
		n = keystore_get(c->ks, d == DIR_C2S ? KL_CLIENT_HS : KL_SERVER_HS, c->cr, 32, secret, sizeof secret);
		if (n < 0)
			return -1;
		rc = protect_init_tls13(&p, st, secret);
	} else {
		struct tls12_keys k;

		n = keystore_get(c->ks, KL_CLIENT_RANDOM, c->cr, 32, secret, sizeof secret);
		if (n != 48 || !c->have_sr || keysched_tls12_keyblock(st, secret, c->cr, c->sr, &k) < 0)
			return -1;
		rc = d == DIR_C2S ? protect_init_tls12(&p, st, k.client_key, k.client_iv, k.client_mac, false)
				  : protect_init_tls12(&p, st, k.server_key, k.server_iv, k.server_mac, false);
	}
	if (rc < 0)
		return -1;
	rc = protect_open(&p, rec, rec + 5, len - 5, out, sizeof out, &res);
	protect_wipe(&p);
	if (rc < 0)
		return -1;
	*inner = c->version == 0x0304 ? res.inner_type : (res.plain_len ? out[0] : 0);
	return 0;
}

/* The tap: sees every chunk before it is written. */
static void on_wire(void *ctx, enum dir d, const uint8_t *b, size_t len)
{
	struct cap *c = ctx;
	size_t off = 0;

	pthread_mutex_lock(&c->lock);
	c->wire_chunks++;
	while (off + 5 <= len) {
		size_t rl = ((size_t)b[off + 3] << 8) | b[off + 4];
		uint8_t type = b[off], inner = 0;

		if (off + 5 + rl > len)
			break;
		/* the first ClientHello only: the client's encrypted TLS 1.2 Finished is
		   a type-22 record too, whose first byte (the explicit nonce's) may be 1 */
		if (type == 22 && b[off + 5] == 1 && d == DIR_C2S && rl >= 4 + 2 + 32 && !c->have_cr) {
			memcpy(c->cr, b + off + 11, 32);
			c->have_cr = true;
		} else if (type == 22 && b[off + 5] == 2 && d == DIR_S2C && rl >= 4 + 2 + 32 && !c->have_sr) {
			memcpy(c->sr, b + off + 11, 32);
			c->have_sr = true;
		}
		if (type == 20 && d == DIR_C2S)
			c->c2s_ccs = true;
		/* the first protected record of each direction */
		bool prot = c->version == 0x0304 ? type == 23 : (type == 22 && d == DIR_C2S && c->c2s_ccs);
		int *slot = d == DIR_C2S ? &c->c2s_decrypted : &c->s2c_decrypted;

		if (prot && *slot == 0 && (c->version == 0x0304 || d == DIR_C2S)) {
			if (decrypt_now(c, d, b + off, 5 + rl, &inner) == 0 && inner == (c->version == 0x0304 ? 22 : 20))
				*slot = 1;
			else
				*slot = -1;
		}
		off += 5 + rl;
	}
	pthread_mutex_unlock(&c->lock);
}

/* The value of key event name/owner; NULL if absent. */
static const struct event *key_ev(struct cap *c, const char *name, enum owner o)
{
	for (int i = 0; i < c->n; i++)
		if (c->ev[i]->type == EV_KEY && c->ev[i]->u.key.owner == o && !strcmp(c->ev[i]->u.key.name, name))
			return c->ev[i];
	return NULL;
}

static void expect_key(struct cap *c, const char *name, size_t len)
{
	for (enum owner o = OWNER_CLIENT; o <= OWNER_SERVER; o++) {
		const struct event *e = key_ev(c, name, o);

		if (!e)
			fail_msg("missing key %s (%s)", name, owner_name(o));
		if (e->u.key.len != len)
			fail_msg("key %s: %zu bytes, want %zu", name, e->u.key.len, len);
	}
}

/* Index of the stage event numbered number, -1 if none. */
static int stage_pos(struct cap *c, uint32_t number)
{
	for (int i = 0; i < c->n; i++)
		if (c->ev[i]->type == EV_STAGE && c->ev[i]->u.stage.number == number)
			return i;
	return -1;
}

static int count_type(struct cap *c, enum ev_type t)
{
	int n = 0;

	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < c->n; i++)
		n += c->ev[i]->type == t;
	pthread_mutex_unlock(&c->lock);
	return n;
}

/* The displayed key material must be the real thing: the shared secret is
 * ECDH(own private key, peer public key) and each public key belongs to its
 * private key. P-256, keys as shown (private: 32-byte scalar, public: X9.63). */
static void check_ecdh_p256(const struct event *priv, const struct event *own_pub,
			    const struct event *peer_pub, const struct event *shared)
{
	ecc_key a, b;
	WC_RNG rng;
	uint8_t out[66], pub[133];
	word32 outlen = sizeof out, publen = sizeof pub;

	assert_int_equal(wc_InitRng(&rng), 0);
	assert_int_equal(wc_ecc_init(&a), 0);
	assert_int_equal(wc_ecc_init(&b), 0);
	assert_int_equal(wc_ecc_import_private_key_ex(priv->u.key.value, (word32)priv->u.key.len, NULL, 0,
						      &a, ECC_SECP256R1), 0);
	assert_int_equal(wc_ecc_set_rng(&a, &rng), 0);
	assert_int_equal(wc_ecc_make_pub(&a, NULL), 0);
	assert_int_equal(wc_ecc_export_x963(&a, pub, &publen), 0);
	assert_int_equal(publen, own_pub->u.key.len);
	assert_memory_equal(pub, own_pub->u.key.value, publen);
	assert_int_equal(wc_ecc_import_x963_ex(peer_pub->u.key.value, (word32)peer_pub->u.key.len, &b,
					       ECC_SECP256R1), 0);
	assert_int_equal(wc_ecc_shared_secret(&a, &b, out, &outlen), 0);
	assert_int_equal(outlen, shared->u.key.len);
	assert_memory_equal(out, shared->u.key.value, outlen);
	wc_ecc_free(&a);
	wc_ecc_free(&b);
	wc_FreeRng(&rng);
}

/* The same for X25519, with keys in RFC 7748 (little-endian) form as on the wire. */
static void check_ecdh_x25519(const struct event *priv, const struct event *own_pub,
			      const struct event *peer_pub, const struct event *shared)
{
	curve25519_key a, b;
	uint8_t out[32], pub[32];
	word32 outlen = sizeof out, publen = sizeof pub;

	assert_int_equal(priv->u.key.len, 32);
	assert_int_equal(wc_curve25519_init(&a), 0);
	assert_int_equal(wc_curve25519_init(&b), 0);
	assert_int_equal(wc_curve25519_make_pub(32, pub, 32, priv->u.key.value), 0);
	assert_memory_equal(pub, own_pub->u.key.value, 32);
	assert_int_equal(wc_curve25519_import_private_ex(priv->u.key.value, 32, &a, EC25519_LITTLE_ENDIAN), 0);
	assert_int_equal(wc_curve25519_import_public_ex(peer_pub->u.key.value, 32, &b, EC25519_LITTLE_ENDIAN), 0);
	assert_int_equal(wc_curve25519_shared_secret_ex(&a, &b, out, &outlen, EC25519_LITTLE_ENDIAN), 0);
	assert_memory_equal(out, shared->u.key.value, 32);
	(void)publen;
	wc_curve25519_free(&a);
	wc_curve25519_free(&b);
}

/* Run one headless session to the end. */
static void run_session(struct cap *c, struct session_opts *o, struct keystore *ks)
{
	struct session *s;

	o->on_wire = on_wire;
	o->on_wire_ctx = c;
	assert_int_equal(session_open(&s, o, &c->base, ks), 0);
	assert_true(session_port(s) > 0);
	assert_int_equal(session_run(s), 0);
	bool done = session_wait(s, 30000);
	int result = session_result(s);

	session_close(s); /* before any assert: the threads use c */
	assert_true(done);
	if (result != 0)
		fail_msg("session failed: %d", result);
}

/* Stage events: numbered 1, 2, ... in the plan's order, each side's
 * flights in the plan's directions (the default plan: TCP, ClientHello,
 * server flight, client flight, server, client request, response, the
 * server's close_notify, the client's). */
static void check_stages(struct cap *c)
{
	static const enum dir dirs[] = { DIR_C2S, DIR_C2S, DIR_S2C, DIR_C2S, DIR_S2C, DIR_C2S, DIR_S2C, DIR_S2C,
					 DIR_C2S };
	uint32_t next = 1;

	for (int i = 0; i < c->n; i++)
		if (c->ev[i]->type == EV_STAGE) {
			const struct ev_stage *st = &c->ev[i]->u.stage;

			assert_int_equal(st->number, next);
			assert_int_equal(st->index, next - 1);
			assert_false(st->held);
			if (next > sizeof dirs / sizeof dirs[0])
				fail_msg("stage %u is not in the plan", next);
			if (st->dir != dirs[next - 1])
				fail_msg("stage %u goes %s, the plan says %s", next, dir_name(st->dir),
					 dir_name(dirs[next - 1]));
			next++;
		}
	assert_int_equal(next - 1, sizeof dirs / sizeof dirs[0]);
	assert_string_equal(c->ev[stage_pos(c, 1)]->u.stage.name, "tcp_handshake");
	assert_int_equal(c->ev[c->n - 1]->type, EV_END);
	assert_int_equal(count_type(c, EV_ERROR), 0);
	for (int i = 1; i < c->n; i++)
		assert_true(c->ev[i]->seq > c->ev[i - 1]->seq);
}

static void test_tls13(void **state)
{
	struct keystore *ks = keystore_new();
	struct session_opts o = { .tls_version = 0x0304, .suite = "TLS13-AES128-GCM-SHA256", .group = "secp256r1" };
	struct cap c;
	const struct event *chts, *key, *iv, *hs, *der, *sh;
	uint8_t out[64], v[64];
	static const char *names32[] = { "early_secret", "early_derived_secret", "handshake_secret",
		"client_handshake_traffic_secret", "server_handshake_traffic_secret", "handshake_derived_secret",
		"master_secret", "client_application_traffic_secret_0", "server_application_traffic_secret_0",
		"exporter_master_secret", "resumption_master_secret", "client_finished_key", "server_finished_key",
		"ecdhe_shared_secret" };
	static const char *nss[] = { KL_CLIENT_HS, KL_SERVER_HS, KL_CLIENT_AP, KL_SERVER_AP, KL_EXPORTER };
	static const char *nssname[] = { "client_handshake_traffic_secret", "server_handshake_traffic_secret",
		"client_application_traffic_secret_0", "server_application_traffic_secret_0", "exporter_master_secret" };

	(void)state;
	cap_init(&c, ks);
	c.version = 0x0304;
	c.suite_id = 0x1301;
	run_session(&c, &o, ks);
	check_stages(&c);
	assert_true(stage_pos(&c, 5) > stage_pos(&c, 3));
	for (size_t i = 0; i < sizeof names32 / sizeof names32[0]; i++)
		expect_key(&c, names32[i], 32);
	expect_key(&c, "client_handshake_traffic_key", 16);
	expect_key(&c, "client_handshake_traffic_iv", 12);
	expect_key(&c, "server_application_traffic_key_0", 16);
	expect_key(&c, "server_application_traffic_iv_0", 12);
	assert_non_null(key_ev(&c, "client_ephemeral_private_key", OWNER_CLIENT));
	assert_int_equal(key_ev(&c, "client_ephemeral_public_key", OWNER_CLIENT)->u.key.len, 65);
	assert_int_equal(key_ev(&c, "server_ephemeral_private_key", OWNER_SERVER)->u.key.len, 32);

	/* recompute: key and IV from the emitted traffic secret */
	chts = key_ev(&c, "client_handshake_traffic_secret", OWNER_CLIENT);
	key = key_ev(&c, "client_handshake_traffic_key", OWNER_CLIENT);
	iv = key_ev(&c, "client_handshake_traffic_iv", OWNER_CLIENT);
	assert_int_equal(hkdf_expand_label(HASH_SHA256, chts->u.key.value, 32, "key", NULL, 0, out, 16), 0);
	assert_memory_equal(out, key->u.key.value, 16);
	assert_int_equal(hkdf_expand_label(HASH_SHA256, chts->u.key.value, 32, "iv", NULL, 0, out, 12), 0);
	assert_memory_equal(out, iv->u.key.value, 12);
	/* handshake_secret = HKDF-Extract(derived, shared secret) */
	hs = key_ev(&c, "handshake_secret", OWNER_SERVER);
	der = key_ev(&c, "early_derived_secret", OWNER_SERVER);
	sh = key_ev(&c, "ecdhe_shared_secret", OWNER_SERVER);
	assert_int_equal(hkdf_extract(HASH_SHA256, der->u.key.value, 32, sh->u.key.value, sh->u.key.len, out), 0);
	assert_memory_equal(out, hs->u.key.value, 32);
	/* the ephemeral keys shown produce the shared secret shown, both ways */
	check_ecdh_p256(key_ev(&c, "client_ephemeral_private_key", OWNER_CLIENT),
			key_ev(&c, "client_ephemeral_public_key", OWNER_CLIENT),
			key_ev(&c, "server_ephemeral_public_key", OWNER_SERVER), sh);
	check_ecdh_p256(key_ev(&c, "server_ephemeral_private_key", OWNER_SERVER),
			key_ev(&c, "server_ephemeral_public_key", OWNER_SERVER),
			key_ev(&c, "client_ephemeral_public_key", OWNER_CLIENT), sh);
	/* both ends agree */
	assert_memory_equal(key_ev(&c, "master_secret", OWNER_CLIENT)->u.key.value,
			    key_ev(&c, "master_secret", OWNER_SERVER)->u.key.value, 32);
	/* keystore: NSS labels keyed by the client random, equal to the events */
	assert_true(c.have_cr);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(keystore_get(ks, nss[i], c.cr, 32, v, sizeof v), 32);
		assert_memory_equal(v, key_ev(&c, nssname[i], OWNER_CLIENT)->u.key.value, 32);
	}
	/* ordering: the first protected record of each side decrypted in the
	 * tap with only what the keystore held before it was written */
	assert_int_equal(c.s2c_decrypted, 1);
	assert_int_equal(c.c2s_decrypted, 1);
	cap_free(&c);
	keystore_free(ks);
}

static void test_tls12(void **state)
{
	struct keystore *ks = keystore_new();
	struct session_opts o = { .tls_version = 0x0303, .suite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
				  .group = "x25519" };
	struct cap c;
	const struct suite *st = suite_find(0xC02F);
	const struct event *ms;
	struct tls12_keys k;
	uint8_t v[64];

	(void)state;
	cap_init(&c, ks);
	c.version = 0x0303;
	c.suite_id = 0xC02F;
	run_session(&c, &o, ks);
	check_stages(&c);
	assert_true(stage_pos(&c, 5) > stage_pos(&c, 4));
	expect_key(&c, "premaster_secret", 32);
	expect_key(&c, "master_secret", 48);
	expect_key(&c, "client_write_key", 16);
	expect_key(&c, "server_write_key", 16);
	expect_key(&c, "client_write_iv", 4);
	assert_null(key_ev(&c, "client_write_mac_key", OWNER_CLIENT)); /* AEAD: no MAC key */
	assert_int_equal(key_ev(&c, "client_ephemeral_private_key", OWNER_CLIENT)->u.key.len, 32);
	assert_int_equal(count_type(&c, EV_NOTE), 0); /* no key-block mismatch warning */
	/* premaster = X25519(own private, peer public), from either side */
	check_ecdh_x25519(key_ev(&c, "client_ephemeral_private_key", OWNER_CLIENT),
			  key_ev(&c, "client_ephemeral_public_key", OWNER_CLIENT),
			  key_ev(&c, "server_ephemeral_public_key", OWNER_SERVER),
			  key_ev(&c, "premaster_secret", OWNER_CLIENT));
	check_ecdh_x25519(key_ev(&c, "server_ephemeral_private_key", OWNER_SERVER),
			  key_ev(&c, "server_ephemeral_public_key", OWNER_SERVER),
			  key_ev(&c, "client_ephemeral_public_key", OWNER_CLIENT),
			  key_ev(&c, "premaster_secret", OWNER_SERVER));
	/* keystore CLIENT_RANDOM = the master secret event */
	ms = key_ev(&c, "master_secret", OWNER_SERVER);
	assert_int_equal(keystore_get(ks, KL_CLIENT_RANDOM, c.cr, 32, v, sizeof v), 48);
	assert_memory_equal(v, ms->u.key.value, 48);
	/* recompute the key block with tlsviz's own PRF */
	assert_int_equal(keysched_tls12_keyblock(st, ms->u.key.value, c.cr, c.sr, &k), 0);
	assert_memory_equal(k.client_key, key_ev(&c, "client_write_key", OWNER_CLIENT)->u.key.value, 16);
	assert_memory_equal(k.server_iv, key_ev(&c, "server_write_iv", OWNER_SERVER)->u.key.value, 4);
	/* the client's encrypted Finished decrypted with the keystore as it
	 * was when the record was about to be written */
	assert_int_equal(c.c2s_decrypted, 1);
	cap_free(&c);
	keystore_free(ks);
}

/* Poll until a flight is pending (deadline 10 s); its stage number, or 0. */
static uint32_t wait_pending(struct session *s, struct ev_stage *st)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (session_pending(s, st))
			return st->number;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 10)
			return 0;
		usleep(20000);
	}
}

static void test_step_gates(void **state)
{
	struct keystore *ks = keystore_new();
	struct session_opts o = { .step = true };
	struct session *s;
	struct ev_stage st;
	struct cap c;
	uint32_t number;

	(void)state;
	cap_init(&c, ks);
	c.version = 0x0304;
	c.suite_id = 0x1301;
	o.on_wire = on_wire;
	o.on_wire_ctx = &c;
	assert_int_equal(session_open(&s, &o, &c.base, ks), 0);
	assert_int_equal(session_pending(s, &st), 0); /* nothing before run */
	assert_int_equal(session_release(s), ERR_STATE);
	assert_int_equal(session_run(s), 0);
	number = wait_pending(s, &st);
	assert_int_equal(number, 1);
	assert_string_equal(st.name, "tcp_handshake");
	assert_true(st.held);
	usleep(300000);
	/* nothing moved while held */
	assert_int_equal(count_type(&c, EV_STAGE), 1);
	assert_int_equal(c.wire_chunks, 0);
	assert_int_equal(session_release(s), 0);
	number = wait_pending(s, &st);
	assert_int_equal(number, 2); /* the ClientHello */
	assert_int_equal(st.dir, DIR_C2S);
	usleep(200000);
	assert_int_equal(c.wire_chunks, 0); /* the ClientHello waits at the gate */
	assert_int_equal(session_release(s), 0);
	number = wait_pending(s, &st);
	assert_int_equal(number, 3); /* the server's hello flight */
	assert_int_equal(st.dir, DIR_S2C);
	assert_int_equal(c.wire_chunks, 1); /* only the ClientHello left */
	assert_false(session_done(s));
	session_release_all(s);
	assert_true(session_wait(s, 30000));
	assert_int_equal(session_result(s), 0);
	session_close(s);
	cap_free(&c);
	keystore_free(ks);
}

/* Write DER as PEM of the given wolfSSL type. */
static void write_pem(const char *path, const uint8_t *der, size_t len, int type)
{
	uint8_t pem[8192];
	int n = wc_DerToPem(der, (word32)len, pem, sizeof pem, type);
	FILE *f;

	assert_true(n > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(pem, 1, (size_t)n, f), (size_t)n);
	fclose(f);
}

static void test_user_files_and_bad_ca(void **state)
{
	struct identity a, b;
	char dir[] = "/tmp/tlsviz-sess.XXXXXX", cert[64], key[64], ca[64], other[64], cmd[96];
	struct session_opts o = { .cert_type = "ecdsa-p256", .suite = "TLS13-CHACHA20-POLY1305-SHA256" };
	struct keystore *ks = keystore_new();
	struct session *s;
	struct cap c;
	bool found = false;
	int result;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(certgen_make(CERT_ECDSA_P256, &a), 0);
	assert_int_equal(certgen_make(CERT_ECDSA_P256, &b), 0);
	snprintf(cert, sizeof cert, "%s/leaf.pem", dir);
	snprintf(key, sizeof key, "%s/key.pem", dir);
	snprintf(ca, sizeof ca, "%s/ca.pem", dir);
	snprintf(other, sizeof other, "%s/other-ca.pem", dir);
	write_pem(cert, a.leaf_der, a.leaf_len, CERT_TYPE);
	write_pem(key, a.key_der, a.key_len, ECC_PRIVATEKEY_TYPE);
	write_pem(ca, a.ca_der, a.ca_len, CERT_TYPE);
	write_pem(other, b.ca_der, b.ca_len, CERT_TYPE);

	/* the right CA: works */
	cap_init(&c, ks);
	c.version = 0x0304;
	c.suite_id = 0x1303;
	o.cert_file = cert;
	o.key_file = key;
	o.ca_file = ca;
	run_session(&c, &o, ks);
	cap_free(&c);

	/* a CA that did not sign the leaf: the client refuses, ERR_AUTH */
	cap_init(&c, ks);
	o.ca_file = other;
	o.on_wire = NULL;
	assert_int_equal(session_open(&s, &o, &c.base, ks), 0);
	assert_int_equal(session_run(s), 0);
	assert_true(session_wait(s, 30000));
	result = session_result(s);
	session_close(s); /* before any assert: the threads use c */
	for (int i = 0; i < c.n; i++) {
		if (c.ev[i]->type == EV_ERROR)
			print_message("session error: %s\n", c.ev[i]->u.error.text);
		if (c.ev[i]->type == EV_ERROR && strstr(c.ev[i]->u.error.text, "certificate verification failed"))
			found = true;
	}
	assert_int_equal(result, ERR_AUTH);
	assert_true(found);
	assert_int_equal(c.ev[c.n - 1]->type, EV_END);
	cap_free(&c);

	certgen_free(&a);
	certgen_free(&b);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	keystore_free(ks);
}

/* A bad option: the code, a message naming it, no events, no keys. */
static void expect_bad(struct session_opts *o, int code, const char *needle)
{
	struct keystore *ks = keystore_new();
	struct session *s = (struct session *)1;
	struct cap c;

	cap_init(&c, ks);
	assert_int_equal(session_open(&s, o, &c.base, ks), code);
	assert_null(s);
	if (!strstr(err_msg(), needle))
		fail_msg("message '%s' lacks '%s'", err_msg(), needle);
	assert_int_equal(c.n, 0);
	assert_int_equal(keystore_count(ks), 0);
	cap_free(&c);
	keystore_free(ks);
}

static void test_bad_options(void **state)
{
	struct session_opts o;

	(void)state;
	o = (struct session_opts){ .tls_version = 0x0303, .suite = "TLS13-AES128-GCM-SHA256" };
	expect_bad(&o, ERR_USAGE, "TLS 1.3 suite");
	o = (struct session_opts){ .tls_version = 0x0304, .suite = "ECDHE-RSA-AES128-GCM-SHA256" };
	expect_bad(&o, ERR_USAGE, "TLS 1.2 suite");
	o = (struct session_opts){ .tls_version = 0x0303, .suite = "ECDHE-ECDSA-AES128-GCM-SHA256" };
	expect_bad(&o, ERR_USAGE, "ECDSA certificate");
	o = (struct session_opts){ .group = "brainpoolP256r1" };
	expect_bad(&o, ERR_USAGE, "brainpoolP256r1");
	o = (struct session_opts){ .suite = "NOT-A-SUITE" };
	expect_bad(&o, ERR_USAGE, "NOT-A-SUITE");
	o = (struct session_opts){ .tls_version = 0x0302 };
	expect_bad(&o, ERR_USAGE, "--tls");
	o = (struct session_opts){ .cert_type = "dsa" };
	expect_bad(&o, ERR_USAGE, "dsa");
	o = (struct session_opts){ .tls_version = 0x0303, .suite = "ECDHE-RSA-AES128-GCM-SHA256", .group = "ffdhe2048" };
	expect_bad(&o, ERR_USAGE, "finite-field");
	o = (struct session_opts){ .path = "no-slash" };
	expect_bad(&o, ERR_USAGE, "--path");
	o = (struct session_opts){ .cert_file = "/etc/hostname" };
	expect_bad(&o, ERR_USAGE, "together");
	o = (struct session_opts){ .cert_file = "/nonexistent/leaf.pem", .key_file = "/nonexistent/key.pem",
				   .ca_file = "/nonexistent/ca.pem" };
	expect_bad(&o, ERR_IO, "/nonexistent/leaf.pem");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_tls12),
		cmocka_unit_test(test_step_gates),
		cmocka_unit_test(test_user_files_and_bad_ca),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
