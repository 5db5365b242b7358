/* Internal state shared by the TUI's modules: the event history, the stages
 * derived from it, the selection, the panes' vtable and drawing helpers.
 * Never includes wolfSSL; talks to the engine only through engine/engine.h. */
#ifndef TLSVIZ_UI_H
#define TLSVIZ_UI_H

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "core/event.h"
#include "engine/engine.h"
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

/* A stage of the selected connection: an EV_STAGE (live) or a flight (replay). */
struct stage {
	char name[48];
	char title[96];
	enum dir dir;
	bool held;
	size_t first, end; /* events [first, end) of the history belong to it */
	size_t ev_stage;   /* history index of the EV_STAGE, or SIZE_MAX */
};

enum prompt_kind { PROMPT_NONE = 0, PROMPT_SEARCH, PROMPT_KEYLOG };

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

	uint32_t conns[256];
	char conn_label[256][136];
	size_t nconns;
	uint32_t conn;      /* selected connection id, 0 until one is known */

	struct stage *stages;
	size_t nstages, stcap;
	size_t *ev_owner;   /* stage index of each event (SIZE_MAX: none) */
	size_t owner_cap;
	bool live_stages;   /* EV_STAGE seen */

	/* selection */
	size_t sel_stage;
	long sel_ev;        /* history index, -1 none */
	long sel_field;     /* row in the decoded list, -1 none */
	bool follow;        /* track the newest stage */
	long wire_cur;      /* byte cursor in the wire pane, -1 none */
	long hl_off, hl_len;/* highlighted bytes in the wire byte space */
	long wire_match;    /* search hit, start in the wire byte space */

	bool pend_ok;       /* a flight waits at its gate (engine_pending) */
	uint32_t pend_index;

	enum view view;
	bool step;
	bool quit;
	int exit_code;
	int focus;
	int zoom;           /* pane index, -1 none */
	bool help;
	int help_top;
	bool picker;
	int picker_cur;
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
	char keylog[512];   /* loaded with L; loaded again on restart */

	char msg[512];
	char fatal[512];    /* printed after the terminal is restored */
	bool ascii, color;
	int rows, cols;
	struct pane panes[NPANES];
};

/* ---- history.c ---- */
void hist_init_sink(struct ui *u);
void hist_clear(struct ui *u);
void hist_rebuild(struct ui *u);
/* The event at index i if it belongs to the selected connection, else NULL. */
const struct event *hist_get(struct ui *u, size_t i);
/* The record (history index) a handshake/app-data event lives in, -1 if none. */
long hist_record_of(struct ui *u, size_t i);
/* True if history index i belongs to stage s. */
bool hist_in_stage(struct ui *u, size_t i, size_t s);
/* The stage holding history index i. */
size_t hist_stage_of(struct ui *u, size_t i);
/* The value of a field of a message of the selected connection, or NULL. */
const char *hist_field(struct ui *u, const char *msg, const char *field);
/* Negotiated version as a number (0x0304, 0x0303) or 0 when unknown. */
uint16_t hist_version(struct ui *u);
/* Stage names expected for a version, NULL-terminated. */
const char *const *hist_expected(uint16_t version);
/* Total stages (reached + expected not yet reached). */
size_t hist_total_stages(struct ui *u);
/* True if some reached stage has this name. */
bool hist_stage_reached(struct ui *u, const char *name);
/* Events up to and including the selected stage (for browsing back). */
size_t hist_horizon(struct ui *u);
/* The run at history index i, or NULL. */
struct hrun *hist_run(struct ui *u, size_t i);
/* Read record index of run i back from the capture into the selection
 * (HIST_RB_REC); 0 or <0 with a message shown. */
int hist_readback(struct ui *u, size_t run, uint64_t index);
/* "1.0 GB" style size. */
void hist_size(uint64_t n, char *out, size_t cap);

/* ---- draw.c ---- */
void draw_init(struct ui *u);
attr_t draw_attr(struct ui *u, enum role r);
/* Print at most maxw columns of s at (y, x); control bytes become '?'. */
int draw_str(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a);
int draw_fmt(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void draw_box(struct ui *u, struct pane *p, bool focused, const char *title);
/* Word-wrap text to width; calls out(line, len, arg) per line; returns lines. */
int draw_wrap(const char *text, int width, void (*out)(const char *line, int len, void *arg), void *arg);
const char *glyph(struct ui *u, int which);
enum { G_HLINE = 0, G_VLINE, G_RARROW, G_LARROW, G_BULLET, G_CIRCLE, G_ELLIPSIS, G_TRIANGLE, G_TRI_DOWN, G_LOCK };
/* Keep the cursor row visible; returns the first row to draw. */
int pane_scroll(struct pane *p, int inner_h);
/* Shared list movement (arrows, hjkl, PgUp/PgDn, g/G); true if consumed. */
bool pane_list_key(struct pane *p, int ch);
/* Short human names. */
const char *content_type_name(uint8_t t);

/* ---- explain.c ---- */
struct explain {
	const char *key;      /* stage or message name */
	uint16_t version;     /* 0 any, 0x0304, 0x0303 */
	const char *title;
	const char *what;     /* what happens and why */
	const char *eve;      /* what an eavesdropper learns */
	const char *textbook; /* where the classic story differs, or NULL */
};
const struct explain *explain_find(const char *key, uint16_t version);
/* The scenario the live session runs (NULL: replay, serve or none given). */
const char *explain_scenario_name(struct ui *u);
/* The scenario's paragraph for the selected stage (key = scenario), or NULL. */
const struct explain *explain_scenario(struct ui *u);

/* ---- decoded rows (pane_decoded.c), shared with the wire pane ---- */
struct drow {
	uint8_t depth;
	char name[64];
	char value[160];
	long off, len;   /* in the wire byte space, -1 if none */
	bool group;      /* has children */
	bool collapsed;
};
/* Rows of the selected item (visible ones only); returns the count. */
int decoded_rows(struct ui *u, struct drow *rows, int cap);
/* The wire bytes of the selection: wire[0..wlen) and optional plaintext
 * plain[0..plen) shown after it (insider view). */
struct wire_sel {
	const struct event *ev;   /* record or packet, NULL if none */
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
void ui_search(struct ui *u, const char *q);
/* A centered overlay window with a border and title; the caller fills,
 * refreshes and deletes it. NULL if it cannot be made. */
WINDOW *ui_overlay(struct ui *u, int h, int w, const char *title);

/* ---- scenpick.c: the scenario picker ---- */
void scen_open(struct ui *u);
void scen_draw(struct ui *u);
void scen_key(struct ui *u, int ch);

#endif
