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

/* Draws line l at row y of w, the first match of q shown reversed. */
static void draw_hit_line(WINDOW *w, int y, int iw, const char *l, const char *q, attr_t a)
{
	const char *m = strcasestr(l, q);
	size_t ql = strlen(q);
	char part[1024];
	int x = 2;

	if (!m || !ql || (size_t)(m - l) >= sizeof part) {
		draw_str(w, y, 2, iw, l, a);
		return;
	}
	snprintf(part, sizeof part, "%.*s", (int)(m - l), l);
	x += draw_str(w, y, x, iw, part, a);
	snprintf(part, sizeof part, "%.*s", (int)ql, m);
	x += draw_str(w, y, x, iw - (x - 2), part, a | A_REVERSE | A_BOLD);
	draw_str(w, y, x, iw - (x - 2), m + ql, a);
}

void conv_search(struct ui *u, const char *query, bool forward)
{
	long n = (long)u->conv_n, start = u->conv_hit, at = -1, idx = 0, total = 0;
	bool wrapped = false;

	if (query != u->conv_query)
		snprintf(u->conv_query, sizeof u->conv_query, "%s", query);
	if (!u->conv_query[0]) {
		ui_message(u, "nothing to search for (/ asks)");
		return;
	}
	for (long k = 1, base = start >= 0 ? start : forward ? -1 : 0; k <= n && at < 0; k++) {
		long i = ((base + (forward ? k : -k)) % n + n) % n;

		if (strcasestr(u->conv_lines[i], u->conv_query)) {
			at = i;
			wrapped = start >= 0 && (forward ? i <= start : i >= start);
		}
	}
	if (at < 0) {
		u->conv_hit = -1;
		ui_message(u, "'%s' not found in the conversation", u->conv_query);
		return;
	}
	for (long i = 0; i < n; i++)
		if (strcasestr(u->conv_lines[i], u->conv_query)) {
			total++;
			if (i <= at)
				idx++;
		}
	u->conv_hit = at;
	u->conv_top = (int)at - 2; /* the draw clamps it */
	ui_message(u, "match %ld of %ld for '%s'%s (n: next, N: previous)", idx, total, u->conv_query,
		   wrapped ? ", search wrapped" : "");
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
	w = ui_overlay(u, u->rows - 2, u->cols - 2, title);
	if (!w)
		return;
	vis = getmaxy(w) - 2;
	iw = getmaxx(w) - 4;
	if (u->conv_top > (int)u->conv_n - vis)
		u->conv_top = (int)u->conv_n - vis;
	if (u->conv_top < 0)
		u->conv_top = 0;
	for (int r = 0; r < vis && (size_t)(u->conv_top + r) < u->conv_n; r++) {
		const char *l = u->conv_lines[u->conv_top + r];
		attr_t a = !strncmp(l, "-- ", 3) ? A_BOLD : A_NORMAL;

		if (u->conv_hit == u->conv_top + r)
			draw_hit_line(w, r + 1, iw, l, u->conv_query, a);
		else if (u->conv_query[0] && strcasestr(l, u->conv_query))
			draw_str(w, r + 1, 2, iw, l, a | A_UNDERLINE);
		else
			draw_str(w, r + 1, 2, iw, l, a);
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
