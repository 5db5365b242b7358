/* The engine: source -> wire -> TCP reassembly -> TLS decoder -> view.
 *
 * Live: the session's threads and the capture thread only queue events (the
 * capture's frames travel as raw EV_PACKET events); engine_poll() drains the
 * queue on the caller's thread, parses and reassembles the frames and runs
 * the decoder, so every event reaches the view from one thread, in order.
 * Replay: engine_poll() reads a budget of frames from the file per call.
 */
#include "engine/engine.h"

#include "core/err.h"
#include "core/evqueue.h"
#include "core/hex.h"
#include "core/idtab.h"
#include "engine/engine_int.h"
#include "engine/keylog_out.h"
#include "engine/reread.h"
#include "engine/story.h"
#include "keys/keys.h"
#include "session/session.h"
#include "tls/tlsdec.h"
#include "wire/capfile.h"
#include "wire/capture.h"
#include "wire/packet.h"
#include "wire/pcapng_write.h"
#include "wire/reasm.h"
#include "wire/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Let the read-back index see an event (with its connection's version and
 * suite, which key events need). */
static void engine_rr_event(struct engine *e, const struct event *ev)
{
	uint16_t ver = 0;
	const char *suite = NULL;

	if (ev->type == EV_KEY || ev->type == EV_HANDSHAKE) {
		if (ev->conn && ev->conn <= e->nconns && e->conns[ev->conn - 1].dec)
			tlsdec_info(e->conns[ev->conn - 1].dec, &ver, &suite, NULL);
	}
	reread_event(e->rr, ev, ver, suite);
}

/* Number an event and hand it to the view (after the story model). */
static void engine_view_out(struct sink *self, const struct event *ev)
{
	struct engine *e = (struct engine *)((char *)self - offsetof(struct engine, view_out));
	struct event copy = *ev;

	copy.seq = ++e->seq;
	sink_emit(e->view, &copy);
}

/* Everything the pipeline says: the read-back index, the pass counters,
 * then the story model, which adds the stages and holds keys until their
 * stage is known. */
static void engine_out(struct sink *self, const struct event *ev)
{
	struct engine *e = (struct engine *)((char *)self - offsetof(struct engine, out));

	if (e->reading_ahead) {
		sink_emit(story_sink(e->story), ev);
		return;
	}
	if (e->rr && !e->pass)
		engine_rr_event(e, ev);
	if (e->pass && !e->pass_dry && ev->type == EV_RECORD && ev->u.record.encrypted) {
		e->pass_enc[e->pass]++;
		e->pass_dec[e->pass] += ev->u.record.decrypted;
	}
	if (e->pass && !e->pass_dry && ev->type == EV_APP_DATA)
		e->pass_app[e->pass]++;
	if (e->story)
		sink_emit(story_sink(e->story), ev);
	else
		engine_view_out(&e->view_out, ev);
}

/* Emit a note (info or warning). */
void engine_note(struct engine *e, const char *level, const char *text)
{
	struct event ev = { .type = EV_NOTE, .ts_us = event_now_us() };

	ev.u.note.level = level;
	ev.u.note.text = text;
	sink_emit(&e->out, &ev);
}

/* Emit the current err_msg() as an error event. */
void engine_error_event(struct engine *e, uint32_t conn, int code)
{
	struct event ev = { .type = EV_ERROR, .conn = conn, .ts_us = event_now_us() };

	ev.u.error.code = code;
	ev.u.error.what = err_name(code);
	ev.u.error.text = err_msg();
	sink_emit(&e->out, &ev);
}

/* The decoder slot of a connection, growing the table. */
static struct conn_state *engine_conn(struct engine *e, uint32_t id)
{
	if (idtab_reserve((void **)&e->conns, &e->nconns, sizeof *e->conns, id) < 0)
		return NULL;
	return &e->conns[id - 1];
}

/* Replay and passes: free the decoder of connection id once both its
 * directions have closed, unless it is keep (the one the status line shows).
 * A capture of 10,000 connections kept them all: on_close always met the
 * connection just opened as the last one. */
static void engine_dec_release(struct engine *e, uint32_t id, uint32_t keep)
{
	struct conn_state *c = id && id <= e->nconns ? &e->conns[id - 1] : NULL;

	if (!c || !c->dec || id == keep || c->closed != (DIR_C2S | DIR_S2C) ||
	    !(e->o.mode == ENGINE_REPLAY || e->pass))
		return;
	tlsdec_free(c->dec);
	c->dec = NULL;
}

/* The EV_PACKET of the frame being processed, once, with its connection. */
static void engine_emit_packet(struct engine *e, uint32_t conn, enum dir d)
{
	struct event ev = { .type = EV_PACKET, .conn = conn, .dir = d };
	const struct pkt *p = e->cur_pkt;

	if (e->cur_emitted || !p)
		return;
	e->cur_emitted = true;
	ev.ts_us = p->ts_us;
	ev.u.packet.frame = e->cur_raw->frame_no;
	ev.u.packet.linktype = p->linktype;
	ev.u.packet.tcp_flags = p->flags;
	ev.u.packet.seq = p->seq;
	ev.u.packet.ack = p->ack;
	ev.u.packet.window = p->window;
	ev.u.packet.bytes = p->frame;
	ev.u.packet.len = p->caplen;
	ev.u.packet.payload_off = p->payload_off;
	ev.u.packet.payload_len = p->payload_len;
	sink_emit(&e->out, &ev);
}

static void on_conn(void *ctx, uint32_t rid, const char *client, const char *server, uint64_t ts)
{
	struct engine *e = ctx;
	uint32_t id = rid + e->conn_base;
	struct conn_state *c = engine_conn(e, id);
	struct event ev = { .type = EV_CONN, .conn = id, .ts_us = ts };

	snprintf(ev.u.conn.client, sizeof ev.u.conn.client, "%s", client);
	snprintf(ev.u.conn.server, sizeof ev.u.conn.server, "%s", server);
	ev.u.conn.source = e->o.mode == ENGINE_REPLAY || e->pass ? "file" : capture_mode_name(e->cap_mode);
	ev.u.conn.label = engine_pass_label(e->pass);
	sink_emit(&e->out, &ev);
	if (c && e->cur_raw && !c->first_frame) {
		c->first_pos = e->frame_pos;
		c->first_frame = e->cur_raw->frame_no;
	}
	if (c && !c->dec)
		c->dec = tlsdec_new(id, e->pass_ks ? e->pass_ks : e->ks, &e->out);
	if (c && c->dec && e->o.mode == ENGINE_REPLAY) /* records open on every CPU */
		tlsdec_set_parallel(c->dec, 0);
	/* the connection before was kept for the status line only: free it
	 * now if it has ended (on_close could not, being the last one then) */
	if (e->last_conn && e->last_conn != id)
		engine_dec_release(e, e->last_conn, id);
	e->last_conn = id;
	if (id > e->max_conn)
		e->max_conn = id;
}

/* The decoder slot of a stage's connection (live: the session's n-th
 * connection is the n-th one the capture sees). */
static struct conn_state *engine_stage_conn(struct engine *e, const struct event *ev)
{
	uint32_t id = ev->conn ? ev->conn : 1;

	return id <= e->nconns ? &e->conns[id - 1] : NULL;
}

/* True when the held event at the head may reach the view: anything but a
 * stage at once; a stage once every byte either side wrote before the flight
 * reached its gate has been decoded, so each stage's block holds exactly its
 * own records, and the stage before it is complete (its story told) while
 * this flight is still held. */
static bool engine_held_ready(struct engine *e, const struct event *ev)
{
	const struct ev_stage *st = &ev->u.stage;
	const struct conn_state *c;
	enum dir peer = ev->dir == DIR_C2S ? DIR_S2C : DIR_C2S;

	if (ev->type != EV_STAGE || !st->has_bytes)
		return true;
	c = engine_stage_conn(e, ev);
	return c && c->fed[ev->dir] >= st->stream_off && c->fed[peer] >= st->peer_off;
}

/* Emit the held head event, whatever it is. */
static void engine_release_head(struct engine *e)
{
	struct held *h = e->held_head;

	e->held_head = h->next;
	if (!e->held_head)
		e->held_tail = NULL;
	sink_emit(&e->out, h->ev);
	event_free(h->ev);
	free(h);
}

/* Emit held session events in order while they are ready. */
void engine_release_held(struct engine *e, bool all)
{
	while (e->held_head && (all || engine_held_ready(e, e->held_head->ev)))
		engine_release_head(e);
}

/* Queue a session event (takes ownership), then release what is ready. */
static void engine_hold(struct engine *e, struct event *ev)
{
	struct held *h = malloc(sizeof *h);

	if (!h) {
		sink_emit(&e->out, ev);
		event_free(ev);
		return;
	}
	h->ev = ev;
	h->next = NULL;
	if (e->held_tail)
		e->held_tail->next = h;
	else
		e->held_head = h;
	e->held_tail = h;
	engine_release_held(e, false);
}

/* Whether the held stage at the head begins in direction d inside
 * [off, off+len); its offset goes to *at. */
static bool engine_stage_split(struct engine *e, uint32_t id, enum dir d, uint64_t off, size_t len,
			       uint64_t *at)
{
	const struct event *ev = e->held_head ? e->held_head->ev : NULL;

	if (!ev || ev->type != EV_STAGE || !ev->u.stage.has_bytes || ev->dir != d ||
	    (ev->conn ? ev->conn : 1) != id)
		return false;
	*at = ev->u.stage.stream_off;
	return *at >= off && *at < off + len;
}


static void on_data(void *ctx, uint32_t rid, enum dir d, const uint8_t *data, size_t len,
		    uint64_t off, uint64_t ts)
{
	struct engine *e = ctx;
	uint32_t id = rid + e->conn_base;
	struct conn_state *c = engine_conn(e, id);
	bool live = e->o.mode == ENGINE_LIVE && e->pass == 0 && c;

	if (e->rr && !e->pass && !e->reading_ahead)
		reread_data(e->rr, id, d, e->cur_pkt, data, len, off, e->frame_pos,
			    e->cur_raw ? e->cur_raw->frame_no : 0);
	engine_emit_packet(e, id, d);
	while (live && len) {
		uint64_t at = 0;
		bool split = engine_stage_split(e, id, d, off, len, &at);
		size_t n = split ? (size_t)(at - off) : len;

		if (split && n == 0) {
			/* the flight's first byte: its stage, then what followed it */
			engine_release_head(e);
			engine_release_held(e, false);
			continue;
		}
		if (c && c->dec)
			tlsdec_feed(c->dec, d, data, n, off, ts);
		data += n;
		off += n;
		len -= n;
		c->fed[d] = off;
		engine_release_held(e, false);
	}
	if (!live && c && c->dec)
		tlsdec_feed(c->dec, d, data, len, off, ts);
}

static void on_gap(void *ctx, uint32_t rid, enum dir d, uint64_t off, uint64_t missing, uint64_t ts)
{
	struct engine *e = ctx;
	uint32_t id = rid + e->conn_base;
	struct conn_state *c = engine_conn(e, id);
	struct event ev = { .type = EV_GAP, .conn = id, .dir = d, .ts_us = ts };

	engine_emit_packet(e, id, d);
	ev.u.gap.stream_off = off;
	ev.u.gap.missing = missing;
	sink_emit(&e->out, &ev);
	if (c && c->dec)
		tlsdec_gap(c->dec, d, off, missing);
}

static void on_close(void *ctx, uint32_t rid, enum dir d, bool rst, uint64_t ts)
{
	struct engine *e = ctx;
	uint32_t id = rid + e->conn_base;
	struct conn_state *c = engine_conn(e, id);

	(void)rst;
	(void)ts;
	if (!c)
		return;
	c->closed |= (uint8_t)d;
	if (c->dec && c->closed == (DIR_C2S | DIR_S2C)) {
		tlsdec_end(c->dec);
		/* status keeps the last connection's facts; free the rest */
		engine_dec_release(e, id, e->last_conn);
	}
}

const struct reasm_ops engine_reasm_ops = {
	.conn = on_conn, .data = on_data, .gap = on_gap, .close = on_close,
};

/* Keep a copy of a live frame for engine_save. */
static void engine_keep_frame(struct engine *e, const struct pkt_raw *r)
{
	struct saved_frame *f;

	if (e->nframes == e->capframes) {
		size_t n = e->capframes ? 2 * e->capframes : 256;
		struct saved_frame *g = realloc(e->frames, n * sizeof *g);

		if (!g)
			return;
		e->frames = g;
		e->capframes = n;
	}
	f = &e->frames[e->nframes];
	f->bytes = malloc(r->caplen ? r->caplen : 1);
	if (!f->bytes)
		return;
	memcpy(f->bytes, r->frame, r->caplen);
	f->ts_us = r->ts_us;
	f->caplen = r->caplen;
	f->origlen = r->origlen;
	e->nframes++;
}

/* One captured frame through the pipeline. */
void engine_frame(struct engine *e, const struct pkt_raw *r)
{
	struct pkt p;
	uint32_t conn = 0;
	enum dir d = DIR_NONE;
	int rc;

	if (e->o.mode == ENGINE_LIVE && e->pass == 0) {
		e->linktype = r->linktype;
		engine_keep_frame(e, r);
		e->frame_pos = e->nframes ? e->nframes - 1 : 0;
	}
	rc = packet_parse(r->linktype, r->frame, r->caplen, r->origlen, r->ts_us, &p);
	if (rc == ERR_UNSUPPORTED)
		return; /* not TCP: not ours to show */
	if (rc < 0) {
		err_wrap(rc, "frame %llu: ", (unsigned long long)r->frame_no);
		engine_error_event(e, 0, rc);
		return;
	}
	e->cur_raw = r;
	e->cur_pkt = &p;
	e->cur_emitted = false;
	rc = reasm_packet(e->rs, &p, &conn, &d);
	if (conn) {
		struct conn_state *c;

		conn += e->conn_base;
		if ((c = engine_conn(e, conn)))
			c->last_frame = r->frame_no;
	}
	if (rc < 0) {
		err_wrap(rc, "frame %llu: ", (unsigned long long)r->frame_no);
		engine_error_event(e, conn, rc);
	}
	engine_emit_packet(e, conn, d);
	e->cur_pkt = NULL;
	e->cur_raw = NULL;
}

/* Capture thread / tap: queue the raw frame. */
static void engine_on_packet(void *ctx, const struct pkt_raw *r)
{
	struct engine *e = ctx;
	struct event ev = { .type = EV_PACKET, .ts_us = r->ts_us };

	ev.u.packet.frame = r->frame_no;
	ev.u.packet.linktype = r->linktype;
	ev.u.packet.bytes = r->frame;
	ev.u.packet.len = r->caplen;
	ev.u.packet.payload_off = RAW_FRAME;
	ev.u.packet.payload_len = r->origlen;
	sink_emit(evqueue_sink(e->q), &ev);
}

/* Session I/O hook for the tap source. */
static void engine_on_wire(void *ctx, enum dir d, const uint8_t *data, size_t len)
{
	struct engine *e = ctx;

	pthread_mutex_lock(&e->tap_lock);
	if (e->tap)
		tap_data(e->tap, d, data, len);
	pthread_mutex_unlock(&e->tap_lock);
}

/* Session hook: connection n opened or ended; the tap source makes one
 * synthetic TCP connection per session connection. */
static void engine_on_sess_conn(void *ctx, uint32_t n, bool open, uint16_t client_port)
{
	struct engine *e = ctx;

	(void)n;
	if (e->cap_mode != CAPTURE_TAP)
		return;
	pthread_mutex_lock(&e->tap_lock);
	if (e->tap) {
		tap_close(e->tap);
		tap_free(e->tap);
		e->tap = NULL;
	}
	if (open) {
		e->tap = tap_new(client_port, session_port(e->sess), engine_on_packet, e);
		if (e->tap)
			tap_open(e->tap);
	}
	pthread_mutex_unlock(&e->tap_lock);
}

static enum capture_mode engine_capture_mode(enum engine_capture c)
{
	switch (c) {
	case ENGINE_CAPTURE_PCAP: return CAPTURE_PCAP;
	case ENGINE_CAPTURE_NETNS: return CAPTURE_NETNS;
	case ENGINE_CAPTURE_TAP: return CAPTURE_TAP;
	case ENGINE_CAPTURE_AUTO: break;
	}
	return CAPTURE_AUTO;
}




/* The plan of a live connection, for the story model. */
static size_t engine_plan(void *ctx, uint32_t conn, const struct plan_step **steps)
{
	struct engine *e = ctx;

	return session_plan(e->sess, conn, steps);
}

/* Live: choose the capture source (before any thread), open the session. */
static int engine_open_live(struct engine *e)
{
	struct session_opts so = { 0 };
	enum capture_mode want = engine_capture_mode(e->o.capture);

	if (e->o.scenario && !strcmp(e->o.scenario, "forward-secrecy"))
		TRY(engine_find_captures(e));
	if (e->o.serve) {
		/* outside clients live in this namespace: a private one would hide it */
		ENSURE(want != CAPTURE_NETNS, ERR_USAGE,
		       "serve: --capture netns would hide the server from other programs (use pcap or tap)");
		if (want == CAPTURE_AUTO && capture_prepare(CAPTURE_PCAP, &e->cap_mode, e->cap_why,
							    sizeof e->cap_why) < 0) {
			char why[256];

			snprintf(why, sizeof why, "%s", e->cap_why);
			TRY(capture_prepare(CAPTURE_TAP, &e->cap_mode, e->cap_why, sizeof e->cap_why));
			snprintf(e->cap_why, sizeof e->cap_why, "libpcap on lo not permitted (%.100s); "
				 "frames rebuilt from the server's socket I/O", why);
		} else if (want != CAPTURE_AUTO) {
			TRY(capture_prepare(want, &e->cap_mode, e->cap_why, sizeof e->cap_why));
		}
	} else {
		TRY(capture_prepare(want, &e->cap_mode, e->cap_why, sizeof e->cap_why));
	}
	e->q = evqueue_new(0);
	ENSURE(e->q, ERR_NOMEM, "out of memory");
	so.tls_version = e->o.tls_version; /* 0: not given (TLS 1.3, or the scenario's) */
	so.suite = e->o.suite;
	so.group = e->o.group;
	so.cert_type = e->o.cert_type;
	so.cert_file = e->o.cert_file;
	so.key_file = e->o.key_file;
	so.ca_file = e->o.ca_file;
	so.port = e->o.port;
	so.path = e->o.path;
	so.body_bytes = e->o.body_bytes;
	so.step = e->o.step;
	so.scenario = e->o.scenario;
	so.serve = e->o.serve;
	so.serve_count = e->o.serve_count;
	so.serve_timeout_ms = e->o.serve_timeout_ms;
	so.on_wire_ctx = e;
	so.on_conn = engine_on_sess_conn;
	if (e->cap_mode == CAPTURE_TAP)
		so.on_wire = engine_on_wire;
	TRY(output_path_check(e->o.keylog_out, "--keylog"));
	TRY(session_open(&e->sess, &so, evqueue_sink(e->q), e->ks));
	if (e->o.serve)
		TRY(engine_write_ca(e));
	else if (e->story) /* the session's gates number the stages of its connections */
		story_set_live(e->story, session_nconns(e->sess), engine_plan, e);
	return 0;
}

/* Replay: load keys, open the file. */
static int engine_open_replay(struct engine *e)
{
	ENSURE(e->o.file, ERR_USAGE, "replay needs a capture file");
	if (e->o.keylog_in) {
		int n = keystore_load_keylog_file(e->ks, e->o.keylog_in, &e->out);

		TRY(n);
		if (n == 0)
			engine_note(e, "warning", "the key log holds no usable key");
	}
	if (e->o.rsa_key)
		TRY(keystore_load_rsa_key(e->ks, e->o.rsa_key));
	TRY(capfile_open(&e->cf, e->o.file, e->ks, &e->out));
	ENSURE(pipe(e->wake) == 0, ERR_SYSTEM, "pipe: out of descriptors");
	fcntl(e->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(e->wake[1], F_SETFD, FD_CLOEXEC);
	(void)!write(e->wake[1], "x", 1); /* replay always has work until finished */
	return 0;
}

/* Prepare the source. */
int engine_open(struct engine **out, const struct engine_opts *o, struct sink *view)
{
	struct engine *e = calloc(1, sizeof *e);
	int rc;

	*out = NULL;
	ENSURE(e, ERR_NOMEM, "out of memory");
	e->o = *o;
	e->view = view;
	e->out.emit = engine_out;
	e->view_out.emit = engine_view_out;
	if (!o->no_story) {
		e->story = story_new(&e->view_out);
		ENSURE_GOTO(e->story, ERR_NOMEM, "out of memory");
		story_set_scenario(e->story, o->mode == ENGINE_LIVE && !o->serve ? o->scenario : NULL);
	}
	e->wake[0] = e->wake[1] = -1;
	e->tap_lock_ok = pthread_mutex_init(&e->tap_lock, NULL) == 0;
	e->session_rc = 0;
	e->ks = keystore_new();
	e->rs = reasm_new(&engine_reasm_ops, e, 0);
	e->rr = o->no_readback ? NULL : reread_new();
	ENSURE_GOTO(e->ks && e->rs && (e->rr || o->no_readback) && e->tap_lock_ok, ERR_NOMEM, "out of memory");
	if (o->mode == ENGINE_LIVE)
		TRY_GOTO(engine_open_live(e));
	else
		TRY_GOTO(engine_open_replay(e));
	*out = e;
	return 0;
out:
	engine_close(e);
	return rc;
}

/* Start the threads (live) or mark the file ready (replay). */
int engine_start(struct engine *e)
{
	char line[400];

	ENSURE(!e->started, ERR_STATE, "engine already started");
	e->started = true;
	if (e->o.mode == ENGINE_REPLAY)
		return 0;
	snprintf(line, sizeof line, "capture: %s on %s (%s)", capture_mode_name(e->cap_mode),
		 e->cap_mode == CAPTURE_TAP ? "the session's sockets" : "lo", e->cap_why);
	engine_note(e, "info", line);
	if (e->o.scenario)
		engine_note(e, "info", session_scenario_note(session_scenario(e->sess)));
	if (e->o.serve) {
		snprintf(line, sizeof line, "serve: listening on 127.0.0.1:%u for %u connection%s; trust this CA: "
			 "curl --cacert %s https://localhost:%u/", session_port(e->sess),
			 e->o.serve_count ? e->o.serve_count : 1, e->o.serve_count > 1 ? "s" : "", e->ca_path,
			 session_port(e->sess));
		engine_note(e, "info", line);
	}
	if (e->cap_mode == CAPTURE_TAP) {
		/* the session's connection hook opens one tap per connection */
		e->linktype = WIRE_DLT_EN10MB;
	} else {
		TRY(capture_start(&e->cap, session_port(e->sess), engine_on_packet, e));
	}
	return session_run(e->sess);
}

int engine_fd(struct engine *e)
{
	return e->q ? evqueue_fd(e->q) : e->wake[0];
}

void engine_input_end(struct engine *e)
{
	reasm_finish(e->rs);
	engine_release_held(e, true);
	for (size_t i = 0; i < e->nconns; i++)
		if (e->conns[i].dec && e->conns[i].closed != (DIR_C2S | DIR_S2C)) {
			tlsdec_end(e->conns[i].dec);
			e->conns[i].closed = DIR_C2S | DIR_S2C;
		}
}

/* End of all input: flush reassembly and decoders, say so once. */
void engine_finish(struct engine *e)
{
	struct event ev = { .type = EV_END, .ts_us = event_now_us() };

	if (e->finished)
		return;
	engine_input_end(e);
	if (e->story) /* after the decoders: what they said at the end is in its stage */
		story_flush(e->story);
	if (e->o.mode == ENGINE_LIVE && e->o.keylog_out)
		if (keylog_out_write(e->ks, e->o.keylog_out, false) < 0)
			engine_error_event(e, 0, err_last());
	if (e->o.mode == ENGINE_LIVE && getenv("SSLKEYLOGFILE") && *getenv("SSLKEYLOGFILE"))
		if (keylog_out_write(e->ks, getenv("SSLKEYLOGFILE"), true) < 0)
			engine_error_event(e, 0, err_last());
	sink_emit(&e->out, &ev);
	e->finished = true;
	if (e->wake[0] >= 0) {
		char b;

		while (read(e->wake[0], &b, 1) == 0)
			;
	}
}








/* Live: one queued event. */
static void engine_live_event(struct engine *e, struct event *ev)
{
	if (ev->type == EV_PACKET && ev->u.packet.payload_off == RAW_FRAME) {
		struct pkt_raw r = {
			.frame = ev->u.packet.bytes, .caplen = ev->u.packet.len,
			.origlen = ev->u.packet.payload_len, .ts_us = ev->ts_us,
			.linktype = ev->u.packet.linktype, .frame_no = ev->u.packet.frame,
		};

		engine_frame(e, &r);
		return;
	}
	if (ev->type == EV_END) {
		/* the session is done: collect the capture's last packets first */
		e->session_ended = true;
		e->session_rc = session_result(e->sess);
		engine_release_held(e, false);
		engine_scenario_result(e);
		return;
	}
	engine_hold(e, event_dup(ev));
}

/* After the session: has the capture read everything the session sent?
 * Once it has (or the probe's deadline passed), stop it and say what the
 * kernel lost, if anything. */
static bool engine_capture_settled(struct engine *e)
{
	struct capture_counts n;
	bool late = false;
	char line[320];

	if (!e->cap_settling) {
		e->cap_settling = true;
		if (capture_settle_begin(e->cap, CAPTURE_SETTLE_MS) < 0) {
			snprintf(line, sizeof line, "capture: %s; stopping without knowing that "
				 "every packet was read", err_msg());
			engine_note(e, "warning", line);
			late = true;
		}
	}
	if (!late && capture_settled(e->cap, &late) == 0)
		return false;
	capture_stop(e->cap, &n);
	e->cap = NULL;
	if (late && !n.dropped) {
		snprintf(line, sizeof line, "capture: the end-of-traffic probe did not come back "
			 "within %d ms; packets still in flight were not read", CAPTURE_SETTLE_MS);
		engine_note(e, "warning", line);
	}
	if (n.valid && n.dropped) {
		snprintf(line, sizeof line, "capture: the kernel dropped %llu packets before "
			 "tlsviz could read them (it read %llu); the connections they belonged to "
			 "show the missing bytes as gaps", (unsigned long long)n.dropped,
			 (unsigned long long)n.frames);
		engine_note(e, "warning", line);
	}
	return true;
}

static int engine_poll_live(struct engine *e, int budget)
{
	struct event *ev;

	for (int i = 0; i < budget && (ev = evqueue_pop(e->q)); i++) {
		engine_live_event(e, ev);
		event_free(ev);
	}
	engine_release_held(e, false);
	if (e->session_ended && !e->capture_stopped) {
		if (e->cap && !engine_capture_settled(e))
			return 1; /* the probe is on its way: poll again */
		pthread_mutex_lock(&e->tap_lock);
		if (e->tap)
			tap_close(e->tap);
		pthread_mutex_unlock(&e->tap_lock);
		e->capture_stopped = true;
		return 1;
	}
	if (e->capture_stopped && evqueue_wait(e->q, 0) == 0) {
		if (!e->fs_done && session_scenario(e->sess) == SCEN_FORWARD_SECRECY)
			engine_forward_secrecy(e);
		engine_finish(e);
		return 0;
	}
	return 1;
}

/* Forget every connection's decoder and the reassembly (a pass starts again). */
int engine_pipeline_reset(struct engine *e, uint32_t keep_below)
{
	struct reasm *rs = reasm_new(&engine_reasm_ops, e, 0);

	ENSURE(rs, ERR_NOMEM, "out of memory");
	reasm_free(e->rs);
	e->rs = rs;
	for (size_t i = keep_below; i < e->nconns; i++) {
		tlsdec_free(e->conns[i].dec);
		memset(&e->conns[i], 0, sizeof e->conns[i]);
	}
	if (e->max_conn > keep_below)
		e->max_conn = keep_below;
	if (e->last_conn > keep_below)
		e->last_conn = keep_below;
	return 0;
}

/* A second pipeline on e's options and keys (reading one connection again). */
struct engine *engine_pipeline_new(const struct engine *e, struct sink *view, uint32_t conn_base)
{
	struct engine *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->o = e->o;
	p->o.read_ahead = false;
	p->o.keylog_out = NULL;
	p->view = view;
	p->out.emit = engine_out;
	p->view_out.emit = engine_view_out;
	p->ks = e->ks;
	p->conn_base = conn_base;
	p->wake[0] = p->wake[1] = -1;
	p->started = true;
	p->rs = reasm_new(&engine_reasm_ops, p, 0);
	if (e->story)
		p->story = story_new(&p->view_out);
	if (!p->rs || (e->story && !p->story)) {
		engine_pipeline_free(p);
		return NULL;
	}
	return p;
}

/* Free a pipeline engine_pipeline_new made, leaving the key store it borrowed. */
void engine_pipeline_free(struct engine *p)
{
	if (!p)
		return;
	p->ks = NULL; /* borrowed */
	engine_close(p);
}

/* Batch replay: read the whole file once, only counting each connection's
 * stages, then start again from the top. */
static int engine_read_ahead(struct engine *e)
{
	struct pkt_raw r;
	int rc;

	e->read_ahead_done = true;
	if (!e->story)
		return 0;
	e->reading_ahead = true;
	story_set_dry(e->story, true);
	while ((rc = capfile_next(e->cf, &r)) > 0)
		engine_frame(e, &r);
	engine_input_end(e);
	story_keep_totals(e->story);
	story_set_dry(e->story, false);
	e->reading_ahead = false;
	capfile_close(e->cf);
	e->cf = NULL;
	TRY(engine_pipeline_reset(e, 0));
	/* the key log's notes were said once already */
	return capfile_open(&e->cf, e->o.file, e->ks, NULL);
}

static int engine_poll_replay(struct engine *e, int budget)
{
	struct pkt_raw r;

	if (e->o.read_ahead && !e->read_ahead_done && engine_read_ahead(e) < 0) {
		engine_error_event(e, 0, err_last());
		engine_finish(e);
		return 0;
	}

	for (int i = 0; i < budget; i++) {
		int rc = capfile_next(e->cf, &r);

		if (rc == 0) {
			engine_finish(e);
			return 0;
		}
		if (rc < 0) {
			/* damage with nothing readable after it: say so, stop
			 * reading; the replay failed (exit 1), all before it shown */
			engine_error_event(e, 0, rc);
			e->session_rc = rc;
			engine_finish(e);
			return 0;
		}
		if (capfile_damage(e->cf)) {
			/* damage skipped: said where it was, and the replay failed */
			struct event ev = { .type = EV_ERROR, .ts_us = event_now_us() };

			ev.u.error.code = ERR_VALUE;
			ev.u.error.what = err_name(ERR_VALUE);
			ev.u.error.text = capfile_damage(e->cf);
			sink_emit(&e->out, &ev);
			e->session_rc = ERR_VALUE;
		}
		e->frame_pos = capfile_frame_pos(e->cf);
		engine_frame(e, &r);
	}
	return 1;
}

/* Do a budget of work. */
int engine_poll(struct engine *e, int budget)
{
	ENSURE(e->started, ERR_STATE, "engine not started");
	/* it would say what comes after the frames being read again before they are */
	ENSURE(!e->conn_read, ERR_STATE, "a connection is being read again");
	if (e->finished)
		return 0;
	return e->o.mode == ENGINE_LIVE ? engine_poll_live(e, budget) : engine_poll_replay(e, budget);
}

int engine_pending(struct engine *e, struct ev_stage *st)
{
	const struct plan_step *plan;
	size_t n;
	int r = e->sess ? session_pending(e->sess, st) : 0;

	if (r != 1)
		return r;
	/* the title the stage's begin event carries: the plan's */
	n = session_plan(e->sess, session_conn(e->sess), &plan);
	st->title = NULL;
	if (st->number && st->number <= n) {
		story_plan_title(plan, n, st->number, e->pending_title, sizeof e->pending_title);
		st->title = e->pending_title;
	}
	return 1;
}

int engine_release(struct engine *e)
{
	return e->sess ? session_release(e->sess) : 0;
}

void engine_release_all(struct engine *e)
{
	if (e->sess)
		session_release_all(e->sess);
}

/* Load a key log later: what arrives next can be decrypted. */
int engine_load_keylog(struct engine *e, const char *path)
{
	return keystore_load_keylog_file(e->ks, path, &e->out);
}

/* Write the frames captured so far (live) or the replayed file's frames
 * (replay: read again from the file, damage skipped as in the replay) plus
 * every key known now, the key log loaded with L included. */
int engine_save_format(struct engine *e, const char *path, bool pcap)
{
	struct capwriter *w = NULL;
	struct capfile *cf = NULL;
	struct pkt_raw r;
	size_t klen = 0;
	char *keys = NULL;
	int rc, n;

	if (e->o.mode == ENGINE_REPLAY) {
		ENSURE(strcmp(path, e->o.file) != 0, ERR_USAGE, "%s is the file being replayed: choose another name",
		       path);
		TRY(capfile_open(&cf, e->o.file, NULL, NULL));
		rc = capwriter_open(&w, path, pcap ? CAPFMT_PCAP : CAPFMT_PCAPNG, capfile_linktype(cf));
		if (rc < 0) {
			capfile_close(cf);
			return rc;
		}
	} else {
		ENSURE(e->nframes > 0, ERR_STATE, "nothing captured yet");
		TRY(capwriter_open(&w, path, pcap ? CAPFMT_PCAP : CAPFMT_PCAPNG, e->linktype));
	}
	keys = keystore_to_keylog(e->ks, &klen);
	ENSURE_GOTO(keys, ERR_NOMEM, "out of memory");
	if (klen)
		TRY_GOTO(capwriter_secrets(w, keys, klen));
	for (size_t i = 0; !cf && i < e->nframes; i++)
		TRY_GOTO(capwriter_packet(w, e->frames[i].ts_us, e->frames[i].bytes,
					  e->frames[i].caplen, e->frames[i].origlen));
	while (cf && (n = capfile_next(cf, &r)) != 0) {
		TRY_GOTO(n);
		TRY_GOTO(capwriter_packet(w, r.ts_us, r.frame, r.caplen, r.origlen));
	}
	rc = capwriter_commit(w);
	w = NULL;
out:
	if (w)
		capwriter_abort(w);
	capfile_close(cf);
	if (keys) {
		secure_wipe(keys, klen);
		free(keys);
	}
	return rc;
}

int engine_save(struct engine *e, const char *path)
{
	return engine_save_format(e, path, false);
}

/* Read-back source, replay: the second file handle. */
static int engine_rr_file_seek(void *ctx, uint64_t pos, uint64_t frame_no)
{
	return capfile_seek(((struct engine *)ctx)->cf2, pos, frame_no);
}

static int engine_rr_file_next(void *ctx, struct pkt_raw *out)
{
	return capfile_next(((struct engine *)ctx)->cf2, out);
}

/* Read-back source, live: the frames kept for saving (frame_pos indexes them). */
static int engine_rr_mem_seek(void *ctx, uint64_t pos, uint64_t frame_no)
{
	struct engine *e = ctx;

	(void)frame_no;
	ENSURE(pos < e->nframes, ERR_VALUE, "frame %llu is not kept", (unsigned long long)pos + 1);
	e->frame_pos = pos;
	return 0;
}

static int engine_rr_mem_next(void *ctx, struct pkt_raw *out)
{
	struct engine *e = ctx;
	const struct saved_frame *f;

	if (e->frame_pos >= e->nframes)
		return 0;
	f = &e->frames[e->frame_pos];
	*out = (struct pkt_raw){ .frame = f->bytes, .caplen = f->caplen, .origlen = f->origlen, .ts_us = f->ts_us,
				 .linktype = e->linktype, .frame_no = e->frame_pos + 1 };
	e->frame_pos++;
	return 1;
}

/* Read a record back from the source and decode it again. */
int engine_record(struct engine *e, uint32_t conn, enum dir d, uint64_t index, struct sink *to)
{
	struct reread_src src = { .ctx = e };
	uint64_t keep = e->frame_pos;
	int rc;

	ENSURE(e->rr, ERR_STATE, "this engine keeps no read-back index (opened with no_readback)");
	if (e->o.mode == ENGINE_REPLAY) {
		if (!e->cf2)
			TRY(capfile_open(&e->cf2, e->o.file, NULL, NULL));
		src.seek = engine_rr_file_seek;
		src.next = engine_rr_file_next;
	} else {
		src.seek = engine_rr_mem_seek;
		src.next = engine_rr_mem_next;
	}
	rc = reread_record(e->rr, &src, conn, d, index, to);
	e->frame_pos = keep;
	return rc;
}

/* Facts for the status line. */
void engine_status(struct engine *e, struct engine_status *st)
{
	uint16_t ver = 0;
	const char *suite = "", *group = "";

	memset(st, 0, sizeof *st);
	st->mode = e->o.mode == ENGINE_LIVE ? "live" : "replay";
	st->source = e->o.mode == ENGINE_LIVE ? capture_mode_name(e->cap_mode) : "file";
	st->device = e->o.mode == ENGINE_LIVE ? (e->cap_mode == CAPTURE_TAP ? "tap" : "lo") : e->o.file;
	if (e->last_conn && e->last_conn <= e->nconns && e->conns[e->last_conn - 1].dec)
		tlsdec_info(e->conns[e->last_conn - 1].dec, &ver, &suite, &group);
	if (ver == 0x0304)
		snprintf(st->version, sizeof st->version, "TLS 1.3");
	else if (ver == 0x0303)
		snprintf(st->version, sizeof st->version, "TLS 1.2");
	else if (ver)
		snprintf(st->version, sizeof st->version, "0x%04x", ver);
	snprintf(st->suite, sizeof st->suite, "%s", suite ? suite : "");
	snprintf(st->group, sizeof st->group, "%s", group ? group : "");
	if (e->cf) {
		st->bytes_done = capfile_pos(e->cf);
		st->bytes_total = capfile_size(e->cf);
	}
	st->finished = e->finished;
	st->result = e->session_rc;
	st->scenario = e->sess ? session_scenario_name(session_scenario(e->sess)) : "";
	st->port = e->sess ? session_port(e->sess) : 0;
	st->ca_file = e->ca_path;
}

/* Stop everything and free. */
void engine_close(struct engine *e)
{
	if (!e)
		return;
	engine_conn_read_close(e->conn_read);
	if (e->sess) {
		session_release_all(e->sess);
		session_close(e->sess);
	}
	if (e->cap && !e->capture_stopped)
		capture_stop(e->cap, NULL);
	if (e->tap)
		tap_free(e->tap);
	if (e->cf)
		capfile_close(e->cf);
	capfile_close(e->cf2);
	capfile_close(e->cf3);
	reread_free(e->rr);
	story_free(e->story);
	for (size_t i = 0; i < e->nconns; i++)
		tlsdec_free(e->conns[i].dec);
	free(e->conns);
	reasm_free(e->rs);
	for (size_t i = 0; i < e->nframes; i++)
		free(e->frames[i].bytes);
	free(e->frames);
	evqueue_free(e->q);
	while (e->held_head) {
		struct held *h = e->held_head;

		e->held_head = h->next;
		event_free(h->ev);
		free(h);
	}
	keystore_free(e->ks);
	for (int i = 0; i < 3; i++)
		keystore_free(e->pass_keys[i]);
	if (e->ca_path[0])
		unlink(e->ca_path);
	if (e->tap_lock_ok)
		pthread_mutex_destroy(&e->tap_lock);
	if (e->wake[0] >= 0) {
		close(e->wake[0]);
		close(e->wake[1]);
	}
	free(e);
}
