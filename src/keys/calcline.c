/* Building `tlsviz calc` lines (see calcline.h). */
#include "keys/calcline.h"

#include "core/err.h"
#include "core/hex.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *calc_hash_name(enum hash_kind h)
{
	switch (h) {
	case HASH_SHA256: return "sha256";
	case HASH_SHA384: return "sha384";
	default: return NULL;
	}
}

/* Append s to buf (length *n); false once it does not fit. */
static bool put(char *buf, size_t cap, size_t *n, const char *s, size_t len)
{
	if (*n + len + 1 > cap)
		return false;
	memcpy(buf + *n, s, len);
	*n += len;
	buf[*n] = '\0';
	return true;
}

/* A word as the shell reads it: bare when it is made of safe characters,
 * else in single quotes ('' for the empty word). */
static bool put_word(char *buf, size_t cap, size_t *n, const char *s, bool quote_always)
{
	bool bare = *s && !quote_always;

	for (const char *p = s; *p && bare; p++)
		bare = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		       strchr("-_.:/+=", *p);
	if (bare)
		return put(buf, cap, n, s, strlen(s));
	if (!put(buf, cap, n, "'", 1))
		return false;
	for (const char *p = s; *p; p++)
		if (!(*p == '\'' ? put(buf, cap, n, "'\\''", 4) : put(buf, cap, n, p, 1)))
			return false;
	return put(buf, cap, n, "'", 1);
}

static bool put_hex(char *buf, size_t cap, size_t *n, const uint8_t *p, size_t len)
{
	if (!len)
		return put(buf, cap, n, "''", 2);
	if (*n + 2 * len + 1 > cap)
		return false;
	hex_encode(p, len, buf + *n);
	*n += 2 * len;
	return true;
}

int calc_line(char *buf, size_t cap, const char *op, enum hash_kind h, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;
	bool ok;
	char num[24];

	if (!cap)
		return err_set(ERR_NOMEM, "calc line: no room");
	buf[0] = '\0';
	ok = put(buf, cap, &n, "tlsviz calc ", 12) && put(buf, cap, &n, op, strlen(op));
	va_start(ap, fmt);
	for (const char *f = fmt; ok && *f; f++) {
		ok = put(buf, cap, &n, " ", 1);
		if (!ok)
			break;
		switch (*f) {
		case 'x': {
			const uint8_t *p = va_arg(ap, const uint8_t *);
			size_t len = va_arg(ap, size_t);

			ok = put_hex(buf, cap, &n, p, len);
			break;
		}
		case 's':
			ok = put_word(buf, cap, &n, va_arg(ap, const char *), true);
			break;
		case 'w':
			ok = put_word(buf, cap, &n, va_arg(ap, const char *), false);
			break;
		case 'u':
			snprintf(num, sizeof num, "%zu", va_arg(ap, size_t));
			ok = put(buf, cap, &n, num, strlen(num));
			break;
		default:
			ok = false;
		}
	}
	va_end(ap);
	if (ok && h != HASH_NONE && h != HASH_SHA256) {
		const char *hn = calc_hash_name(h);

		ok = hn && put(buf, cap, &n, " --hash ", 8) && put(buf, cap, &n, hn, strlen(hn));
	}
	if (!ok) {
		buf[0] = '\0';
		return err_set(ERR_NOMEM, "calc line for %s does not fit in %zu bytes", op, cap);
	}
	return (int)n;
}

int calc_line_slice(char *buf, size_t cap, size_t off, size_t len)
{
	size_t n = strlen(buf);
	int w = snprintf(buf + n, cap - n, " --slice %zu:%zu", off, len);

	if (w < 0 || (size_t)w >= cap - n) {
		buf[0] = '\0';
		return err_set(ERR_NOMEM, "calc line: no room for --slice");
	}
	return (int)(n + (size_t)w);
}
