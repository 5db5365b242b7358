/* The interactive terminal visualizer (ncursesw): the entry point main.c
 * calls, and the key binding table the help overlay and --help-keys share. */
#ifndef TLSVIZ_TUI_H
#define TLSVIZ_TUI_H

#include "engine/engine.h"

#include <stdbool.h>

struct tui_opts {
	struct engine_opts engine;
	bool ascii;    /* force ASCII line drawing */
	bool no_color;
	bool eavesdropper; /* start in the eavesdropper view (--view eavesdropper) */
	int layout;        /* --layout: tui_layout_by_name's value, or -1 for the saved one */
	int time;          /* --time: the Stages pane's time column to start with (enum time_mode), -1: none */
};

/* Run the interactive visualizer until the user quits; restores the terminal
 * on every exit path. Returns the process exit code (0 ok). */
int tui_run(const struct tui_opts *o);

struct ui;

/* One key binding. keycode is an ncurses key value (a character or KEY_*). */
struct tui_key {
	int keycode;
	const char *name;  /* as shown to users: "space", "S-tab", "PgDn" */
	const char *help;  /* one line */
	void (*handler)(struct ui *u, int keycode);
};

/* The layout called name (full, presenter, bytes) for tui_opts.layout, or -1. */
int tui_layout_by_name(const char *name);
/* The layout names, "full, presenter, bytes". */
const char *tui_layout_names(void);

/* The binding table, terminated by an entry with name == NULL. */
const struct tui_key *tui_keys(void);

#endif
