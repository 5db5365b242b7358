/* Record-protection backends: the bulk ciphers behind protect.c.
 *
 * A backend makes a handle for one key (AES-GCM, AES-CCM, AES-CCM_8,
 * ChaCha20-Poly1305 or AES-CBC) and runs one record through it. libgcrypt
 * (hardware AES and GHASH chosen at run time) is the default where it was
 * found at build time; wolfCrypt is the fallback and the reference the unit
 * test compares it with. The key schedule (HKDF, PRF) and HMAC stay in
 * keysched.c, prf.c and hmac.c.
 *
 * A handle is used by one thread at a time. struct aead_ctx holds the key of
 * one key epoch and a few handles made from it; a thread takes a free one, so
 * the decoder's worker pool can open records with the same keys at once. */
#ifndef TLSVIZ_KEYS_AEAD_H
#define TLSVIZ_KEYS_AEAD_H

#include "keys/keys.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AEAD_NONCE 12
#define AEAD_CBC_BLOCK 16

struct aead_backend {
	const char *name;
	/* A handle for cipher c with key[0..key_len) and a tag_len-byte tag
	 * (0 for CBC); errors ERR_UNSUPPORTED / ERR_CRYPTO. */
	int (*hd_new)(void **hd, enum cipher_kind c, const uint8_t *key, size_t key_len,
		      size_t tag_len);
	/* Decrypt in[0..len) into out and check tag: ERR_AUTH when it does not verify. */
	int (*open)(void *hd, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad, size_t aadlen,
		    const uint8_t *in, size_t len, const uint8_t *tag, uint8_t *out);
	/* Encrypt in[0..len) into out and write the tag. */
	int (*seal)(void *hd, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad, size_t aadlen,
		    const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag);
	/* AES-CBC over whole blocks with iv. */
	int (*cbc)(void *hd, bool enc, const uint8_t iv[AEAD_CBC_BLOCK], const uint8_t *in,
		   size_t len, uint8_t *out);
	/* Free a handle, wiping its key schedule. */
	void (*hd_free)(void *hd);
	/* Whether AES runs in hardware here, so one thread keeps up with a capture. */
	bool (*fast)(void);
};

extern const struct aead_backend aead_backend_wolfcrypt;
#ifdef TLSVIZ_HAVE_GCRYPT
extern const struct aead_backend aead_backend_gcrypt;
#endif

/* The backend record protection uses unless told otherwise (TLSVIZ_CRYPTO). */
const struct aead_backend *aead_backend_default(void);

struct aead_ctx;

/* The key of one epoch with backend b; makes the first handle now, so the
 * key is set once per epoch. */
int aead_ctx_new(struct aead_ctx **out, const struct aead_backend *b, enum cipher_kind c,
		 const uint8_t *key, size_t key_len, size_t tag_len);
/* Another reference (a copy of a struct protect). */
struct aead_ctx *aead_ctx_ref(struct aead_ctx *x);
/* Drop a reference; the last frees every handle and wipes the key. */
void aead_ctx_unref(struct aead_ctx *x);
/* One record through a free handle of x (any thread). */
int aead_ctx_open(struct aead_ctx *x, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad,
		  size_t aadlen, const uint8_t *in, size_t len, const uint8_t *tag, uint8_t *out);
int aead_ctx_seal(struct aead_ctx *x, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad,
		  size_t aadlen, const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag);
int aead_ctx_cbc(struct aead_ctx *x, bool enc, const uint8_t iv[AEAD_CBC_BLOCK],
		 const uint8_t *in, size_t len, uint8_t *out);

#endif
