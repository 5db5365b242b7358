/* Connection filters: a small expression language over the connection
 * table's rows (conntab.h), shared by `replay --connections --filter EXPR`
 * and the TUI's connection table (f).
 *
 *   expr    := and { "or" and }
 *   and     := unary { "and" unary }
 *   unary   := "not" unary | "(" expr ")" | FIELD [ OP VALUE ]
 *   OP      := "==" | "!=" | "<" | ">" | "<=" | ">=" | "contains"
 *   VALUE   := a number, a word, or a "quoted string" (\" and \\ inside)
 *
 * A field alone is true when it is set (resumed, hrr; a text field that is
 * not empty; a number that is not 0). Text compares ignore case; version
 * takes "1.3" as well as "TLS 1.3". The fields are in filter_fields(). */
#ifndef TLSVIZ_OUTPUT_FILTER_H
#define TLSVIZ_OUTPUT_FILTER_H

#include "output/conntab.h"

#include <stdbool.h>
#include <stddef.h>

struct filter;

/* Compile expr. On a syntax error returns ERR_VALUE with err_msg() saying
 * what is wrong, and *col (when not NULL) the 1-based column where parsing
 * stopped. */
int filter_compile(const char *expr, struct filter **out, size_t *col);
bool filter_match(const struct filter *f, const struct conn_row *r);
void filter_free(struct filter *f);
/* The field names, comma-separated, for messages and --help. */
const char *filter_fields(void);

#endif
