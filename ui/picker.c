/* C: the connection table. One row per connection from the connection
 * table (output/conntab.h: server name, version, suite, bytes, duration,
 * whether it decrypted, JA3), sortable with o; enter opens the connection in
 * the panes. Everything from a capture is drawn through draw_str, which
 * shows control bytes as '?'. */
#include "ui.h"

#include "core/err.h"
#include "output/filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sort orders o cycles through. */
enum { SORT_SEEN = 0, SORT_SNI, SORT_BYTES, SORT_DURATION, SORT_DECRYPTED, SORT_N };
static const char *const sort_name[SORT_N] = { "order seen", "server name", "bytes", "duration", "decrypted" };

static const struct ui *sort_ui; /* qsort's context (the UI is one thread) */

static const struct conn_row *row_of(const struct ui *u, size_t i)
{
	return conn_table_find(u->ctab, u->conns[i].id);
}

static uint64_t total(const struct conn_row *r)
{
	return r ? r->bytes[DIR_C2S] + r->bytes[DIR_S2C] : 0;
}

static int cmp(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct conn_row *x = row_of(sort_ui, i), *y = row_of(sort_ui, j);
	int c = 0;

	switch (sort_ui->picker_sort) {
	case SORT_SNI:
		c = strcmp(x ? x->sni : "", y ? y->sni : "");
		break;
	case SORT_BYTES: /* largest first */
		c = total(y) > total(x) ? 1 : total(y) < total(x) ? -1 : 0;
		break;
	case SORT_DURATION: {
		uint64_t dx = x ? x->t1 - x->t0 : 0, dy = y ? y->t1 - y->t0 : 0;

		c = dy > dx ? 1 : dy < dx ? -1 : 0;
		break;
	}
	case SORT_DECRYPTED:
		c = strcmp(x ? conn_row_decrypted(x) : "", y ? conn_row_decrypted(y) : "");
		break;
	default:
		break;
	}
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
	for (size_t i = 0; i < u->nconns; i++) {
		const struct conn_row *r = row_of(u, i);

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

void picker_draw(struct ui *u)
{
	int W = u->cols - 4 < 170 ? u->cols - 4 : 170;
	WINDOW *w = ui_overlay(u, u->nconns < 1000 ? (int)u->nconns + 4 : 1004, W,
			       "Connections (enter opens, o sorts, f filters, esc closes)");
	int vis, iw;

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
	draw_fmt(w, 1, 2, iw, A_BOLD | A_UNDERLINE, "  %-6s %-21s %-22s %-7s %-28s %-10s %9s %9s %8s %s", "conn",
		 "client", "server name", "version", "suite", "decrypted", "c2s", "s2c", "ms", "ja3");
	if (!u->picker_n)
		draw_str(w, 2, 4, iw - 2, "no connection matches the filter (f changes it)", A_DIM);
	for (int r = 0; r < vis && (size_t)(u->picker_top + r) < u->picker_n; r++) {
		size_t i = u->picker_order[u->picker_top + r];
		const struct uconn *c = &u->conns[i];
		const struct conn_row *x = row_of(u, i);
		char line[512], a[24], b[24];

		if (!x) {
			snprintf(line, sizeof line, "%s%s", c->id == u->conn ? "* " : "  ", c->label);
		} else if (x->label[0]) {
			/* what the connection is in the story, where the address and name go */
			char id[16];
			int idw = snprintf(id, sizeof id, "#%u ", c->id);

			size_text(x->bytes[DIR_C2S], a, sizeof a);
			size_text(x->bytes[DIR_S2C], b, sizeof b);
			snprintf(line, sizeof line, "%s%s%-*.*s %-7s %-28.28s %-10s %9s %9s %8.1f %s",
				 c->id == u->conn ? "* " : "  ", id, 52 - idw, 52 - idw, x->label, conn_row_version(x),
				 x->suite[0] ? x->suite : "-", conn_row_decrypted(x), a, b, (x->t1 - x->t0) / 1e3,
				 x->have_ch ? x->ja3 : "-");
		} else {
			size_text(x->bytes[DIR_C2S], a, sizeof a);
			size_text(x->bytes[DIR_S2C], b, sizeof b);
			snprintf(line, sizeof line, "%s#%-5u %-21.21s %-22.22s %-7s %-28.28s %-10s %9s %9s %8.1f %s",
				 c->id == u->conn ? "* " : "  ", c->id, x->client, x->sni[0] ? x->sni : "-",
				 conn_row_version(x), x->suite[0] ? x->suite : "-", conn_row_decrypted(x), a, b,
				 (x->t1 - x->t0) / 1e3, x->have_ch ? x->ja3 : "-");
		}
		draw_str(w, r + 2, 2, iw, line, u->picker_top + r == u->picker_cur ? A_REVERSE : A_NORMAL);
	}
	if (u->conn_filter)
		draw_fmt(w, getmaxy(w) - 1, 2, iw, A_BOLD, " %d of %zu matching '%s' (of %zu), sorted by %s ",
			 u->picker_n ? u->picker_cur + 1 : 0, u->picker_n, u->conn_filter_text, u->nconns,
			 sort_name[u->picker_sort]);
	else
		draw_fmt(w, getmaxy(w) - 1, 2, iw, A_BOLD, " %d of %zu, sorted by %s (o: next; g/G, PgUp/PgDn) ",
			 u->picker_cur + 1, u->nconns, sort_name[u->picker_sort]);
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
	else if (ch == 'G' || ch == KEY_END)
		u->picker_cur = last;
	else if (ch == 'f') {
		u->prompt = PROMPT_FILTER;
		u->input_len = (size_t)snprintf(u->input, sizeof u->input, "%s", u->conn_filter_text);
	} else if (ch == 'o') {
		u->picker_sort = (u->picker_sort + 1) % SORT_N;
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
