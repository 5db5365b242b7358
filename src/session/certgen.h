/* The live session's identity: a fresh CA and a "localhost" leaf certificate
 * made with wolfCrypt at run time, or the user's PEM files.
 */
#ifndef TLSVIZ_CERTGEN_H
#define TLSVIZ_CERTGEN_H

#include <stdbool.h>
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
	uint8_t *client_der; /* client certificate (mTLS), DER, or NULL */
	size_t client_len;
	uint8_t *client_key_der; /* its private key, DER */
	size_t client_key_len;
};

/* Make a CA and a leaf (CN=localhost, SAN DNS:localhost IP:127.0.0.1). */
int certgen_make(enum cert_kind kind, struct identity *out);
/* The same for the leaf name host (SAN dNSName host, plus IP 127.0.0.1 when
   host is "localhost"), and with client true also a client certificate
   (CN "tlsviz client", clientAuth) issued by the same CA. */
int certgen_make_ex(enum cert_kind kind, const char *host, bool client, struct identity *out);
/* Wipe the private key and free everything. */
void certgen_free(struct identity *id);

#endif
