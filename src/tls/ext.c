/* TLS extensions, decoded field by field (RFC 8446 4.2, RFC 6066, RFC 7301,
 * RFC 7627, RFC 7366, RFC 8449, RFC 8879, RFC 5746, RFC 6962, RFC 7685,
 * draft-ietf-tls-ecdhe-mlkem, draft-ietf-tls-mlkem; RFC 9849 ECH in ech.c). */
#include "core/err.h"
#include "tls/cert.h"
#include "tls/groups.h"
#include "tls/handshake.h"
#include "tls/names.h"

#include <stdio.h>
#include <string.h>

/* Read a length-prefixed vector and show its length prefix as a field. */
int hs_vec(struct cursor *c, int prefix, const char *what, struct cursor *sub,
	   struct fields *fl, int depth)
{
	uint64_t at = cursor_offset(c);

	if (prefix == 1)
		TRY(cursor_vec8(c, what, sub));
	else if (prefix == 2)
		TRY(cursor_vec16(c, what, sub));
	else
		TRY(cursor_vec24(c, what, sub));
	fields_add(fl, depth, "length", at, (uint64_t)prefix, "%zu (%s)",
		   cursor_left(sub), what);
	return 0;
}

/* Add a field for a 16-bit code point named by look. */
int hs_code16(struct cursor *c, const char *field, const char *(*look)(uint16_t),
		      struct fields *fl, int depth, uint16_t *out)
{
	uint64_t at = cursor_offset(c);
	uint16_t v;
	char buf[96];

	TRY(cursor_u16(c, field, &v));
	names_fmt16(buf, sizeof buf, look, v);
	fields_add(fl, depth, field, at, 2, "%s", buf);
	if (out)
		*out = v;
	return 0;
}

/* Version names fit the 16-bit lookup shape. */
static const char *ext_version_name(uint16_t v)
{
	return names_version(v);
}

/* A list of 16-bit code points: "NamedGroup named_group_list<2..2^16-1>". */
static int ext_list16(struct cursor *b, int prefix, const char *list, const char *item,
		      const char *(*look)(uint16_t), struct fields *fl, int depth,
		      size_t min)
{
	struct cursor v;

	TRY(hs_vec(b, prefix, list, &v, fl, depth));
	ENSURE(cursor_left(&v) % 2 == 0 && cursor_left(&v) >= min, ERR_LENGTH,
	       "%s: length %zu at offset %llu is not an even count >= %zu", list,
	       cursor_left(&v), (unsigned long long)cursor_offset(&v), min);
	while (cursor_left(&v))
		TRY(hs_code16(&v, item, look, fl, depth, NULL));
	return cursor_end(b, list);
}

/*
 * struct { NameType name_type; select (name_type) { case host_name: HostName; } name; } ServerName;
 * enum { host_name(0), (255) } NameType;  opaque HostName<1..2^16-1>;
 * struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
 */
static int ext_server_name(struct cursor *b, struct fields *fl, int depth)
{
	struct cursor list, name;

	if (cursor_left(b) == 0) {
		fields_add(fl, depth, "note", cursor_offset(b), 0,
			   "empty: the server used the name");
		return 0;
	}
	TRY(hs_vec(b, 2, "server_name_list", &list, fl, depth));
	ENSURE(cursor_left(&list) > 0, ERR_LENGTH, "server_name_list: empty at offset %llu",
	       (unsigned long long)cursor_offset(&list));
	while (cursor_left(&list)) {
		uint64_t at = cursor_offset(&list);
		uint8_t type;
		const uint8_t *p;

		TRY(cursor_u8(&list, "name_type", &type));
		fields_add(fl, depth, "name_type", at, 1, "%s (%u)",
			   type == 0 ? "host_name" : "unknown", type);
		TRY(hs_vec(&list, 2, "host_name", &name, fl, depth));
		at = cursor_offset(&name);
		TRY(cursor_bytes(&name, "host_name", cursor_left(&name), &p));
		fields_str(fl, depth, type == 0 ? "host_name" : "name", at, p,
			   (size_t)(cursor_offset(&name) - at));
	}
	return cursor_end(b, "server_name");
}

/* ProtocolName protocol_name_list<2..2^16-1>; opaque ProtocolName<1..2^8-1>; */
static int ext_alpn(struct cursor *b, struct fields *fl, int depth)
{
	struct cursor list, name;
	size_t n;

	TRY(hs_vec(b, 2, "protocol_name_list", &list, fl, depth));
	while (cursor_left(&list)) {
		const uint8_t *p;
		uint64_t at;

		TRY(cursor_vec8(&list, "protocol_name", &name));
		ENSURE(cursor_left(&name) > 0, ERR_LENGTH,
		       "protocol_name: empty at offset %llu",
		       (unsigned long long)cursor_offset(&name) - 1);
		at = cursor_offset(&name) - 1;
		n = cursor_left(&name);
		TRY(cursor_bytes(&name, "protocol_name", n, &p));
		/* the value shows the name; the range includes its 1-byte length */
		fields_close(fl, fields_str(fl, depth, "protocol_name", at, p, n),
			     cursor_offset(&name));
	}
	return cursor_end(b, "application_layer_protocol_negotiation");
}

/*
 * struct { CertificateStatusType status_type; select (status_type) {
 *     case ocsp: OCSPStatusRequest; } request; } CertificateStatusRequest;
 * struct { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions<0..2^16-1>; } OCSPStatusRequest;
 * In a TLS 1.3 CertificateEntry: struct { CertificateStatusType status_type; OCSPResponse response<1..2^24-1>; }
 */
static int ext_status_request(struct cursor *b, enum ext_ctx ctx, struct fields *fl, int depth)
{
	uint64_t at = cursor_offset(b);
	struct cursor v;
	uint8_t type;
	char buf[64];
	const uint8_t *p;

	if (cursor_left(b) == 0) {
		fields_add(fl, depth, "note", at, 0, "empty: the server will staple a status");
		return 0;
	}
	TRY(cursor_u8(b, "status_type", &type));
	names_fmt8(buf, sizeof buf, names_status_type, type);
	fields_add(fl, depth, "status_type", at, 1, "%s", buf);
	if (ctx == EXT_CERT) {
		TRY(hs_vec(b, 3, "ocsp_response", &v, fl, depth));
		at = cursor_offset(&v);
		TRY(cursor_rest(&v, &p, &(size_t){ 0 }));
		fields_hex(fl, depth, "ocsp_response", at, p, (size_t)(cursor_offset(&v) - at));
		return cursor_end(b, "status_request");
	}
	TRY(hs_vec(b, 2, "responder_id_list", &v, fl, depth));
	while (cursor_left(&v)) {
		struct cursor id;

		at = cursor_offset(&v);
		TRY(cursor_vec16(&v, "responder_id", &id));
		TRY(cursor_rest(&id, &p, &(size_t){ 0 }));
		fields_hex(fl, depth, "responder_id", at, p, (size_t)(cursor_offset(&v) - at));
	}
	TRY(hs_vec(b, 2, "request_extensions", &v, fl, depth));
	if (cursor_left(&v)) {
		at = cursor_offset(&v);
		TRY(cursor_rest(&v, &p, &(size_t){ 0 }));
		fields_hex(fl, depth, "request_extensions", at, p, (size_t)(cursor_offset(&v) - at));
	}
	return cursor_end(b, "status_request");
}

/* opaque SerializedSCT<1..2^16-1>; struct { SerializedSCT sct_list <1..2^16-1>; } SignedCertificateTimestampList; */
static int ext_sct(struct cursor *b, struct fields *fl, int depth)
{
	struct cursor list, sct;
	const uint8_t *p;
	size_t n;

	if (cursor_left(b) == 0) {
		fields_add(fl, depth, "note", cursor_offset(b), 0, "empty: SCTs requested");
		return 0;
	}
	TRY(hs_vec(b, 2, "sct_list", &list, fl, depth));
	while (cursor_left(&list)) {
		uint64_t at = cursor_offset(&list);

		TRY(cursor_vec16(&list, "serialized_sct", &sct));
		TRY(cursor_rest(&sct, &p, &n));
		fields_close(fl, fields_hex(fl, depth, "serialized_sct", at, p, n), at + n + 2);
	}
	return cursor_end(b, "signed_certificate_timestamp");
}

/*
 * Hybrid and ML-KEM key_exchange (draft-ietf-tls-ecdhe-mlkem 3, draft-ietf-tls-mlkem):
 *   X25519MLKEM768:     client: ML-KEM-768 ek[1184] || X25519[32];  server: ct[1088] || X25519[32]
 *   SecP256r1MLKEM768:  client: P-256 point[65] || ek[1184];        server: point[65] || ct[1088]
 *   SecP384r1MLKEM1024: client: P-384 point[97] || ek[1568];        server: point[97] || ct[1568]
 *   MLKEM512/768/1024:  client: ek[800/1184/1568];                  server: ct[768/1088/1568]
 * Each part becomes a field inside key_exchange. A share of the wrong size is
 * a note, not an error: the rest of the hello still decodes.
 */
static int ext_key_exchange_parts(struct cursor *ke, uint16_t group, bool server, struct fields *fl,
				  int depth)
{
	const struct group_layout *g = groups_layout(group);
	const struct group_part *part;
	unsigned want = groups_share_len(g, server);
	int n;

	if (!g)
		return cursor_skip(ke, "key_exchange", cursor_left(ke));
	if (cursor_left(ke) != want) {
		fields_add(fl, depth, "note", cursor_offset(ke), 0,
			   "key_exchange: %zu bytes, %s %s share should be %u", cursor_left(ke),
			   names_group(group), server ? "server" : "client", want);
		return cursor_skip(ke, "key_exchange", cursor_left(ke));
	}
	part = groups_parts(g, server, &n);
	for (int i = 0; i < n; i++) {
		uint64_t at = cursor_offset(ke);
		const uint8_t *p;

		TRY(cursor_bytes(ke, part[i].name, part[i].len, &p));
		fields_hex(fl, depth, part[i].name, at, p, part[i].len);
	}
	return cursor_end(ke, "key_exchange");
}

/* struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry; */
static int ext_key_share_entry(struct cursor *c, bool server, struct fields *fl, int depth,
			       uint16_t *group, uint16_t *len)
{
	uint64_t at = cursor_offset(c);
	int idx = fields_add(fl, depth, "key_share_entry", at, 0, NULL);
	struct cursor ke, whole;
	const uint8_t *p;
	size_t n;
	char buf[96];

	TRY(hs_code16(c, "group", names_group, fl, depth + 1, group));
	names_fmt16(buf, sizeof buf, names_group, *group);
	fields_set_value(fl, idx, "%s", buf);
	TRY(hs_vec(c, 2, "key_exchange", &ke, fl, depth + 1));
	ENSURE(cursor_left(&ke) > 0, ERR_LENGTH, "key_exchange: empty at offset %llu",
	       (unsigned long long)cursor_offset(&ke));
	at = cursor_offset(&ke);
	whole = ke;
	TRY(cursor_rest(&whole, &p, &n));
	fields_hex(fl, depth + 1, "key_exchange", at, p, n);
	*len = (uint16_t)n;
	TRY(ext_key_exchange_parts(&ke, *group, server, fl, depth + 2));
	fields_close(fl, idx, cursor_offset(c));
	return 0;
}

/*
 * ClientHello: struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;
 * ServerHello: struct { KeyShareEntry server_share; } KeyShareServerHello;
 * HelloRetryRequest: struct { NamedGroup selected_group; } KeyShareHelloRetryRequest;
 */
static int ext_key_share(struct cursor *b, enum ext_ctx ctx, struct fields *fl, int depth,
			 struct hs_info *hi)
{
	struct cursor list;
	uint16_t g = 0, n = 0;

	if (ctx == EXT_HRR) {
		TRY(hs_code16(b, "selected_group", names_group, fl, depth, &g));
		hi->group = g;
		return cursor_end(b, "key_share");
	}
	if (ctx == EXT_SH) {
		TRY(ext_key_share_entry(b, true, fl, depth, &g, &n));
		hi->group = g;
		hi->sh_share_len = n;
		return cursor_end(b, "key_share");
	}
	hi->ch_nshares = 0; /* a second ClientHello replaces the first one's shares */
	TRY(hs_vec(b, 2, "client_shares", &list, fl, depth));
	while (cursor_left(&list)) {
		TRY(ext_key_share_entry(&list, false, fl, depth, &g, &n));
		if (hi->ch_nshares < sizeof hi->ch_share / sizeof hi->ch_share[0]) {
			hi->ch_share[hi->ch_nshares].group = g;
			hi->ch_share[hi->ch_nshares++].len = n;
		}
	}
	return cursor_end(b, "key_share");
}

/*
 * ClientHello: struct { ProtocolVersion versions<2..254>; }
 * ServerHello, HelloRetryRequest: struct { ProtocolVersion selected_version; }
 */
static int ext_supported_versions(struct cursor *b, enum ext_ctx ctx, struct fields *fl,
				  int depth, struct hs_info *hi)
{
	struct cursor v;
	uint16_t ver;

	if (ctx == EXT_SH || ctx == EXT_HRR) {
		TRY(hs_code16(b, "selected_version", ext_version_name, fl, depth, &ver));
		hi->sh_selected_version = ver;
		return cursor_end(b, "supported_versions");
	}
	TRY(hs_vec(b, 1, "versions", &v, fl, depth));
	ENSURE(cursor_left(&v) >= 2 && cursor_left(&v) % 2 == 0, ERR_LENGTH,
	       "versions: length %zu at offset %llu is not an even count >= 2",
	       cursor_left(&v), (unsigned long long)cursor_offset(&v));
	while (cursor_left(&v)) {
		TRY(hs_code16(&v, "version", ext_version_name, fl, depth, &ver));
		if (ver == 0x0304)
			hi->ch_offers_tls13 = true;
	}
	return cursor_end(b, "supported_versions");
}

/*
 * struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
 * opaque PskBinderEntry<32..255>;
 * struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; } OfferedPsks;
 * ServerHello: uint16 selected_identity;
 */
static int ext_pre_shared_key(struct cursor *b, enum ext_ctx ctx, struct fields *fl,
			      int depth, struct hs_info *hi)
{
	struct cursor ids, binders, e;
	const uint8_t *p;
	size_t n;
	uint64_t at;

	if (ctx == EXT_SH) {
		uint16_t sel;

		at = cursor_offset(b);
		TRY(cursor_u16(b, "selected_identity", &sel));
		fields_add(fl, depth, "selected_identity", at, 2, "%u", sel);
		hi->sh_psk = true;
		return cursor_end(b, "pre_shared_key");
	}
	hi->ch_psk = true;
	TRY(hs_vec(b, 2, "identities", &ids, fl, depth));
	ENSURE(cursor_left(&ids) >= 7, ERR_LENGTH, "identities: %zu bytes at offset %llu, need >= 7",
	       cursor_left(&ids), (unsigned long long)cursor_offset(&ids));
	while (cursor_left(&ids)) {
		uint32_t age;
		int idx = fields_add(fl, depth, "psk_identity", cursor_offset(&ids), 0, NULL);

		TRY(hs_vec(&ids, 2, "identity", &e, fl, depth + 1));
		at = cursor_offset(&e);
		TRY(cursor_rest(&e, &p, &n));
		ENSURE(n > 0, ERR_LENGTH, "identity: empty at offset %llu", (unsigned long long)at);
		fields_hex(fl, depth + 1, "identity", at, p, n);
		at = cursor_offset(&ids);
		TRY(cursor_u32(&ids, "obfuscated_ticket_age", &age));
		fields_add(fl, depth + 1, "obfuscated_ticket_age", at, 4, "%u", age);
		fields_close(fl, idx, cursor_offset(&ids));
	}
	TRY(hs_vec(b, 2, "binders", &binders, fl, depth));
	while (cursor_left(&binders)) {
		TRY(hs_vec(&binders, 1, "binder", &e, fl, depth));
		at = cursor_offset(&e);
		TRY(cursor_rest(&e, &p, &n));
		ENSURE(n >= 32, ERR_LENGTH, "binder: %zu bytes at offset %llu, need >= 32", n,
		       (unsigned long long)at);
		fields_hex(fl, depth, "binder", at, p, n);
	}
	return cursor_end(b, "pre_shared_key");
}

/* DistinguishedName authorities<3..2^16-1>; opaque DistinguishedName<1..2^16-1>; */
int ext_authorities(struct cursor *b, struct fields *fl, int depth);
int ext_authorities(struct cursor *b, struct fields *fl, int depth)
{
	struct cursor list, dn;

	TRY(hs_vec(b, 2, "authorities", &list, fl, depth));
	while (cursor_left(&list)) {
		uint64_t at = cursor_offset(&list);
		const uint8_t *p;
		size_t n;
		char text[512];

		TRY(cursor_vec16(&list, "distinguished_name", &dn));
		TRY(cursor_rest(&dn, &p, &n));
		if (cert_dn_text(p, n, text, sizeof text) == 0)
			fields_add(fl, depth, "distinguished_name", at, n + 2, "%s", text);
		else
			fields_close(fl, fields_hex(fl, depth, "distinguished_name", at, p, n),
				     at + n + 2);
	}
	return cursor_end(b, "authorities");
}

/* An opaque body shown as hex (cookie, ticket, unknown extensions). */
static int ext_opaque(struct cursor *b, const char *name, struct fields *fl, int depth)
{
	uint64_t at = cursor_offset(b);
	const uint8_t *p;
	size_t n;

	TRY(cursor_rest(b, &p, &n));
	fields_hex(fl, depth, name, at, p, n);
	return 0;
}

/* Extensions that must be empty in every context (EMS, EtM, post_handshake_auth). */
static int ext_empty(struct cursor *b, const char *name, struct fields *fl, int depth)
{
	fields_add(fl, depth, "note", cursor_offset(b), 0, "empty (a flag)");
	return cursor_end(b, name);
}

/* Decode one extension body by type. */
static int ext_body(uint16_t type, struct cursor *b, enum ext_ctx ctx, int depth,
		    struct fields *fl, struct hs_info *hi)
{
	struct cursor v;
	uint64_t at = cursor_offset(b);
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	char buf[96];

	switch (type) {
	case 0:
		return ext_server_name(b, fl, depth);
	case 1: /* enum { 2^9(1), 2^10(2), 2^11(3), 2^12(4), (255) } MaxFragmentLength; */
		TRY(cursor_u8(b, "max_fragment_length", &u8));
		fields_add(fl, depth, "max_fragment_length", at, 1, "%u (%s)", u8,
			   u8 >= 1 && u8 <= 4 ? (const char *[]){ "512", "1024", "2048", "4096" }[u8 - 1]
					      : "unknown");
		return cursor_end(b, "max_fragment_length");
	case 5:
		return ext_status_request(b, ctx, fl, depth);
	case 10:
		return ext_list16(b, 2, "named_group_list", "named_group", names_group, fl, depth, 2);
	case 11: { /* ECPointFormat ec_point_format_list<1..2^8-1>; */
		TRY(hs_vec(b, 1, "ec_point_format_list", &v, fl, depth));
		ENSURE(cursor_left(&v) > 0, ERR_LENGTH, "ec_point_format_list: empty at offset %llu",
		       (unsigned long long)at);
		while (cursor_left(&v)) {
			at = cursor_offset(&v);
			TRY(cursor_u8(&v, "ec_point_format", &u8));
			names_fmt8(buf, sizeof buf, names_ec_point_format, u8);
			fields_add(fl, depth, "ec_point_format", at, 1, "%s", buf);
		}
		return cursor_end(b, "ec_point_formats");
	}
	case 13: /* SignatureScheme supported_signature_algorithms<2..2^16-2>; */
	case 50:
		return ext_list16(b, 2, "supported_signature_algorithms", "signature_scheme",
				  names_sigscheme, fl, depth, 2);
	case 16:
		return ext_alpn(b, fl, depth);
	case 18:
		return ext_sct(b, fl, depth);
	case 21: { /* padding: zero bytes (RFC 7685) */
		const uint8_t *p;
		size_t n, nz = 0;

		TRY(cursor_rest(b, &p, &n));
		for (size_t i = 0; i < n; i++)
			nz += p[i] != 0;
		fields_add(fl, depth, "padding", at, n, "%zu bytes%s", n,
			   nz ? ", NOT all zero" : " of zeros");
		return 0;
	}
	case 22:
		return ext_empty(b, "encrypt_then_mac", fl, depth);
	case 23:
		return ext_empty(b, "extended_master_secret", fl, depth);
	case 49:
		return ext_empty(b, "post_handshake_auth", fl, depth);
	case 27: /* CertificateCompressionAlgorithm algorithms<2..2^8-2>; */
		return ext_list16(b, 1, "algorithms", "algorithm", names_cert_compression, fl,
				  depth, 2);
	case 28: /* uint16 RecordSizeLimit; */
		TRY(cursor_u16(b, "record_size_limit", &u16));
		fields_add(fl, depth, "record_size_limit", at, 2, "%u", u16);
		return cursor_end(b, "record_size_limit");
	case 35: /* opaque SessionTicket<0..2^16-1> (the whole body) */
		if (cursor_left(b) == 0) {
			fields_add(fl, depth, "note", at, 0, "empty: a ticket is wanted");
			return 0;
		}
		return ext_opaque(b, "ticket", fl, depth);
	case 41:
		return ext_pre_shared_key(b, ctx, fl, depth, hi);
	case 42: /* NewSessionTicket: uint32 max_early_data_size; ClientHello, EE: empty */
		if (ctx == EXT_NST) {
			TRY(cursor_u32(b, "max_early_data_size", &u32));
			fields_add(fl, depth, "max_early_data_size", at, 4, "%u", u32);
		} else if (ctx == EXT_CH) {
			hi->ch_early_data = true;
		} else if (ctx == EXT_EE) {
			hi->ee_early_data = true;
		}
		return cursor_end(b, "early_data");
	case 43:
		return ext_supported_versions(b, ctx, fl, depth, hi);
	case 44: /* struct { opaque cookie<1..2^16-1>; } Cookie; */
		TRY(hs_vec(b, 2, "cookie", &v, fl, depth));
		ENSURE(cursor_left(&v) > 0, ERR_LENGTH, "cookie: empty at offset %llu",
		       (unsigned long long)at);
		TRY(ext_opaque(&v, "cookie", fl, depth));
		return cursor_end(b, "cookie");
	case 45: /* PskKeyExchangeMode ke_modes<1..255>; */
		TRY(hs_vec(b, 1, "ke_modes", &v, fl, depth));
		ENSURE(cursor_left(&v) > 0, ERR_LENGTH, "ke_modes: empty at offset %llu",
		       (unsigned long long)at);
		while (cursor_left(&v)) {
			at = cursor_offset(&v);
			TRY(cursor_u8(&v, "ke_mode", &u8));
			names_fmt8(buf, sizeof buf, names_psk_mode, u8);
			fields_add(fl, depth, "ke_mode", at, 1, "%s", buf);
		}
		return cursor_end(b, "psk_key_exchange_modes");
	case 47:
		return ext_authorities(b, fl, depth);
	case 51:
		return ext_key_share(b, ctx, fl, depth, hi);
	case 0xfd00:
		return ech_parse_outer_extensions(b, fl, depth);
	case 0xfe0d:
		return ech_parse_ext(b, ctx, fl, depth, hi);
	case 0xff01: /* struct { opaque renegotiated_connection<0..255>; } RenegotiationInfo; */
		TRY(hs_vec(b, 1, "renegotiated_connection", &v, fl, depth));
		TRY(ext_opaque(&v, "renegotiated_connection", fl, depth));
		return cursor_end(b, "renegotiation_info");
	default:
		if (cursor_left(b))
			return ext_opaque(b, "data", fl, depth);
		return 0;
	}
}

/* Parse the list: struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension; */
int ext_parse_list(struct cursor *c, enum ext_ctx ctx, int depth, struct fields *fl,
		   struct hs_info *hi)
{
	int first_rc = 0;
	char first_msg[512] = "";

	while (cursor_left(c)) {
		uint64_t at = cursor_offset(c);
		struct cursor body;
		uint16_t type;
		char buf[96];
		int idx, rc;

		TRY(cursor_u16(c, "extension_type", &type));
		names_fmt16(buf, sizeof buf, names_ext, type);
		idx = fields_add(fl, depth, "extension", at, 0, "%s", buf);
		fields_add(fl, depth + 1, "extension_type", at, 2, "%s", buf);
		TRY(hs_vec(c, 2, "extension_data", &body, fl, depth + 1));
		fields_close(fl, idx, cursor_offset(c));
		if (type == 23)
			hi->ems = true;
		if (type == 22)
			hi->etm = true;
		/* a bad body is reported and the next extension is still shown */
		rc = ext_body(type, &body, ctx, depth + 1, fl, hi);
		if (rc < 0) {
			char name[64];

			snprintf(name, sizeof name, "%s", names_ext(type) ? names_ext(type) : "extension");
			err_wrap(rc, "%s extension: ", name);
			fields_add(fl, depth + 1, "error", cursor_offset(&body), 0, "%s", err_msg());
			if (!first_rc) {
				first_rc = rc;
				snprintf(first_msg, sizeof first_msg, "%s", err_msg());
			}
		}
	}
	if (first_rc)
		err_set(first_rc, "%s", first_msg);
	return first_rc;
}
