/* C: the connection table. One row per connection from the connection
 * table (output/conntab.h: server name, version, suite, bytes, start,
 * duration, whether it decrypted, JA4), sorted by any column (o picks the
 * next, O reverses); enter opens the connection in the panes. Everything from a capture is drawn through draw_str, which
 * shows control bytes as '?'. */
#include "ui.h"

#include "core/err.h"
#include "output/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ui *sort_ui; /* qsort's context (the UI is one thread) */

static const struct conn_row *row_of(const struct ui *u, size_t i)
{
	return conn_table_find(u->ctab, u->conns[i].id);
}

/* The table's columns, left to right, with what o sorts them by: a number
 * (num) or a text (str) of the row; desc: largest first unless reversed. */
struct pcol {
	const char *name, *what; /* header; what the status line says it sorts by */
	int width; /* negative: left-aligned */
	bool desc;
	uint64_t (*num)(const struct ui *u, size_t i, const struct conn_row *r);
	const char *(*str)(const struct conn_row *r);
};

static uint64_t n_conn(const struct ui *u, size_t i, const struct conn_row *r) { (void)r; return u->conns[i].id; }
static uint64_t n_version(const struct ui *u, size_t i, const struct conn_row *r) { (void)u, (void)i; return r->version; }
static uint64_t n_c2s(const struct ui *u, size_t i, const struct conn_row *r) { (void)u, (void)i; return r->bytes[DIR_C2S]; }
static uint64_t n_s2c(const struct ui *u, size_t i, const struct conn_row *r) { (void)u, (void)i; return r->bytes[DIR_S2C]; }
static uint64_t n_start(const struct ui *u, size_t i, const struct conn_row *r) { (void)u, (void)i; return r->t0; }
static uint64_t n_dur(const struct ui *u, size_t i, const struct conn_row *r) { (void)u, (void)i; return r->t1 - r->t0; }
static const char *s_client(const struct conn_row *r) { return r->client; }
static const char *s_sni(const struct conn_row *r) { return r->label[0] ? r->label : r->sni; }
static const char *s_suite(const struct conn_row *r) { return r->suite; }
static const char *s_dec(const struct conn_row *r) { return conn_row_decrypted(r); }
static const char *s_ja4(const struct conn_row *r) { return r->ja4; }

static const struct pcol cols[] = {
	{ "conn", "order seen", -6, false, n_conn, NULL },
	{ "client", "client address", -21, false, NULL, s_client },
	{ "server name", "server name", -22, false, NULL, s_sni },
	{ "version", "version", -7, true, n_version, NULL },
	{ "suite", "suite", -28, false, NULL, s_suite },
	{ "decrypted", "decrypted", -10, false, NULL, s_dec },
	{ "c2s", "bytes client to server", 9, true, n_c2s, NULL },
	{ "s2c", "bytes server to client", 9, true, n_s2c, NULL },
	{ "start s", "start", 9, false, n_start, NULL },
	{ "ms", "duration", 8, true, n_dur, NULL },
	{ "ja4", "JA4", -36, false, NULL, s_ja4 },
};
#define NCOLS (sizeof cols / sizeof cols[0])

static int cmp(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct conn_row *x = row_of(sort_ui, i), *y = row_of(sort_ui, j);
	const struct pcol *k = &cols[sort_ui->picker_sort];
	int c = 0;

	if (!x || !y) /* a connection not in the table yet: last */
		c = !x - !y;
	else if (k->num) {
		uint64_t p = k->num(sort_ui, i, x), q = k->num(sort_ui, j, y);

		c = p < q ? -1 : p > q;
	} else {
		c = strcmp(k->str(x), k->str(y));
	}
	if (x && y && k->desc != sort_ui->picker_rev)
		c = -c;
	return c ? c : i < j ? -1 : i > j;
}

/* The table's order of u->conns; false when out of memory. */
static bool order(struct ui *u)
{
	if (u->nconns > u->picker_order_cap) {
		size_t cap = u->nconns + 64;
		size_t *o = realloc(u->picker_order, cap * sizeof *o);

		if (!o)
			return false;
		u->picker_order = o;
		u->picker_order_cap = cap;
	}
	u->picker_n = 0;
	u->picker_t0 = UINT64_MAX;
	for (size_t i = 0; i < u->nconns; i++) {
		const struct conn_row *r = row_of(u, i);

		if (r && r->packets && r->t0 < u->picker_t0)
			u->picker_t0 = r->t0;

		if (!u->conn_filter || (r && filter_match(u->conn_filter, r)))
			u->picker_order[u->picker_n++] = i;
	}
	sort_ui = u;
	qsort(u->picker_order, u->picker_n, sizeof *u->picker_order, cmp);
	if (u->picker_cur >= (int)u->picker_n)
		u->picker_cur = u->picker_n ? (int)u->picker_n - 1 : 0;
	return true;
}

/* "12.3 kB" */
static void size_text(uint64_t b, char *out, size_t cap)
{
	if (b < 10000)
		snprintf(out, cap, "%llu B", (unsigned long long)b);
	else if (b < 10000000)
		snprintf(out, cap, "%.1f kB", b / 1e3);
	else
		snprintf(out, cap, "%.1f MB", b / 1e6);
}

/* The text of column k of row x (connection i). */
static const char *cell(const struct ui *u, size_t i, const struct conn_row *x, size_t k, char *b, size_t cap)
{
	const struct pcol *c = &cols[k];

	if (c->num == n_conn)
		snprintf(b, cap, "#%u", u->conns[i].id);
	else if (c->num == n_version)
		return conn_row_version(x);
	else if (c->num == n_c2s || c->num == n_s2c)
		size_text(c->num(u, i, x), b, cap);
	else if (c->num == n_start)
		snprintf(b, cap, "%.3f", x->packets && u->picker_t0 != UINT64_MAX ? (x->t0 - u->picker_t0) / 1e6 : 0.0);
	else if (c->num == n_dur)
		snprintf(b, cap, "%.1f", (x->t1 - x->t0) / 1e3);
	else if (c->str == s_sni)
		return x->sni[0] ? x->sni : "-";
	else
		return c->str(x)[0] ? c->str(x) : "-";
	return b;
}

/* The last column that fits in width iw when conn and then the columns from
 * left are shown (at least left). */
static int last_shown(int left, int iw)
{
	int used = 2 + (-cols[0].width) + 1, k;

	for (k = left; k < (int)NCOLS; k++) {
		used += (cols[k].width < 0 ? -cols[k].width : cols[k].width) + 1;
		if (used > iw && k > left)
			break;
	}
	return k - 1;
}

/* Appends s to line at *n, padded or cut to width w (negative: left-aligned). */
static void put_cell(char *line, size_t cap, size_t *n, const char *s, int w)
{
	int aw = w < 0 ? -w : w;
	int k = snprintf(line + *n, cap - *n, w < 0 ? "%-*.*s " : "%*.*s ", aw, aw, s);

	if (k > 0)
		*n += (size_t)k < cap - *n ? (size_t)k : cap - *n - 1;
}

void picker_draw(struct ui *u)
{
	int W = u->cols - 4 < 180 ? u->cols - 4 : 180;
	WINDOW *w = ui_overlay(u, u->nconns < 1000 ? (int)u->nconns + 4 : 1004, W,
			       "Connections (enter opens, o sorts, O reverses, f filters, esc closes)");
	const char *arrow = (cols[u->picker_sort].desc != u->picker_rev) ? (u->ascii ? "v" : "\u2193")
									  : (u->ascii ? "^" : "\u2191");
	char line[600], name[48], more[64] = "";
	size_t n = 2;
	int vis, iw, right;

	if (!w)
		return;
	if (!order(u)) {
		delwin(w);
		return;
	}
	vis = getmaxy(w) - 3;
	iw = getmaxx(w) - 4;
	if (u->picker_cur < u->picker_top)
		u->picker_top = u->picker_cur;
	if (u->picker_cur >= u->picker_top + vis)
		u->picker_top = u->picker_cur - vis + 1;
	/* the columns that fit after conn, from picker_left, moved to keep the sort column in view */
	if (u->picker_left < 1)
		u->picker_left = 1;
	if (u->picker_left > (int)NCOLS - 1)
		u->picker_left = (int)NCOLS - 1;
	if (u->picker_seek && u->picker_sort >= 1 && u->picker_sort < u->picker_left)
		u->picker_left = u->picker_sort;
	while (u->picker_seek && u->picker_sort > u->picker_left && last_shown(u->picker_left, iw) < u->picker_sort)
		u->picker_left++;
	u->picker_seek = false;
	right = last_shown(u->picker_left, iw);
	/* the header, the sort column marked with its direction */
	memcpy(line, "  ", 3);
	for (size_t k = 0; k < NCOLS; k++) {
		if (k && ((int)k < u->picker_left || (int)k > right))
			continue;
		int wk = cols[k].width, extra = (int)k == u->picker_sort ? (int)strlen(arrow) - 1 : 0;

		/* the arrow's bytes beyond its one column widen the field so the columns stay aligned */
		snprintf(name, sizeof name, "%s%s", cols[k].name, (int)k == u->picker_sort ? arrow : "");
		put_cell(line, sizeof line, &n, name, wk < 0 ? wk - extra : wk + extra);
	}
	draw_str(w, 1, 2, iw, line, A_BOLD | A_UNDERLINE);
	if (!u->picker_n)
		draw_str(w, 2, 4, iw - 2, "no connection matches the filter (f changes it)", A_DIM);
	for (int r = 0; r < vis && (size_t)(u->picker_top + r) < u->picker_n; r++) {
		size_t i = u->picker_order[u->picker_top + r];
		const struct uconn *c = &u->conns[i];
		const struct conn_row *x = row_of(u, i);
		char b[48];

		n = 2;
		memcpy(line, c->id == u->conn ? "* " : "  ", 3);
		if (!x) {
			snprintf(line + 2, sizeof line - 2, "%s", c->label);
		} else {
			for (size_t k = 0; k < NCOLS; k++) {
				if (k && ((int)k < u->picker_left || (int)k > right))
					continue;
				if (k == 1 && x->label[0] && right >= 2) {
					/* what the connection is in the story, where the address and name go */
					put_cell(line, sizeof line, &n, x->label,
						 -(-cols[1].width + 1 - cols[2].width));
					k++;
					continue;
				}
				put_cell(line, sizeof line, &n, cell(u, i, x, k, b, sizeof b), cols[k].width);
			}
		}
		draw_str(w, r + 2, 2, iw, line, u->picker_top + r == u->picker_cur ? A_REVERSE : A_NORMAL);
	}
	if (u->picker_left > 1 || right < (int)NCOLS - 1)
		snprintf(more, sizeof more, "; columns %d-%d of %zu, left/right scroll", u->picker_left + 1, right + 1,
			 NCOLS);
	if (u->conn_filter)
		draw_fmt(w, getmaxy(w) - 1, 2, iw, A_BOLD, " %d of %zu matching '%s' (of %zu), sorted by %s%s%s ",
			 u->picker_n ? u->picker_cur + 1 : 0, u->picker_n, u->conn_filter_text, u->nconns,
			 cols[u->picker_sort].what, u->picker_rev ? ", reversed" : "", more);
	else
		draw_fmt(w, getmaxy(w) - 1, 2, iw, A_BOLD, " %d of %zu, sorted by %s%s (o: next column, O: reverse%s) ",
			 u->picker_cur + 1, u->nconns, cols[u->picker_sort].what, u->picker_rev ? ", reversed" : "",
			 more);
	wnoutrefresh(w);
	delwin(w);
}

void picker_key(struct ui *u, int ch)
{
	int last = (int)u->picker_n - 1, page = u->rows > 8 ? u->rows - 7 : 1;

	if (last < 0)
		last = 0;
	if (ch == KEY_DOWN || ch == 'j')
		u->picker_cur = u->picker_cur < last ? u->picker_cur + 1 : last;
	else if ((ch == KEY_UP || ch == 'k') && u->picker_cur > 0)
		u->picker_cur--;
	else if (ch == KEY_NPAGE)
		u->picker_cur = u->picker_cur + page < last ? u->picker_cur + page : last;
	else if (ch == KEY_PPAGE)
		u->picker_cur = u->picker_cur > page ? u->picker_cur - page : 0;
	else if (ch == 'g' || ch == KEY_HOME)
		u->picker_cur = 0;
	else if (ch == KEY_RIGHT || ch == 'l')
		u->picker_left++; /* the draw clamps it */
	else if (ch == KEY_LEFT || ch == 'h')
		u->picker_left--;
	else if (ch == 'G' || ch == KEY_END)
		u->picker_cur = last;
	else if (ch == 'f') {
		u->prompt = PROMPT_FILTER;
		u->input_len = (size_t)snprintf(u->input, sizeof u->input, "%s", u->conn_filter_text);
	} else if (ch == 'o') {
		u->picker_sort = (u->picker_sort + 1) % (int)NCOLS;
		u->picker_rev = false;
		u->picker_seek = true;
		u->picker_cur = u->picker_top = 0;
	} else if (ch == 'O') {
		u->picker_rev = !u->picker_rev;
		u->picker_cur = u->picker_top = 0;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		u->picker = false;
		if (order(u) && (size_t)u->picker_cur < u->picker_n)
			hist_select(u, u->picker_order[u->picker_cur]);
	} else if (ch == 27 || ch == 'q') {
		u->picker = false;
	}
}

void picker_filter_prompt(struct ui *u, int y)
{
	struct filter *f = NULL;
	size_t col = 0;
	int n;
	bool ok;

	err_clear();
	ok = !u->input_len || filter_compile(u->input, &f, &col) == 0;
	filter_free(f);
	n = draw_fmt(stdscr, y, 0, u->cols - 1, A_BOLD, "filter (enter applies, empty: all, esc cancels): ");
	n += draw_fmt(stdscr, y, n, u->cols - 1 - n, draw_attr(u, ok ? R_PLAIN : R_WARN) | A_BOLD, "%s_", u->input);
	if (!ok)
		draw_fmt(stdscr, y, n, u->cols - 1 - n, draw_attr(u, R_WARN), "  %s", err_msg());
}

void picker_filter_apply(struct ui *u)
{
	struct filter *f = NULL;
	size_t col;

	if (u->input_len && filter_compile(u->input, &f, &col) < 0) {
		ui_message(u, "%s (the filter stays '%s')", err_msg(), u->conn_filter_text);
		return;
	}
	filter_free(u->conn_filter);
	u->conn_filter = f;
	memcpy(u->conn_filter_text, f ? u->input : "", f ? sizeof u->conn_filter_text : 1);
	u->picker_cur = u->picker_top = 0;
	ui_message(u, f ? "connections filtered by '%s'" : "%sno filter: every connection", f ? u->input : "");
}
