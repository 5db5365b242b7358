/* JA3 / JA3S and JA4 / JA4S (see fingerprint.h), parsed with the bounded cursor. */
#include "tls/fingerprint.h"

#include "core/cursor.h"
#include "core/err.h"
#include "core/hex.h"
#include "keys/keys.h"
#include "tls/names.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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
	hex_encode(d, sizeof d, out->hash);
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

/* Calls fn for each extension of a hello's extensions block (if it has
 * any), GREASE types left out, with the extension's body. */
typedef int (*ext_fn)(void *ctx, uint16_t type, struct cursor *body);

static int each_ext(struct cursor *c, ext_fn fn, void *ctx)
{
	struct cursor exts;

	if (!cursor_left(c))
		return 0;
	TRY(cursor_vec16(c, "extensions", &exts));
	while (cursor_left(&exts)) {
		uint16_t type;
		struct cursor body;

		TRY(cursor_u16(&exts, "extension_type", &type));
		TRY(cursor_vec16(&exts, "extension_data", &body));
		if (!names_is_grease(type))
			TRY(fn(ctx, type, &body));
	}
	return 0;
}

/* JA3: the extension types '-'-joined into b; for a ClientHello (g and f
 * given) its supported_groups and ec_point_formats lists into g and f. */
struct ja3_exts {
	struct fp_buf *b, *g, *f;
	bool first;
};

static int ja3_ext(void *ctx, uint16_t type, struct cursor *body)
{
	struct ja3_exts *x = ctx;

	if (!x->first)
		put_sep(x->b, '-');
	put_num(x->b, type, 0);
	x->first = false;
	if (x->g && type == 10) /* supported_groups */
		TRY(put_list(body, "named_group_list", 2, 2, x->g));
	else if (x->f && type == 11) /* ec_point_formats */
		TRY(put_list(body, "ec_point_format_list", 1, 1, x->f));
	return 0;
}

static int put_exts(struct cursor *c, struct fp_buf *b, struct fp_buf *g, struct fp_buf *f)
{
	struct ja3_exts x = { b, g, f, true };

	return each_ext(c, ja3_ext, &x);
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

/* ---- JA4 / JA4S ---------------------------------------------------------- */

/* The two-character version names of JA4, by protocol version. */
static const struct {
	uint16_t v;
	char name[3];
} ja4_versions[] = {
	{ 0x0304, "13" }, { 0x0303, "12" }, { 0x0302, "11" }, { 0x0301, "10" }, { 0x0300, "s3" },
	{ 0x0002, "s2" }, { 0xfeff, "d1" }, { 0xfefd, "d2" }, { 0xfefc, "d3" },
};

/* Extension types JA4 looks into. */
enum { EXT_SNI = 0x0000, EXT_SIGALGS = 0x000d, EXT_ALPN = 0x0010, EXT_VERSIONS = 0x002b };

/* What JA4 and JA4S take from a hello, GREASE left out. */
struct hello_facts {
	uint16_t ciphers[FP_VALUES_MAX], exts[FP_VALUES_MAX], sigalgs[FP_VALUES_MAX];
	size_t nciphers, nexts, nsigalgs;
	uint16_t version; /* highest supported_versions entry, else legacy_version */
	bool sni;
	const uint8_t *alpn; /* the first ALPN name (NULL: none) */
	uint8_t alpn_len;
};

static int push(uint16_t *list, size_t *n, uint16_t v, const char *what)
{
	if (names_is_grease(v))
		return 0;
	ENSURE(*n < FP_VALUES_MAX, ERR_LENGTH, "fingerprint: more than %d %s", FP_VALUES_MAX, what);
	list[(*n)++] = v;
	return 0;
}

/* A vector of 16-bit values with a length prefix of w bytes, into list. */
static int push_vec(struct cursor *c, int w, const char *field, uint16_t *list, size_t *n)
{
	struct cursor v;

	TRY(w == 1 ? cursor_vec8(c, field, &v) : cursor_vec16(c, field, &v));
	while (cursor_left(&v)) {
		uint16_t x;

		TRY(cursor_u16(&v, field, &x));
		TRY(push(list, n, x, field));
	}
	return 0;
}

/* JA4: one extension of a hello into h (client: a ClientHello's). */
struct ja4_exts {
	struct hello_facts *h;
	bool client;
};

static int ja4_ext(void *ctx, uint16_t type, struct cursor *body)
{
	struct ja4_exts *x = ctx;
	struct hello_facts *h = x->h;

	TRY(push(h->exts, &h->nexts, type, "extensions"));
	if (type == EXT_SNI) {
		h->sni = true;
	} else if (type == EXT_SIGALGS && x->client) {
		TRY(push_vec(body, 2, "supported_signature_algorithms", h->sigalgs, &h->nsigalgs));
	} else if (type == EXT_ALPN && !h->alpn) {
		struct cursor names, name;

		TRY(cursor_vec16(body, "protocol_name_list", &names));
		if (cursor_left(&names)) {
			TRY(cursor_vec8(&names, "ProtocolName", &name));
			h->alpn_len = (uint8_t)cursor_left(&name);
			TRY(cursor_bytes(&name, "ProtocolName", h->alpn_len, &h->alpn));
		}
	} else if (type == EXT_VERSIONS) {
		uint16_t v, best = 0;
		uint16_t list[FP_VALUES_MAX];
		size_t n = 0;

		if (x->client) {
			TRY(push_vec(body, 1, "versions", list, &n));
		} else {
			TRY(cursor_u16(body, "selected_version", &v));
			TRY(push(list, &n, v, "versions"));
		}
		for (size_t i = 0; i < n; i++)
			if (list[i] > best)
				best = list[i];
		if (best)
			h->version = best;
	}
	return 0;
}

static int ja4_exts(struct cursor *c, bool client, struct hello_facts *h)
{
	struct ja4_exts x = { h, client };

	return each_ext(c, ja4_ext, &x);
}

static const char *ja4_version(uint16_t v)
{
	for (size_t i = 0; i < sizeof ja4_versions / sizeof ja4_versions[0]; i++)
		if (ja4_versions[i].v == v)
			return ja4_versions[i].name;
	return "00";
}

static bool alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The ALPN part: first and last character of the first name, "00" without
 * one, the first and last hex digit when either end is not alphanumeric. */
static void ja4_alpn(const struct hello_facts *h, char out[3])
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *a = h->alpn;
	size_t n = h->alpn_len;

	if (!a || !n) {
		memcpy(out, "00", 3);
	} else if (alnum(a[0]) && alnum(a[n - 1])) {
		out[0] = (char)a[0];
		out[1] = (char)a[n - 1];
	} else {
		out[0] = hex[a[0] >> 4];
		out[1] = hex[a[n - 1] & 15];
	}
	out[2] = '\0';
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/* list as 4-digit hex, ','-joined, appended to b; skip0 and skip1 left out. */
static void put_hex_list(struct fp_buf *b, const uint16_t *list, size_t n, int skip0, int skip1)
{
	bool first = true;

	for (size_t i = 0; i < n && b->ok; i++) {
		int w;

		if (list[i] == skip0 || list[i] == skip1)
			continue;
		w = snprintf(b->s + b->n, b->cap - b->n, first ? "%04x" : ",%04x", list[i]);
		if (w < 0 || (size_t)w >= b->cap - b->n)
			b->ok = false;
		else
			b->n += (size_t)w;
		first = false;
	}
}

/* The first 12 hex digits of SHA-256 of s[0..n), "000000000000" when n is 0. */
static int ja4_hash12(const char *s, size_t n, char out[13])
{
	uint8_t d[32];
	char h[65];

	if (!n) {
		memcpy(out, "000000000000", 13);
		return 0;
	}
	TRY(hash_digest(HASH_SHA256, (const uint8_t *)s, n, d));
	hex_encode(d, sizeof d, h);
	memcpy(out, h, 12);
	out[12] = '\0';
	return 0;
}

/* Appends a fixed string to b. */
static void put_str(struct fp_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->ok && b->n + n < b->cap) {
		memcpy(b->s + b->n, s, n + 1);
		b->n += n;
	} else {
		b->ok = false;
	}
}

int fp_ja4(const uint8_t *msg, size_t len, struct fingerprint *out)
{
	struct cursor c, sid, comp;
	struct hello_facts *h = calloc(1, sizeof *h);
	struct fp_buf b = { out->full, 0, sizeof out->full, true };
	char alpn[3], hc[13], he[13], a[16];
	size_t at_c, at_e;
	int rc;

	out->full[0] = out->hash[0] = '\0';
	ENSURE(h, ERR_NOMEM, "fingerprint: out of memory");
	TRY_GOTO(hello_start(&c, msg, len, 1, "ClientHello", &h->version));
	TRY_GOTO(cursor_vec8(&c, "legacy_session_id", &sid));
	TRY_GOTO(push_vec(&c, 2, "cipher_suites", h->ciphers, &h->nciphers));
	TRY_GOTO(cursor_vec8(&c, "legacy_compression_methods", &comp));
	TRY_GOTO(ja4_exts(&c, true, h));
	ja4_alpn(h, alpn);
	snprintf(a, sizeof a, "t%s%c%02zu%02zu%s", ja4_version(h->version), h->sni ? 'd' : 'i',
		 h->nciphers > 99 ? 99 : h->nciphers, h->nexts > 99 ? 99 : h->nexts, alpn);
	qsort(h->ciphers, h->nciphers, sizeof h->ciphers[0], cmp_u16);
	qsort(h->exts, h->nexts, sizeof h->exts[0], cmp_u16);
	/* raw form first; the hashed parts are its middle and its end */
	put_str(&b, a);
	put_str(&b, "_");
	at_c = b.n;
	put_hex_list(&b, h->ciphers, h->nciphers, -1, -1);
	put_str(&b, "_");
	at_e = b.n;
	put_hex_list(&b, h->exts, h->nexts, EXT_SNI, EXT_ALPN);
	if (h->nsigalgs && b.n > at_e) {
		put_str(&b, "_");
		put_hex_list(&b, h->sigalgs, h->nsigalgs, -1, -1);
	}
	ENSURE_GOTO(b.ok, ERR_LENGTH, "fingerprint: more than %d characters", FP_FULL_MAX - 1);
	TRY_GOTO(ja4_hash12(out->full + at_c, at_e - 1 - at_c, hc));
	TRY_GOTO(ja4_hash12(out->full + at_e, b.n - at_e, he));
	snprintf(out->hash, sizeof out->hash, "%s_%s_%s", a, hc, he);
	rc = 0;
out:
	free(h);
	return rc;
}

int fp_ja4s(const uint8_t *msg, size_t len, struct fingerprint *out)
{
	struct cursor c, sid;
	struct hello_facts *h = calloc(1, sizeof *h);
	struct fp_buf b = { out->full, 0, sizeof out->full, true };
	char alpn[3], he[13], a[32];
	uint16_t suite;
	uint8_t comp;
	size_t at_e;
	int rc;

	out->full[0] = out->hash[0] = '\0';
	ENSURE(h, ERR_NOMEM, "fingerprint: out of memory");
	TRY_GOTO(hello_start(&c, msg, len, 2, "ServerHello", &h->version));
	TRY_GOTO(cursor_vec8(&c, "legacy_session_id", &sid));
	TRY_GOTO(cursor_u16(&c, "cipher_suite", &suite));
	TRY_GOTO(cursor_u8(&c, "legacy_compression_method", &comp));
	TRY_GOTO(ja4_exts(&c, false, h));
	ja4_alpn(h, alpn);
	snprintf(a, sizeof a, "t%s%02zu%s_%04x_", ja4_version(h->version), h->nexts > 99 ? 99 : h->nexts, alpn,
		 suite);
	put_str(&b, a);
	at_e = b.n;
	put_hex_list(&b, h->exts, h->nexts, -1, -1);
	ENSURE_GOTO(b.ok, ERR_LENGTH, "fingerprint: more than %d characters", FP_FULL_MAX - 1);
	TRY_GOTO(ja4_hash12(out->full + at_e, b.n - at_e, he));
	snprintf(out->hash, sizeof out->hash, "%s%s", a, he);
	rc = 0;
out:
	free(h);
	return rc;
}
