/* The TUI's event history: copies of the events the engine emits (live:
 * every connection's; replay: the file's own and the selected connection's,
 * a connection picked being read again from the file, so that a capture of
 * 10,000 connections costs a list entry each, not their events), the list of
 * connections, the stages of the selected connection as the story model's
 * EV_STAGE events give them (live and replay alike), and the view's
 * projection of each event (output/eve.h decides what an eavesdropper sees). */
#include "ui.h"

#include "core/err.h"
#include "core/idtab.h"
#include "output/eve.h"

#include <stdlib.h>
#include <string.h>

#define HIST_MAX ((size_t)1 << 22) /* events kept; beyond it new ones are counted, not kept */

/* The index in conns of connection id, or SIZE_MAX. */
static size_t hist_conn_index(const struct ui *u, uint32_t id)
{
	return id && id <= u->conn_at_cap && u->conn_at[id - 1] ? u->conn_at[id - 1] - 1 : SIZE_MAX;
}

/* Remember connection id the first time an event names it; its EV_CONN
 * gives the label. */
static void hist_note_conn(struct ui *u, const struct event *ev)
{
	size_t i = hist_conn_index(u, ev->conn);
	char label[208], *l;

	if (i == SIZE_MAX) {
		if (u->nconns == u->conns_cap) {
			size_t n = u->conns_cap ? 2 * u->conns_cap : 64;
			struct uconn *g = realloc(u->conns, n * sizeof *g);

			if (!g)
				return;
			u->conns = g;
			u->conns_cap = n;
		}
		snprintf(label, sizeof label, "#%u", (unsigned)ev->conn);
		if (idtab_reserve((void **)&u->conn_at, &u->conn_at_cap, sizeof *u->conn_at, ev->conn) < 0 ||
		    !(l = strdup(label)))
			return;
		i = u->nconns++;
		u->conns[i] = (struct uconn){ .id = ev->conn, .label = l };
		u->conn_at[ev->conn - 1] = (uint32_t)u->nconns;
		/* live: a new connection (resumption, serve) is where things happen next */
		if (!u->conn || (u->opts.engine.mode == ENGINE_LIVE && u->follow))
			u->conn = ev->conn;
	}
	if (ev->type != EV_CONN)
		return;
	/* the engine says what a connection is (forward secrecy's parts) */
	if (ev->u.conn.label)
		snprintf(label, sizeof label, "#%u %.60s (%s -> %s)", (unsigned)ev->conn, ev->u.conn.label,
			 ev->u.conn.client, ev->u.conn.server);
	else
		snprintf(label, sizeof label, "#%u %s -> %s", (unsigned)ev->conn, ev->u.conn.client,
			 ev->u.conn.server);
	if (strcmp(label, u->conns[i].label) && (l = strdup(label))) {
		free(u->conns[i].label);
		u->conns[i].label = l;
	}
}

/* Whether the history keeps ev. Live: everything (a session has few
 * connections, and its insider events are not in any file). Replay: the
 * file's own events and the selected connection's; another connection's
 * are read again from the file when it is picked (hist_select), so memory
 * does not grow with the connections of the file. */
static bool hist_keeps(const struct ui *u, const struct event *ev)
{
	return u->opts.engine.mode != ENGINE_REPLAY || !ev->conn || ev->conn == u->conn;
}

#define RUN_RECS_MAX ((size_t)1 << 20) /* run_rec lines over all runs (8 MiB) */

/* Folding state of a connection. */
struct hconn {
	uint32_t app_len[3]; /* application data records in a row, per direction */
	size_t run[3];       /* history index + 1 of the open run, 0 none */
	bool folded[3];      /* the direction's last record went into a run */
};

/* The folding state of connection id, growing the table. */
static struct hconn *hist_hconn(struct ui *u, uint32_t id)
{
	if (!id)
		return NULL;
	if (id > u->nhc) {
		size_t n = u->nhc ? u->nhc : 16;
		struct hconn *h;

		while (n < id)
			n *= 2;
		h = realloc(u->hc, n * sizeof *h);
		if (!h)
			return NULL;
		memset(h + u->nhc, 0, (n - u->nhc) * sizeof *h);
		u->hc = h;
		u->nhc = n;
	}
	return &u->hc[id - 1];
}

/* Append an entry to the history (takes ownership on success). */
static bool hist_push(struct ui *u, struct event *c)
{
	if (u->nev >= HIST_MAX)
		return false;
	if (u->nev == u->cap) {
		size_t ncap = u->cap ? u->cap * 2 : 1024;
		struct event **n = realloc(u->ev, ncap * sizeof *n);

		if (!n)
			return false;
		u->ev = n;
		u->cap = ncap;
	}
	u->ev[u->nev++] = c;
	u->dirty = true;
	u->redraw = true;
	return true;
}

/* The run at history index i, or NULL. */
struct hrun *hist_run(struct ui *u, size_t i)
{
	if (i >= u->nev || u->ev[i]->type != EV_UI_RUN)
		return NULL;
	return (struct hrun *)u->ev[i];
}

/* Fold a bulk record into its direction's open run, opening one. */
static bool hist_fold(struct ui *u, struct hconn *h, const struct event *ev)
{
	const struct ev_record *rec = &ev->u.record;
	struct hrun *r = h->run[ev->dir] ? hist_run(u, h->run[ev->dir] - 1) : NULL;

	if (!r) {
		r = calloc(1, sizeof *r);
		if (!r)
			return false;
		r->ev.type = EV_UI_RUN;
		r->ev.conn = ev->conn;
		r->ev.dir = ev->dir;
		r->ev.ts_us = ev->ts_us;
		r->ev.seq = ev->seq;
		r->first_index = rec->index;
		if (!hist_push(u, &r->ev)) {
			free(r);
			return false;
		}
		h->run[ev->dir] = u->nev;
	}
	r->count++;
	r->wire_bytes += rec->len;
	if (rec->decrypted) {
		r->decrypted++;
		r->plain_bytes += rec->plain_len;
	}
	if (r->nrecs + 1 == r->count && u->run_recs < RUN_RECS_MAX) {
		if (r->nrecs == r->cap) {
			size_t n = r->cap ? r->cap * 2 : 64;
			struct run_rec *g = realloc(r->recs, n * sizeof *g);

			if (!g)
				goto done;
			r->recs = g;
			r->cap = n;
		}
		r->recs[r->nrecs++] = (struct run_rec){
			.length = rec->length, .plain_len = (uint16_t)rec->plain_len, .content_type = rec->content_type,
			.inner_type = rec->inner_type,
			.flags = (uint8_t)((rec->encrypted ? RR_ENC : 0) | (rec->decrypted ? RR_DEC : 0) |
					   (rec->auth_failed ? RR_AUTHFAIL : 0)),
		};
		u->run_recs++;
	}
done:
	u->dirty = true;
	u->redraw = true;
	return true;
}

/* Bulk events of a connection go into runs; true if ev was folded. */
static bool hist_try_fold(struct ui *u, const struct event *ev)
{
	struct hconn *h = hist_hconn(u, ev->conn);
	enum dir d = ev->dir;

	if (!h || (d != DIR_C2S && d != DIR_S2C))
		return false;
	switch (ev->type) {
	case EV_RECORD: {
		const struct ev_record *r = &ev->u.record;
		bool app = r->decrypted ? r->inner_type == 23 : r->content_type == 23;

		h->folded[d] = false;
		if (!app) {
			h->app_len[d] = 0;
			h->run[d] = 0; /* the next bulk records open a new run */
			return false;
		}
		if (h->app_len[d] < UINT32_MAX)
			h->app_len[d]++;
		if (h->app_len[d] <= HIST_KEEP_APP || !hist_fold(u, h, ev))
			return false;
		h->folded[d] = true;
		return true;
	}
	case EV_APP_DATA:
		return h->folded[d];
	case EV_PACKET: {
		struct hrun *r = hist_run(u, h->run[d] ? h->run[d] - 1 : h->run[3 - d] ? h->run[3 - d] - 1 : SIZE_MAX);

		if (!r || (ev->u.packet.tcp_flags & (TH_SYN | TH_FIN | TH_RST)))
			return false;
		r->packets++;
		return true;
	}
	default:
		return false;
	}
}

/* The view sink: copy the event into the history (engine_poll's thread). */
static void hist_emit(struct sink *s, const struct event *ev)
{
	struct ui *u = (struct ui *)((char *)s - offsetof(struct ui, sink));
	struct event *c;

	/* the connection table sees every connection's events once */
	if (!u->readback && ev->conn && (u->ctab || (u->ctab = conn_table_new())))
		(void)conn_table_add(u->ctab, ev);
	if (ev->type == EV_CONN || (ev->type == EV_STAGE && ev->conn))
		hist_note_conn(u, ev);
	if (ev->type == EV_NOTE && ev->u.note.has_stream_off) {
		/* the tamper scenario's flipped byte, for the Wire pane */
		u->flip_ok = true;
		u->flip_conn = ev->conn;
		u->flip_dir = ev->dir;
		u->flip_off = ev->u.note.stream_off;
	}
	if (!hist_keeps(u, ev))
		return;
	if (hist_try_fold(u, ev))
		return;
	if (u->nev >= HIST_MAX) {
		u->dropped++;
		return;
	}
	c = event_dup(ev);
	if (!c || !hist_push(u, c)) {
		event_free(c);
		u->dropped++;
		return;
	}
	if (c->type == EV_STAGE && !c->u.stage.final && c->u.stage.held)
		u->held_begin = u->nev - 1;
}

/* Sink for a record read back: keep copies for the selection. */
struct rb_sink {
	struct sink s;
	struct ui *u;
};

static void rb_emit(struct sink *s, const struct event *ev)
{
	struct ui *u = ((struct rb_sink *)s)->u;
	struct event **slot = ev->type == EV_RECORD ? &u->rb_rec : ev->type == EV_APP_DATA ? &u->rb_app : NULL;

	if (!slot || *slot)
		return;
	*slot = event_dup(ev);
}

/* Forget the record read back. */
static void rb_clear(struct ui *u)
{
	event_free(u->rb_rec);
	event_free(u->rb_app);
	u->rb_rec = u->rb_app = NULL;
	u->rb_ok = false;
	u->rb_failed = false;
}

/* Read record index of run i back from the capture for the selection. */
int hist_readback(struct ui *u, size_t run, uint64_t index)
{
	struct hrun *r = hist_run(u, run);
	struct rb_sink rs = { { rb_emit }, u };
	int rc;

	if (!r || !u->eng)
		return -1;
	if ((u->rb_ok || u->rb_failed) && u->rb_run == run && u->rb_index == index)
		return u->rb_ok ? 0 : -1;
	rb_clear(u);
	u->rb_run = run;
	u->rb_index = index;
	rc = engine_record(u->eng, r->ev.conn, r->ev.dir, index, &rs.s);
	if (rc < 0 || !u->rb_rec) {
		rb_clear(u);
		u->rb_failed = true;
		ui_message(u, "record #%llu: %s", (unsigned long long)index, rc < 0 ? err_msg() : "not read back");
		return -1;
	}
	u->rb_ok = true;
	return 0;
}

/* "1.0 GB" style size. */
void hist_size(uint64_t n, char *out, size_t cap)
{
	if (n >= 1000000000u)
		snprintf(out, cap, "%.1f GB", (double)n / 1e9);
	else if (n >= 1000000u)
		snprintf(out, cap, "%.1f MB", (double)n / 1e6);
	else if (n >= 1000u)
		snprintf(out, cap, "%.1f kB", (double)n / 1e3);
	else
		snprintf(out, cap, "%llu B", (unsigned long long)n);
}

/* Point the UI's sink at the history. */
void hist_init_sink(struct ui *u)
{
	u->sink.emit = hist_emit;
}

/* Free history entry e (a run or an event). */
static void hist_free_entry(struct event *e)
{
	if (e->type == EV_UI_RUN) {
		free(((struct hrun *)e)->recs);
		free(e);
	} else {
		event_free(e);
	}
}

/* Forget the bulk folding state and the record read back. */
static void hist_forget_runs(struct ui *u)
{
	free(u->hc);
	u->hc = NULL;
	u->nhc = 0;
	u->run_recs = 0;
	rb_clear(u);
}

/* Forget every event (restart). */
void hist_clear(struct ui *u)
{
	for (size_t i = 0; i < u->nev; i++)
		hist_free_entry(u->ev[i]);
	free(u->ev);
	hist_forget_runs(u);
	u->ev = NULL;
	u->nev = u->cap = 0;
	free(u->stages);
	u->stages = NULL;
	free(u->ev_owner);
	u->ev_owner = NULL;
	u->owner_cap = 0;
	u->nstages = u->stcap = 0;
	for (size_t i = 0; i < u->nconns; i++)
		free(u->conns[i].label);
	free(u->conns);
	u->conns = NULL;
	u->nconns = u->conns_cap = 0;
	conn_table_free(u->ctab);
	u->ctab = NULL;
	free(u->picker_order);
	u->picker_order = NULL;
	u->picker_order_cap = u->picker_n = 0;
	free(u->conn_at);
	u->conn_at = NULL;
	u->conn_at_cap = 0;
	u->conn = 0;
	u->stage_of = 0;
	u->stage_of_planned = false;
	u->facts_ev = SIZE_MAX;
	u->held_begin = SIZE_MAX;
	u->flip_ok = false;
	u->dropped = 0;
	u->dirty = true;
}

/* Replay: forget the events of every connection (the file's own stay). */
static void hist_forget_conns(struct ui *u)
{
	size_t n = 0;

	for (size_t i = 0; i < u->nev; i++) {
		if (u->ev[i]->conn)
			hist_free_entry(u->ev[i]);
		else
			u->ev[n++] = u->ev[i];
	}
	u->nev = n;
	hist_forget_runs(u);
	u->nstages = 0;
	u->stage_of = 0;
	u->stage_of_planned = false;
	u->facts_ev = SIZE_MAX;
	u->held_begin = SIZE_MAX;
	u->dirty = true;
	u->redraw = true;
}

/* Show the connection at index i of conns. */
int hist_select(struct ui *u, size_t i)
{
	uint32_t id;
	int rc;

	if (i >= u->nconns)
		return -1;
	id = u->conns[i].id;
	u->follow = false;
	u->sel_stage = 0;
	u->sel_ev = u->sel_field = -1;
	u->wire_cur = u->wire_match = -1;
	u->hit_ev = u->hit_at = -1;
	u->panes[PANE_LADDER].cur = -1;
	u->dirty = true;
	u->redraw = true;
	ui_message(u, "connection %s", u->conns[i].label);
	if (u->opts.engine.mode != ENGINE_REPLAY || !u->eng || (id == u->conn && !u->cread)) {
		u->conn = id; /* live: every connection's events are kept */
		return 0;
	}
	engine_conn_read_close(u->cread);
	u->cread = NULL;
	u->conn = id;
	hist_forget_conns(u);
	err_clear();
	u->readback = true;
	rc = engine_conn_read_open(u->eng, id, &u->sink, &u->cread);
	u->readback = false;
	if (rc < 0) {
		ui_message(u, "connection %s: %s", u->conns[i].label, err_msg()[0] ? err_msg() : err_name(rc));
		return rc;
	}
	u->cread_t0 = event_now_us();
	return 0;
}

/* Read up to budget frames of the connection being read again. */
bool hist_pump(struct ui *u, int budget)
{
	size_t i;
	int rc;

	if (!u->cread)
		return false;
	u->readback = true;
	rc = engine_conn_read_poll(u->cread, budget);
	u->readback = false;
	if (rc > 0)
		return true;
	engine_conn_read_close(u->cread);
	u->cread = NULL;
	u->dirty = true;
	u->redraw = true;
	i = hist_conn_index(u, u->conn);
	if (rc < 0)
		ui_message(u, "connection #%u: %s", (unsigned)u->conn, err_msg());
	else
		ui_message(u, "connection %s (read again from the file in %.1f ms)",
			   i != SIZE_MAX ? u->conns[i].label : "?", (double)(event_now_us() - u->cread_t0) / 1000.0);
	return false;
}

/* The event at index i if it belongs to the selected connection. */
const struct event *hist_get(struct ui *u, size_t i)
{
	const struct event *e;

	if (i == (size_t)HIST_RB_REC || i == (size_t)HIST_RB_APP)
		e = !u->rb_ok ? NULL : i == (size_t)HIST_RB_REC ? u->rb_rec : u->rb_app;
	else if (i >= u->nev)
		return NULL;
	else
		e = u->ev[i];
	if (!e)
		return NULL;
	if (e->conn && u->conn && e->conn != u->conn)
		return NULL;
	return e;
}

/* Append stage number n beginning at history index first. */
static struct stage *stage_push(struct ui *u, uint32_t n, enum dir d, size_t first)
{
	struct stage *s;

	if (u->nstages == u->stcap) {
		size_t ncap = u->stcap ? u->stcap * 2 : 16;
		struct stage *g = realloc(u->stages, ncap * sizeof *g);

		if (!g)
			return NULL;
		u->stages = g;
		u->stcap = ncap;
	}
	s = &u->stages[u->nstages++];
	memset(s, 0, sizeof *s);
	s->number = n;
	s->dir = d;
	s->first = s->end = first;
	s->ev_begin = s->ev_final = SIZE_MAX;
	return s;
}

/* The stage numbered n of the selected connection, SIZE_MAX if none (stages
 * come in order: search from the newest). */
static size_t stage_find(struct ui *u, uint32_t n)
{
	for (size_t s = u->nstages; s-- > 0;)
		if (u->stages[s].number == n)
			return s;
	return SIZE_MAX;
}

/* A stage event of the selected connection: a begin opens the stage (and
 * makes it the one later events belong to), a final one completes it.
 * Returns the stage's index, SIZE_MAX when out of memory. */
static size_t stage_event(struct ui *u, const struct event *e, size_t i, size_t *cur)
{
	const struct ev_stage *es = &e->u.stage;
	size_t s = stage_find(u, es->number);

	if (s == SIZE_MAX) {
		if (!stage_push(u, es->number, e->dir, i))
			return SIZE_MAX;
		s = u->nstages - 1;
	}
	if (es->final)
		u->stages[s].ev_final = i;
	else if (u->stages[s].ev_begin == SIZE_MAX)
		u->stages[s].ev_begin = i;
	if (!es->final || *cur == SIZE_MAX)
		*cur = s;
	if (es->of > u->stage_of)
		u->stage_of = es->of;
	if (es->number > u->stage_of)
		u->stage_of = es->number;
	u->stage_of_planned = es->planned;
	return s;
}

/* Recompute the stages of the selected connection after new events: each
 * event belongs to the newest stage of its connection that began before it;
 * events before the first stage belong to the first. */
void hist_rebuild(struct ui *u)
{
	size_t old = u->nstages, cur = SIZE_MAX;

	if (!u->dirty)
		return;
	if (u->owner_cap < u->nev) {
		size_t *n = realloc(u->ev_owner, u->cap * sizeof *n);

		if (!n)
			return;
		u->ev_owner = n;
		u->owner_cap = u->cap;
	}
	u->dirty = false;
	u->nstages = 0;
	u->stage_of = 0;
	u->stage_of_planned = false;
	u->facts_ev = SIZE_MAX;
	for (size_t i = 0; i < u->nev; i++) {
		const struct event *e = hist_get(u, i);
		size_t s;

		u->ev_owner[i] = SIZE_MAX;
		if (!e)
			continue;
		if (e->type == EV_FACTS && e->conn)
			u->facts_ev = i;
		if (e->type == EV_STAGE && e->conn) {
			s = stage_event(u, e, i, &cur);
			if (s == SIZE_MAX)
				break;
		} else if (cur == SIZE_MAX) {
			continue;
		} else {
			s = cur;
		}
		u->ev_owner[i] = s;
		u->stages[s].end = i + 1;
	}
	if (u->nstages) {
		for (size_t i = 0; i < u->stages[0].first; i++)
			if (hist_get(u, i))
				u->ev_owner[i] = 0;
		u->stages[0].first = 0;
	}
	if (u->follow && u->nstages)
		u->sel_stage = u->nstages - 1;
	if (u->sel_stage >= u->nstages)
		u->sel_stage = u->nstages ? u->nstages - 1 : 0;
	if (u->nstages != old)
		u->redraw = true;
}

/* The selected connection's event as the view shows it. */
const struct event *hist_view(struct ui *u, size_t i, struct event *buf)
{
	const struct event *e = hist_get(u, i);

	if (!e || u->view == VIEW_INSIDER || e->type == EV_UI_RUN)
		return e;
	return eve_project(e, buf) ? buf : NULL;
}

/* The selected connection's newest facts, as the view shows them. */
const struct ev_facts *hist_facts(struct ui *u, struct event *buf)
{
	const struct event *e = u->facts_ev != SIZE_MAX ? hist_view(u, u->facts_ev, buf) : NULL;

	return e && e->type == EV_FACTS ? &e->u.facts : NULL;
}

/* The newest event of stage s, as the view shows it. */
const struct ev_stage *hist_stage_ev(struct ui *u, size_t s, struct event *buf)
{
	const struct event *e;
	size_t i;

	if (s >= u->nstages)
		return NULL;
	i = u->stages[s].ev_final != SIZE_MAX ? u->stages[s].ev_final : u->stages[s].ev_begin;
	e = i != SIZE_MAX ? hist_view(u, i, buf) : NULL;
	return e && e->type == EV_STAGE ? &e->u.stage : NULL;
}

/* The title of a stage from its begin/final events, as the view shows it. */
void hist_label(struct ui *u, size_t begin, size_t final, char *out, size_t cap)
{
	size_t i = final != SIZE_MAX ? final : begin;
	const struct event *e = i < u->nev ? u->ev[i] : NULL;
	struct event buf;

	out[0] = '\0';
	if (!e || e->type != EV_STAGE)
		return;
	if (u->view == VIEW_EAVESDROPPER) {
		if (!eve_project(e, &buf))
			return;
		e = &buf;
	}
	if (e->u.stage.title)
		snprintf(out, cap, "%s", e->u.stage.title);
	else if (u->view == VIEW_EAVESDROPPER) /* not complete: the wire has not shown it yet */
		snprintf(out, cap, "%s", e->dir == DIR_S2C ? "server flight" : "client flight");
	else
		snprintf(out, cap, "%s", glyph(u, G_ELLIPSIS));
}

/* hist_label of stage s. */
void hist_stage_label(struct ui *u, size_t s, char *out, size_t cap)
{
	if (s >= u->nstages) {
		out[0] = '\0';
		return;
	}
	hist_label(u, u->stages[s].ev_begin, u->stages[s].ev_final, out, cap);
}

/* Is stage s the flight that waits at its gate? */
bool hist_stage_held(struct ui *u, size_t s)
{
	const struct event *b;

	if (!u->pend_ok || s >= u->nstages || u->stages[s].ev_begin != u->held_begin || u->held_begin == SIZE_MAX)
		return false;
	b = u->ev[u->held_begin];
	return b->u.stage.number == u->pend_number && u->stages[s].ev_final == SIZE_MAX;
}

/* The selected connection's stage total. */
uint32_t hist_total(struct ui *u)
{
	return u->stage_of;
}

bool hist_total_final(struct ui *u)
{
	return u->stage_of_planned || (!u->cread && (!u->eng || u->eng_done));
}

/* The record a handshake/app-data/alert event lives in, -1 if none. */
long hist_record_of(struct ui *u, size_t i)
{
	const struct event *e;
	uint64_t idx;

	if (i == (size_t)HIST_RB_REC || i == (size_t)HIST_RB_APP)
		return u->rb_ok && u->rb_rec ? HIST_RB_REC : -1;
	e = hist_get(u, i);
	if (!e)
		return -1;
	if (e->type == EV_RECORD)
		return (long)i;
	if (e->type == EV_HANDSHAKE)
		idx = e->u.hs.record_index;
	else if (e->type == EV_APP_DATA)
		idx = e->u.app.record_index;
	else if (e->type == EV_ALERT || e->type == EV_CCS) {
		/* no index in the event: the nearest earlier record of that direction */
		for (size_t j = i; j-- > 0;) {
			const struct event *r = hist_get(u, j);

			if (r && r->type == EV_RECORD && r->dir == e->dir)
				return (long)j;
		}
		return -1;
	} else
		return -1;
	for (size_t j = i + 1; j-- > 0;) {
		const struct event *r = hist_get(u, j);

		if (r && r->type == EV_RECORD && r->dir == e->dir && r->u.record.index == idx)
			return (long)j;
	}
	for (size_t j = i + 1; j < u->nev; j++) {
		const struct event *r = hist_get(u, j);

		if (r && r->type == EV_RECORD && r->dir == e->dir && r->u.record.index == idx)
			return (long)j;
	}
	return -1;
}

/* True if history index i belongs to stage s. */
bool hist_in_stage(struct ui *u, size_t i, size_t s)
{
	return i < u->nev && i < u->owner_cap && u->ev_owner[i] == s;
}

/* The stage holding history index i. */
size_t hist_stage_of(struct ui *u, size_t i)
{
	if (i == (size_t)HIST_RB_REC || i == (size_t)HIST_RB_APP)
		i = u->rb_run;
	if (i < u->nev && i < u->owner_cap && u->ev_owner[i] < u->nstages)
		return u->ev_owner[i];
	return u->nstages ? u->nstages - 1 : 0;
}

