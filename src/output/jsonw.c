/* Streaming JSON writer (see jsonw.h). */
#include "output/jsonw.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define JSONW_DEFAULT_CAP ((size_t)1 << 20)
#define JSONW_SLACK 64 /* room kept for one escape, number or literal */

static const char hexdig[] = "0123456789abcdef";
static const char HEXDIG[] = "0123456789ABCDEF";

int jsonw_init(struct jsonw *w, FILE *out, size_t cap)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->cap = cap ? cap : JSONW_DEFAULT_CAP;
	ENSURE(w->cap >= 4 * JSONW_SLACK, ERR_VALUE, "JSON writer: buffer of %zu bytes is too small", w->cap);
	w->buf = malloc(w->cap);
	ENSURE(w->buf, ERR_NOMEM, "JSON writer: out of memory");
	return 0;
}

int jsonw_flush(struct jsonw *w)
{
	if (w->len && !w->failed && fwrite(w->buf, 1, w->len, w->out) != w->len)
		w->failed = true;
	w->len = 0;
	return w->failed ? -1 : 0;
}

bool jsonw_failed(const struct jsonw *w)
{
	return w->failed;
}

int jsonw_free(struct jsonw *w)
{
	int rc = 0;

	if (w->buf) {
		rc = jsonw_flush(w);
		if (fflush(w->out) != 0)
			rc = -1;
	}
	free(w->buf);
	w->buf = NULL;
	return rc;
}

/* Room for n more bytes (n <= JSONW_SLACK or the buffer's size). */
static inline void room(struct jsonw *w, size_t n)
{
	if (w->cap - w->len < n)
		jsonw_flush(w);
}

static inline void put(struct jsonw *w, const char *s, size_t n)
{
	while (n) {
		size_t k;

		room(w, 1);
		k = w->cap - w->len < n ? w->cap - w->len : n;
		memcpy(w->buf + w->len, s, k);
		w->len += k;
		s += k;
		n -= k;
	}
}

/* The comma before a value or member, unless it is a member's value. */
static void sep(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth > 0 && w->depth <= JSONW_DEPTH) {
		if (w->need_comma[w->depth - 1]) {
			room(w, 1);
			w->buf[w->len++] = ',';
		}
		w->need_comma[w->depth - 1] = true;
	}
}

static void open_(struct jsonw *w, char c)
{
	sep(w);
	room(w, 1);
	w->buf[w->len++] = c;
	if (w->depth < JSONW_DEPTH)
		w->need_comma[w->depth] = false;
	w->depth++;
}

static void close_(struct jsonw *w, char c)
{
	room(w, 1);
	w->buf[w->len++] = c;
	if (w->depth > 0)
		w->depth--;
}

void jsonw_begin_obj(struct jsonw *w) { open_(w, '{'); }
void jsonw_end_obj(struct jsonw *w) { close_(w, '}'); }
void jsonw_begin_arr(struct jsonw *w) { open_(w, '['); }
void jsonw_end_arr(struct jsonw *w) { close_(w, ']'); }

/* \uXXXX for one UTF-16 unit. */
static void put_u(struct jsonw *w, unsigned v)
{
	char *p;

	room(w, 6);
	p = w->buf + w->len;
	p[0] = '\\';
	p[1] = 'u';
	p[2] = HEXDIG[v >> 12 & 15];
	p[3] = HEXDIG[v >> 8 & 15];
	p[4] = HEXDIG[v >> 4 & 15];
	p[5] = HEXDIG[v & 15];
	w->len += 6;
}

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when the byte there does not start one (RFC 3629 4). */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0; /* no overlong forms */
		else if (c == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		unsigned b = s[i];

		if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf))
			return 0;
		*cp = *cp << 6 | (b & 0x3f);
	}
	return len;
}

void jsonw_strn(struct jsonw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	sep(w);
	room(w, 1);
	w->buf[w->len++] = '"';
	while (i < n) {
		size_t run = i;
		unsigned c, cp;
		size_t len;

		while (run < n && s[run] >= 0x20 && s[run] < 0x80 && s[run] != '"' && s[run] != '\\')
			run++;
		if (run > i) {
			put(w, (const char *)s + i, run - i);
			i = run;
			continue;
		}
		c = s[i];
		if (c < 0x80) {
			const char *e = NULL;

			switch (c) {
			case '"': e = "\\\""; break;
			case '\\': e = "\\\\"; break;
			case '\b': e = "\\b"; break;
			case '\f': e = "\\f"; break;
			case '\n': e = "\\n"; break;
			case '\r': e = "\\r"; break;
			case '\t': e = "\\t"; break;
			}
			if (e)
				put(w, e, 2);
			else
				put_u(w, c);
			i++;
			continue;
		}
		len = utf8_seq(s + i, n - i, &cp);
		if (!len) {
			put_u(w, 0xfffd); /* not UTF-8: the replacement character */
			i++;
		} else if (cp >= 0x10000) {
			put_u(w, 0xd800 + ((cp - 0x10000) >> 10));
			put_u(w, 0xdc00 + ((cp - 0x10000) & 0x3ff));
			i += len;
		} else {
			put_u(w, cp);
			i += len;
		}
	}
	room(w, 1);
	w->buf[w->len++] = '"';
}

void jsonw_str(struct jsonw *w, const char *s)
{
	if (!s)
		jsonw_null(w);
	else
		jsonw_strn(w, s, strlen(s));
}

void jsonw_key(struct jsonw *w, const char *key)
{
	jsonw_str(w, key);
	room(w, 1);
	w->buf[w->len++] = ':';
	w->after_key = true;
}

void jsonw_int(struct jsonw *w, long long v)
{
	sep(w);
	room(w, 24);
	w->len += (size_t)snprintf(w->buf + w->len, 24, "%lld", v);
}

void jsonw_uint(struct jsonw *w, unsigned long long v)
{
	char tmp[24];
	size_t k = sizeof tmp;

	do {
		tmp[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sep(w);
	put(w, tmp + k, sizeof tmp - k);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	sep(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(struct jsonw *w)
{
	sep(w);
	put(w, "null", 4);
}

void jsonw_hex(struct jsonw *w, const uint8_t *b, size_t n)
{
	sep(w);
	room(w, 1);
	w->buf[w->len++] = '"';
	while (n) {
		size_t k;
		char *p;

		room(w, 2);
		k = (w->cap - w->len) / 2;
		if (k > n)
			k = n;
		p = w->buf + w->len;
		for (size_t i = 0; i < k; i++) {
			p[2 * i] = hexdig[b[i] >> 4];
			p[2 * i + 1] = hexdig[b[i] & 15];
		}
		w->len += 2 * k;
		b += k;
		n -= k;
	}
	room(w, 1);
	w->buf[w->len++] = '"';
}

void jsonw_newline(struct jsonw *w)
{
	room(w, 1);
	w->buf[w->len++] = '\n';
	w->depth = 0;
	w->after_key = false;
	if (w->len > w->cap - w->cap / 4)
		jsonw_flush(w);
}
