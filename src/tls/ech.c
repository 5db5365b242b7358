/* Encrypted ClientHello (RFC 9849): the encrypted_client_hello extension in
 * each of its three forms, the ECHConfigList a server sends back as
 * retry_configs, and ech_outer_extensions. tlsviz shows ECH; it does not
 * decrypt the inner ClientHello (that needs the server's HPKE private key). */
#include "core/err.h"
#include "tls/handshake.h"
#include "tls/names.h"

#include <stdio.h>

/* The only ECHConfig version RFC 9849 defines (the extension's code point). */
#define ECH_VERSION 0xfe0d

/* The rest of a vector as one hex field (nothing added when it is empty). */
static int ech_hex_rest(struct cursor *c, const char *field, struct fields *fl, int depth)
{
	uint64_t at = cursor_offset(c);
	const uint8_t *p;
	size_t n;

	TRY(cursor_rest(c, &p, &n));
	if (n)
		fields_hex(fl, depth, field, at, p, n);
	return 0;
}

/* struct { HpkeKdfId kdf_id; HpkeAeadId aead_id; } HpkeSymmetricCipherSuite; */
static int ech_cipher_suite(struct cursor *c, struct fields *fl, int depth, uint16_t *kdf,
			    uint16_t *aead)
{
	uint64_t at = cursor_offset(c);
	int idx = fields_add(fl, depth, "cipher_suite", at, 0, NULL);
	const char *k, *a;
	uint16_t kv, av;

	TRY(hs_code16(c, "kdf_id", names_hpke_kdf, fl, depth + 1, &kv));
	TRY(hs_code16(c, "aead_id", names_hpke_aead, fl, depth + 1, &av));
	k = names_hpke_kdf(kv);
	a = names_hpke_aead(av);
	fields_set_value(fl, idx, "%s, %s", k ? k : "unknown KDF", a ? a : "unknown AEAD");
	fields_close(fl, idx, cursor_offset(c));
	if (kdf)
		*kdf = kv;
	if (aead)
		*aead = av;
	return 0;
}

/*
 * enum { outer(0), inner(1) } ECHClientHelloType;
 * struct {
 *     ECHClientHelloType type;
 *     select (ECHClientHello.type) {
 *         case outer:
 *             HpkeSymmetricCipherSuite cipher_suite;
 *             uint8 config_id;
 *             opaque enc<0..2^16-1>;
 *             opaque payload<1..2^16-1>;
 *         case inner:
 *             Empty;
 *     };
 * } ECHClientHello;
 */
static int ech_client_hello(struct cursor *b, struct fields *fl, int depth, struct hs_info *hi)
{
	uint64_t at = cursor_offset(b);
	struct cursor v;
	uint8_t type, id;

	TRY(cursor_u8(b, "type", &type));
	fields_add(fl, depth, "type", at, 1, "%s (%u)",
		   type == 0 ? "outer" : type == 1 ? "inner" : "unknown", type);
	ENSURE(type <= 1, ERR_VALUE, "type: %u at offset %llu is neither outer(0) nor inner(1)", type,
	       (unsigned long long)at);
	if (type == 1) {
		hi->ch_ech = ECH_INNER;
		fields_add(fl, depth, "note", cursor_offset(b), 0,
			   "inner: the marker of a ClientHelloInner, no body");
		return cursor_end(b, "encrypted_client_hello");
	}
	/* an outer hello even when a later field is bad: the wire said so */
	hi->ch_ech = ECH_OUTER;
	TRY(ech_cipher_suite(b, fl, depth, &hi->ech_kdf, &hi->ech_aead));
	at = cursor_offset(b);
	TRY(cursor_u8(b, "config_id", &id));
	fields_add(fl, depth, "config_id", at, 1, "%u", id);
	hi->ech_config_id = id;
	TRY(hs_vec(b, 2, "enc", &v, fl, depth));
	hi->ech_enc_len = (uint16_t)cursor_left(&v);
	if (!cursor_left(&v))
		fields_add(fl, depth, "note", cursor_offset(&v), 0,
			   "enc empty: the second ClientHello after a HelloRetryRequest reuses the HPKE context");
	TRY(ech_hex_rest(&v, "enc", fl, depth));
	TRY(hs_vec(b, 2, "payload", &v, fl, depth));
	ENSURE(cursor_left(&v) > 0, ERR_LENGTH, "payload: empty at offset %llu",
	       (unsigned long long)cursor_offset(&v));
	hi->ech_payload_len = (uint16_t)cursor_left(&v);
	at = cursor_offset(&v);
	TRY(ech_hex_rest(&v, "payload", fl, depth));
	fields_add(fl, depth, "note", at, 0,
		   "payload: %u bytes, the ClientHelloInner encrypted with HPKE to the server's ECH public key",
		   hi->ech_payload_len);
	return cursor_end(b, "encrypted_client_hello");
}

/*
 * struct {
 *     uint8 config_id;
 *     HpkeKemId kem_id;
 *     HpkePublicKey public_key;                         -- opaque <1..2^16-1>
 *     HpkeSymmetricCipherSuite cipher_suites<4..2^16-4>;
 * } HpkeKeyConfig;
 * struct {
 *     HpkeKeyConfig key_config;
 *     uint8 maximum_name_length;
 *     opaque public_name<1..255>;
 *     ECHConfigExtension extensions<0..2^16-1>;
 * } ECHConfigContents;
 * struct { ECHConfigExtensionType type; opaque data<0..2^16-1>; } ECHConfigExtension;
 */
static int ech_config_contents(struct cursor *c, struct fields *fl, int depth)
{
	uint64_t at = cursor_offset(c);
	struct cursor v, e;
	const uint8_t *p;
	uint8_t u8;
	int idx;

	idx = fields_add(fl, depth, "key_config", at, 0, NULL);
	TRY(cursor_u8(c, "config_id", &u8));
	fields_add(fl, depth + 1, "config_id", at, 1, "%u", u8);
	fields_set_value(fl, idx, "config_id %u", u8);
	TRY(hs_code16(c, "kem_id", names_hpke_kem, fl, depth + 1, NULL));
	TRY(hs_vec(c, 2, "public_key", &v, fl, depth + 1));
	ENSURE(cursor_left(&v) > 0, ERR_LENGTH, "public_key: empty at offset %llu",
	       (unsigned long long)cursor_offset(&v));
	TRY(ech_hex_rest(&v, "public_key", fl, depth + 1));
	TRY(hs_vec(c, 2, "cipher_suites", &v, fl, depth + 1));
	ENSURE(cursor_left(&v) >= 4 && cursor_left(&v) % 4 == 0, ERR_LENGTH,
	       "cipher_suites: length %zu at offset %llu is not a multiple of 4 >= 4", cursor_left(&v),
	       (unsigned long long)cursor_offset(&v));
	while (cursor_left(&v))
		TRY(ech_cipher_suite(&v, fl, depth + 2, NULL, NULL));
	fields_close(fl, idx, cursor_offset(c));
	at = cursor_offset(c);
	TRY(cursor_u8(c, "maximum_name_length", &u8));
	fields_add(fl, depth, "maximum_name_length", at, 1, "%u", u8);
	TRY(hs_vec(c, 1, "public_name", &v, fl, depth));
	ENSURE(cursor_left(&v) > 0, ERR_LENGTH, "public_name: empty at offset %llu",
	       (unsigned long long)cursor_offset(&v));
	at = cursor_offset(&v);
	TRY(cursor_bytes(&v, "public_name", cursor_left(&v), &p));
	fields_str(fl, depth, "public_name", at, p, (size_t)(cursor_offset(&v) - at));
	TRY(hs_vec(c, 2, "extensions", &v, fl, depth));
	while (cursor_left(&v)) {
		uint16_t type;

		at = cursor_offset(&v);
		TRY(cursor_u16(&v, "extension_type", &type));
		fields_add(fl, depth + 1, "extension_type", at, 2, "0x%04x%s", type,
			   type & 0x8000 ? " (mandatory)" : "");
		TRY(hs_vec(&v, 2, "extension_data", &e, fl, depth + 1));
		TRY(ech_hex_rest(&e, "data", fl, depth + 1));
	}
	return cursor_end(c, "ECHConfigContents");
}

/*
 * struct {
 *     uint16 version;
 *     uint16 length;
 *     select (ECHConfig.version) { case 0xfe0d: ECHConfigContents contents; }
 * } ECHConfig;
 * ECHConfig ECHConfigList<4..2^16-1>;
 */
static int ech_config_list(struct cursor *b, struct fields *fl, int depth)
{
	struct cursor list;
	unsigned n = 0;

	TRY(hs_vec(b, 2, "retry_configs", &list, fl, depth));
	ENSURE(cursor_left(&list) >= 4, ERR_LENGTH, "retry_configs: %zu bytes at offset %llu, need >= 4",
	       cursor_left(&list), (unsigned long long)cursor_offset(&list));
	while (cursor_left(&list)) {
		uint64_t at = cursor_offset(&list);
		int idx = fields_add(fl, depth, "ech_config", at, 0, "#%u", n++);
		struct cursor body;
		uint16_t ver;
		int rc;

		TRY(cursor_u16(&list, "version", &ver));
		fields_add(fl, depth + 1, "version", at, 2, "0x%04x%s", ver,
			   ver == ECH_VERSION ? " (RFC 9849)" : " (unknown: skipped)");
		TRY(hs_vec(&list, 2, "contents", &body, fl, depth + 1));
		fields_close(fl, idx, cursor_offset(&list));
		if (ver != ECH_VERSION) {
			/* a client skips configs of versions it does not know */
			TRY(ech_hex_rest(&body, "contents", fl, depth + 1));
			continue;
		}
		rc = ech_config_contents(&body, fl, depth + 1);
		if (rc < 0)
			return err_wrap(rc, "ECHConfig #%u: ", n - 1);
	}
	return cursor_end(b, "encrypted_client_hello");
}

/*
 * ClientHello:         ECHClientHello (above)
 * EncryptedExtensions: struct { ECHConfigList retry_configs; } ECHEncryptedExtensions;
 * HelloRetryRequest:   struct { opaque confirmation[8]; } ECHHelloRetryRequest;
 */
int ech_parse_ext(struct cursor *b, enum ext_ctx ctx, struct fields *fl, int depth,
		  struct hs_info *hi)
{
	uint64_t at = cursor_offset(b);
	const uint8_t *p;

	switch (ctx) {
	case EXT_CH:
		return ech_client_hello(b, fl, depth, hi);
	case EXT_EE:
		TRY(ech_config_list(b, fl, depth));
		hi->ee_ech_retry = true;
		return 0;
	case EXT_HRR:
		ENSURE(cursor_left(b) == 8, ERR_LENGTH,
		       "confirmation: %zu bytes at offset %llu, must be exactly 8", cursor_left(b),
		       (unsigned long long)at);
		TRY(cursor_bytes(b, "confirmation", 8, &p));
		fields_hex(fl, depth, "confirmation", at, p, 8);
		hi->hrr_ech = true;
		return 0;
	default:
		fields_add(fl, depth, "note", at, 0, "encrypted_client_hello is not allowed in this message");
		return ech_hex_rest(b, "data", fl, depth);
	}
}

/* ExtensionType OuterExtensions<2..254>; */
int ech_parse_outer_extensions(struct cursor *b, struct fields *fl, int depth)
{
	struct cursor v;

	TRY(hs_vec(b, 1, "outer_extensions", &v, fl, depth));
	ENSURE(cursor_left(&v) >= 2 && cursor_left(&v) % 2 == 0, ERR_LENGTH,
	       "outer_extensions: length %zu at offset %llu is not an even count >= 2", cursor_left(&v),
	       (unsigned long long)cursor_offset(&v));
	while (cursor_left(&v))
		TRY(hs_code16(&v, "extension_type", names_ext, fl, depth, NULL));
	return cursor_end(b, "ech_outer_extensions");
}
