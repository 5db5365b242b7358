/* Keys pane: the key schedule as a derivation chain (ephemeral key pairs ->
 * shared secret -> secrets -> traffic secrets -> keys and IVs; TLS 1.2:
 * premaster -> master -> key block), each value with its owner, derivation
 * and the stage it came to exist in. Not derived yet: "pending". Locked in
 * the eavesdropper view. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum level { LV_PAIR = 0, LV_SHARED, LV_SECRET, LV_TRAFFIC, LV_KEYS, LV_N };

static const char *const level_title[LV_N] = {
	"Ephemeral key pairs", "Shared secret", "Secrets", "Traffic secrets", "Keys and IVs",
};

struct expect {
	const char *name;
	enum level lv;
};

/* The names the live session emits (src/session/session_keys*.c); keys the
 * lists do not name are shown too, at the level their name suggests. */
static const struct expect expect13[] = {
	{ "client_ephemeral_private_key", LV_PAIR }, { "client_ephemeral_public_key", LV_PAIR },
	{ "server_ephemeral_private_key", LV_PAIR }, { "server_ephemeral_public_key", LV_PAIR },
	{ "ecdhe_shared_secret", LV_SHARED },
	{ "early_secret", LV_SECRET }, { "handshake_secret", LV_SECRET }, { "master_secret", LV_SECRET },
	{ "client_handshake_traffic_secret", LV_TRAFFIC }, { "server_handshake_traffic_secret", LV_TRAFFIC },
	{ "client_application_traffic_secret_0", LV_TRAFFIC }, { "server_application_traffic_secret_0", LV_TRAFFIC },
	{ "client_handshake_traffic_key", LV_KEYS }, { "client_handshake_traffic_iv", LV_KEYS },
	{ "server_handshake_traffic_key", LV_KEYS }, { "server_handshake_traffic_iv", LV_KEYS },
	{ "client_application_traffic_key_0", LV_KEYS }, { "client_application_traffic_iv_0", LV_KEYS },
	{ "server_application_traffic_key_0", LV_KEYS }, { "server_application_traffic_iv_0", LV_KEYS },
	{ NULL, 0 },
};

static const struct expect expect12[] = {
	{ "client_ephemeral_private_key", LV_PAIR }, { "client_ephemeral_public_key", LV_PAIR },
	{ "server_ephemeral_private_key", LV_PAIR }, { "server_ephemeral_public_key", LV_PAIR },
	{ "premaster_secret", LV_SHARED },
	{ "master_secret", LV_SECRET },
	{ "key_block", LV_TRAFFIC },
	{ "client_write_key", LV_KEYS }, { "client_write_iv", LV_KEYS },
	{ "server_write_key", LV_KEYS }, { "server_write_iv", LV_KEYS },
	{ NULL, 0 },
};

/* The chain level of a key name not in the expected list. */
static enum level guess_level(const char *n)
{
	if (strstr(n, "private") || strstr(n, "public") || strstr(n, "ephemeral") || strstr(n, "key_share"))
		return LV_PAIR;
	if (strstr(n, "shared") || strstr(n, "premaster"))
		return LV_SHARED;
	if (strstr(n, "traffic_secret") || strstr(n, "key_block"))
		return LV_TRAFFIC;
	if (strstr(n, "secret"))
		return LV_SECRET;
	return LV_KEYS;
}

#define KL_MAX 4096

struct kline {
	char text[200];
	attr_t a;
	int indent;
};

static struct kline lines[KL_MAX];
static int nlines;

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

/* draw_wrap callback: one dim derivation line. */
static void wrap_line(const char *s, int len, void *arg)
{
	(void)arg;
	line(3, A_DIM, "%.*s", len, s);
}

/* The key events named n up to the horizon: owners merged, first one kept. */
static const struct event *find_key(struct ui *u, const char *n, size_t horizon, char *owners, size_t cap, bool *differ)
{
	const struct event *first = NULL;

	owners[0] = '\0';
	*differ = false;
	for (size_t i = 0; i < horizon; i++) {
		const struct event *e = hist_get(u, i);
		const char *o;

		if (!e || e->type != EV_KEY || !e->u.key.name || strcmp(e->u.key.name, n))
			continue;
		o = owner_name(e->u.key.owner) ? owner_name(e->u.key.owner) : "?";
		if (!strstr(owners, o) && strlen(owners) + strlen(o) + 2 < cap) {
			if (owners[0])
				strcat(owners, "+");
			strcat(owners, o);
		}
		if (!first)
			first = e;
		else if (e->u.key.len != first->u.key.len || memcmp(e->u.key.value, first->u.key.value, first->u.key.len))
			*differ = true;
	}
	return first;
}

/* One key: name, owner, stage, derivation, value wrapped at width. */
static void key_lines(struct ui *u, const char *name, size_t horizon, int width)
{
	char owners[64];
	bool differ;
	const struct event *e = find_key(u, name, horizon, owners, sizeof owners, &differ);
	int per;

	if (!e && u->opts.engine.mode == ENGINE_REPLAY)
		return; /* a capture only has what its key log gives */
	if (!e) {
		char pub[96];
		const char *priv = strstr(name, "_private_key");
		const struct event *pe = NULL;

		if (priv && !priv[strlen("_private_key")]) {
			snprintf(pub, sizeof pub, "%.*s_public_key", (int)(priv - name), name);
			pe = find_key(u, pub, horizon, owners, sizeof owners, &differ);
		}
		if (pe) /* the pair exists; its private half was never handed out */
			line(1, draw_attr(u, R_DIM), "%s %s  (not exported by wolfSSL)", glyph(u, G_CIRCLE), name);
		else
			line(1, draw_attr(u, R_DIM), "%s %s  (pending)", glyph(u, G_CIRCLE), name);
		return;
	}
	line(1, A_BOLD, "%s %s  [%s]%s%s", glyph(u, G_BULLET), name, owners, e->u.key.stage ? " @" : "",
	     e->u.key.stage ? e->u.key.stage : "");
	if (differ)
		line(3, draw_attr(u, R_WARN), "client and server values DIFFER");
	if (e->u.key.derivation) {
		char d[600];

		snprintf(d, sizeof d, "= %s", e->u.key.derivation);
		draw_wrap(d, width - 5 > 20 ? width - 5 : 20, wrap_line, NULL);
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

/* Build the chain: expected names in order, then any other key seen. */
static void build(struct ui *u, int width)
{
	uint16_t v = hist_version(u);
	const struct expect *x = v == 0x0303 ? expect12 : expect13;
	size_t horizon = hist_horizon(u);

	nlines = 0;
	line(0, A_DIM, "%s key schedule%s", v == 0x0303 ? "TLS 1.2" : "TLS 1.3",
	     horizon < u->nev ? " as of the selected stage" : "");
	for (int lv = 0; lv < LV_N; lv++) {
		line(0, A_BOLD | A_UNDERLINE, "%s", level_title[lv]);
		if (lv == LV_PAIR && u->opts.engine.mode == ENGINE_REPLAY)
			/* a capture has no key pairs to show; say why rather than leave a gap */
			draw_wrap(strstr(u->st.suite, "TLS_RSA_WITH_")
					  ? "none: static RSA key transport. The client encrypted the premaster "
					    "secret to the certificate's key, so that key decrypts the session "
					    "(no forward secrecy)."
					  : "not in a capture: a key log holds secrets, never the ephemeral "
					    "private keys.",
				  width - 5 > 20 ? width - 5 : 20, wrap_line, NULL);
		for (const struct expect *k = x; k->name; k++)
			if (k->lv == (enum level)lv)
				key_lines(u, strstr(u->st.group, "ffdhe") && !strcmp(k->name, "ecdhe_shared_secret")
						     ? "dhe_shared_secret" : k->name, horizon, width);
		/* keys the engine reports that the expected list does not name */
		for (size_t i = 0; i < horizon; i++) {
			const struct event *e = hist_get(u, i);
			bool known = false, dup = false;

			if (!e || e->type != EV_KEY || !e->u.key.name || guess_level(e->u.key.name) != (enum level)lv)
				continue;
			for (const struct expect *k = x; k->name && !known; k++)
				known = !strcmp(k->name, e->u.key.name);
			known |= strstr(u->st.group, "ffdhe") && !strcmp(e->u.key.name, "dhe_shared_secret");
			for (size_t j = 0; j < i && !dup; j++) {
				const struct event *f = hist_get(u, j);

				dup = f && f->type == EV_KEY && f->u.key.name && !strcmp(f->u.key.name, e->u.key.name);
			}
			if (!known && !dup)
				key_lines(u, e->u.key.name, horizon, width);
		}
	}
}

/* Draw the chain, or the lock in the eavesdropper view. */
static void keys_draw(struct ui *u, struct pane *p)
{
	WINDOW *w = p->win;
	int ih = p->h - 2, top;

	if (u->view == VIEW_EAVESDROPPER) {
		draw_fmt(w, 1, 2, p->w - 4, A_BOLD, "%s locked: eavesdropper view", glyph(u, G_LOCK));
		draw_str(w, 2, 2, p->w - 4, "An eavesdropper has no private key and no secret.", A_NORMAL);
		draw_str(w, 3, 2, p->w - 4, "Press e for the insider view.", A_DIM);
		return;
	}
	build(u, p->w - 2);
	p->nrows = nlines;
	if (p->cur < 0)
		p->cur = 0;
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
