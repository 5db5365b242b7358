/* Drawing helpers: colours and monochrome attributes per role, clipped and
 * sanitized strings, boxes, word wrap, list scrolling. */
#include "ui.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Colour pair per role (foreground on the default background). */
static const short role_fg[R_NROLES] = {
	[R_HEADER] = COLOR_CYAN, [R_CIPHER] = COLOR_RED, [R_TAG] = COLOR_YELLOW,
	[R_NONCE] = COLOR_MAGENTA, [R_PAD] = COLOR_BLUE, [R_PLAIN] = COLOR_GREEN,
	[R_TITLE] = COLOR_WHITE, [R_FOCUS] = COLOR_YELLOW, [R_CURRENT] = COLOR_YELLOW,
	[R_CLIENT] = COLOR_GREEN, [R_SERVER] = COLOR_CYAN, [R_WARN] = COLOR_RED,
};

/* Monochrome attributes: every distinction survives without colour. */
static const attr_t role_mono[R_NROLES] = {
	[R_HEADER] = A_UNDERLINE,
	[R_CIPHER] = A_BOLD,
	[R_TAG] = A_BOLD | A_UNDERLINE,
	[R_NONCE] = A_DIM | A_UNDERLINE,
	[R_PAD] = A_DIM,
	[R_PLAIN] = A_NORMAL,
	[R_SEL] = A_REVERSE,
	[R_DIM] = A_DIM,
	[R_TITLE] = A_BOLD,
	[R_FOCUS] = A_BOLD,
	[R_CURRENT] = A_BOLD | A_UNDERLINE,
	[R_WARN] = A_BOLD,
};

/* Set up colour pairs when the terminal has colours and NO_COLOR is unset. */
void draw_init(struct ui *u)
{
	const char *nc = getenv("NO_COLOR");

	u->color = !u->opts.no_color && !(nc && *nc) && has_colors();
	if (!u->color)
		return;
	start_color();
	use_default_colors();
	for (int r = 1; r < R_NROLES; r++)
		if (role_fg[r])
			init_pair((short)r, role_fg[r], -1);
	init_pair(R_TITLE, COLOR_BLACK, COLOR_WHITE);
}

/* The attribute to draw a role with. */
attr_t draw_attr(struct ui *u, enum role r)
{
	attr_t a = role_mono[r];

	if (!u->color)
		return a;
	switch (r) {
	case R_SEL:
		return A_REVERSE;
	case R_DIM:
		return A_DIM;
	case R_TITLE:
		return COLOR_PAIR(R_TITLE);
	case R_CIPHER:
	case R_TAG:
	case R_NONCE:
	case R_HEADER:
	case R_PAD:
		/* keep the monochrome mark too: colour-blind readers and projectors */
		return COLOR_PAIR(r) | (a & (A_UNDERLINE | A_BOLD));
	case R_NORMAL:
		return A_NORMAL;
	default:
		return COLOR_PAIR(r) | (a & A_BOLD);
	}
}

/* Length of a valid UTF-8 sequence starting at s, 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	int n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Print at most maxw columns of s; control bytes and bad UTF-8 become '?'. */
int draw_str(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a)
{
	char buf[1024];
	size_t o = 0;
	int cols = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	bool utf8 = !(MB_CUR_MAX == 1);

	if (maxw <= 0)
		return 0;
	while (*p && cols < maxw && o + 5 < sizeof buf) {
		int n = utf8_len(p);

		if (*p < 0x20 || *p == 0x7f || n == 0 || (n > 1 && !utf8)) {
			buf[o++] = '?';
			p += n ? n : 1;
		} else {
			memcpy(buf + o, p, (size_t)n);
			o += (size_t)n;
			p += n;
		}
		cols++;
	}
	buf[o] = '\0';
	wattron(w, a);
	mvwaddstr(w, y, x, buf);
	wattroff(w, a);
	return cols;
}

/* Columns s takes (one per character; bad bytes count one each). */
int draw_width(const char *s)
{
	int cols = 0;

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; cols++) {
		int n = utf8_len(p);

		p += n ? n : 1;
	}
	return cols;
}

/* draw_str that ends with an ellipsis when s does not fit (or was cut). */
int draw_clip(struct ui *u, WINDOW *w, int y, int x, int maxw, const char *s, attr_t a, bool cut)
{
	const char *ell = glyph(u, G_ELLIPSIS);
	int ew = draw_width(ell), n;

	if (maxw <= 0)
		return 0;
	if (!cut && draw_width(s) <= maxw)
		return draw_str(w, y, x, maxw, s, a);
	if (maxw <= ew)
		return draw_str(w, y, x, maxw, ell, a);
	n = draw_str(w, y, x, maxw - ew, s, a);
	return n + draw_str(w, y, x + n, ew, ell, a);
}

/* printf into draw_str. */
int draw_fmt(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return draw_str(w, y, x, maxw, buf, a);
}

static const char *const glyph_utf8[] = { "─", "│", "▶", "◀", "●", "○", "…", "▸", "▾", "🔒", "↓", "↑" };
static const char *const glyph_ascii[] = { "-", "|", ">", "<", "*", "o", "...", ">", "v", "#", "v", "^" };

/* A line-drawing glyph, ASCII when the locale is not UTF-8 or --ascii. */
const char *glyph(struct ui *u, int which)
{
	if (which == G_LOCK)
		return "#"; /* wide emoji would break column counting */
	return u->ascii ? glyph_ascii[which] : glyph_utf8[which];
}

/* Border and title of a pane; the focused one stands out. */
void draw_box(struct ui *u, struct pane *p, bool focused, const char *title)
{
	WINDOW *w = p->win;
	attr_t a = focused ? draw_attr(u, R_FOCUS) : A_NORMAL;

	wattron(w, a);
	if (u->ascii)
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(w, 0, 0);
	wattroff(w, a);
	draw_fmt(w, 0, 2, p->w - 4, a | A_BOLD, focused ? "[ %s ]" : " %s ", title);
}

/* Greedy word wrap; long words are cut at the width. */
int draw_wrap(const char *text, int width, void (*out)(const char *line, int len, void *arg), void *arg)
{
	int lines = 0;
	const char *p = text;

	if (width < 4)
		width = 4;
	while (*p) {
		const char *nl = strchr(p, '\n');
		int avail = nl ? (int)(nl - p) : (int)strlen(p);
		int cut = avail;

		if (avail > width) {
			/* count columns, not bytes, for UTF-8 text */
			int cols = 0, i = 0, last_space = -1;

			while (i < avail && cols < width) {
				if (p[i] == ' ')
					last_space = i;
				i++;
				while (i < avail && ((unsigned char)p[i] & 0xc0) == 0x80)
					i++;
				cols++;
			}
			cut = i;
			if (i < avail && p[i] != ' ' && last_space > 0)
				cut = last_space;
		}
		out(p, cut, arg);
		lines++;
		p += cut;
		if (*p == '\n' || *p == ' ')
			p++;
	}
	return lines;
}

/* Keep the cursor visible inside inner_h rows; returns the first row. */
int pane_scroll(struct pane *p, int inner_h)
{
	if (inner_h < 1)
		inner_h = 1;
	if (p->cur >= p->nrows)
		p->cur = p->nrows - 1;
	if (p->cur < 0)
		p->cur = 0;
	if (p->cur < p->top)
		p->top = p->cur;
	if (p->cur >= p->top + inner_h)
		p->top = p->cur - inner_h + 1;
	if (p->top > p->nrows - inner_h)
		p->top = p->nrows - inner_h;
	if (p->top < 0)
		p->top = 0;
	return p->top;
}

/* Cursor movement shared by the list panes. */
bool pane_list_key(struct pane *p, int ch)
{
	int page = p->h - 3 > 1 ? p->h - 3 : 1;

	switch (ch) {
	case KEY_UP:
	case 'k':
		p->cur--;
		break;
	case KEY_DOWN:
	case 'j':
		p->cur++;
		break;
	case KEY_PPAGE:
		p->cur -= page;
		break;
	case KEY_NPAGE:
		p->cur += page;
		break;
	case 'g':
	case KEY_HOME:
		p->cur = 0;
		break;
	case 'G':
	case KEY_END:
		p->cur = p->nrows - 1;
		break;
	default:
		return false;
	}
	if (p->cur >= p->nrows)
		p->cur = p->nrows - 1;
	if (p->cur < 0)
		p->cur = 0;
	return true;
}

/* Record content type names. */
const char *content_type_name(uint8_t t)
{
	switch (t) {
	case 20:
		return "change_cipher_spec";
	case 21:
		return "alert";
	case 22:
		return "handshake";
	case 23:
		return "application_data";
	case 24:
		return "heartbeat";
	default:
		return "unknown";
	}
}
