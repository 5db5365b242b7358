/* Bounded cursor: every read checks the remaining length first. */
#include "core/cursor.h"

#include "core/err.h"

#include <string.h>

/* Start a cursor over buf. */
void cursor_init(struct cursor *c, const uint8_t *buf, size_t len, uint64_t base)
{
	c->p = buf;
	c->len = buf ? len : 0;
	c->pos = 0;
	c->base = base;
}

/* Bytes not yet read. */
size_t cursor_left(const struct cursor *c)
{
	return c->len - c->pos;
}

/* Absolute offset of the next byte. */
uint64_t cursor_offset(const struct cursor *c)
{
	return c->base + c->pos;
}

/* Relative offset of the next byte. */
size_t cursor_pos(const struct cursor *c)
{
	return c->pos;
}

/* The one bounds check every read goes through. */
static int cursor_need(const struct cursor *c, const char *field, size_t n)
{
	ENSURE(n <= cursor_left(c), ERR_SHORT,
	       "%s: needs %zu bytes at offset %llu, only %zu left", field, n,
	       (unsigned long long)cursor_offset(c), cursor_left(c));
	return 0;
}

/* Big-endian unsigned of n bytes (n <= 8). */
static int cursor_be(struct cursor *c, const char *field, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	TRY(cursor_need(c, field, n));
	for (size_t i = 0; i < n; i++)
		v = (v << 8) | c->p[c->pos + i];
	c->pos += n;
	*out = v;
	return 0;
}

/* Read one byte. */
int cursor_u8(struct cursor *c, const char *field, uint8_t *out)
{
	uint64_t v;

	TRY(cursor_be(c, field, 1, &v));
	*out = (uint8_t)v;
	return 0;
}

/* Read a big-endian uint16. */
int cursor_u16(struct cursor *c, const char *field, uint16_t *out)
{
	uint64_t v;

	TRY(cursor_be(c, field, 2, &v));
	*out = (uint16_t)v;
	return 0;
}

/* Read a big-endian uint24. */
int cursor_u24(struct cursor *c, const char *field, uint32_t *out)
{
	uint64_t v;

	TRY(cursor_be(c, field, 3, &v));
	*out = (uint32_t)v;
	return 0;
}

/* Read a big-endian uint32. */
int cursor_u32(struct cursor *c, const char *field, uint32_t *out)
{
	uint64_t v;

	TRY(cursor_be(c, field, 4, &v));
	*out = (uint32_t)v;
	return 0;
}

/* Read a big-endian uint64. */
int cursor_u64(struct cursor *c, const char *field, uint64_t *out)
{
	return cursor_be(c, field, 8, out);
}

/* Read a little-endian uint16. */
int cursor_le16(struct cursor *c, const char *field, uint16_t *out)
{
	TRY(cursor_need(c, field, 2));
	*out = (uint16_t)(c->p[c->pos] | (c->p[c->pos + 1] << 8));
	c->pos += 2;
	return 0;
}

/* Read a little-endian uint32. */
int cursor_le32(struct cursor *c, const char *field, uint32_t *out)
{
	const uint8_t *b;

	TRY(cursor_need(c, field, 4));
	b = c->p + c->pos;
	*out = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
	       ((uint32_t)b[3] << 24);
	c->pos += 4;
	return 0;
}

/* Hand out a checked pointer to the next n bytes. */
int cursor_bytes(struct cursor *c, const char *field, size_t n, const uint8_t **out)
{
	TRY(cursor_need(c, field, n));
	*out = c->p + c->pos;
	c->pos += n;
	return 0;
}

/* Copy the next n bytes. */
int cursor_copy(struct cursor *c, const char *field, void *out, size_t n)
{
	TRY(cursor_need(c, field, n));
	if (n)
		memcpy(out, c->p + c->pos, n);
	c->pos += n;
	return 0;
}

/* Skip n bytes. */
int cursor_skip(struct cursor *c, const char *field, size_t n)
{
	TRY(cursor_need(c, field, n));
	c->pos += n;
	return 0;
}

/* Open a sub-cursor over the next n bytes. */
int cursor_sub(struct cursor *c, const char *field, size_t n, struct cursor *sub)
{
	TRY(cursor_need(c, field, n));
	cursor_init(sub, c->p + c->pos, n, cursor_offset(c));
	c->pos += n;
	return 0;
}

/* Length-prefixed vector with an n-byte prefix. */
static int cursor_vec(struct cursor *c, const char *field, size_t n, struct cursor *sub)
{
	uint64_t len;
	uint64_t at = cursor_offset(c);

	TRY(cursor_be(c, field, n, &len));
	if (len > cursor_left(c)) {
		c->pos -= n;
		return err_set(ERR_LENGTH,
			       "%s: length %llu at offset %llu runs past the end (%zu left)",
			       field, (unsigned long long)len, (unsigned long long)at,
			       cursor_left(c) - n);
	}
	return cursor_sub(c, field, (size_t)len, sub);
}

int cursor_vec8(struct cursor *c, const char *field, struct cursor *sub)
{
	return cursor_vec(c, field, 1, sub);
}

int cursor_vec16(struct cursor *c, const char *field, struct cursor *sub)
{
	return cursor_vec(c, field, 2, sub);
}

int cursor_vec24(struct cursor *c, const char *field, struct cursor *sub)
{
	return cursor_vec(c, field, 3, sub);
}

/* Require that the cursor was used up exactly. */
int cursor_end(const struct cursor *c, const char *field)
{
	ENSURE(cursor_left(c) == 0, ERR_LENGTH,
	       "%s: %zu unexpected trailing bytes at offset %llu", field,
	       cursor_left(c), (unsigned long long)cursor_offset(c));
	return 0;
}

/* Take the rest of the cursor. */
int cursor_rest(struct cursor *c, const uint8_t **out, size_t *len)
{
	*len = cursor_left(c);
	*out = c->p + c->pos;
	c->pos = c->len;
	return 0;
}
