/* Headless views: the event stream as text for people, or as JSON Lines. */
#ifndef TLSVIZ_VIEWS_H
#define TLSVIZ_VIEWS_H

#include "core/event.h"

#include <stdbool.h>
#include <stdio.h>

struct view_opts {
	bool packets;  /* text: one line per TCP packet too */
	bool hex;      /* text: hex dumps of records */
	enum time_mode time; /* text: stages, records and packets with their time (--time) */
};

/* A sink printing one readable block per stage to out. */
struct sink *view_text_new(FILE *out, const struct view_opts *o);
/* A sink printing one JSON object per event and line to out. */
struct sink *view_json_new(FILE *out);
/* A sink writing each connection's decrypted application data per direction
 * to DIR/conn<N>-<c2s|s2c>.bin (files created 0600). */
struct sink *view_export_new(const char *dir);
struct html_opts {
	const char *title;  /* what the report is of: the capture's name, "live session" */
	bool eavesdropper;  /* the events come through the eavesdropper projection */
};
/* A sink collecting the session; view_close writes it as one self-contained
 * HTML page to path (a temporary name renamed into place, mode 0600). */
struct sink *view_html_new(const char *path, const struct html_opts *o);
/* Nothing to report (the input could not be used): view_close then writes
 * no page. */
void view_html_cancel(struct sink *s);
/* --connections: one row per connection (addresses, server name, ALPN,
 * version, suite, group, resumption, alerts, bytes, packets, time, whether
 * it decrypted, JA3 / JA3S), printed at close as a text table or JSON Lines
 * ("type": "connection_summary"). Keeps no event. */
struct filter;
/* Only the rows filter (output/filter.h; NULL: all) matches are printed. */
struct sink *view_conns_new(FILE *out, bool json, const struct filter *filter);
/* --follow N: connection N's decrypted application data as a conversation
 * of turns (text, or hex for binary; HTTP/1.x summarised), or with json one
 * "turn" object per line with the bytes in hex. */
struct sink *view_follow_new(FILE *out, uint32_t conn, bool json);
/* One turn (dir's n bytes of b, of total in records records) as --follow
 * prints it, line by line to out(arg, line): a header line, then the text
 * (control bytes escaped) or a hex dump. The TUI's follow view uses it too. */
void follow_format_turn(enum dir dir, const uint8_t *b, size_t n, uint64_t total, uint64_t records,
			void (*out)(void *arg, const char *text), void *arg);
/* Flush and free a view made by one of the above; returns 0 or ERR_IO. */
int view_close(struct sink *s);

#endif
