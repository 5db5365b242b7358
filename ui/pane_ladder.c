/* Stages pane: a client <-> server ladder, one arrow per stage (flight) with
 * its packets, records and messages under it; the current stage stands out,
 * stages not reached yet (live: up to the plan's total) are greyed. Titles
 * are the story model's; in the eavesdropper view every row is what
 * eve_project() leaves of its event. Selecting a row drives the other panes. */
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lrow_kind { LR_STAGE, LR_ITEM, LR_FUTURE, LR_SUB };

/* A row; its text is made when it is drawn (an expanded run can list
 * millions of records). */
struct lrow {
	enum lrow_kind kind;
	uint8_t indent;
	enum dir dir;
	size_t stage;       /* LR_STAGE / LR_ITEM / LR_SUB */
	long ev;            /* LR_ITEM: history index; LR_SUB: the run's */
	uint64_t sub;       /* LR_SUB: record index; LR_FUTURE: stage number */
};

static struct lrow *rows;
static size_t rows_cap;

/* Room for row n; false when out of memory. */
static bool rows_room(size_t n)
{
	if (n < rows_cap)
		return true;
	{
		size_t cap = rows_cap ? rows_cap * 2 : 1024;
		struct lrow *r;

		while (cap <= n)
			cap *= 2;
		r = realloc(rows, cap * sizeof *r);
		if (!r)
			return false;
		rows = r;
		rows_cap = cap;
	}
	return true;
}

/* "SYN, ACK" style flag names. */
static void tcp_flags(uint8_t f, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s%s%s", f & TH_SYN ? "SYN " : "", f & TH_FIN ? "FIN " : "", f & TH_RST ? "RST " : "",
		 f & TH_ACK ? "ACK" : "");
}

/* First line of application data, printable only. */
static void first_line(const uint8_t *d, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap && d[i] != '\r' && d[i] != '\n'; i++)
		out[o++] = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '.';
	out[o] = '\0';
}

static bool synack_seen, ack_shown; /* per build: the handshake's final ACK */

/* "65,536" */
static void thousands(uint64_t v, char *out, size_t cap)
{
	char d[32];
	size_t n = (size_t)snprintf(d, sizeof d, "%llu", (unsigned long long)v), o = 0;

	for (size_t i = 0; i < n && o + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = d[i];
	}
	out[o] = '\0';
}

/* The line of a run: what it folds. */
static void run_text(struct ui *u, const struct hrun *r, char *text, size_t cap)
{
	char n[32], sz[32];
	bool eve = u->view == VIEW_EAVESDROPPER;

	thousands(r->count, n, sizeof n);
	hist_size(!eve && r->decrypted == r->count ? r->plain_bytes : r->wire_bytes, sz, sizeof sz);
	snprintf(text, cap, "%s %s: %s records, %s", r->expanded ? glyph(u, G_TRI_DOWN) : glyph(u, G_TRIANGLE),
		 eve || !r->decrypted ? "encrypted" : "application data", n, sz);
}

/* The line of record index of run r. */
static void sub_text(struct ui *u, const struct hrun *r, uint64_t index, char *text, size_t cap)
{
	uint64_t k = index - r->first_index;
	const struct run_rec *x = k < r->nrecs ? &r->recs[k] : NULL;
	bool eve = u->view == VIEW_EAVESDROPPER;

	if (!x)
		snprintf(text, cap, "#%llu (read from the file when selected)", (unsigned long long)index);
	else if ((x->flags & RR_ENC) && (eve || !(x->flags & RR_DEC)))
		snprintf(text, cap, "#%llu %s %u B, encrypted", (unsigned long long)index,
			 content_type_name(x->content_type), (unsigned)x->length);
	else if (x->flags & RR_ENC)
		snprintf(text, cap, "#%llu %s %u B -> %u B", (unsigned long long)index, content_type_name(x->inner_type),
			 (unsigned)x->length, (unsigned)x->plain_len);
	else
		snprintf(text, cap, "#%llu %s %u B", (unsigned long long)index, content_type_name(x->content_type),
			 (unsigned)x->length);
}

/* The row text for one event (as the view shows it), or false if the
 * event gets no row. */
static bool item_text(struct ui *u, const struct event *e, struct lrow *r, char *text, size_t cap)
{
	char f[32], line[64];

	r->indent = 1;
	if (e->type == EV_UI_RUN) {
		run_text(u, (const struct hrun *)e, text, cap);
		return true;
	}
	switch (e->type) {
	case EV_PACKET:
		if (e->u.packet.payload_len)
			return false;
		/* the third packet of the three-way handshake: the first bare ACK after SYN-ACK */
		if ((e->u.packet.tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
			synack_seen = true;
		else if (e->u.packet.tcp_flags == TH_ACK && synack_seen && !ack_shown)
			ack_shown = true;
		else if (!(e->u.packet.tcp_flags & (TH_SYN | TH_FIN | TH_RST)))
			return false;
		tcp_flags(e->u.packet.tcp_flags, f, sizeof f);
		snprintf(text, cap, "TCP %s", f);
		return true;
	case EV_RECORD: {
		const struct ev_record *rec = &e->u.record;

		if (rec->encrypted && !rec->decrypted)
			snprintf(text, cap, "%s %u B, encrypted", content_type_name(rec->content_type),
				 (unsigned)rec->length);
		else if (rec->encrypted)
			snprintf(text, cap, "%s %u B -> %s", content_type_name(rec->content_type),
				 (unsigned)rec->length, content_type_name(rec->inner_type));
		else
			snprintf(text, cap, "%s %u B", content_type_name(rec->content_type),
				 (unsigned)rec->length);
		return true;
	}
	case EV_HANDSHAKE:
		r->indent = 2;
		snprintf(text, cap, "%s (%zu B)", e->u.hs.msg ? e->u.hs.msg : "handshake", e->u.hs.len);
		return true;
	case EV_APP_DATA:
		r->indent = 2;
		first_line(e->u.app.data, e->u.app.len, line, sizeof line);
		snprintf(text, cap, "\"%s\"", line);
		return true;
	case EV_ALERT:
		r->indent = 2;
		snprintf(text, cap, "alert %s %s", e->u.alert.level_name ? e->u.alert.level_name : "",
			 e->u.alert.desc_name ? e->u.alert.desc_name : "");
		return true;
	case EV_CCS:
		r->indent = 2;
		snprintf(text, cap, "change_cipher_spec");
		return true;
	case EV_ERROR:
		snprintf(text, cap, "! %s", e->u.error.text ? e->u.error.text : "error");
		return true;
	case EV_NOTE:
		if (!e->u.note.level || strcmp(e->u.note.level, "warning"))
			return false;
		snprintf(text, cap, "! %s", e->u.note.text ? e->u.note.text : "");
		return true;
	default:
		return false;
	}
}

#define LROWS_MAX (INT_MAX / 2)

/* The text of a row, made when it is drawn; *marker gets a suffix that
 * must stay visible (" (held)"). */
static void row_text(struct ui *u, const struct lrow *r, char *text, size_t cap, const char **marker)
{
	struct lrow tmp = *r;

	text[0] = '\0';
	*marker = "";
	switch (r->kind) {
	case LR_STAGE: {
		char title[200];

		hist_stage_label(u, r->stage, title, sizeof title);
		snprintf(text, cap, "%u %s", (unsigned)u->stages[r->stage].number, title);
		if (hist_stage_held(u, r->stage))
			*marker = " (held)";
		break;
	}
	case LR_FUTURE:
		if (u->pend_ok && r->sub == u->pend_number) {
			/* held at its gate before its begin event came: as the bottom line says */
			struct ev_stage ps = { .number = u->pend_number, .dir = u->pend_dir, .title = u->pend_title };
			char title[200];

			ui_held_title(u, &ps, title, sizeof title);
			snprintf(text, cap, "%llu %s", (unsigned long long)r->sub, title);
			*marker = " (held)";
		} else {
			snprintf(text, cap, "%llu %s", (unsigned long long)r->sub, glyph(u, G_ELLIPSIS));
		}
		break;
	case LR_SUB: {
		const struct hrun *run = hist_run(u, (size_t)r->ev);

		if (run)
			sub_text(u, run, r->sub, text, cap);
		break;
	}
	case LR_ITEM: {
		struct event buf;
		const struct event *e = hist_view(u, (size_t)r->ev, &buf);

		synack_seen = true; /* the row exists: its text regardless of order */
		ack_shown = false;
		if (e)
			item_text(u, e, &tmp, text, cap);
		break;
	}
	}
}

/* The capture time of a row (0: none): a stage's begin, an item's event. */
static uint64_t row_ts(struct ui *u, const struct lrow *r)
{
	struct event buf;
	const struct event *e = NULL;

	if (r->kind == LR_STAGE) {
		size_t b = u->stages[r->stage].ev_begin;

		e = b != SIZE_MAX ? hist_get(u, b) : NULL;
	} else if (r->kind == LR_ITEM) {
		e = hist_view(u, (size_t)r->ev, &buf);
		if (e && e->type == EV_UI_RUN)
			e = NULL;
	}
	return e ? e->ts_us : 0;
}

/* The connection's first time: its first event's. */
static uint64_t conn_t0(struct ui *u)
{
	for (size_t i = 0; i < u->nev && i < 64; i++) {
		const struct event *e = hist_get(u, i);

		if (e && e->type != EV_UI_RUN && e->ts_us && e->type != EV_NOTE)
			return e->ts_us;
	}
	return 0;
}

/* The time column's text for row i ("" none); its width is time_width(). */
static void time_text(struct ui *u, int i, char *out, size_t cap)
{
	uint64_t ts = row_ts(u, &rows[i]), prev = 0;
	char full[40];

	out[0] = '\0';
	if (!ts)
		return;
	if (u->time == TIME_DELTA) {
		for (int j = i - 1; j >= 0 && j >= i - 256 && !prev; j--)
			prev = row_ts(u, &rows[j]);
		event_time_text(out, cap, TIME_DELTA, ts, prev ? prev : ts);
	} else if (u->time == TIME_ABS) {
		event_time_text(full, sizeof full, TIME_ABS, ts, 0);
		snprintf(out, cap, "%s", full + 11); /* the time of day; the date is on the status line's file */
	} else {
		event_time_text(out, cap, TIME_REL, ts, conn_t0(u));
	}
}

/* The time column's width in pane p: none when it would take more than a third. */
static int time_width(const struct ui *u, const struct pane *p)
{
	int w = u->time == TIME_NONE ? 0 : u->time == TIME_ABS ? 16 : 11;

	return 3 * w <= p->w ? w : 0;
}

/* A server stage that answers a round trip: " (round trip 1: 0.210 ms)" (deltas shown only: in the
 * other modes the title keeps the room). */
static void rt_text(struct ui *u, const struct lrow *r, char *out, size_t cap)
{
	size_t f = u->stages[r->stage].ev_final;
	const struct event *e = u->time == TIME_DELTA && f != SIZE_MAX ? hist_get(u, f) : NULL;
	char d[32];

	out[0] = '\0';
	if (e && e->type == EV_STAGE && e->u.stage.round_trip && e->u.stage.rtt_us && e->dir == DIR_S2C)
		snprintf(out, cap, " (round trip %u: %s)", e->u.stage.round_trip,
			 event_duration_text(d, sizeof d, e->u.stage.rtt_us));
}

/* Build the rows: reached stages with their items, then (live) the
 * planned ones not reached yet. */
static int build(struct ui *u)
{
	int n = 0;
	char scratch[192];
	uint32_t last = 0;

	synack_seen = ack_shown = false;
	for (size_t s = 0; s < u->nstages && n < LROWS_MAX; s++) {
		const struct stage *st = &u->stages[s];

		if (!rows_room((size_t)n))
			return n;
		rows[n] = (struct lrow){ .kind = LR_STAGE, .stage = s, .ev = -1, .dir = st->dir };
		n++;
		if (st->number > last)
			last = st->number;
		for (size_t i = st->first; i < st->end && n < LROWS_MAX; i++) {
			struct event buf;
			const struct event *e = hist_in_stage(u, i, s) ? hist_view(u, i, &buf) : NULL;
			const struct hrun *run;

			if (!e || e->type == EV_STAGE || !rows_room((size_t)n))
				continue;
			rows[n] = (struct lrow){ .kind = LR_ITEM, .stage = s, .ev = (long)i, .dir = e->dir };
			if (!item_text(u, e, &rows[n], scratch, sizeof scratch))
				continue;
			n++;
			run = e->type == EV_UI_RUN ? (const struct hrun *)e : NULL;
			for (uint64_t k = 0; run && run->expanded && k < run->count && n < LROWS_MAX; k++) {
				if (!rows_room((size_t)n))
					break;
				rows[n++] = (struct lrow){ .kind = LR_SUB, .stage = s, .ev = (long)i, .dir = e->dir,
							   .indent = 2, .sub = run->first_index + k };
			}
		}
	}
	if (u->opts.engine.mode == ENGINE_REPLAY)
		return n;
	/* the plan's stages not reached yet: numbers only (their titles come with them) */
	for (uint32_t k = last + 1; k <= hist_total(u) && n < LROWS_MAX && rows_room((size_t)n); k++)
		rows[n++] = (struct lrow){ .kind = LR_FUTURE, .ev = -1, .dir = DIR_NONE, .sub = k };
	return n;
}

/* Make the selection follow the cursor row. */
static void select_row(struct ui *u, struct pane *p, int nrows)
{
	const struct lrow *r;

	if (p->cur < 0 || p->cur >= nrows)
		return;
	r = &rows[p->cur];
	if (r->kind == LR_FUTURE)
		return;
	if (u->sel_stage != r->stage) {
		u->sel_stage = r->stage;
		u->follow = r->stage + 1 >= u->nstages;
	}
	if (r->kind == LR_SUB) {
		/* a folded record: read it back from the capture */
		if (!(u->rb_ok && u->rb_run == (size_t)r->ev && u->rb_index == r->sub && u->sel_ev == HIST_RB_REC)) {
			u->sel_field = -1;
			u->wire_cur = -1;
			u->wire_match = -1;
			u->sel_ev = hist_readback(u, (size_t)r->ev, r->sub) == 0 ? HIST_RB_REC : r->ev;
		}
	} else if (r->kind == LR_ITEM) {
		if (u->sel_ev != r->ev) {
			u->sel_ev = r->ev;
			u->sel_field = -1;
			u->wire_cur = -1;
			u->wire_match = -1;
		}
	} else {
		/* a stage header shows its first item */
		long ev = p->cur + 1 < nrows && rows[p->cur + 1].kind == LR_ITEM ? rows[p->cur + 1].ev : -1;

		if (ev >= 0 && hist_run(u, (size_t)ev)) /* a run: nothing to show from a stage header */
			ev = -1;

		/* a stage with nothing yet (held at its gate): what came just before */
		for (int i = p->cur - 1; ev < 0 && i >= 0; i--)
			if (rows[i].kind == LR_ITEM)
				ev = rows[i].ev;

		if (u->sel_ev != ev) {
			u->sel_ev = ev;
			u->sel_field = -1;
			u->wire_cur = -1;
			u->wire_match = -1;
		}
	}
}

/* Put the cursor where the selection says (after p/b/n, search, restart). */
static void sync_cursor(struct ui *u, struct pane *p, int nrows)
{
	if (p->cur == -2) {
		long rec = u->sel_ev >= 0 ? hist_record_of(u, (size_t)u->sel_ev) : -1;

		for (int pass = 0; pass < 2; pass++)
			for (int i = 0; i < nrows; i++)
				if (rows[i].kind == LR_ITEM && rows[i].ev == (pass ? rec : u->sel_ev) && rows[i].ev >= 0) {
					p->cur = i;
					return;
				}
		p->cur = -1;
	}
	if (p->cur == -1 || (u->follow && u->nstages && u->sel_stage + 1 == u->nstages &&
			     (p->cur >= nrows || rows[p->cur].kind == LR_FUTURE || rows[p->cur].stage != u->sel_stage))) {
		p->cur = 0;
		for (int i = 0; i < nrows; i++)
			if (rows[i].kind == LR_STAGE && rows[i].stage == u->sel_stage)
				p->cur = i;
	}
}

/* One ladder row: |-- title --->| or |<-- title ---|, items under it. */
static void draw_row(struct ui *u, struct pane *p, int y, int i, bool sel)
{
	const struct lrow *r = &rows[i];
	WINDOW *w = p->win;
	int tw = time_width(u, p);
	int W = p->w - 3 - tw, inner = W - 2;
	bool cur_stage = r->kind == LR_STAGE && r->stage + 1 == u->nstages && !u->eng_done;
	attr_t a = r->kind == LR_FUTURE ? draw_attr(u, R_DIM) : cur_stage ? draw_attr(u, R_CURRENT) : A_NORMAL;
	int x = 2 + tw;
	char text[256], when[40], rt[64], mk[96];
	const char *marker;

	row_text(u, r, text, sizeof text, &marker);
	if (tw) {
		time_text(u, i, when, sizeof when);
		draw_fmt(w, y, 1, tw, draw_attr(u, R_DIM), "%*s", tw - 1, when);
		if (r->kind == LR_STAGE) {
			rt_text(u, r, rt, sizeof rt);
			snprintf(mk, sizeof mk, "%s%s", marker, rt);
			marker = mk;
		}
	}

	if (sel)
		a |= A_REVERSE;
	draw_str(w, y, x, 1, glyph(u, G_VLINE), A_NORMAL);
	draw_str(w, y, x + W - 1, 1, glyph(u, G_VLINE), A_NORMAL);
	if (inner < 8)
		return;
	if (r->kind == LR_STAGE || r->kind == LR_FUTURE) {
		/* "<- title (held) ------|" or "- title (held) ----> |": the marker always shows */
		bool s2c = r->dir == DIR_S2C, c2s = r->dir == DIR_C2S;
		int pw = s2c ? 3 : 2, mw = draw_width(marker), end = inner - (s2c ? 0 : 1);
		int room = end - pw - mw - 1 - 2 - (c2s ? 1 : 0), tl, cx = x + 1;

		if (room < 4)
			room = 4;
		tl = draw_width(text) < room ? draw_width(text) : room;
		wattron(w, a);
		wmove(w, y, cx);
		if (s2c)
			waddstr(w, glyph(u, G_LARROW));
		waddstr(w, glyph(u, G_HLINE));
		waddstr(w, " ");
		wattroff(w, a);
		cx += pw;
		cx += draw_clip(u, w, y, cx, tl, text, a | (r->kind == LR_STAGE ? A_BOLD : 0), false);
		if (mw)
			cx += draw_str(w, y, cx, mw, marker, a | A_BOLD);
		wmove(w, y, cx);
		wattron(w, a);
		waddstr(w, " ");
		for (cx++; cx < x + 1 + end - (c2s ? 1 : 0); cx++)
			waddstr(w, glyph(u, G_HLINE));
		if (c2s)
			waddstr(w, glyph(u, G_RARROW));
		wattroff(w, a);
		return;
	}
	{
		int tl = draw_width(text), ind = 1 + 2 * r->indent;
		int maxw = inner - ind - 1;
		attr_t ia = sel ? A_REVERSE : A_NORMAL;

		if (tl > maxw)
			tl = maxw;
		if (r->dir == DIR_S2C)
			draw_clip(u, w, y, x + 1 + inner - ind - tl, tl, text, ia | (u->color ? COLOR_PAIR(R_SERVER) : 0), false);
		else
			draw_clip(u, w, y, x + 1 + ind, tl, text, ia | (u->color ? COLOR_PAIR(R_CLIENT) : 0), false);
	}
}

/* Draw the ladder. */
static void ladder_draw(struct ui *u, struct pane *p)
{
	int n = build(u), ih = p->h - 3, top;

	p->nrows = n;
	sync_cursor(u, p, n);
	top = pane_scroll(p, ih);
	select_row(u, p, n);
	if (time_width(u, p))
		draw_fmt(p->win, 1, 1, time_width(u, p), A_BOLD, "%*s", time_width(u, p) - 1,
			 u->time == TIME_DELTA ? "delta s" : u->time == TIME_ABS ? "UTC" : "s");
	draw_str(p->win, 1, 2 + time_width(u, p), p->w - 4, "Client",
		 A_BOLD | (u->color ? COLOR_PAIR(R_CLIENT) : 0));
	draw_str(p->win, 1, p->w - 8, 6, "Server", A_BOLD | (u->color ? COLOR_PAIR(R_SERVER) : 0));
	if (!n)
		draw_str(p->win, 2, 2, p->w - 4, u->eng ? "waiting for the first stage..." : "no session", A_DIM);
	for (int i = 0; i < ih && top + i < n; i++)
		draw_row(u, p, 2 + i, top + i, top + i == p->cur);
}

/* Not on screen: the stage picked with n/p still selects its record. */
static void ladder_undrawn(struct ui *u, struct pane *p)
{
	int n = build(u);

	p->nrows = n;
	sync_cursor(u, p, n);
	select_row(u, p, n);
}

/* Movement moves the selection. */
static bool ladder_key(struct ui *u, struct pane *p, int ch)
{
	int n = build(u);

	p->nrows = n;
	if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && p->cur >= 0 && p->cur < n &&
	    rows[p->cur].kind == LR_ITEM) {
		struct hrun *run = hist_run(u, (size_t)rows[p->cur].ev);

		if (!run)
			return false;
		run->expanded = !run->expanded;
		u->follow = false;
		return true;
	}
	if (!pane_list_key(p, ch))
		return false;
	/* future stages cannot be selected */
	while (p->cur > 0 && rows[p->cur].kind == LR_FUTURE)
		p->cur--;
	select_row(u, p, n);
	u->follow = false;
	return true;
}

/* A click picks the row. */
static void ladder_click(struct ui *u, struct pane *p, int y, int x)
{
	int n = build(u);

	(void)x;
	p->nrows = n;
	if (y < 1 || p->top + y - 1 >= n || rows[p->top + y - 1].kind == LR_FUTURE)
		return;
	p->cur = p->top + y - 1;
	u->follow = false;
	select_row(u, p, n);
}

const struct pane_ops pane_ladder = {
	.name = "Stages",
	.draw = ladder_draw,
	.key = ladder_key,
	.click = ladder_click,
	.undrawn = ladder_undrawn,
};
