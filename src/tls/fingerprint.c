/* JA3 / JA3S (see fingerprint.h), parsed with the bounded cursor. */
#include "tls/fingerprint.h"

#include "core/cursor.h"
#include "core/err.h"
#include "core/hex.h"
#include "keys/keys.h"
#include "tls/names.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Append to a full string; false once it does not fit. */
struct fp_buf {
	char *s;
	size_t n, cap;
	bool ok;
};

/* v in decimal, then the separator sep (0: none). */
static void put_num(struct fp_buf *b, unsigned v, char sep)
{
	int w;

	if (!b->ok)
		return;
	w = sep ? snprintf(b->s + b->n, b->cap - b->n, "%u%c", v, sep) : snprintf(b->s + b->n, b->cap - b->n, "%u", v);
	if (w < 0 || (size_t)w >= b->cap - b->n)
		b->ok = false;
	else
		b->n += (size_t)w;
}

static void put_sep(struct fp_buf *b, char c)
{
	if (b->ok && b->n + 2 <= b->cap) {
		b->s[b->n++] = c;
		b->s[b->n] = '\0';
	} else {
		b->ok = false;
	}
}

/* A list of 16-bit values (a vector of length-prefix width w, 8 or 16
 * bits wide each), '-'-joined, GREASE left out. */
static int put_list(struct cursor *c, const char *field, int w, int vw, struct fp_buf *b)
{
	struct cursor v;
	bool first = true;

	TRY(w == 1 ? cursor_vec8(c, field, &v) : cursor_vec16(c, field, &v));
	while (cursor_left(&v)) {
		uint16_t x;

		if (vw == 1) {
			uint8_t y;

			TRY(cursor_u8(&v, field, &y));
			x = y;
		} else {
			TRY(cursor_u16(&v, field, &x));
			if (names_is_grease(x))
				continue;
		}
		if (!first)
			put_sep(b, '-');
		put_num(b, x, 0);
		first = false;
	}
	return 0;
}

/* MD5 of the full string. */
static int finish(struct fp_buf *b, struct fingerprint *out)
{
	uint8_t d[16];

	ENSURE(b->ok, ERR_LENGTH, "fingerprint: more than %d characters", FP_FULL_MAX - 1);
	TRY(hash_digest(HASH_MD5, (const uint8_t *)out->full, strlen(out->full), d));
	hex_encode(d, sizeof d, out->md5);
	return 0;
}

/* The handshake header of type want, then legacy_version and random. */
static int hello_start(struct cursor *c, const uint8_t *msg, size_t len, uint8_t want, const char *what,
		       uint16_t *version)
{
	uint8_t type;
	uint32_t blen;
	struct cursor body;

	cursor_init(c, msg, len, 0);
	TRY(cursor_u8(c, "msg_type", &type));
	ENSURE(type == want, ERR_VALUE, "%s: handshake type %u", what, type);
	TRY(cursor_u24(c, "length", &blen));
	TRY(cursor_sub(c, what, blen, &body));
	*c = body;
	TRY(cursor_u16(c, "legacy_version", version));
	TRY(cursor_skip(c, "random", 32));
	return 0;
}

/* The extension types of a hello's extensions (if it has any), '-'-joined,
 * GREASE left out; for a ClientHello (g and f given) its supported_groups
 * and ec_point_formats lists into g and f too. */
static int put_exts(struct cursor *c, struct fp_buf *b, struct fp_buf *g, struct fp_buf *f)
{
	struct cursor exts;
	bool first = true;

	if (!cursor_left(c))
		return 0;
	TRY(cursor_vec16(c, "extensions", &exts));
	while (cursor_left(&exts)) {
		uint16_t type;
		struct cursor body;

		TRY(cursor_u16(&exts, "extension_type", &type));
		TRY(cursor_vec16(&exts, "extension_data", &body));
		if (names_is_grease(type))
			continue;
		if (!first)
			put_sep(b, '-');
		put_num(b, type, 0);
		first = false;
		if (g && type == 10) /* supported_groups */
			TRY(put_list(&body, "named_group_list", 2, 2, g));
		else if (f && type == 11) /* ec_point_formats */
			TRY(put_list(&body, "ec_point_format_list", 1, 1, f));
	}
	return 0;
}

int fp_ja3(const uint8_t *msg, size_t len, struct fingerprint *out)
{
	struct cursor c, sid, comp;
	struct fp_buf b = { out->full, 0, sizeof out->full, true };
	uint16_t version;
	char groups[FP_FULL_MAX] = "", formats[256] = "";
	struct fp_buf g = { groups, 0, sizeof groups, true }, f = { formats, 0, sizeof formats, true };

	out->full[0] = '\0';
	TRY(hello_start(&c, msg, len, 1, "ClientHello", &version));
	TRY(cursor_vec8(&c, "legacy_session_id", &sid));
	put_num(&b, version, ',');
	TRY(put_list(&c, "cipher_suites", 2, 2, &b));
	TRY(cursor_vec8(&c, "legacy_compression_methods", &comp));
	put_sep(&b, ',');
	TRY(put_exts(&c, &b, &g, &f));
	put_sep(&b, ',');
	if (b.ok && b.n + g.n + 1 + f.n + 1 <= b.cap && g.ok && f.ok) {
		memcpy(b.s + b.n, groups, g.n);
		b.n += g.n;
		b.s[b.n++] = ',';
		memcpy(b.s + b.n, formats, f.n);
		b.n += f.n;
		b.s[b.n] = '\0';
	} else {
		b.ok = false;
	}
	return finish(&b, out);
}

int fp_ja3s(const uint8_t *msg, size_t len, struct fingerprint *out)
{
	struct cursor c, sid;
	struct fp_buf b = { out->full, 0, sizeof out->full, true };
	uint16_t version, suite;
	uint8_t comp;

	out->full[0] = '\0';
	TRY(hello_start(&c, msg, len, 2, "ServerHello", &version));
	TRY(cursor_vec8(&c, "legacy_session_id", &sid));
	TRY(cursor_u16(&c, "cipher_suite", &suite));
	TRY(cursor_u8(&c, "legacy_compression_method", &comp));
	put_num(&b, version, ',');
	put_num(&b, suite, ',');
	TRY(put_exts(&c, &b, NULL, NULL));
	return finish(&b, out);
}
