/* Record protection: open (decrypt and authenticate) and seal TLS 1.2 and
 * TLS 1.3 records with wolfCrypt.
 *
 * TLS 1.3 (RFC 8446 5.2-5.4): nonce = iv XOR seq (left-padded to 12 bytes),
 *   additional data = the 5-byte record header, plaintext = content ||
 *   ContentType || zeros.
 * TLS 1.2 AES-GCM/CCM (RFC 5288, 6655): fragment = explicit_nonce(8) ||
 *   ciphertext || tag; nonce = fixed_iv(4) || explicit_nonce.
 * TLS 1.2 ChaCha20-Poly1305 (RFC 7905): nonce = iv(12) XOR seq, no explicit nonce.
 *   TLS 1.2 AEAD additional data = seq(8) || type || version || plaintext length.
 * TLS 1.2 CBC (RFC 5246 6.2.3.2): fragment = IV(16) || E(content || MAC ||
 *   padding || padding_length), MAC = HMAC(mac_key, seq || type || version ||
 *   length || content); with encrypt_then_mac (RFC 7366) fragment = IV ||
 *   E(content || padding || padding_length) || MAC, the MAC taken over
 *   seq || type || version || length(IV + ciphertext) || IV || ciphertext.
 *
 * protect_result offsets are relative to frag. For CBC mac-then-encrypt the
 * MAC only exists after decryption: tag_off then names the ciphertext bytes
 * that decrypt to the MAC (16 + plain_len); padding_len counts the padding
 * bytes and the padding_length byte.
 */
#include "keys/keys.h"

#include "core/err.h"

#include "keys/aead.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/random.h>

#include <stdlib.h>
#include <string.h>

/* TLSCiphertext.length may not exceed 2^14 + 2048 (RFC 5246 6.2.3). */
#define MAX_FRAG (16384 + 2048)
#define CBC_BLOCK 16
#define EXPLICIT_NONCE 8

static bool is_aead(enum cipher_kind c)
{
	return c == CIPHER_AES_GCM || c == CIPHER_AES_CCM || c == CIPHER_AES_CCM8 ||
	       c == CIPHER_CHACHA20_POLY1305;
}

static void put_u64(uint8_t *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}

/* The per-record nonce: iv XOR seq, seq right-aligned (RFC 8446 5.3, RFC 7905). */
static void xor_nonce(const uint8_t iv[12], uint64_t seq, uint8_t nonce[12])
{
	uint8_t s[8];

	put_u64(s, seq);
	memcpy(nonce, iv, 12);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] ^= s[i];
}

/* p's prepared cipher, made from its key at the first record. p is const
 * to its users (threads share it); the cipher is a cache made once, and a
 * thread that loses the race to install it frees its own. */
static int prot_ctx(const struct protect *p, struct aead_ctx **out)
{
	struct protect *mp = (struct protect *)p;
	struct aead_ctx *x = __atomic_load_n(&mp->aead, __ATOMIC_ACQUIRE), *none = NULL;
	const struct suite *s = p->suite;

	if (!x) {
		TRY(aead_ctx_new(&x, p->backend ? p->backend : aead_backend_default(), s->cipher,
				 p->key, p->key_len, is_aead(s->cipher) ? s->tag_len : 0));
		if (!__atomic_compare_exchange_n(&mp->aead, &none, x, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE)) {
			aead_ctx_unref(x);
			x = none;
		}
	}
	*out = x;
	return 0;
}

/* AEAD open of in[0..len) with tag; out gets len bytes. */
static int aead_open(const struct protect *p, const uint8_t nonce[12],
		     const uint8_t *aad, size_t aadlen, const uint8_t *in,
		     size_t len, const uint8_t *tag, uint8_t *out)
{
	struct aead_ctx *x;

	TRY(prot_ctx(p, &x));
	return aead_ctx_open(x, nonce, aad, aadlen, in, len, tag, out);
}

/* AEAD seal of in[0..len) into out (len bytes) and tag. */
static int aead_seal(const struct protect *p, const uint8_t nonce[12],
		     const uint8_t *aad, size_t aadlen, const uint8_t *in,
		     size_t len, uint8_t *out, uint8_t *tag)
{
	struct aead_ctx *x;

	TRY(prot_ctx(p, &x));
	return aead_ctx_seal(x, nonce, aad, aadlen, in, len, out, tag);
}

/* AES-CBC over whole blocks. */
static int cbc_crypt(const struct protect *p, bool enc, const uint8_t iv[16],
		     const uint8_t *in, size_t len, uint8_t *out)
{
	struct aead_ctx *x;

	if (len == 0)
		return 0;
	TRY(prot_ctx(p, &x));
	return aead_ctx_cbc(x, enc, iv, in, len, out);
}

/* The TLS 1.2 MAC / AEAD pseudo-header: seq || type || version || length. */
static void pseudo_header(uint8_t ph[13], uint64_t seq, uint8_t type,
			  uint16_t version, size_t len)
{
	put_u64(ph, seq);
	ph[8] = type;
	ph[9] = (uint8_t)(version >> 8);
	ph[10] = (uint8_t)version;
	ph[11] = (uint8_t)(len >> 8);
	ph[12] = (uint8_t)len;
}

/* HMAC(mac_key, pseudo-header || a || b). */
static int record_mac(const struct protect *p, const uint8_t ph[13],
		      const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		      uint8_t *mac)
{
	struct hmac_part parts[3] = { { ph, 13 }, { a, alen }, { b, blen } };

	return hmac_parts(p->suite->mac, p->mac_key, p->mac_len, parts, 3, mac);
}

/* Keys for one TLS 1.3 direction from its traffic secret. */
int protect_init_tls13(struct protect *p, const struct suite *s,
		       const uint8_t *secret)
{
	uint8_t key[32], iv[16];
	int rc;

	memset(p, 0, sizeof *p);
	ENSURE(s && s->kex == KEX_TLS13 && is_aead(s->cipher), ERR_UNSUPPORTED,
	       "TLS 1.3 record protection: suite %s not supported",
	       s ? s->name : "(none)");
	rc = keysched_tls13_traffic(s, secret, key, iv);
	if (rc == 0)
		rc = protect_init_tls13_keys(p, s, key, iv);
	secure_wipe(key, sizeof key);
	secure_wipe(iv, sizeof iv);
	return rc;
}

/* Keys for one TLS 1.3 direction from the key and IV themselves. */
int protect_init_tls13_keys(struct protect *p, const struct suite *s,
			    const uint8_t *key, const uint8_t *iv)
{
	memset(p, 0, sizeof *p);
	ENSURE(s && s->kex == KEX_TLS13 && is_aead(s->cipher), ERR_UNSUPPORTED,
	       "TLS 1.3 record protection: suite %s not supported",
	       s ? s->name : "(none)");
	p->suite = s;
	p->version = 0x0304;
	p->key_len = s->key_len;
	p->iv_len = s->iv_len;
	memcpy(p->key, key, s->key_len);
	memcpy(p->iv, iv, s->iv_len);
	return 0;
}

/* Keys for one TLS 1.2 direction from the key block parts. */
int protect_init_tls12(struct protect *p, const struct suite *s,
		       const uint8_t *key, const uint8_t *iv,
		       const uint8_t *mac_key, bool etm)
{
	memset(p, 0, sizeof *p);
	ENSURE(s && s->kex != KEX_TLS13 &&
	       (is_aead(s->cipher) || s->cipher == CIPHER_AES_CBC ||
		s->cipher == CIPHER_NULL),
	       ERR_UNSUPPORTED, "TLS 1.2 record protection: suite %s not supported",
	       s ? s->name : "(none)");
	p->suite = s;
	p->version = 0x0303;
	p->key_len = s->key_len;
	if (s->key_len)
		memcpy(p->key, key, s->key_len);
	if (is_aead(s->cipher)) {
		p->iv_len = s->iv_len;
		memcpy(p->iv, iv, s->iv_len);
	} else {
		p->mac_len = hash_len(s->mac);
		if (p->mac_len)
			memcpy(p->mac_key, mac_key, p->mac_len);
		p->etm = etm && s->cipher == CIPHER_AES_CBC;
	}
	return 0;
}

/* TLS 1.3: decrypt, then strip zero padding and take the inner type. */
static int open_tls13(const struct protect *p, uint64_t seq, const uint8_t hdr[5],
		      const uint8_t *frag, size_t len, uint8_t *out,
		      struct protect_result *res)
{
	size_t tag = p->suite->tag_len, ct, i;
	uint8_t nonce[12];

	ENSURE(len >= tag + 1, ERR_SHORT,
	       "TLS 1.3 record: %zu bytes cannot hold a %zu-byte tag and a content type",
	       len, tag);
	ct = len - tag;
	res->tag_off = (uint32_t)ct;
	res->tag_len = (uint32_t)tag;
	xor_nonce(p->iv, seq, nonce);
	TRY(aead_open(p, nonce, hdr, 5, frag, ct, frag + ct, out));
	for (i = ct; i > 0 && out[i - 1] == 0; i--)
		;
	ENSURE(i > 0, ERR_VALUE, "TLS 1.3 record: plaintext is all zeros (no content type)");
	res->inner_type = out[i - 1];
	res->plain_len = i - 1;
	res->padding_len = ct - i;
	return 0;
}

/* TLS 1.2 AEAD: explicit nonce for AES-GCM/CCM, none for ChaCha20-Poly1305. */
static int open_tls12_aead(const struct protect *p, uint64_t seq, const uint8_t hdr[5],
			   const uint8_t *frag, size_t len, uint8_t *out,
			   struct protect_result *res)
{
	size_t tag = p->suite->tag_len, expl = 0, ct;
	uint8_t nonce[12], ph[13];

	if (p->suite->cipher != CIPHER_CHACHA20_POLY1305)
		expl = EXPLICIT_NONCE;
	ENSURE(len >= expl + tag, ERR_SHORT,
	       "TLS 1.2 %s record: %zu bytes cannot hold a %zu-byte nonce and a %zu-byte tag",
	       cipher_name(p->suite->cipher), len, expl, tag);
	ct = len - expl - tag;
	res->nonce_off = 0;
	res->nonce_len = (uint32_t)expl;
	res->tag_off = (uint32_t)(len - tag);
	res->tag_len = (uint32_t)tag;
	if (expl) {
		memcpy(nonce, p->iv, 4);
		memcpy(nonce + 4, frag, EXPLICIT_NONCE);
	} else {
		xor_nonce(p->iv, seq, nonce);
	}
	pseudo_header(ph, seq, hdr[0], (uint16_t)(hdr[1] << 8 | hdr[2]), ct);
	TRY(aead_open(p, nonce, ph, sizeof ph, frag + expl, ct, frag + len - tag, out));
	res->plain_len = ct;
	return 0;
}

/* Check TLS CBC padding of the decrypted block run dec[0..n); returns the
 * padding_length value or ERR_AUTH. */
static int cbc_padding(const uint8_t *dec, size_t n, size_t mac_len)
{
	uint8_t pad = dec[n - 1];

	ENSURE((size_t)pad + 1 + mac_len <= n, ERR_AUTH,
	       "CBC: padding length %u does not fit in %zu bytes (bad padding)",
	       pad, n);
	for (size_t i = n - 1 - pad; i < n - 1; i++)
		ENSURE(dec[i] == pad, ERR_AUTH, "CBC: padding byte %zu is %u, not %u",
		       i, dec[i], pad);
	return pad;
}

/* TLS 1.2 CBC, MAC-then-encrypt or encrypt-then-MAC. */
static int open_tls12_cbc(const struct protect *p, uint64_t seq, const uint8_t hdr[5],
			  const uint8_t *frag, size_t len, uint8_t *out,
			  struct protect_result *res)
{
	size_t mac = p->mac_len, body, plain;
	uint16_t version = (uint16_t)(hdr[1] << 8 | hdr[2]);
	uint8_t ph[13], calc[KEYS_MAX_HASH];
	int pad;

	res->nonce_off = 0;
	res->nonce_len = CBC_BLOCK;
	if (p->etm) {
		ENSURE(len >= CBC_BLOCK + CBC_BLOCK + mac, ERR_SHORT,
		       "CBC record: %zu bytes cannot hold IV, one block and a %zu-byte MAC",
		       len, mac);
		body = len - CBC_BLOCK - mac;
		ENSURE(body % CBC_BLOCK == 0, ERR_LENGTH,
		       "CBC record: ciphertext of %zu bytes is not whole blocks", body);
		res->tag_off = (uint32_t)(len - mac);
		res->tag_len = (uint32_t)mac;
		pseudo_header(ph, seq, hdr[0], version, len - mac);
		TRY(record_mac(p, ph, frag, len - mac, NULL, 0, calc));
		ENSURE(bytes_equal_ct(calc, frag + len - mac, mac), ERR_AUTH,
		       "CBC record: encrypt-then-MAC MAC does not verify");
		TRY(cbc_crypt(p, false, frag, frag + CBC_BLOCK, body, out));
		pad = cbc_padding(out, body, 0);
		TRY(pad);
		res->plain_len = body - (size_t)pad - 1;
		res->padding_len = (size_t)pad + 1;
		return 0;
	}
	ENSURE(len >= CBC_BLOCK + CBC_BLOCK, ERR_SHORT,
	       "CBC record: %zu bytes cannot hold an IV and one block", len);
	body = len - CBC_BLOCK;
	ENSURE(body % CBC_BLOCK == 0, ERR_LENGTH,
	       "CBC record: ciphertext of %zu bytes is not whole blocks", body);
	ENSURE(body >= mac + 1, ERR_SHORT,
	       "CBC record: %zu bytes cannot hold a %zu-byte MAC", body, mac);
	TRY(cbc_crypt(p, false, frag, frag + CBC_BLOCK, body, out));
	pad = cbc_padding(out, body, mac);
	TRY(pad);
	plain = body - (size_t)pad - 1 - mac;
	res->plain_len = plain;
	res->padding_len = (size_t)pad + 1;
	res->tag_off = (uint32_t)(CBC_BLOCK + plain);
	res->tag_len = (uint32_t)mac;
	pseudo_header(ph, seq, hdr[0], version, plain);
	TRY(record_mac(p, ph, out, plain, NULL, 0, calc));
	ENSURE(bytes_equal_ct(calc, out + plain, mac), ERR_AUTH,
	       "CBC record: MAC does not verify");
	return 0;
}

/* NULL cipher: content || MAC. */
static int open_tls12_null(const struct protect *p, uint64_t seq, const uint8_t hdr[5],
			   const uint8_t *frag, size_t len, uint8_t *out,
			   struct protect_result *res)
{
	size_t mac = p->mac_len;
	uint8_t ph[13], calc[KEYS_MAX_HASH];

	ENSURE(len >= mac, ERR_SHORT, "NULL-cipher record: %zu bytes cannot hold a %zu-byte MAC",
	       len, mac);
	res->plain_len = len - mac;
	res->tag_off = (uint32_t)(len - mac);
	res->tag_len = (uint32_t)mac;
	if (mac) {
		pseudo_header(ph, seq, hdr[0], (uint16_t)(hdr[1] << 8 | hdr[2]), len - mac);
		TRY(record_mac(p, ph, frag, len - mac, NULL, 0, calc));
		ENSURE(bytes_equal_ct(calc, frag + len - mac, mac), ERR_AUTH,
		       "NULL-cipher record: MAC does not verify");
	}
	if (len - mac)
		memcpy(out, frag, len - mac);
	return 0;
}

/* Decrypt and authenticate one record; the sequence number advances always. */
int protect_open(struct protect *p, const uint8_t hdr[5], const uint8_t *frag,
		 size_t len, uint8_t *out, size_t cap, struct protect_result *res)
{
	uint64_t seq;

	ENSURE(p && p->suite && hdr && res, ERR_INTERNAL, "protect_open: not initialised");
	memset(res, 0, sizeof *res);
	res->inner_type = hdr[0];
	ENSURE(len <= MAX_FRAG, ERR_LENGTH, "record: fragment of %zu bytes exceeds %u",
	       len, MAX_FRAG);
	ENSURE(len == 0 || frag, ERR_INTERNAL, "protect_open: no fragment");
	ENSURE(cap >= len && (len == 0 || out), ERR_NOMEM,
	       "protect_open: output of %zu bytes cannot hold %zu", cap, len);
	seq = p->seq++;
	return protect_open_seq(p, seq, hdr, frag, len, out, cap, res);
}

/* Decrypt and authenticate one record with an explicit sequence number,
 * leaving p untouched (worker threads share one struct protect). */
int protect_open_seq(const struct protect *p, uint64_t seq, const uint8_t hdr[5],
		     const uint8_t *frag, size_t len, uint8_t *out, size_t cap,
		     struct protect_result *res)
{
	int rc;

	ENSURE(p && p->suite && hdr && res, ERR_INTERNAL, "protect_open: not initialised");
	memset(res, 0, sizeof *res);
	res->inner_type = hdr[0];
	ENSURE(len <= MAX_FRAG, ERR_LENGTH, "record: fragment of %zu bytes exceeds %u",
	       len, MAX_FRAG);
	ENSURE(len == 0 || frag, ERR_INTERNAL, "protect_open: no fragment");
	ENSURE(cap >= len && (len == 0 || out), ERR_NOMEM,
	       "protect_open: output of %zu bytes cannot hold %zu", cap, len);
	if (p->version == 0x0304)
		rc = open_tls13(p, seq, hdr, frag, len, out, res);
	else if (is_aead(p->suite->cipher))
		rc = open_tls12_aead(p, seq, hdr, frag, len, out, res);
	else if (p->suite->cipher == CIPHER_AES_CBC)
		rc = open_tls12_cbc(p, seq, hdr, frag, len, out, res);
	else
		rc = open_tls12_null(p, seq, hdr, frag, len, out, res);
	if (rc < 0) {
		if (len && out)
			secure_wipe(out, len);
		res->plain_len = 0;
		return err_wrap(rc, "record %llu: ", (unsigned long long)seq);
	}
	return 0;
}

/* CBC seal: IV from the RNG, content || MAC || padding (MtE) or
 * content || padding then MAC (EtM). */
static int seal_cbc(struct protect *p, uint64_t seq, uint8_t type,
		    const uint8_t *plain, size_t len, uint8_t *out, size_t cap)
{
	size_t mac = p->mac_len, inner = len + (p->etm ? 0 : mac);
	size_t pad = CBC_BLOCK - inner % CBC_BLOCK; /* 1..16 incl. length byte */
	size_t body = inner + pad, total = CBC_BLOCK + body + (p->etm ? mac : 0);
	uint8_t ph[13], *buf = NULL;
	WC_RNG rng;
	int rc;

	ENSURE(total <= cap, ERR_NOMEM, "seal: %zu bytes do not fit in %zu", total, cap);
	buf = malloc(body);
	ENSURE(buf, ERR_NOMEM, "seal: out of memory");
	if (len)
		memcpy(buf, plain, len);
	if (!p->etm) {
		pseudo_header(ph, seq, type, p->version, len);
		TRY_GOTO(record_mac(p, ph, plain, len, NULL, 0, buf + len));
	}
	memset(buf + inner, (int)(pad - 1), pad);
	ENSURE_GOTO(wc_InitRng(&rng) == 0, ERR_CRYPTO, "seal: RNG init failed");
	rc = wc_RNG_GenerateBlock(&rng, out, CBC_BLOCK);
	wc_FreeRng(&rng);
	ENSURE_GOTO(rc == 0, ERR_CRYPTO, "seal: RNG failed");
	TRY_GOTO(cbc_crypt(p, true, out, buf, body, out + CBC_BLOCK));
	if (p->etm) {
		pseudo_header(ph, seq, type, p->version, CBC_BLOCK + body);
		TRY_GOTO(record_mac(p, ph, out, CBC_BLOCK + body, NULL, 0,
				    out + CBC_BLOCK + body));
	}
	rc = (int)total;
out:
	secure_wipe(buf, body);
	free(buf);
	return rc;
}

/* Encrypt one record into out; returns the fragment length. */
int protect_seal(struct protect *p, uint8_t content_type, const uint8_t *plain,
		 size_t len, uint8_t *out, size_t cap)
{
	const struct suite *s;
	uint8_t nonce[12], ph[13], *buf = NULL;
	uint64_t seq;
	size_t total;
	int rc;

	ENSURE(p && p->suite && out, ERR_INTERNAL, "protect_seal: not initialised");
	ENSURE(len <= 16384, ERR_LENGTH, "seal: %zu bytes exceed a record", len);
	s = p->suite;
	seq = p->seq++;
	if (p->version == 0x0304) {
		uint8_t hdr[5];

		total = len + 1 + s->tag_len;
		ENSURE(total <= cap, ERR_NOMEM, "seal: %zu bytes do not fit in %zu", total, cap);
		buf = malloc(len + 1);
		ENSURE(buf, ERR_NOMEM, "seal: out of memory");
		if (len)
			memcpy(buf, plain, len);
		buf[len] = content_type;
		hdr[0] = 23;
		hdr[1] = 3;
		hdr[2] = 3;
		hdr[3] = (uint8_t)(total >> 8);
		hdr[4] = (uint8_t)total;
		xor_nonce(p->iv, seq, nonce);
		TRY_GOTO(aead_seal(p, nonce, hdr, 5, buf, len + 1, out, out + len + 1));
		rc = (int)total;
		goto out;
	}
	if (s->cipher == CIPHER_AES_CBC)
		return seal_cbc(p, seq, content_type, plain, len, out, cap);
	pseudo_header(ph, seq, content_type, p->version, len);
	if (s->cipher == CIPHER_NULL) {
		total = len + p->mac_len;
		ENSURE(total <= cap, ERR_NOMEM, "seal: %zu bytes do not fit in %zu", total, cap);
		if (len)
			memcpy(out, plain, len);
		if (p->mac_len)
			TRY(record_mac(p, ph, plain, len, NULL, 0, out + len));
		return (int)total;
	}
	{
		size_t expl = s->cipher == CIPHER_CHACHA20_POLY1305 ? 0 : EXPLICIT_NONCE;

		total = expl + len + s->tag_len;
		ENSURE(total <= cap, ERR_NOMEM, "seal: %zu bytes do not fit in %zu", total, cap);
		if (expl) {
			/* explicit nonce = the sequence number, as most stacks do */
			put_u64(out, seq);
			memcpy(nonce, p->iv, 4);
			memcpy(nonce + 4, out, EXPLICIT_NONCE);
		} else {
			xor_nonce(p->iv, seq, nonce);
		}
		TRY(aead_seal(p, nonce, ph, sizeof ph, plain, len, out + expl,
			      out + expl + len));
		return (int)total;
	}
out:
	if (buf)
		secure_wipe(buf, len + 1);
	free(buf);
	return rc;
}

/* dst = src, sharing src's prepared cipher (made now, so both use one). */
int protect_copy(struct protect *dst, const struct protect *src)
{
	struct aead_ctx *x = NULL;

	memset(dst, 0, sizeof *dst);
	ENSURE(src && src->suite, ERR_INTERNAL, "protect_copy: not initialised");
	if (src->suite->cipher != CIPHER_NULL)
		TRY(prot_ctx(src, &x));
	*dst = *src;
	dst->aead = aead_ctx_ref(x);
	return 0;
}

/* Wipe keys; the prepared cipher goes with its last user. */
void protect_wipe(struct protect *p)
{
	if (!p)
		return;
	aead_ctx_unref(p->aead);
	secure_wipe(p, sizeof *p);
}

/* Name of the default record-protection library. */
const char *protect_backend_name(void)
{
	return aead_backend_default()->name;
}

/* Whether the default backend's AES runs in hardware here. */
bool protect_backend_fast(void)
{
	return aead_backend_default()->fast();
}
