/* Handshake message parsers: one function per message, each with the RFC
 * struct it reads above it. Offsets are relative to the message start (the
 * cursor's base is 0 at the msg_type byte). */
#include "tls/handshake.h"

#include "core/err.h"
#include "keys/keys.h"
#include "tls/cert.h"
#include "tls/decompress.h"
#include "tls/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* SHA-256("HelloRetryRequest"), RFC 8446 section 4.1.3. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
	0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
	0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

int ext_authorities(struct cursor *b, struct fields *fl, int depth);

/* True for the HelloRetryRequest special random. */
bool handshake_is_hrr_random(const uint8_t random[32])
{
	return memcmp(random, hrr_random, 32) == 0;
}

/* Cipher suite label from the registry in keys.h. */
static void hs_suite_label(char *buf, size_t cap, uint16_t id)
{
	const struct suite *s = suite_find(id);

	if (s)
		snprintf(buf, cap, "%s (0x%04x)", s->name, id);
	else if (names_is_grease(id))
		snprintf(buf, cap, "GREASE (0x%04x)", id);
	else
		snprintf(buf, cap, "unknown (0x%04x)", id);
}

/* Read a uint16 protocol version and add its field. */
static int hs_version(struct cursor *c, const char *field, struct fields *fl, int depth,
		      uint16_t *out)
{
	uint64_t at = cursor_offset(c);
	const char *n;

	TRY(cursor_u16(c, field, out));
	n = names_version(*out);
	fields_add(fl, depth, field, at, 2, "%s (0x%04x)", n ? n : "unknown", *out);
	return 0;
}

/* Read the rest of a vector as one hex field. */
static int hs_hex_rest(struct cursor *c, const char *field, struct fields *fl, int depth)
{
	uint64_t at = cursor_offset(c);
	const uint8_t *p;
	size_t n;

	TRY(cursor_rest(c, &p, &n));
	fields_hex(fl, depth, field, at, p, n);
	return 0;
}

/* A length-prefixed opaque vector shown as its length and hex. */
static int hs_opaque(struct cursor *c, int prefix, const char *field, size_t min,
		     struct fields *fl, int depth)
{
	struct cursor v;

	TRY(hs_vec(c, prefix, field, &v, fl, depth));
	ENSURE(cursor_left(&v) >= min, ERR_LENGTH, "%s: %zu bytes at offset %llu, need >= %zu",
	       field, cursor_left(&v), (unsigned long long)cursor_offset(&v), min);
	return hs_hex_rest(&v, field, fl, depth);
}

/* An extensions<..> block: a group field, its length, then each extension. */
static int hs_extensions(struct cursor *c, enum ext_ctx ctx, struct fields *fl,
			 struct hs_info *hi)
{
	struct cursor v;
	int idx = fields_add(fl, 0, "extensions", cursor_offset(c), 0, NULL);
	int rc;

	TRY(hs_vec(c, 2, "extensions", &v, fl, 1));
	fields_close(fl, idx, cursor_offset(c));
	fields_set_value(fl, idx, "%zu bytes", cursor_left(&v));
	rc = ext_parse_list(&v, ctx, 1, fl, hi);
	return rc;
}

/*
 * struct {
 *     ProtocolVersion legacy_version = 0x0303;    -- TLS v1.2
 *     Random random;
 *     opaque legacy_session_id<0..32>;
 *     CipherSuite cipher_suites<2..2^16-2>;
 *     opaque legacy_compression_methods<1..2^8-1>;
 *     Extension extensions<8..2^16-1>;            -- optional before TLS 1.3
 * } ClientHello;
 */
static int hs_client_hello(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	struct cursor v;
	uint16_t ver;
	uint64_t at;
	char buf[128];

	TRY(hs_version(c, "legacy_version", fl, 0, &ver));
	at = cursor_offset(c);
	TRY(cursor_copy(c, "random", hi->client_random, 32));
	hi->have_cr = true;
	fields_hex(fl, 0, "random", at, hi->client_random, 32);
	TRY(hs_vec(c, 1, "legacy_session_id", &v, fl, 0));
	ENSURE(cursor_left(&v) <= 32, ERR_LENGTH, "legacy_session_id: %zu bytes at offset %llu, max 32",
	       cursor_left(&v), (unsigned long long)cursor_offset(&v));
	hi->sid_len = (uint8_t)cursor_left(&v);
	memcpy(hi->sid, v.p, hi->sid_len);
	TRY(hs_hex_rest(&v, "legacy_session_id", fl, 0));
	TRY(hs_vec(c, 2, "cipher_suites", &v, fl, 0));
	ENSURE(cursor_left(&v) >= 2 && cursor_left(&v) % 2 == 0, ERR_LENGTH,
	       "cipher_suites: length %zu at offset %llu is not an even count >= 2",
	       cursor_left(&v), (unsigned long long)cursor_offset(&v));
	while (cursor_left(&v)) {
		uint16_t id;

		at = cursor_offset(&v);
		TRY(cursor_u16(&v, "cipher_suite", &id));
		hs_suite_label(buf, sizeof buf, id);
		fields_add(fl, 1, "cipher_suite", at, 2, "%s", buf);
	}
	TRY(hs_vec(c, 1, "legacy_compression_methods", &v, fl, 0));
	ENSURE(cursor_left(&v) >= 1, ERR_LENGTH, "legacy_compression_methods: empty at offset %llu",
	       (unsigned long long)cursor_offset(&v));
	while (cursor_left(&v)) {
		uint8_t m;

		at = cursor_offset(&v);
		TRY(cursor_u8(&v, "compression_method", &m));
		names_fmt8(buf, sizeof buf, names_compression, m);
		fields_add(fl, 1, "compression_method", at, 1, "%s", buf);
	}
	if (cursor_left(c) == 0)
		return 0;
	TRY(hs_extensions(c, EXT_CH, fl, hi));
	return cursor_end(c, "client_hello");
}

/*
 * struct {
 *     ProtocolVersion legacy_version = 0x0303;    -- TLS v1.2
 *     Random random;                              -- HRR: SHA-256("HelloRetryRequest")
 *     opaque legacy_session_id_echo<0..32>;
 *     CipherSuite cipher_suite;
 *     uint8 legacy_compression_method = 0;
 *     Extension extensions<6..2^16-1>;
 * } ServerHello;
 */
static int hs_server_hello(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	struct cursor v;
	uint16_t ver, id;
	uint8_t random[32], m;
	uint64_t at;
	char buf[128];

	TRY(hs_version(c, "legacy_version", fl, 0, &ver));
	at = cursor_offset(c);
	TRY(cursor_copy(c, "random", random, 32));
	hi->is_hrr = handshake_is_hrr_random(random);
	if (hi->is_hrr) {
		fields_add(fl, 0, "random", at, 32,
			   "HelloRetryRequest special value (SHA-256 of \"HelloRetryRequest\")");
	} else {
		memcpy(hi->server_random, random, 32);
		hi->have_sr = true;
		fields_hex(fl, 0, "random", at, random, 32);
	}
	TRY(hs_vec(c, 1, "legacy_session_id_echo", &v, fl, 0));
	ENSURE(cursor_left(&v) <= 32, ERR_LENGTH,
	       "legacy_session_id_echo: %zu bytes at offset %llu, max 32", cursor_left(&v),
	       (unsigned long long)cursor_offset(&v));
	hi->sh_sid_match = hi->sid_len > 0 && cursor_left(&v) == hi->sid_len &&
			   memcmp(v.p, hi->sid, hi->sid_len) == 0;
	TRY(hs_hex_rest(&v, "legacy_session_id_echo", fl, 0));
	at = cursor_offset(c);
	TRY(cursor_u16(c, "cipher_suite", &id));
	hs_suite_label(buf, sizeof buf, id);
	fields_add(fl, 0, "cipher_suite", at, 2, "%s", buf);
	hi->suite_id = id;
	hi->suite = suite_find(id);
	at = cursor_offset(c);
	TRY(cursor_u8(c, "legacy_compression_method", &m));
	names_fmt8(buf, sizeof buf, names_compression, m);
	fields_add(fl, 0, "legacy_compression_method", at, 1, "%s", buf);
	hi->sh_selected_version = 0;
	hi->ems = hi->etm = hi->sh_psk = false;
	if (cursor_left(c)) {
		TRY(hs_extensions(c, hi->is_hrr ? EXT_HRR : EXT_SH, fl, hi));
		TRY(cursor_end(c, "server_hello"));
	}
	hi->version = hi->sh_selected_version ? hi->sh_selected_version : ver;
	return 0;
}

/*
 * TLS 1.3: struct {
 *     uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
 *     opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>;
 * } NewSessionTicket;
 * TLS 1.2 (RFC 5077): struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
 */
static int hs_new_session_ticket(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	uint32_t u;
	uint64_t at = cursor_offset(c);

	if (hi->version != 0x0304) {
		TRY(cursor_u32(c, "ticket_lifetime_hint", &u));
		fields_add(fl, 0, "ticket_lifetime_hint", at, 4, "%u s", u);
		TRY(hs_opaque(c, 2, "ticket", 0, fl, 0));
		return cursor_end(c, "new_session_ticket");
	}
	TRY(cursor_u32(c, "ticket_lifetime", &u));
	fields_add(fl, 0, "ticket_lifetime", at, 4, "%u s", u);
	at = cursor_offset(c);
	TRY(cursor_u32(c, "ticket_age_add", &u));
	fields_add(fl, 0, "ticket_age_add", at, 4, "%u", u);
	TRY(hs_opaque(c, 1, "ticket_nonce", 0, fl, 0));
	TRY(hs_opaque(c, 2, "ticket", 1, fl, 0));
	TRY(hs_extensions(c, EXT_NST, fl, hi));
	return cursor_end(c, "new_session_ticket");
}

/* struct { Extension extensions<0..2^16-1>; } EncryptedExtensions; */
static int hs_encrypted_extensions(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	TRY(hs_extensions(c, EXT_EE, fl, hi));
	return cursor_end(c, "encrypted_extensions");
}

/*
 * TLS 1.3: struct {
 *     select (certificate_type) { case X509: opaque cert_data<1..2^24-1>; ... };
 *     Extension extensions<0..2^16-1>;
 * } CertificateEntry;
 * struct { opaque certificate_request_context<0..2^8-1>;
 *          CertificateEntry certificate_list<0..2^24-1>; } Certificate;
 * TLS 1.2: opaque ASN.1Cert<1..2^24-1>;
 *          struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 */
static int hs_certificate(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	struct cursor list, cert, ext;
	bool tls13 = hi->version == 0x0304;
	unsigned n = 0;

	if (tls13)
		TRY(hs_opaque(c, 1, "certificate_request_context", 0, fl, 0));
	TRY(hs_vec(c, 3, "certificate_list", &list, fl, 0));
	while (cursor_left(&list)) {
		uint64_t at = cursor_offset(&list);
		int idx = fields_add(fl, 0, "certificate", at, 0, "#%u", n++);
		const uint8_t *der;
		size_t len;

		TRY(hs_vec(&list, 3, "cert_data", &cert, fl, 1));
		ENSURE(cursor_left(&cert) > 0, ERR_LENGTH, "cert_data: empty at offset %llu",
		       (unsigned long long)cursor_offset(&cert));
		at = cursor_offset(&cert);
		TRY(cursor_rest(&cert, &der, &len));
		fields_hex(fl, 1, "cert_data", at, der, len);
		cert_summarize(fl, 2, der, len, at);
		if (tls13) {
			TRY(hs_vec(&list, 2, "extensions", &ext, fl, 1));
			TRY(ext_parse_list(&ext, EXT_CERT, 2, fl, hi));
		}
		fields_close(fl, idx, cursor_offset(&list));
	}
	return cursor_end(c, "certificate");
}

/* digitally-signed: SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>; */
static int hs_signed(struct cursor *c, struct fields *fl, int depth)
{
	uint64_t at = cursor_offset(c);
	uint16_t alg;
	char buf[96];

	TRY(cursor_u16(c, "algorithm", &alg));
	names_fmt16(buf, sizeof buf, names_sigscheme, alg);
	fields_add(fl, depth, "algorithm", at, 2, "%s", buf);
	return hs_opaque(c, 2, "signature", 0, fl, depth);
}

/*
 * ECDHE: struct { ECCurveType curve_type = named_curve(3); NamedCurve namedcurve;
 *                 opaque point<1..2^8-1>; } ServerECDHParams;
 * DHE:   struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } ServerDHParams;
 * struct { params; digitally-signed struct { client_random; server_random; params; } signed_params; } ServerKeyExchange;
 */
static int hs_server_key_exchange(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	enum kex_kind kex = hi->suite ? hi->suite->kex : KEX_OTHER;
	uint64_t at = cursor_offset(c);
	char buf[96];

	if (kex == KEX_OTHER && !hi->suite && cursor_left(c) && c->p[c->pos] == 3)
		kex = KEX_ECDHE; /* suite unknown: a named_curve byte is a strong hint */
	if (kex == KEX_ECDHE) {
		uint8_t type;
		uint16_t g;

		int idx = fields_add(fl, 0, "params", at, 0, "ServerECDHParams");
		TRY(cursor_u8(c, "curve_type", &type));
		fields_add(fl, 1, "curve_type", at, 1, "%s (%u)",
			   type == 3 ? "named_curve" : "unsupported", type);
		ENSURE(type == 3, ERR_VALUE, "curve_type: %u at offset %llu is not named_curve(3)",
		       type, (unsigned long long)at);
		at = cursor_offset(c);
		TRY(cursor_u16(c, "named_curve", &g));
		names_fmt16(buf, sizeof buf, names_group, g);
		fields_add(fl, 1, "named_curve", at, 2, "%s", buf);
		hi->group = g;
		TRY(hs_opaque(c, 1, "public", 1, fl, 1));
		fields_close(fl, idx, cursor_offset(c));
	} else if (kex == KEX_DHE) {
		int idx = fields_add(fl, 0, "params", at, 0, "ServerDHParams");
		struct cursor v;

		TRY(hs_vec(c, 2, "dh_p", &v, fl, 1));
		fields_set_value(fl, idx, "ServerDHParams, %zu-bit prime", cursor_left(&v) * 8);
		TRY(hs_hex_rest(&v, "dh_p", fl, 1));
		TRY(hs_opaque(c, 2, "dh_g", 1, fl, 1));
		TRY(hs_opaque(c, 2, "dh_Ys", 1, fl, 1));
		fields_close(fl, idx, cursor_offset(c));
	} else {
		fields_add(fl, 0, "note", at, 0, "key exchange of this suite not decoded");
		return hs_hex_rest(c, "body", fl, 0);
	}
	TRY(hs_signed(c, fl, 0));
	return cursor_end(c, "server_key_exchange");
}

/*
 * TLS 1.3: struct { opaque certificate_request_context<0..2^8-1>;
 *                   Extension extensions<2..2^16-1>; } CertificateRequest;
 * TLS 1.2: struct { ClientCertificateType certificate_types<1..2^8-1>;
 *                   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *                   DistinguishedName certificate_authorities<0..2^16-1>; } CertificateRequest;
 */
static int hs_certificate_request(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	struct cursor v;
	char buf[96];

	if (hi->version == 0x0304) {
		TRY(hs_opaque(c, 1, "certificate_request_context", 0, fl, 0));
		TRY(hs_extensions(c, EXT_CR, fl, hi));
		return cursor_end(c, "certificate_request");
	}
	TRY(hs_vec(c, 1, "certificate_types", &v, fl, 0));
	while (cursor_left(&v)) {
		uint64_t at = cursor_offset(&v);
		uint8_t t;

		TRY(cursor_u8(&v, "certificate_type", &t));
		names_fmt8(buf, sizeof buf, names_client_cert_type, t);
		fields_add(fl, 1, "certificate_type", at, 1, "%s", buf);
	}
	TRY(hs_vec(c, 2, "supported_signature_algorithms", &v, fl, 0));
	while (cursor_left(&v)) {
		uint64_t at = cursor_offset(&v);
		uint16_t s;

		TRY(cursor_u16(&v, "signature_scheme", &s));
		names_fmt16(buf, sizeof buf, names_sigscheme, s);
		fields_add(fl, 1, "signature_scheme", at, 2, "%s", buf);
	}
	TRY(ext_authorities(c, fl, 0));
	return cursor_end(c, "certificate_request");
}

/* struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } CertificateVerify; */
static int hs_certificate_verify(struct cursor *c, struct fields *fl)
{
	TRY(hs_signed(c, fl, 0));
	return cursor_end(c, "certificate_verify");
}

/*
 * struct { select (KeyExchangeAlgorithm) {
 *     case rsa:    EncryptedPreMasterSecret;   -- opaque <0..2^16-1>
 *     case dhe_*:  ClientDiffieHellmanPublic;  -- opaque dh_Yc<1..2^16-1>
 *     case ec_diffie_hellman: ClientECDiffieHellmanPublic; -- opaque point<1..2^8-1>
 * } exchange_keys; } ClientKeyExchange;
 */
static int hs_client_key_exchange(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	enum kex_kind kex = hi->suite ? hi->suite->kex : KEX_OTHER;
	size_t n = cursor_left(c);
	struct cursor v;

	if (kex == KEX_OTHER && !hi->suite && n >= 1 && c->p[c->pos] == n - 1)
		kex = KEX_ECDHE;
	if (kex == KEX_ECDHE) {
		TRY(hs_opaque(c, 1, "ecdh_Yc", 1, fl, 0));
	} else if (kex == KEX_DHE) {
		TRY(hs_opaque(c, 2, "dh_Yc", 1, fl, 0));
	} else if (kex == KEX_RSA) {
		TRY(hs_vec(c, 2, "encrypted_pre_master_secret", &v, fl, 0));
		hi->enc_pms = v.p;
		hi->enc_pms_len = cursor_left(&v);
		TRY(hs_hex_rest(&v, "encrypted_pre_master_secret", fl, 0));
	} else {
		fields_add(fl, 0, "note", cursor_offset(c), 0,
			   "key exchange of this suite not decoded");
		return hs_hex_rest(c, "exchange_keys", fl, 0);
	}
	return cursor_end(c, "client_key_exchange");
}

/* struct { opaque verify_data[Hash.length]; } Finished;  (TLS 1.2: 12 bytes) */
static int hs_finished(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	size_t want = hi->version == 0x0304 ? (hi->suite ? hash_len(hi->suite->prf) : 0) : 12;

	ENSURE(want == 0 || cursor_left(c) == want, ERR_LENGTH,
	       "verify_data: %zu bytes at offset %llu, the suite's hash gives %zu",
	       cursor_left(c), (unsigned long long)cursor_offset(c), want);
	return hs_hex_rest(c, "verify_data", fl, 0);
}

/* enum { update_not_requested(0), update_requested(1), (255) } KeyUpdateRequest;
 * struct { KeyUpdateRequest request_update; } KeyUpdate; */
static int hs_key_update(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	uint64_t at = cursor_offset(c);
	uint8_t r;

	TRY(cursor_u8(c, "request_update", &r));
	fields_add(fl, 0, "request_update", at, 1, "%s (%u)",
		   r == 0 ? "update_not_requested" : r == 1 ? "update_requested" : "invalid", r);
	ENSURE(r <= 1, ERR_VALUE, "request_update: %u at offset %llu is not 0 or 1", r,
	       (unsigned long long)at);
	hi->ku_request = r;
	return cursor_end(c, "key_update");
}

/* Nest the fields from index from on one level deeper and point them at the
 * compressed bytes [off, off+len): decompressed bytes have no place in the
 * message, they come from those. */
static void hs_fields_from(struct fields *fl, size_t from, uint32_t off, uint32_t len)
{
	for (size_t i = from; i < fl->n; i++) {
		fl->v[i].depth++;
		fl->v[i].off = off;
		fl->v[i].len = len;
	}
}

/* struct { CertificateCompressionAlgorithm algorithm; uint24 uncompressed_length;
 *          opaque compressed_certificate_message<1..2^24-1>; } CompressedCertificate;
 * The message decompresses to the body of the Certificate it stands for
 * (RFC 8879 section 4), which is then shown as usual. */
static int hs_compressed_certificate(struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	uint64_t at = cursor_offset(c);
	struct cursor v, cert;
	uint16_t alg;
	uint32_t ulen;
	uint8_t *plain = NULL;
	const uint8_t *comp;
	size_t from;
	char buf[96];
	int rc;

	hi->cc_alg = 0;
	hi->cc_ok = false;
	TRY(cursor_u16(c, "algorithm", &alg));
	names_fmt16(buf, sizeof buf, names_cert_compression, alg);
	fields_add(fl, 0, "algorithm", at, 2, "%s", buf);
	at = cursor_offset(c);
	TRY(cursor_u24(c, "uncompressed_length", &ulen));
	fields_add(fl, 0, "uncompressed_length", at, 3, "%u", ulen);
	TRY(hs_vec(c, 3, "compressed_certificate_message", &v, fl, 0));
	ENSURE(cursor_left(&v) > 0, ERR_LENGTH, "compressed_certificate_message: empty at offset %llu",
	       (unsigned long long)cursor_offset(&v));
	at = cursor_offset(&v);
	hi->cc_alg = alg;
	hi->cc_compressed_len = (uint32_t)cursor_left(&v);
	hi->cc_uncompressed_len = ulen;
	/* the whole message is well-formed before anything is allocated (a
	   trailing byte after a good stream leaked the decompressed copy) */
	comp = v.p + v.pos;
	TRY(hs_hex_rest(&v, "compressed_certificate_message", fl, 0));
	TRY(cursor_end(c, "compressed_certificate"));
	rc = decompress_cert(alg, comp, hi->cc_compressed_len, ulen, &plain);
	if (rc < 0)
		return err_wrap(rc, "compressed_certificate_message at offset %llu: ", (unsigned long long)at);
	fields_add(fl, 0, "decompressed", at, hi->cc_compressed_len,
		   "Certificate, %u bytes from %u compressed (%s)", ulen, hi->cc_compressed_len,
		   names_cert_compression(alg));
	from = fl->n;
	cursor_init(&cert, plain, ulen, 0);
	rc = hs_certificate(&cert, fl, hi);
	hs_fields_from(fl, from, (uint32_t)at, hi->cc_compressed_len);
	free(plain);
	if (rc < 0)
		return err_wrap(rc, "decompressed certificate: ");
	hi->cc_ok = true;
	return 0;
}

/* struct { CertificateStatusType status_type; OCSPResponse response<1..2^24-1>; } CertificateStatus; */
static int hs_certificate_status(struct cursor *c, struct fields *fl)
{
	uint64_t at = cursor_offset(c);
	uint8_t t;
	char buf[64];

	TRY(cursor_u8(c, "status_type", &t));
	names_fmt8(buf, sizeof buf, names_status_type, t);
	fields_add(fl, 0, "status_type", at, 1, "%s", buf);
	TRY(hs_opaque(c, 3, "response", 1, fl, 0));
	return cursor_end(c, "certificate_status");
}

/* Messages with an empty body: hello_request, end_of_early_data, server_hello_done. */
static int hs_empty(struct cursor *c, const char *name)
{
	return cursor_end(c, name);
}

/* Dispatch one message body by type. */
static int hs_body(uint8_t type, struct cursor *c, struct fields *fl, struct hs_info *hi)
{
	switch (type) {
	case 0: return hs_empty(c, "hello_request");
	case 1: return hs_client_hello(c, fl, hi);
	case 2: return hs_server_hello(c, fl, hi);
	case 4: return hs_new_session_ticket(c, fl, hi);
	case 5: return hs_empty(c, "end_of_early_data");
	case 8: return hs_encrypted_extensions(c, fl, hi);
	case 11: return hs_certificate(c, fl, hi);
	case 12: return hs_server_key_exchange(c, fl, hi);
	case 13: return hs_certificate_request(c, fl, hi);
	case 14: return hs_empty(c, "server_hello_done");
	case 15: return hs_certificate_verify(c, fl);
	case 16: return hs_client_key_exchange(c, fl, hi);
	case 20: return hs_finished(c, fl, hi);
	case 22: return hs_certificate_status(c, fl);
	case 24: return hs_key_update(c, fl, hi);
	case 25: return hs_compressed_certificate(c, fl, hi);
	case 254: /* message_hash: the transcript hash of the first ClientHello */
		return hs_hex_rest(c, "hash", fl, 0);
	default:
		return hs_hex_rest(c, "body", fl, 0);
	}
}

/* struct { HandshakeType msg_type; uint24 length; select (msg_type) {...}; } Handshake; */
int handshake_parse(struct hs_info *hi, enum dir dir, const uint8_t *msg, size_t len,
		    struct fields *fl, const char **name)
{
	struct cursor c, body;
	uint8_t type;
	uint32_t blen;
	const char *n;
	int rc;

	(void)dir;
	*name = "unknown";
	cursor_init(&c, msg, len, 0);
	TRY(cursor_u8(&c, "msg_type", &type));
	n = names_hs_type(type);
	*name = n ? n : "unknown";
	fields_add(fl, 0, "msg_type", 0, 1, "%s (%u)", *name, type);
	TRY(cursor_u24(&c, "length", &blen));
	fields_add(fl, 0, "length", 1, 3, "%u", blen);
	ENSURE(blen == cursor_left(&c), ERR_LENGTH,
	       "%s: length %u at offset 1 but %zu body bytes", *name, blen, cursor_left(&c));
	TRY(cursor_sub(&c, "body", blen, &body));
	if (type == 1) {
		hi->ch_offers_tls13 = hi->ch_early_data = hi->ch_psk = false;
		hi->ch_ech = ECH_NONE;
	}
	if (type == 2)
		hi->is_hrr = false;
	if (type == 16) {
		hi->enc_pms = NULL;
		hi->enc_pms_len = 0;
	}
	rc = hs_body(type, &body, fl, hi);
	if (type == 2 && hi->is_hrr) {
		*name = "hello_retry_request";
		fields_set_value(fl, 0, "server_hello (2), a HelloRetryRequest");
	}
	if (rc < 0)
		return err_wrap(rc, "%s: ", *name);
	return 0;
}
