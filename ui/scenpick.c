/* The scenario picker (key S): an overlay listing the workshop scenarios of
 * engine_scenarios() with their one-line help; enter restarts the live
 * session with the picked one, esc closes. */
#include "ui.h"

#include <string.h>

/* Number of scenarios in the engine's table. */
static int scen_count(void)
{
	int n = 0;

	for (const struct engine_scenario *s = engine_scenarios(); s->name; s++)
		n++;
	return n;
}

/* The scenario the session runs now, as the session says (--tls 1.2 alone
 * is tls12); "tls13" before it has. */
static const char *scen_current(struct ui *u)
{
	if (u->st.scenario && u->st.scenario[0])
		return u->st.scenario;
	return u->opts.engine.scenario ? u->opts.engine.scenario : "tls13";
}

/* S: open the picker on the current scenario (live sessions only). */
void scen_open(struct ui *u)
{
	const struct engine_scenario *t = engine_scenarios();

	if (u->opts.engine.mode != ENGINE_LIVE || u->opts.engine.serve) {
		ui_message(u, "scenarios run a live session of their own: start tlsviz without a capture file or serve");
		return;
	}
	u->scen_picker = true;
	u->scen_cur = 0;
	for (int i = 0; t[i].name; i++)
		if (!strcmp(t[i].name, scen_current(u)))
			u->scen_cur = i;
}

/* Draw the overlay. */
void scen_draw(struct ui *u)
{
	const struct engine_scenario *t = engine_scenarios();
	int n = scen_count();
	WINDOW *w = ui_overlay(u, n + 2, 92, "Scenarios (enter restarts with it, esc closes)");

	if (!w)
		return;
	for (int i = 0; i < n && i < getmaxy(w) - 2; i++) {
		attr_t a = i == u->scen_cur ? A_REVERSE : A_NORMAL;
		int x = draw_fmt(w, i + 1, 2, getmaxx(w) - 4, a | A_BOLD, "%s%-17s",
				 !strcmp(t[i].name, scen_current(u)) ? "* " : "  ", t[i].name);

		draw_str(w, i + 1, 2 + x, getmaxx(w) - 4 - x, t[i].help, a);
	}
	wnoutrefresh(w);
	delwin(w);
}

/* A key while the picker is open. */
void scen_key(struct ui *u, int ch)
{
	int n = scen_count();

	if ((ch == KEY_DOWN || ch == 'j') && u->scen_cur + 1 < n) {
		u->scen_cur++;
	} else if ((ch == KEY_UP || ch == 'k') && u->scen_cur > 0) {
		u->scen_cur--;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		const struct engine_scenario *s = &engine_scenarios()[u->scen_cur];

		u->scen_picker = false;
		u->opts.engine.scenario = s->name;
		u->opts.engine.tls_version = 0; /* the scenario sets the version */
		ui_restart(u);
		if (u->eng)
			ui_message(u, "scenario %s: %s", s->name, s->help);
	} else if (ch == 27 || ch == 'q') {
		u->scen_picker = false;
	}
}
