/* Field-list builder for EV_HANDSHAKE: a flat pre-order list of fields with
 * depth, a static name, a formatted value and the offset/length inside the
 * message bytes. Values are owned by the list; the list is capped so a
 * hostile message cannot make it grow without bound. */
#ifndef TLSVIZ_TLS_FIELDS_H
#define TLSVIZ_TLS_FIELDS_H

#include "core/event.h"

#include <stddef.h>
#include <stdint.h>

#define FIELDS_MAX 8192
/* Byte strings longer than this are shown as a prefix plus the length. */
#define FIELDS_HEX_FULL 128

struct fields {
	struct field *v;
	size_t n, cap;
	bool truncated; /* FIELDS_MAX reached: later fields were dropped */
};

void fields_init(struct fields *f);
/* Forget all fields (keeps the allocation). */
void fields_reset(struct fields *f);
void fields_free(struct fields *f);
/* Append a field; fmt NULL gives a group with no value. Returns its index, or
 * -1 when the cap is hit or memory ran out (callers need not check). */
int fields_add(struct fields *f, int depth, const char *name, uint64_t off,
	       uint64_t len, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Append a field whose value is the hex of b[0..n). */
int fields_hex(struct fields *f, int depth, const char *name, uint64_t off,
	       const uint8_t *b, size_t n);
/* Append a field whose value is b[0..n) as a quoted string, non-printable
 * bytes escaped as \xNN. */
int fields_str(struct fields *f, int depth, const char *name, uint64_t off,
	       const uint8_t *b, size_t n);
/* Set the length of field idx so it ends at end_off (for groups). */
void fields_close(struct fields *f, int idx, uint64_t end_off);
/* Replace the value of field idx. */
void fields_set_value(struct fields *f, int idx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Index of the first field called name at or after index from, or -1. */
int fields_find(const struct fields *f, const char *name, size_t from);

#endif
