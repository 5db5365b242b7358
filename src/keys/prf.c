/* The TLS 1.2 PRF and key derivation (RFC 5246 sections 5, 6.3, 8.1;
 * RFC 7627 extended master secret). */
#include "keys/keys.h"

#include "core/err.h"

#include <string.h>

/* PRF(secret, label, seed) = P_hash(secret, label || seed), RFC 5246 section 5:
 *   A(0) = label || seed, A(i) = HMAC(secret, A(i-1))
 *   P_hash = HMAC(secret, A(1) || label || seed) || HMAC(secret, A(2) || ...) */
int prf_tls12(enum hash_kind h, const uint8_t *secret, size_t slen,
	      const char *label, const uint8_t *seed, size_t seedlen,
	      uint8_t *out, size_t outlen)
{
	uint8_t a[KEYS_MAX_HASH], blk[KEYS_MAX_HASH];
	size_t hl = hash_len(h), done = 0, llen;
	int rc = 0;

	ENSURE(h == HASH_SHA256 || h == HASH_SHA384, ERR_UNSUPPORTED,
	       "PRF: TLS 1.2 PRF needs SHA-256 or SHA-384, not %s", hash_name(h));
	ENSURE(label != NULL, ERR_INTERNAL, "PRF: no label");
	llen = strlen(label);
	{
		struct hmac_part first[2] = { { (const uint8_t *)label, llen },
					      { seed, seedlen } };
		TRY_GOTO(hmac_parts(h, secret, slen, first, 2, a)); /* A(1) */
	}
	while (done < outlen) {
		struct hmac_part parts[3] = { { a, hl },
					      { (const uint8_t *)label, llen },
					      { seed, seedlen } };
		size_t n = outlen - done < hl ? outlen - done : hl;

		TRY_GOTO(hmac_parts(h, secret, slen, parts, 3, blk));
		memcpy(out + done, blk, n);
		done += n;
		if (done < outlen)
			TRY_GOTO(hmac_once(h, secret, slen, a, hl, a)); /* A(i+1) */
	}
	rc = 0;
out:
	secure_wipe(a, sizeof a);
	secure_wipe(blk, sizeof blk);
	return rc;
}

/* master_secret = PRF(pms, "master secret", ClientHello.random ||
 * ServerHello.random)[0..47], or with RFC 7627:
 * PRF(pms, "extended master secret", session_hash)[0..47]. */
int keysched_tls12_master(enum hash_kind h, const uint8_t *pms, size_t pmslen,
			  const uint8_t cr[32], const uint8_t sr[32],
			  const uint8_t *session_hash, size_t hlen, uint8_t ms[48])
{
	uint8_t seed[64];

	if (session_hash)
		return prf_tls12(h, pms, pmslen, "extended master secret",
				 session_hash, hlen, ms, 48);
	ENSURE(cr && sr, ERR_INTERNAL, "master secret: randoms missing");
	memcpy(seed, cr, 32);
	memcpy(seed + 32, sr, 32);
	return prf_tls12(h, pms, pmslen, "master secret", seed, sizeof seed, ms, 48);
}

/* key_block = PRF(master, "key expansion", server_random || client_random),
 * split as client MAC, server MAC, client key, server key, client IV, server
 * IV. AEAD suites take no MAC keys and a fixed IV of s->iv_len bytes (4 for
 * GCM/CCM, 12 for ChaCha20-Poly1305). CBC suites take MAC keys of the hash
 * length and no IV: TLS 1.1+ sends an explicit IV per record (out->iv_len = 0). */
int keysched_tls12_keyblock(const struct suite *s, const uint8_t ms[48],
			    const uint8_t cr[32], const uint8_t sr[32],
			    struct tls12_keys *out)
{
	uint8_t seed[64], kb[2 * (48 + 32 + 16)];
	size_t mac = 0, key = 0, iv = 0, off = 0;
	int rc;

	ENSURE(s != NULL, ERR_INTERNAL, "key block: no suite");
	memset(out, 0, sizeof *out);
	switch (s->cipher) {
	case CIPHER_AES_GCM:
	case CIPHER_AES_CCM:
	case CIPHER_AES_CCM8:
	case CIPHER_CHACHA20_POLY1305:
		key = s->key_len;
		iv = s->iv_len;
		break;
	case CIPHER_AES_CBC:
		mac = hash_len(s->mac);
		key = s->key_len;
		break;
	case CIPHER_NULL:
		mac = hash_len(s->mac);
		break;
	default:
		return err_set(ERR_UNSUPPORTED, "key block: %s (0x%04x) is not decryptable",
			       s->name, s->id);
	}
	ENSURE(mac <= 48 && key <= 32 && iv <= 16, ERR_INTERNAL,
	       "key block: sizes of %s out of range", s->name);
	memcpy(seed, sr, 32);
	memcpy(seed + 32, cr, 32);
	TRY_GOTO(prf_tls12(s->prf, ms, 48, "key expansion", seed, sizeof seed, kb,
			   2 * (mac + key + iv)));
	memcpy(out->client_mac, kb + off, mac), off += mac;
	memcpy(out->server_mac, kb + off, mac), off += mac;
	memcpy(out->client_key, kb + off, key), off += key;
	memcpy(out->server_key, kb + off, key), off += key;
	memcpy(out->client_iv, kb + off, iv), off += iv;
	memcpy(out->server_iv, kb + off, iv);
	out->mac_len = mac;
	out->key_len = key;
	out->iv_len = iv;
	rc = 0;
out:
	secure_wipe(kb, sizeof kb);
	return rc;
}

/* verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11]. */
int keysched_tls12_finished(enum hash_kind h, const uint8_t ms[48],
			    const char *label, const uint8_t *handshake_hash,
			    size_t hlen, uint8_t out[12])
{
	return prf_tls12(h, ms, 48, label, handshake_hash, hlen, out, 12);
}
