/* HKDF (RFC 5869) and the TLS 1.3 key schedule (RFC 8446 section 7). */
#include "keys/keys.h"

#include "core/err.h"

#include <string.h>

/* HKDF-Extract(salt, IKM) = HMAC-Hash(salt, IKM). An absent salt is a string
 * of hash_len zeros (RFC 5869 2.2), which HMAC treats like an empty key. */
int hkdf_extract(enum hash_kind h, const uint8_t *salt, size_t saltlen,
		 const uint8_t *ikm, size_t ikmlen, uint8_t *out)
{
	static const uint8_t zeros[KEYS_MAX_HASH];

	ENSURE(hash_len(h) >= 32, ERR_UNSUPPORTED, "HKDF: unsupported hash %s",
	       hash_name(h));
	if (!ikm || ikmlen == 0) {
		ikm = zeros;
		ikmlen = hash_len(h);
	}
	return hmac_once(h, salt, salt ? saltlen : 0, ikm, ikmlen, out);
}

/* HKDF-Expand(PRK, info, L): T(i) = HMAC(PRK, T(i-1) || info || i). */
int hkdf_expand(enum hash_kind h, const uint8_t *prk, size_t prklen,
		const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen)
{
	uint8_t t[KEYS_MAX_HASH];
	size_t hl = hash_len(h), done = 0, tlen = 0;
	uint8_t ctr = 0;
	int rc = 0;

	ENSURE(hl >= 32, ERR_UNSUPPORTED, "HKDF: unsupported hash %s", hash_name(h));
	ENSURE(outlen <= 255 * hl, ERR_LENGTH, "HKDF-Expand: %zu bytes asked, max %zu",
	       outlen, 255 * hl);
	while (done < outlen) {
		struct hmac_part parts[3];
		size_t n;

		ctr++;
		parts[0] = (struct hmac_part){ t, tlen };
		parts[1] = (struct hmac_part){ info, infolen };
		parts[2] = (struct hmac_part){ &ctr, 1 };
		TRY_GOTO(hmac_parts(h, prk, prklen, parts, 3, t));
		tlen = hl;
		n = outlen - done < hl ? outlen - done : hl;
		memcpy(out + done, t, n);
		done += n;
	}
	rc = 0;
out:
	secure_wipe(t, sizeof t);
	return rc;
}

/* HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret,
 * HkdfLabel, Length) with
 *   struct {
 *       uint16 length = Length;
 *       opaque label<7..255> = "tls13 " + Label;
 *       opaque context<0..255> = Context;
 *   } HkdfLabel; */
int hkdf_expand_label(enum hash_kind h, const uint8_t *secret, size_t slen,
		      const char *label, const uint8_t *ctx, size_t ctxlen,
		      uint8_t *out, size_t outlen)
{
	static const char prefix[] = "tls13 ";
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t llen, n = 0;

	ENSURE(label != NULL, ERR_INTERNAL, "HKDF-Expand-Label: no label");
	llen = strlen(label);
	ENSURE(llen + 6 <= 255, ERR_LENGTH, "HKDF-Expand-Label: label too long");
	ENSURE(ctxlen <= 255, ERR_LENGTH, "HKDF-Expand-Label: context too long");
	ENSURE(outlen <= 0xffff, ERR_LENGTH, "HKDF-Expand-Label: length too big");
	info[n++] = (uint8_t)(outlen >> 8);
	info[n++] = (uint8_t)outlen;
	info[n++] = (uint8_t)(6 + llen);
	memcpy(info + n, prefix, 6), n += 6;
	memcpy(info + n, label, llen), n += llen;
	info[n++] = (uint8_t)ctxlen;
	if (ctxlen)
		memcpy(info + n, ctx, ctxlen), n += ctxlen;
	return hkdf_expand(h, secret, slen, info, n, out, outlen);
}

/* Derive-Secret(Secret, Label, Messages) =
 *   HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length). */
int keysched_tls13_derive_secret(enum hash_kind h, const uint8_t *secret,
				 const char *label, const uint8_t *thash,
				 uint8_t *out)
{
	uint8_t empty[KEYS_MAX_HASH];
	size_t hl = hash_len(h);

	ENSURE(hl >= 32, ERR_UNSUPPORTED, "Derive-Secret: unsupported hash %s",
	       hash_name(h));
	if (!thash) {
		TRY(hash_digest(h, NULL, 0, empty));
		thash = empty;
	}
	return hkdf_expand_label(h, secret, hl, label, thash, hl, out, hl);
}

/* Early Secret = HKDF-Extract(salt 0, IKM = PSK or 0). */
int keysched_tls13_early_secret(enum hash_kind h, const uint8_t *psk,
				size_t psklen, uint8_t *out)
{
	return hkdf_extract(h, NULL, 0, psk, psk ? psklen : 0, out);
}

/* Handshake Secret = HKDF-Extract(Derive-Secret(Early, "derived", ""), (EC)DHE). */
int keysched_tls13_handshake_secret(enum hash_kind h, const uint8_t *early,
				    const uint8_t *ecdhe, size_t ecdhe_len,
				    uint8_t *out)
{
	uint8_t salt[KEYS_MAX_HASH];
	int rc;

	ENSURE(ecdhe && ecdhe_len > 0, ERR_NOKEY, "handshake secret: no (EC)DHE secret");
	TRY_GOTO(keysched_tls13_derive_secret(h, early, "derived", NULL, salt));
	TRY_GOTO(hkdf_extract(h, salt, hash_len(h), ecdhe, ecdhe_len, out));
out:
	secure_wipe(salt, sizeof salt);
	return rc;
}

/* Master Secret = HKDF-Extract(Derive-Secret(Handshake, "derived", ""), 0). */
int keysched_tls13_master_secret(enum hash_kind h, const uint8_t *hs, uint8_t *out)
{
	uint8_t salt[KEYS_MAX_HASH];
	int rc;

	TRY_GOTO(keysched_tls13_derive_secret(h, hs, "derived", NULL, salt));
	TRY_GOTO(hkdf_extract(h, salt, hash_len(h), NULL, 0, out));
out:
	secure_wipe(salt, sizeof salt);
	return rc;
}

/* finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
int keysched_tls13_finished_key(enum hash_kind h, const uint8_t *base_key,
				uint8_t *out)
{
	size_t hl = hash_len(h);

	return hkdf_expand_label(h, base_key, hl, "finished", NULL, 0, out, hl);
}

/* verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context,
 * Certificate*, CertificateVerify*)). */
int keysched_tls13_finished(enum hash_kind h, const uint8_t *base_key,
			    const uint8_t *thash, uint8_t *out)
{
	uint8_t fk[KEYS_MAX_HASH];
	size_t hl = hash_len(h);
	int rc;

	TRY_GOTO(keysched_tls13_finished_key(h, base_key, fk));
	TRY_GOTO(hmac_once(h, fk, hl, thash, hl, out));
out:
	secure_wipe(fk, sizeof fk);
	return rc;
}

/* PSK of a ticket = HKDF-Expand-Label(resumption_master_secret,
 * "resumption", ticket_nonce, Hash.length) (RFC 8446 4.6.1). */
int keysched_tls13_resumption_psk(enum hash_kind h, const uint8_t *res_master,
				  const uint8_t *nonce, size_t nonce_len,
				  uint8_t *out)
{
	size_t hl = hash_len(h);

	return hkdf_expand_label(h, res_master, hl, "resumption", nonce, nonce_len,
				 out, hl);
}

/* [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length),
 * [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length). */
int keysched_tls13_traffic(const struct suite *s, const uint8_t *secret,
			   uint8_t *key, uint8_t *iv)
{
	size_t hl;

	ENSURE(s && s->kex == KEX_TLS13 && s->cipher != CIPHER_UNKNOWN, ERR_UNSUPPORTED,
	       "TLS 1.3 traffic keys: suite %s not supported",
	       s ? s->name : "(none)");
	hl = hash_len(s->prf);
	TRY(hkdf_expand_label(s->prf, secret, hl, "key", NULL, 0, key, s->key_len));
	TRY(hkdf_expand_label(s->prf, secret, hl, "iv", NULL, 0, iv, s->iv_len));
	return 0;
}

/* application_traffic_secret_N+1 = HKDF-Expand-Label(
 *     application_traffic_secret_N, "traffic upd", "", Hash.length). */
int keysched_tls13_update(enum hash_kind h, const uint8_t *secret, uint8_t *next)
{
	size_t hl = hash_len(h);

	return hkdf_expand_label(h, secret, hl, "traffic upd", NULL, 0, next, hl);
}
