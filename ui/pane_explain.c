/* Explain pane: plain-language sentences for the selected stage and message
 * (what happens, what an eavesdropper learns, and where the textbook story
 * differs), the scenario's own paragraph, plus the session's warnings. */
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

struct wrap_ctx {
	attr_t a;
};

/* draw_wrap callback: keep one wrapped line. */
static void keep(const char *s, int len, void *arg)
{
	struct wrap_ctx *c = arg;

	if (nxl >= XL_MAX)
		return;
	if (len > (int)sizeof xl[0].text - 1)
		len = (int)sizeof xl[0].text - 1;
	memcpy(xl[nxl].text, s, (size_t)len);
	xl[nxl].text[len] = '\0';
	xl[nxl].a = c->a;
	nxl++;
}

/* Wrap a paragraph into the line list. */
static void para(const char *text, int width, attr_t a)
{
	struct wrap_ctx c = { a };

	if (text && !text[0])
		keep("", 0, &c);
	else if (text)
		draw_wrap(text, width, keep, &c);
}

/* The scenario's paragraph where its point happens, else a one-line reminder;
 * forward secrecy also shows the result notes of its parts. */
static void scenario_text(struct ui *u, int width)
{
	const char *sc = explain_scenario_name(u);
	const struct explain *s = explain_scenario(u);
	const struct engine_scenario *t = engine_scenarios();
	char head[160];

	if (!sc)
		return;
	if (!s) {
		while (t->name && strcmp(t->name, sc))
			t++;
		snprintf(head, sizeof head, "Scenario %s: %s", sc, t->name ? t->help : "");
		para(head, width, A_DIM);
		para("", width, A_NORMAL);
		return;
	}
	snprintf(head, sizeof head, "Scenario %s: %s", s->key, s->title);
	para(head, width, draw_attr(u, R_CURRENT) | A_BOLD);
	para(s->what, width, A_NORMAL);
	if (!strcmp(sc, "forward-secrecy"))
		for (size_t i = 0; i < u->nev; i++) {
			const struct event *n = hist_get(u, i);

			if (n && n->type == EV_NOTE && n->u.note.text &&
			    !strncmp(n->u.note.text, "forward secrecy, part ", 22) && strstr(n->u.note.text, " result: "))
				para(n->u.note.text, width, draw_attr(u, R_WARN));
		}
	para("", width, A_NORMAL);
}

/* Build the text for the current selection. */
static void build(struct ui *u, int width)
{
	uint16_t v = hist_version(u);
	const struct stage *st = u->nstages ? &u->stages[u->sel_stage] : NULL;
	const struct explain *x = st ? explain_find(st->name, v) : explain_find("tcp_handshake", v);
	const struct event *e = u->sel_ev >= 0 ? hist_get(u, (size_t)u->sel_ev) : NULL;

	nxl = 0;
	scenario_text(u, width);
	if (!x) {
		para(st ? st->title : "", width, A_BOLD);
		para("No explanation for this stage.", width, A_DIM);
	} else {
		para(x->title, width, A_BOLD);
		para(x->what, width, A_NORMAL);
		if (x->eve) {
			para("", width, A_NORMAL);
			para("What an eavesdropper learns:", width, draw_attr(u, R_CIPHER) | A_BOLD);
			para(x->eve, width, A_NORMAL);
		}
		if (x->textbook) {
			para("", width, A_NORMAL);
			para("Textbook story vs. what really happens:", width, draw_attr(u, R_CURRENT) | A_BOLD);
			para(x->textbook, width, A_NORMAL);
		}
	}
	if (e && e->type == EV_HANDSHAKE && e->u.hs.msg && (!e->u.hs.encrypted || u->view == VIEW_INSIDER)) {
		char key[80];
		const struct explain *m;

		snprintf(key, sizeof key, "msg:%s", e->u.hs.msg);
		m = explain_find(key, v);
		if (m && (!x || strcmp(m->title, x->title))) {
			para("", width, A_NORMAL);
			para(m->title, width, A_BOLD);
			para(m->what, width, A_NORMAL);
			if (m->textbook)
				para(m->textbook, width, A_NORMAL);
		}
	}
	/* warnings and errors of this stage */
	if (st)
		for (size_t i = st->first; i < st->end; i++) {
			const struct event *n = hist_get(u, i);

			if (n && n->type == EV_ERROR && hist_in_stage(u, i, u->sel_stage)) {
				para("", width, A_NORMAL);
				para(n->u.error.text, width, draw_attr(u, R_WARN));
			}
		}
}

/* Draw the text. */
static void explain_draw(struct ui *u, struct pane *p)
{
	int ih = p->h - 2, top;

	build(u, p->w - 4);
	p->nrows = nxl;
	if (p->cur < 0)
		p->cur = 0;
	top = pane_scroll(p, ih);
	for (int i = 0; i < ih && top + i < nxl; i++)
		draw_str(p->win, 1 + i, 2, p->w - 4, xl[top + i].text, xl[top + i].a);
}

/* Scroll by whole screens or lines (the cursor is the scroll position). */
static bool explain_key(struct ui *u, struct pane *p, int ch)
{
	int ih = p->h - 2;

	(void)u;
	if (ch == KEY_DOWN || ch == 'j')
		p->cur = p->top + ih;
	else if (ch == KEY_UP || ch == 'k')
		p->cur = p->top - 1;
	else
		return pane_list_key(p, ch);
	if (p->cur >= p->nrows)
		p->cur = p->nrows - 1;
	if (p->cur < 0)
		p->cur = 0;
	return true;
}

const struct pane_ops pane_explain = {
	.name = "Explain",
	.draw = explain_draw,
	.key = explain_key,
};
