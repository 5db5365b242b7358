/* The TUI main loop: terminal setup and guaranteed restore, layout, status
 * line, overlays (help, connection picker, prompts), and the engine pump
 * (poll on the terminal and engine_fd, engine_poll with a budget). */
#include "ui.h"

#include "core/err.h"
#include "output/filter.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const struct pane_ops *const pane_table[NPANES] = {
	[PANE_LADDER] = &pane_ladder,
	[PANE_DECODED] = &pane_decoded,
	[PANE_WIRE] = &pane_wire,
	[PANE_KEYS] = &pane_keys,
	[PANE_EXPLAIN] = &pane_explain,
};

#define MIN_COLS 80
#define MIN_ROWS 24

/* ---- terminal restore on every exit path ---- */

static volatile sig_atomic_t g_stop;    /* SIGINT/SIGTERM/SIGHUP received */
static volatile sig_atomic_t g_curses;  /* curses owns the terminal */
static struct termios g_saved_tio;
static bool g_have_tio;
static char g_restore_seq[256];         /* precomputed: handlers may not call curses */
static size_t g_restore_len;
static struct sigaction g_old[32];
static const int g_stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static const int g_crash_sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };

/* SIGINT/SIGTERM/SIGHUP: ask the loop to end; it restores the terminal. */
static void on_stop(int sig)
{
	g_stop = sig;
}

/* A crash anywhere (also in a worker thread): restore the terminal with
 * async-signal-safe calls only, then die of the same signal. */
static void on_crash(int sig)
{
	if (g_curses) {
		ssize_t wr = write(STDOUT_FILENO, g_restore_seq, g_restore_len);

		(void)wr;
		if (g_have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_tio);
		g_curses = 0;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Append a terminfo capability to the restore sequence. */
static void restore_add(const char *cap)
{
	char *s = tigetstr((char *)cap);

	if (s && s != (char *)-1 && g_restore_len + strlen(s) < sizeof g_restore_seq) {
		memcpy(g_restore_seq + g_restore_len, s, strlen(s));
		g_restore_len += strlen(s);
	}
}

/* Install the handlers; the old ones come back in signals_restore(). */
static void signals_install(void)
{
	struct sigaction sa;
	const char *mouse_off = "\033[?1000l\033[?1002l\033[?1006l";

	g_restore_len = 0;
	memcpy(g_restore_seq, mouse_off, strlen(mouse_off));
	g_restore_len = strlen(mouse_off);
	restore_add("sgr0");
	restore_add("cnorm");
	restore_add("rmkx");
	restore_add("rmcup");

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	for (size_t i = 0; i < sizeof g_stop_sigs / sizeof g_stop_sigs[0]; i++)
		sigaction(g_stop_sigs[i], &sa, &g_old[g_stop_sigs[i]]);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (size_t i = 0; i < sizeof g_crash_sigs / sizeof g_crash_sigs[0]; i++)
		sigaction(g_crash_sigs[i], &sa, &g_old[g_crash_sigs[i]]);
}

/* Put the previous handlers back. */
static void signals_restore(void)
{
	for (size_t i = 0; i < sizeof g_stop_sigs / sizeof g_stop_sigs[0]; i++)
		sigaction(g_stop_sigs[i], &g_old[g_stop_sigs[i]], NULL);
	for (size_t i = 0; i < sizeof g_crash_sigs / sizeof g_crash_sigs[0]; i++)
		sigaction(g_crash_sigs[i], &g_old[g_crash_sigs[i]], NULL);
}

/* Leave curses mode (idempotent). */
static void term_restore(void)
{
	if (!g_curses)
		return;
	g_curses = 0;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	if (g_have_tio)
		tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_tio);
}

/* ---- messages, selection, restart ---- */

/* Show a one-line message at the bottom. */
void ui_message(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->redraw = true;
}

/* Look at stage s: the ladder moves there, the other panes follow. */
void ui_select_stage(struct ui *u, size_t s)
{
	if (s >= u->nstages)
		return;
	u->sel_stage = s;
	u->sel_ev = -1;
	u->sel_field = -1;
	u->wire_cur = -1;
	u->wire_match = -1;
	u->panes[PANE_LADDER].cur = -1; /* the ladder re-finds the stage's row */
	u->redraw = true;
}

/* Open and start the engine; a message on failure. */
static int ui_engine_start(struct ui *u)
{
	int rc;

	err_clear();
	/* the same words as the batch view: the error names the file */
	rc = engine_open(&u->eng, &u->opts.engine, &u->sink);
	if (rc < 0) {
		u->eng = NULL;
		ui_message(u, "%s", err_msg()[0] ? err_msg() : err_name(rc));
		return rc;
	}
	if (u->keylog[0] && (rc = engine_load_keylog(u->eng, u->keylog)) < 0) {
		ui_message(u, "%s", err_msg());
		engine_close(u->eng);
		u->eng = NULL;
		return rc;
	}
	rc = engine_start(u->eng);
	if (rc < 0) {
		ui_message(u, "%s", err_msg()[0] ? err_msg() : err_name(rc));
		engine_close(u->eng);
		u->eng = NULL;
		return rc;
	}
	u->eng_done = false;
	memset(&u->st, 0, sizeof u->st);
	return 0;
}

/* r: close the engine, forget the history, start a new session. */
void ui_restart(struct ui *u)
{
	engine_conn_read_close(u->cread);
	u->cread = NULL;
	if (u->eng)
		engine_close(u->eng);
	u->eng = NULL;
	hist_clear(u);
	u->sel_stage = 0;
	u->sel_ev = u->sel_field = -1;
	u->wire_cur = u->wire_match = -1;
	u->hit_ev = u->hit_at = -1;
	u->follow = true;
	u->step = u->opts.engine.step;
	u->picker_shown = false;
	for (int i = 0; i < NPANES; i++)
		u->panes[i].top = u->panes[i].cur = 0;
	if (ui_engine_start(u) == 0)
		ui_message(u, "restarted: a new session");
}

/* ---- layout and drawing ---- */

/* Create the pane windows for the current size and layout (or the zoomed
 * pane alone). */
static void layout(struct ui *u)
{
	int H = u->rows - 2, W = u->cols;
	int geo[NPANES][4];

	layout_geometry(&u->lay, 1, H, W, geo);
	if (!layout_focusable(&u->lay, u->focus)) {
		/* the focus was on a pane this layout does not show */
		for (int i = 0; i < NPANES; i++)
			if (layout_focusable(&u->lay, (u->focus + i) % NPANES)) {
				u->focus = (u->focus + i) % NPANES;
				break;
			}
	}
	layout_focus(&u->lay, u->focus);
	layout_geometry(&u->lay, 1, H, W, geo);
	u->relayout = false;
	for (int i = 0; i < NPANES; i++) {
		struct pane *p = &u->panes[i];

		if (p->win)
			delwin(p->win);
		p->win = NULL;
		if (u->rows < MIN_ROWS || u->cols < MIN_COLS)
			continue;
		if (u->zoom >= 0 && u->zoom != i)
			continue;
		if (u->zoom != i && geo[i][2] < 3)
			continue; /* not in this layout, hidden, or shares its place */
		if (u->zoom == i) {
			p->y = 1, p->x = 0, p->h = H, p->w = W;
		} else {
			p->y = geo[i][0], p->x = geo[i][1], p->h = geo[i][2], p->w = geo[i][3];
		}
		p->win = newwin(p->h, p->w, p->y, p->x);
		if (p->ops->resize)
			p->ops->resize(u, p);
	}
}

/* The title of the flight held at its gate, as the ladder shows it: its
 * begin event's, or (until that event arrives) what engine_pending said. */
void ui_held_title(struct ui *u, const struct ev_stage *st, char *out, size_t cap)
{
	const struct event *b = u->held_begin < u->nev ? u->ev[u->held_begin] : NULL;

	if (b && b->type == EV_STAGE && b->u.stage.number == st->number) {
		hist_label(u, u->held_begin, SIZE_MAX, out, cap);
		return;
	}
	if (u->view == VIEW_EAVESDROPPER)
		snprintf(out, cap, "%s", st->dir == DIR_S2C ? "server flight" : "client flight");
	else
		snprintf(out, cap, "%s", st->title && st->title[0] ? st->title : glyph(u, G_ELLIPSIS));
}

/* The status line: mode, view, scenario, stage K of N, version/suite/group
 * (the selected connection's facts), source. */
static void draw_status(struct ui *u)
{
	char line[512], mode[64], scen[48] = "", stage[48], proto[160];
	attr_t a = draw_attr(u, R_TITLE);
	const struct engine_status *st = &u->st;
	struct event fb;
	const struct ev_facts *f = hist_facts(u, &fb);

	snprintf(mode, sizeof mode, "%s", u->opts.engine.mode == ENGINE_REPLAY ? "replay" : u->step ? "step" : "run");
	if (u->opts.engine.mode == ENGINE_REPLAY && st->bytes_total) {
		/* the file is indexed in the background: how far */
		uint64_t done = u->eng_done ? st->bytes_total : st->bytes_done;
		int pct = (int)(done >= st->bytes_total ? 100 : done * 100 / st->bytes_total);
		char bar[11];

		for (int i = 0; i < 10; i++)
			bar[i] = i < pct / 10 ? '#' : '.';
		bar[10] = '\0';
		if (u->eng_done)
			snprintf(mode, sizeof mode, "replay, indexed 100 %%");
		else
			snprintf(mode, sizeof mode, "replay, indexing [%s] %3d %%", bar, pct);
	} else if (u->opts.engine.mode == ENGINE_LIVE && !u->opts.engine.serve) {
		/* the scenario the session runs (S picks another), once the
		 * session has said which (--tls 1.2 alone is tls12) */
		if (st->scenario && st->scenario[0])
			snprintf(scen, sizeof scen, " | scenario %s", st->scenario);
	}
	if (u->nstages)
		snprintf(stage, sizeof stage, "stage %u of %u%s", (unsigned)u->stages[u->sel_stage].number,
			 (unsigned)hist_total(u), hist_total_final(u) ? "" : " so far");
	else
		snprintf(stage, sizeof stage, "stage -");
	if (f)
		snprintf(proto, sizeof proto, "%s %s %s",
			 f->version == 0x0304 ? "TLS 1.3" : f->version == 0x0303 ? "TLS 1.2" : "TLS ?",
			 f->suite_name ? f->suite_name : "-", f->group_name ? f->group_name : "");
	else
		snprintf(proto, sizeof proto, "TLS ? -");
	snprintf(line, sizeof line, " tlsviz | %s | %s%s%s%s | %s | %s | %s %s %s ", mode,
		 u->view == VIEW_INSIDER ? "insider" : "eavesdropper", u->lay.cur == LAYOUT_FULL ? "" : " | layout ",
		 u->lay.cur == LAYOUT_FULL ? "" : layout_name(u->lay.cur), scen, stage, proto,
		 st->mode ? st->mode : "", st->source ? st->source : "", st->device ? st->device : "");
	attron(a);
	mvhline(0, 0, ' ', u->cols);
	attroff(a);
	draw_str(stdscr, 0, 0, u->cols, line, a);
}

/* The bottom line: prompt, message, or what the session waits for. */
static void draw_bottom(struct ui *u)
{
	struct ev_stage st;
	int y = u->rows - 1;

	move(y, 0);
	clrtoeol();
	if (u->prompt == PROMPT_FILTER) {
		picker_filter_prompt(u, y);
		return;
	}
	if (u->prompt) {
		draw_fmt(stdscr, y, 0, u->cols - 1, A_BOLD, "%s%s_",
			 u->prompt == PROMPT_SEARCH && u->conv_open ? "search the conversation (text): "
			 : u->prompt == PROMPT_SEARCH ? "search (hex or text): "
			 : u->prompt == PROMPT_SAVE ? "save capture with keys as (enter: save, esc: cancel): "
			 : u->prompt == PROMPT_REPORT ? "save an HTML report of this connection as (enter: save, esc: cancel): "
						    : "key log file: ",
			 u->input);
		return;
	}
	if (u->eng && u->step && !u->eng_done && engine_pending(u->eng, &st) == 1) {
		char title[200];
		int n;

		ui_held_title(u, &st, title, sizeof title);
		n = draw_fmt(stdscr, y, 0, u->cols - 1, draw_attr(u, R_CURRENT),
			     "HELD before: #%u %s -- space/n: next stage, c: run to end | ", (unsigned)st.number, title);
		draw_str(stdscr, y, n, u->cols - 1 - n, u->msg, A_NORMAL);
		return;
	}
	if (u->msg[0])
		draw_str(stdscr, y, 0, u->cols - 1, u->msg, A_NORMAL);
	else
		draw_str(stdscr, y, 0, u->cols - 1,
			 u->eng_done ? "finished -- p/b: look back, r: new session, s: save, ?: help, q: quit"
				     : "?: help  space: next  e: eavesdropper/insider  tab: pane  z: zoom  q: quit",
			 A_DIM);
}

/* Centered overlay window with a border; caller fills and refreshes. */
WINDOW *ui_overlay(struct ui *u, int h, int w, const char *title)
{
	WINDOW *win;

	if (h > u->rows - 2)
		h = u->rows - 2;
	if (w > u->cols - 2)
		w = u->cols - 2;
	win = newwin(h, w, (u->rows - h) / 2, (u->cols - w) / 2);
	if (!win)
		return NULL;
	werase(win);
	if (u->ascii)
		wborder(win, '|', '|', '-', '-', '+', '+', '+', '+');
	else
		box(win, 0, 0);
	draw_fmt(win, 0, 2, w - 4, A_BOLD, " %s ", title);
	return win;
}

/* The ? overlay, generated from the key table. */
static void draw_help(struct ui *u)
{
	const struct tui_key *k;
	int n = 0, y = 1;
	WINDOW *w;

	for (k = tui_keys(); k->name; k++)
		n += k->help != NULL;
	w = ui_overlay(u, n + 5, 70, "Keys (? or q closes)");
	if (!w)
		return;
	for (k = tui_keys(); k->name; k++) {
		if (!k->help)
			continue;
		if (y - 1 >= u->help_top && y - u->help_top < getmaxy(w) - 2) {
			draw_str(w, y - u->help_top, 2, 18, k->name, A_BOLD);
			draw_str(w, y - u->help_top, 21, getmaxx(w) - 23, k->help, A_NORMAL);
		}
		y++;
	}
	if (y - u->help_top < getmaxy(w) - 2) {
		draw_str(w, y - u->help_top, 2, 18, "mouse", A_BOLD);
		draw_str(w, y - u->help_top, 21, getmaxx(w) - 23, "click selects a pane and a row", A_NORMAL);
	}
	wnoutrefresh(w);
	delwin(w);
}

/* Redraw everything. */
static void draw_all(struct ui *u)
{
	erase();
	if (u->rows < MIN_ROWS || u->cols < MIN_COLS) {
		const char *m1 = "enlarge the terminal to at least 80x24";
		char m2[64];

		snprintf(m2, sizeof m2, "(now %dx%d; q quits)", u->cols, u->rows);
		int x1 = u->cols > (int)strlen(m1) ? (u->cols - (int)strlen(m1)) / 2 : 0;
		int x2 = u->cols > (int)strlen(m2) ? (u->cols - (int)strlen(m2)) / 2 : 0;

		draw_str(stdscr, u->rows / 2 - 1 > 0 ? u->rows / 2 - 1 : 0, x1, u->cols - x1, m1, A_BOLD);
		draw_str(stdscr, u->rows / 2 > 1 ? u->rows / 2 : 1, x2, u->cols - x2, m2, A_NORMAL);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_status(u);
	draw_bottom(u);
	wnoutrefresh(stdscr);
	/* first the panes whose decisions the others show, drawn or not */
	if (!u->panes[PANE_LADDER].win && u->panes[PANE_LADDER].ops->undrawn)
		u->panes[PANE_LADDER].ops->undrawn(u, &u->panes[PANE_LADDER]);
	for (int i = 0; i < NPANES; i++) {
		struct pane *p = &u->panes[i];

		if (!p->win)
			continue;
		werase(p->win);
		draw_box(u, p, i == u->focus, p->ops->name);
		p->ops->draw(u, p);
		wnoutrefresh(p->win);
	}
	if (u->help)
		draw_help(u);
	else if (u->picker)
		picker_draw(u);
	else if (u->conv_open)
		conv_draw(u);
	else if (u->scen_picker)
		scen_draw(u);
	doupdate();
}

/* ---- input ---- */

/* A key while a prompt is open. */
static void prompt_key(struct ui *u, int ch)
{
	if (ch == 27) {
		u->prompt = PROMPT_NONE;
		return;
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		enum prompt_kind k = u->prompt;

		u->prompt = PROMPT_NONE;
		if (k == PROMPT_FILTER) { /* empty: no filter */
			picker_filter_apply(u);
			return;
		}
		if (!u->input_len)
			return;
		if (k == PROMPT_SEARCH && u->conv_open) {
			u->conv_hit = -1;
			conv_search(u, u->input, true);
		} else if (k == PROMPT_SEARCH) {
			ui_search(u, u->input);
		} else if (k == PROMPT_REPORT) {
			ui_save_report(u, u->input);
		} else if (!u->eng) {
			ui_message(u, "no engine");
		} else if (k == PROMPT_SAVE) {
			if (engine_save(u->eng, u->input) < 0)
				ui_message(u, "save failed: %s", err_msg());
			else
				ui_message(u, "saved %s (pcapng with keys)", u->input);
		} else {
			int n;

			err_clear();
			n = engine_load_keylog(u->eng, u->input);
			if (n < 0) {
				ui_message(u, "%s", err_msg()); /* names the file already */
			} else if (n == 0) {
				ui_message(u, "key log %s: no key log lines in it (nothing added; is it an NSS key log?)",
					   u->input);
			} else {
				/* kept for restarts: r re-reads a capture with it */
				snprintf(u->keylog, sizeof u->keylog, "%s", u->input);
				ui_message(u, "key log %s: %d entries added%s", u->input, n,
					   u->opts.engine.mode == ENGINE_REPLAY ? " (r re-reads the capture with it)" : "");
			}
		}
		return;
	}
	if (ch == 21) { /* C-u: clear the line (the suggested path, say) */
		u->input_len = 0;
		u->input[0] = '\0';
		return;
	}
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && u->input_len) {
		u->input[--u->input_len] = '\0';
		return;
	}
	if (ch >= 0x20 && ch < 0x7f && u->input_len + 1 < sizeof u->input) {
		u->input[u->input_len++] = (char)ch;
		u->input[u->input_len] = '\0';
	}
}

/* A mouse event: focus the pane under it and let it pick the row. */
static void mouse_key(struct ui *u)
{
	MEVENT me;

	if (getmouse(&me) != OK || u->help || u->picker || u->scen_picker || u->conv_open)
		return;
	for (int i = 0; i < NPANES; i++) {
		struct pane *p = &u->panes[i];

		if (!p->win || me.y < p->y || me.y >= p->y + p->h || me.x < p->x || me.x >= p->x + p->w)
			continue;
		u->focus = i;
		if (p->ops->click && me.y > p->y && me.y < p->y + p->h - 1)
			p->ops->click(u, p, me.y - p->y - 1, me.x - p->x - 1);
		return;
	}
}

/* Dispatch one key. */
static void handle_key(struct ui *u, int ch)
{
	u->lay_msg[0] = '\0'; /* said until now */
	u->redraw = true;
	if (ch == KEY_RESIZE) {
		getmaxyx(stdscr, u->rows, u->cols);
		layout(u);
		return;
	}
	if (u->prompt) {
		prompt_key(u, ch);
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse_key(u);
		return;
	}
	if (u->help) {
		if (ch == KEY_DOWN || ch == 'j')
			u->help_top++;
		else if ((ch == KEY_UP || ch == 'k') && u->help_top > 0)
			u->help_top--;
		else
			u->help = false;
		return;
	}
	if (u->picker) {
		picker_key(u, ch);
		return;
	}
	if (u->scen_picker) {
		scen_key(u, ch);
		return;
	}
	if (u->conv_open) {
		conv_key(u, ch);
		return;
	}
	if (u->rows < MIN_ROWS || u->cols < MIN_COLS) {
		if (ch == 'q')
			u->quit = true;
		return;
	}
	for (const struct tui_key *k = tui_keys(); k->name; k++) {
		if (k->keycode == ch) {
			int zoom = u->zoom;

			k->handler(u, ch);
			if (u->zoom != zoom || u->relayout)
				layout(u);
			return;
		}
	}
}

/* ---- the loop ---- */

/* Pump the engine a bounded amount and refresh the status facts. */
static void engine_pump(struct ui *u)
{
	int rc;

	if (u->cread) {
		/* a connection picked is read again first, in slices of ~10 ms
		   as the file is; the file's reading goes on after it */
		uint64_t t0 = event_now_us();
		struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

		while (hist_pump(u, 64) && event_now_us() - t0 < 10000 && poll(&in, 1, 0) == 0)
			;
		return;
	}
	if (!u->eng || u->eng_done)
		return;
	if (u->opts.engine.mode == ENGINE_REPLAY) {
		/* index the file in slices of ~10 ms; a key waiting ends the slice */
		uint64_t t0 = event_now_us();
		struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

		do
			rc = engine_poll(u->eng, 8);
		while (rc > 0 && event_now_us() - t0 < 10000 && poll(&in, 1, 0) == 0);
	} else {
		rc = engine_poll(u->eng, 256);
	}
	if (rc <= 0) {
		u->eng_done = true;
		u->redraw = true;
		if (rc < 0)
			ui_message(u, "engine: %s", err_msg()[0] ? err_msg() : err_name(rc));
		else
			ui_message(u, "%s%sfinished -- p/b: look back, r: new session, s: save, ?: help, q: quit",
				   u->lay_msg, u->lay_msg[0] ? "; " : ""); /* until the first key */
	}
	engine_status(u->eng, &u->st);
	{
		struct ev_stage ps;
		bool ok = engine_pending(u->eng, &ps) == 1;

		if (ok != u->pend_ok || (ok && ps.number != u->pend_number))
			u->redraw = true;
		u->pend_ok = ok;
		u->pend_number = ok ? ps.number : 0;
		u->pend_dir = ok ? ps.dir : DIR_NONE;
		snprintf(u->pend_title, sizeof u->pend_title, "%s", ok && ps.title ? ps.title : "");
	}
	if (u->eng_done)
		hist_rebuild(u);
	if (u->nconns > 1 && !u->picker_shown && u->opts.engine.mode == ENGINE_REPLAY && u->eng_done) {
		u->picker_shown = true;
		u->picker = true;
		u->redraw = true;
	}
}

/* Setup, loop, teardown. */
static int run(struct ui *u)
{
	const char *cs;
	int rc;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	u->ascii = u->opts.ascii || !cs || strcmp(cs, "UTF-8");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "tlsviz: the interactive view needs a terminal (use --batch for text, or --batch --json)\n");
		return 2;
	}
	g_have_tio = tcgetattr(STDIN_FILENO, &g_saved_tio) == 0;
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr, "tlsviz: cannot initialise the terminal (TERM=%s)\n", getenv("TERM") ? getenv("TERM") : "");
		return 2;
	}
	g_curses = 1;
	signals_install();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	mouseinterval(0);
	draw_init(u);
	getmaxyx(stdscr, u->rows, u->cols);
	for (int i = 0; i < NPANES; i++)
		u->panes[i].ops = pane_table[i];
	layout(u);
	rc = ui_engine_start(u);
	if (rc < 0) {
		/* nothing to show: say why on the restored terminal, with
		 * the exit status batch gives the same input */
		u->exit_code = err_exit_status(rc);
		snprintf(u->fatal, sizeof u->fatal, "%s", u->msg);
		return u->exit_code;
	}
	u->redraw = true;
	if (u->lay_msg[0])
		ui_message(u, "%s", u->lay_msg);

	unsigned ticks = 0;
	uint64_t last_draw = 0, key_t0 = 0;
	/* TLSVIZ_TIMING=FILE: append each keypress-to-redraw time in microseconds */
	const char *tpath = getenv("TLSVIZ_TIMING");
	FILE *timing = tpath && *tpath ? fopen(tpath, "a") : NULL;

	while (!u->quit && !g_stop) {
		struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
		int ch;

		/* while the engine streams, rebuild and redraw at most every 80 ms:
		 * stage derivation is linear in the history */
		bool streaming = u->cread || (u->eng && !u->eng_done);

		if (u->redraw && (u->keyed || !streaming || event_now_us() - last_draw >= 80000)) {
			u->redraw = false;
			u->keyed = false;
			hist_rebuild(u);
			draw_all(u);
			last_draw = event_now_us();
			if (timing && key_t0) {
				/* keypress-to-redraw, for bench/keypress.sh */
				fprintf(timing, "%llu\n", (unsigned long long)(last_draw - key_t0));
				fflush(timing);
			}
			key_t0 = 0;
		}
		if (u->eng && !u->eng_done)
			pfd[1].fd = engine_fd(u->eng);
		if (poll(pfd, 2, u->cread ? 0 : u->eng && !u->eng_done ? 30 : 250) < 0 && errno != EINTR)
			break;
		while ((ch = getch()) != ERR) {
			if (!key_t0)
				key_t0 = event_now_us();
			handle_key(u, ch);
			u->keyed = true;
		}
		engine_pump(u);
		if (u->eng && !u->eng_done && ++ticks % 16 == 0)
			u->redraw = true; /* the status facts may change without an event */
	}
	if (timing)
		fclose(timing);
	/* as batch: 1 when the session shown last failed (a damaged capture,
	 * a handshake that failed where it should not) */
	if (g_stop)
		u->exit_code = 128 + g_stop;
	else
		u->exit_code = u->eng && u->eng_done && u->st.result != 0 ? 1 : 0;
	return u->exit_code;
}

/* Run the interactive visualizer until the user quits. */
int tui_run(const struct tui_opts *o)
{
	struct ui *u = calloc(1, sizeof *u);
	int rc;

	if (!u) {
		fprintf(stderr, "tlsviz: out of memory\n");
		return 1;
	}
	u->opts = *o;
	u->step = o->engine.step;
	u->follow = true;
	u->sel_ev = u->sel_field = -1;
	u->wire_cur = u->wire_match = -1;
	u->hit_ev = u->hit_at = -1;
	u->facts_ev = u->held_begin = SIZE_MAX;
	u->zoom = -1;
	u->view = o->eavesdropper ? VIEW_EAVESDROPPER : VIEW_INSIDER;
	u->time = o->time < 0 ? TIME_NONE : (enum time_mode)o->time;
	layout_defaults(&u->lay);
	(void)layout_load(&u->lay, u->lay_msg, sizeof u->lay_msg); /* a bad line: said once started */
	if (o->layout >= 0 && o->layout < LAYOUT_N)
		u->lay.cur = (enum layout_id)o->layout;
	hist_init_sink(u);
	g_stop = 0;
	rc = run(u);
	for (int i = 0; i < NPANES; i++)
		if (u->panes[i].win)
			delwin(u->panes[i].win);
	term_restore();
	signals_restore();
	if (u->fatal[0])
		fprintf(stderr, "tlsviz: %s\n", u->fatal);
	engine_conn_read_close(u->cread);
	if (u->eng)
		engine_close(u->eng);
	hist_clear(u);
	conv_free(u);
	filter_free(u->conn_filter);
	free(u);
	return rc;
}
