/* TLS client and server fingerprints from the hello messages as sent:
 * JA3 and JA3S (Salesforce, 2017): the decimal fields joined, then MD5.
 *   JA3:  SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
 *   JA3S: SSLVersion,Cipher,Extensions
 * Lists are '-'-joined in wire order; GREASE values (RFC 8701) are left out
 * of every list, as the definition says. SSLVersion is legacy_version (771
 * for TLS 1.2 and 1.3 alike). Errors follow core/err.h. */
#ifndef TLSVIZ_TLS_FINGERPRINT_H
#define TLSVIZ_TLS_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* Longest full string kept (a ClientHello lists at most ~32k values; longer
 * strings are refused rather than cut: a cut string hashes to nonsense). */
#define FP_FULL_MAX 4096

struct fingerprint {
	char full[FP_FULL_MAX]; /* "771,4865-4866,0-23-65281,29-23,0" */
	char md5[33];           /* its MD5, lowercase hex */
};

/* JA3 of a ClientHello message (4-byte handshake header first). */
int fp_ja3(const uint8_t *msg, size_t len, struct fingerprint *out);
/* JA3S of a ServerHello (a HelloRetryRequest is a ServerHello too). */
int fp_ja3s(const uint8_t *msg, size_t len, struct fingerprint *out);

#endif
