/* Key bindings: one NULL-terminated table of designated initializers. The
 * `?` overlay and `tlsviz --help-keys` are generated from it. Entries with
 * help == NULL are aliases of the entry above them (listed in its name). */
#include "ui.h"

#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* space / n: show the next stage, or let the held flight go. */
static void key_next(struct ui *u, int ch)
{
	struct ev_stage st;

	(void)ch;
	if (u->nstages && u->sel_stage + 1 < u->nstages) {
		ui_select_stage(u, u->sel_stage + 1);
		u->follow = u->sel_stage + 1 >= u->nstages;
		return;
	}
	u->follow = true;
	if (u->eng && engine_pending(u->eng, &st) == 1) {
		if (engine_release(u->eng) < 0)
			ui_message(u, "release failed: %s", err_msg());
		else {
			char title[200];

			ui_held_title(u, &st, title, sizeof title);
			ui_message(u, "released: #%u %s", (unsigned)st.number, title);
		}
		return;
	}
	ui_message(u, u->eng_done ? "the session is finished: r starts a new one" : "no flight is waiting yet");
}

/* c: stop holding flights. */
static void key_run(struct ui *u, int ch)
{
	(void)ch;
	if (u->eng)
		engine_release_all(u->eng);
	u->step = false;
	u->follow = true;
	ui_message(u, "running to the end");
}

/* r: a new session from the start. */
static void key_restart(struct ui *u, int ch)
{
	(void)ch;
	ui_restart(u);
}

/* p / b: look back one stage. */
static void key_prev(struct ui *u, int ch)
{
	(void)ch;
	if (u->sel_stage > 0) {
		u->follow = false;
		ui_select_stage(u, u->sel_stage - 1);
	}
}

/* e: eavesdropper <-> insider. */
static void key_view(struct ui *u, int ch)
{
	(void)ch;
	u->view = u->view == VIEW_INSIDER ? VIEW_EAVESDROPPER : VIEW_INSIDER;
	u->sel_field = -1;
	u->panes[PANE_LADDER].cur = -2; /* rows appear/disappear: stay on the same event */
	ui_message(u, u->view == VIEW_INSIDER ? "insider view: keys and decrypted content shown"
					      : "eavesdropper view: only what the wire shows");
}

/* tab / shift-tab: focus the next / previous pane the layout shows (in
 * presenter, the next of Wire, Decoded and Keys takes their shared place). */
static void key_focus(struct ui *u, int ch)
{
	int d = ch == KEY_BTAB ? NPANES - 1 : 1;

	for (int i = 0; i < NPANES; i++) {
		u->focus = (u->focus + d) % NPANES;
		if (layout_focusable(&u->lay, u->focus))
			break;
	}
	layout_focus(&u->lay, u->focus);
	u->relayout = true;
	if (u->zoom >= 0)
		u->zoom = u->focus;
}

/* Save the layout after a change; say so if it cannot be kept. */
static void layout_changed(struct ui *u)
{
	char msg[400];

	u->zoom = -1;
	u->relayout = true;
	if (layout_save(&u->lay, msg, sizeof msg) < 0)
		ui_message(u, "%s", msg);
}

/* v: the next layout (full, presenter, bytes). */
static void key_layout(struct ui *u, int ch)
{
	(void)ch;
	u->lay.cur = (enum layout_id)((u->lay.cur + 1) % LAYOUT_N);
	ui_message(u, "layout %s: %s (v: next layout)", layout_name(u->lay.cur), layout_help(u->lay.cur));
	layout_changed(u);
}

/* + / -: grow or shrink the focused pane. */
static void key_resize(struct ui *u, int ch)
{
	if (u->zoom >= 0) {
		ui_message(u, "a zoomed pane has the whole screen (z: back)");
		return;
	}
	if (!layout_resize(&u->lay, u->focus, ch == '-' ? -5 : 5)) {
		ui_message(u, "%s cannot get %s", u->panes[u->focus].ops->name, ch == '-' ? "smaller" : "larger");
		return;
	}
	layout_changed(u);
}

/* x: hide the focused pane; X: show every pane of the layout again. */
static void key_hide(struct ui *u, int ch)
{
	if (ch == 'X') {
		layout_show_all(&u->lay);
		ui_message(u, "every pane of the %s layout shown", layout_name(u->lay.cur));
	} else if (layout_hide(&u->lay, u->focus)) {
		ui_message(u, "%s hidden (X shows it again)", u->panes[u->focus].ops->name);
	} else {
		ui_message(u, "the last pane shown stays");
		return;
	}
	layout_changed(u);
}

/* z: the focused pane fills the screen (again: back). */
static void key_zoom(struct ui *u, int ch)
{
	(void)ch;
	u->zoom = u->zoom >= 0 ? -1 : u->focus;
}

/* Movement inside the focused pane. */
static void key_pane(struct ui *u, int ch)
{
	struct pane *p = &u->panes[u->focus];

	if (p->ops->key)
		p->ops->key(u, p, ch);
}

/* PgDn / PgUp: page the Explain text while the Stages ladder (where a
 * presenter steps) or Explain has the focus; page the focused pane otherwise. */
static void key_page(struct ui *u, int ch)
{
	struct pane *p = &u->panes[u->focus];

	if ((u->focus == PANE_LADDER || u->focus == PANE_EXPLAIN) && u->panes[PANE_EXPLAIN].win)
		p = &u->panes[PANE_EXPLAIN];
	if (p->ops->key)
		p->ops->key(u, p, ch);
}

/* /: search hex bytes or text. */
static void key_search(struct ui *u, int ch)
{
	(void)ch;
	u->prompt = PROMPT_SEARCH;
	u->input_len = 0;
	u->input[0] = '\0';
}

/* N: the next hit of the last search. */
static void key_search_again(struct ui *u, int ch)
{
	(void)ch;
	if (u->search[0])
		ui_search(u, u->search);
	else
		ui_message(u, "no search yet: press /");
}

/* ?: the key help overlay. */
static void key_help(struct ui *u, int ch)
{
	(void)ch;
	u->help = !u->help;
	u->help_top = 0;
}

/* s: save the capture with its keys; R: an HTML report of the connection.
 * To a path the user confirms: in the current directory, or $TMPDIR (/tmp)
 * when that is not writable. */
static void key_save(struct ui *u, int ch)
{
	char name[64];
	char cwd[400];
	const char *dir = getcwd(cwd, sizeof cwd) ? cwd : ".", *tmp = getenv("TMPDIR");
	time_t now = time(NULL);
	struct tm tm;

	if (!u->eng && ch == 's') {
		ui_message(u, "nothing to save");
		return;
	}
	if (access(".", W_OK) != 0)
		dir = tmp && *tmp ? tmp : "/tmp";
	localtime_r(&now, &tm);
	strftime(name, sizeof name, ch == 'R' ? "tlsviz-%Y%m%d-%H%M%S.html" : "tlsviz-%Y%m%d-%H%M%S.pcapng", &tm);
	u->prompt = ch == 'R' ? PROMPT_REPORT : PROMPT_SAVE;
	u->input_len = (size_t)snprintf(u->input, sizeof u->input, "%s/%s", dir, name);
	if (u->input_len >= sizeof u->input)
		u->input_len = sizeof u->input - 1;
}

/* L: load a key log. */
static void key_keylog(struct ui *u, int ch)
{
	(void)ch;
	u->prompt = PROMPT_KEYLOG;
	u->input_len = 0;
	u->input[0] = '\0';
}

/* t: the Stages pane's time column, the next way round. */
static void key_time(struct ui *u, int ch)
{
	static const char *const said[] = {
		[TIME_NONE] = "no times", [TIME_REL] = "times since the connection's first packet",
		[TIME_DELTA] = "times since the row above (round trips on the server's answers)",
		[TIME_ABS] = "capture times (UTC)",
	};

	(void)ch;
	u->time = u->time == TIME_NONE ? TIME_REL : u->time == TIME_REL ? TIME_DELTA : u->time == TIME_DELTA ? TIME_ABS
														 : TIME_NONE;
	ui_message(u, "Stages: %s (t: next)", said[u->time]);
}

/* C: pick a connection. */
static void key_conn(struct ui *u, int ch)
{
	(void)ch;
	if (u->nconns < 2) {
		ui_message(u, u->nconns ? "only one connection" : "no connection yet");
		return;
	}
	u->picker = true;
	u->picker_cur = 0;
	u->picker_top = 0;
}

/* S: pick a workshop scenario (restarts the session with it). */
static void key_scenario(struct ui *u, int ch)
{
	(void)ch;
	scen_open(u);
}

/* F: the connection's conversation. */
static void key_conv(struct ui *u, int ch)
{
	(void)ch;
	u->conv_open = true;
	u->conv_top = 0;
	u->conv_hit = -1;
}

/* q: quit. */
static void key_quit(struct ui *u, int ch)
{
	(void)ch;
	u->quit = true;
}

static const struct tui_key table[] = {
	{ .keycode = ' ', .name = "space, n", .help = "next stage (step mode: let the held flight go)", .handler = key_next },
	{ .keycode = 'n', .name = "n", .handler = key_next },
	{ .keycode = 'c', .name = "c", .help = "continue: run to the end without holding", .handler = key_run },
	{ .keycode = 'p', .name = "p, b", .help = "look back at the previous stage", .handler = key_prev },
	{ .keycode = 'b', .name = "b", .handler = key_prev },
	{ .keycode = 'r', .name = "r", .help = "restart with a new session", .handler = key_restart },
	{ .keycode = 'e', .name = "e", .help = "toggle eavesdropper / insider view", .handler = key_view },
	{ .keycode = 't', .name = "t", .help = "Stages: a time column: since the start, delta to the row above (with round trips), UTC, none",
	  .handler = key_time },
	{ .keycode = '\t', .name = "tab, S-tab", .help = "focus the next / previous pane", .handler = key_focus },
	{ .keycode = KEY_BTAB, .name = "S-tab", .handler = key_focus },
	{ .keycode = KEY_UP, .name = "Up/Down, k/j", .help = "move inside the pane", .handler = key_pane },
	{ .keycode = KEY_DOWN, .name = "Down", .handler = key_pane },
	{ .keycode = 'k', .name = "k", .handler = key_pane },
	{ .keycode = 'j', .name = "j", .handler = key_pane },
	{ .keycode = KEY_LEFT, .name = "Left/Right, h/l", .help = "move sideways (wire: by byte)", .handler = key_pane },
	{ .keycode = KEY_RIGHT, .name = "Right", .handler = key_pane },
	{ .keycode = 'h', .name = "h", .handler = key_pane },
	{ .keycode = 'l', .name = "l", .handler = key_pane },
	{ .keycode = KEY_PPAGE, .name = "PgUp/PgDn", .help = "scroll Explain (Decoded, Wire, Keys: page the pane)", .handler = key_page },
	{ .keycode = KEY_NPAGE, .name = "PgDn", .handler = key_page },
	{ .keycode = 'g', .name = "g, G", .help = "first / last row", .handler = key_pane },
	{ .keycode = 'G', .name = "G", .handler = key_pane },
	{ .keycode = '\n', .name = "enter", .help = "expand / collapse the field", .handler = key_pane },
	{ .keycode = KEY_ENTER, .name = "enter", .handler = key_pane },
	{ .keycode = '\r', .name = "enter", .handler = key_pane },
	{ .keycode = 'z', .name = "z", .help = "zoom the focused pane (again: back)", .handler = key_zoom },
	{ .keycode = 'v', .name = "v", .help = "next layout: full, presenter (Stages + Explain large), bytes (Wire + Decoded)",
	  .handler = key_layout },
	{ .keycode = '+', .name = "+, -", .help = "grow / shrink the focused pane (kept for next time)", .handler = key_resize },
	{ .keycode = '=', .name = "=", .handler = key_resize },
	{ .keycode = '-', .name = "-", .handler = key_resize },
	{ .keycode = 'x', .name = "x, X", .help = "hide the focused pane / show every pane again", .handler = key_hide },
	{ .keycode = 'X', .name = "X", .handler = key_hide },
	{ .keycode = '/', .name = "/", .help = "search hex bytes (16 03 01) or text", .handler = key_search },
	{ .keycode = 'N', .name = "N", .help = "next search hit", .handler = key_search_again },
	{ .keycode = 'C', .name = "C", .help = "the connection table: server name, version, bytes, start, duration, JA4; o sorts by the next column, O reverses, left/right scroll, f filters, enter opens", .handler = key_conn },
	{ .keycode = 'S', .name = "S", .help = "pick a scenario (hrr, tamper, ...): restarts the session", .handler = key_scenario },
	{ .keycode = 's', .name = "s", .help = "save the capture (pcapng with keys)", .handler = key_save },
	{ .keycode = 'F', .name = "F", .help = "follow: the connection's decrypted conversation, turn by turn; / searches it, n/N go on", .handler = key_conv },
	{ .keycode = 'R', .name = "R", .help = "save an HTML report of the connection, as the view shows it", .handler = key_save },
	{ .keycode = 'L', .name = "L", .help = "load a key log file", .handler = key_keylog },
	{ .keycode = '?', .name = "?", .help = "this help", .handler = key_help },
	{ .keycode = 'q', .name = "q", .help = "quit", .handler = key_quit },
	{ .name = NULL },
};

/* The binding table. */
const struct tui_key *tui_keys(void)
{
	return table;
}
