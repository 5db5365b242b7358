/* TLS 1.2 key material of the live session: premaster secret (recomputed
 * from the ephemeral keys and the public values seen on the wire), master
 * secret (read from wolfSSL before the first encrypted record of a side
 * leaves) and the key block split into MAC keys, keys and IVs. */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/curve25519.h>
#include <wolfssl/wolfcrypt/dh.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/kdf.h>

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "keys/calcline.h"
#include "keys/keys.h"
#include "session/session_int.h"

/* premaster = (EC)DH(own private, peer public); its length or ERR_*. */
static int premaster(struct endpoint *e, const uint8_t *peer, size_t peer_len, uint8_t *out, size_t cap)
{
	struct session *s = e->s;
	word32 n = (word32)cap;
	int ret = -1;

	ENSURE(e->priv_len && peer_len, ERR_NOKEY, "no ephemeral key");
	if (e->gk == GRP_X25519) {
		curve25519_key k, p;

		wc_curve25519_init(&k);
		wc_curve25519_init(&p);
		ret = wc_curve25519_import_private_raw_ex(e->priv, (word32)e->priv_len, e->pub, (word32)e->pub_len,
							  &k, EC25519_LITTLE_ENDIAN);
		if (ret == 0)
			ret = wc_curve25519_import_public_ex(peer, (word32)peer_len, &p, EC25519_LITTLE_ENDIAN);
		if (ret == 0)
			ret = wc_curve25519_shared_secret_ex(&k, &p, out, &n, EC25519_LITTLE_ENDIAN);
		wc_curve25519_free(&k);
		wc_curve25519_free(&p);
	} else if (e->gk == GRP_ECC) {
		ecc_key k, p;

		wc_ecc_init(&k);
		wc_ecc_init(&p);
		ret = wc_ecc_import_private_key_ex(e->priv, (word32)e->priv_len, e->pub, (word32)e->pub_len, &k,
						   e->ecc_curve);
		if (ret == 0)
			ret = wc_ecc_import_x963_ex(peer, (word32)peer_len, &p, e->ecc_curve);
		if (ret == 0)
			ret = wc_ecc_set_rng(&k, &e->rng);
		if (ret == 0)
			ret = wc_ecc_shared_secret(&k, &p, out, &n);
		wc_ecc_free(&k);
		wc_ecc_free(&p);
	} else if (e->gk == GRP_FFDHE) {
		DhKey k;

		if (wc_InitDhKey(&k) == 0) {
			ret = wc_DhSetKey(&k, s->dh_p, (word32)s->dh_p_len, s->dh_g, (word32)s->dh_g_len);
			if (ret == 0)
				ret = wc_DhAgree(&k, out, &n, e->priv, (word32)e->priv_len, peer, (word32)peer_len);
			wc_FreeDhKey(&k);
		}
	}
	ENSURE(ret == 0, ERR_CRYPTO, "premaster computation failed (%d)", ret);
	return (int)n;
}

/* Split and report the key block; warns if wolfSSL's keys differ. */
static void emit_keyblock(struct endpoint *e, const uint8_t ms[48])
{
	struct session *s = e->s;
	uint8_t seed[64], kb[2 * (48 + 32 + 16)];
	size_t mac = wolfSSL_GetCipherType(e->ssl) == WOLFSSL_AEAD_TYPE ? 0 : (size_t)wolfSSL_GetHmacSize(e->ssl);
	size_t key = (size_t)wolfSSL_GetKeySize(e->ssl), iv = (size_t)wolfSSL_GetIVSize(e->ssl);
	size_t total = 2 * (mac + key + iv), off = 0;
	int hash = strstr(s->suite_wolf, "SHA384") ? sha384_mac : sha256_mac;
	const uint8_t *wk;
	char deriv[200], calc[CALC_LINE_MAX], whole[CALC_LINE_MAX];
	enum hash_kind hk = hash == sha384_mac ? HASH_SHA384 : HASH_SHA256;
	static const char *names[6] = { "client_write_mac_key", "server_write_mac_key", "client_write_key",
					"server_write_key",     "client_write_iv",      "server_write_iv" };
	size_t lens[6] = { mac, mac, key, key, iv, iv };

	if (mac > 48 || key > 32 || iv > 16) {
		sess_note(s, "warning", "%s: unexpected key sizes (mac %zu, key %zu, iv %zu)", e->owner == OWNER_CLIENT ? "client" : "server", mac, key, iv);
		return;
	}
	memcpy(seed, s->server_random, 32);
	memcpy(seed + 32, s->client_random, 32);
	if (wc_PRF_TLS(kb, (word32)total, ms, 48, (const byte *)"key expansion", 13, seed, 64, 1, hash, NULL,
		       INVALID_DEVID) != 0) {
		sess_note(s, "warning", "key block: PRF failed");
		return;
	}
	if (calc_line(whole, sizeof whole, CALC_OP_PRF, hk, "xsxu", ms, (size_t)48, "key expansion", seed, sizeof seed,
		      total) < 0)
		whole[0] = '\0';
	keys_emit(e, "key_block", kb, total, "key expansion",
		  "PRF(master_secret, \"key expansion\", server_random + client_random)", whole);
	for (int i = 0; i < 6; i++) {
		if (lens[i] == 0)
			continue;
		snprintf(deriv, sizeof deriv, "key_block[%zu..%zu)", off, off + lens[i]);
		memcpy(calc, whole, sizeof calc);
		if (!calc[0] || calc_line_slice(calc, sizeof calc, off, lens[i]) < 0)
			calc[0] = '\0';
		keys_emit(e, names[i], kb + off, lens[i], NULL, deriv, calc);
		off += lens[i];
	}
	explicit_bzero(whole, sizeof whole);
	explicit_bzero(calc, sizeof calc);
	/* cross-check with the key wolfSSL really uses */
	wk = e->owner == OWNER_CLIENT ? wolfSSL_GetClientWriteKey(e->ssl) : wolfSSL_GetServerWriteKey(e->ssl);
	if (!wk || memcmp(wk, kb + 2 * mac + (e->owner == OWNER_CLIENT ? 0 : key), key) != 0)
		sess_note(s, "warning", "%s write key differs from wolfSSL's: the key block shown is wrong",
			  e->owner == OWNER_CLIENT ? "client" : "server");
	explicit_bzero(kb, sizeof kb);
}

/* Premaster, master and key block of one side, once; stored before the
 * side's ChangeCipherSpec/Finished leave. */
static void tls12_secrets(struct endpoint *e)
{
	struct session *s = e->s;
	uint8_t pms[SESS_MAX_PUB];
	unsigned char *ms = NULL, *sr = NULL, *cr = NULL;
	unsigned int msl = 0, srl = 0, crl = 0;
	const uint8_t *peer = e->owner == OWNER_CLIENT ? s->ske_pub : s->cke_pub;
	size_t peer_len = e->owner == OWNER_CLIENT ? s->ske_pub_len : s->cke_pub_len;
	char deriv[200], calc[CALC_LINE_MAX];
	uint8_t seed[64];
	int n;

	e->premaster_done = true;
	n = premaster(e, peer, peer_len, pms, sizeof pms);
	if (n > 0) {
		snprintf(deriv, sizeof deriv, "%s(%s_ephemeral_private_key, %s public value from the %s)",
			 e->gk == GRP_FFDHE ? "DH" : (e->gk == GRP_X25519 ? "X25519" : "ECDH"),
			 e->owner == OWNER_CLIENT ? "client" : "server",
			 e->owner == OWNER_CLIENT ? "server's" : "client's",
			 e->owner == OWNER_CLIENT ? "ServerKeyExchange" : "ClientKeyExchange");
		keys_emit(e, "premaster_secret", pms, (size_t)n, NULL, deriv, keys_shared_calc(e, peer, peer_len, calc));
	} else {
		sess_note(s, "warning", "%s: premaster secret not recomputed: %s",
			  e->owner == OWNER_CLIENT ? "client" : "server", err_msg());
	}
	/* the master secret's line (the session hash of an extended master
	 * secret is not kept here: no line then) */
	calc[0] = '\0';
	memcpy(seed, s->client_random, 32);
	memcpy(seed + 32, s->server_random, 32);
	if (n > 0 && !s->ems &&
	    calc_line(calc, sizeof calc, CALC_OP_PRF, strstr(s->suite_wolf, "SHA384") ? HASH_SHA384 : HASH_SHA256, "xsxu",
		      pms, (size_t)n, "master secret", seed, sizeof seed, (size_t)48) < 0)
		calc[0] = '\0';
	explicit_bzero(pms, sizeof pms);
	if (wolfSSL_get_keys(e->ssl, &ms, &msl, &sr, &srl, &cr, &crl) != WOLFSSL_SUCCESS || msl != 48) {
		sess_error(s, ERR_NOKEY, "%s: master secret not readable from wolfSSL",
			   e->owner == OWNER_CLIENT ? "client" : "server");
		explicit_bzero(calc, sizeof calc);
		return;
	}
	keys_store(s, KL_CLIENT_RANDOM, ms, 48);
	keys_emit(e, "master_secret", ms, 48, s->ems ? "extended master secret" : "master secret",
		  s->ems ? "PRF(premaster_secret, \"extended master secret\", session_hash = Hash(ClientHello..ClientKeyExchange))"
			 : "PRF(premaster_secret, \"master secret\", client_random + server_random)",
		  calc);
	explicit_bzero(calc, sizeof calc);
	emit_keyblock(e, ms);
}

void keys_before_send(struct endpoint *e, const uint8_t *buf, size_t len)
{
	struct session *s = e->s;

	(void)buf;
	(void)len;
	if (s->version != 0x0303 || e->premaster_done)
		return;
	/* the client's flight carries ClientKeyExchange (just observed); the
	 * server's next flight follows the client's key exchange */
	if (s->cke_pub_len && (e->owner == OWNER_CLIENT || e->flights >= 2))
		tls12_secrets(e);
}

void keys_after_handshake(struct endpoint *e)
{
	struct session *s = e->s;

	if (s->version == 0x0303 && !e->premaster_done) {
		sess_note(s, "warning", "%s: TLS 1.2 secrets were read late (after the handshake)",
			  e->owner == OWNER_CLIENT ? "client" : "server");
		tls12_secrets(e);
	}
	if (e->priv_len == 0 && e->owner == OWNER_CLIENT)
		sess_note(s, "info",
			  "the %s key share was generated inside wolfSSL without a callback: its private value is "
			  "not visible (the shared secret is, as the input of HKDF-Extract)",
			  s->group_name);
}
