/* Field-list builder: owned values, bounded count. */
#include "tls/fields.h"

#include "core/hex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Start an empty list. */
void fields_init(struct fields *f)
{
	memset(f, 0, sizeof *f);
}

/* Free the values and forget the fields. */
void fields_reset(struct fields *f)
{
	for (size_t i = 0; i < f->n; i++)
		free((void *)f->v[i].value);
	f->n = 0;
	f->truncated = false;
}

/* Release everything. */
void fields_free(struct fields *f)
{
	fields_reset(f);
	free(f->v);
	f->v = NULL;
	f->cap = 0;
}

/* Make room for one more field. */
static int fields_grow(struct fields *f)
{
	struct field *nv;
	size_t ncap;

	if (f->n >= FIELDS_MAX) {
		f->truncated = true;
		return -1;
	}
	if (f->n < f->cap)
		return 0;
	ncap = f->cap ? f->cap * 2 : 64;
	if (ncap > FIELDS_MAX)
		ncap = FIELDS_MAX;
	nv = realloc(f->v, ncap * sizeof *nv);
	if (!nv)
		return -1;
	f->v = nv;
	f->cap = ncap;
	return 0;
}

/* Append one field with an already-built value (taken over). */
static int fields_push(struct fields *f, int depth, const char *name,
		       uint64_t off, uint64_t len, char *value)
{
	struct field *e;

	if (fields_grow(f) < 0) {
		free(value);
		return -1;
	}
	e = &f->v[f->n];
	e->depth = (uint8_t)(depth < 0 ? 0 : depth > 255 ? 255 : depth);
	e->name = name;
	e->value = value;
	e->off = (uint32_t)off;
	e->len = (uint32_t)len;
	return (int)f->n++;
}

/* Append a field with a printf-formatted value. */
int fields_add(struct fields *f, int depth, const char *name, uint64_t off,
	       uint64_t len, const char *fmt, ...)
{
	char *value = NULL;
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&value, fmt, ap) < 0)
			value = NULL;
		va_end(ap);
	}
	return fields_push(f, depth, name, off, len, value);
}

/* Append a field showing bytes as hex (a prefix when long). */
int fields_hex(struct fields *f, int depth, const char *name, uint64_t off,
	       const uint8_t *b, size_t n)
{
	size_t shown = n > FIELDS_HEX_FULL ? 32 : n;
	char *value = malloc(2 * shown + 48);

	if (value) {
		hex_encode(b, shown, value);
		if (shown < n)
			snprintf(value + 2 * shown, 48, "... (%zu bytes)", n);
		else if (n == 0)
			strcpy(value, "(empty)");
	}
	return fields_push(f, depth, name, off, n, value);
}

/* Fix a group's length once its end is known. */
void fields_close(struct fields *f, int idx, uint64_t end_off)
{
	if (idx < 0 || (size_t)idx >= f->n)
		return;
	if (end_off >= f->v[idx].off)
		f->v[idx].len = (uint32_t)(end_off - f->v[idx].off);
}

/* Replace a field's value. */
void fields_set_value(struct fields *f, int idx, const char *fmt, ...)
{
	char *value = NULL;
	va_list ap;

	if (idx < 0 || (size_t)idx >= f->n)
		return;
	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) < 0)
		value = NULL;
	va_end(ap);
	free((void *)f->v[idx].value);
	f->v[idx].value = value;
}

/* Find a field by name. */
int fields_find(const struct fields *f, const char *name, size_t from)
{
	for (size_t i = from; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Append a field showing bytes as an escaped, quoted string. */
int fields_str(struct fields *f, int depth, const char *name, uint64_t off,
	       const uint8_t *b, size_t n)
{
	size_t shown = n > 256 ? 256 : n;
	char *value = malloc(4 * shown + 48);
	size_t k = 0;

	if (value) {
		value[k++] = '"';
		for (size_t i = 0; i < shown; i++) {
			if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '"' && b[i] != '\\')
				value[k++] = (char)b[i];
			else
				k += (size_t)sprintf(value + k, "\\x%02x", b[i]);
		}
		value[k++] = '"';
		value[k] = '\0';
		if (shown < n)
			snprintf(value + k, 40, "... (%zu bytes)", n);
	}
	return fields_push(f, depth, name, off, n, value);
}
