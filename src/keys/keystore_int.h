/* Internals of the key store shared by keystore.c, keylog.c and rsa.c. */
#ifndef TLSVIZ_KEYSTORE_INT_H
#define TLSVIZ_KEYSTORE_INT_H

#include "keys/keys.h"

#include <pthread.h>

#define KS_LABEL_MAX 40   /* longest label + NUL ("SERVER_TRAFFIC_SECRET_<N>") */
#define KS_ID_MAX 32      /* client random; RSA uses 8 bytes */
#define KS_SECRET_MAX KEYS_SECRET_MAX
#define KS_MAX_ENTRIES 1000000 /* cap against hostile key logs */

struct ks_entry {
	char label[KS_LABEL_MAX];
	uint8_t id[KS_ID_MAX];
	size_t idlen;
	uint8_t *secret;
	size_t len;
};

struct rsa_state; /* rsa.c */

struct keystore {
	pthread_mutex_t lock;
	struct ks_entry *e;
	size_t n, cap;
	struct rsa_state *rsa;
};

/* Release the RSA key (rsa.c); called with the lock held. */
void keystore_rsa_free(struct keystore *ks);

#endif
