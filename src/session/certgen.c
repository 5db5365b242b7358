/* Run-time certificate generation for the live session (wolfCrypt CERT_GEN).
 *
 * A teaching tool must not ship a fixed private key, so every session makes
 * its own CA and leaf. The CA is of the same key type as the leaf so the
 * whole chain is signed with the algorithm the user chose.
 */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/rsa.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "session/certgen.h"

#define CERT_MAX 4096
#define KEY_MAX 4096

/* One key of either type. */
struct gkey {
	enum cert_kind kind;
	RsaKey rsa;
	ecc_key ecc;
	int inited;
};

/* Generate a key pair of the requested kind. */
static int gkey_make(struct gkey *k, enum cert_kind kind, WC_RNG *rng)
{
	k->kind = kind;
	if (kind == CERT_RSA2048) {
		ENSURE(wc_InitRsaKey(&k->rsa, NULL) == 0, ERR_CRYPTO, "certgen: RSA init failed");
		k->inited = 1;
		ENSURE(wc_MakeRsaKey(&k->rsa, 2048, WC_RSA_EXPONENT, rng) == 0, ERR_CRYPTO,
		       "certgen: RSA-2048 key generation failed");
	} else {
		ENSURE(wc_ecc_init(&k->ecc) == 0, ERR_CRYPTO, "certgen: ECC init failed");
		k->inited = 1;
		ENSURE(wc_ecc_make_key_ex(rng, 32, &k->ecc, ECC_SECP256R1) == 0, ERR_CRYPTO,
		       "certgen: P-256 key generation failed");
	}
	return 0;
}

/* Free (and so wipe) a key. */
static void gkey_free(struct gkey *k)
{
	if (!k->inited)
		return;
	if (k->kind == CERT_RSA2048)
		wc_FreeRsaKey(&k->rsa);
	else
		wc_ecc_free(&k->ecc);
	k->inited = 0;
}

/* Fill the fields both certificates share. */
static void cert_common(Cert *c, const struct gkey *subj, const char *cn)
{
	c->sigType = subj->kind == CERT_RSA2048 ? CTC_SHA256wRSA : CTC_SHA256wECDSA;
	c->daysValid = 30;
	c->version = 2; /* X.509 v3 */
	strncpy(c->subject.country, "ZZ", CTC_NAME_SIZE - 1);
	strncpy(c->subject.org, "tlsviz", CTC_NAME_SIZE - 1);
	strncpy(c->subject.unit, "live session", CTC_NAME_SIZE - 1);
	strncpy(c->subject.commonName, cn, CTC_NAME_SIZE - 1);
}

/* Make the certificate body for subj's public key and sign it with signer. */
static int cert_sign(Cert *c, struct gkey *subj, struct gkey *signer, WC_RNG *rng,
		     uint8_t *der, size_t cap)
{
	int n;

	n = wc_MakeCert(c, der, (word32)cap, subj->kind == CERT_RSA2048 ? &subj->rsa : NULL,
			subj->kind == CERT_ECDSA_P256 ? &subj->ecc : NULL, rng);
	ENSURE(n > 0, ERR_CRYPTO, "certgen: wc_MakeCert failed (%d)", n);
	n = wc_SignCert(c->bodySz, c->sigType, der, (word32)cap,
			signer->kind == CERT_RSA2048 ? &signer->rsa : NULL,
			signer->kind == CERT_ECDSA_P256 ? &signer->ecc : NULL, rng);
	ENSURE(n > 0, ERR_CRYPTO, "certgen: wc_SignCert failed (%d)", n);
	return n;
}

/* Copy n bytes into a fresh allocation. */
static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);

	if (q)
		memcpy(q, p, n);
	return q;
}

/* SubjectAltName: SEQUENCE { dNSName host [, iPAddress 127.0.0.1] } into out;
 * its length, or 0 when it does not fit. */
static size_t san_make(const char *host, uint8_t *out, size_t cap)
{
	size_t hl = strlen(host);
	bool ip = !strcmp(host, "localhost");
	size_t body = 2 + hl + (ip ? 6 : 0);

	if (hl > 100 || body + 2 > cap)
		return 0;
	out[0] = 0x30;
	out[1] = (uint8_t)body;
	out[2] = 0x82;
	out[3] = (uint8_t)hl;
	memcpy(out + 4, host, hl);
	if (ip)
		memcpy(out + 4 + hl, "\x87\x04\x7f\x00\x00\x01", 6);
	return body + 2;
}

/* Issue an end-entity certificate for subj, signed by ca. */
static int leaf_issue(Cert *c, struct gkey *subj, struct gkey *ca, const uint8_t *ca_der, int ca_len,
		      const char *cn, const uint8_t *san, size_t san_len, const char *eku, WC_RNG *rng,
		      uint8_t *der)
{
	enum cert_kind kind = subj->kind;

	ENSURE(wc_InitCert(c) == 0, ERR_CRYPTO, "certgen: wc_InitCert failed");
	cert_common(c, subj, cn);
	c->isCA = 0;
	ENSURE(wc_SetIssuerBuffer(c, ca_der, ca_len) == 0, ERR_CRYPTO, "certgen: issuer");
	if (san_len) {
		memcpy(c->altNames, san, san_len);
		c->altNamesSz = (int)san_len;
	}
	ENSURE(wc_SetKeyUsage(c, kind == CERT_RSA2048 ? "digitalSignature,keyEncipherment"
						       : "digitalSignature") == 0,
	       ERR_CRYPTO, "certgen: leaf key usage");
	ENSURE(wc_SetExtKeyUsage(c, eku) == 0, ERR_CRYPTO, "certgen: ext key usage");
	ENSURE(wc_SetSubjectKeyIdFromPublicKey(c, kind == CERT_RSA2048 ? &subj->rsa : NULL,
					       kind == CERT_ECDSA_P256 ? &subj->ecc : NULL) == 0,
	       ERR_CRYPTO, "certgen: leaf subject key id");
	ENSURE(wc_SetAuthKeyIdFromCert(c, ca_der, ca_len) == 0, ERR_CRYPTO, "certgen: authority key id");
	return cert_sign(c, subj, ca, rng, der, CERT_MAX);
}

/* DER of a private key. */
static int key_export(struct gkey *k, uint8_t *der)
{
	int n = k->kind == CERT_RSA2048 ? wc_RsaKeyToDer(&k->rsa, der, KEY_MAX) : wc_EccKeyToDer(&k->ecc, der, KEY_MAX);

	ENSURE(n > 0, ERR_CRYPTO, "certgen: private key export failed (%d)", n);
	return n;
}

int certgen_make(enum cert_kind kind, struct identity *out)
{
	return certgen_make_ex(kind, "localhost", false, out);
}

int certgen_make_ex(enum cert_kind kind, const char *host, bool client, struct identity *out)
{
	uint8_t san[128];
	size_t san_len;
	struct gkey ca = { 0 }, leaf = { 0 }, cli = { 0 };
	WC_RNG rng;
	Cert *c = NULL;
	uint8_t *ca_der = NULL, *leaf_der = NULL, *key_der = NULL, *cli_der = NULL, *cli_key = NULL;
	int ca_len = 0, leaf_len = 0, key_len = 0, cli_len = 0, cli_key_len = 0;
	int rc = 0, rng_ok = 0;

	memset(out, 0, sizeof *out);
	ENSURE(kind == CERT_RSA2048 || kind == CERT_ECDSA_P256, ERR_USAGE, "certgen: bad key type");
	san_len = san_make(host ? host : "localhost", san, sizeof san);
	ENSURE(san_len, ERR_USAGE, "certgen: host name too long");
	c = calloc(1, sizeof *c);
	ca_der = malloc(CERT_MAX);
	leaf_der = malloc(CERT_MAX);
	key_der = malloc(KEY_MAX);
	cli_der = malloc(CERT_MAX);
	cli_key = malloc(KEY_MAX);
	ENSURE_GOTO(c && ca_der && leaf_der && key_der && cli_der && cli_key, ERR_NOMEM, "certgen: out of memory");
	ENSURE_GOTO(wc_InitRng(&rng) == 0, ERR_CRYPTO, "certgen: RNG init failed");
	rng_ok = 1;
	TRY_GOTO(gkey_make(&ca, kind, &rng));
	TRY_GOTO(gkey_make(&leaf, kind, &rng));

	/* the CA: self-signed, keyCertSign */
	ENSURE_GOTO(wc_InitCert(c) == 0, ERR_CRYPTO, "certgen: wc_InitCert failed");
	cert_common(c, &ca, "tlsviz demo CA");
	c->isCA = 1;
	ENSURE_GOTO(wc_SetKeyUsage(c, "keyCertSign,cRLSign,digitalSignature") == 0, ERR_CRYPTO,
		    "certgen: CA key usage");
	ENSURE_GOTO(wc_SetSubjectKeyIdFromPublicKey(c, kind == CERT_RSA2048 ? &ca.rsa : NULL,
						    kind == CERT_ECDSA_P256 ? &ca.ecc : NULL) == 0,
		    ERR_CRYPTO, "certgen: CA subject key id");
	TRY_GOTO(ca_len = cert_sign(c, &ca, &ca, &rng, ca_der, CERT_MAX));

	/* the leaf: host, issued by the CA */
	TRY_GOTO(leaf_len = leaf_issue(c, &leaf, &ca, ca_der, ca_len, host ? host : "localhost", san, san_len,
				       "serverAuth", &rng, leaf_der));
	TRY_GOTO(key_len = key_export(&leaf, key_der));
	if (client) {
		TRY_GOTO(gkey_make(&cli, kind, &rng));
		TRY_GOTO(cli_len = leaf_issue(c, &cli, &ca, ca_der, ca_len, "tlsviz client", NULL, 0, "clientAuth",
					      &rng, cli_der));
		TRY_GOTO(cli_key_len = key_export(&cli, cli_key));
	}

	out->kind = kind;
	out->ca_der = dup_bytes(ca_der, (size_t)ca_len);
	out->leaf_der = dup_bytes(leaf_der, (size_t)leaf_len);
	out->key_der = dup_bytes(key_der, (size_t)key_len);
	out->ca_len = (size_t)ca_len;
	out->leaf_len = (size_t)leaf_len;
	out->key_len = (size_t)key_len;
	if (client) {
		out->client_der = dup_bytes(cli_der, (size_t)cli_len);
		out->client_key_der = dup_bytes(cli_key, (size_t)cli_key_len);
		out->client_len = (size_t)cli_len;
		out->client_key_len = (size_t)cli_key_len;
	}
	if (!out->ca_der || !out->leaf_der || !out->key_der ||
	    (client && (!out->client_der || !out->client_key_der))) {
		certgen_free(out);
		rc = err_set(ERR_NOMEM, "certgen: out of memory");
	}
out:
	gkey_free(&ca);
	gkey_free(&leaf);
	gkey_free(&cli);
	if (rng_ok)
		wc_FreeRng(&rng);
	if (key_der)
		explicit_bzero(key_der, KEY_MAX);
	if (cli_key)
		explicit_bzero(cli_key, KEY_MAX);
	free(key_der);
	free(cli_key);
	free(cli_der);
	free(ca_der);
	free(leaf_der);
	free(c);
	return rc < 0 ? rc : 0;
}

void certgen_free(struct identity *id)
{
	if (id->key_der)
		explicit_bzero(id->key_der, id->key_len);
	if (id->client_key_der)
		explicit_bzero(id->client_key_der, id->client_key_len);
	free(id->key_der);
	free(id->client_key_der);
	free(id->client_der);
	free(id->ca_der);
	free(id->leaf_der);
	memset(id, 0, sizeof *id);
}
