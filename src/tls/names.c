/* IANA registry tables (TLS parameters, TLS ExtensionType Values). */
#include "tls/names.h"

#include <stdio.h>

struct name16 {
	uint16_t id;
	const char *name;
};

struct name8 {
	uint8_t id;
	const char *name;
};

/* Linear lookup in a small table; the tables are short enough. */
static const char *find16(const struct name16 *t, size_t n, uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	return NULL;
}

static const char *find8(const struct name8 *t, size_t n, uint8_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	return NULL;
}

#define N(t) (sizeof(t) / sizeof((t)[0]))

static const struct name16 groups[] = {
	{ 1, "sect163k1" }, { 2, "sect163r1" }, { 3, "sect163r2" },
	{ 4, "sect193r1" }, { 5, "sect193r2" }, { 6, "sect233k1" },
	{ 7, "sect233r1" }, { 8, "sect239k1" }, { 9, "sect283k1" },
	{ 10, "sect283r1" }, { 11, "sect409k1" }, { 12, "sect409r1" },
	{ 13, "sect571k1" }, { 14, "sect571r1" }, { 15, "secp160k1" },
	{ 16, "secp160r1" }, { 17, "secp160r2" }, { 18, "secp192k1" },
	{ 19, "secp192r1" }, { 20, "secp224k1" }, { 21, "secp224r1" },
	{ 22, "secp256k1" }, { 23, "secp256r1" }, { 24, "secp384r1" },
	{ 25, "secp521r1" }, { 26, "brainpoolP256r1" }, { 27, "brainpoolP384r1" },
	{ 28, "brainpoolP512r1" }, { 29, "x25519" }, { 30, "x448" },
	{ 31, "brainpoolP256r1tls13" }, { 32, "brainpoolP384r1tls13" },
	{ 33, "brainpoolP512r1tls13" }, { 34, "GC256A" }, { 35, "GC256B" },
	{ 36, "GC256C" }, { 37, "GC256D" }, { 38, "GC512A" }, { 39, "GC512B" },
	{ 40, "GC512C" }, { 41, "curveSM2" },
	{ 256, "ffdhe2048" }, { 257, "ffdhe3072" }, { 258, "ffdhe4096" },
	{ 259, "ffdhe6144" }, { 260, "ffdhe8192" },
	{ 0x0200, "MLKEM512" }, { 0x0201, "MLKEM768" }, { 0x0202, "MLKEM1024" },
	{ 0x11eb, "SecP256r1MLKEM768" }, { 0x11ec, "X25519MLKEM768" },
	{ 0x11ed, "SecP384r1MLKEM1024" },
	{ 0x6399, "X25519Kyber768Draft00" }, { 0x639a, "SecP256r1Kyber768Draft00" },
	{ 0xff01, "arbitrary_explicit_prime_curves" },
	{ 0xff02, "arbitrary_explicit_char2_curves" },
};

static const struct name16 sigschemes[] = {
	{ 0x0201, "rsa_pkcs1_sha1" }, { 0x0203, "ecdsa_sha1" },
	{ 0x0401, "rsa_pkcs1_sha256" }, { 0x0501, "rsa_pkcs1_sha384" },
	{ 0x0601, "rsa_pkcs1_sha512" }, { 0x0403, "ecdsa_secp256r1_sha256" },
	{ 0x0503, "ecdsa_secp384r1_sha384" }, { 0x0603, "ecdsa_secp521r1_sha512" },
	{ 0x0804, "rsa_pss_rsae_sha256" }, { 0x0805, "rsa_pss_rsae_sha384" },
	{ 0x0806, "rsa_pss_rsae_sha512" }, { 0x0807, "ed25519" },
	{ 0x0808, "ed448" }, { 0x0809, "rsa_pss_pss_sha256" },
	{ 0x080a, "rsa_pss_pss_sha384" }, { 0x080b, "rsa_pss_pss_sha512" },
	{ 0x081a, "ecdsa_brainpoolP256r1tls13_sha256" },
	{ 0x081b, "ecdsa_brainpoolP384r1tls13_sha384" },
	{ 0x081c, "ecdsa_brainpoolP512r1tls13_sha512" },
	{ 0x0420, "rsa_pkcs1_sha256_legacy" }, { 0x0520, "rsa_pkcs1_sha384_legacy" },
	{ 0x0620, "rsa_pkcs1_sha512_legacy" }, { 0x0708, "sm2sig_sm3" },
	{ 0x0904, "mldsa44" }, { 0x0905, "mldsa65" }, { 0x0906, "mldsa87" },
	/* TLS 1.2 (HashAlgorithm, SignatureAlgorithm) pairs not in the 1.3 list */
	{ 0x0101, "rsa_md5" }, { 0x0102, "dsa_md5" }, { 0x0103, "ecdsa_md5" },
	{ 0x0202, "dsa_sha1" }, { 0x0301, "rsa_sha224" }, { 0x0302, "dsa_sha224" },
	{ 0x0303, "ecdsa_sha224" }, { 0x0402, "dsa_sha256" },
	{ 0x0502, "dsa_sha384" }, { 0x0602, "dsa_sha512" },
};

static const struct name16 exts[] = {
	{ 0, "server_name" }, { 1, "max_fragment_length" },
	{ 2, "client_certificate_url" }, { 3, "trusted_ca_keys" },
	{ 4, "truncated_hmac" }, { 5, "status_request" }, { 6, "user_mapping" },
	{ 7, "client_authz" }, { 8, "server_authz" }, { 9, "cert_type" },
	{ 10, "supported_groups" }, { 11, "ec_point_formats" }, { 12, "srp" },
	{ 13, "signature_algorithms" }, { 14, "use_srtp" }, { 15, "heartbeat" },
	{ 16, "application_layer_protocol_negotiation" },
	{ 17, "status_request_v2" }, { 18, "signed_certificate_timestamp" },
	{ 19, "client_certificate_type" }, { 20, "server_certificate_type" },
	{ 21, "padding" }, { 22, "encrypt_then_mac" },
	{ 23, "extended_master_secret" }, { 24, "token_binding" },
	{ 25, "cached_info" }, { 26, "tls_lts" }, { 27, "compress_certificate" },
	{ 28, "record_size_limit" }, { 29, "pwd_protect" }, { 30, "pwd_clear" },
	{ 31, "password_salt" }, { 32, "ticket_pinning" },
	{ 33, "tls_cert_with_extern_psk" }, { 34, "delegated_credential" },
	{ 35, "session_ticket" }, { 36, "TLMSP" }, { 37, "TLMSP_proxying" },
	{ 38, "TLMSP_delegate" }, { 39, "supported_ekt_ciphers" },
	{ 41, "pre_shared_key" }, { 42, "early_data" },
	{ 43, "supported_versions" }, { 44, "cookie" },
	{ 45, "psk_key_exchange_modes" }, { 47, "certificate_authorities" },
	{ 48, "oid_filters" }, { 49, "post_handshake_auth" },
	{ 50, "signature_algorithms_cert" }, { 51, "key_share" },
	{ 52, "transparency_info" }, { 53, "connection_id_deprecated" },
	{ 54, "connection_id" }, { 55, "external_id_hash" },
	{ 56, "external_session_id" }, { 57, "quic_transport_parameters" },
	{ 58, "ticket_request" }, { 59, "dnssec_chain" },
	{ 60, "sequence_number_encryption_algorithms" }, { 61, "rrc" },
	{ 0xfd00, "ech_outer_extensions" }, { 0xfe0d, "encrypted_client_hello" },
	{ 0xff01, "renegotiation_info" },
};

static const struct name8 alert_descs[] = {
	{ 0, "close_notify" }, { 10, "unexpected_message" },
	{ 20, "bad_record_mac" }, { 21, "decryption_failed_RESERVED" },
	{ 22, "record_overflow" }, { 30, "decompression_failure_RESERVED" },
	{ 40, "handshake_failure" }, { 41, "no_certificate_RESERVED" },
	{ 42, "bad_certificate" }, { 43, "unsupported_certificate" },
	{ 44, "certificate_revoked" }, { 45, "certificate_expired" },
	{ 46, "certificate_unknown" }, { 47, "illegal_parameter" },
	{ 48, "unknown_ca" }, { 49, "access_denied" }, { 50, "decode_error" },
	{ 51, "decrypt_error" }, { 52, "too_many_cids_requested" },
	{ 60, "export_restriction_RESERVED" }, { 70, "protocol_version" },
	{ 71, "insufficient_security" }, { 80, "internal_error" },
	{ 86, "inappropriate_fallback" }, { 90, "user_canceled" },
	{ 100, "no_renegotiation" }, { 109, "missing_extension" },
	{ 110, "unsupported_extension" },
	{ 111, "certificate_unobtainable_RESERVED" }, { 112, "unrecognized_name" },
	{ 113, "bad_certificate_status_response" },
	{ 114, "bad_certificate_hash_value_RESERVED" },
	{ 115, "unknown_psk_identity" }, { 116, "certificate_required" },
	{ 117, "general_error" }, { 120, "no_application_protocol" },
	{ 121, "ech_required" },
};

static const struct name8 hs_types[] = {
	{ 0, "hello_request" }, { 1, "client_hello" }, { 2, "server_hello" },
	{ 3, "hello_verify_request" }, { 4, "new_session_ticket" },
	{ 5, "end_of_early_data" }, { 6, "hello_retry_request_RESERVED" },
	{ 8, "encrypted_extensions" }, { 9, "request_connection_id" },
	{ 10, "new_connection_id" }, { 11, "certificate" },
	{ 12, "server_key_exchange" }, { 13, "certificate_request" },
	{ 14, "server_hello_done" }, { 15, "certificate_verify" },
	{ 16, "client_key_exchange" }, { 17, "client_certificate_request" },
	{ 20, "finished" }, { 21, "certificate_url" },
	{ 22, "certificate_status" }, { 23, "supplemental_data" },
	{ 24, "key_update" }, { 25, "compressed_certificate" },
	{ 26, "ekt_key" }, { 254, "message_hash" },
};

static const struct name8 content_types[] = {
	{ 20, "change_cipher_spec" }, { 21, "alert" }, { 22, "handshake" },
	{ 23, "application_data" }, { 24, "heartbeat" }, { 25, "tls12_cid" },
	{ 26, "ack" },
};

const char *names_group(uint16_t id)
{
	return find16(groups, N(groups), id);
}

const char *names_sigscheme(uint16_t id)
{
	return find16(sigschemes, N(sigschemes), id);
}

const char *names_ext(uint16_t id)
{
	return find16(exts, N(exts), id);
}

const char *names_alert_level(uint8_t level)
{
	return level == 1 ? "warning" : level == 2 ? "fatal" : NULL;
}

const char *names_alert_desc(uint8_t desc)
{
	return find8(alert_descs, N(alert_descs), desc);
}

const char *names_hs_type(uint8_t type)
{
	return find8(hs_types, N(hs_types), type);
}

const char *names_content_type(uint8_t type)
{
	return find8(content_types, N(content_types), type);
}

const char *names_version(uint16_t v)
{
	switch (v) {
	case 0x0200: return "SSL 2.0";
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	case 0xfeff: return "DTLS 1.0";
	case 0xfefd: return "DTLS 1.2";
	case 0xfefc: return "DTLS 1.3";
	default: return NULL;
	}
}

const char *names_psk_mode(uint8_t m)
{
	return m == 0 ? "psk_ke" : m == 1 ? "psk_dhe_ke" : NULL;
}

const char *names_ec_point_format(uint8_t f)
{
	static const struct name8 t[] = {
		{ 0, "uncompressed" },
		{ 1, "ansiX962_compressed_prime" },
		{ 2, "ansiX962_compressed_char2" },
	};
	return find8(t, N(t), f);
}

const char *names_cert_compression(uint16_t alg)
{
	static const struct name16 t[] = {
		{ 1, "zlib" }, { 2, "brotli" }, { 3, "zstd" },
	};
	return find16(t, N(t), alg);
}

const char *names_status_type(uint8_t t)
{
	return t == 1 ? "ocsp" : t == 2 ? "ocsp_multi" : NULL;
}

const char *names_compression(uint8_t m)
{
	return m == 0 ? "null" : m == 1 ? "DEFLATE" : m == 64 ? "LZS" : NULL;
}

const char *names_client_cert_type(uint8_t t)
{
	static const struct name8 tt[] = {
		{ 1, "rsa_sign" }, { 2, "dss_sign" }, { 3, "rsa_fixed_dh" },
		{ 4, "dss_fixed_dh" }, { 5, "rsa_ephemeral_dh_RESERVED" },
		{ 6, "dss_ephemeral_dh_RESERVED" }, { 20, "fortezza_dms_RESERVED" },
		{ 64, "ecdsa_sign" }, { 65, "rsa_fixed_ecdh" },
		{ 66, "ecdsa_fixed_ecdh" }, { 67, "gost_sign256" },
		{ 68, "gost_sign512" },
	};
	return find8(tt, N(tt), t);
}

bool names_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

void names_fmt16(char *out, size_t cap, const char *(*look)(uint16_t), uint16_t v)
{
	const char *n = look ? look(v) : NULL;

	if (n)
		snprintf(out, cap, "%s (0x%04x)", n, v);
	else if (names_is_grease(v))
		snprintf(out, cap, "GREASE (0x%04x)", v);
	else
		snprintf(out, cap, "unknown (0x%04x)", v);
}

void names_fmt8(char *out, size_t cap, const char *(*look)(uint8_t), uint8_t v)
{
	const char *n = look ? look(v) : NULL;

	snprintf(out, cap, "%s (%u)", n ? n : "unknown", v);
}

/* HPKE registries (RFC 9180 section 7), as ECH (RFC 9849) uses them. */
const char *names_hpke_kem(uint16_t id)
{
	static const struct name16 t[] = {
		{ 0x0010, "DHKEM(P-256, HKDF-SHA256)" }, { 0x0011, "DHKEM(P-384, HKDF-SHA384)" },
		{ 0x0012, "DHKEM(P-521, HKDF-SHA512)" }, { 0x0020, "DHKEM(X25519, HKDF-SHA256)" },
		{ 0x0021, "DHKEM(X448, HKDF-SHA512)" },
	};
	return find16(t, N(t), id);
}

const char *names_hpke_kdf(uint16_t id)
{
	static const struct name16 t[] = {
		{ 0x0001, "HKDF-SHA256" }, { 0x0002, "HKDF-SHA384" }, { 0x0003, "HKDF-SHA512" },
	};
	return find16(t, N(t), id);
}

const char *names_hpke_aead(uint16_t id)
{
	static const struct name16 t[] = {
		{ 0x0001, "AES-128-GCM" }, { 0x0002, "AES-256-GCM" },
		{ 0x0003, "ChaCha20Poly1305" }, { 0xffff, "Export-only" },
	};
	return find16(t, N(t), id);
}
