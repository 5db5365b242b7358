/* The story model (see story.h): stages, their titles and message lists,
 * what the wire shows of them, and the stage of every key. The paragraphs
 * themselves are chosen in story_text.c from the same facts. */
#include "engine/story.h"

#include "engine/story_int.h"

#include "core/idtab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TH_SYN 0x02
#define TH_FIN 0x01
#define PKT_HOLD_MAX 64 /* packets held while the next record decides its stage */

/* Display names of the message list tokens, in one table. */
static const struct {
	const char *token, *title;
} token_titles[] = {
	{ "tcp_handshake", "TCP handshake (SYN, SYN-ACK, ACK)" },
	{ "client_hello", "ClientHello" },
	{ "server_hello", "ServerHello" },
	{ "hello_retry_request", "HelloRetryRequest" },
	{ "new_session_ticket", "NewSessionTicket" },
	{ "end_of_early_data", "EndOfEarlyData" },
	{ "encrypted_extensions", "EncryptedExtensions" },
	{ "certificate", "Certificate" },
	{ "compressed_certificate", "CompressedCertificate" },
	{ "server_key_exchange", "ServerKeyExchange" },
	{ "certificate_request", "CertificateRequest" },
	{ "server_hello_done", "ServerHelloDone" },
	{ "certificate_verify", "CertificateVerify" },
	{ "client_key_exchange", "ClientKeyExchange" },
	{ "finished", "Finished" },
	{ "certificate_status", "CertificateStatus" },
	{ "key_update", "KeyUpdate" },
	{ "change_cipher_spec", "ChangeCipherSpec" },
	{ "http_request", "HTTP request" },
	{ "http_response", "HTTP response" },
	{ "application_data", "Application data" },
	{ "encrypted", "Encrypted records" },
	{ "failed_record", "Record that failed authentication" },
};

/* Append s to buf (bounded, always terminated). */
void story_cat(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	if (n + 1 < cap)
		snprintf(buf + n, cap - n, "%s", s);
}

/* The title of one token. */
static void token_title(const char *tok, size_t len, char *out, size_t cap)
{
	char t[64];

	snprintf(t, sizeof t, "%.*s", (int)(len < 63 ? len : 63), tok);
	for (size_t i = 0; i < sizeof token_titles / sizeof token_titles[0]; i++)
		if (!strcmp(t, token_titles[i].token)) {
			snprintf(out, cap, "%s", token_titles[i].title);
			return;
		}
	if (!strncmp(t, "alert:", 6)) {
		snprintf(out, cap, "%s alert", t + 6);
		return;
	}
	/* an unnamed message: CamelCase of its snake_case name */
	{
		size_t o = 0;
		bool up = true;

		for (const char *p = t; *p && o + 1 < cap; p++) {
			if (*p == '_') {
				up = true;
				continue;
			}
			out[o++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
			up = false;
		}
		out[o] = 0;
	}
}

/* Title of a message list: the tokens' titles joined by ", ". */
static void title_of(const char *messages, bool second_hello, char *out, size_t cap)
{
	const char *p = messages ? messages : "";

	out[0] = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned times = 1;
		char t[96];

		/* the same message several times in a row: "NewSessionTicket (x2)" */
		while (p[n] == ',' && !strncmp(p + n + 1, p, n) && (p[2 * n + 1] == ',' || !p[2 * n + 1])) {
			times++;
			p += n + 1;
		}
		token_title(p, n, t, sizeof t);
		if (out[0])
			story_cat(out, cap, ", ");
		story_cat(out, cap, t);
		if (times > 1) {
			char x[16];

			snprintf(x, sizeof x, " (x%u)", times);
			story_cat(out, cap, x);
		}
		if (second_hello && n == 12 && !strncmp(p, "client_hello", 12))
			story_cat(out, cap, " (second, after HelloRetryRequest)");
		p += n;
		if (*p == ',')
			p++;
	}
}

void story_title(const char *messages, enum dir dir, char *out, size_t cap)
{
	(void)dir;
	title_of(messages, false, out, cap);
}

/* Is tok one of the comma-separated tokens of list? */
bool story_has(const char *list, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = list; p && *p;) {
		size_t m = strcspn(p, ",");

		if (m == n && !strncmp(p, tok, n))
			return true;
		p += m;
		if (*p == ',')
			p++;
	}
	return false;
}

/* Append a token to a stage's list; repeats of the last token collapse
 * for bulk kinds (application data, encrypted records). */
static void add_token(char *list, size_t cap, char *last, size_t lcap, const char *tok, bool collapse)
{
	if (collapse && !strcmp(last, tok))
		return;
	if (list[0])
		story_cat(list, cap, ",");
	story_cat(list, cap, tok);
	snprintf(last, lcap, "%s", tok);
}

/* ---- connections ---- */

/* The state of connection id, made on first use. */
static struct sconn *story_conn(struct story *st, uint32_t id)
{
	struct sslot *sl;

	if (idtab_reserve((void **)&st->slot, &st->ncap, sizeof *st->slot, id) < 0)
		return NULL;
	sl = &st->slot[id - 1];
	if (sl->gone)
		return NULL;
	if (!sl->c) {
		struct sconn *c = calloc(1, sizeof *c);

		if (!c)
			return NULL;
		c->id = id;
		c->facts.fatal_alert = -1;
		c->facts.certificate = -1;
		c->nth = ++st->nseen;
		if (id <= st->live_n && st->plan_fn)
			c->nplan = st->plan_fn(st->plan_ctx, id, &c->plan);
		sl->c = c;
	}
	return sl->c;
}

/* Emit downstream unless dry. */
static void story_out(struct story *st, const struct event *ev)
{
	if (!st->dry)
		sink_emit(st->down, ev);
}

/* The total a stage event reports. */
static uint32_t conn_of(struct story *st, const struct sconn *c)
{
	uint32_t of = c->count;

	if (c->nplan > of)
		of = (uint32_t)c->nplan;
	if (c->id <= st->ncap && st->slot[c->id - 1].total > of)
		of = st->slot[c->id - 1].total;
	return of;
}

/* Whether of was known in advance. */
static bool conn_planned(struct story *st, const struct sconn *c)
{
	return c->nplan > 0 || (c->id <= st->ncap && st->slot[c->id - 1].total > 0);
}

/* Does plan[0..n) have a HelloRetryRequest before stage number number? */
static bool plan_hrr_before(const struct plan_step *plan, size_t n, uint32_t number)
{
	for (size_t i = 0; i + 1 < number && i < n; i++)
		if (story_has(plan[i].messages, "hello_retry_request"))
			return true;
	return false;
}

/* Was a HelloRetryRequest planned or seen before stage number n? */
static bool second_hello(const struct sconn *c, uint32_t n)
{
	return (c->hrr_stage && c->hrr_stage < n) || plan_hrr_before(c->plan, c->nplan, n);
}

void story_plan_title(const struct plan_step *plan, size_t n, uint32_t number, char *out, size_t cap)
{
	out[0] = 0;
	if (number && number <= n)
		title_of(plan[number - 1].messages, plan_hrr_before(plan, n, number), out, cap);
}

/* Emit the begin event of the connection's current stage. */
static void stage_emit_begin(struct story *st, struct sconn *c)
{
	struct sstage *s = &c->cur;
	struct event ev = { .type = EV_STAGE, .conn = c->id, .dir = s->dir, .ts_us = s->ts_us };
	char title[160] = "";
	const char *plan = s->number && s->number <= c->nplan ? c->plan[s->number - 1].messages : NULL;

	if (plan)
		story_plan_title(c->plan, c->nplan, s->number, title, sizeof title);
	ev.u.stage.index = s->number - 1;
	ev.u.stage.number = s->number;
	ev.u.stage.of = conn_of(st, c);
	ev.u.stage.planned = conn_planned(st, c);
	ev.u.stage.name = s->name[0] ? s->name : NULL;
	ev.u.stage.title = title[0] ? title : NULL;
	ev.u.stage.messages = plan;
	ev.u.stage.dir = s->dir;
	ev.u.stage.held = s->held;
	ev.u.stage.has_bytes = s->has_bytes;
	ev.u.stage.stream_off = s->stream_off;
	story_out(st, &ev);
}

/* Render what the wire showed of the stage: its eavesdropper title. */
static void eve_title_of(const struct sstage *s, char *out, size_t cap)
{
	out[0] = 0;
	if (s->syn && !s->nparts) {
		snprintf(out, cap, "TCP handshake (SYN, SYN-ACK, ACK)");
		return;
	}
	for (int i = 0; i < s->nparts; i++) {
		const struct epart *p = &s->part[i];
		char b[200];

		if (p->enc) {
			const char *what = p->ctype == 22 ? "handshake " : p->ctype == 21 ? "alert " : "";

			snprintf(b, sizeof b, "%u encrypted %srecord%s (%llu bytes)", p->n, what, p->n == 1 ? "" : "s",
				 (unsigned long long)p->bytes);
		} else {
			title_of(p->names, false, b, sizeof b);
		}
		if (!b[0])
			continue;
		if (out[0])
			story_cat(out, cap, ", then ");
		story_cat(out, cap, b);
	}
	if (!out[0])
		snprintf(out, cap, "nothing on the wire");
}

/* The round trip a finished flight is part of (see ev_stage). */
static void round_trip_of(struct sconn *c, const struct sstage *s, struct ev_stage *out)
{
	if (s->syn && !s->nparts) { /* TCP's own handshake: the next client flight begins round trip 1 */
		c->rt_last = DIR_NONE;
		return;
	}
	if (s->dir == DIR_C2S && c->rt_last != DIR_C2S) {
		c->rt++;
		c->rt_t0 = s->ts_us;
		c->rt_held = s->held;
	} else if (s->dir == DIR_S2C && c->rt_last == DIR_C2S && c->rt) {
		c->rt_held |= s->held;
		if (!c->rt_held && s->ts_us >= c->rt_t0)
			out->rtt_us = s->ts_us - c->rt_t0;
	}
	if (s->dir == DIR_C2S)
		c->rt_held |= s->held;
	out->round_trip = c->rt;
	c->rt_last = s->dir;
}

/* Finish the current stage: compute its texts and emit the final event. */
static void stage_finish(struct story *st, struct sconn *c)
{
	struct sstage *s = &c->cur;
	struct event ev = { .type = EV_STAGE, .conn = c->id, .dir = s->dir, .ts_us = s->ts_us };
	char title[200], eve[300], eve_msgs[512], explain[STORY_TEXT_MAX], eavesdropper[1024];
	struct story_ctx x;

	if (!s->open)
		return;
	s->open = false;
	if (s->syn && !s->messages[0])
		add_token(s->messages, sizeof s->messages, s->last, sizeof s->last, "tcp_handshake", false);
	title_of(s->messages, s->second_hello, title, sizeof title);
	if (!title[0])
		snprintf(title, sizeof title, "%s", s->dir == DIR_S2C ? "Server flight" : "Client flight");
	eve_title_of(s, eve, sizeof eve);
	eve_msgs[0] = 0;
	for (int i = 0; i < s->nparts; i++) {
		if (eve_msgs[0])
			story_cat(eve_msgs, sizeof eve_msgs, ",");
		story_cat(eve_msgs, sizeof eve_msgs, s->part[i].enc ? "encrypted" : s->part[i].names);
	}
	if (s->syn && !s->nparts)
		snprintf(eve_msgs, sizeof eve_msgs, "tcp_handshake");
	memset(&x, 0, sizeof x);
	x.s = s;
	x.f = &c->facts;
	x.scenario = st->scenario;
	x.first_conn = c->nth == 1;
	x.conn_nth = c->nth;
	story_kind_name(s, s->name, sizeof s->name);
	story_text_explain(&x, explain, sizeof explain);
	story_text_eavesdropper(&x, eavesdropper, sizeof eavesdropper);
	ev.u.stage.index = s->number - 1;
	ev.u.stage.number = s->number;
	ev.u.stage.of = conn_of(st, c);
	ev.u.stage.planned = conn_planned(st, c);
	ev.u.stage.final = true;
	ev.u.stage.name = s->name;
	ev.u.stage.title = title;
	ev.u.stage.eve_title = eve;
	ev.u.stage.messages = s->messages;
	ev.u.stage.eve_messages = eve_msgs;
	ev.u.stage.explain = explain;
	ev.u.stage.eavesdropper = eavesdropper;
	ev.u.stage.dir = s->dir;
	ev.u.stage.held = false;
	ev.u.stage.has_bytes = s->has_bytes;
	ev.u.stage.stream_off = s->stream_off;
	round_trip_of(c, s, &ev.u.stage);
	story_out(st, &ev);
}

/* Begin stage number n of c in direction d (finishing the current one). */
static void stage_begin(struct story *st, struct sconn *c, uint32_t n, enum dir d, uint64_t ts)
{
	stage_finish(st, c);
	memset(&c->cur, 0, sizeof c->cur);
	c->cur.open = true;
	c->cur.number = n;
	c->cur.dir = d;
	c->cur.ts_us = ts;
	c->cur.second_hello = second_hello(c, n);
	if (n > c->count)
		c->count = n;
}

/* ---- keys: each waits for the message that makes it possible ---- */

/* Which message (direction, name, how many of it) a key needs; false: none. */
static bool key_needs(const struct sconn *c, const char *name, enum dir *d, const char **msg, unsigned *nth,
		      unsigned ch_at)
{
	bool v12 = c->facts.version == 0x0303, v13 = c->facts.version == 0x0304;
	bool client = !strncmp(name, "client_", 7);
	const char *gen = strrchr(name, '_');
	unsigned g = gen && gen[1] >= '0' && gen[1] <= '9' ? (unsigned)atoi(gen + 1) : 0;

	*nth = 1;
	if (!strncmp(name, "ech_", 4)) {
		/* ECH_SECRET / ECH_CONFIG: made for the outer ClientHello just decoded */
		*d = DIR_C2S;
		*msg = "client_hello";
		*nth = ch_at ? ch_at : 1;
		return true;
	}
	if (strstr(name, "ephemeral")) {
		if (!v12 && !v13)
			return c->facts.version == 0 ? (*msg = NULL, true) : false; /* wait for the version */
		if (v12) {
			*d = client ? DIR_C2S : DIR_S2C;
			*msg = client ? "client_key_exchange" : "server_key_exchange";
		} else if (client) {
			*d = DIR_C2S;
			*msg = "client_hello";
			*nth = ch_at + 1; /* the ClientHello about to carry it */
		} else {
			*d = DIR_S2C;
			*msg = "server_hello";
		}
		return true;
	}
	if (!v12 && !v13)
		return c->facts.version == 0 ? (*msg = NULL, true) : false;
	if (v12) {
		if (strstr(name, "premaster") || strstr(name, "master_secret") || strstr(name, "key_block") ||
		    strstr(name, "_write_") || strstr(name, "session_hash")) {
			/* an abbreviated handshake reuses the master secret: its keys
			   exist once the ServerHello accepted the session */
			*d = c->facts.resumed ? DIR_S2C : DIR_C2S;
			*msg = c->facts.resumed ? "server_hello" : "client_key_exchange";
			return true;
		}
		return false;
	}
	if (strstr(name, "application") && g >= 1) {
		*d = client ? DIR_C2S : DIR_S2C;
		*msg = "key_update";
		*nth = g;
		return true;
	}
	if (!strcmp(name, "resumption_master_secret")) {
		*d = DIR_C2S;
		*msg = "finished";
		return true;
	}
	if (strstr(name, "application") || !strcmp(name, "master_secret") || strstr(name, "exporter")) {
		*d = DIR_S2C;
		*msg = "finished";
		return true;
	}
	if (strstr(name, "handshake") || strstr(name, "shared_secret") || strstr(name, "finished_key")) {
		*d = DIR_S2C;
		*msg = "server_hello";
		return true;
	}
	return false;
}

/* The stage of the nth occurrence of message msg in d, 0 if not seen yet. */
static uint32_t occ_stage(const struct sconn *c, enum dir d, const char *msg, unsigned nth)
{
	for (int i = 0; i < c->nocc; i++)
		if (c->occ[i].dir == d && !strcmp(c->occ[i].msg, msg)) {
			if (nth == 0 || nth > c->occ[i].n)
				return 0;
			return c->occ[i].stage[nth - 1 < OCC_MAX ? nth - 1 : OCC_MAX - 1];
		}
	return 0;
}

/* How many of msg in d were seen. */
static unsigned occ_count(const struct sconn *c, enum dir d, const char *msg)
{
	for (int i = 0; i < c->nocc; i++)
		if (c->occ[i].dir == d && !strcmp(c->occ[i].msg, msg))
			return c->occ[i].n;
	return 0;
}

/* Count an occurrence of a message in the current stage. */
static void occ_add(struct sconn *c, enum dir d, const char *msg)
{
	int i;

	for (i = 0; i < c->nocc; i++)
		if (c->occ[i].dir == d && !strcmp(c->occ[i].msg, msg))
			break;
	if (i == c->nocc) {
		if (c->nocc == OCC_KINDS)
			return;
		c->nocc++;
		memset(&c->occ[i], 0, sizeof c->occ[i]);
		c->occ[i].dir = d;
		snprintf(c->occ[i].msg, sizeof c->occ[i].msg, "%s", msg);
	}
	if (c->occ[i].n < OCC_MAX)
		c->occ[i].stage[c->occ[i].n] = c->cur.number;
	c->occ[i].n++;
}

/* Emit a key with its stage. */
static void key_emit(struct story *st, const struct event *ev, uint32_t stage)
{
	struct event copy = *ev;

	copy.u.key.stage_no = stage;
	copy.u.key.stage = NULL; /* the session's own guess is not shown */
	story_out(st, &copy);
}

/* Release the held keys of c whose message has come (all: every one). */
static void keys_release(struct story *st, struct sconn *c, bool all)
{
	struct pkey **pp = &c->keys;

	while (*pp) {
		struct pkey *k = *pp;
		enum dir d = DIR_NONE;
		const char *msg = NULL;
		unsigned nth = 1;
		uint32_t stage = 0;
		bool needs = key_needs(c, k->ev->u.key.name ? k->ev->u.key.name : "", &d, &msg, &nth, k->ch_at);

		if (!needs)
			stage = c->cur.number ? c->cur.number : k->stage_at;
		else if (msg)
			stage = occ_stage(c, d, msg, nth);
		if (!stage && all)
			stage = c->cur.number ? c->cur.number : k->stage_at;
		if (!stage && !all) {
			pp = &k->next;
			continue;
		}
		/* all: a key of a connection that never had a stage goes out
		   with none (stage 0) rather than being kept, and lost, when
		   the connection ends */
		if (stage < k->stage_at && !msg)
			stage = k->stage_at;
		key_emit(st, k->ev, stage);
		*pp = k->next;
		event_free(k->ev);
		free(k);
	}
}

/* Hold a key until its message has been decoded. */
static void key_hold(struct story *st, struct sconn *c, const struct event *ev)
{
	struct pkey *k = calloc(1, sizeof *k), **tail;

	if (k)
		k->ev = event_dup(ev);
	if (!k || !k->ev) {
		free(k);
		key_emit(st, ev, c->cur.number);
		return;
	}
	k->stage_at = c->cur.number;
	k->ch_at = occ_count(c, DIR_C2S, "client_hello");
	for (tail = &c->keys; *tail; tail = &(*tail)->next)
		;
	*tail = k;
	keys_release(st, c, false);
}

/* ---- what a record, message or packet adds to the current stage ---- */

/* Record kinds that split a capture's flights. */
enum rkind { RK_NONE = 0, RK_HS, RK_APP, RK_ALERT, RK_FAILED, RK_UNKNOWN };

static enum rkind record_kind(const struct sconn *c, const struct ev_record *r)
{
	uint8_t t = r->encrypted ? (r->decrypted ? r->inner_type : 0) : r->content_type;

	if (r->auth_failed) /* a record that did not authenticate is a stage of its own */
		return RK_FAILED;
	/* without keys: TLS 1.2's outer type still tells (TLS 1.3 hides it) */
	if (r->encrypted && !r->decrypted && c->facts.version == 0x0303)
		return r->content_type == 21 ? RK_ALERT : r->content_type == 22 ? RK_HS
		       : r->content_type == 23 ? RK_APP : RK_UNKNOWN;
	if (r->encrypted && !r->decrypted)
		return RK_UNKNOWN;
	switch (t) {
	case 20:
	case 22: return RK_HS;
	case 21: return RK_ALERT;
	case 23: return RK_APP;
	default: return RK_UNKNOWN;
	}
}

/* The wire view of a record: a cleartext part or an encrypted group. */
static void eve_record(struct sstage *s, const struct ev_record *r)
{
	struct epart *p = s->nparts ? &s->part[s->nparts - 1] : NULL;

	s->wire_bytes += r->len;
	s->records++;
	if (r->encrypted) {
		s->enc_records++;
		if (!p || !p->enc || p->ctype != r->content_type) {
			if (s->nparts == EPART_MAX)
				return;
			p = &s->part[s->nparts++];
			memset(p, 0, sizeof *p);
			p->enc = true;
			p->ctype = r->content_type;
		}
		p->n++;
		p->bytes += r->len;
		return;
	}
	if (!p || p->enc) {
		if (s->nparts == EPART_MAX)
			return;
		p = &s->part[s->nparts++];
		memset(p, 0, sizeof *p);
	}
	p->bytes += r->len;
	p->n++;
}

/* A cleartext item of the wire view (a message, CCS, an alert). */
static void eve_clear(struct sstage *s, const char *tok)
{
	struct epart *p = s->nparts ? &s->part[s->nparts - 1] : NULL;

	if (!p || p->enc)
		return;
	if (p->names[0])
		story_cat(p->names, sizeof p->names, ",");
	story_cat(p->names, sizeof p->names, tok);
}

/* "GET /" or "200 OK": the first line of an HTTP/1.x message, if it is one. */
static bool http_line(const uint8_t *b, size_t n, bool request, char *out, size_t cap)
{
	static const char *const methods[] = { "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ",
					       "CONNECT " };
	size_t len = 0;

	if (request) {
		bool ok = false;

		for (size_t i = 0; i < sizeof methods / sizeof methods[0] && !ok; i++)
			ok = n >= strlen(methods[i]) && !memcmp(b, methods[i], strlen(methods[i]));
		if (!ok)
			return false;
	} else if (n < 12 || memcmp(b, "HTTP/1.", 7)) {
		return false;
	}
	while (len < n && b[len] != '\r' && b[len] != '\n' && len < 200)
		len++;
	{
		/* request: "GET /path"; response: "200 OK" */
		const uint8_t *p = b;
		size_t m = len, o = 0;

		if (request) {
			const uint8_t *sp = memchr(b, ' ', len);
			const uint8_t *sp2 = sp ? memchr(sp + 1, ' ', len - (size_t)(sp + 1 - b)) : NULL;

			m = sp2 ? (size_t)(sp2 - b) : len;
		} else {
			p = b + 9;
			m = len > 9 ? len - 9 : 0;
		}
		for (size_t i = 0; i < m && o + 1 < cap; i++)
			out[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
		out[o] = 0;
	}
	return true;
}

/* An event of connection c that belongs to its current stage. */
static void stage_absorb(struct sconn *c, const struct event *ev)
{
	struct sstage *s = &c->cur;

	switch (ev->type) {
	case EV_PACKET:
		if (ev->u.packet.tcp_flags & TH_SYN)
			s->syn = true;
		break;
	case EV_RECORD:
		eve_record(s, &ev->u.record);
		if (ev->u.record.auth_failed)
			s->auth_failed = true;
		if (ev->u.record.encrypted && !ev->u.record.decrypted)
			add_token(s->messages, sizeof s->messages, s->last, sizeof s->last,
				  ev->u.record.auth_failed ? "failed_record" : "encrypted", true);
		break;
	case EV_HANDSHAKE: {
		const char *m = ev->u.hs.msg ? ev->u.hs.msg : "unknown";

		add_token(s->messages, sizeof s->messages, s->last, sizeof s->last, m, false);
		if (!ev->u.hs.encrypted)
			eve_clear(s, m);
		if (!strcmp(m, "hello_retry_request"))
			c->hrr_stage = s->number;
		if (!strcmp(m, "key_update")) {
			for (size_t i = 0; i < ev->u.hs.nfields; i++)
				if (ev->u.hs.fields[i].name && !strcmp(ev->u.hs.fields[i].name, "request_update") &&
				    ev->u.hs.fields[i].value)
					s->ku_requested = !strncmp(ev->u.hs.fields[i].value, "update_requested", 16);
		}
		occ_add(c, ev->dir, m);
		break;
	}
	case EV_CCS:
		add_token(s->messages, sizeof s->messages, s->last, sizeof s->last, "change_cipher_spec", false);
		eve_clear(s, "change_cipher_spec");
		break;
	case EV_ALERT: {
		char tok[64];

		snprintf(tok, sizeof tok, "alert:%s", ev->u.alert.desc_name ? ev->u.alert.desc_name : "unknown");
		add_token(s->messages, sizeof s->messages, s->last, sizeof s->last, tok, false);
		if (!ev->u.alert.encrypted)
			eve_clear(s, tok);
		s->alert_desc = ev->u.alert.desc;
		s->alert_level = ev->u.alert.level;
		s->has_alert = true;
		break;
	}
	case EV_APP_DATA: {
		char line[96];
		bool req = ev->dir == DIR_C2S;

		if (http_line(ev->u.app.data, ev->u.app.len, req, line, sizeof line)) {
			add_token(s->messages, sizeof s->messages, s->last, sizeof s->last,
				  req ? "http_request" : "http_response", true);
			if (!s->http[0])
				snprintf(s->http, sizeof s->http, "%s", line);
		} else if (strcmp(s->last, "http_request") && strcmp(s->last, "http_response")) {
			add_token(s->messages, sizeof s->messages, s->last, sizeof s->last, "application_data", true);
		}
		s->app_bytes += ev->u.app.len;
		break;
	}
	case EV_GAP:
		if (ev->dir == DIR_C2S)
			s->gap_c2s += ev->u.gap.missing;
		else
			s->gap_s2c += ev->u.gap.missing;
		break;
	default:
		break;
	}
}

/* Keep the connection's facts (strings copied). */
static void facts_keep(struct sconn *c, const struct ev_facts *f)
{
	c->facts = *f;
	snprintf(c->suite, sizeof c->suite, "%s", f->suite_name ? f->suite_name : "");
	snprintf(c->group, sizeof c->group, "%s", f->group_name ? f->group_name : "");
	snprintf(c->sni, sizeof c->sni, "%s", f->sni ? f->sni : "");
	snprintf(c->shares, sizeof c->shares, "%s", f->ch_shares ? f->ch_shares : "");
	c->facts.suite_name = c->suite[0] ? c->suite : NULL;
	c->facts.group_name = c->group[0] ? c->group : NULL;
	c->facts.sni = c->sni[0] ? c->sni : NULL;
	c->facts.ch_shares = c->shares[0] ? c->shares : NULL;
}

/* Free a connection's state (its open stage finished, keys released). */
static void conn_end(struct story *st, struct sconn *c)
{
	stage_finish(st, c);
	keys_release(st, c, true);
	if (c->count > st->slot[c->id - 1].total)
		st->slot[c->id - 1].total = c->count;
	st->slot[c->id - 1].c = NULL;
	st->slot[c->id - 1].gone = true;
	free(c);
}

/* ---- capture connections: where a stage begins ---- */

/* Does this record begin a new stage of c? */
static bool record_splits(const struct sconn *c, const struct event *ev)
{
	const struct sstage *s = &c->cur;
	enum rkind k = record_kind(c, &ev->u.record);

	if (!s->open || s->dir != ev->dir)
		return true;
	if (s->syn && !s->records)
		return true; /* the TCP handshake stage holds no record */
	return k != RK_UNKNOWN && s->kind != RK_NONE && s->kind != RK_UNKNOWN && (int)k != s->kind;
}

/* Release the packets held for the next record's stage. */
static void pkt_flush(struct story *st)
{
	for (int i = 0; i < st->npkt; i++) {
		struct sconn *c = story_conn(st, st->pkt[i]->conn);

		if (c && c->cur.open)
			stage_absorb(c, st->pkt[i]);
		story_out(st, st->pkt[i]);
		event_free(st->pkt[i]);
	}
	st->npkt = 0;
}

/* A capture connection's event: begin stages where the flights change. */
static void inferred_event(struct story *st, struct sconn *c, const struct event *ev)
{
	if (ev->type == EV_PACKET) {
		if ((ev->u.packet.tcp_flags & TH_SYN) && !c->count) {
			stage_begin(st, c, 1, DIR_C2S, ev->ts_us);
			c->cur.syn = true;
			stage_emit_begin(st, c);
		}
		return;
	}
	if (ev->type == EV_RECORD && record_splits(c, ev)) {
		enum rkind k = record_kind(c, &ev->u.record);

		stage_begin(st, c, c->count + 1, ev->dir, ev->ts_us);
		c->cur.has_bytes = true;
		c->cur.stream_off = ev->u.record.stream_off;
		c->cur.kind = k;
		stage_emit_begin(st, c);
	} else if (ev->type == EV_RECORD && (c->cur.kind == RK_UNKNOWN || c->cur.kind == RK_NONE)) {
		c->cur.kind = record_kind(c, &ev->u.record);
	}
}

/* ---- the sink ---- */

/* Bytes lost after a connection's last stage (a cut tail): the gap, and the
 * sentence a stage would have said, in a note of its own. */
static void gap_note(struct story *st, const struct event *ev)
{
	char text[400];
	struct event note = { .type = EV_NOTE, .conn = ev->conn, .dir = ev->dir, .ts_us = ev->ts_us };

	story_text_gap(ev->dir, ev->u.gap.missing, text, sizeof text);
	note.u.note.level = "info";
	note.u.note.text = text;
	story_out(st, ev);
	story_out(st, &note);
}

static void story_emit(struct sink *self, const struct event *ev)
{
	struct story *st = (struct story *)self;
	struct sconn *c = NULL;
	bool live;

	if (ev->type == EV_END) {
		pkt_flush(st);
		story_flush(st);
		story_out(st, ev);
		return;
	}
	if (ev->conn)
		c = story_conn(st, ev->conn);
	live = c && c->id <= st->live_n;
	/* capture connections: a segment's packet waits for the record it
	   carries, so it lands in that record's stage */
	if (!live && ev->type == EV_PACKET && c && (ev->u.packet.payload_len || st->npkt)) {
		struct event *d = st->npkt < PKT_HOLD_MAX ? event_dup(ev) : NULL;

		if (d) {
			st->pkt[st->npkt++] = d;
			return;
		}
		pkt_flush(st);
	}
	if (!c) {
		pkt_flush(st);
		if (ev->type == EV_GAP)
			gap_note(st, ev);
		else
			story_out(st, ev);
		return;
	}
	if (ev->type == EV_STAGE) {
		pkt_flush(st);
		if (!live)
			return; /* only the session's gates announce stages */
		stage_begin(st, c, ev->u.stage.number ? ev->u.stage.number : c->count + 1, ev->dir, ev->ts_us);
		c->cur.held = ev->u.stage.held;
		c->cur.has_bytes = ev->u.stage.has_bytes;
		c->cur.stream_off = ev->u.stage.stream_off;
		if (ev->u.stage.name && !strcmp(ev->u.stage.name, "tcp_handshake"))
			c->cur.syn = true;
		stage_emit_begin(st, c);
		keys_release(st, c, false);
		return;
	}
	if (!live)
		inferred_event(st, c, ev);
	if (ev->type == EV_KEY) {
		/* a key comes just before the record it opens: the packet that
		   carries that record keeps waiting for it */
		key_hold(st, c, ev);
		return;
	}
	if (ev->type != EV_PACKET)
		pkt_flush(st);
	if (ev->type == EV_FACTS)
		facts_keep(c, &ev->u.facts);
	if (c->cur.open) {
		stage_absorb(c, ev);
	} else if (ev->type == EV_GAP) {
		gap_note(st, ev);
		return;
	}
	story_out(st, ev);
	if (ev->type == EV_HANDSHAKE || ev->type == EV_FACTS)
		keys_release(st, c, false);
	if (ev->type == EV_PACKET && (ev->u.packet.tcp_flags & TH_FIN) && (ev->dir == DIR_C2S || ev->dir == DIR_S2C)) {
		c->fin |= (uint8_t)ev->dir;
		if (c->fin == (DIR_C2S | DIR_S2C)) {
			if (live) { /* its last stage is complete; the state stays for late events */
				stage_finish(st, c);
				keys_release(st, c, true);
			} else {
				conn_end(st, c);
			}
		}
	}
}

struct story *story_new(struct sink *down)
{
	struct story *st = calloc(1, sizeof *st);

	if (!st)
		return NULL;
	st->base.emit = story_emit;
	st->down = down;
	return st;
}

void story_flush(struct story *st)
{
	if (!st)
		return;
	pkt_flush(st);
	for (size_t i = 0; i < st->ncap; i++)
		if (st->slot[i].c) {
			stage_finish(st, st->slot[i].c);
			keys_release(st, st->slot[i].c, true);
		}
}

/* Forget every connection (keys wiped with their copies). */
static void story_forget(struct story *st)
{
	for (int i = 0; i < st->npkt; i++)
		event_free(st->pkt[i]);
	st->npkt = 0;
	for (size_t i = 0; i < st->ncap; i++) {
		struct sconn *c = st->slot[i].c;

		st->slot[i].gone = false;
		if (!c)
			continue;
		while (c->keys) {
			struct pkey *k = c->keys;

			c->keys = k->next;
			event_free(k->ev);
			free(k);
		}
		free(c);
		st->slot[i].c = NULL;
	}
	st->nseen = 0;
}

void story_free(struct story *st)
{
	if (!st)
		return;
	story_forget(st);
	free(st->slot);
	free(st);
}

struct sink *story_sink(struct story *st)
{
	return &st->base;
}

void story_set_live(struct story *st, uint32_t n,
		    size_t (*plan)(void *ctx, uint32_t conn, const struct plan_step **steps), void *ctx)
{
	st->live_n = n;
	st->plan_fn = plan;
	st->plan_ctx = ctx;
}

void story_set_scenario(struct story *st, const char *name)
{
	snprintf(st->scenario, sizeof st->scenario, "%s", name ? name : "");
}

void story_set_dry(struct story *st, bool dry)
{
	if (dry && !st->dry)
		st->nseen_mark = st->nseen;
	st->dry = dry;
}

void story_keep_totals(struct story *st)
{
	bool was = st->dry;

	st->dry = true;
	story_flush(st);
	st->dry = was;
	/* connections that ended were freed: their count lives on in totals */
	for (size_t i = 0; i < st->ncap; i++)
		if (st->slot[i].c && st->slot[i].c->count > st->slot[i].total)
			st->slot[i].total = st->slot[i].c->count;
	story_forget(st);
	st->nseen = st->nseen_mark; /* the real pass meets the same connections again */
}
