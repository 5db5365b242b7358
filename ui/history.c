/* The TUI's event history: copies of every event the engine emits, and the
 * stages (live: EV_STAGE; replay: flights of records) derived from it. */
#include "ui.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>

#define HIST_MAX ((size_t)1 << 22) /* events kept; beyond it new ones are counted, not kept */

/* Remember a connection the first time it is announced. */
static void hist_note_conn(struct ui *u, const struct event *ev)
{
	for (size_t i = 0; i < u->nconns; i++)
		if (u->conns[i] == ev->conn)
			return;
	if (u->nconns >= sizeof u->conns / sizeof u->conns[0])
		return;
	u->conns[u->nconns] = ev->conn;
	snprintf(u->conn_label[u->nconns], sizeof u->conn_label[0], "#%u %s -> %s", (unsigned)ev->conn,
		 ev->u.conn.client, ev->u.conn.server);
	u->nconns++;
	/* live: a new connection (resumption, serve) is where things happen next */
	if (!u->conn || (u->opts.engine.mode == ENGINE_LIVE && u->follow))
		u->conn = ev->conn;
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

	if (ev->type == EV_CONN)
		hist_note_conn(u, ev);
	if (ev->type == EV_NOTE && ev->u.note.has_stream_off) {
		/* the tamper scenario's flipped byte, for the Wire pane */
		u->flip_ok = true;
		u->flip_conn = ev->conn;
		u->flip_dir = ev->dir;
		u->flip_off = ev->u.note.stream_off;
	}
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
	}
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

/* Forget every event (restart). */
void hist_clear(struct ui *u)
{
	for (size_t i = 0; i < u->nev; i++) {
		struct hrun *r = hist_run(u, i);

		if (r) {
			free(r->recs);
			free(r);
		} else {
			event_free(u->ev[i]);
		}
	}
	free(u->ev);
	free(u->hc);
	u->hc = NULL;
	u->nhc = 0;
	u->run_recs = 0;
	rb_clear(u);
	u->ev = NULL;
	u->nev = u->cap = 0;
	free(u->stages);
	u->stages = NULL;
	free(u->ev_owner);
	u->ev_owner = NULL;
	u->owner_cap = 0;
	u->nstages = u->stcap = 0;
	u->nconns = 0;
	u->conn = 0;
	u->live_stages = false;
	u->flip_ok = false;
	u->dropped = 0;
	u->dirty = true;
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

/* Append a stage starting at history index first. */
static struct stage *stage_push(struct ui *u, size_t first)
{
	struct stage *s;

	if (u->nstages == u->stcap) {
		size_t ncap = u->stcap ? u->stcap * 2 : 16;
		struct stage *n = realloc(u->stages, ncap * sizeof *n);

		if (!n)
			return NULL;
		u->stages = n;
		u->stcap = ncap;
	}
	s = &u->stages[u->nstages++];
	memset(s, 0, sizeof *s);
	s->first = first;
	s->end = first;
	s->ev_stage = SIZE_MAX;
	return s;
}

/* "client_hello" -> "ClientHello". */
static void camel(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	bool up = true;

	for (; *in && o + 1 < cap; in++) {
		if (*in == '_') {
			up = true;
			continue;
		}
		out[o++] = up && *in >= 'a' && *in <= 'z' ? (char)(*in - 32) : *in;
		up = false;
	}
	out[o] = '\0';
}

enum kind { K_NONE = 0, K_HS, K_APP, K_ALERT, K_UNKNOWN };

/* What a record carries, as far as the decoder could tell. */
static enum kind record_kind(const struct ev_record *r)
{
	uint8_t t = r->encrypted ? (r->decrypted ? r->inner_type : 0) : r->content_type;

	if (r->encrypted && !r->decrypted)
		return K_UNKNOWN;
	switch (t) {
	case 20:
	case 22:
		return K_HS;
	case 21:
		return K_ALERT;
	case 23:
		return K_APP;
	default:
		return K_UNKNOWN;
	}
}

/* The kind of a record or run. */
static enum kind ev_kind(const struct event *e)
{
	if (e->type == EV_UI_RUN)
		return ((const struct hrun *)e)->decrypted ? K_APP : K_UNKNOWN;
	return record_kind(&e->u.record);
}

/* Name and title a replay flight after what it carries. */
static void flight_name(struct ui *u, struct stage *s)
{
	const char *first_msg = NULL;
	bool app = false, alert = false, close = false, syn = false;
	char title[96] = "", part[40];

	for (size_t i = s->first; i < s->end; i++) {
		const struct event *e = hist_get(u, i);

		if (!e || !hist_in_stage(u, i, (size_t)(s - u->stages)))
			continue;
		if (e->type == EV_HANDSHAKE && e->u.hs.msg) {
			if (!first_msg)
				first_msg = e->u.hs.msg;
			camel(e->u.hs.msg, part, sizeof part);
			if (strlen(title) + strlen(part) + 3 < sizeof title) {
				if (title[0])
					strcat(title, ", ");
				strcat(title, part);
			}
		} else if (e->type == EV_RECORD || e->type == EV_UI_RUN) {
			enum kind k = ev_kind(e);

			app |= k == K_APP || k == K_UNKNOWN;
			alert |= k == K_ALERT;
		} else if (e->type == EV_ALERT && e->u.alert.desc == 0) {
			close = true;
		} else if (e->type == EV_PACKET && (e->u.packet.tcp_flags & TH_SYN)) {
			syn = true;
		}
	}
	if (syn && !first_msg && !app) {
		snprintf(s->name, sizeof s->name, "tcp_handshake");
		snprintf(s->title, sizeof s->title, "TCP handshake");
		return;
	}
	if (first_msg) {
		const char *n = first_msg;

		if (!strcmp(n, "client_hello") || !strcmp(n, "hello_retry_request"))
			;
		else if (!strcmp(n, "server_hello"))
			n = "server_hello_flight";
		else if (s->dir == DIR_C2S)
			n = "client_finished";
		else if (!strcmp(n, "new_session_ticket") && hist_version(u) == 0x0304)
			;
		else if (!strcmp(n, "new_session_ticket") || !strcmp(n, "finished"))
			n = "server_finished";
		else if (hist_version(u) == 0x0304)
			n = "server_hello_flight";
		snprintf(s->name, sizeof s->name, "%s", n);
		snprintf(s->title, sizeof s->title, "%s", title);
		return;
	}
	if (close || alert) {
		snprintf(s->name, sizeof s->name, close ? "close_notify" : "alert");
		snprintf(s->title, sizeof s->title, close ? "Alert close_notify" : "Alert");
		return;
	}
	snprintf(s->name, sizeof s->name, s->dir == DIR_C2S ? "http_request" : "http_response");
	snprintf(s->title, sizeof s->title, s->dir == DIR_C2S ? "Application data (request)" : "Application data (response)");
}

/* The stage an event belongs to: the newest stage of its direction that
 * began before the event was captured (packets arrive from the capture
 * thread after the next stage may already be announced), else the newest
 * stage that began before it. */
static size_t live_owner(struct ui *u, const struct event *e, const size_t last_dir[3], size_t last)
{
	bool has_dir = e->dir == DIR_C2S || e->dir == DIR_S2C;

	if (!e->ts_us)
		return has_dir && last_dir[e->dir] != SIZE_MAX ? last_dir[e->dir] : last;
	for (int pass = has_dir ? 0 : 1; pass < 2; pass++)
		for (size_t s = last + 1; s-- > 0;) {
			const struct event *st = u->ev[u->stages[s].ev_stage];

			if (pass == 0 && u->stages[s].dir != e->dir)
				continue;
			if (st->ts_us && st->ts_us <= e->ts_us)
				return s;
		}
	return has_dir && last_dir[e->dir] != SIZE_MAX ? last_dir[e->dir] : last;
}

/* Stages from EV_STAGE events. Both sides may wait at a gate at once (the
 * client's request and the server's ticket), so an event belongs to the
 * newest stage of its own direction, and to the newest stage otherwise. */
static void rebuild_live(struct ui *u)
{
	size_t last_dir[3] = { SIZE_MAX, SIZE_MAX, SIZE_MAX }, last = SIZE_MAX;

	for (size_t i = 0; i < u->nev; i++) {
		const struct event *e = hist_get(u, i);
		size_t s;

		u->ev_owner[i] = SIZE_MAX;
		if (!e)
			continue;
		if (e->type == EV_STAGE) {
			struct stage *cur = last != SIZE_MAX ? &u->stages[last] : NULL;

			if (cur && u->ev[cur->ev_stage]->u.stage.index == e->u.stage.index) {
				cur->held = e->u.stage.held; /* the same stage again */
				u->ev_owner[i] = last;
				continue;
			}
			cur = stage_push(u, i);
			if (!cur)
				return;
			last = u->nstages - 1;
			cur->ev_stage = i;
			cur->dir = e->u.stage.dir;
			cur->held = e->u.stage.held;
			snprintf(cur->name, sizeof cur->name, "%s", e->u.stage.name ? e->u.stage.name : "stage");
			snprintf(cur->title, sizeof cur->title, "%s", e->u.stage.title ? e->u.stage.title : cur->name);
			if (cur->dir == DIR_C2S || cur->dir == DIR_S2C)
				last_dir[cur->dir] = last;
			u->ev_owner[i] = last;
			continue;
		}
		if (last == SIZE_MAX)
			continue;
		s = live_owner(u, e, last_dir, last);
		u->ev_owner[i] = s;
		u->stages[s].end = i + 1;
	}
	/* events before the first stage belong to it */
	if (u->nstages) {
		for (size_t i = 0; i < u->stages[0].first; i++)
			if (hist_get(u, i))
				u->ev_owner[i] = 0;
		u->stages[0].first = 0;
	}
}

/* Stages of a capture: the TCP handshake, then one per flight (direction or
 * content kind changes). */
static void rebuild_replay(struct ui *u)
{
	struct stage *cur = NULL;
	enum kind kind = K_NONE;

	for (size_t i = 0; i < u->nev; i++) {
		const struct event *e = hist_get(u, i);
		bool start = false;

		u->ev_owner[i] = SIZE_MAX;
		if (!e)
			continue;
		if (e->type == EV_PACKET && (e->u.packet.tcp_flags & TH_SYN) && !cur) {
			start = true;
			kind = K_NONE;
		} else if (e->type == EV_RECORD || e->type == EV_UI_RUN) {
			enum kind k = ev_kind(e);

			if (!cur || cur->dir != e->dir || (k != K_UNKNOWN && kind != K_NONE && kind != K_UNKNOWN && k != kind) ||
			    (cur->dir == DIR_NONE))
				start = true;
			if (k != K_UNKNOWN || start)
				kind = k;
		}
		if (start) {
			bool rec = e->type == EV_RECORD || e->type == EV_UI_RUN;

			if (rec && cur && cur->dir == DIR_NONE) {
				cur->dir = DIR_C2S; /* the TCP handshake stage */
			}
			cur = stage_push(u, u->nstages ? i : 0);
			if (!cur)
				return;
			cur->dir = rec ? e->dir : DIR_NONE;
		}
		if (cur) {
			cur->end = i + 1;
			u->ev_owner[i] = u->nstages - 1;
		}
	}
	for (size_t s = 0; s < u->nstages; s++) {
		if (u->stages[s].dir == DIR_NONE)
			u->stages[s].dir = DIR_C2S;
		flight_name(u, &u->stages[s]);
	}
}

/* Recompute the stages of the selected connection after new events. */
void hist_rebuild(struct ui *u)
{
	size_t old = u->nstages;

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
	u->live_stages = false;
	for (size_t i = 0; i < u->nev && !u->live_stages; i++)
		u->live_stages = u->ev[i]->type == EV_STAGE;
	if (u->live_stages)
		rebuild_live(u);
	else
		rebuild_replay(u);
	if (u->follow && u->nstages)
		u->sel_stage = u->nstages - 1;
	if (u->sel_stage >= u->nstages)
		u->sel_stage = u->nstages ? u->nstages - 1 : 0;
	if (u->nstages != old)
		u->redraw = true;
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

/* The value of the first field named field in the selected connection's
 * message msg, or NULL. */
const char *hist_field(struct ui *u, const char *msg, const char *field)
{
	for (size_t i = 0; i < u->nev; i++) {
		const struct event *e = hist_get(u, i);

		if (!e || e->type != EV_HANDSHAKE || !e->u.hs.msg || strcmp(e->u.hs.msg, msg))
			continue;
		for (size_t f = 0; f < e->u.hs.nfields; f++)
			if (e->u.hs.fields[f].name && !strcmp(e->u.hs.fields[f].name, field))
				return e->u.hs.fields[f].value;
	}
	return NULL;
}

/* The negotiated version: the selected connection's ServerHello, then the
 * engine status (which speaks for the newest connection), then the options. */
uint16_t hist_version(struct ui *u)
{
	for (size_t i = 0; i < u->nev; i++) {
		const struct event *e = hist_get(u, i);

		if (!e || e->type != EV_HANDSHAKE || e->dir != DIR_S2C || !e->u.hs.msg ||
		    strcmp(e->u.hs.msg, "server_hello"))
			continue;
		for (size_t f = 0; f < e->u.hs.nfields; f++)
			if (e->u.hs.fields[f].name && !strcmp(e->u.hs.fields[f].name, "selected_version") &&
			    e->u.hs.fields[f].value && strstr(e->u.hs.fields[f].value, "1.3"))
				return 0x0304;
		return 0x0303;
	}
	if (!strcmp(u->st.version, "TLS 1.3"))
		return 0x0304;
	if (!strcmp(u->st.version, "TLS 1.2"))
		return 0x0303;
	if (u->opts.engine.mode == ENGINE_LIVE && u->opts.engine.tls_version)
		return u->opts.engine.tls_version;
	return 0;
}

/* The names the live session gives its flights (src/session/session_stage.c);
 * replay flights are named the same way. */
static const char *const stages13[] = {
	"tcp_handshake", "client_hello", "server_hello_flight", "client_finished", "new_session_ticket",
	"http_request", "http_response", "close_notify", NULL,
};
static const char *const stages12[] = {
	"tcp_handshake", "client_hello", "server_hello_flight", "client_finished", "server_finished",
	"http_request", "http_response", "close_notify", NULL,
};

/* Stage names expected for a version. */
const char *const *hist_expected(uint16_t version)
{
	return version == 0x0303 ? stages12 : stages13;
}

/* True if a reached stage has this name. */
bool hist_stage_reached(struct ui *u, const char *name)
{
	for (size_t s = 0; s < u->nstages; s++)
		if (!strcmp(u->stages[s].name, name))
			return true;
	return false;
}

/* Stages reached plus expected ones not reached yet. */
size_t hist_total_stages(struct ui *u)
{
	size_t n = u->nstages, last = 0;
	const char *const *x = hist_expected(hist_version(u));

	if (u->eng_done || u->opts.engine.mode == ENGINE_REPLAY)
		return n;
	for (size_t i = 0; x[i]; i++)
		if (hist_stage_reached(u, x[i]))
			last = i + 1;
	for (size_t i = last; x[i]; i++)
		n++;
	return n;
}

/* History up to the end of the selected stage: what existed at that point. */
size_t hist_horizon(struct ui *u)
{
	if (!u->nstages || u->sel_stage + 1 >= u->nstages)
		return u->nev;
	if (u->live_stages) /* everything before the next stage began */
		return u->stages[u->sel_stage + 1].ev_stage;
	return u->stages[u->sel_stage].end;
}
