/* F: the selected connection's conversation, as `replay --follow` prints
 * it (output/views.h's follow_format_turn, one copy of the format), from the
 * history: the application data records kept, and for a folded run of bulk
 * records a line saying how much it holds and how to see all of it. / finds
 * text in it (as shown: escapes such as \r are text too), n and N go on. */
#include "ui.h"

#include "output/views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONV_TURN (64u << 10) /* bytes of a turn gathered for showing */

struct conv {
	struct ui *u;
	uint8_t *buf;
	size_t len, cap;
	uint64_t total, records;
	enum dir dir;
};

static void add_line(void *arg, const char *text)
{
	struct ui *u = arg;
	char *l;

	if (u->conv_n == u->conv_cap) {
		size_t cap = u->conv_cap ? 2 * u->conv_cap : 256;
		char **a = realloc(u->conv_lines, cap * sizeof *a);

		if (!a)
			return;
		u->conv_lines = a;
		u->conv_cap = cap;
	}
	l = strdup(text);
	if (l)
		u->conv_lines[u->conv_n++] = l;
}

static void flush(struct conv *c)
{
	if (c->records)
		follow_format_turn(c->dir, c->buf, c->len, c->total, c->records, add_line, c->u);
	c->len = 0;
	c->total = c->records = 0;
}

static void conv_clear(struct ui *u)
{
	for (size_t i = 0; i < u->conv_n; i++)
		free(u->conv_lines[i]);
	u->conv_n = 0;
}

/* The lines of the conversation as the view shows it now. */
static void build(struct ui *u)
{
	struct conv c = { .u = u };
	char line[300];

	conv_clear(u);
	for (size_t i = 0; i < u->nev; i++) {
		struct event buf;
		const struct event *e = hist_get(u, i) ? hist_view(u, i, &buf) : NULL;
		const struct hrun *run = e && e->type == EV_UI_RUN ? (const struct hrun *)e : NULL;

		if (run && run->decrypted) {
			flush(&c);
			snprintf(line, sizeof line,
				 "-- %s: %llu more records, %llu bytes, folded (batch --follow %u shows them)",
				 run->ev.dir == DIR_C2S ? "client -> server" : "server -> client",
				 (unsigned long long)run->count, (unsigned long long)run->plain_bytes, (unsigned)u->conn);
			add_line(u, line);
			continue;
		}
		if (!e || e->type != EV_APP_DATA)
			continue;
		if (e->dir != c.dir)
			flush(&c);
		c.dir = e->dir;
		if (c.len < CONV_TURN) {
			size_t take = e->u.app.len < CONV_TURN - c.len ? e->u.app.len : CONV_TURN - c.len;

			if (c.len + take > c.cap) {
				size_t cap = c.cap ? c.cap : 4096;
				uint8_t *b;

				while (cap < c.len + take)
					cap *= 2;
				b = realloc(c.buf, cap);
				if (!b)
					break;
				c.buf = b;
				c.cap = cap;
			}
			memcpy(c.buf + c.len, e->u.app.data, take);
			c.len += take;
		}
		c.total += e->u.app.len;
		c.records++;
	}
	flush(&c);
	free(c.buf);
	if (!u->conv_n)
		add_line(u, u->view == VIEW_EAVESDROPPER
				    ? "An eavesdropper sees no plaintext (e: the insider view)."
				    : "No decrypted application data in this connection yet (without its keys, L loads a key log).");
}

/* Rows of the conversation on screen: the overlay is the screen less the
 * status and bottom lines, less its border. */
static int conv_rows(const struct ui *u)
{
	return u->rows > 5 ? u->rows - 4 : 1;
}

/* Matches are counted in each line from its start, one after the other
 * without overlapping (the next is looked for after the end of the one
 * before), so the count, n and N and the highlighting all see the same ones. */
static const char *conv_match(const char *from, const char *q)
{
	return q[0] ? strcasestr(from, q) : NULL;
}

/* Compares the positions (line a, byte ao) and (line b, byte bo). */
static int pos_cmp(long a, long ao, long b, long bo)
{
	return a != b ? (a < b ? -1 : 1) : ao != bo ? (ao < bo ? -1 : 1) : 0;
}

/* n, N and the / prompt's Enter: see ui.h. */
void conv_search(struct ui *u, const char *query, bool forward)
{
	const char *q = u->conv_query;
	size_t ql;
	long cl, co, total = 0, hit = -1, hit_off = 0, hit_i = 0, first = -1, first_off = 0, last = -1, last_off = 0;
	int vis = conv_rows(u);

	if (query != u->conv_query)
		snprintf(u->conv_query, sizeof u->conv_query, "%s", query);
	ql = strlen(q);
	if (!ql) {
		ui_message(u, "nothing to search for (/ asks)");
		return;
	}
	if (u->conv_hit >= 0 && (size_t)u->conv_hit < u->conv_n) { /* on from the current match */
		cl = u->conv_hit;
		co = u->conv_hit_off;
	} else { /* from the top line shown: forward its first byte counts, backward the lines above it */
		cl = u->conv_top < (int)u->conv_n ? u->conv_top : (long)u->conv_n - 1;
		cl = cl < 0 ? 0 : cl;
		co = forward ? -1 : 0;
	}
	for (size_t i = 0; i < u->conv_n; i++) {
		const char *l = u->conv_lines[i];

		for (const char *m = conv_match(l, q); m; m = conv_match(m + ql, q)) {
			long off = m - l;
			int c = pos_cmp((long)i, off, cl, co);

			total++;
			if (first < 0)
				first = (long)i, first_off = off;
			last = (long)i, last_off = off;
			if (forward ? c > 0 && hit < 0 : c < 0)
				hit = (long)i, hit_off = off, hit_i = total;
		}
	}
	if (!total) {
		u->conv_hit = -1;
		ui_message(u, "'%s' not found in the conversation", q);
		return;
	}
	if (hit < 0) { /* wrapped round: the first (n) or the last (N) */
		hit = forward ? first : last;
		hit_off = forward ? first_off : last_off;
		hit_i = forward ? 1 : total;
	}
	ui_message(u, "match %ld of %ld for '%s'%s (n: next, N: previous)", hit_i, total, q,
		   pos_cmp(hit, hit_off, cl, co) == (forward ? 1 : -1) ? "" : ", search wrapped");
	u->conv_hit = hit;
	u->conv_hit_off = hit_off;
	if (hit < u->conv_top || hit >= u->conv_top + vis)
		u->conv_top = (int)hit - (vis > 8 ? 2 : 0); /* a little of what leads to it; the draw clamps */
}

/* draw_str of bytes [from, to) of l, those before skip left out; the
 * columns drawn. The lines are ASCII (follow_format_turn escapes every
 * other byte), so a byte is a column. */
static int draw_part(WINDOW *w, int y, int x, int end, const char *l, size_t from, size_t to, size_t skip, attr_t a)
{
	if (from < skip)
		from = skip;
	if (from >= to || x >= end)
		return 0;
	return draw_str(w, y, x, to - from < (size_t)(end - x) ? (int)(to - from) : end - x, l + from, a);
}

/* Line l at row y, iw columns from column 2: while a search is on, its
 * matches underlined and the current one (at byte hit of this line, -1:
 * not here) reversed; a current match beyond the right edge is brought
 * into view by starting the line further in, after an ellipsis. */
static void draw_line(struct ui *u, WINDOW *w, int y, int iw, const char *l, long hit, attr_t a)
{
	const char *q = u->conv_hit >= 0 ? u->conv_query : "";
	size_t ql = strlen(q), len = strlen(l), pos = 0, skip = 0;
	int x = 2, end = 2 + iw;

	if (hit > iw / 3 && (size_t)hit + ql > (size_t)iw) {
		skip = (size_t)(hit - iw / 3);
		x += draw_str(w, y, x, end - x, glyph(u, G_ELLIPSIS), a);
	}
	while (pos < len && x < end) {
		const char *m = conv_match(l + pos, q);
		size_t ms = m ? (size_t)(m - l) : len, me = m ? ms + ql : len;

		x += draw_part(w, y, x, end, l, pos, ms, skip, a);
		if (m)
			x += draw_part(w, y, x, end, l, ms, me, skip,
				       a | ((long)ms == hit ? A_REVERSE | A_BOLD : A_UNDERLINE));
		pos = me;
	}
}

void conv_draw(struct ui *u)
{
	WINDOW *w;
	int vis, iw;
	char title[160];

	build(u);
	snprintf(title, sizeof title,
		 "Conversation of connection #%u (j/k, PgUp/PgDn, g/G, / searches, n/N; F or esc closes)",
		 (unsigned)u->conn);
	w = ui_overlay(u, conv_rows(u) + 2, u->cols - 2, title);
	if (!w)
		return;
	vis = getmaxy(w) - 2;
	iw = getmaxx(w) - 4;
	if (u->conv_top > (int)u->conv_n - vis)
		u->conv_top = (int)u->conv_n - vis;
	if (u->conv_top < 0)
		u->conv_top = 0;
	if ((size_t)u->conv_hit >= u->conv_n)
		u->conv_hit = -1; /* the lines changed under it (also: none) */
	for (int r = 0; r < vis && (size_t)(u->conv_top + r) < u->conv_n; r++) {
		const char *l = u->conv_lines[u->conv_top + r];

		draw_line(u, w, r + 1, iw, l, u->conv_hit == u->conv_top + r ? u->conv_hit_off : -1,
			  !strncmp(l, "-- ", 3) ? A_BOLD : A_NORMAL);
	}
	if ((size_t)vis < u->conv_n)
		draw_fmt(w, getmaxy(w) - 1, 2, iw, A_BOLD, " lines %d-%zu of %zu ", u->conv_top + 1,
			 (size_t)(u->conv_top + vis) < u->conv_n ? (size_t)(u->conv_top + vis) : u->conv_n, u->conv_n);
	wnoutrefresh(w);
	delwin(w);
}

void conv_key(struct ui *u, int ch)
{
	int page = u->rows > 6 ? u->rows - 6 : 1;

	switch (ch) {
	case KEY_DOWN: case 'j': u->conv_top++; break;
	case KEY_UP: case 'k': u->conv_top--; break;
	case KEY_NPAGE: case ' ': u->conv_top += page; break;
	case KEY_PPAGE: u->conv_top -= page; break;
	case 'g': case KEY_HOME: u->conv_top = 0; break;
	case 'G': case KEY_END: u->conv_top = INT_MAX / 2; break; /* the draw clamps it */
	case '/':
		u->prompt = PROMPT_SEARCH;
		u->input_len = 0;
		u->input[0] = '\0';
		break;
	case 'n': conv_search(u, u->conv_query, true); break;
	case 'N': conv_search(u, u->conv_query, false); break;
	case 'F': case 'q': case 27:
		u->conv_open = false;
		u->msg[0] = '\0'; /* a match count means nothing once closed */
		conv_clear(u);
		break;
	default: break;
	}
}

void conv_free(struct ui *u)
{
	conv_clear(u);
	free(u->conv_lines);
	u->conv_lines = NULL;
	u->conv_cap = 0;
}
