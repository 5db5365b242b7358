/* Key material: cipher suite facts, the key store (NSS key log, RSA server
 * key), the TLS 1.2 and 1.3 key schedules and record protection.
 *
 * This header is the contract between the TLS decoder (src/tls) and the key
 * code (src/keys). All functions follow core/err.h: 0 / non-negative on
 * success, negative ERR_* with err_set() message on failure.
 */
#ifndef TLSVIZ_KEYS_H
#define TLSVIZ_KEYS_H

#include "core/event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- cipher suites (src/keys/suite.c: the full IANA registry) ---- */

enum hash_kind { HASH_NONE = 0, HASH_MD5, HASH_SHA1, HASH_SHA256, HASH_SHA384 };

enum cipher_kind {
	CIPHER_UNKNOWN = 0, /* named in the registry, not decryptable by tlsviz */
	CIPHER_NULL,
	CIPHER_AES_GCM,
	CIPHER_AES_CCM,
	CIPHER_AES_CCM8,
	CIPHER_CHACHA20_POLY1305,
	CIPHER_AES_CBC,
};

enum kex_kind {
	KEX_OTHER = 0,
	KEX_TLS13, /* TLS 1.3 suites: key exchange negotiated separately */
	KEX_RSA,   /* static RSA key transport */
	KEX_ECDHE,
	KEX_DHE,
	KEX_PSK,
};

struct suite {
	uint16_t id;
	const char *name;       /* IANA: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
	enum kex_kind kex;
	enum cipher_kind cipher;
	uint8_t key_len;        /* encryption key bytes */
	uint8_t iv_len;         /* TLS 1.3: 12; 1.2 AEAD: fixed IV (4 or 12); CBC: 16 */
	uint8_t tag_len;        /* AEAD tag bytes (0 for CBC) */
	enum hash_kind mac;     /* CBC HMAC hash (HASH_NONE for AEAD) */
	enum hash_kind prf;     /* PRF / HKDF hash */
};

/* The registry entry for a suite id, or NULL when unassigned. */
const struct suite *suite_find(uint16_t id);
/* Look a suite up by IANA name or OpenSSL/wolfSSL name; NULL if unknown. */
const struct suite *suite_by_name(const char *name);
/* Digest length of a hash (0 for HASH_NONE). */
size_t hash_len(enum hash_kind h);
/* One-shot digest. */
int hash_digest(enum hash_kind h, const uint8_t *in, size_t len, uint8_t *out);

/* ---- the key store ---- */

/* Labels exactly as in the NSS key log format. */
#define KL_CLIENT_RANDOM "CLIENT_RANDOM"
#define KL_RSA "RSA"
#define KL_PMS_CLIENT_RANDOM "PMS_CLIENT_RANDOM"
#define KL_CLIENT_EARLY "CLIENT_EARLY_TRAFFIC_SECRET"
#define KL_CLIENT_HS "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
#define KL_SERVER_HS "SERVER_HANDSHAKE_TRAFFIC_SECRET"
#define KL_CLIENT_AP "CLIENT_TRAFFIC_SECRET_0"
#define KL_SERVER_AP "SERVER_TRAFFIC_SECRET_0"
#define KL_EXPORTER "EXPORTER_SECRET"
#define KL_EARLY_EXPORTER "EARLY_EXPORTER_SECRET"
/* Encrypted ClientHello (RFC 9850): the HPKE shared secret and the ECHConfig
 * the client used, keyed by the outer ClientHello random. Shown, never used:
 * tlsviz does not decrypt the inner ClientHello. */
#define KL_ECH_SECRET "ECH_SECRET"
#define KL_ECH_CONFIG "ECH_CONFIG"

struct keystore;

/* The longest secret the key store holds: PMS_CLIENT_RANDOM may carry a
 * 4096-bit finite-field DH secret. */
#define KEYS_SECRET_MAX 512

struct keystore *keystore_new(void);
/* Free the store, wiping every secret. */
void keystore_free(struct keystore *ks);
/* Parse NSS key log text (file contents or a pcapng DSB). LF, CRLF, CR line
 * ends; '#' comments; either hex case. Each bad line is reported as an EV_NOTE
 * warning on warn (may be NULL) naming origin and line number, and skipped.
 * Returns the number of entries added. */
int keystore_add_keylog(struct keystore *ks, const uint8_t *text, size_t len,
			const char *origin, struct sink *warn);
/* Read a key log file and add it (ERR_IO with the path on failure). */
int keystore_load_keylog_file(struct keystore *ks, const char *path, struct sink *warn);
/* Add one secret: id is the 32-byte client random (or, for KL_RSA, the first
 * 8 bytes of the encrypted premaster). Thread-safe. */
int keystore_put(struct keystore *ks, const char *label, const uint8_t *id,
		 size_t idlen, const uint8_t *secret, size_t len);
/* Find a secret; returns its length, or ERR_NOKEY. Thread-safe. */
int keystore_get(struct keystore *ks, const char *label, const uint8_t *id,
		 size_t idlen, uint8_t *out, size_t cap);
/* Entries held. */
size_t keystore_count(struct keystore *ks);
/* The whole store as NSS key log text (malloc'd, NUL-terminated). */
char *keystore_to_keylog(struct keystore *ks, size_t *len);
/* Load a server RSA private key (PEM or DER; PKCS#1 or PKCS#8). An encrypted
 * PEM is refused with a clear message. */
int keystore_load_rsa_key(struct keystore *ks, const char *path);
/* Decrypt a static-RSA EncryptedPreMasterSecret; 48 on success, ERR_NOKEY
 * without a key, ERR_CRYPTO when the key does not match. */
int keystore_rsa_decrypt(struct keystore *ks, const uint8_t *enc, size_t len,
			 uint8_t pms[48]);

/* ---- key schedules ---- */

/* TLS 1.2 PRF (RFC 5246 section 5) with the suite's hash. */
int prf_tls12(enum hash_kind h, const uint8_t *secret, size_t slen,
	      const char *label, const uint8_t *seed, size_t seedlen,
	      uint8_t *out, size_t outlen);
/* master_secret from the premaster; session_hash != NULL selects the
 * extended master secret (RFC 7627). */
int keysched_tls12_master(enum hash_kind h, const uint8_t *pms, size_t pmslen,
			  const uint8_t cr[32], const uint8_t sr[32],
			  const uint8_t *session_hash, size_t hlen, uint8_t ms[48]);

struct tls12_keys {
	uint8_t client_mac[48], server_mac[48];
	uint8_t client_key[32], server_key[32];
	uint8_t client_iv[16], server_iv[16];
	size_t mac_len, key_len, iv_len;
};
/* Split the key block of a suite (RFC 5246 section 6.3). */
int keysched_tls12_keyblock(const struct suite *s, const uint8_t ms[48],
			    const uint8_t cr[32], const uint8_t sr[32],
			    struct tls12_keys *out);

/* HKDF-Extract (RFC 5869). out gets hash_len(h) bytes. */
int hkdf_extract(enum hash_kind h, const uint8_t *salt, size_t saltlen,
		 const uint8_t *ikm, size_t ikmlen, uint8_t *out);
/* HKDF-Expand-Label (RFC 8446 section 7.1), label without the "tls13 " prefix. */
int hkdf_expand_label(enum hash_kind h, const uint8_t *secret, size_t slen,
		      const char *label, const uint8_t *ctx, size_t ctxlen,
		      uint8_t *out, size_t outlen);
/* Traffic key and IV from a TLS 1.3 traffic secret. */
int keysched_tls13_traffic(const struct suite *s, const uint8_t *secret,
			   uint8_t *key, uint8_t *iv);
/* The next traffic secret after a KeyUpdate ("traffic upd"). */
int keysched_tls13_update(enum hash_kind h, const uint8_t *secret, uint8_t *next);

/* ---- record protection ---- */

struct protect {
	const struct suite *suite;
	uint16_t version;     /* 0x0303 or 0x0304 */
	uint64_t seq;         /* next record sequence number */
	bool etm;             /* TLS 1.2 CBC encrypt_then_mac */
	uint8_t key[32], iv[16], mac_key[48];
	size_t key_len, iv_len, mac_len;
	/* The cipher prepared from key, made at the first record and shared by
	 * the threads opening records with these keys (src/keys/aead.c); copy a
	 * struct protect only with protect_copy. */
	struct aead_ctx *aead;
	const struct aead_backend *backend; /* NULL: aead_backend_default() */
};

struct protect_result {
	size_t plain_len;     /* plaintext bytes written (TLS 1.3: without
				 inner type and padding) */
	uint8_t inner_type;   /* TLS 1.3 inner content type, else the outer */
	uint32_t nonce_off, nonce_len; /* explicit nonce / CBC IV inside frag */
	uint32_t tag_off, tag_len;     /* tag or MAC inside frag (CBC: of the
					  plaintext after decryption) */
	size_t padding_len;   /* TLS 1.3 zero padding / CBC padding bytes */
};

/* Keys for one direction of TLS 1.3 from its traffic secret; seq = 0. */
int protect_init_tls13(struct protect *p, const struct suite *s,
		       const uint8_t *secret);
/* The same from the traffic key and IV (tlsviz calc aead-open); seq = 0. */
int protect_init_tls13_keys(struct protect *p, const struct suite *s,
			    const uint8_t *key, const uint8_t *iv);
/* Keys for one direction of TLS 1.2 from the key block; seq = 0. */
int protect_init_tls12(struct protect *p, const struct suite *s,
		       const uint8_t *key, const uint8_t *iv,
		       const uint8_t *mac_key, bool etm);
/* Decrypt and authenticate one record. hdr is the 5-byte record header as on
 * the wire, frag the fragment. out must hold len bytes. The sequence number
 * advances whether or not the record authenticates; ERR_AUTH when the tag or
 * MAC fails (out then holds nothing meaningful). */
int protect_open(struct protect *p, const uint8_t hdr[5], const uint8_t *frag,
		 size_t len, uint8_t *out, size_t cap, struct protect_result *res);
/* protect_open with an explicit sequence number; p is not changed (several
 * threads may open records with the same keys at once). */
int protect_open_seq(const struct protect *p, uint64_t seq, const uint8_t hdr[5],
		     const uint8_t *frag, size_t len, uint8_t *out, size_t cap,
		     struct protect_result *res);
/* Encrypt one record (tests and the tamper scenario): writes the fragment
 * into out, returns its length. TLS 1.3: inner_type is appended. */
int protect_seal(struct protect *p, uint8_t content_type, const uint8_t *plain,
		 size_t len, uint8_t *out, size_t cap);
/* dst = src sharing src's prepared cipher (made now if not yet); wipe both. */
int protect_copy(struct protect *dst, const struct protect *src);
/* Wipe keys and free the prepared cipher. */
void protect_wipe(struct protect *p);
/* Name of the record-protection library ("libgcrypt", "wolfCrypt"). */
const char *protect_backend_name(void);
/* Whether record protection runs in hardware here (one thread keeps up). */
bool protect_backend_fast(void);

/* ---- additions (src/keys): helpers for the decoder, views and tests ---- */

/* Largest digest tlsviz handles (SHA-384). */
#define KEYS_MAX_HASH 48

/* The whole registry, sorted by id; *n gets the entry count. */
const struct suite *suite_table(size_t *n);
/* Display names: "SHA-256", "AES-GCM", "ECDHE" ("none"/"unknown"/"other"). */
const char *hash_name(enum hash_kind h);
const char *cipher_name(enum cipher_kind c);
const char *kex_name(enum kex_kind k);

/* HMAC over the concatenation of parts (RFC 2104); out gets hash_len(h). */
struct hmac_part {
	const uint8_t *p;
	size_t len;
};
int hmac_parts(enum hash_kind h, const uint8_t *key, size_t klen,
	       const struct hmac_part *parts, size_t n, uint8_t *out);
int hmac_once(enum hash_kind h, const uint8_t *key, size_t klen,
	      const uint8_t *msg, size_t len, uint8_t *out);
/* Constant-time equality of two byte strings. */
bool bytes_equal_ct(const uint8_t *a, const uint8_t *b, size_t n);
/* Wipe secret bytes (not optimized away). */
void secure_wipe(void *p, size_t n);

/* TLS 1.2 Finished verify_data (12 bytes): PRF(ms, label, handshake_hash),
 * label "client finished" or "server finished". */
int keysched_tls12_finished(enum hash_kind h, const uint8_t ms[48],
			    const char *label, const uint8_t *handshake_hash,
			    size_t hlen, uint8_t out[12]);

/* HKDF-Expand (RFC 5869); outlen <= 255 * hash_len(h). */
int hkdf_expand(enum hash_kind h, const uint8_t *prk, size_t prklen,
		const uint8_t *info, size_t infolen, uint8_t *out, size_t outlen);
/* The TLS 1.3 key schedule (RFC 8446 section 7.1). Every secret is
 * hash_len(h) bytes. */
/* Derive-Secret(secret, label, Messages) given Transcript-Hash(Messages) =
 * thash (hash_len(h) bytes); thash NULL means the hash of no messages. */
int keysched_tls13_derive_secret(enum hash_kind h, const uint8_t *secret,
				 const char *label, const uint8_t *thash,
				 uint8_t *out);
/* Early Secret = HKDF-Extract(0, PSK); psk NULL/0 means no PSK (zeros). */
int keysched_tls13_early_secret(enum hash_kind h, const uint8_t *psk,
				size_t psklen, uint8_t *out);
/* Handshake Secret = HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE). */
int keysched_tls13_handshake_secret(enum hash_kind h, const uint8_t *early,
				    const uint8_t *ecdhe, size_t ecdhe_len,
				    uint8_t *out);
/* Master Secret = HKDF-Extract(Derive-Secret(hs, "derived", ""), 0). */
int keysched_tls13_master_secret(enum hash_kind h, const uint8_t *hs,
				 uint8_t *out);
/* finished_key = HKDF-Expand-Label(base_key, "finished", "", Hash.length). */
int keysched_tls13_finished_key(enum hash_kind h, const uint8_t *base_key,
				uint8_t *out);
/* Finished verify_data = HMAC(finished_key(base_key), thash). */
int keysched_tls13_finished(enum hash_kind h, const uint8_t *base_key,
			    const uint8_t *thash, uint8_t *out);
/* PSK of a ticket: HKDF-Expand-Label(resumption_master, "resumption",
 * ticket_nonce, Hash.length). */
int keysched_tls13_resumption_psk(enum hash_kind h, const uint8_t *res_master,
				  const uint8_t *nonce, size_t nonce_len,
				  uint8_t *out);

/* Load a server RSA private key from memory (PEM or DER); origin names it
 * in messages. */
int keystore_load_rsa_key_mem(struct keystore *ks, const uint8_t *buf,
			      size_t len, const char *origin);
/* True when an RSA private key is loaded. */
bool keystore_has_rsa(struct keystore *ks);

#endif
