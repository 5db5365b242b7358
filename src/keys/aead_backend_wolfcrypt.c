/* The wolfCrypt record-protection backend: the fallback, and the reference
 * the unit test holds libgcrypt to. Debian builds wolfCrypt in portable C
 * (no AES-NI), so it is slow but always there: wolfSSL is the live stack. */
#include "keys/aead.h"

#include "core/err.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include <stdlib.h>
#include <string.h>

struct wc_hd {
	enum cipher_kind c;
	size_t tag_len;
	uint8_t key[32];  /* ChaCha20-Poly1305: wolfCrypt's one-shot API takes the key */
	Aes aes;          /* GCM, CCM, or CBC encryption */
	Aes dec;          /* CBC decryption */
	bool have_aes, have_dec;
};

static void wc_hd_free(void *hd)
{
	struct wc_hd *h = hd;

	if (!h)
		return;
	if (h->have_aes)
		wc_AesFree(&h->aes);
	if (h->have_dec)
		wc_AesFree(&h->dec);
	secure_wipe(h, sizeof *h);
	free(h);
}

/* A handle: the AES key schedule (and GHASH table) made once. */
static int wc_hd_new(void **out, enum cipher_kind c, const uint8_t *key, size_t key_len,
		     size_t tag_len)
{
	struct wc_hd *h;
	int rc = 0;

	*out = NULL;
	ENSURE(key_len <= sizeof h->key, ERR_LENGTH, "cipher: key of %zu bytes", key_len);
	ENSURE(c == CIPHER_AES_GCM || c == CIPHER_AES_CCM || c == CIPHER_AES_CCM8 ||
	       c == CIPHER_CHACHA20_POLY1305 || c == CIPHER_AES_CBC,
	       ERR_UNSUPPORTED, "wolfCrypt: no cipher %s", cipher_name(c));
	h = calloc(1, sizeof *h);
	ENSURE(h, ERR_NOMEM, "cipher: out of memory");
	h->c = c;
	h->tag_len = tag_len;
	memcpy(h->key, key, key_len);
	if (c != CIPHER_CHACHA20_POLY1305) {
		rc = wc_AesInit(&h->aes, NULL, INVALID_DEVID);
		h->have_aes = rc == 0;
	}
	if (rc == 0 && c == CIPHER_AES_GCM)
		rc = wc_AesGcmSetKey(&h->aes, key, (word32)key_len);
	else if (rc == 0 && (c == CIPHER_AES_CCM || c == CIPHER_AES_CCM8))
		rc = wc_AesCcmSetKey(&h->aes, key, (word32)key_len);
	else if (rc == 0 && c == CIPHER_AES_CBC) {
		rc = wc_AesSetKey(&h->aes, key, (word32)key_len, NULL, AES_ENCRYPTION);
		if (rc == 0) {
			rc = wc_AesInit(&h->dec, NULL, INVALID_DEVID);
			h->have_dec = rc == 0;
		}
		if (rc == 0)
			rc = wc_AesSetKey(&h->dec, key, (word32)key_len, NULL, AES_DECRYPTION);
	}
	if (rc != 0) {
		wc_hd_free(h);
		ENSURE(0, ERR_CRYPTO, "%s: wolfCrypt key setup failed (%d)", cipher_name(c), rc);
	}
	*out = h;
	return 0;
}

static int wc_open(void *hd, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad, size_t aadlen,
		   const uint8_t *in, size_t len, const uint8_t *tag, uint8_t *out)
{
	static const uint8_t none[1];
	uint8_t dummy[1];
	struct wc_hd *h = hd;
	int rc;

	if (len == 0) { /* wolfCrypt wants non-NULL buffers even when empty */
		in = none;
		out = dummy;
	}
	if (h->c == CIPHER_CHACHA20_POLY1305)
		rc = wc_ChaCha20Poly1305_Decrypt(h->key, nonce, aad, (word32)aadlen, in,
						 (word32)len, tag, out);
	else if (h->c == CIPHER_AES_GCM)
		rc = wc_AesGcmDecrypt(&h->aes, out, in, (word32)len, nonce, AEAD_NONCE, tag,
				      (word32)h->tag_len, aad, (word32)aadlen);
	else
		rc = wc_AesCcmDecrypt(&h->aes, out, in, (word32)len, nonce, AEAD_NONCE, tag,
				      (word32)h->tag_len, aad, (word32)aadlen);
	ENSURE(rc != MAC_CMP_FAILED_E && rc != AES_GCM_AUTH_E && rc != AES_CCM_AUTH_E, ERR_AUTH,
	       "%s: authentication tag does not verify", cipher_name(h->c));
	ENSURE(rc == 0, ERR_CRYPTO, "%s: wolfCrypt error %d", cipher_name(h->c), rc);
	return 0;
}

static int wc_seal(void *hd, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad, size_t aadlen,
		   const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	static const uint8_t none[1];
	uint8_t dummy[1];
	struct wc_hd *h = hd;
	int rc;

	if (len == 0) {
		in = none;
		out = dummy;
	}
	if (h->c == CIPHER_CHACHA20_POLY1305)
		rc = wc_ChaCha20Poly1305_Encrypt(h->key, nonce, aad, (word32)aadlen, in,
						 (word32)len, out, tag);
	else if (h->c == CIPHER_AES_GCM)
		rc = wc_AesGcmEncrypt(&h->aes, out, in, (word32)len, nonce, AEAD_NONCE, tag,
				      (word32)h->tag_len, aad, (word32)aadlen);
	else
		rc = wc_AesCcmEncrypt(&h->aes, out, in, (word32)len, nonce, AEAD_NONCE, tag,
				      (word32)h->tag_len, aad, (word32)aadlen);
	ENSURE(rc == 0, ERR_CRYPTO, "%s: wolfCrypt error %d", cipher_name(h->c), rc);
	return 0;
}

static int wc_cbc(void *hd, bool enc, const uint8_t iv[AEAD_CBC_BLOCK], const uint8_t *in,
		  size_t len, uint8_t *out)
{
	struct wc_hd *h = hd;
	Aes *a = enc ? &h->aes : &h->dec;
	int rc;

	rc = wc_AesSetIV(a, iv);
	if (rc == 0)
		rc = enc ? wc_AesCbcEncrypt(a, out, in, (word32)len)
			 : wc_AesCbcDecrypt(a, out, in, (word32)len);
	ENSURE(rc == 0, ERR_CRYPTO, "AES-CBC: wolfCrypt error %d", rc);
	return 0;
}

static bool wc_fast(void)
{
	return false; /* Debian's wolfCrypt: portable C AES and GHASH */
}

const struct aead_backend aead_backend_wolfcrypt = {
	.name = "wolfCrypt",
	.hd_new = wc_hd_new,
	.open = wc_open,
	.seal = wc_seal,
	.cbc = wc_cbc,
	.hd_free = wc_hd_free,
	.fast = wc_fast,
};
