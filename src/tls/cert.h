/* Certificate summaries with wolfSSL's X509 API: subject, issuer, validity,
 * serial, key type and size, SANs, signature algorithm, SHA-256 fingerprint. */
#ifndef TLSVIZ_TLS_CERT_H
#define TLSVIZ_TLS_CERT_H

#include "tls/fields.h"

#include <stddef.h>
#include <stdint.h>

/* Add summary fields for one DER certificate at depth, all pointing into the
 * certificate's bytes at off. A certificate that does not parse gets a
 * "note" field instead; this never fails. */
void cert_summarize(struct fields *fl, int depth, const uint8_t *der,
		    size_t len, uint64_t off);
/* One-line text of a DER-encoded X.501 Name ("CN=x, O=y"); 0 or ERR_VALUE. */
int cert_dn_text(const uint8_t *der, size_t len, char *out, size_t cap);

#endif
