/* The live session's identity: a fresh CA and a "localhost" leaf certificate
 * made with wolfCrypt at run time, or the user's PEM files.
 */
#ifndef TLSVIZ_CERTGEN_H
#define TLSVIZ_CERTGEN_H

#include <stddef.h>
#include <stdint.h>

enum cert_kind { CERT_RSA2048 = 1, CERT_ECDSA_P256 };

struct identity {
	enum cert_kind kind;
	uint8_t *ca_der;   /* CA certificate, DER */
	size_t ca_len;
	uint8_t *leaf_der; /* leaf certificate for localhost, DER */
	size_t leaf_len;
	uint8_t *key_der;  /* leaf private key, DER (PKCS#1 RSA / SEC1 EC) */
	size_t key_len;
};

/* Make a CA and a leaf (CN=localhost, SAN DNS:localhost IP:127.0.0.1). */
int certgen_make(enum cert_kind kind, struct identity *out);
/* Wipe the private key and free everything. */
void certgen_free(struct identity *id);

#endif
