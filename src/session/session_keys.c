/* Key material of the live session, from wolfSSL's PK callbacks.
 *
 * Debian's wolfSSL has no secret/keylog callback, so tlsviz computes every
 * HKDF step itself inside the HKDF-Extract and HKDF-Expand-Label callbacks
 * (same result wolfSSL would get, now visible) and generates the ephemeral
 * key shares in the key-generation callbacks. The expand callback carries no
 * WOLFSSL*, so calls are attributed to the endpoint by thread (each endpoint
 * has its own thread). TLS 1.2's master secret is read with wolfSSL_get_keys
 * in the send callback, before the first encrypted record of that side.
 *
 * wolfSSL 5.5.4 makes TLS 1.3's x25519 key share without the key-generation
 * callback (wc_curve25519_make_key on the connection's generator). So the
 * contexts also get a wolfCrypt crypto-callback device that answers the
 * connection's random-number requests from the endpoint's own generator and
 * remembers the last 32-byte blocks; the block whose X25519 public key is the
 * share on the wire is that private key. It is checked, never guessed: a key
 * is reported only when the recomputed public key equals the bytes sent.
 */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/cryptocb.h>
#include <wolfssl/wolfcrypt/curve25519.h>
#include <wolfssl/wolfcrypt/dh.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/hmac.h>
#include <wolfssl/wolfcrypt/kdf.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/hex.h"
#include "keys/calcline.h"
#include "keys/keylog_write.h"
#include "keys/keys.h"
#include "session/session_int.h"

static __thread struct endpoint *tl_ep;

static void secret_match(struct endpoint *e, const uint8_t *secret, size_t len);

/* "client" or "server" for names and texts. */
static const char *side(const struct endpoint *e)
{
	return e->owner == OWNER_CLIENT ? "client" : "server";
}

/* A secret this endpoint derived earlier, by value; NULL if none. */
static const struct named_secret *find_by_value(const struct endpoint *e, const uint8_t *v, size_t len)
{
	for (int i = 0; i < e->nsec; i++)
		if (e->sec[i].len == len && len && !memcmp(e->sec[i].v, v, len))
			return &e->sec[i];
	return NULL;
}

/* A secret this endpoint derived earlier, by name; NULL if none. */
static const struct named_secret *find_by_name(const struct endpoint *e, const char *name)
{
	for (int i = 0; i < e->nsec; i++)
		if (!strcmp(e->sec[i].name, name))
			return &e->sec[i];
	return NULL;
}

void keys_store(struct session *s, const char *nss_label, const uint8_t *v, size_t len)
{
	uint8_t cr[32], old[SESS_MAX_SECRET];
	bool have;
	int n;

	pthread_mutex_lock(&s->lock);
	have = s->have_cr;
	memcpy(cr, s->client_random, 32);
	if (!have) {
		pthread_mutex_unlock(&s->lock);
		sess_note(s, "warning", "%s derived before the client random was seen: not stored", nss_label);
		return;
	}
	/* both endpoints derive the same secrets: store each once */
	n = s->ks ? keystore_get(s->ks, nss_label, cr, 32, old, sizeof old) : -1;
	if (s->ks && !(n == (int)len && !memcmp(old, v, len)))
		(void)keystore_put(s->ks, nss_label, cr, 32, v, len);
	if (s->klw)
		(void)keylog_writer_add(s->klw, nss_label, cr, v, len);
	pthread_mutex_unlock(&s->lock);
	explicit_bzero(old, sizeof old);
}

void keys_emit(struct endpoint *e, const char *name, const uint8_t *v, size_t len, const char *label,
	       const char *derivation, const char *calc)
{
	struct session *s = e->s;
	struct event ev = { .type = EV_KEY, .dir = e->dir, .conn = e->conn };
	char stage[40];
	const struct named_secret *old = find_by_name(e, name);

	if (old && old->len == len && !memcmp(old->v, v, len))
		return; /* wolfSSL recomputed it (e.g. to verify): shown once */
	if (len <= SESS_MAX_SECRET && (size_t)e->nsec < sizeof e->sec / sizeof e->sec[0]) {
		struct named_secret *n = &e->sec[e->nsec++];

		snprintf(n->name, sizeof n->name, "%s", name);
		memcpy(n->v, v, len);
		n->len = len;
	}
	pthread_mutex_lock(&s->lock);
	snprintf(stage, sizeof stage, "%s", s->cur_stage);
	pthread_mutex_unlock(&s->lock);
	/* the client makes its key share before its first flight has a stage:
	 * the key exists for, and is sent in, the ClientHello */
	if (e->owner == OWNER_CLIENT && !e->wrote)
		snprintf(stage, sizeof stage, "client_hello");
	ev.u.key.name = name;
	ev.u.key.owner = e->owner;
	ev.u.key.value = v;
	ev.u.key.len = len;
	ev.u.key.label = label;
	ev.u.key.derivation = derivation;
	ev.u.key.calc = calc && *calc ? calc : NULL;
	ev.u.key.stage = stage[0] ? stage : NULL;
	sess_emit(s, &ev);
}

/* Digest length of a wolfSSL HMAC type. */
static size_t digest_len(int digest)
{
	switch (digest) {
	case WC_SHA384:
		return 48;
	case WC_SHA512:
		return 64;
	default:
		return 32;
	}
}

/* calc's hash of a wolfSSL HMAC type. */
static enum hash_kind digest_hash(int digest)
{
	return digest == WC_SHA384 ? HASH_SHA384 : HASH_SHA256;
}

/* calc's name of e's key exchange group; NULL for finite-field DH. */
static const char *group_calc_name(const struct endpoint *e)
{
	if (e->gk == GRP_X25519)
		return "x25519";
	if (e->gk != GRP_ECC)
		return NULL;
	switch (e->ecc_curve) {
	case ECC_SECP256R1: return "secp256r1";
	case ECC_SECP384R1: return "secp384r1";
	case ECC_SECP521R1: return "secp521r1";
	default: return NULL;
	}
}

const char *keys_shared_calc(const struct endpoint *e, const uint8_t *peer, size_t peer_len, char *buf)
{
	const char *g = group_calc_name(e);
	int n;

	if (!g || !e->priv_len || !peer_len)
		return NULL;
	if (e->gk == GRP_X25519)
		n = calc_line(buf, CALC_LINE_MAX, CALC_OP_X25519, HASH_NONE, "xx", e->priv, e->priv_len, peer, peer_len);
	else
		n = calc_line(buf, CALC_LINE_MAX, CALC_OP_ECDH, HASH_NONE, "wxx", g, e->priv, e->priv_len, peer,
			      peer_len);
	return n > 0 ? buf : NULL;
}

/* The other endpoint of e's connection. */
static const struct endpoint *peer_of(const struct endpoint *e)
{
	return e == &e->s->cli ? &e->s->srv : &e->s->cli;
}

/* HKDF-Extract callback: early, handshake and master secret (TLS 1.3). */
static int cb_extract(byte *prk, const byte *salt, word32 salt_len, byte *ikm, word32 ikm_len, int digest,
		      void *ctx)
{
	struct endpoint *e = ctx ? ctx : tl_ep;
	uint8_t ikm_copy[SESS_MAX_PUB];
	size_t hl = digest_len(digest), il = ikm_len;
	const struct named_secret *parent;
	char deriv[256], calc[CALC_LINE_MAX], share_calc[CALC_LINE_MAX];
	const char *shared = NULL;
	int ret;

	if (il > sizeof ikm_copy)
		il = 0;
	if (il)
		memcpy(ikm_copy, ikm, il);
	ret = wc_Tls13_HKDF_Extract(prk, salt, (int)salt_len, ikm, (int)ikm_len, digest);
	if (ret != 0 || !e)
		return ret;
	calc[0] = '\0';
	if (ikm_len == 0) {
		/* wolfCrypt reads no IKM as Hash.length zero bytes (RFC 8446's "0") */
		memset(ikm_copy, 0, hl);
		(void)calc_line(calc, sizeof calc, CALC_OP_EXTRACT, digest_hash(digest), "xx", salt, (size_t)salt_len,
				ikm_copy, hl);
	} else if (il) {
		(void)calc_line(calc, sizeof calc, CALC_OP_EXTRACT, digest_hash(digest), "xx", salt, (size_t)salt_len,
				ikm_copy, il);
	}
	parent = salt_len ? find_by_value(e, salt, salt_len) : NULL;
	if (parent && !strcmp(parent->name, "early_derived_secret")) {
		const char *what = e->s->gk == GRP_FFDHE ? "dhe_shared_secret" : "ecdhe_shared_secret";

		snprintf(deriv, sizeof deriv, "%s(own ephemeral private key, peer key_share) for %s",
			 e->s->gk == GRP_FFDHE ? "DH" : (e->s->gk == GRP_X25519 ? "X25519" : "ECDH"),
			 e->s->group_name);
		secret_match(e, ikm_copy, il);
		if (e->gk != GRP_FFDHE)
			shared = keys_shared_calc(e, peer_of(e)->pub, peer_of(e)->pub_len, share_calc);
		if (il)
			keys_emit(e, what, ikm_copy, il, NULL, deriv, shared);
		snprintf(deriv, sizeof deriv, "HKDF-Extract(salt=early_derived_secret, IKM=%s)", what);
		keys_emit(e, "handshake_secret", prk, hl, NULL, deriv, calc);
	} else if (parent && !strcmp(parent->name, "handshake_derived_secret")) {
		keys_emit(e, "master_secret", prk, hl, NULL,
			  "HKDF-Extract(salt=handshake_derived_secret, IKM=0 (Hash.length zero bytes))", calc);
	} else if (!find_by_name(e, "early_secret")) {
		bool psk = false;

		for (size_t i = 0; i < il; i++)
			psk |= ikm_copy[i] != 0;
		keys_emit(e, "early_secret", prk, hl, NULL,
			  psk ? "HKDF-Extract(salt=0, IKM=PSK = resumption_psk of the ticket from the earlier connection)"
			      : "HKDF-Extract(salt=0, IKM=0 (no PSK: Hash.length zero bytes))",
			  calc);
	}
	explicit_bzero(ikm_copy, sizeof ikm_copy);
	explicit_bzero(calc, sizeof calc);
	explicit_bzero(share_calc, sizeof share_calc);
	return 0;
}

struct expand_name {
	const char *label;
	const char *name;    /* result */
	const char *context; /* what the info is */
	const char *nss;     /* key log label, or NULL */
};

static const struct expand_name expand_names[] = {
	{ "c hs traffic", "client_handshake_traffic_secret", "Transcript-Hash(ClientHello..ServerHello)", KL_CLIENT_HS },
	{ "s hs traffic", "server_handshake_traffic_secret", "Transcript-Hash(ClientHello..ServerHello)", KL_SERVER_HS },
	{ "c ap traffic", "client_application_traffic_secret_0", "Transcript-Hash(ClientHello..server Finished)", KL_CLIENT_AP },
	{ "s ap traffic", "server_application_traffic_secret_0", "Transcript-Hash(ClientHello..server Finished)", KL_SERVER_AP },
	{ "exp master", "exporter_master_secret", "Transcript-Hash(ClientHello..server Finished)", KL_EXPORTER },
	{ "res master", "resumption_master_secret", "Transcript-Hash(ClientHello..client Finished)", NULL },
	{ "e exp master", "early_exporter_master_secret", "Transcript-Hash(ClientHello)", NULL },
	{ "c e traffic", "client_early_traffic_secret", "Transcript-Hash(ClientHello)", NULL },
	{ "ext binder", "binder_key", "Transcript-Hash(\"\")", NULL },
	{ "res binder", "binder_key", "Transcript-Hash(\"\")", NULL },
};

/* Name of the output of key/iv/finished/derived from its parent secret. */
static void child_name(const char *parent, const char *label, char *out, size_t cap)
{
	char base[48];
	char *p;

	snprintf(base, sizeof base, "%s", parent);
	if (!strcmp(label, "finished")) {
		/* client_handshake_traffic_secret -> client_finished_key */
		p = strchr(base, '_');
		if (p)
			*p = 0;
		snprintf(out, cap, "%s_finished_key", base);
		return;
	}
	if (!strcmp(label, "derived")) {
		/* early_secret -> early_derived_secret */
		p = strstr(base, "_secret");
		if (p)
			*p = 0;
		snprintf(out, cap, "%s_derived_secret", base);
		return;
	}
	if (!strcmp(label, "traffic upd")) {
		/* client_application_traffic_secret_N -> ..._secret_N+1 */
		p = strrchr(base, '_');
		if (p && p[1] >= '0' && p[1] <= '9') {
			*p = 0;
			snprintf(out, cap, "%s_%ld", base, strtol(p + 1, NULL, 10) + 1);
		} else {
			snprintf(out, cap, "%s_next", base);
		}
		return;
	}
	/* client_handshake_traffic_secret -> client_handshake_traffic_key / _iv,
	 * client_application_traffic_secret_0 -> client_application_traffic_key_0 */
	p = strstr(base, "secret");
	if (p) {
		*p = 0;
		snprintf(out, cap, "%s%s%s", base, label, p + 6);
	} else {
		snprintf(out, cap, "%s_%s", base, label);
	}
}

/* HKDF-Expand-Label callback: every derived TLS 1.3 secret, key and IV. */
static int cb_expand(byte *okm, word32 okm_len, const byte *prk, word32 prk_len, const byte *protocol,
		     word32 protocol_len, const byte *label, word32 label_len, const byte *info,
		     word32 info_len, int digest, int sd)
{
	struct endpoint *e = tl_ep;
	const struct named_secret *parent;
	char lab[32], name[128], deriv[400], ih[2 * 64 + 1], calc[CALC_LINE_MAX];
	const char *nss = NULL;
	uint8_t prk_copy[SESS_MAX_SECRET];
	size_t pl = prk_len <= sizeof prk_copy ? prk_len : 0;
	int ret;

	(void)sd;
	/* a KeyUpdate expands the secret in place (okm == prk): name the parent first */
	if (pl)
		memcpy(prk_copy, prk, pl);
	ret = wc_Tls13_HKDF_Expand_Label(okm, okm_len, prk, prk_len, protocol, protocol_len, label, label_len,
					 info, info_len, digest);
	if (ret != 0 || !e || label_len >= sizeof lab || okm_len > SESS_MAX_SECRET) {
		explicit_bzero(prk_copy, sizeof prk_copy);
		return ret;
	}
	memcpy(lab, label, label_len);
	lab[label_len] = 0;
	parent = pl ? find_by_value(e, prk_copy, pl) : NULL;
	calc[0] = '\0';
	if (pl && protocol_len == 6 && !memcmp(protocol, "tls13 ", 6))
		(void)calc_line(calc, sizeof calc, CALC_OP_EXPAND_LABEL, digest_hash(digest), "xsxu", prk_copy, pl, lab,
				info, (size_t)info_len, (size_t)okm_len);
	explicit_bzero(prk_copy, sizeof prk_copy);
	ih[0] = 0;
	if (info_len <= 64)
		hex_encode(info, info_len, ih);
	for (size_t i = 0; i < sizeof expand_names / sizeof expand_names[0]; i++) {
		if (strcmp(lab, expand_names[i].label))
			continue;
		snprintf(name, sizeof name, "%s", expand_names[i].name);
		snprintf(deriv, sizeof deriv, "HKDF-Expand-Label(%s, \"%s\", %s = %s, %u)",
			 parent ? parent->name : "?", lab, expand_names[i].context, ih, okm_len);
		nss = expand_names[i].nss;
		goto emit;
	}
	if (!strcmp(lab, "resumption")) {
		snprintf(name, sizeof name, "resumption_psk");
		snprintf(deriv, sizeof deriv, "HKDF-Expand-Label(resumption_master_secret, \"resumption\", ticket_nonce = %s, %u)",
			 ih, okm_len);
		goto emit;
	}
	child_name(parent ? parent->name : "unknown_secret", lab, name, sizeof name);
	if (!strcmp(lab, "traffic upd"))
		snprintf(deriv, sizeof deriv, "HKDF-Expand-Label(%s, \"traffic upd\", \"\", %u) (KeyUpdate: next generation)",
			 parent ? parent->name : "?", okm_len);
	else if (!strcmp(lab, "derived"))
		snprintf(deriv, sizeof deriv, "Derive-Secret(%s, \"derived\", \"\") = HKDF-Expand-Label(%s, \"derived\", Transcript-Hash(\"\") = %s, %u)",
			 parent ? parent->name : "?", parent ? parent->name : "?", ih, okm_len);
	else
		snprintf(deriv, sizeof deriv, "HKDF-Expand-Label(%s, \"%s\", \"\", %u)", parent ? parent->name : "?",
			 lab, okm_len);
emit:
	/* into the keystore first: the record it protects may be written next */
	if (nss)
		keys_store(e->s, nss, okm, okm_len);
	keys_emit(e, name, okm, okm_len, lab, deriv, calc);
	explicit_bzero(calc, sizeof calc);
	return 0;
}

/* Report a freshly generated ephemeral key pair. */
static void emit_keypair(struct endpoint *e, const char *algo)
{
	char name[64], deriv[200], calc[CALC_LINE_MAX];
	const char *g = group_calc_name(e);

	snprintf(name, sizeof name, "%s_ephemeral_private_key", side(e));
	snprintf(deriv, sizeof deriv, "%s key generation with the %s's random number generator", algo, side(e));
	if (e->priv_len)
		keys_emit(e, name, e->priv, e->priv_len, NULL, deriv, NULL);
	calc[0] = '\0';
	if (g && e->priv_len)
		(void)calc_line(calc, sizeof calc, CALC_OP_PUBLIC, HASH_NONE, "wx", g, e->priv, e->priv_len);
	snprintf(name, sizeof name, "%s_ephemeral_public_key", side(e));
	/* TLS 1.3 sends it in the hello's key_share; TLS 1.2 in a key exchange message */
	snprintf(deriv, sizeof deriv, "%s public key from %s_ephemeral_private_key (sent in %s)", algo, side(e),
		 e->s->version == 0x0304 ? (e->owner == OWNER_CLIENT ? "the ClientHello's key_share"
								    : "the ServerHello's key_share")
					 : (e->owner == OWNER_CLIENT ? "ClientKeyExchange" : "ServerKeyExchange"));
	keys_emit(e, name, e->pub, e->pub_len, NULL, deriv, calc);
	explicit_bzero(calc, sizeof calc);
}

/* X25519 key share generation (TLS 1.3 key_share, TLS 1.2 ECDHE). */
static int cb_x25519_keygen(WOLFSSL *ssl, curve25519_key *key, unsigned int key_sz, void *ctx)
{
	struct endpoint *e = tl_ep;
	word32 pl = sizeof e->priv, ql = sizeof e->pub;
	int ret;

	(void)ssl;
	(void)ctx;
	if (!e || !e->rng_ok)
		return BAD_FUNC_ARG;
	ret = wc_curve25519_make_key(&e->rng, (int)key_sz, key);
	if (ret != 0)
		return ret;
	if (wc_curve25519_export_private_raw_ex(key, e->priv, &pl, EC25519_LITTLE_ENDIAN) == 0 &&
	    wc_curve25519_export_public_ex(key, e->pub, &ql, EC25519_LITTLE_ENDIAN) == 0) {
		e->priv_len = pl;
		e->pub_len = ql;
		e->gk = GRP_X25519;
		emit_keypair(e, "X25519");
	}
	return 0;
}

/* ECC (P-256/384/521) key share generation. */
static int cb_ecc_keygen(WOLFSSL *ssl, ecc_key *key, unsigned int key_sz, int curve, void *ctx)
{
	struct endpoint *e = tl_ep;
	word32 pl = sizeof e->priv, ql = sizeof e->pub;
	int ret;

	(void)ssl;
	(void)ctx;
	if (!e || !e->rng_ok)
		return BAD_FUNC_ARG;
	ret = wc_ecc_make_key_ex(&e->rng, (int)key_sz, key, curve);
	if (ret != 0)
		return ret;
	if (wc_ecc_export_private_only(key, e->priv, &pl) == 0 && wc_ecc_export_x963(key, e->pub, &ql) == 0) {
		e->priv_len = pl;
		e->pub_len = ql;
		e->ecc_curve = curve;
		e->gk = GRP_ECC;
		emit_keypair(e, "ECDH");
	}
	return 0;
}

/* Finite-field DH key pair generation (TLS 1.2 DHE). */
static int cb_dh_keygen(DhKey *key, WC_RNG *rng, byte *priv, word32 *priv_sz, byte *pub, word32 *pub_sz)
{
	struct endpoint *e = tl_ep;
	int ret = wc_DhGenerateKeyPair(key, rng, priv, priv_sz, pub, pub_sz);

	if (ret != 0 || !e || *priv_sz > sizeof e->priv || *pub_sz > sizeof e->pub)
		return ret;
	memcpy(e->priv, priv, *priv_sz);
	memcpy(e->pub, pub, *pub_sz);
	e->priv_len = *priv_sz;
	e->pub_len = *pub_sz;
	e->gk = GRP_FFDHE;
	emit_keypair(e, "Finite-field DH");
	return 0;
}

/* The crypto-callback device id of tlsviz's contexts ("tvz"). */
#define KEYS_DEVID 0x74767a

/* wolfCrypt crypto callback: random blocks for the bound endpoint's
 * connection come from its own generator (and the 32-byte ones are kept);
 * everything else, and any other thread, falls back to wolfCrypt. */
static int cb_device(int devid, wc_CryptoInfo *info, void *ctx)
{
	struct endpoint *e = tl_ep;

	(void)devid;
	(void)ctx;
	if (info->algo_type != WC_ALGO_TYPE_RNG || !e || !e->rng_ok || !info->rng.out)
		return CRYPTOCB_UNAVAILABLE;
	if (wc_RNG_GenerateBlock(&e->rng, info->rng.out, info->rng.sz) != 0)
		return CRYPTOCB_UNAVAILABLE;
	if (info->rng.sz == 32)
		memcpy(e->draws[e->ndraws++ % SESS_DRAWS], info->rng.out, 32);
	return 0;
}

static pthread_once_t device_once = PTHREAD_ONCE_INIT;
static bool device_ok;

static void device_register(void)
{
	device_ok = wc_CryptoCb_RegisterDevice(KEYS_DEVID, cb_device, NULL) == 0;
}

/* Random block i of e as an X25519 private key: wc_curve25519_make_priv
 * clamps the block (RFC 7748 5). */
static void draw_key(const struct endpoint *e, unsigned i, uint8_t k[32])
{
	memcpy(k, e->draws[i], 32);
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
}

/* Report k (whose public key is pub) as e's X25519 key pair; forget the draws. */
static void draw_found(struct endpoint *e, const uint8_t k[32], const uint8_t pub[32])
{
	memcpy(e->priv, k, 32);
	memcpy(e->pub, pub, 32);
	e->priv_len = e->pub_len = 32;
	e->gk = GRP_X25519;
	emit_keypair(e, "X25519");
	explicit_bzero(e->draws, sizeof e->draws);
	e->ndraws = 0;
}

static unsigned draws_held(const struct endpoint *e)
{
	return e->ndraws < SESS_DRAWS ? e->ndraws : SESS_DRAWS;
}

bool keys_share_match(struct endpoint *e, uint16_t group, const uint8_t *pub, size_t len)
{
	uint8_t k[32], p[32];
	bool found = false;

	if (group != 0x001d || len != 32)
		return false;
	for (unsigned i = 0; i < draws_held(e) && !found; i++) {
		draw_key(e, i, k);
		found = wc_curve25519_make_pub(32, p, 32, k) == 0 && !memcmp(p, pub, 32);
	}
	if (found)
		draw_found(e, k, pub);
	explicit_bzero(k, sizeof k);
	return found;
}

/* The server's x25519 key pair, found when its shared secret is known (so
 * it is shown before the secret): the random block d with X25519(d, the
 * client's share) = the shared secret wolfSSL computed. */
static void secret_match(struct endpoint *e, const uint8_t *secret, size_t len)
{
	struct session *s = e->s;
	uint8_t peer[32], k[32], p[32], out[32];
	curve25519_key a, b;
	bool have, found = false;

	if (e->priv_len || len != 32 || s->group_id != WOLFSSL_ECC_X25519)
		return;
	pthread_mutex_lock(&s->lock);
	have = s->have_ch_x25519;
	memcpy(peer, s->ch_x25519, 32);
	pthread_mutex_unlock(&s->lock);
	if (!have || wc_curve25519_init(&b) != 0)
		return;
	if (wc_curve25519_import_public_ex(peer, 32, &b, EC25519_LITTLE_ENDIAN) == 0) {
		for (unsigned i = 0; i < draws_held(e) && !found; i++) {
			word32 n = sizeof out;

			draw_key(e, i, k);
			if (wc_curve25519_make_pub(32, p, 32, k) != 0 || wc_curve25519_init(&a) != 0)
				continue;
			found = wc_curve25519_import_private_raw_ex(k, 32, p, 32, &a, EC25519_LITTLE_ENDIAN) == 0 &&
				wc_curve25519_shared_secret_ex(&a, &b, out, &n, EC25519_LITTLE_ENDIAN) == 0 &&
				n == 32 && !memcmp(out, secret, 32);
			wc_curve25519_free(&a);
		}
	}
	wc_curve25519_free(&b);
	if (found)
		draw_found(e, k, p);
	explicit_bzero(k, sizeof k);
	explicit_bzero(out, sizeof out);
}

void keys_install(WOLFSSL_CTX *ctx)
{
	pthread_once(&device_once, device_register);
	if (device_ok)
		(void)wolfSSL_CTX_SetDevId(ctx, KEYS_DEVID);
	wolfSSL_CTX_SetHKDFExtractCb(ctx, cb_extract);
	wolfSSL_CTX_SetHKDFExpandLabelCb(ctx, cb_expand);
	wolfSSL_CTX_SetX25519KeyGenCb(ctx, cb_x25519_keygen);
	wolfSSL_CTX_SetEccKeyGenCb(ctx, cb_ecc_keygen);
	wolfSSL_CTX_SetDhGenerateKeyPair(ctx, cb_dh_keygen);
}

void keys_bind_thread(struct endpoint *e)
{
	tl_ep = e;
	if (!e->rng_ok)
		e->rng_ok = wc_InitRng(&e->rng) == 0;
}

