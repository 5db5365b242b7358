/* The server's RSA private key: loading (PEM or DER, PKCS#1 or PKCS#8) and
 * RSAES-PKCS1-v1_5 decryption of a static-RSA EncryptedPreMasterSecret
 * (RFC 5246 7.4.7.1), with wolfCrypt. */
#include "keys/keystore_int.h"

#include "core/cursor.h"
#include "core/err.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_FILE_MAX (1u << 20)

struct rsa_state {
	RsaKey key;
	WC_RNG rng; /* for blinding */
};

/* Release the RSA key; lock held. */
void keystore_rsa_free(struct keystore *ks)
{
	if (!ks->rsa)
		return;
	wc_FreeRsaKey(&ks->rsa->key);
	wc_FreeRng(&ks->rsa->rng);
	secure_wipe(ks->rsa, sizeof *ks->rsa);
	free(ks->rsa);
	ks->rsa = NULL;
}

/* One DER TLV header with an expected tag; sub covers the value. */
static int der_tlv(struct cursor *c, uint8_t want, const char *field, struct cursor *sub)
{
	uint8_t tag, l8;
	uint32_t len = 0;

	TRY(cursor_u8(c, field, &tag));
	ENSURE(tag == want, ERR_VALUE, "%s: DER tag 0x%02x, expected 0x%02x", field, tag, want);
	TRY(cursor_u8(c, field, &l8));
	if (l8 < 0x80) {
		len = l8;
	} else if (l8 == 0x81) {
		TRY(cursor_u8(c, field, &l8));
		len = l8;
	} else if (l8 == 0x82) {
		uint16_t v;

		TRY(cursor_u16(c, field, &v));
		len = v;
	} else if (l8 == 0x83) {
		TRY(cursor_u24(c, field, &len));
	} else {
		return err_set(ERR_LENGTH, "%s: unsupported DER length form 0x%02x", field, l8);
	}
	return cursor_sub(c, field, len, sub);
}

static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_rsa_pss[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a };
static const uint8_t oid_ec[] = { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_dsa[] = { 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01 };
static const uint8_t oid_x25519[] = { 0x2b, 0x65, 0x6e };
static const uint8_t oid_ed25519[] = { 0x2b, 0x65, 0x70 };
static const uint8_t oid_ed448[] = { 0x2b, 0x65, 0x71 };

/* Name of a key algorithm OID for the refusal message. */
static const char *oid_name(const uint8_t *o, size_t n)
{
#define IS(x) (n == sizeof x && memcmp(o, x, n) == 0)
	if (IS(oid_rsa_pss))
		return "RSA-PSS (cannot decrypt)";
	if (IS(oid_ec))
		return "EC";
	if (IS(oid_dsa))
		return "DSA";
	if (IS(oid_x25519))
		return "X25519";
	if (IS(oid_ed25519))
		return "Ed25519";
	if (IS(oid_ed448))
		return "Ed448";
	return "non-RSA";
#undef IS
}

/* Find the PKCS#1 RSAPrivateKey inside DER: either the whole input or the
 * privateKey OCTET STRING of a PKCS#8 PrivateKeyInfo:
 *   PrivateKeyInfo ::= SEQUENCE { version INTEGER,
 *       privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING, ... }
 *   RSAPrivateKey ::= SEQUENCE { version INTEGER, modulus INTEGER, ... }
 *   ECPrivateKey  ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, ... } */
static int der_find_pkcs1(const uint8_t *der, size_t len, const char *origin,
			  const uint8_t **key, size_t *keylen)
{
	struct cursor c, seq, ver, alg, oid, octets;
	uint8_t next;
	const uint8_t *o;

	cursor_init(&c, der, len, 0);
	if (der_tlv(&c, 0x30, "PrivateKey", &seq) < 0 ||
	    der_tlv(&seq, 0x02, "version", &ver) < 0 || cursor_left(&seq) == 0)
		return err_set(ERR_VALUE, "%s: not a private key (DER structure not recognised)",
			       origin);
	next = seq.p[seq.pos];
	if (next == 0x02) { /* PKCS#1 RSAPrivateKey */
		*key = der;
		*keylen = len;
		return 0;
	}
	if (next == 0x04)
		return err_set(ERR_UNSUPPORTED,
			       "%s: this is an EC private key, not RSA; only an RSA key can "
			       "decrypt a static-RSA key exchange", origin);
	if (next != 0x30 || der_tlv(&seq, 0x30, "privateKeyAlgorithm", &alg) < 0 ||
	    der_tlv(&alg, 0x06, "algorithm", &oid) < 0)
		return err_set(ERR_VALUE, "%s: not a private key (DER structure not recognised)",
			       origin);
	if (cursor_rest(&oid, &o, &len) < 0)
		return err_set(ERR_VALUE, "%s: bad algorithm identifier", origin);
	if (len != sizeof oid_rsa || memcmp(o, oid_rsa, len) != 0)
		return err_set(ERR_UNSUPPORTED,
			       "%s: this is an %s private key, not RSA; only an RSA key can "
			       "decrypt a static-RSA key exchange", origin, oid_name(o, len));
	if (der_tlv(&seq, 0x04, "privateKey", &octets) < 0)
		return err_set(ERR_VALUE, "%s: PKCS#8 key without privateKey", origin);
	return cursor_rest(&octets, key, keylen);
}

/* Is needle in hay[0..n)? */
static bool contains(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

/* Load a server RSA private key from memory (PEM or DER). */
int keystore_load_rsa_key_mem(struct keystore *ks, const uint8_t *buf, size_t len,
			      const char *origin)
{
	uint8_t *der = NULL;
	const uint8_t *pkcs1;
	size_t derlen = 0, pkcs1len;
	struct rsa_state *st = NULL;
	word32 idx = 0;
	int rc;

	ENSURE(ks && buf, ERR_INTERNAL, "RSA key: NULL argument");
	if (!origin)
		origin = "RSA key";
	ENSURE(len > 0 && len <= KEY_FILE_MAX, ERR_LENGTH, "%s: %zu bytes is not a key file",
	       origin, len);
	if (contains(buf, len, "-----BEGIN ")) {
		int n;

		ENSURE(!contains(buf, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") &&
		       !contains(buf, len, "Proc-Type: 4,ENCRYPTED"),
		       ERR_UNSUPPORTED,
		       "%s: the private key is encrypted (password-protected); tlsviz does not "
		       "ask for passwords. Write an unencrypted copy first: "
		       "openssl pkey -in KEY -out plain-key.pem", origin);
		ENSURE(!contains(buf, len, "-----BEGIN EC PRIVATE KEY-----"), ERR_UNSUPPORTED,
		       "%s: this is an EC private key, not RSA; only an RSA key can "
		       "decrypt a static-RSA key exchange", origin);
		ENSURE(contains(buf, len, "-----BEGIN RSA PRIVATE KEY-----") ||
		       contains(buf, len, "-----BEGIN PRIVATE KEY-----"),
		       ERR_VALUE, "%s: no \"RSA PRIVATE KEY\" or \"PRIVATE KEY\" PEM block", origin);
		der = malloc(len);
		ENSURE(der, ERR_NOMEM, "%s: out of memory", origin);
		n = wc_KeyPemToDer(buf, (int)len, der, (int)len, NULL);
		ENSURE_GOTO(n > 0, ERR_VALUE, "%s: PEM private key does not decode (%d)",
			    origin, n);
		derlen = (size_t)n;
	} else {
		der = malloc(len);
		ENSURE(der, ERR_NOMEM, "%s: out of memory", origin);
		memcpy(der, buf, len);
		derlen = len;
	}
	TRY_GOTO(der_find_pkcs1(der, derlen, origin, &pkcs1, &pkcs1len));
	st = calloc(1, sizeof *st);
	ENSURE_GOTO(st, ERR_NOMEM, "%s: out of memory", origin);
	ENSURE_GOTO(wc_InitRsaKey(&st->key, NULL) == 0, ERR_CRYPTO, "%s: RSA init failed",
		    origin);
	rc = wc_RsaPrivateKeyDecode(pkcs1, &idx, &st->key, (word32)pkcs1len);
	if (rc != 0) {
		wc_FreeRsaKey(&st->key);
		rc = err_set(ERR_VALUE, "%s: not a valid RSA private key (wolfCrypt %d)",
			     origin, rc);
		goto out;
	}
	if (wc_InitRng(&st->rng) != 0) {
		wc_FreeRsaKey(&st->key);
		rc = err_set(ERR_CRYPTO, "%s: RNG init failed", origin);
		goto out;
	}
	wc_RsaSetRNG(&st->key, &st->rng);
	pthread_mutex_lock(&ks->lock);
	keystore_rsa_free(ks);
	ks->rsa = st;
	st = NULL;
	pthread_mutex_unlock(&ks->lock);
	rc = 0;
out:
	if (der) {
		secure_wipe(der, len);
		free(der);
	}
	free(st);
	return rc;
}

/* Load a server RSA private key file. */
int keystore_load_rsa_key(struct keystore *ks, const char *path)
{
	FILE *f;
	uint8_t *buf;
	size_t n;
	int rc;

	ENSURE(path, ERR_USAGE, "RSA key: no path");
	f = fopen(path, "rb");
	ENSURE(f, ERR_IO, "RSA key %s: %s", path, strerror(errno));
	buf = malloc(KEY_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		return err_set(ERR_NOMEM, "RSA key %s: out of memory", path);
	}
	n = fread(buf, 1, KEY_FILE_MAX + 1, f);
	if (ferror(f))
		rc = err_set(ERR_IO, "RSA key %s: cannot read: %s", path, strerror(errno));
	else if (n > KEY_FILE_MAX)
		rc = err_set(ERR_LENGTH, "RSA key %s: file too big for a key", path);
	else
		rc = keystore_load_rsa_key_mem(ks, buf, n, path);
	fclose(f);
	secure_wipe(buf, n);
	free(buf);
	return rc;
}

/* True when an RSA private key is loaded. */
bool keystore_has_rsa(struct keystore *ks)
{
	bool has;

	if (!ks)
		return false;
	pthread_mutex_lock(&ks->lock);
	has = ks->rsa != NULL;
	pthread_mutex_unlock(&ks->lock);
	return has;
}

/* RSAES-PKCS1-v1_5 decryption of the EncryptedPreMasterSecret; 48 or error. */
int keystore_rsa_decrypt(struct keystore *ks, const uint8_t *enc, size_t len,
			 uint8_t pms[48])
{
	uint8_t out[1024];
	int rc, mod;

	ENSURE(ks && enc, ERR_INTERNAL, "RSA decrypt: NULL argument");
	pthread_mutex_lock(&ks->lock);
	if (!ks->rsa) {
		rc = err_set(ERR_NOKEY, "RSA decrypt: no server RSA key loaded");
		goto out;
	}
	mod = wc_RsaEncryptSize(&ks->rsa->key);
	if (mod <= 0 || len != (size_t)mod) {
		rc = err_set(ERR_CRYPTO, "RSA decrypt: EncryptedPreMasterSecret is %zu bytes, "
			     "the key's modulus %d: the key does not match", len, mod);
		goto out;
	}
	rc = wc_RsaPrivateDecrypt(enc, (word32)len, out, sizeof out, &ks->rsa->key);
	if (rc < 0) {
		rc = err_set(ERR_CRYPTO, "RSA decrypt: PKCS#1 v1.5 padding check failed: "
			     "the key does not match this connection (wolfCrypt %d)", rc);
		goto out;
	}
	if (rc != 48) {
		rc = err_set(ERR_CRYPTO, "RSA decrypt: premaster secret is %d bytes, not 48: "
			     "the key does not match this connection", rc);
		goto out;
	}
	memcpy(pms, out, 48);
	rc = 48;
out:
	pthread_mutex_unlock(&ks->lock);
	secure_wipe(out, sizeof out);
	return rc;
}
