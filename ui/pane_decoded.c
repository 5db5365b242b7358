/* Decoded pane: the field tree of the selected message (or the header and
 * protection facts of a record, the flags of a packet, the lines of HTTP).
 * Moving here highlights the field's bytes in the Wire pane. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DROWS_MAX (1 << 20) /* a 16 KiB record has at most 16,384 lines */

static struct drow *drows;
static bool *collapsed;
static int *vis;
static int dcap;
static long collapsed_for = -3; /* the selection (history index) the collapse state belongs to */

/* Room for row n in the row arrays. */
static bool drows_room(int n)
{
	int cap = dcap ? dcap : 256;
	struct drow *d;
	bool *c;
	int *v;

	if (n < dcap)
		return true;
	if (n >= DROWS_MAX)
		return false;
	while (cap <= n)
		cap *= 2;
	d = realloc(drows, (size_t)cap * sizeof *d);
	if (d)
		drows = d;
	c = realloc(collapsed, (size_t)cap * sizeof *c);
	if (c)
		collapsed = c;
	v = realloc(vis, (size_t)cap * sizeof *v);
	if (v)
		vis = v;
	if (!d || !c || !v)
		return false;
	memset(collapsed + dcap, 0, (size_t)(cap - dcap) * sizeof *c);
	dcap = cap;
	return true;
}

/* The record (or packet) whose bytes the Wire pane shows, as the view
 * shows it (the eavesdropper's projection has no plaintext). */
void wire_selection(struct ui *u, struct wire_sel *ws)
{
	struct event buf;
	const struct event *e;
	long ri;

	memset(ws, 0, sizeof *ws);
	if (u->sel_ev < 0 || !hist_get(u, (size_t)u->sel_ev))
		return;
	e = hist_view(u, (size_t)u->sel_ev, &buf);
	if (e && e->type == EV_PACKET) {
		ws->view = *e;
		ws->ev = &ws->view;
		ws->wire = e->u.packet.bytes;
		ws->wlen = e->u.packet.len;
		return;
	}
	ri = hist_record_of(u, (size_t)u->sel_ev);
	e = ri >= 0 ? hist_view(u, (size_t)ri, &buf) : NULL;
	if (!e || e->type != EV_RECORD)
		return;
	ws->view = *e;
	ws->ev = &ws->view;
	ws->wire = e->u.record.bytes;
	ws->wlen = e->u.record.len;
	if (e->u.record.encrypted && e->u.record.decrypted) {
		ws->plain = e->u.record.plain;
		ws->plen = e->u.record.plain_len;
	}
}

/* Append a row; returns it (or a scratch row when full). */
static struct drow *add(int *n, int depth, const char *name, long off, long len, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static struct drow *add(int *n, int depth, const char *name, long off, long len, const char *fmt, ...)
{
	static struct drow scratch;
	struct drow *r = drows_room(*n) ? &drows[(*n)++] : &scratch;
	va_list ap;

	memset(r, 0, sizeof *r);
	r->depth = (uint8_t)depth;
	snprintf(r->name, sizeof r->name, "%s", name ? name : "");
	r->off = off;
	r->len = len;
	r->value[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		r->cut = vsnprintf(r->value, sizeof r->value, fmt, ap) >= (int)sizeof r->value;
		va_end(ap);
		if (r->cut) /* do not end inside a UTF-8 sequence */
			for (size_t k = strlen(r->value); k > 0 && ((unsigned char)r->value[k - 1] & 0xc0) == 0x80; k--)
				r->value[k - 1] = '\0';
	}
	return r;
}

/* Rows of a record (as the view shows it): header fields and what
 * protects the fragment. */
static void rows_record(struct ui *u, const struct ev_record *r, int *n)
{
	bool eve = u->view == VIEW_EAVESDROPPER;

	add(n, 0, "record", 0, (long)r->len, "#%llu, %zu bytes on the wire", (unsigned long long)r->index, r->len);
	add(n, 1, "content_type", 0, 1, "%u (%s)", r->content_type, content_type_name(r->content_type));
	add(n, 1, "legacy_record_version", 1, 2, "0x%04x", r->version);
	add(n, 1, "length", 3, 2, "%u", r->length);
	if (!r->encrypted) {
		add(n, 1, "fragment", 5, (long)r->len - 5, "plaintext, %u bytes", r->length);
		return;
	}
	add(n, 1, "encrypted_fragment", 5, (long)r->len - 5, "ciphertext, %u bytes", r->length);
	if (r->nonce_len)
		add(n, 2, "explicit_nonce", r->nonce_off, r->nonce_len, "%u bytes, sent in the clear", r->nonce_len);
	if (r->tag_len)
		add(n, 2, "auth_tag", r->tag_off, r->tag_len, "%u bytes", r->tag_len);
	if (r->decrypted) {
		add(n, 1, "decrypted", -1, -1, "yes: tag verified");
		add(n, 1, "inner_content_type", -1, -1, "%u (%s)", r->inner_type, content_type_name(r->inner_type));
		add(n, 1, "plaintext", (long)r->len, (long)r->plain_len, "%zu bytes", r->plain_len);
	} else if (r->auth_failed) {
		add(n, 1, "decrypted", -1, -1, "NO: authentication failed (tampered or wrong key)");
	} else {
		add(n, 1, "decrypted", -1, -1, "no: %s", r->why_not ? r->why_not : "no keys");
	}
	if (eve)
		add(n, 1, "(insider view)", -1, -1, "press e to see what the keys reveal");
}

/* Build the rows of the selected item as the view shows it (an item the
 * eavesdropper cannot see shows its record instead); hidden ones are marked. */
static int build(struct ui *u)
{
	struct event buf;
	const struct event *e = u->sel_ev >= 0 ? hist_view(u, (size_t)u->sel_ev, &buf) : NULL;
	bool eve = u->view == VIEW_EAVESDROPPER;
	struct wire_sel ws;
	int n = 0;

	wire_selection(u, &ws);
	if (!e && u->sel_ev >= 0 && ws.ev && ws.ev->type == EV_RECORD)
		e = ws.ev;
	if (!e)
		return 0;
	if (e->type == EV_UI_RUN) {
		const struct hrun *r = (const struct hrun *)e;
		char sz[32];

		add(&n, 0, "run", -1, -1, "records #%llu to #%llu %s, folded (not kept in memory)",
		    (unsigned long long)r->first_index, (unsigned long long)(r->first_index + r->count - 1),
		    dir_name(e->dir) ? dir_name(e->dir) : "");
		add(&n, 1, "records", -1, -1, "%llu", (unsigned long long)r->count);
		hist_size(r->wire_bytes, sz, sizeof sz);
		add(&n, 1, "bytes_on_the_wire", -1, -1, "%llu (%s)", (unsigned long long)r->wire_bytes, sz);
		add(&n, 1, "tcp_segments", -1, -1, "%llu", (unsigned long long)r->packets);
		if (!eve) {
			add(&n, 1, "decrypted", -1, -1, "%llu of %llu", (unsigned long long)r->decrypted,
			    (unsigned long long)r->count);
			hist_size(r->plain_bytes, sz, sizeof sz);
			add(&n, 1, "plaintext_bytes", -1, -1, "%llu (%s)", (unsigned long long)r->plain_bytes, sz);
		}
		add(&n, 1, "(how)", -1, -1, "enter in Stages lists the records; selecting one reads it back from the file");
	}
	switch (e->type) {
	case EV_HANDSHAKE: {
		const struct ev_handshake *h = &e->u.hs;
		long base = h->encrypted ? (long)ws.wlen + h->record_off : 5 + (long)h->record_off;

		if (!ws.ev)
			base = -1;
		add(&n, 0, h->msg, base, base < 0 ? -1 : (long)h->len, "type %u, %zu bytes%s", h->msg_type, h->len,
		    h->encrypted ? ", arrived encrypted" : "");
		for (size_t i = 0; i < h->nfields; i++) {
			const struct field *f = &h->fields[i];

			add(&n, 1 + f->depth, f->name, base < 0 ? -1 : base + (long)f->off, base < 0 ? -1 : (long)f->len,
			    "%s", f->value ? f->value : "");
		}
		break;
	}
	case EV_RECORD:
		rows_record(u, &e->u.record, &n);
		break;
	case EV_PACKET: {
		const struct ev_packet *pk = &e->u.packet;

		add(&n, 0, "tcp_segment", 0, (long)pk->len, "frame %llu, %zu bytes", (unsigned long long)pk->frame, pk->len);
		add(&n, 1, "headers", 0, (long)pk->payload_off, "link + IP + TCP, %zu bytes", pk->payload_off);
		add(&n, 2, "flags", -1, -1, "%s%s%s%s%s", pk->tcp_flags & TH_SYN ? "SYN " : "",
		    pk->tcp_flags & TH_ACK ? "ACK " : "", pk->tcp_flags & TH_FIN ? "FIN " : "",
		    pk->tcp_flags & TH_RST ? "RST " : "", pk->tcp_flags & 0x08 ? "PSH" : "");
		add(&n, 2, "seq", -1, -1, "%u", pk->seq);
		add(&n, 2, "ack", -1, -1, "%u", pk->ack);
		add(&n, 2, "window", -1, -1, "%u", pk->window);
		add(&n, 1, "payload", (long)pk->payload_off, (long)pk->payload_len, "%zu bytes", pk->payload_len);
		break;
	}
	case EV_APP_DATA: {
		const uint8_t *d = e->u.app.data;
		size_t len = e->u.app.len, s = 0;

		add(&n, 0, "application_data", ws.plain ? (long)ws.wlen : -1, ws.plain ? (long)len : -1,
		    "%zu bytes, decrypted", len);
		while (s < len && n < DROWS_MAX - 1) {
			size_t t = s;
			char line[160];
			size_t o = 0;

			while (t < len && d[t] != '\n')
				t++;
			for (size_t i = s; i < t && o + 1 < sizeof line; i++)
				if (d[i] != '\r')
					line[o++] = d[i] >= 0x20 && d[i] < 0x7f ? (char)d[i] : '.';
			line[o] = '\0';
			add(&n, 1, "", ws.plain ? (long)(ws.wlen + s) : -1, (long)(t - s), "%s", line);
			s = t + 1;
		}
		break;
	}
	case EV_ALERT:
		add(&n, 0, "alert", -1, -1, "%s", e->u.alert.encrypted ? "decrypted" : "plaintext");
		add(&n, 1, "level", -1, -1, "%u (%s)", e->u.alert.level, e->u.alert.level_name ? e->u.alert.level_name : "?");
		add(&n, 1, "description", -1, -1, "%u (%s)", e->u.alert.desc, e->u.alert.desc_name ? e->u.alert.desc_name : "?");
		break;
	case EV_CCS:
		add(&n, 0, "change_cipher_spec", -1, -1, "one byte, value 1");
		break;
	case EV_ERROR:
		add(&n, 0, "error", -1, -1, "%s", e->u.error.what ? e->u.error.what : "");
		add(&n, 1, "", -1, -1, "%s", e->u.error.text ? e->u.error.text : "");
		break;
	case EV_NOTE:
		add(&n, 0, e->u.note.level, -1, -1, "%s", e->u.note.text ? e->u.note.text : "");
		break;
	default:
		break;
	}
	/* groups, and hiding what a collapsed group holds */
	if (collapsed_for != u->sel_ev) {
		if (dcap)
			memset(collapsed, 0, (size_t)dcap * sizeof *collapsed);
		collapsed_for = u->sel_ev;
	}
	for (int i = 0; i < n; i++) {
		drows[i].group = i + 1 < n && drows[i + 1].depth > drows[i].depth;
		drows[i].collapsed = collapsed[i] && drows[i].group;
	}
	return n;
}

/* Is row i inside a collapsed group? */
static bool hidden(int i)
{
	int d = drows[i].depth;

	for (int j = i - 1; j >= 0 && d > 0; j--) {
		if (drows[j].depth < d) {
			if (drows[j].collapsed)
				return true;
			d = drows[j].depth;
		}
	}
	return false;
}

/* Rows of the selected item, for the Wire pane's reverse lookup. */
int decoded_rows(struct ui *u, struct drow *out, int cap)
{
	int n = build(u);

	if (!out)
		return n;
	if (n > cap)
		n = cap;
	if (n > 0)
		memcpy(out, drows, (size_t)n * sizeof *out);
	return n;
}

/* Visible row index list; returns the count. */
static int visible(int n, int *out)
{
	int m = 0;

	for (int i = 0; i < n && i < dcap; i++)
		if (!hidden(i))
			out[m++] = i;
	return m;
}

/* Publish the cursor row's byte range to the Wire pane. */
static void publish(struct ui *u, int row)
{
	u->sel_field = row;
	if (row >= 0 && drows[row].off >= 0) {
		u->hl_off = drows[row].off;
		u->hl_len = drows[row].len;
	} else {
		u->hl_off = u->hl_len = -1;
	}
}

/* Draw the tree. */
static void decoded_draw(struct ui *u, struct pane *p)
{
	int n = build(u), m, ih = p->h - 2, top;
	WINDOW *w = p->win;

	if (!n) {
		u->hl_off = u->hl_len = -1;
		draw_str(w, 1, 2, p->w - 4, "select a message in Stages (tab, arrows)", A_DIM);
		return;
	}
	if (u->sel_field >= n)
		u->sel_field = -1;
	/* a field picked elsewhere (the Wire pane) opens its parents */
	if (u->sel_field >= 0)
		for (int j = u->sel_field - 1, d = drows[u->sel_field].depth; j >= 0 && d > 0; j--)
			if (drows[j].depth < d) {
				collapsed[j] = drows[j].collapsed = false;
				d = drows[j].depth;
			}
	m = visible(n, vis);
	p->nrows = m;
	p->cur = 0;
	for (int i = 0; i < m; i++)
		if (vis[i] == u->sel_field)
			p->cur = i;
	top = pane_scroll(p, ih);
	if (u->sel_field < 0) {
		if (u->wire_match < 0)
			u->hl_off = u->hl_len = -1;
	} else {
		publish(u, u->sel_field);
	}
	for (int i = 0; i < ih && top + i < m; i++) {
		const struct drow *r = &drows[vis[top + i]];
		bool sel = vis[top + i] == u->sel_field;
		attr_t a = sel ? A_REVERSE : A_NORMAL;
		int x = 1 + 2 * r->depth, c;

		if (x > p->w / 2)
			x = p->w / 2;
		if (sel)
			mvwhline(w, 1 + i, 1, ' ' | A_REVERSE, p->w - 2);
		draw_str(w, 1 + i, x, 1, r->group ? glyph(u, r->collapsed ? G_TRIANGLE : G_TRI_DOWN) : " ", a);
		c = draw_clip(u, w, 1 + i, x + 2, p->w - x - 3, r->name, a | (r->depth == 0 ? A_BOLD : 0), false);
		if (r->value[0] && x + 2 + c + 2 < p->w - 1)
			draw_clip(u, w, 1 + i, x + 2 + c + (r->name[0] ? 2 : 0), p->w - (x + 2 + c + 2) - 1, r->value, a,
				  r->cut);
	}
}

/* Movement picks a field; enter folds a group. */
static bool decoded_key(struct ui *u, struct pane *p, int ch)
{
	int n = build(u), m = visible(n, vis);

	if (!m)
		return false;
	p->nrows = m;
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER || ch == 'l' || ch == 'h' || ch == KEY_RIGHT || ch == KEY_LEFT) {
		int row = vis[p->cur < m ? p->cur : 0];

		if (drows[row].group) {
			bool want = ch == '\n' || ch == '\r' || ch == KEY_ENTER ? !collapsed[row] : (ch == 'h' || ch == KEY_LEFT);

			collapsed[row] = want;
		}
		publish(u, row);
		return true;
	}
	if (!pane_list_key(p, ch))
		return false;
	u->wire_match = -1;
	publish(u, vis[p->cur]);
	return true;
}

/* A click picks a field. */
static void decoded_click(struct ui *u, struct pane *p, int y, int x)
{
	int n = build(u), m = visible(n, vis);

	(void)x;
	if (p->top + y >= m)
		return;
	p->cur = p->top + y;
	u->wire_match = -1;
	publish(u, vis[p->cur]);
}

const struct pane_ops pane_decoded = {
	.name = "Decoded",
	.draw = decoded_draw,
	.key = decoded_key,
	.click = decoded_click,
};
