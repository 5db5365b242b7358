/* Reading one connection of a capture again, by itself, so that a view can
 * keep the events of the connection it shows and only an index of the
 * others (the TUI on a capture of 10,000 connections).
 *
 * The engine notes, per connection, the file position and number of the
 * frame that opened it and the number of its newest frame. Reading it again
 * seeks a handle of its own to that frame and feeds the frames of the same
 * TCP 4-tuple, up to the newest one, through a pipeline of its own
 * (reassembly, decoder, story model; engine_pipeline_new) that starts
 * numbering connections at the wanted id and shares the engine's key store,
 * so the events come out as the first decoding emitted them, with the same
 * connection id, record indices and stage numbers. Other connections' frames
 * are skipped before they are parsed further, so the cost is that of the
 * frames between the connection's first and last, not of the file.
 */
#include "engine/engine.h"

#include "core/err.h"
#include "engine/engine_int.h"
#include "wire/capfile.h"
#include "wire/packet.h"

#include <stdlib.h>
#include <string.h>

struct engine_conn_read {
	struct engine *e;
	struct engine *p;     /* the pipeline reading the connection */
	struct sink filter;   /* its events of the connection, to `to` */
	struct sink *to;
	uint32_t conn;
	uint64_t last_frame;  /* the connection's newest frame when opened */
	bool ended;           /* the file has been read to its end: say the connection's end */
	bool done;
	/* the 4-tuple of the opening frame */
	int af;
	uint8_t a[16], b[16];
	uint16_t ap, bp;
};

/* Pass on the connection's own events; the file's notes (conn 0) and any
 * connection a reused port opened inside the range were said already. */
static void cr_filter(struct sink *s, const struct event *ev)
{
	struct engine_conn_read *cr = (struct engine_conn_read *)((char *)s - offsetof(struct engine_conn_read, filter));

	if (ev->conn == cr->conn)
		sink_emit(cr->to, ev);
}

/* True when the parsed frame is of the connection's 4-tuple, either way. */
static bool cr_match(const struct engine_conn_read *cr, const struct pkt *p)
{
	if (p->af != cr->af)
		return false;
	if (p->sport == cr->ap && p->dport == cr->bp && !memcmp(p->src, cr->a, 16) && !memcmp(p->dst, cr->b, 16))
		return true;
	return p->sport == cr->bp && p->dport == cr->ap && !memcmp(p->src, cr->b, 16) && !memcmp(p->dst, cr->a, 16);
}

/* Seek to connection conn's first frame and feed it to a pipeline of its own. */
int engine_conn_read_open(struct engine *e, uint32_t conn, struct sink *to, struct engine_conn_read **out)
{
	struct engine_conn_read *cr = NULL;
	const struct conn_state *c;
	struct pkt_raw r;
	struct pkt p;
	int rc;

	*out = NULL;
	ENSURE(e->o.mode == ENGINE_REPLAY && !e->pass, ERR_UNSUPPORTED,
	       "only a capture file's connections can be read again");
	ENSURE(!e->conn_read, ERR_STATE, "a connection is being read again already");
	c = conn && conn <= e->nconns ? &e->conns[conn - 1] : NULL;
	ENSURE(c && c->first_frame, ERR_VALUE, "no connection #%u in %s", (unsigned)conn, e->o.file);
	if (!e->cf3)
		TRY(capfile_open(&e->cf3, e->o.file, NULL, NULL));
	TRY(capfile_seek(e->cf3, c->first_pos, c->first_frame));
	rc = capfile_next(e->cf3, &r);
	if (rc < 0)
		return rc;
	ENSURE(rc > 0 && r.frame_no == c->first_frame &&
	       packet_parse(r.linktype, r.frame, r.caplen, r.origlen, r.ts_us, &p) == 0,
	       ERR_IO, "%s: frame %llu (connection #%u's first) not found again", e->o.file,
	       (unsigned long long)c->first_frame, (unsigned)conn);
	cr = calloc(1, sizeof *cr);
	ENSURE(cr, ERR_NOMEM, "out of memory");
	cr->e = e;
	cr->to = to;
	cr->conn = conn;
	cr->last_frame = c->last_frame;
	cr->ended = e->finished;
	cr->filter.emit = cr_filter;
	cr->af = p.af;
	memcpy(cr->a, p.src, 16);
	memcpy(cr->b, p.dst, 16);
	cr->ap = p.sport;
	cr->bp = p.dport;
	cr->p = engine_pipeline_new(e, &cr->filter, conn - 1);
	ENSURE_GOTO(cr->p, ERR_NOMEM, "out of memory");
	engine_frame(cr->p, &r);
	e->conn_read = cr;
	*out = cr;
	return 0;
out:
	free(cr);
	return rc;
}

/* The connection's end, as the engine's own reading said it at the end of
 * the file; before that the engine's reading goes on to say it. */
static int cr_finish(struct engine_conn_read *cr)
{
	cr->done = true;
	if (cr->ended)
		engine_finish(cr->p);
	return 0;
}

/* Feed up to budget more frames of the file, the connection's only. */
int engine_conn_read_poll(struct engine_conn_read *cr, int budget)
{
	struct pkt_raw r;
	struct pkt p;

	if (cr->done)
		return 0;
	for (int i = 0; i < budget; i++) {
		int rc = capfile_next(cr->e->cf3, &r);

		if (rc < 0) {
			/* the engine's reading met the same damage after the
			   connection's last frame it saw: nothing more of it */
			err_clear();
			return cr_finish(cr);
		}
		if (rc == 0 || r.frame_no > cr->last_frame)
			return cr_finish(cr);
		if (packet_parse(r.linktype, r.frame, r.caplen, r.origlen, r.ts_us, &p) == 0 && cr_match(cr, &p))
			engine_frame(cr->p, &r);
	}
	return 1;
}

/* Free the pipeline; the engine may read on. */
void engine_conn_read_close(struct engine_conn_read *cr)
{
	if (!cr)
		return;
	if (cr->e->conn_read == cr)
		cr->e->conn_read = NULL;
	engine_pipeline_free(cr->p);
	free(cr);
}
