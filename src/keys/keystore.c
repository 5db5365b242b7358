/* The key store: secrets by (label, client random) from key logs, the live
 * session or RSA decryption. Thread-safe: the live session's threads put
 * keys while the decoder reads them. */
#include "keys/keystore_int.h"

#include "core/err.h"
#include "core/hex.h"

#include <stdlib.h>
#include <string.h>

/* A new empty store. */
struct keystore *keystore_new(void)
{
	struct keystore *ks = calloc(1, sizeof *ks);

	if (!ks)
		return NULL;
	if (pthread_mutex_init(&ks->lock, NULL) != 0) {
		free(ks);
		return NULL;
	}
	return ks;
}

/* Free the store, wiping every secret. */
void keystore_free(struct keystore *ks)
{
	if (!ks)
		return;
	pthread_mutex_lock(&ks->lock);
	for (size_t i = 0; i < ks->n; i++) {
		secure_wipe(ks->e[i].secret, ks->e[i].len);
		free(ks->e[i].secret);
	}
	secure_wipe(ks->e, ks->cap * sizeof *ks->e);
	free(ks->e);
	keystore_rsa_free(ks);
	pthread_mutex_unlock(&ks->lock);
	pthread_mutex_destroy(&ks->lock);
	free(ks);
}

/* The entry for (label, id) or NULL; lock held. */
static struct ks_entry *find(struct keystore *ks, const char *label,
			     const uint8_t *id, size_t idlen)
{
	for (size_t i = 0; i < ks->n; i++) {
		struct ks_entry *e = &ks->e[i];

		if (e->idlen == idlen && memcmp(e->id, id, idlen) == 0 &&
		    strcmp(e->label, label) == 0)
			return e;
	}
	return NULL;
}

/* Add or replace one secret. */
int keystore_put(struct keystore *ks, const char *label, const uint8_t *id,
		 size_t idlen, const uint8_t *secret, size_t len)
{
	struct ks_entry *e;
	uint8_t *copy;
	int rc = 0;

	ENSURE(ks && label && id && secret, ERR_INTERNAL, "keystore_put: NULL argument");
	ENSURE(strlen(label) < KS_LABEL_MAX && label[0], ERR_VALUE,
	       "key store: bad label \"%.40s\"", label);
	ENSURE(idlen > 0 && idlen <= KS_ID_MAX, ERR_LENGTH,
	       "key store: identifier of %zu bytes (1..%d)", idlen, KS_ID_MAX);
	ENSURE(len > 0 && len <= KS_SECRET_MAX, ERR_LENGTH,
	       "key store: secret of %zu bytes (1..%d)", len, KS_SECRET_MAX);
	copy = malloc(len);
	ENSURE(copy, ERR_NOMEM, "key store: out of memory");
	memcpy(copy, secret, len);
	pthread_mutex_lock(&ks->lock);
	e = find(ks, label, id, idlen);
	if (e) { /* a later line for the same connection wins */
		secure_wipe(e->secret, e->len);
		free(e->secret);
		e->secret = copy;
		e->len = len;
		goto out;
	}
	if (ks->n == ks->cap) {
		size_t ncap = ks->cap ? ks->cap * 2 : 16;
		struct ks_entry *ne;

		if (ks->n >= KS_MAX_ENTRIES) {
			rc = err_set(ERR_NOMEM, "key store: more than %d entries", KS_MAX_ENTRIES);
			goto fail;
		}
		/* Not realloc: the old array holds secrets and must be wiped. */
		ne = calloc(ncap, sizeof *ne);
		if (!ne) {
			rc = err_set(ERR_NOMEM, "key store: out of memory");
			goto fail;
		}
		if (ks->n)
			memcpy(ne, ks->e, ks->n * sizeof *ne);
		secure_wipe(ks->e, ks->cap * sizeof *ks->e);
		free(ks->e);
		ks->e = ne;
		ks->cap = ncap;
	}
	e = &ks->e[ks->n++];
	memset(e, 0, sizeof *e);
	memcpy(e->label, label, strlen(label) + 1);
	memcpy(e->id, id, idlen);
	e->idlen = idlen;
	e->secret = copy;
	e->len = len;
out:
	pthread_mutex_unlock(&ks->lock);
	return 0;
fail:
	pthread_mutex_unlock(&ks->lock);
	secure_wipe(copy, len);
	free(copy);
	return rc;
}

/* Copy a secret out; its length, or ERR_NOKEY. */
int keystore_get(struct keystore *ks, const char *label, const uint8_t *id,
		 size_t idlen, uint8_t *out, size_t cap)
{
	struct ks_entry *e;
	int rc;

	ENSURE(ks && label && id, ERR_INTERNAL, "keystore_get: NULL argument");
	pthread_mutex_lock(&ks->lock);
	e = find(ks, label, id, idlen);
	if (!e)
		rc = err_set(ERR_NOKEY, "key store: no %s for this connection", label);
	else if (e->len > cap)
		rc = err_set(ERR_LENGTH, "key store: %s of %zu bytes does not fit in %zu",
			     label, e->len, cap);
	else {
		memcpy(out, e->secret, e->len);
		rc = (int)e->len;
	}
	pthread_mutex_unlock(&ks->lock);
	return rc;
}

/* Entries held. */
size_t keystore_count(struct keystore *ks)
{
	size_t n;

	if (!ks)
		return 0;
	pthread_mutex_lock(&ks->lock);
	n = ks->n;
	pthread_mutex_unlock(&ks->lock);
	return n;
}

/* The store as NSS key log text: "LABEL <id hex> <secret hex>\n" per entry. */
char *keystore_to_keylog(struct keystore *ks, size_t *len)
{
	size_t total = 0, off = 0;
	char *s;

	if (len)
		*len = 0;
	if (!ks)
		return NULL;
	pthread_mutex_lock(&ks->lock);
	for (size_t i = 0; i < ks->n; i++)
		total += strlen(ks->e[i].label) + 1 + 2 * ks->e[i].idlen + 1 +
			 2 * ks->e[i].len + 1;
	s = malloc(total + 1);
	if (s) {
		for (size_t i = 0; i < ks->n; i++) {
			const struct ks_entry *e = &ks->e[i];
			size_t l = strlen(e->label);

			memcpy(s + off, e->label, l), off += l;
			s[off++] = ' ';
			hex_encode(e->id, e->idlen, s + off), off += 2 * e->idlen;
			s[off++] = ' ';
			hex_encode(e->secret, e->len, s + off), off += 2 * e->len;
			s[off++] = '\n';
		}
		s[off] = '\0';
		if (len)
			*len = off;
	}
	pthread_mutex_unlock(&ks->lock);
	return s;
}
