/* Helpers shared by the unit tests (one copy of each; include after the
 * module headers they use). */
#ifndef TLSVIZ_TESTS_TESTLIB_H
#define TLSVIZ_TESTS_TESTLIB_H

#include "core/cursor.h"
#include "tls/fields.h"
#include "tls/handshake.h"

/* Value of the k-th decoded field called name ("" if absent). */
static inline const char *val(const struct fields *fl, const char *name, int k)
{
	int i = -1;

	do {
		i = fields_find(fl, name, (size_t)(i + 1));
	} while (i >= 0 && k-- > 0);
	return i >= 0 && fl->v[i].value ? fl->v[i].value : "";
}

/* Parse one extension list body of context ctx; the rc, fields in fl. */
static inline int parse_exts(const uint8_t *b, size_t n, enum ext_ctx ctx, struct fields *fl,
			     struct hs_info *hi)
{
	struct cursor c;

	fields_reset(fl);
	cursor_init(&c, b, n, 0);
	return ext_parse_list(&c, ctx, 0, fl, hi);
}

#endif
