/* Internal state shared by the TUI's modules: the event history, the stages
 * derived from it, the selection, the panes' vtable and drawing helpers.
 * Never includes wolfSSL; talks to the engine only through engine/engine.h. */
#ifndef TLSVIZ_UI_H
#define TLSVIZ_UI_H

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "core/event.h"
#include "engine/engine.h"
#include "output/conntab.h"
#include "tui.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

enum view { VIEW_INSIDER = 0, VIEW_EAVESDROPPER };

/* What a cell means; each role has a colour and a monochrome attribute. */
enum role {
	R_NORMAL = 0,
	R_HEADER,   /* record header (first 5 bytes) / frame headers */
	R_CIPHER,   /* ciphertext */
	R_TAG,      /* AEAD tag or MAC */
	R_NONCE,    /* explicit nonce / CBC IV */
	R_PAD,      /* padding */
	R_PLAIN,    /* cleartext payload */
	R_SEL,      /* selected field / cursor */
	R_DIM,      /* not yet reached / pending */
	R_TITLE,    /* pane titles, status line */
	R_FOCUS,    /* border of the focused pane */
	R_CURRENT,  /* the current stage */
	R_CLIENT,
	R_SERVER,
	R_WARN,
	R_NROLES
};

/* Bulk records are not kept: after the first HIST_KEEP_APP application data
 * records of a run in one direction, the rest of the run (records, their
 * plaintext, the TCP segments and ACKs carrying them) folds into one history
 * entry, a run, with a compact line per record; a record's bytes are read
 * back from the capture (engine_record) when the user selects it. */
#define HIST_KEEP_APP 8
#define EV_UI_RUN ((enum ev_type)100)
/* History "indices" of the record read back and its application data. */
#define HIST_RB_REC ((long)(LONG_MAX - 1))
#define HIST_RB_APP ((long)(LONG_MAX - 2))

/* One folded record: enough for its ladder line. */
struct run_rec {
	uint16_t length;     /* fragment length */
	uint16_t plain_len;
	uint8_t content_type, inner_type;
	uint8_t flags;       /* RR_ENC, RR_DEC, RR_AUTHFAIL */
};
enum { RR_ENC = 1, RR_DEC = 2, RR_AUTHFAIL = 4 };

/* A run of folded bulk records of one connection and direction. */
struct hrun {
	struct event ev;          /* type EV_UI_RUN, conn, dir, ts of the first record */
	uint64_t first_index;     /* record index of the first folded record */
	uint64_t count;           /* records folded */
	uint64_t wire_bytes, plain_bytes, packets, decrypted;
	struct run_rec *recs;     /* the first nrecs records (a global cap bounds them) */
	size_t nrecs, cap;
	bool expanded;            /* the ladder lists its records */
};

/* A connection in the picker's list. */
struct uconn {
	uint32_t id;
	char *label;        /* "#3 127.0.0.1:50020 -> 127.0.0.1:4433" */
};

/* A stage of the selected connection, as the story model (engine/story.c)
 * emits it: a begin EV_STAGE and, once complete, a final one with the same
 * number; the final one's title and texts replace the begin's. */
struct stage {
	uint32_t number;   /* 1-based in the connection */
	enum dir dir;
	size_t first, end; /* events [first, end) of the history belong to it */
	size_t ev_begin;   /* history index of the begin EV_STAGE, or SIZE_MAX */
	size_t ev_final;   /* history index of the final EV_STAGE, or SIZE_MAX */
};

enum prompt_kind { PROMPT_NONE = 0, PROMPT_SEARCH, PROMPT_KEYLOG, PROMPT_SAVE, PROMPT_REPORT, PROMPT_FILTER };

struct ui;
struct pane;

/* A pane: one file each; optional slots may be NULL. */
struct pane_ops {
	const char *name;
	/* Draw the inside of the pane (border and title are drawn for it). */
	void (*draw)(struct ui *u, struct pane *p);
	/* A key while focused; true if consumed. */
	bool (*key)(struct ui *u, struct pane *p, int ch);
	/* The pane got a new size. */
	void (*resize)(struct ui *u, struct pane *p);
	/* A mouse click at (y, x) inside the border. */
	void (*click)(struct ui *u, struct pane *p, int y, int x);
	/* Not drawn (zoomed away, hidden, not in the layout): keep what it
	 * decides for the others (the Stages cursor picks the record shown). */
	void (*undrawn)(struct ui *u, struct pane *p);
};

struct pane {
	const struct pane_ops *ops;
	WINDOW *win;
	int y, x, h, w;      /* outer geometry, border included */
	int top;             /* first row shown */
	int cur;             /* cursor row */
	int nrows;           /* rows the last draw produced */
};

extern const struct pane_ops pane_ladder, pane_wire, pane_decoded, pane_keys, pane_explain;

enum { PANE_LADDER = 0, PANE_DECODED, PANE_WIRE, PANE_KEYS, PANE_EXPLAIN, NPANES };

/* ---- layout.c: the arrangements of the panes (v cycles them) ---- */
enum layout_id { LAYOUT_FULL = 0, LAYOUT_PRESENTER, LAYOUT_BYTES, LAYOUT_N };

/* The user's layout choices; saved, so they survive restarts. */
struct layout_state {
	enum layout_id cur;
	int weight[LAYOUT_N][NPANES];  /* share of each pane in its group */
	int gweight[LAYOUT_N][2];      /* share of each group */
	bool hidden[LAYOUT_N][NPANES]; /* hidden with x */
	int slot;                      /* presenter: the pane its shared place shows */
};

const char *layout_name(enum layout_id l);
const char *layout_help(enum layout_id l);
/* The layout called name, or -1. */
int layout_by_name(const char *name);
void layout_defaults(struct layout_state *ls);
/* The outer rectangle {y, x, h, w} of each pane in the body below row y0
 * (H rows, W columns); h = 0 for a pane not shown. */
void layout_geometry(const struct layout_state *ls, int y0, int H, int W, int geo[NPANES][4]);
/* Whether pane p is in the current layout and not hidden (tab reaches it). */
bool layout_focusable(const struct layout_state *ls, int p);
/* Pane p got the focus (presenter: it takes the shared place). */
void layout_focus(struct layout_state *ls, int p);
/* Grow (delta > 0) or shrink pane p by delta per cent; false at a limit. */
bool layout_resize(struct layout_state *ls, int p, int delta);
/* Hide pane p (never the last one shown); false if not. */
bool layout_hide(struct layout_state *ls, int p);
void layout_show_all(struct layout_state *ls);
/* Read / write $XDG_CONFIG_HOME/tlsviz/tui.conf (~/.config/...). A missing
 * file is no error; a bad line or a failed write returns -1 with msg set. */
int layout_load(struct layout_state *ls, char *msg, size_t cap);
int layout_save(const struct layout_state *ls, char *msg, size_t cap);

struct ui {
	struct tui_opts opts;
	struct engine *eng;
	struct sink sink;
	bool eng_done;
	struct engine_status st;

	struct event **ev;
	size_t nev, cap;
	size_t dropped;
	struct hconn *hc;   /* folding state per connection id */
	size_t nhc;
	size_t run_recs;    /* run_rec lines held by all runs */
	/* the record read back for the selection (HIST_RB_REC / HIST_RB_APP) */
	struct event *rb_rec, *rb_app;
	size_t rb_run;      /* its run (history index) */
	uint64_t rb_index;  /* its record index */
	bool rb_ok;
	bool rb_failed;     /* rb_run/rb_index could not be read back */
	bool dirty;         /* stages need rebuilding */
	bool redraw;
	bool keyed;         /* a key arrived: draw now */

	/* every connection, as they appeared (the picker's list); in replay
	   the history keeps only the selected one's events and the file's
	   own (conn 0), and a connection picked is read again from the file */
	struct uconn *conns;
	size_t nconns, conns_cap;
	uint32_t *conn_at;  /* by connection id - 1: its index in conns + 1, 0 none */
	size_t conn_at_cap;
	uint32_t conn;      /* selected connection id, 0 until one is known */
	struct engine_conn_read *cread; /* the selected one being read again, or NULL */
	uint64_t cread_t0;  /* when that began (us) */

	struct stage *stages;
	size_t nstages, stcap;
	size_t *ev_owner;   /* stage index of each event (SIZE_MAX: none) */
	size_t owner_cap;
	uint32_t stage_of;  /* the largest `of` of the selected connection's stages */
	bool stage_of_planned; /* the newest stage event knew its total in advance */
	size_t facts_ev;    /* history index of its newest EV_FACTS, or SIZE_MAX */
	size_t held_begin;  /* history index of the newest held begin EV_STAGE (any connection), or SIZE_MAX */

	/* selection */
	size_t sel_stage;
	long sel_ev;        /* history index, -1 none */
	long sel_field;     /* row in the decoded list, -1 none */
	bool follow;        /* track the newest stage */
	long wire_cur;      /* byte cursor in the wire pane, -1 none */
	long hl_off, hl_len;/* highlighted bytes in the wire byte space */
	long wire_match;    /* search hit, start in the wire byte space */

	bool pend_ok;       /* a flight waits at its gate (engine_pending) */
	uint32_t pend_number;
	enum dir pend_dir;
	char pend_title[200]; /* the engine's title for it (its begin event may come later) */

	enum view view;
	bool step;
	bool quit;
	int exit_code;
	int focus;
	int zoom;           /* pane index, -1 none */
	struct layout_state lay;
	bool relayout;      /* the layout changed: make the windows again */
	char lay_msg[400];  /* what was wrong with the saved layout, said once started */
	bool help;
	int help_top;
	bool picker;
	int picker_cur;
	int picker_top;     /* first row shown */
	int picker_sort;    /* the column the table is sorted by (o cycles) */
	bool picker_rev;    /* O: the other way round */
	int picker_left;    /* the first column shown after conn (left/right scroll) */
	bool picker_seek;   /* o chose a column: scroll it into view at the next draw */
	uint64_t picker_t0; /* the earliest connection's start: the start column counts from it */
	size_t *picker_order; /* conns indices in the table's order, the filter's matches only */
	size_t picker_order_cap, picker_n;
	struct filter *conn_filter; /* f in the table (output/filter.h), or NULL */
	char conn_filter_text[512];
	struct conn_table *ctab; /* a summary row per connection, of every event seen */
	bool readback;      /* the events now are a connection read again: not counted */
	bool conv_open;     /* F: the conversation overlay */
	int conv_top;
	char **conv_lines;
	size_t conv_n, conv_cap;
	char conv_query[256]; /* / in the conversation: what n and N look for */
	long conv_hit;        /* the line of the current match, -1 none */
	long conv_hit_off;    /* and its byte in that line */
	bool picker_shown;
	bool scen_picker;   /* the scenario picker (S) is open */
	/* tamper: the byte the attacker flipped (an EV_NOTE with its offset) */
	bool flip_ok;
	uint32_t flip_conn;
	enum dir flip_dir;
	uint64_t flip_off;
	int scen_cur;

	enum prompt_kind prompt;
	char input[512];
	size_t input_len;
	char search[256];
	long hit_ev, hit_at;/* the last search hit: history index and byte (or field row), -1 none */
	char keylog[512];   /* loaded with L; loaded again on restart */

	char msg[512];
	char fatal[512];    /* printed after the terminal is restored */
	bool ascii, color;
	enum time_mode time; /* t: the Stages pane's time column (none, since the connection's start, delta, UTC) */
	int rows, cols;
	struct pane panes[NPANES];
};

/* ---- picker.c: the connection table (C) ---- */
void picker_draw(struct ui *u);
/* A key while the table is open. */
void picker_key(struct ui *u, int ch);
/* The filter prompt's line: the text typed, green while it parses, red with
 * the parser's message when not. */
void picker_filter_prompt(struct ui *u, int y);
/* Enter in the filter prompt: apply the text typed (empty: no filter). */
void picker_filter_apply(struct ui *u);

/* ---- follow.c: F, the conversation of the selected connection ---- */
void conv_draw(struct ui *u);
void conv_key(struct ui *u, int ch);
/* The conversation's search: the next (forward) or previous match of query
 * after the current one, or from the top line shown when there is none (the
 * / prompt's enter clears it); ASCII case ignored, wrapping round. */
void conv_search(struct ui *u, const char *query, bool forward);
void conv_free(struct ui *u);

/* ---- report.c ---- */
/* Write the selected connection, as the current view shows it, as an HTML
 * page to path (output/views.h's report); a message says how it went. */
void ui_save_report(struct ui *u, const char *path);

/* ---- history.c ---- */
void hist_init_sink(struct ui *u);
void hist_clear(struct ui *u);
void hist_rebuild(struct ui *u);
/* The event at index i if it belongs to the selected connection, else NULL. */
const struct event *hist_get(struct ui *u, size_t i);
/* The same event as the current view shows it: in the eavesdropper view its
 * eve_project() projection written to *buf (NULL: hidden); runs as they are. */
const struct event *hist_view(struct ui *u, size_t i, struct event *buf);
/* The record (history index) a handshake/app-data event lives in, -1 if none. */
long hist_record_of(struct ui *u, size_t i);
/* True if history index i belongs to stage s. */
bool hist_in_stage(struct ui *u, size_t i, size_t s);
/* The stage holding history index i. */
size_t hist_stage_of(struct ui *u, size_t i);
/* The facts of the selected connection as the view shows them, or NULL. */
const struct ev_facts *hist_facts(struct ui *u, struct event *buf);
/* The newest event of stage s (final, else begin) as the view shows it, or NULL. */
const struct ev_stage *hist_stage_ev(struct ui *u, size_t s, struct event *buf);
/* The title of the stage whose begin/final events are at history indices
 * begin and final (SIZE_MAX: none) as the view shows it: the insider title,
 * or what the wire shows; the ladder, status and bottom lines all use it. */
void hist_label(struct ui *u, size_t begin, size_t final, char *out, size_t cap);
/* hist_label of stage s. */
void hist_stage_label(struct ui *u, size_t s, char *out, size_t cap);
/* The held stage (number, as engine_pending says) is stage s of the ladder. */
bool hist_stage_held(struct ui *u, size_t s);
/* The stage the selected connection plans or has so far (`of`). */
uint32_t hist_total(struct ui *u);
/* hist_total is the connection's real total: it was planned, or the source
 * has said everything (the file is read, the session is over); else the
 * screen says "so far". */
bool hist_total_final(struct ui *u);
/* The run at history index i, or NULL. */
struct hrun *hist_run(struct ui *u, size_t i);
/* Read record index of run i back from the capture into the selection
 * (HIST_RB_REC); 0 or <0 with a message shown. */
int hist_readback(struct ui *u, size_t run, uint64_t index);
/* Select the connection at index i of conns: the panes show it. In replay
 * its events are read again from the file (engine_conn_read) as
 * hist_pump goes; 0, or <0 with a message shown. */
int hist_select(struct ui *u, size_t i);
/* Read up to budget frames of the connection being read again; true while
 * there is more (until then the engine's own reading waits). */
bool hist_pump(struct ui *u, int budget);
/* "1.0 GB" style size. */
void hist_size(uint64_t n, char *out, size_t cap);

/* ---- draw.c ---- */
void draw_init(struct ui *u);
attr_t draw_attr(struct ui *u, enum role r);
/* Print at most maxw columns of s at (y, x); control bytes become '?'. */
int draw_str(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a);
/* The same, ending with an ellipsis when s is longer (or cut is set). */
int draw_clip(struct ui *u, WINDOW *w, int y, int x, int maxw, const char *s, attr_t a, bool cut);
/* Columns s takes. */
int draw_width(const char *s);
int draw_fmt(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void draw_box(struct ui *u, struct pane *p, bool focused, const char *title);
/* Word-wrap text to width; calls out(line, len, arg) per line; returns lines. */
int draw_wrap(const char *text, int width, void (*out)(const char *line, int len, void *arg), void *arg);
const char *glyph(struct ui *u, int which);
enum { G_HLINE = 0, G_VLINE, G_RARROW, G_LARROW, G_BULLET, G_CIRCLE, G_ELLIPSIS, G_TRIANGLE, G_TRI_DOWN, G_LOCK, G_DOWN, G_UP };
/* Keep the cursor row visible; returns the first row to draw. */
int pane_scroll(struct pane *p, int inner_h);
/* Shared list movement (arrows, hjkl, PgUp/PgDn, g/G); true if consumed. */
bool pane_list_key(struct pane *p, int ch);
/* Short human names. */
const char *content_type_name(uint8_t t);

/* ---- decoded rows (pane_decoded.c), shared with the wire pane ---- */
struct drow {
	uint8_t depth;
	char name[64];
	char value[160];
	long off, len;   /* in the wire byte space, -1 if none */
	bool cut;        /* value was longer than the row holds */
	bool group;      /* has children */
	bool collapsed;
};
/* Rows of the selected item (visible ones only); returns the count. */
int decoded_rows(struct ui *u, struct drow *rows, int cap);
/* The wire bytes of the selection: wire[0..wlen) and optional plaintext
 * plain[0..plen) shown after it (insider view). */
struct wire_sel {
	const struct event *ev;   /* record or packet as the view shows it, NULL if none */
	struct event view;        /* its storage (ev points here); do not copy a wire_sel */
	const uint8_t *wire;
	size_t wlen;
	const uint8_t *plain;
	size_t plen;
};
void wire_selection(struct ui *u, struct wire_sel *ws);

/* ---- tui.c ---- */
void ui_message(struct ui *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ui_restart(struct ui *u);
void ui_select_stage(struct ui *u, size_t s);
/* The title of the flight held at its gate (engine_pending), as the ladder
 * shows the same stage. */
void ui_held_title(struct ui *u, const struct ev_stage *st, char *out, size_t cap);

/* ---- search.c ---- */
/* Search the selected connection for hex bytes or text after the current
 * hit or selection, wrapping around. */
void ui_search(struct ui *u, const char *q);
/* A centered overlay window with a border and title; the caller fills,
 * refreshes and deletes it. NULL if it cannot be made. */
WINDOW *ui_overlay(struct ui *u, int h, int w, const char *title);

/* ---- scenpick.c: the scenario picker ---- */
void scen_open(struct ui *u);
void scen_draw(struct ui *u);
void scen_key(struct ui *u, int ch);

#endif
