/* A streaming JSON writer for JSON Lines: values go straight into one large
 * output buffer (no tree, no per-value allocation), written out with few big
 * writes. Compact, members in the order written, ASCII only: every non-ASCII
 * character is a \uXXXX escape (a surrogate pair above U+FFFF), and a byte
 * that is not part of valid UTF-8 becomes U+FFFD, so a string taken from a
 * capture is never dropped and the output is always valid JSON.
 *
 * Usage: jsonw_begin_obj(w); jsonw_key(w, "a"); jsonw_int(w, 1);
 * jsonw_end_obj(w); jsonw_newline(w); ... jsonw_flush(w). Commas are
 * placed by the writer. A write error is sticky: jsonw_failed() says so. */
#ifndef TLSVIZ_JSONW_H
#define TLSVIZ_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSONW_DEPTH 16

struct jsonw {
	FILE *out;
	char *buf;
	size_t len, cap;
	int depth;
	bool need_comma[JSONW_DEPTH];
	bool after_key;
	bool failed;
};

/* A writer on out with a buffer of cap bytes (0: the default, 1 MiB). */
int jsonw_init(struct jsonw *w, FILE *out, size_t cap);
void jsonw_begin_obj(struct jsonw *w);
void jsonw_end_obj(struct jsonw *w);
void jsonw_begin_arr(struct jsonw *w);
void jsonw_end_arr(struct jsonw *w);
/* A member name; the next value is its value. */
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s);
void jsonw_strn(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_uint(struct jsonw *w, unsigned long long v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* A string of lowercase hex digits for n bytes. */
void jsonw_hex(struct jsonw *w, const uint8_t *b, size_t n);
/* End of one JSON Lines record: a newline, and a write when the buffer is
 * mostly full. */
void jsonw_newline(struct jsonw *w);
/* Write out what is buffered; 0, or -1 when any write failed. */
int jsonw_flush(struct jsonw *w);
bool jsonw_failed(const struct jsonw *w);
/* Flush and free the buffer; 0 or -1 as jsonw_flush. */
int jsonw_free(struct jsonw *w);

#endif
