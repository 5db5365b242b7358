/* Names from the IANA TLS registries: groups, signature schemes, extensions,
 * alerts, handshake types, content types and a few smaller ones. Each lookup
 * returns NULL for a code point the table does not know; names_fmt16/8 turn
 * any code point into "name (0x0017)", "GREASE (0x0a0a)" or "unknown (0x1234)". */
#ifndef TLSVIZ_TLS_NAMES_H
#define TLSVIZ_TLS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

const char *names_group(uint16_t id);
const char *names_sigscheme(uint16_t id);
const char *names_ext(uint16_t id);
const char *names_alert_level(uint8_t level);
const char *names_alert_desc(uint8_t desc);
const char *names_hs_type(uint8_t type);
const char *names_content_type(uint8_t type);
/* "TLS 1.2", "TLS 1.3", "SSL 3.0", ... */
const char *names_version(uint16_t v);
const char *names_psk_mode(uint8_t m);
const char *names_ec_point_format(uint8_t f);
const char *names_cert_compression(uint16_t alg);
const char *names_status_type(uint8_t t);
const char *names_compression(uint8_t m);
const char *names_client_cert_type(uint8_t t);
/* HPKE KEM, KDF and AEAD identifiers (RFC 9180), named as RFC 9849 lists them. */
const char *names_hpke_kem(uint16_t id);
const char *names_hpke_kdf(uint16_t id);
const char *names_hpke_aead(uint16_t id);
/* RFC 8701 GREASE values: 0x?a?a with both bytes equal. */
bool names_is_grease(uint16_t v);

/* Format a 16-bit code point with a lookup function: "x25519 (0x001d)". */
void names_fmt16(char *out, size_t cap, const char *(*look)(uint16_t), uint16_t v);
/* Format an 8-bit code point: "fatal (2)". */
void names_fmt8(char *out, size_t cap, const char *(*look)(uint8_t), uint8_t v);

#endif
