/* The bounded cursor: the only way tlsviz reads captured bytes.
 *
 * A cursor is a window [p, p+len) with a read position. Every read checks the
 * bytes left first and fails with ERR_SHORT naming the field and its absolute
 * offset; a raw pointer into the buffer is handed out only after that check
 * (cursor_bytes). Length-prefixed vectors open a sub-cursor limited to the
 * declared length (cursor_vec8/16/24); the parser must then use it up exactly
 * (cursor_end). `base` is the absolute offset of p[0] in the enclosing stream
 * or message, so every field's offset can be reported for highlighting.
 */
#ifndef TLSVIZ_CURSOR_H
#define TLSVIZ_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const uint8_t *p;
	size_t len;
	size_t pos;
	uint64_t base;
};

/* Start a cursor over buf[0..len) whose first byte sits at offset base. */
void cursor_init(struct cursor *c, const uint8_t *buf, size_t len, uint64_t base);
/* Bytes not yet read. */
size_t cursor_left(const struct cursor *c);
/* Absolute offset of the next byte to read. */
uint64_t cursor_offset(const struct cursor *c);
/* Offset of the next byte relative to this cursor's start. */
size_t cursor_pos(const struct cursor *c);

int cursor_u8(struct cursor *c, const char *field, uint8_t *out);
int cursor_u16(struct cursor *c, const char *field, uint16_t *out);
int cursor_u24(struct cursor *c, const char *field, uint32_t *out);
int cursor_u32(struct cursor *c, const char *field, uint32_t *out);
int cursor_u64(struct cursor *c, const char *field, uint64_t *out);
/* Little-endian reads, for pcap/pcapng headers. */
int cursor_le16(struct cursor *c, const char *field, uint16_t *out);
int cursor_le32(struct cursor *c, const char *field, uint32_t *out);
/* Hand out a pointer to the next n bytes after checking they exist. */
int cursor_bytes(struct cursor *c, const char *field, size_t n, const uint8_t **out);
/* Copy the next n bytes into out. */
int cursor_copy(struct cursor *c, const char *field, void *out, size_t n);
/* Skip n bytes. */
int cursor_skip(struct cursor *c, const char *field, size_t n);
/* Open a sub-cursor over the next n bytes and advance past them. */
int cursor_sub(struct cursor *c, const char *field, size_t n, struct cursor *sub);
/* Read a 1/2/3-byte length prefix and open a sub-cursor over the body. */
int cursor_vec8(struct cursor *c, const char *field, struct cursor *sub);
int cursor_vec16(struct cursor *c, const char *field, struct cursor *sub);
int cursor_vec24(struct cursor *c, const char *field, struct cursor *sub);
/* Require that a (sub-)cursor was used up exactly. */
int cursor_end(const struct cursor *c, const char *field);
/* Take the rest of the cursor as bytes. */
int cursor_rest(struct cursor *c, const uint8_t **out, size_t *len);

#endif
