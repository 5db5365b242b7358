/* Certificate summaries through wolfSSL's X509 API. */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/openssl/evp.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "tls/cert.h"

#include "core/err.h"
#include "core/hex.h"

#include <stdio.h>
#include <string.h>

/* wolfSSL takes non-const DER pointers and int lengths; refuse what does not fit. */
#define CERT_MAX_DER (1u << 24)

/* Key algorithm OID sums as wolfSSL reports them (wolfcrypt/asn.h Key_Sum). */
enum { CERT_KEY_DSA = 515, CERT_KEY_RSA = 645, CERT_KEY_RSAPSS = 654,
       CERT_KEY_EC = 518, CERT_KEY_ED25519 = 256, CERT_KEY_ED448 = 257 };

/* Public key type and size: "RSA 2048 bits", "EC 256 bits", "Ed25519". */
static void cert_key_text(WOLFSSL_X509 *x, char *out, size_t cap)
{
	WOLFSSL_EVP_PKEY *pk = wolfSSL_X509_get_pubkey(x);
	int type = wolfSSL_X509_get_pubkey_type(x);
	int bits = pk ? wolfSSL_EVP_PKEY_bits(pk) : 0;
	const char *name;

	switch (type) {
	case CERT_KEY_RSA: name = "RSA"; break;
	case CERT_KEY_RSAPSS: name = "RSA-PSS"; break;
	case CERT_KEY_EC: name = "EC"; break;
	case CERT_KEY_DSA: name = "DSA"; break;
	case CERT_KEY_ED25519: name = "Ed25519"; bits = 256; break;
	case CERT_KEY_ED448: name = "Ed448"; bits = 456; break;
	default: name = "unknown key type"; break;
	}
	if (bits > 0)
		snprintf(out, cap, "%s %d bits", name, bits);
	else
		snprintf(out, cap, "%s", name);
	if (pk)
		wolfSSL_EVP_PKEY_free(pk);
}

/* Make wolfSSL's text safe to show: always terminated, control bytes and
 * non-ASCII replaced (a hostile certificate can hold anything). */
static const char *cert_clean(char *buf, size_t cap)
{
	buf[cap - 1] = '\0';
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return buf;
}

/* Add the summary fields of one certificate. */
void cert_summarize(struct fields *fl, int depth, const uint8_t *der, size_t len, uint64_t off)
{
	WOLFSSL_X509 *x;
	char buf[1024];
	unsigned char serial[64];
	int slen = sizeof serial;
	uint8_t fp[32];
	char hexbuf[2 * 64 + 1];
	char *alt;
	int nid, n = 0;

	if (len == 0 || len > CERT_MAX_DER ||
	    !(x = wolfSSL_X509_load_certificate_buffer(der, (int)len, WOLFSSL_FILETYPE_ASN1))) {
		fields_add(fl, depth, "note", off, len,
			   "not a certificate wolfSSL can parse; shown as hex above");
		return;
	}
	memset(buf, 0, sizeof buf);
	if (wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_subject_name(x), buf, sizeof buf))
		fields_add(fl, depth, "subject", off, len, "%s", cert_clean(buf, sizeof buf));
	memset(buf, 0, sizeof buf);
	if (wolfSSL_X509_NAME_oneline(wolfSSL_X509_get_issuer_name(x), buf, sizeof buf))
		fields_add(fl, depth, "issuer", off, len, "%s", cert_clean(buf, sizeof buf));
	memset(buf, 0, sizeof buf);
	if (wolfSSL_X509_get_notBefore(x) &&
	    wolfSSL_ASN1_TIME_to_string(wolfSSL_X509_get_notBefore(x), buf, sizeof buf))
		fields_add(fl, depth, "not_before", off, len, "%s", cert_clean(buf, sizeof buf));
	memset(buf, 0, sizeof buf);
	if (wolfSSL_X509_get_notAfter(x) &&
	    wolfSSL_ASN1_TIME_to_string(wolfSSL_X509_get_notAfter(x), buf, sizeof buf))
		fields_add(fl, depth, "not_after", off, len, "%s", cert_clean(buf, sizeof buf));
	if (wolfSSL_X509_get_serial_number(x, serial, &slen) == WOLFSSL_SUCCESS && slen > 0 &&
	    slen <= (int)sizeof serial) {
		hex_encode(serial, (size_t)slen, hexbuf);
		fields_add(fl, depth, "serial", off, len, "%s", hexbuf);
	}
	cert_key_text(x, buf, sizeof buf);
	fields_add(fl, depth, "public_key", off, len, "%s", buf);
	while (n < 64 && (alt = wolfSSL_X509_get_next_altname(x)) != NULL) {
		snprintf(buf, sizeof buf, "%s", alt);
		fields_add(fl, depth, "subject_alt_name", off, len, "%s", cert_clean(buf, sizeof buf));
		n++;
	}
	nid = wolfSSL_X509_get_signature_nid(x);
	if (nid > 0 && wolfSSL_OBJ_nid2sn(nid))
		fields_add(fl, depth, "signature_algorithm", off, len, "%s", wolfSSL_OBJ_nid2sn(nid));
	if (wc_Sha256Hash(der, (word32)len, fp) == 0) {
		hex_encode(fp, sizeof fp, hexbuf);
		fields_add(fl, depth, "sha256_fingerprint", off, len, "%s", hexbuf);
	}
	wolfSSL_X509_free(x);
}

/* Text of a DER Name as "/C=US/CN=example". */
int cert_dn_text(const uint8_t *der, size_t len, char *out, size_t cap)
{
	WOLFSSL_X509_NAME *name;
	unsigned char *p = (unsigned char *)der; /* wolfSSL advances it; it does not write */
	int rc = 0;

	ENSURE(len > 0 && len < CERT_MAX_DER && cap > 0, ERR_VALUE, "distinguished_name: bad length %zu", len);
	name = wolfSSL_d2i_X509_NAME(NULL, &p, (long)len);
	ENSURE(name != NULL, ERR_VALUE, "distinguished_name: not a DER Name");
	memset(out, 0, cap);
	if (!wolfSSL_X509_NAME_oneline(name, out, (int)(cap > 4096 ? 4096 : cap)))
		rc = err_set(ERR_VALUE, "distinguished_name: cannot print");
	else
		cert_clean(out, cap);
	wolfSSL_X509_NAME_free(name);
	return rc;
}
