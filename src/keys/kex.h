/* Key exchange arithmetic for `tlsviz calc` (src/calc): X25519 (RFC 7748)
 * and ECDH on the NIST curves (SEC 1), with wolfCrypt. The live pair does
 * its own key exchange inside wolfSSL; these recompute what it shows.
 * Errors follow core/err.h. */
#ifndef TLSVIZ_KEYS_KEX_H
#define TLSVIZ_KEYS_KEX_H

#include <stddef.h>
#include <stdint.h>

/* The groups calc can compute, by TLS NamedGroup name. */
struct kex_group {
	const char *name;   /* "x25519", "secp256r1" */
	uint16_t id;        /* NamedGroup (RFC 8446 4.2.7) */
	uint8_t priv_len;   /* private scalar bytes */
	uint8_t pub_len;    /* key_exchange bytes: 32, or 1 + 2 * field size (uncompressed) */
	uint8_t secret_len; /* shared secret bytes (the x coordinate for ECDH) */
};

/* The table, NULL-name terminated. */
const struct kex_group *kex_groups(void);
/* A group by name (case-insensitive), or NULL. */
const struct kex_group *kex_group_by_name(const char *name);

/* The public key (TLS key_exchange encoding) of a private key; returns its
 * length. X25519 clamps the scalar as RFC 7748 5 says. */
int kex_public(const struct kex_group *g, const uint8_t *priv, size_t privlen,
	       uint8_t *out, size_t cap);
/* The shared secret of priv and the peer's public key, as TLS uses it
 * (RFC 8446 7.4.2: X25519's output; ECDH: the x coordinate only). ERR_VALUE
 * for a peer key that is not on the curve or gives the all-zero secret. */
int kex_shared(const struct kex_group *g, const uint8_t *priv, size_t privlen,
	       const uint8_t *peer, size_t peerlen, uint8_t *out, size_t cap);

#endif
