/* X25519 and NIST-curve ECDH for `tlsviz calc` (see kex.h), with wolfCrypt. */
#include "keys/kex.h"

#include "core/err.h"
#include "keys/keys.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/curve25519.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/random.h>

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* NamedGroup ids (RFC 8446 4.2.7). */
enum { NG_SECP256R1 = 23, NG_SECP384R1 = 24, NG_SECP521R1 = 25, NG_X25519 = 29 };

static const struct kex_group groups[] = {
	{ "x25519", NG_X25519, 32, 32, 32 },
	{ "secp256r1", NG_SECP256R1, 32, 65, 32 },
	{ "secp384r1", NG_SECP384R1, 48, 97, 48 },
	{ "secp521r1", NG_SECP521R1, 66, 133, 66 },
	{ 0 },
};

const struct kex_group *kex_groups(void)
{
	return groups;
}

const struct kex_group *kex_group_by_name(const char *name)
{
	for (const struct kex_group *g = groups; g->name; g++)
		if (!strcasecmp(g->name, name))
			return g;
	return NULL;
}

/* wolfCrypt's curve id of a NIST group. */
static int ecc_curve(const struct kex_group *g)
{
	switch (g->id) {
	case NG_SECP256R1: return ECC_SECP256R1;
	case NG_SECP384R1: return ECC_SECP384R1;
	default: return ECC_SECP521R1;
	}
}

static int check_lens(const struct kex_group *g, size_t privlen, size_t peerlen, bool want_peer)
{
	ENSURE(privlen == g->priv_len, ERR_VALUE, "%s: the private key is %u bytes, not %zu", g->name,
	       g->priv_len, privlen);
	if (want_peer)
		ENSURE(peerlen == g->pub_len, ERR_VALUE, "%s: the peer's public key is %u bytes%s, not %zu",
		       g->name, g->pub_len, g->id == NG_X25519 ? "" : " (0x04, then x and y)", peerlen);
	return 0;
}

/* RFC 7748 5: the scalar as X25519 uses it. */
static void clamp(uint8_t k[32])
{
	k[0] &= 248;
	k[31] &= 127;
	k[31] |= 64;
}

static int x25519_public(const uint8_t *priv, uint8_t *out)
{
	uint8_t k[32];
	int ret;

	memcpy(k, priv, 32);
	clamp(k);
	/* wc_curve25519_make_pub takes the scalar little-endian, as TLS sends it */
	ret = wc_curve25519_make_pub(32, out, 32, k);
	secure_wipe(k, sizeof k);
	ENSURE(ret == 0, ERR_CRYPTO, "x25519: public key computation failed (%d)", ret);
	return 32;
}

static int x25519_shared(const uint8_t *priv, const uint8_t *peer, uint8_t *out)
{
	curve25519_key me, them;
	uint8_t k[32];
	word32 n = 32;
	int ret, rc;
	static const uint8_t zero[32];

	memcpy(k, priv, 32);
	clamp(k);
	wc_curve25519_init(&me);
	wc_curve25519_init(&them);
	ret = wc_curve25519_import_private_ex(k, 32, &me, EC25519_LITTLE_ENDIAN);
	if (ret == 0)
		ret = wc_curve25519_import_public_ex(peer, 32, &them, EC25519_LITTLE_ENDIAN);
	if (ret == 0)
		ret = wc_curve25519_shared_secret_ex(&me, &them, out, &n, EC25519_LITTLE_ENDIAN);
	wc_curve25519_free(&me);
	wc_curve25519_free(&them);
	secure_wipe(k, sizeof k);
	if (ret == 0 && n == 32 && !bytes_equal_ct(out, zero, 32))
		return 32;
	rc = err_set(ret == 0 || ret == ECC_BAD_ARG_E || ret == ECC_OUT_OF_RANGE_E ? ERR_VALUE : ERR_CRYPTO,
		     "x25519: the peer's public key gives no shared secret (a low-order point; wolfCrypt %d)", ret);
	secure_wipe(out, 32);
	return rc;
}

/* An ecc_key holding priv on g's curve (and its public point). */
static int ecc_load_private(const struct kex_group *g, const uint8_t *priv, ecc_key *key, WC_RNG *rng)
{
	int ret = wc_ecc_import_private_key_ex(priv, (word32)g->priv_len, NULL, 0, key, ecc_curve(g));

	if (ret == 0)
		ret = wc_ecc_set_rng(key, rng);
	if (ret == 0)
		ret = wc_ecc_make_pub_ex(key, NULL, rng);
	ENSURE(ret == 0, ERR_VALUE, "%s: not a private key of this curve (wolfCrypt %d)", g->name, ret);
	return 0;
}

static int ecc_run(const struct kex_group *g, const uint8_t *priv, const uint8_t *peer, uint8_t *out,
		   size_t cap)
{
	ecc_key me, them;
	WC_RNG rng;
	word32 n = (word32)cap;
	int ret, rc;

	if (wc_InitRng(&rng) != 0)
		return err_set(ERR_CRYPTO, "%s: no random number generator", g->name);
	ret = wc_ecc_init(&me);
	if (ret != 0) {
		wc_FreeRng(&rng);
		return err_set(ERR_CRYPTO, "%s: wolfCrypt %d", g->name, ret);
	}
	ret = wc_ecc_init(&them);
	rc = ret == 0 ? ecc_load_private(g, priv, &me, &rng) : err_set(ERR_CRYPTO, "%s: wolfCrypt %d", g->name, ret);
	if (rc == 0 && !peer) {
		ret = wc_ecc_export_x963(&me, out, &n);
		rc = ret == 0 ? (int)n : err_set(ERR_CRYPTO, "%s: exporting the public key failed (%d)", g->name, ret);
	} else if (rc == 0) {
		ret = wc_ecc_import_x963_ex(peer, g->pub_len, &them, ecc_curve(g));
		if (ret == 0)
			ret = wc_ecc_check_key(&them);
		if (ret != 0) {
			rc = err_set(ERR_VALUE, "%s: the peer's public key is not a point on the curve (wolfCrypt %d)",
				     g->name, ret);
		} else {
			ret = wc_ecc_shared_secret(&me, &them, out, &n);
			rc = ret == 0 ? (int)n : err_set(ERR_CRYPTO, "%s: ECDH failed (wolfCrypt %d)", g->name, ret);
		}
	}
	wc_ecc_free(&me);
	wc_ecc_free(&them);
	wc_FreeRng(&rng);
	return rc;
}

int kex_public(const struct kex_group *g, const uint8_t *priv, size_t privlen, uint8_t *out, size_t cap)
{
	TRY(check_lens(g, privlen, 0, false));
	ENSURE(cap >= g->pub_len, ERR_INTERNAL, "%s: output too small", g->name);
	if (g->id == NG_X25519)
		return x25519_public(priv, out);
	return ecc_run(g, priv, NULL, out, cap);
}

int kex_shared(const struct kex_group *g, const uint8_t *priv, size_t privlen, const uint8_t *peer,
	       size_t peerlen, uint8_t *out, size_t cap)
{
	TRY(check_lens(g, privlen, peerlen, true));
	ENSURE(cap >= g->secret_len, ERR_INTERNAL, "%s: output too small", g->name);
	if (g->id == NG_X25519)
		return x25519_shared(priv, peer, out);
	return ecc_run(g, priv, peer, out, cap);
}
