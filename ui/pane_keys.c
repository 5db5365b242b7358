/* Keys pane: the key schedule as of the selected stage, as a derivation
 * chain (ephemeral key pairs -> shared secret -> secrets -> traffic secrets
 * -> keys and IVs; TLS 1.2: premaster -> master -> key block): exactly the
 * keys whose stage_no (the stage in which the story model says each came to
 * exist) is at most the selected stage's number. A key is its name and its
 * KeyUpdate generation; the latest value of each owner is shown, and owners
 * are compared only for the same name and generation. The eavesdropper view
 * has no keys at all. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum level { LV_PAIR = 0, LV_SHARED, LV_SECRET, LV_TRAFFIC, LV_KEYS, LV_N };

static const char *const level_title[LV_N] = {
	"Ephemeral key pairs", "Shared secret", "Secrets", "Traffic secrets", "Keys and IVs",
};

/* The chain level of a key, from its name. */
static enum level key_level(const char *n)
{
	if (strstr(n, "private") || strstr(n, "public") || strstr(n, "ephemeral") || strstr(n, "key_share"))
		return LV_PAIR;
	if (strstr(n, "shared") || strstr(n, "premaster"))
		return LV_SHARED;
	if (strstr(n, "traffic_secret") || strstr(n, "key_block"))
		return LV_TRAFFIC;
	if (strstr(n, "secret") || strstr(n, "hash"))
		return LV_SECRET;
	return LV_KEYS;
}

/* The generation a name ends with ("_1"), or -1. */
static int name_generation(const char *n)
{
	const char *u = strrchr(n, '_');

	if (!u || !u[1])
		return -1;
	for (const char *p = u + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	return atoi(u + 1);
}

/* One key of the chain: a name and a generation. */
struct kent {
	const char *name;
	int gen;            /* KeyUpdate generation; 0 for keys without */
	bool inherited;     /* the name has no suffix: gen comes from its traffic secret */
	size_t latest[4];   /* newest event per owner (OWNER_*), SIZE_MAX none */
};

#define KE_MAX 256

static struct kent ke[KE_MAX];
static int nke;

/* The entry for (name, gen), made on first use (so in order of appearance). */
static struct kent *kent_get(const char *name, int gen, bool inherited)
{
	for (int k = 0; k < nke; k++)
		if (ke[k].gen == gen && !strcmp(ke[k].name, name))
			return &ke[k];
	if (nke == KE_MAX)
		return NULL;
	ke[nke] = (struct kent){ .name = name, .gen = gen, .inherited = inherited };
	for (int o = 0; o < 4; o++)
		ke[nke].latest[o] = SIZE_MAX;
	return &ke[nke++];
}

/* The keys of the selected connection as of stage number upto (0: every
 * key), grouped by name and generation. A name without a generation
 * ("client_application_key", the observer's) belongs to the generation of
 * the traffic secret of the same side and owner that came before it, and
 * cannot exist before that secret did. */
static void collect(struct ui *u, uint32_t upto)
{
	int gen_of[4][3][2] = { { { 0 } } };           /* [owner][dir][client?] current generation */
	uint32_t gen_stage[4][3][2] = { { { 0 } } };   /* the stage its secret came to exist in */

	nke = 0;
	for (size_t i = 0; i < u->nev; i++) {
		const struct event *e = hist_get(u, i);
		const struct ev_key *k;
		int gen, o, side;
		uint32_t stage;
		bool inherited = false;
		struct kent *x;

		if (!e || e->type != EV_KEY || !e->u.key.name)
			continue;
		k = &e->u.key;
		o = (unsigned)k->owner < 4 ? (int)k->owner : 0;
		side = !strncmp(k->name, "client_", 7);
		gen = name_generation(k->name);
		stage = k->stage_no;
		if (gen >= 0 && strstr(k->name, "application_traffic_secret")) {
			gen_of[o][e->dir][side] = gen;
			gen_stage[o][e->dir][side] = stage;
		} else if (gen < 0 && strstr(k->name, "application")) {
			gen = gen_of[o][e->dir][side];
			inherited = true;
			if (gen_stage[o][e->dir][side] > stage)
				stage = gen_stage[o][e->dir][side];
		}
		if (gen < 0)
			gen = 0;
		/* stage 0: not placed yet; it exists as of the newest stage */
		if (upto && (stage ? stage > upto : upto < u->stages[u->nstages - 1].number))
			continue;
		x = kent_get(k->name, gen, inherited);
		if (x)
			x->latest[o] = i;
	}
}

#define KL_MAX 4096

struct kline {
	char text[200];
	attr_t a;
	int indent;
};

static struct kline lines[KL_MAX];
static int nlines;
/* The stage the chain is built for, and the line of its first new key (-1). */
static int first_new, n_new;

/* What the last step added: keys not shown before the selected stage last
 * changed are marked new (live, a released flight's keys arrive while the
 * next stage is already selected: they are what that step added). A key is
 * its name and generation, kept as a hash. */
static uint64_t base[KE_MAX], shown[KE_MAX];
static int nbase, nshown;

static uint64_t kent_hash(const struct kent *x)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *c = x->name; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	return (h ^ (uint64_t)(x->gen + 1)) * 1099511628211ull;
}

static bool in_base(uint64_t h)
{
	if (nbase < 0)
		return true; /* a jump, not a step: nothing is marked */
	for (int i = 0; i < nbase; i++)
		if (base[i] == h)
			return true;
	return false;
}

/* Append a display line. */
static void line(int indent, attr_t a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void line(int indent, attr_t a, const char *fmt, ...)
{
	va_list ap;

	if (nlines >= KL_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(lines[nlines].text, sizeof lines[nlines].text, fmt, ap);
	va_end(ap);
	lines[nlines].a = a;
	lines[nlines].indent = indent;
	nlines++;
}

/* Where wrapped text goes: its indent and attributes. */
struct wrap_to {
	int indent;
	attr_t a;
};

/* draw_wrap callback: one line as arg says. */
static void wrap_line(const char *s, int len, void *arg)
{
	const struct wrap_to *w = arg;

	line(w->indent, w->a, "%.*s", len, s);
}

/* Text wrapped at width, at an indent, in attribute a. */
static void text_attr(int indent, int width, attr_t a, const char *s)
{
	struct wrap_to w = { indent, a };

	draw_wrap(s, width - indent - 2 > 20 ? width - indent - 2 : 20, wrap_line, &w);
}

/* Wrapped dim text at an indent. */
static void text(int indent, int width, const char *s)
{
	text_attr(indent, width, A_DIM, s);
}

/* One key: name, owners, stage, derivation, the calc line, value wrapped at width. */
static void key_lines(struct ui *u, const struct kent *x, int width, bool fresh)
{
	char owners[64] = "", name[120], stage[24] = "";
	const struct event *e = NULL;
	bool differ = false;
	int per;

	for (int o = 1; o < 4; o++) {
		const struct event *k = x->latest[o] != SIZE_MAX ? u->ev[x->latest[o]] : NULL;

		if (!k)
			continue;
		if (owners[0])
			strcat(owners, "+");
		strcat(owners, owner_name((enum owner)o) ? owner_name((enum owner)o) : "?");
		if (!e)
			e = k;
		else if (k->u.key.len != e->u.key.len || memcmp(k->u.key.value, e->u.key.value, e->u.key.len))
			differ = true;
	}
	if (!e && x->latest[0] != SIZE_MAX)
		e = u->ev[x->latest[0]];
	if (!e)
		return;
	if (x->inherited && x->gen)
		snprintf(name, sizeof name, "%s (generation %d)", x->name, x->gen);
	else
		snprintf(name, sizeof name, "%s", x->name);
	if (e->u.key.stage_no)
		snprintf(stage, sizeof stage, "  stage %u", (unsigned)e->u.key.stage_no);
	if (fresh) {
		/* what this step added: marked until the next step */
		if (first_new < 0)
			first_new = nlines;
		n_new++;
		line(1, draw_attr(u, R_CURRENT) | A_BOLD, "%s %s  [%s]%s  new", glyph(u, G_BULLET), name,
		     owners[0] ? owners : "?", stage);
	} else {
		line(1, A_BOLD, "%s %s  [%s]%s", glyph(u, G_BULLET), name, owners[0] ? owners : "?", stage);
	}
	if (differ)
		line(3, draw_attr(u, R_WARN), "client and server values DIFFER");
	if (e->u.key.derivation) {
		char d[600];

		snprintf(d, sizeof d, "= %s", e->u.key.derivation);
		text_attr(3, width, A_NORMAL, d); /* the formula: the teaching text, not dim */
	}
	if (e->u.key.calc) {
		/* the command that recomputes the value below, from values above */
		char c[1700];

		snprintf(c, sizeof c, "$ %s", e->u.key.calc);
		text_attr(3, width, A_NORMAL, c);
	}
	per = (width - 4) / 2;
	if (per < 8)
		per = 8;
	for (size_t off = 0; off < e->u.key.len; off += (size_t)per) {
		char hx[200];
		size_t n = e->u.key.len - off < (size_t)per ? e->u.key.len - off : (size_t)per;

		if (n * 2 + 1 > sizeof hx)
			n = (sizeof hx - 1) / 2;
		for (size_t k = 0; k < n; k++)
			snprintf(hx + 2 * k, 3, "%02x", e->u.key.value[off + k]);
		line(3, draw_attr(u, R_TAG) & ~(attr_t)A_UNDERLINE, "%s", hx);
	}
}

/* Is pub a public key whose private half was never handed out? */
static bool pair_lacks_private(const char *pub)
{
	char priv[96];
	const char *p = strstr(pub, "_public_key");

	if (!p || p[strlen("_public_key")])
		return false;
	snprintf(priv, sizeof priv, "%.*s_private_key", (int)(p - pub), pub);
	for (int k = 0; k < nke; k++)
		if (!strcmp(ke[k].name, priv))
			return false;
	return true;
}

/* Build the chain as of the selected stage. */
static void build(struct ui *u, int width)
{
	struct event fb;
	const struct ev_facts *f = hist_facts(u, &fb);
	const struct stage *st = u->nstages ? &u->stages[u->sel_stage] : NULL;
	bool observer = false;

	collect(u, st ? st->number : 0);
	nlines = 0;
	first_new = -1;
	n_new = 0;
	nshown = 0;
	for (int k = 0; k < nke; k++)
		shown[nshown++] = kent_hash(&ke[k]);
	line(0, A_DIM, "%s key schedule as of stage %u", f && f->version == 0x0303 ? "TLS 1.2" : f && f->version == 0x0304 ? "TLS 1.3" : "TLS",
	     st ? (unsigned)st->number : 0u);
	for (int k = 0; k < nke; k++)
		observer |= ke[k].latest[OWNER_OBSERVER] != SIZE_MAX;
	if (observer)
		text(0, width, "observer: a key tlsviz recovered itself, from the key log or with the server's RSA "
			       "key; not taken from the client or the server.");
	if (!nke && !(u->opts.engine.mode == ENGINE_REPLAY && f && f->kx == KX_RSA))
		line(0, A_DIM, "no key exists yet at this stage");
	for (int lv = 0; lv < LV_N; lv++) {
		int head = nlines;
		bool any = false;

		line(0, A_BOLD | A_UNDERLINE, "%s", level_title[lv]);
		if (lv == LV_PAIR && u->opts.engine.mode == ENGINE_REPLAY && f && f->kx) {
			/* a capture has no key pairs to show; say why rather than leave a gap */
			text(1, width, f->kx == KX_RSA
					       ? "none: static RSA key transport. The client encrypted the premaster "
						 "secret to the certificate's key, so that key decrypts the session "
						 "(no forward secrecy)."
				       : f->kx == KX_ECDHE_MLKEM
					       ? "not in a capture: a key log holds traffic secrets, never private keys "
						 "(here the client's ML-KEM decapsulation key and both ECDH private "
						 "keys), so the shared secret cannot be shown."
				       : f->kx == KX_MLKEM
					       ? "not in a capture: a key log holds traffic secrets, never private keys "
						 "(here the client's ML-KEM decapsulation key), so the shared secret "
						 "cannot be shown."
					       : "not in a capture: a key log holds secrets, never the ephemeral "
						 "private keys.");
			any = true;
		}
		for (int k = 0; k < nke; k++) {
			if (key_level(ke[k].name) != (enum level)lv)
				continue;
			if (lv == LV_PAIR && u->opts.engine.mode == ENGINE_LIVE && pair_lacks_private(ke[k].name)) {
				char priv[96];

				snprintf(priv, sizeof priv, "%.*s_private_key",
					 (int)(strstr(ke[k].name, "_public_key") - ke[k].name), ke[k].name);
				line(1, draw_attr(u, R_DIM), "%s %s  (not exported by wolfSSL)", glyph(u, G_CIRCLE), priv);
			}
			key_lines(u, &ke[k], width, !in_base(kent_hash(&ke[k])));
			any = true;
		}
		if (!any)
			nlines = head; /* nothing at this level yet */
	}
}

/* Draw the chain, or one line in the eavesdropper view. */
static void keys_draw(struct ui *u, struct pane *p)
{
	WINDOW *w = p->win;
	int ih = p->h - 2, top;

	if (u->view == VIEW_EAVESDROPPER) {
		draw_fmt(w, 1, 2, p->w - 4, A_BOLD, "%s An eavesdropper has no keys (e: insider view).", glyph(u, G_LOCK));
		return;
	}
	static uint32_t shown_stage = UINT32_MAX, shown_conn;
	static int shown_new;
	uint32_t stage = u->nstages ? u->stages[u->sel_stage].number : 0;

	bool jump = false;

	if (stage != shown_stage || u->conn != shown_conn) {
		/* one step forward: what was on screen until now is the base;
		 * a jump (G, back, another connection, the first draw) marks nothing */
		jump = u->conn != shown_conn || shown_stage == UINT32_MAX || stage != shown_stage + 1;
		memcpy(base, shown, sizeof(uint64_t) * (size_t)nshown);
		nbase = jump ? -1 : nshown;
		shown_new = 0;
	}
	build(u, p->w - 2);
	if (jump) {
		/* keys arriving later (live) are new against what is shown now */
		memcpy(base, shown, sizeof(uint64_t) * (size_t)nshown);
		nbase = nshown;
	}
	p->nrows = nlines;
	if (p->cur < 0)
		p->cur = 0;
	if (n_new > shown_new) {
		/* a new step, or the step's keys arriving (live): its first new
		 * key at the top of the pane */
		p->top = p->cur = first_new;
	}
	shown_stage = stage;
	shown_conn = u->conn;
	shown_new = n_new;
	top = pane_scroll(p, ih);
	for (int i = 0; i < ih && top + i < nlines; i++)
		draw_str(w, 1 + i, 1 + lines[top + i].indent, p->w - 3 - lines[top + i].indent, lines[top + i].text,
			 lines[top + i].a | (top + i == p->cur && u->focus == PANE_KEYS ? A_REVERSE : 0));
}

/* Scroll. */
static bool keys_key(struct ui *u, struct pane *p, int ch)
{
	(void)u;
	return pane_list_key(p, ch);
}

const struct pane_ops pane_keys = {
	.name = "Keys",
	.draw = keys_draw,
	.key = keys_key,
};
