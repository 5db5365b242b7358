/* Handshake message parsers (RFC 8446 section 4, RFC 5246 section 7.4): each
 * turns one complete message (4-byte header included) into a field list and
 * records the connection facts the decoder needs in struct hs_info. */
#ifndef TLSVIZ_TLS_HANDSHAKE_H
#define TLSVIZ_TLS_HANDSHAKE_H

#include "core/cursor.h"
#include "core/event.h"
#include "tls/fields.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct suite;

/* What a ClientHello's encrypted_client_hello extension says it is. */
enum ech_kind {
	ECH_NONE,  /* no encrypted_client_hello extension */
	ECH_OUTER, /* ClientHelloOuter: carries the encrypted inner hello */
	ECH_INNER, /* ClientHelloInner: the marker only (seen after decryption) */
};

/* Facts about the connection: some are inputs to the parsers (the negotiated
 * version and suite decide a message's form), the rest are filled in. */
struct hs_info {
	/* negotiated so far (inputs) */
	uint16_t version;           /* 0x0303 / 0x0304, 0 while unknown */
	uint16_t suite_id;
	const struct suite *suite;  /* NULL while unknown */
	/* ClientHello */
	bool have_cr;
	uint8_t client_random[32];
	uint8_t sid[32];
	uint8_t sid_len;
	bool ch_offers_tls13;
	bool ch_early_data;
	bool ch_psk;
	struct { uint16_t group, len; } ch_share[8]; /* key_share: group and key_exchange bytes */
	uint8_t ch_nshares;
	/* ServerHello */
	bool have_sr;
	uint8_t server_random[32];
	bool is_hrr;                /* the last server_hello was a HelloRetryRequest */
	uint16_t sh_selected_version; /* from supported_versions, 0 if absent */
	uint16_t group;             /* key share group (SH) or HRR selected group */
	uint16_t sh_share_len;      /* key_exchange bytes of the ServerHello's share, 0 none */
	bool ems, etm;
	bool sh_psk;
	bool sh_sid_match;          /* SH echoes a non-empty CH session id (1.2 resumption) */
	/* EncryptedExtensions */
	bool ee_early_data;
	/* ClientKeyExchange (RSA): points into the message, valid during parse */
	const uint8_t *enc_pms;
	size_t enc_pms_len;
	/* KeyUpdate */
	uint8_t ku_request;
	/* Encrypted ClientHello (RFC 9849, tls/ech.c) */
	enum ech_kind ch_ech;       /* the last ClientHello's encrypted_client_hello */
	uint16_t ech_kdf, ech_aead; /* outer: HpkeSymmetricCipherSuite */
	uint8_t ech_config_id;      /* outer */
	uint16_t ech_enc_len;       /* outer: bytes of the HPKE encapsulated key */
	uint16_t ech_payload_len;   /* outer: bytes of the encrypted inner ClientHello */
	bool ee_ech_retry;          /* EncryptedExtensions: the server sent retry_configs */
	bool hrr_ech;               /* the HelloRetryRequest carried an ECH confirmation */
	/* CompressedCertificate (RFC 8879) */
	uint16_t cc_alg;            /* algorithm of the last one; 0 none */
	uint32_t cc_compressed_len, cc_uncompressed_len;
	bool cc_ok;                 /* it decompressed and parsed as a Certificate */
};

/* Where an extension list sits: decides which form an extension takes. */
enum ext_ctx {
	EXT_CH, EXT_SH, EXT_HRR, EXT_EE, EXT_CERT, EXT_CR, EXT_NST,
};

/* Parse one message; returns 0 or an ERR_* (fields parsed so far are kept).
 * *name gets the message name ("hello_retry_request" for an HRR). */
int handshake_parse(struct hs_info *hi, enum dir dir, const uint8_t *msg,
		    size_t len, struct fields *fl, const char **name);
/* True when random is the HelloRetryRequest special value (SHA-256 of
 * "HelloRetryRequest"). */
bool handshake_is_hrr_random(const uint8_t random[32]);

/* Parse the body of an extensions<..> vector (ext.c). */
int ext_parse_list(struct cursor *c, enum ext_ctx ctx, int depth,
		   struct fields *fl, struct hs_info *hi);
/* Encrypted ClientHello (ech.c): the body of encrypted_client_hello (0xfe0d)
 * in its ClientHello, EncryptedExtensions or HelloRetryRequest form, and of
 * ech_outer_extensions (0xfd00). */
int ech_parse_ext(struct cursor *b, enum ext_ctx ctx, struct fields *fl, int depth,
		  struct hs_info *hi);
int ech_parse_outer_extensions(struct cursor *b, struct fields *fl, int depth);
/* Read a length-prefixed vector (prefix 1, 2 or 3 bytes) and add a "length"
 * field for its prefix. */
int hs_vec(struct cursor *c, int prefix, const char *what, struct cursor *sub,
	   struct fields *fl, int depth);
/* Read a 16-bit code point and add its field, named by look ("x25519
 * (0x001d)"); *out gets the value when out is not NULL. */
int hs_code16(struct cursor *c, const char *field, const char *(*look)(uint16_t),
	      struct fields *fl, int depth, uint16_t *out);

#endif
