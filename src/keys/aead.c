/* The key of one epoch and its backend handles, shared by threads.
 *
 * A backend handle (a gcry_cipher_hd_t, a wolfCrypt Aes) keeps state between
 * calls, so two threads must never use one at once. The context keeps a few
 * handle slots: a thread claims a free slot with an atomic exchange, makes its
 * handle from the stored key the first time, and gives the slot back. The
 * decoder's pool has at most 4 threads; if every slot is taken anyway, the
 * record goes through a handle made for it alone (correct, only slower). */
#include "keys/aead.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define AEAD_SLOTS 8

struct aead_slot {
	unsigned char busy;
	void *hd;
};

struct aead_ctx {
	const struct aead_backend *b;
	unsigned refs;
	enum cipher_kind c;
	size_t key_len, tag_len;
	uint8_t key[32];
	struct aead_slot slot[AEAD_SLOTS];
};

/* The backend chosen at build time. */
const struct aead_backend *aead_backend_default(void)
{
#ifdef TLSVIZ_CRYPTO_GCRYPT
	return &aead_backend_gcrypt;
#else
	return &aead_backend_wolfcrypt;
#endif
}

/* Free x's handles and wipe its key. */
static void ctx_free(struct aead_ctx *x)
{
	for (size_t i = 0; i < AEAD_SLOTS; i++)
		if (x->slot[i].hd)
			x->b->hd_free(x->slot[i].hd);
	secure_wipe(x, sizeof *x);
	free(x);
}

/* The key of one epoch with backend b; makes the first handle now. */
int aead_ctx_new(struct aead_ctx **out, const struct aead_backend *b, enum cipher_kind c,
		 const uint8_t *key, size_t key_len, size_t tag_len)
{
	struct aead_ctx *x;
	int rc;

	*out = NULL;
	ENSURE(key_len <= sizeof x->key, ERR_LENGTH, "cipher: key of %zu bytes", key_len);
	x = calloc(1, sizeof *x);
	ENSURE(x, ERR_NOMEM, "cipher: out of memory");
	x->b = b;
	x->refs = 1;
	x->c = c;
	x->key_len = key_len;
	x->tag_len = tag_len;
	memcpy(x->key, key, key_len);
	rc = b->hd_new(&x->slot[0].hd, c, key, key_len, tag_len);
	if (rc < 0) {
		ctx_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

/* Another reference to x. */
struct aead_ctx *aead_ctx_ref(struct aead_ctx *x)
{
	if (x)
		__atomic_fetch_add(&x->refs, 1, __ATOMIC_RELAXED);
	return x;
}

/* Drop a reference; the last one frees the handles and wipes the key. */
void aead_ctx_unref(struct aead_ctx *x)
{
	if (x && __atomic_sub_fetch(&x->refs, 1, __ATOMIC_ACQ_REL) == 0)
		ctx_free(x);
}

/* Claim a free slot with a handle; NULL slot and *tmp set when all are busy. */
static int ctx_claim(struct aead_ctx *x, struct aead_slot **slot, void **tmp)
{
	*slot = NULL;
	*tmp = NULL;
	for (size_t i = 0; i < AEAD_SLOTS; i++) {
		struct aead_slot *s = &x->slot[i];

		if (__atomic_exchange_n(&s->busy, 1, __ATOMIC_ACQUIRE))
			continue;
		if (!s->hd) {
			int rc = x->b->hd_new(&s->hd, x->c, x->key, x->key_len, x->tag_len);

			if (rc < 0) {
				s->hd = NULL;
				__atomic_store_n(&s->busy, 0, __ATOMIC_RELEASE);
				return rc;
			}
		}
		*slot = s;
		return 0;
	}
	return x->b->hd_new(tmp, x->c, x->key, x->key_len, x->tag_len);
}

/* Give back what ctx_claim took. */
static void ctx_release(struct aead_ctx *x, struct aead_slot *slot, void *tmp)
{
	if (slot)
		__atomic_store_n(&slot->busy, 0, __ATOMIC_RELEASE);
	else if (tmp)
		x->b->hd_free(tmp);
}

/* Decrypt and authenticate one record with a free handle. */
int aead_ctx_open(struct aead_ctx *x, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad,
		  size_t aadlen, const uint8_t *in, size_t len, const uint8_t *tag, uint8_t *out)
{
	struct aead_slot *s;
	void *tmp;
	int rc;

	TRY(ctx_claim(x, &s, &tmp));
	rc = x->b->open(s ? s->hd : tmp, nonce, aad, aadlen, in, len, tag, out);
	ctx_release(x, s, tmp);
	return rc;
}

/* Encrypt one record with a free handle. */
int aead_ctx_seal(struct aead_ctx *x, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad,
		  size_t aadlen, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	struct aead_slot *s;
	void *tmp;
	int rc;

	TRY(ctx_claim(x, &s, &tmp));
	rc = x->b->seal(s ? s->hd : tmp, nonce, aad, aadlen, in, len, out, tag);
	ctx_release(x, s, tmp);
	return rc;
}

/* AES-CBC over whole blocks with a free handle. */
int aead_ctx_cbc(struct aead_ctx *x, bool enc, const uint8_t iv[AEAD_CBC_BLOCK],
		 const uint8_t *in, size_t len, uint8_t *out)
{
	struct aead_slot *s;
	void *tmp;
	int rc;

	if (len == 0)
		return 0;
	TRY(ctx_claim(x, &s, &tmp));
	rc = x->b->cbc(s ? s->hd : tmp, enc, iv, in, len, out);
	ctx_release(x, s, tmp);
	return rc;
}
