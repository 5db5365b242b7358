/* HMAC over a list of byte strings, with wolfCrypt (RFC 2104). */
#include "keys/keys.h"

#include "core/err.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/hmac.h>

#include <string.h>

static int wc_type(enum hash_kind h)
{
	switch (h) {
	case HASH_MD5: return WC_MD5;
	case HASH_SHA1: return WC_SHA;
	case HASH_SHA256: return WC_SHA256;
	case HASH_SHA384: return WC_SHA384;
	default: return -1;
	}
}

/* HMAC(key, parts[0] || parts[1] || ...) into out (hash_len(h) bytes). */
int hmac_parts(enum hash_kind h, const uint8_t *key, size_t klen,
	       const struct hmac_part *parts, size_t n, uint8_t *out)
{
	/* An empty key equals an all-zero key of one block: HMAC pads the key
	 * with zeros. Passing a zero buffer avoids wolfCrypt's empty-key path. */
	static const uint8_t zeros[64];
	Hmac hm;
	int type = wc_type(h), rc;

	ENSURE(type >= 0, ERR_UNSUPPORTED, "HMAC: no hash function %d", (int)h);
	ENSURE(klen <= UINT32_MAX, ERR_LENGTH, "HMAC: key too long");
	if (klen == 0 || !key) {
		key = zeros;
		klen = hash_len(h);
	}
	rc = wc_HmacInit(&hm, NULL, INVALID_DEVID);
	ENSURE(rc == 0, ERR_CRYPTO, "HMAC: init failed (%d)", rc);
	rc = wc_HmacSetKey(&hm, type, key, (word32)klen);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (parts[i].len == 0)
			continue;
		if (parts[i].len > UINT32_MAX) {
			rc = -1;
			break;
		}
		rc = wc_HmacUpdate(&hm, parts[i].p, (word32)parts[i].len);
	}
	if (rc == 0)
		rc = wc_HmacFinal(&hm, out);
	wc_HmacFree(&hm);
	explicit_bzero(&hm, sizeof hm);
	ENSURE(rc == 0, ERR_CRYPTO, "HMAC: wolfCrypt failed (%d)", rc);
	return 0;
}

/* HMAC of one message. */
int hmac_once(enum hash_kind h, const uint8_t *key, size_t klen,
	      const uint8_t *msg, size_t len, uint8_t *out)
{
	struct hmac_part part = { msg, len };

	return hmac_parts(h, key, klen, &part, 1, out);
}

/* Constant-time comparison (MACs, tags). */
bool bytes_equal_ct(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= (uint8_t)(a[i] ^ b[i]);
	return d == 0;
}

/* Wipe secret bytes so the compiler cannot drop it. */
void secure_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}
