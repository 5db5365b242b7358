/* Wire pane: hex + ASCII of the selected record (or packet) exactly as
 * captured, with the record header, explicit nonce, ciphertext, auth tag and
 * padding marked; in the insider view the decrypted fragment follows. The
 * decoded field under the cursor is highlighted, and moving the byte cursor
 * here selects the field that holds the byte. */
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes per hex line that fit the inner width. */
static int bytes_per_line(struct pane *p)
{
	int inner = p->w - 2;

	/* "0000 " then "xx " per byte then one ASCII column per byte: as many
	 * as the width holds, so a wide Wire (bytes layout, zoomed, 200
	 * columns) shows more of a record at once */
	static const int widths[] = { 48, 32, 24, 16, 8 };

	for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++)
		if (inner >= 5 + widths[i] * 4)
			return widths[i];
	return 4;
}

/* The role of byte i of the selection's byte space. */
static enum role byte_role(struct ui *u, const struct wire_sel *ws, size_t i)
{
	const struct ev_record *r;
	size_t content_end;

	if (i >= ws->wlen)
		return R_PLAIN; /* decrypted fragment (insider view) */
	if (ws->ev->type == EV_PACKET)
		return i < ws->ev->u.packet.payload_off ? R_HEADER : R_NORMAL;
	r = &ws->ev->u.record;
	if (i < 5)
		return R_HEADER;
	if (!r->encrypted)
		return R_PLAIN;
	if (r->nonce_len && i >= r->nonce_off && i < (size_t)r->nonce_off + r->nonce_len)
		return R_NONCE;
	if (r->tag_len && i >= r->tag_off && i < (size_t)r->tag_off + r->tag_len)
		return R_TAG;
	if (r->decrypted) {
		/* the AEAD/CBC ciphertext maps byte for byte onto the plaintext:
		 * content, (TLS 1.3) inner type, then padding */
		struct event fb;
		const struct ev_facts *f = hist_facts(u, &fb);

		content_end = 5 + r->nonce_len + r->plain_len + (f && f->version == 0x0304 ? 1 : 0);
		if (i >= content_end)
			return R_PAD;
	}
	return R_CIPHER;
}

/* The byte of the selected record the tamper scenario flipped, or -1. */
static long flipped_byte(struct ui *u, const struct wire_sel *ws)
{
	const struct ev_record *r;

	if (!u->flip_ok || !ws->ev || ws->ev->type != EV_RECORD || ws->ev->conn != u->flip_conn ||
	    ws->ev->dir != u->flip_dir)
		return -1;
	r = &ws->ev->u.record;
	if (u->flip_off < r->stream_off || u->flip_off - r->stream_off >= ws->wlen)
		return -1;
	return (long)(u->flip_off - r->stream_off);
}

/* True if the selection is a record whose tag/MAC did not verify. */
static bool auth_failed(const struct wire_sel *ws)
{
	return ws->ev && ws->ev->type == EV_RECORD && ws->ev->u.record.auth_failed;
}

/* Lines of content: 2 heading lines, wire hex, [separator, plain hex], or
 * after the hex one line saying the authentication failed. */
static int wire_lines(const struct wire_sel *ws, int bpl, int *plain_start)
{
	int wl = (int)((ws->wlen + (size_t)bpl - 1) / (size_t)bpl);
	int pl = ws->plen ? (int)((ws->plen + (size_t)bpl - 1) / (size_t)bpl) : 0;

	*plain_start = 2 + wl + 1;
	return 2 + wl + (pl ? 1 + pl : auth_failed(ws) ? 1 : 0);
}

/* Byte index shown at (line, column k) or -1. */
static long line_byte(const struct wire_sel *ws, int bpl, int line, int k, int plain_start)
{
	long b;

	if (line >= 2 && line < plain_start - 1) {
		b = (long)(line - 2) * bpl + k;
		return b < (long)ws->wlen ? b : -1;
	}
	if (ws->plen && line >= plain_start) {
		b = (long)(line - plain_start) * bpl + k;
		return b < (long)ws->plen ? (long)ws->wlen + b : -1;
	}
	return -1;
}

/* The content line that shows byte b. */
static int byte_line(const struct wire_sel *ws, int bpl, long b, int plain_start)
{
	if (b < (long)ws->wlen)
		return 2 + (int)(b / bpl);
	return plain_start + (int)((b - (long)ws->wlen) / bpl);
}

/* The heading: what the bytes are. */
static void heading(struct ui *u, struct pane *p, const struct wire_sel *ws)
{
	WINDOW *w = p->win;
	int x = 2, W = p->w - 4;
	static const struct {
		enum role r;
		const char *name;
	} legend[] = {
		{ R_HEADER, "header" }, { R_PLAIN, "plaintext" }, { R_CIPHER, "ciphertext" },
		{ R_NONCE, "nonce" },   { R_TAG, "tag/MAC" },     { R_PAD, "padding" },
		{ R_SEL, "field" },
	};

	if (ws->ev->type == EV_PACKET)
		draw_fmt(w, 1, x, W, A_BOLD, "frame %llu %s, %zu bytes (TCP payload at %zu)",
			 (unsigned long long)ws->ev->u.packet.frame, dir_name(ws->ev->dir) ? dir_name(ws->ev->dir) : "",
			 ws->wlen, ws->ev->u.packet.payload_off);
	else {
		const struct ev_record *r = &ws->ev->u.record;

		draw_fmt(w, 1, x, W, A_BOLD, "record #%llu %s %s %zu B %s", (unsigned long long)r->index,
			 dir_name(ws->ev->dir) ? dir_name(ws->ev->dir) : "", content_type_name(r->content_type), ws->wlen,
			 !r->encrypted ? "(plaintext)"
			 : r->decrypted ? "(encrypted; decrypted below)"
			 : r->auth_failed ? "(encrypted; TAG FAILED)"
			 : u->view == VIEW_EAVESDROPPER ? "(encrypted)" : "(encrypted; no key)");
	}
	if (flipped_byte(u, ws) >= 0)
		/* first, so that a narrow pane still shows it */
		x += draw_fmt(w, 2, x, p->w - 2 - x, draw_attr(u, R_WARN) | A_BOLD | A_UNDERLINE | A_REVERSE,
			      "flipped in transit @%04lx", flipped_byte(u, ws)) + 1;
	for (size_t i = 0; i < sizeof legend / sizeof legend[0]; i++) {
		if (x + (int)strlen(legend[i].name) + 1 > p->w - 2)
			break;
		x += draw_str(w, 2, x, p->w - 2 - x, legend[i].name, draw_attr(u, legend[i].r)) + 1;
	}
}

/* Draw the hex dump. */
static void wire_draw(struct ui *u, struct pane *p)
{
	static const uint8_t *last_wire;
	static long last_hl = -2;
	struct wire_sel ws;
	WINDOW *w = p->win;
	int bpl = bytes_per_line(p), plain_start, nl, ih = p->h - 2;
	long flip;

	wire_selection(u, &ws);
	if (!ws.ev) {
		draw_str(w, 1, 2, p->w - 4, "no record selected", A_DIM);
		return;
	}
	flip = flipped_byte(u, &ws);
	nl = wire_lines(&ws, bpl, &plain_start);
	p->nrows = nl;
	if (ws.wire != last_wire) {
		last_wire = ws.wire;
		p->top = 0;
	}
	if (u->wire_cur >= (long)(ws.wlen + ws.plen))
		u->wire_cur = -1;
	/* keep the cursor, else a newly highlighted field, in view: content
	 * line k shows at row k - top, below the two heading rows */
	if (u->wire_cur >= 0) {
		p->cur = byte_line(&ws, bpl, u->wire_cur, plain_start);
		if (p->cur < p->top + 2)
			p->top = p->cur - 2;
		if (p->cur >= p->top + ih)
			p->top = p->cur - ih + 1;
	} else if (u->hl_off >= 0 && u->hl_off != last_hl) {
		p->cur = byte_line(&ws, bpl, u->hl_off, plain_start);
		if (p->cur < p->top + 2 || p->cur >= p->top + ih)
			p->top = p->cur - 2;
	}
	if (p->top > nl - ih)
		p->top = nl - ih;
	if (p->top < 0)
		p->top = 0;
	last_hl = u->hl_off;
	heading(u, p, &ws);
	for (int i = 2; i < ih; i++) {
		int line = p->top + i;
		long b0;
		char off[24];

		if (line >= nl)
			break;
		if (ws.plen && line == plain_start - 1) {
			draw_fmt(w, 1 + i, 2, p->w - 4, draw_attr(u, R_PLAIN) | A_BOLD,
				 "decrypted fragment, %zu bytes, inner type %s (insider view)", ws.plen,
				 content_type_name(ws.ev->u.record.inner_type));
			continue;
		}
		if (!ws.plen && line == plain_start - 1 && auth_failed(&ws)) {
			draw_str(w, 1 + i, 2, p->w - 4,
				 u->view == VIEW_INSIDER
				 ? "AUTHENTICATION FAILED: tag mismatch, the receiver drops the record"
				 : "(e: the insider view shows whether it authenticates)",
				 u->view == VIEW_INSIDER ? draw_attr(u, R_WARN) | A_BOLD : A_DIM);
			continue;
		}
		b0 = line_byte(&ws, bpl, line, 0, plain_start);
		if (b0 < 0)
			continue;
		snprintf(off, sizeof off, "%04lx", b0 >= (long)ws.wlen ? b0 - (long)ws.wlen : b0);
		draw_str(w, 1 + i, 1, 4, off, A_DIM);
		for (int k = 0; k < bpl; k++) {
			long b = line_byte(&ws, bpl, line, k, plain_start);
			uint8_t v;
			attr_t a;
			char hx[8], ch[2];

			if (b < 0)
				break;
			v = b >= (long)ws.wlen ? ws.plain[b - (long)ws.wlen] : ws.wire[b];
			a = draw_attr(u, byte_role(u, &ws, (size_t)b));
			if (b == flip)
				a = draw_attr(u, R_WARN) | A_BOLD | A_UNDERLINE | A_REVERSE;
			if ((u->hl_off >= 0 && b >= u->hl_off && b < u->hl_off + u->hl_len) || b == u->wire_cur)
				a = (a & ~A_UNDERLINE) | A_REVERSE;
			snprintf(hx, sizeof hx, "%02x", v);
			draw_str(w, 1 + i, 6 + k * 3, 2, hx, a);
			ch[0] = v >= 0x20 && v < 0x7f ? (char)v : '.';
			ch[1] = '\0';
			draw_str(w, 1 + i, 6 + bpl * 3 + k, 1, ch, a);
		}
	}
}

/* Select the deepest decoded field holding the cursor byte. */
static void pick_field(struct ui *u)
{
	static struct drow *rows;
	static int cap;
	int n = decoded_rows(u, NULL, 0), best = -1;

	if (n > cap) {
		struct drow *r = realloc(rows, (size_t)n * sizeof *r);

		if (!r)
			return;
		rows = r;
		cap = n;
	}
	n = decoded_rows(u, rows, cap);

	for (int i = 0; i < n; i++)
		if (rows[i].off >= 0 && u->wire_cur >= rows[i].off && u->wire_cur < rows[i].off + rows[i].len &&
		    (best < 0 || rows[i].depth >= rows[best].depth))
			best = i;
	u->sel_field = best;
	u->wire_match = -1;
}

/* Byte cursor movement. */
static bool wire_key(struct ui *u, struct pane *p, int ch)
{
	struct wire_sel ws;
	int bpl = bytes_per_line(p), page = (p->h - 4) * bpl;
	long max, c;

	wire_selection(u, &ws);
	if (!ws.ev)
		return false;
	max = (long)(ws.wlen + ws.plen) - 1;
	c = u->wire_cur >= 0 ? u->wire_cur : u->hl_off >= 0 ? u->hl_off : 0;
	switch (ch) {
	case KEY_LEFT: case 'h': c--; break;
	case KEY_RIGHT: case 'l': c++; break;
	case KEY_UP: case 'k': c -= bpl; break;
	case KEY_DOWN: case 'j': c += bpl; break;
	case KEY_PPAGE: c -= page; break;
	case KEY_NPAGE: c += page; break;
	case 'g': case KEY_HOME: c = 0; break;
	case 'G': case KEY_END: c = max; break;
	default: return false;
	}
	if (c < 0)
		c = 0;
	if (c > max)
		c = max;
	u->wire_cur = c;
	pick_field(u);
	return true;
}

/* A click on a hex or ASCII cell moves the byte cursor there. */
static void wire_click(struct ui *u, struct pane *p, int y, int x)
{
	struct wire_sel ws;
	int bpl = bytes_per_line(p), plain_start, k = -1;
	long b;

	wire_selection(u, &ws);
	if (!ws.ev)
		return;
	wire_lines(&ws, bpl, &plain_start);
	x += 1; /* window column */
	if (x >= 6 && x < 6 + bpl * 3)
		k = (x - 6) / 3;
	else if (x >= 6 + bpl * 3 && x < 6 + bpl * 4)
		k = x - 6 - bpl * 3;
	if (k < 0)
		return;
	b = line_byte(&ws, bpl, p->top + y, k, plain_start);
	if (b >= 0) {
		u->wire_cur = b;
		pick_field(u);
	}
}

const struct pane_ops pane_wire = {
	.name = "Wire",
	.draw = wire_draw,
	.key = wire_key,
	.click = wire_click,
};
