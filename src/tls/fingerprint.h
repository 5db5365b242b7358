/* TLS client and server fingerprints from the hello messages as sent.
 *
 * JA3 and JA3S (Salesforce, 2017): the decimal fields joined, then MD5.
 *   JA3:  SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
 *   JA3S: SSLVersion,Cipher,Extensions
 * Lists are '-'-joined in wire order. SSLVersion is legacy_version (771 for
 * TLS 1.2 and 1.3 alike).
 *
 * JA4 and JA4S (FoxIO, 2023; TLS over TCP, so the first letter is 't'):
 *   JA4:  t VV S CC EE AA _ sha256(ciphers sorted)[:12]
 *                         _ sha256(extensions sorted, SNI and ALPN left out
 *                                  "_" signature algorithms in wire order)[:12]
 *   JA4S: t VV EE AA _ cipher _ sha256(extensions in wire order)[:12]
 * VV is the highest supported_versions entry, else legacy_version ("13",
 * "12", ..., "00" unknown); S is 'd' with a server_name extension, else 'i';
 * CC and EE count ciphers and extensions (SNI and ALPN included, at most
 * 99); AA is the first and last character of the first ALPN name ("00"
 * without one; its hex's first and last digit when either end is not
 * alphanumeric). Values are 4-digit lowercase hex, ','-joined; an empty
 * list hashes to "000000000000". The full string kept is the raw form
 * (JA4_r, JA4S_r): the lists themselves in place of their hashes.
 *
 * GREASE values (RFC 8701) are left out of every list and count, as both
 * definitions say. Errors follow core/err.h. */
#ifndef TLSVIZ_TLS_FINGERPRINT_H
#define TLSVIZ_TLS_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* Longest full string kept (a ClientHello lists at most ~32k values; longer
 * strings are refused rather than cut: a cut string hashes to nonsense). */
#define FP_FULL_MAX 4096

/* Most values kept of one list (ciphers, extensions, signature algorithms)
 * for JA4; a hello with more is refused. */
#define FP_VALUES_MAX 1024

struct fingerprint {
	char full[FP_FULL_MAX]; /* "771,4865-4866,0-23-65281,29-23,0" */
	char hash[64];          /* JA3(S): MD5 of full, lowercase hex;
				   JA4(S): "t13d1516h2_8daaf6152771_e5627efa2ab1" */
};

/* JA3 of a ClientHello message (4-byte handshake header first). */
int fp_ja3(const uint8_t *msg, size_t len, struct fingerprint *out);
/* JA3S of a ServerHello (a HelloRetryRequest is a ServerHello too). */
int fp_ja3s(const uint8_t *msg, size_t len, struct fingerprint *out);
/* JA4 of a ClientHello, JA4S of a ServerHello (header first, as above). */
int fp_ja4(const uint8_t *msg, size_t len, struct fingerprint *out);
int fp_ja4s(const uint8_t *msg, size_t len, struct fingerprint *out);

#endif
