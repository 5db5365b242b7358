/* Post-quantum key share layouts (draft-ietf-tls-ecdhe-mlkem 3, draft-ietf-tls-mlkem,
 * FIPS 203 table 3): the one table the decoder, the facts and the story read. */
#include "tls/groups.h"

#include <stddef.h>

/* FIPS 203 sizes: encapsulation key, ciphertext (the shared secret is 32). */
#define EK512 800
#define CT512 768
#define EK768 1184
#define CT768 1088
#define EK1024 1568
#define CT1024 1568

#define KEM(name, n) { name, n, 32, true }
#define ECDH(name, n, ss) { name, n, ss, false }

static const struct group_layout layouts[] = {
	/* X25519MLKEM768: the ML-KEM part first (unlike the other hybrids) */
	{ 0x11ec, GROUP_HYBRID, "ML-KEM-768", "X25519", 2,
	  { KEM("ML-KEM-768 encapsulation key", EK768), ECDH("X25519 share", 32, 32) },
	  { KEM("ML-KEM-768 ciphertext", CT768), ECDH("X25519 share", 32, 32) } },
	/* SecP256r1MLKEM768: an uncompressed P-256 point (SEC 1), then ML-KEM */
	{ 0x11eb, GROUP_HYBRID, "ML-KEM-768", "secp256r1", 2,
	  { ECDH("secp256r1 share", 65, 32), KEM("ML-KEM-768 encapsulation key", EK768) },
	  { ECDH("secp256r1 share", 65, 32), KEM("ML-KEM-768 ciphertext", CT768) } },
	{ 0x11ed, GROUP_HYBRID, "ML-KEM-1024", "secp384r1", 2,
	  { ECDH("secp384r1 share", 97, 48), KEM("ML-KEM-1024 encapsulation key", EK1024) },
	  { ECDH("secp384r1 share", 97, 48), KEM("ML-KEM-1024 ciphertext", CT1024) } },
	{ 0x0200, GROUP_KEM, "ML-KEM-512", NULL, 1,
	  { KEM("ML-KEM-512 encapsulation key", EK512) }, { KEM("ML-KEM-512 ciphertext", CT512) } },
	{ 0x0201, GROUP_KEM, "ML-KEM-768", NULL, 1,
	  { KEM("ML-KEM-768 encapsulation key", EK768) }, { KEM("ML-KEM-768 ciphertext", CT768) } },
	{ 0x0202, GROUP_KEM, "ML-KEM-1024", NULL, 1,
	  { KEM("ML-KEM-1024 encapsulation key", EK1024) }, { KEM("ML-KEM-1024 ciphertext", CT1024) } },
};

const struct group_layout *groups_layout(uint16_t group)
{
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
		if (layouts[i].group == group)
			return &layouts[i];
	return NULL;
}

const struct group_part *groups_parts(const struct group_layout *g, bool server, int *n)
{
	*n = g ? g->nparts : 0;
	return g ? (server ? g->server : g->client) : NULL;
}

unsigned groups_share_len(const struct group_layout *g, bool server)
{
	int n;
	const struct group_part *p = groups_parts(g, server, &n);
	unsigned sum = 0;

	for (int i = 0; i < n; i++)
		sum += p[i].len;
	return sum;
}

unsigned groups_secret_len(const struct group_layout *g)
{
	unsigned sum = 0;

	for (int i = 0; g && i < g->nparts; i++)
		sum += g->client[i].secret;
	return sum;
}
