/* Explain pane: the selected stage's paragraphs as the story model
 * (engine/story_text.c) chose them from the session's facts, or, in the
 * eavesdropper view, what an eavesdropper learns in it (eve_project's
 * projection of the stage); then the stage's errors and notes. Word-wrapped,
 * a blank line between paragraphs, "more" marks when the text goes on. */
#include "ui.h"

#include <stdio.h>
#include <string.h>

#define XL_MAX 512

struct xline {
	char text[256];
	attr_t a;
};

static struct xline xl[XL_MAX];
static int nxl;

/* draw_wrap callback: keep one wrapped line. */
static void keep(const char *s, int len, void *arg)
{
	attr_t a = *(const attr_t *)arg;

	if (nxl >= XL_MAX)
		return;
	if (len > (int)sizeof xl[0].text - 1)
		len = (int)sizeof xl[0].text - 1;
	memcpy(xl[nxl].text, s, (size_t)len);
	xl[nxl].text[len] = '\0';
	xl[nxl].a = a;
	nxl++;
}

/* A paragraph, wrapped, after a blank line unless it is the first. */
static void para(const char *text, size_t len, int width, attr_t a)
{
	char buf[4096];

	if (!len)
		return;
	if (nxl)
		keep("", 0, &a);
	snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), text);
	draw_wrap(buf, width, keep, &a);
}

/* Paragraphs separated by '\n'. */
static void paras(const char *text, int width, attr_t a)
{
	for (const char *p = text; p && *p;) {
		size_t n = strcspn(p, "\n");

		para(p, n, width, a);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* Build the text for the selected stage. */
static void build(struct ui *u, int width)
{
	struct event sb;
	const struct ev_stage *es = u->nstages ? hist_stage_ev(u, u->sel_stage, &sb) : NULL;
	const struct stage *st = u->nstages ? &u->stages[u->sel_stage] : NULL;
	char head[320], title[200];

	nxl = 0;
	if (!st || !es) {
		para("No stage yet.", 13, width, A_DIM);
		return;
	}
	hist_stage_label(u, u->sel_stage, title, sizeof title);
	snprintf(head, sizeof head, "Stage %u of %u%s: %s", (unsigned)st->number, (unsigned)hist_total(u),
		 hist_total_final(u) ? "" : " so far", title);
	para(head, strlen(head), width, draw_attr(u, R_CURRENT) | A_BOLD);
	if (es->explain && es->explain[0])
		paras(es->explain, width, A_NORMAL);
	else if (hist_stage_held(u, u->sel_stage))
		paras("Held at its gate: none of its bytes has been sent yet. space or n sends it.", width, A_DIM);
	else
		paras("Under way: its explanation comes once the stage is complete.", width, A_DIM);
	/* errors and notes that arrived during the stage (the first stage: also
	   those before it, such as the scenario's note saying what to look for) */
	for (size_t i = u->sel_stage == 0 || st->ev_begin == SIZE_MAX ? st->first : st->ev_begin; i < st->end; i++) {
		struct event nb;
		const struct event *n = hist_in_stage(u, i, u->sel_stage) ? hist_view(u, i, &nb) : NULL;

		if (n && n->type == EV_ERROR && n->u.error.text)
			paras(n->u.error.text, width, draw_attr(u, R_WARN));
		else if (n && n->type == EV_NOTE && n->u.note.text)
			paras(n->u.note.text, width,
			      n->u.note.level && !strcmp(n->u.note.level, "warning") ? draw_attr(u, R_WARN) : A_DIM);
	}
}

/* Draw the text from the scroll position, with "more" marks on the border. */
static void explain_draw(struct ui *u, struct pane *p)
{
	static uint32_t shown_conn, shown_no;
	static size_t shown_final;
	static enum view shown_view;
	const struct stage *st = u->nstages ? &u->stages[u->sel_stage] : NULL;
	int ih = p->h - 2;
	char mark[32];

	/* another stage (or view): start from its top */
	if (!st || st->number != shown_no || u->conn != shown_conn || st->ev_final != shown_final ||
	    u->view != shown_view)
		p->top = 0;
	shown_conn = u->conn;
	shown_no = st ? st->number : 0;
	shown_final = st ? st->ev_final : SIZE_MAX;
	shown_view = u->view;
	build(u, p->w - 4);
	p->nrows = nxl;
	if (p->top > nxl - ih)
		p->top = nxl - ih;
	if (p->top < 0)
		p->top = 0;
	for (int i = 0; i < ih && p->top + i < nxl; i++)
		draw_str(p->win, 1 + i, 2, p->w - 4, xl[p->top + i].text, xl[p->top + i].a);
	if (p->top + ih < nxl) {
		snprintf(mark, sizeof mark, " more %s ", glyph(u, G_DOWN));
		draw_str(p->win, p->h - 1, p->w - 2 - draw_width(mark), draw_width(mark), mark, A_BOLD);
	}
	if (p->top > 0) {
		snprintf(mark, sizeof mark, " more %s ", glyph(u, G_UP));
		draw_str(p->win, 0, p->w - 2 - draw_width(mark), draw_width(mark), mark, A_BOLD);
	}
}

/* Scroll: lines (j/k, arrows), pages (PgDn/PgUp), start and end (g/G). */
static bool explain_key(struct ui *u, struct pane *p, int ch)
{
	int page = p->h - 3 > 1 ? p->h - 3 : 1;

	(void)u;
	switch (ch) {
	case KEY_DOWN: case 'j': p->top++; break;
	case KEY_UP: case 'k': p->top--; break;
	case KEY_NPAGE: p->top += page; break;
	case KEY_PPAGE: p->top -= page; break;
	case 'g': case KEY_HOME: p->top = 0; break;
	case 'G': case KEY_END: p->top = p->nrows; break;
	default: return false;
	}
	if (p->top > p->nrows - (p->h - 2))
		p->top = p->nrows - (p->h - 2);
	if (p->top < 0)
		p->top = 0;
	return true;
}

const struct pane_ops pane_explain = {
	.name = "Explain",
	.draw = explain_draw,
	.key = explain_key,
};
