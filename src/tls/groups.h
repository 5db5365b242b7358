/* How a post-quantum key share is built: for the hybrid groups
 * (draft-ietf-tls-ecdhe-mlkem) and pure ML-KEM (draft-ietf-tls-mlkem), which
 * parts the ClientHello's and the ServerHello's key_exchange hold, in wire
 * order, with their FIPS 203 / SEC 1 sizes. The same order is the order of
 * the two shared secrets in the TLS 1.3 key schedule's input. One table, read
 * by the decoder (ext.c splits the share), the facts (the key exchange's
 * kind) and the story's sentences. */
#ifndef TLSVIZ_TLS_GROUPS_H
#define TLSVIZ_TLS_GROUPS_H

#include <stdbool.h>
#include <stdint.h>

enum group_kind {
	GROUP_HYBRID = 1, /* an ECDH share and an ML-KEM share, concatenated */
	GROUP_KEM,        /* ML-KEM alone */
};

/* One part of a key_exchange. */
struct group_part {
	const char *name; /* field name: "ML-KEM-768 encapsulation key", "X25519 share" */
	uint16_t len;
	uint8_t secret;   /* bytes this part adds to the shared secret */
	bool kem;         /* the ML-KEM part (else the ECDH part) */
};

struct group_layout {
	uint16_t group;               /* NamedGroup */
	enum group_kind kind;
	const char *kem;              /* "ML-KEM-768" */
	const char *ecdh;             /* "X25519", "secp256r1"; NULL for pure ML-KEM */
	int nparts;                   /* 1 or 2 */
	struct group_part client[2];  /* ClientHello, in wire order */
	struct group_part server[2];  /* ServerHello, in wire order */
};

/* The layout of a hybrid or ML-KEM group, or NULL (classic (EC)DHE, unknown). */
const struct group_layout *groups_layout(uint16_t group);
/* The parts of one side's share (server: ServerHello), *n set to their count. */
const struct group_part *groups_parts(const struct group_layout *g, bool server, int *n);
/* Bytes of one side's whole key_exchange. */
unsigned groups_share_len(const struct group_layout *g, bool server);
/* Bytes of the shared secret both sides end with (ML-KEM 32, X25519 32, ...). */
unsigned groups_secret_len(const struct group_layout *g);

#endif
