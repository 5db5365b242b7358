/* The live session: setup, gates, event emission and teardown.
 * The endpoint threads and their I/O live in session_io.c, the key callbacks
 * in session_keys.c, flight naming in session_stage.c. */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/dh.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "session/session_int.h"

int sess_thread_start(struct session *s); /* session_io.c */

static pthread_once_t wolf_once = PTHREAD_ONCE_INIT;

/* wolfSSL's global state, once per process. */
static void wolf_init(void)
{
	wolfSSL_Init();
}

void sess_emit(struct session *s, struct event *ev)
{
	pthread_mutex_lock(&s->emit_lock);
	ev->seq = ++s->seq;
	if (!ev->conn)
		ev->conn = s->cur_conn ? s->cur_conn : 1;
	ev->ts_us = event_now_us();
	sink_emit(s->events, ev);
	pthread_mutex_unlock(&s->emit_lock);
}

void sess_note(struct session *s, const char *level, const char *fmt, ...)
{
	char text[512];
	struct event ev = { .type = EV_NOTE };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	ev.u.note.level = level;
	ev.u.note.text = text;
	ev.u.note.insider = true; /* what an endpoint says of itself */
	sess_emit(s, &ev);
}

void sess_error(struct session *s, int code, const char *fmt, ...)
{
	char text[512];
	struct event ev = { .type = EV_ERROR };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	ev.u.error.code = code;
	ev.u.error.what = err_name(code);
	ev.u.error.text = text;
	ev.u.error.insider = true;
	sess_emit(s, &ev);
}

/* Milliseconds on the monotonic clock. */
static int64_t sess_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait (lock held) until the stage before number has begun and its sender
 * has finished writing it, so flights go out one after the other in the
 * plan's order. Time a gate is held does not count; after
 * SESS_ORDER_WAIT_MS the flight goes anyway, with a warning. */
static void sess_stage_order(struct endpoint *e, uint32_t number)
{
	struct session *s = e->s;
	int64_t deadline = sess_ms() + SESS_ORDER_WAIT_MS;

	while (!atomic_load(&s->stopping) &&
	       (s->last_no + 1 < number || (s->last_owner != e->owner && !s->last_idle))) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cond, &s->lock, &ts);
		if (s->gates[0].active || s->gates[1].active)
			deadline = sess_ms() + SESS_ORDER_WAIT_MS;
		else if (sess_ms() > deadline) {
			pthread_mutex_unlock(&s->lock);
			sess_note(s, "warning", "stage %u: the planned stage %u did not go out within %d s; going on",
				  number, s->last_no + 1, SESS_ORDER_WAIT_MS / 1000);
			pthread_mutex_lock(&s->lock);
			break;
		}
	}
}

void sess_stage_begin(struct endpoint *e, const char *name)
{
	struct session *s = e->s;
	struct gate *g = &s->gates[e->owner == OWNER_SERVER];
	struct event ev = { .type = EV_STAGE, .dir = e->dir, .conn = e->conn };
	uint32_t number;
	bool held;

	pthread_mutex_lock(&s->lock);
	/* a side that starts a new flight has finished its last one */
	if (s->last_owner == e->owner && !s->last_idle) {
		s->last_idle = true;
		pthread_cond_broadcast(&s->cond);
	}
	number = sess_plan_number(s, e->conn, e->dir, e->nstages++);
	if (number)
		sess_stage_order(e, number);
	else { /* not in the plan: after the plan and everything begun so far */
		const struct plan_step *plan;
		uint32_t n = (uint32_t)session_plan(s, e->conn, &plan);

		number = (n > s->last_no ? n : s->last_no) + 1;
	}
	if (number > s->last_no)
		s->last_no = number;
	s->last_owner = e->owner;
	s->last_idle = false;
	snprintf(g->name, sizeof g->name, "%s", name);
	g->title[0] = 0;
	snprintf(s->cur_stage, sizeof s->cur_stage, "%s", name);
	held = s->hold && !atomic_load(&s->stopping);
	g->st.index = number - 1;
	g->st.number = number;
	g->st.name = g->name;
	g->st.title = NULL;
	g->st.dir = e->dir;
	g->st.held = held;
	/* the capture sees this flight's bytes from here on in its direction */
	g->st.has_bytes = strcmp(name, "tcp_handshake") != 0;
	g->st.stream_off = e->sent;
	{
		/* the peer has finished its flight (the plan's order): what it
		   wrote so far belongs to earlier stages */
		const struct endpoint *peer = e->owner == OWNER_CLIENT ? &s->srv : &s->cli;

		g->st.peer_off = peer->conn == e->conn ? peer->sent : 0;
	}
	ev.u.stage = g->st;
	/* emit under the lock so stage events keep their order */
	sess_emit(s, &ev);
	if (held) {
		g->active = true;
		g->ticket = ++s->next_ticket;
		pthread_cond_broadcast(&s->cond);
		while (g->active && s->hold && !atomic_load(&s->stopping))
			pthread_cond_wait(&s->cond, &s->lock);
		g->active = false;
	}
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

void sess_stage_idle(struct endpoint *e)
{
	struct session *s = e->s;

	pthread_mutex_lock(&s->lock);
	if (s->last_owner == e->owner && !s->last_idle) {
		s->last_idle = true;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
}

/* The held gate that waited longest, or NULL (lock held). */
static struct gate *oldest_gate(struct session *s)
{
	struct gate *best = NULL;

	for (int i = 0; i < 2; i++)
		if (s->gates[i].active && (!best || s->gates[i].ticket < best->ticket))
			best = &s->gates[i];
	return best;
}

int session_pending(struct session *s, struct ev_stage *out)
{
	struct gate *g;
	int r = 0;

	pthread_mutex_lock(&s->lock);
	g = oldest_gate(s);
	if (g) {
		*out = g->st; /* name/title stay valid until the gate is released */
		r = 1;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

int session_release(struct session *s)
{
	struct gate *g;

	pthread_mutex_lock(&s->lock);
	g = oldest_gate(s);
	if (g) {
		g->active = false;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	return g ? 0 : err_set(ERR_STATE, "session: no flight is waiting");
}

void session_release_all(struct session *s)
{
	pthread_mutex_lock(&s->lock);
	s->hold = false;
	for (int i = 0; i < 2; i++)
		s->gates[i].active = false;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

bool session_done(const struct session *s)
{
	return s->running && (s->serve || atomic_load(&s->cli.finished)) && atomic_load(&s->srv.finished);
}

int session_result(const struct session *s)
{
	return s->result;
}

uint16_t session_port(const struct session *s)
{
	return s->port;
}

void session_set_keylog(struct session *s, struct keylog_writer *w)
{
	s->klw = w;
}

int session_wait(struct session *s, int timeout_ms)
{
	struct timespec ts;
	int done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (!(done = session_done(s))) {
		if (pthread_cond_timedwait(&s->cond, &s->lock, &ts) == ETIMEDOUT) {
			done = session_done(s);
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return done;
}

int session_server_key(const struct session *s, const uint8_t **der, size_t *len)
{
	ENSURE(s->id.key_der, ERR_STATE, "session: the server key is the user's file, not generated");
	*der = s->id.key_der;
	*len = s->id.key_len;
	return 0;
}

int session_ca_der(const struct session *s, const uint8_t **der, size_t *len)
{
	ENSURE(s->id.ca_der, ERR_STATE, "session: the CA is the user's file, not generated");
	*der = s->id.ca_der;
	*len = s->id.ca_len;
	return 0;
}

int session_ca_pem(const struct session *s, char *buf, size_t cap)
{
	int n;

	ENSURE(s->id.ca_der, ERR_STATE, "session: the CA is the user's file, not generated");
	ENSURE(cap > 1, ERR_LENGTH, "session: no room for the CA");
	n = wc_DerToPem(s->id.ca_der, (word32)s->id.ca_len, (byte *)buf, (word32)(cap - 1), CERT_TYPE);
	ENSURE(n > 0, ERR_CRYPTO, "session: the CA does not convert to PEM (%d)", n);
	buf[n] = 0;
	return n;
}

enum session_scenario session_scenario(const struct session *s)
{
	return s->scen;
}

unsigned session_nconns(const struct session *s)
{
	return s->nconns;
}

uint32_t session_conn(struct session *s)
{
	uint32_t n;

	pthread_mutex_lock(&s->lock);
	n = s->cur_conn ? s->cur_conn : 1;
	pthread_mutex_unlock(&s->lock);
	return n;
}

int session_info(const struct session *s, char *version, size_t vlen, char *suite, size_t slen,
		 char *group, size_t glen)
{
	struct session *m = (struct session *)s;
	int rc;

	pthread_mutex_lock(&m->lock);
	snprintf(version, vlen, "%s", s->negotiated ? s->neg_version : "");
	snprintf(suite, slen, "%s", s->negotiated ? s->neg_suite : "");
	snprintf(group, glen, "%s", s->negotiated ? s->neg_group : "");
	rc = s->negotiated ? 0 : ERR_STATE;
	pthread_mutex_unlock(&m->lock);
	return rc < 0 ? err_set(rc, "session: handshake not finished") : 0;
}

/* Load the identity into the contexts: server cert + key, client trust. */
static int ctx_identity(struct session *s, const struct session_opts *o)
{
	if (s->user_files) {
		ENSURE(wolfSSL_CTX_use_certificate_chain_file(s->sctx, o->cert_file) == WOLFSSL_SUCCESS,
		       ERR_IO, "--cert %s: not a PEM certificate wolfSSL can load", o->cert_file);
		ENSURE(wolfSSL_CTX_use_PrivateKey_file(s->sctx, o->key_file, WOLFSSL_FILETYPE_PEM) ==
			       WOLFSSL_SUCCESS,
		       ERR_IO, "--key %s: not a PEM private key wolfSSL can load (encrypted keys are not supported)",
		       o->key_file);
		ENSURE(wolfSSL_CTX_check_private_key(s->sctx) == WOLFSSL_SUCCESS, ERR_USAGE,
		       "--key %s does not belong to the certificate in %s", o->key_file, o->cert_file);
		ENSURE(wolfSSL_CTX_load_verify_locations(s->cctx, o->ca_file, NULL) == WOLFSSL_SUCCESS,
		       ERR_IO, "--ca %s: not a PEM CA certificate wolfSSL can load", o->ca_file);
		return 0;
	}
	TRY(certgen_make_ex(s->cert_kind, s->scen == SCEN_IMPOSTOR ? "evil.example" : "localhost",
			    s->scen == SCEN_MTLS, &s->id));
	ENSURE(wolfSSL_CTX_use_certificate_buffer(s->sctx, s->id.leaf_der, (long)s->id.leaf_len,
						  WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS,
	       ERR_CRYPTO, "session: wolfSSL refused the generated certificate");
	ENSURE(wolfSSL_CTX_use_PrivateKey_buffer(s->sctx, s->id.key_der, (long)s->id.key_len,
						 WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS,
	       ERR_CRYPTO, "session: wolfSSL refused the generated key");
	if (s->scen == SCEN_UNTRUSTED) {
		/* the client trusts only an unrelated CA */
		TRY(certgen_make(CERT_ECDSA_P256, &s->other));
		ENSURE(wolfSSL_CTX_load_verify_buffer(s->cctx, s->other.ca_der, (long)s->other.ca_len,
						      WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS,
		       ERR_CRYPTO, "session: wolfSSL refused the other CA");
	} else {
		ENSURE(wolfSSL_CTX_load_verify_buffer(s->cctx, s->id.ca_der, (long)s->id.ca_len,
						      WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS,
		       ERR_CRYPTO, "session: wolfSSL refused the generated CA");
	}
	if (s->scen == SCEN_MTLS) {
		/* the client proves its identity; the server trusts the same CA */
		ENSURE(wolfSSL_CTX_use_certificate_buffer(s->cctx, s->id.client_der, (long)s->id.client_len,
							  WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS &&
			       wolfSSL_CTX_use_PrivateKey_buffer(s->cctx, s->id.client_key_der,
								 (long)s->id.client_key_len,
								 WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS,
		       ERR_CRYPTO, "session: wolfSSL refused the client certificate");
		ENSURE(wolfSSL_CTX_load_verify_buffer(s->sctx, s->id.ca_der, (long)s->id.ca_len,
						      WOLFSSL_FILETYPE_ASN1) == WOLFSSL_SUCCESS,
		       ERR_CRYPTO, "session: wolfSSL refused the generated CA (server side)");
		wolfSSL_CTX_set_verify(s->sctx, WOLFSSL_VERIFY_PEER | WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	return 0;
}

/* Create both contexts with the chosen version, suite and group. */
static int ctx_make(struct session *s, const struct session_opts *o)
{
	int grp = s->group_id;

	if (s->serve && s->version == 0x0304 && !o->suite)
		snprintf(s->suite_wolf, sizeof s->suite_wolf, "%s",
			 "TLS13-AES128-GCM-SHA256:TLS13-AES256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256");
	if (s->version == 0x0304) {
		s->cctx = wolfSSL_CTX_new(wolfTLSv1_3_client_method());
		s->sctx = wolfSSL_CTX_new(wolfTLSv1_3_server_method());
	} else {
		s->cctx = wolfSSL_CTX_new(wolfTLSv1_2_client_method());
		s->sctx = wolfSSL_CTX_new(wolfTLSv1_2_server_method());
	}
	ENSURE(s->cctx && s->sctx, ERR_NOMEM, "session: wolfSSL_CTX_new failed");
	ENSURE(wolfSSL_CTX_set_cipher_list(s->cctx, s->suite_wolf) == WOLFSSL_SUCCESS &&
		       wolfSSL_CTX_set_cipher_list(s->sctx, s->suite_wolf) == WOLFSSL_SUCCESS,
	       ERR_USAGE, "--suite %s: wolfSSL refused it", s->suite_wolf);
	if (s->scen == SCEN_HRR) {
		/* the client prefers secp256r1 and sends only that key share;
		   the server accepts only x25519: HelloRetryRequest */
		int cg[2] = { WOLFSSL_ECC_SECP256R1, WOLFSSL_ECC_X25519 }, sg = WOLFSSL_ECC_X25519;

		ENSURE(wolfSSL_CTX_set_groups(s->cctx, cg, 2) == WOLFSSL_SUCCESS &&
			       wolfSSL_CTX_set_groups(s->sctx, &sg, 1) == WOLFSSL_SUCCESS,
		       ERR_USAGE, "--scenario hrr: wolfSSL refused the groups");
	} else if (s->serve && s->version == 0x0304 && !o->group) {
		int sg[3] = { WOLFSSL_ECC_X25519, WOLFSSL_ECC_SECP256R1, WOLFSSL_ECC_SECP384R1 };

		ENSURE(wolfSSL_CTX_set_groups(s->sctx, sg, 3) == WOLFSSL_SUCCESS, ERR_USAGE,
		       "serve: wolfSSL refused the groups");
	} else if (s->version == 0x0304) {
		ENSURE(wolfSSL_CTX_set_groups(s->cctx, &grp, 1) == WOLFSSL_SUCCESS &&
			       wolfSSL_CTX_set_groups(s->sctx, &grp, 1) == WOLFSSL_SUCCESS,
		       ERR_USAGE, "--group %s: wolfSSL refused it", s->group_name);
	} else {
		/* also for FFDHE: RFC 7919 lets the server pick any offered group */
		ENSURE(wolfSSL_CTX_UseSupportedCurve(s->cctx, (word16)grp) == WOLFSSL_SUCCESS, ERR_USAGE,
		       "--group %s: wolfSSL refused it", s->group_name);
	}
	if (s->gk == GRP_FFDHE) {
		const DhParams *dp = s->group_id == WOLFSSL_FFDHE_2048 ? wc_Dh_ffdhe2048_Get()
								       : wc_Dh_ffdhe3072_Get();

		ENSURE(dp && wolfSSL_CTX_SetTmpDH(s->sctx, dp->p, (int)dp->p_len, dp->g, (int)dp->g_len) ==
				     WOLFSSL_SUCCESS,
		       ERR_CRYPTO, "session: cannot set the %s parameters", s->group_name);
		(void)wolfSSL_CTX_SetMinDhKey_Sz(s->cctx, 2048);
	}
	wolfSSL_CTX_set_verify(s->cctx, WOLFSSL_VERIFY_PEER, NULL);
	wolfSSL_CTX_set_verify(s->sctx, WOLFSSL_VERIFY_NONE, NULL);
	keys_install(s->cctx);
	keys_install(s->sctx);
	return ctx_identity(s, o);
}

/* Bind and listen on 127.0.0.1:port. */
static int listen_make(struct session *s, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	int one = 1;

	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ENSURE(s->lfd >= 0, ERR_SYSTEM, "session: socket: %s", strerror(errno));
	(void)setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	ENSURE(bind(s->lfd, (struct sockaddr *)&a, sizeof a) == 0, ERR_IO,
	       "--port %u: cannot bind 127.0.0.1:%u: %s", port, port, strerror(errno));
	ENSURE(listen(s->lfd, 4) == 0, ERR_IO, "session: listen: %s", strerror(errno));
	ENSURE(getsockname(s->lfd, (struct sockaddr *)&a, &alen) == 0, ERR_IO, "session: getsockname: %s",
	       strerror(errno));
	s->port = ntohs(a.sin_port);
	return 0;
}

int session_open(struct session **out, const struct session_opts *o, struct sink *events, struct keystore *ks)
{
	struct session *s;
	int rc;

	*out = NULL;
	ENSURE(o, ERR_INTERNAL, "session: no options");
	pthread_once(&wolf_once, wolf_init);
	s = calloc(1, sizeof *s);
	ENSURE(s, ERR_NOMEM, "session: out of memory");
	s->lfd = -1;
	s->cli.fd = s->srv.fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->emit_lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	s->events = events;
	s->ks = ks;
	s->step = s->hold = o->step;
	s->on_wire = o->on_wire;
	s->on_wire_ctx = o->on_wire_ctx;
	s->on_conn = o->on_conn;
	s->cli = (struct endpoint){ .s = s, .owner = OWNER_CLIENT, .dir = DIR_C2S, .fd = -1 };
	s->srv = (struct endpoint){ .s = s, .owner = OWNER_SERVER, .dir = DIR_S2C, .fd = -1 };
	TRY_GOTO(sess_opts_check(s, o));
	sess_plan_build(s);
	TRY_GOTO(ctx_make(s, o));
	TRY_GOTO(listen_make(s, o->port));
	*out = s;
	return 0;
out:
	session_close(s);
	return rc;
}

int session_run(struct session *s)
{
	ENSURE(s && !s->running, ERR_STATE, "session: already running");
	s->running = true;
	return sess_thread_start(s);
}

/* Join a thread, giving up after ms milliseconds; 0 when joined. */
static int join_bounded(pthread_t th, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	return pthread_timedjoin_np(th, NULL, &ts);
}

void session_close(struct session *s)
{
	bool leak = false;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	atomic_store(&s->stopping, true);
	s->hold = false;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	/* the threads poll in slices of 100 ms and see `stopping` */
	if (s->cli.started && join_bounded(s->cli.th, 15000) != 0)
		leak = true;
	if (s->srv.started && join_bounded(s->srv.th, 15000) != 0)
		leak = true;
	if (leak) {
		/* a thread is stuck inside wolfSSL: freeing would crash it */
		sess_note(s, "warning", "session: a thread did not stop in time; its memory is leaked");
		return;
	}
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->cctx)
		wolfSSL_CTX_free(s->cctx);
	if (s->sctx)
		wolfSSL_CTX_free(s->sctx);
	certgen_free(&s->id);
	certgen_free(&s->other);
	if (s->resume)
		wolfSSL_SESSION_free(s->resume);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->emit_lock);
	pthread_cond_destroy(&s->cond);
	explicit_bzero(s, sizeof *s);
	free(s);
}
