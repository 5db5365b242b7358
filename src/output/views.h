/* Headless views: the event stream as text for people, or as JSON Lines. */
#ifndef TLSVIZ_VIEWS_H
#define TLSVIZ_VIEWS_H

#include "core/event.h"

#include <stdbool.h>
#include <stdio.h>

struct view_opts {
	bool packets;  /* text: one line per TCP packet too */
	bool hex;      /* text: hex dumps of records */
};

/* A sink printing one readable block per stage to out. */
struct sink *view_text_new(FILE *out, const struct view_opts *o);
/* A sink printing one JSON object per event and line to out. */
struct sink *view_json_new(FILE *out);
/* A sink writing each connection's decrypted application data per direction
 * to DIR/conn<N>-<c2s|s2c>.bin (files created 0600). */
struct sink *view_export_new(const char *dir);
/* Flush and free a view made by one of the above; returns 0 or ERR_IO. */
int view_close(struct sink *s);

#endif
