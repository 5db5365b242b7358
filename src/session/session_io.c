/* The live session's two endpoint threads: TCP, wolfSSL I/O callbacks with
 * the stage gates, and one HTTP/1.1 exchange. Every wait is bounded. */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/err.h"
#include "session/session_int.h"

#define POLL_SLICE_MS 100
#define REQ_MAX 8192
#define HDR_MAX 16384

/* Milliseconds on a monotonic clock. */
static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is a flight held at a gate (the peer is waiting for the user)? */
static bool any_held(struct session *s)
{
	bool h;

	pthread_mutex_lock(&s->lock);
	h = s->gates[0].active || s->gates[1].active;
	pthread_mutex_unlock(&s->lock);
	return h;
}

/* Wait until fd is ready for ev, at most timeout_ms; time spent while a gate
 * is held does not count (the user is reading the screen). 1 ready, 0
 * timeout, -1 stopped. */
static int wait_fd_ms(struct session *s, int fd, short ev, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = ev };
		int r;

		if (atomic_load(&s->stopping))
			return -1;
		r = poll(&p, 1, POLL_SLICE_MS);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1; /* let the read/write report the error */
		if (any_held(s))
			deadline = now_ms() + timeout_ms;
		else if (now_ms() > deadline)
			return 0;
	}
}

/* wait_fd_ms with the socket timeout. */
static int wait_fd(struct session *s, int fd, short ev)
{
	return wait_fd_ms(s, fd, ev, SESS_IO_TIMEOUT_MS);
}

/* Serve: collect the client's first records until the cleartext part of its
 * handshake is seen (client random, TLS 1.2 key exchange). */
static void rx_observe(struct endpoint *e, const uint8_t *b, size_t n)
{
	while (n > 0 && !e->rx_done) {
		size_t take = sizeof e->rx - e->rx_len, used;

		if (take > n)
			take = n;
		memcpy(e->rx + e->rx_len, b, take);
		e->rx_len += take;
		b += take;
		n -= take;
		/* whole records only */
		used = 0;
		while (e->rx_len - used >= 5) {
			size_t rl = ((size_t)e->rx[used + 3] << 8) | e->rx[used + 4];

			if (e->rx_len - used < 5 + rl)
				break;
			stage_observe_inbound(e, e->rx + used, 5 + rl);
			used += 5 + rl;
		}
		if (used == 0 && e->rx_len == sizeof e->rx)
			e->rx_done = true; /* a record larger than a record can be: give up */
		memmove(e->rx, e->rx + used, e->rx_len - used);
		e->rx_len -= used;
	}
}

/* wolfSSL receive callback: bounded read from the socket. */
static int io_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct endpoint *e = ctx;
	ssize_t n;
	int w;

	(void)ssl;
	sess_stage_idle(e); /* a side that reads has finished its flight */
	for (;;) {
		w = wait_fd(e->s, e->fd, POLLIN);
		if (w < 0)
			return WOLFSSL_CBIO_ERR_CONN_CLOSE;
		if (w == 0)
			return WOLFSSL_CBIO_ERR_TIMEOUT;
		n = recv(e->fd, buf, (size_t)sz, 0);
		if (n > 0)
			break;
		if (n == 0)
			return WOLFSSL_CBIO_ERR_CONN_CLOSE;
		if (errno == EINTR || errno == EAGAIN)
			continue;
		return errno == ECONNRESET ? WOLFSSL_CBIO_ERR_CONN_RST : WOLFSSL_CBIO_ERR_GENERAL;
	}
	e->read_since_write = true;
	if (e->s->serve) {
		rx_observe(e, (const uint8_t *)buf, (size_t)n);
		if (e->s->on_wire)
			e->s->on_wire(e->s->on_wire_ctx, DIR_C2S, (const uint8_t *)buf, (size_t)n);
	}
	return (int)n;
}

/* Tamper scenario: the man in the middle flips one ciphertext byte of the
 * first application_data record, after its keys are stored and before it
 * reaches the capture and the socket. */
static void tamper_flip(struct endpoint *e, uint8_t *b, size_t len)
{
	size_t off = 0;

	while (off + 5 <= len) {
		size_t rl = ((size_t)b[off + 3] << 8) | b[off + 4];
		size_t at = off + 5 + rl / 2;
		uint8_t was;
		char text[512];
		struct event ev = { .type = EV_NOTE, .dir = DIR_C2S };

		if (off + 5 + rl > len)
			return;
		if (b[off] != 23 || rl < 2) {
			off += 5 + rl;
			continue;
		}
		was = b[at];
		b[at] ^= 0xff;
		e->s->tampered = true;
		snprintf(text, sizeof text,
			 "tamper: the attacker flipped byte %zu of the client's first application_data record "
			 "(record at c2s stream offset %llu, flipped byte at c2s stream offset %llu): 0x%02x -> 0x%02x",
			 5 + rl / 2, (unsigned long long)(e->sent + off), (unsigned long long)(e->sent + at), was, b[at]);
		/* the offset also travels as data: the TUI's Wire pane marks the byte */
		ev.u.note.level = "warning";
		ev.u.note.text = text;
		ev.u.note.has_stream_off = true;
		ev.u.note.stream_off = e->sent + at;
		sess_emit(e->s, &ev);
		return;
	}
}

/* wolfSSL send callback: the stage gate, key bookkeeping, tap, then write. */
static int io_send(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct endpoint *e = ctx;
	const uint8_t *b = (const uint8_t *)buf;
	size_t off = 0;

	(void)ssl;
	if (atomic_load(&e->s->stopping) || sz <= 0)
		return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	/* learn the client random etc. first: a stage's keys need it */
	stage_observe(e, b, (size_t)sz);
	if (!e->wrote || e->read_since_write || e->phase != e->stage_phase || e->stage_break) {
		e->stage_break = false;
		e->stage_phase = e->phase;
		e->flights++;
		sess_stage_begin(e, e->owner == OWNER_CLIENT ? "client_flight" : "server_flight");
		if (atomic_load(&e->s->stopping))
			return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	}
	e->wrote = true;
	e->read_since_write = false;
	/* every secret for these records goes into the keystore before they leave */
	keys_before_send(e, b, (size_t)sz);
	if (e->s->scen == SCEN_TAMPER && e->owner == OWNER_CLIENT && e->phase == PH_APP && !e->s->tampered)
		tamper_flip(e, (uint8_t *)buf, (size_t)sz);
	if (e->s->on_wire)
		e->s->on_wire(e->s->on_wire_ctx, e->dir, b, (size_t)sz);
	while (off < (size_t)sz) {
		ssize_t n;
		int w = wait_fd(e->s, e->fd, POLLOUT);

		if (w < 0)
			return WOLFSSL_CBIO_ERR_CONN_CLOSE;
		if (w == 0)
			return WOLFSSL_CBIO_ERR_TIMEOUT;
		n = send(e->fd, b + off, (size_t)sz - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return errno == EPIPE || errno == ECONNRESET ? WOLFSSL_CBIO_ERR_CONN_CLOSE
								       : WOLFSSL_CBIO_ERR_GENERAL;
		off += (size_t)n;
		e->sent += (uint64_t)n;
	}
	return sz;
}

/* Map a wolfSSL error to ERR_* and report it. */
static int ssl_fail(struct endpoint *e, const char *what, int ret)
{
	char reason[160];
	int err = wolfSSL_get_error(e->ssl, ret);
	int code = ERR_CRYPTO;
	const char *pre = "";

	wolfSSL_ERR_error_string_n((unsigned long)err, reason, sizeof reason);
	switch (err) {
	case DOMAIN_NAME_MISMATCH:
	case IPADDR_MISMATCH:
	case ASN_NO_SIGNER_E:
	case ASN_AFTER_DATE_E:
	case ASN_BEFORE_DATE_E:
	case ASN_SIG_CONFIRM_E:
	case ASN_SELF_SIGNED_E:
	case VERIFY_CERT_ERROR:
		code = ERR_AUTH;
		pre = "certificate verification failed: ";
		break;
	case SOCKET_ERROR_E:
	case SOCKET_NODATA:
	case SOCKET_PEER_CLOSED_E:
		code = ERR_IO;
		break;
	default:
		break;
	}
	if (atomic_load(&e->s->stopping))
		code = ERR_STATE;
	e->result = code;
	if (code != ERR_STATE)
		sess_error(e->s, code, "%s: %s failed: %s%s (wolfSSL %d)",
			   e->owner == OWNER_CLIENT ? "client" : "server", what, pre, reason, err);
	return code;
}

/* Create the WOLFSSL object of an endpoint with our callbacks. */
static int ssl_make(struct endpoint *e, WOLFSSL_CTX *ctx)
{
	e->ssl = wolfSSL_new(ctx);
	ENSURE(e->ssl, ERR_NOMEM, "session: wolfSSL_new failed");
	wolfSSL_SSLSetIORecv(e->ssl, io_recv);
	wolfSSL_SSLSetIOSend(e->ssl, io_send);
	wolfSSL_SetIOReadCtx(e->ssl, e);
	wolfSSL_SetIOWriteCtx(e->ssl, e);
	wolfSSL_SetHKDFExtractCtx(e->ssl, e);
	wolfSSL_KeepArrays(e->ssl); /* randoms and master secret stay readable */
	if (e->owner == OWNER_CLIENT) {
		/* hrr: the only key share is for a group the server refuses */
		if (e->s->version == 0x0304)
			(void)wolfSSL_UseKeyShare(e->ssl, e->s->scen == SCEN_HRR ? WOLFSSL_ECC_SECP256R1
										: (word16)e->s->group_id);
		ENSURE(wolfSSL_UseSNI(e->ssl, WOLFSSL_SNI_HOST_NAME, "localhost", 9) == WOLFSSL_SUCCESS,
		       ERR_INTERNAL, "session: SNI");
		ENSURE(wolfSSL_check_domain_name(e->ssl, "localhost") == WOLFSSL_SUCCESS, ERR_INTERNAL,
		       "session: host name check");
	}
	return 0;
}

/* Write all of buf through TLS. */
static int tls_write_all(struct endpoint *e, const char *buf, size_t len)
{
	while (len > 0) {
		int chunk = len > 16384 ? 16384 : (int)len;
		int n = wolfSSL_write(e->ssl, buf, chunk);

		if (n <= 0)
			return ssl_fail(e, "write", n);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The response body: a small page, or body_bytes of text. */
static char *make_body(struct session *s, size_t *len)
{
	static const char page[] =
		"<!DOCTYPE html>\n<html><head><title>tlsviz</title></head>\n"
		"<body><h1>Hello from tlsviz</h1>\n"
		"<p>This page travelled over a real TLS connection on 127.0.0.1.</p></body></html>\n";
	static const char line[] = "tlsviz test body: the quick brown fox jumps over the lazy dog.\n";
	char *b;

	if (s->body_bytes == 0) {
		*len = sizeof page - 1;
		return strdup(page);
	}
	b = malloc(s->body_bytes);
	if (!b)
		return NULL;
	for (size_t i = 0; i < s->body_bytes; i++)
		b[i] = line[i % (sizeof line - 1)];
	*len = s->body_bytes;
	return b;
}

/* Server side of the exchange: read the request, answer 200, close. */
static int server_http(struct endpoint *e)
{
	char req[REQ_MAX + 1], hdr[512];
	size_t got = 0, blen = 0;
	char *body;
	int rc, n;

	req[0] = 0;
	while (!strstr(req, "\r\n\r\n")) {
		if (got >= REQ_MAX) {
			sess_error(e->s, ERR_LENGTH, "server: request headers longer than %d bytes", REQ_MAX);
			return ERR_LENGTH;
		}
		n = wolfSSL_read(e->ssl, req + got, (int)(REQ_MAX - got));
		if (n <= 0)
			return ssl_fail(e, "reading the request", n);
		got += (size_t)n;
		req[got] = 0;
	}
	body = make_body(e->s, &blen);
	if (!body)
		return ERR_NOMEM;
	n = snprintf(hdr, sizeof hdr,
		     "HTTP/1.1 200 OK\r\nServer: tlsviz/" TLSVIZ_VERSION "\r\n"
		     "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		     e->s->body_bytes ? "text/plain" : "text/html; charset=utf-8", blen);
	/* header and first body bytes in one write: one record for small pages */
	if (blen <= 16384 - (size_t)n) {
		char *all = malloc((size_t)n + blen);

		if (!all) {
			free(body);
			return ERR_NOMEM;
		}
		memcpy(all, hdr, (size_t)n);
		memcpy(all + n, body, blen);
		rc = tls_write_all(e, all, (size_t)n + blen);
		free(all);
	} else {
		rc = tls_write_all(e, hdr, (size_t)n);
		if (rc == 0)
			rc = tls_write_all(e, body, blen);
	}
	free(body);
	return rc;
}

/* Client side: send the GET, read the whole response. */
static int client_http(struct endpoint *e)
{
	char req[512], hdr[HDR_MAX + 1], buf[16384];
	size_t got = 0, body = 0, want;
	const char *end, *cl;
	int n;

	n = snprintf(req, sizeof req,
		     "GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: tlsviz/" TLSVIZ_VERSION
		     "\r\nAccept: */*\r\nConnection: close\r\n\r\n",
		     e->s->path);
	TRY(tls_write_all(e, req, (size_t)n));
	hdr[0] = 0;
	while (!(end = strstr(hdr, "\r\n\r\n"))) {
		if (got >= HDR_MAX) {
			sess_error(e->s, ERR_LENGTH, "client: response headers longer than %d bytes", HDR_MAX);
			return ERR_LENGTH;
		}
		n = wolfSSL_read(e->ssl, hdr + got, (int)(HDR_MAX - got));
		if (n <= 0)
			return ssl_fail(e, "reading the response", n);
		got += (size_t)n;
		hdr[got] = 0;
	}
	if (strncmp(hdr, "HTTP/1.1 200 ", 13) != 0) {
		sess_error(e->s, ERR_VALUE, "client: the server did not answer 200");
		return ERR_VALUE;
	}
	cl = strcasestr(hdr, "\r\nContent-Length:");
	if (!cl || cl > end) {
		sess_error(e->s, ERR_VALUE, "client: response without Content-Length");
		return ERR_VALUE;
	}
	want = strtoull(cl + 17, NULL, 10);
	body = got - (size_t)(end + 4 - hdr);
	while (body < want) {
		n = wolfSSL_read(e->ssl, buf, (int)sizeof buf);
		if (n <= 0) {
			int rc = ssl_fail(e, "reading the response body", n);

			sess_error(e->s, ERR_SHORT, "client: response body truncated at %zu of %zu bytes", body,
				   want);
			return rc;
		}
		body += (size_t)n;
	}
	if (body != want) {
		sess_error(e->s, ERR_LENGTH, "client: %zu body bytes, Content-Length said %zu", body, want);
		return ERR_LENGTH;
	}
	return 0;
}

/* Send our close_notify and wait (bounded) for the peer's. */
static void tls_close(struct endpoint *e)
{
	int r;

	e->phase = PH_CLOSE;
	r = wolfSSL_shutdown(e->ssl);
	if (r == WOLFSSL_SHUTDOWN_NOT_DONE)
		(void)wolfSSL_shutdown(e->ssl); /* receives the peer's close_notify */
}

/* Record what was negotiated, for session_info (client thread). */
static void note_negotiated(struct endpoint *e)
{
	struct session *s = e->s;
	const char *v = wolfSSL_get_version(e->ssl);
	const char *name = wolfSSL_get_cipher_name(e->ssl);

	pthread_mutex_lock(&s->lock);
	snprintf(s->neg_version, sizeof s->neg_version, "%s", v ? v : "");
	snprintf(s->neg_suite, sizeof s->neg_suite, "%s",
		 name && !strcmp(name, s->suite_wolf) ? s->suite_iana : (name ? name : ""));
	if (s->version == 0x0303 && s->gk == GRP_FFDHE && s->dh_p_len && s->dh_p_len * 8 != (s->group_id == WOLFSSL_FFDHE_2048 ? 2048u : 3072u))
		snprintf(s->neg_group, sizeof s->neg_group, "dh%zu", s->dh_p_len * 8);
	else
		snprintf(s->neg_group, sizeof s->neg_group, "%s", s->group_name);
	s->negotiated = true;
	pthread_mutex_unlock(&s->lock);
}

/* Connection n begins for e: reset what belongs to one connection (and, for
 * the thread that opens it, the session's per-connection facts). */
static void conn_begin(struct endpoint *e, uint32_t n, bool session_level)
{
	struct session *s = e->s;

	e->conn = n;
	explicit_bzero(e->sec, sizeof e->sec);
	explicit_bzero(e->priv, sizeof e->priv);
	e->nsec = e->extracts = e->derives = e->flights = 0;
	e->nstages = 0;
	e->wrote = e->read_since_write = e->stage_break = false;
	e->sent = 0;
	e->phase = e->stage_phase = PH_HANDSHAKE;
	e->priv_len = e->pub_len = 0;
	e->premaster_done = e->ccs_sent = e->rx_done = false;
	e->rx_len = 0;
	if (!session_level)
		return;
	pthread_mutex_lock(&s->lock);
	s->cur_conn = n;
	s->last_no = 0;
	s->last_owner = OWNER_NONE;
	s->last_idle = true;
	s->have_cr = s->have_sr = s->have_ch_x25519 = s->ems = false;
	s->ske_pub_len = s->cke_pub_len = s->dh_p_len = s->dh_g_len = 0;
	pthread_mutex_unlock(&s->lock);
}

/* Connection over for e: free its TLS object, close its socket. */
static void conn_end(struct endpoint *e)
{
	sess_stage_idle(e);
	if (e->ssl) {
		wolfSSL_free(e->ssl);
		e->ssl = NULL;
	}
	if (e->fd >= 0) {
		close(e->fd);
		e->fd = -1;
	}
}

/* The server has finished connections 1..n (n = all when it stops). */
static void server_conns_done(struct session *s, unsigned n)
{
	pthread_mutex_lock(&s->lock);
	if (n > s->srv_conns_done)
		s->srv_conns_done = n;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Client: wait (bounded) until the server is done with connection n, so the
 * next connection's key events cannot mix with the last of this one. */
static void wait_server_conn(struct session *s, unsigned n)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += SESS_IO_TIMEOUT_MS / 1000 + 5;
	pthread_mutex_lock(&s->lock);
	while (s->srv_conns_done < n && !atomic_load(&s->stopping))
		if (pthread_cond_timedwait(&s->cond, &s->lock, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&s->lock);
}

/* Thread end: the last one out reports the result and EV_END. */
static void endpoint_finish(struct endpoint *e)
{
	struct session *s = e->s;
	struct event ev = { .type = EV_END };
	bool last;

	conn_end(e);
	if (e->rng_ok) {
		wc_FreeRng(&e->rng);
		e->rng_ok = false;
	}
	explicit_bzero(e->sec, sizeof e->sec);
	explicit_bzero(e->priv, sizeof e->priv);
	wc_ecc_fp_free(); /* FP_ECC: this thread's fixed-point cache would leak */
	pthread_mutex_lock(&s->lock);
	/* prefer the client's view: it verified the certificate */
	if (e->result && (!s->result || e->owner == OWNER_CLIENT))
		s->result = e->result;
	last = ++s->nfinished == (s->serve ? 1 : 2);
	pthread_mutex_unlock(&s->lock);
	/* EV_END goes out before session_done() turns true */
	if (last)
		sess_emit(s, &ev);
	pthread_mutex_lock(&s->lock);
	atomic_store(&e->finished, true);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* Port of a socket's own (local) or peer address. */
static uint16_t sock_port(int fd, bool peer)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	int r = peer ? getpeername(fd, (struct sockaddr *)&a, &alen) : getsockname(fd, (struct sockaddr *)&a, &alen);

	return r == 0 && a.sin_family == AF_INET ? ntohs(a.sin_port) : 0;
}

/* One server connection: accept, handshake, answer, close. */
static int server_conn(struct endpoint *e, uint32_t n)
{
	struct session *s = e->s;
	int one = 1, w, r;

	w = wait_fd_ms(s, s->lfd, POLLIN, s->accept_timeout_ms);
	if (w <= 0) {
		e->result = w < 0 ? ERR_STATE : ERR_IO;
		if (w == 0)
			sess_error(s, ERR_IO, "server: no connection within %d s", s->accept_timeout_ms / 1000);
		return e->result;
	}
	e->fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (e->fd < 0) {
		e->result = ERR_IO;
		sess_error(s, ERR_IO, "server: accept: %s", strerror(errno));
		return ERR_IO;
	}
	conn_begin(e, n, s->serve);
	if (s->serve && s->on_conn)
		s->on_conn(s->on_wire_ctx, n, true, sock_port(e->fd, true));
	(void)setsockopt(e->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (ssl_make(e, s->sctx) < 0)
		return e->result = err_last();
	r = wolfSSL_accept(e->ssl);
	if (r != WOLFSSL_SUCCESS)
		return ssl_fail(e, "handshake", r);
	keys_after_handshake(e);
	e->phase = PH_APP;
	if (server_http(e) < 0) {
		if (!e->result)
			e->result = ERR_IO;
		return e->result;
	}
	tls_close(e);
	return 0;
}

/* The server thread: its connections one after the other. */
static void *server_main(void *arg)
{
	struct endpoint *e = arg;
	struct session *s = e->s;

	keys_bind_thread(e);
	for (unsigned n = 1; n <= s->nconns; n++) {
		int rc = server_conn(e, n);

		conn_end(e);
		server_conns_done(s, n);
		if (s->serve && s->on_conn && rc != ERR_STATE && e->conn == n)
			s->on_conn(s->on_wire_ctx, n, false, 0);
		/* live: a failed connection ends the session; serve: a client that
		   gave up does not stop the next one, but no client at all does */
		if (rc < 0 && (!s->serve || rc == ERR_STATE || e->conn != n))
			break;
	}
	server_conns_done(s, s->nconns);
	endpoint_finish(e);
	return NULL;
}

/* Client, KeyUpdate scenario: ask for new keys before the request. */
static int client_key_update(struct endpoint *e)
{
	int r = wolfSSL_update_keys(e->ssl);

	if (r != WOLFSSL_SUCCESS)
		return ssl_fail(e, "KeyUpdate", r);
	e->stage_break = true; /* the request that follows is a flight of its own */
	sess_note(e->s, "info",
		  "the client sent KeyUpdate (update_requested): its next records use "
		  "client_application_traffic_secret_1, and the server will answer with its own KeyUpdate");
	return 0;
}

/* One client connection: TCP connect (its own stage), handshake, GET, close. */
static int client_conn(struct endpoint *e, uint32_t n)
{
	struct session *s = e->s;
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1, r;

	sess_stage_begin(e, "tcp_handshake");
	if (atomic_load(&s->stopping))
		return e->result = ERR_STATE;
	e->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(s->port);
	if (e->fd < 0 || connect(e->fd, (struct sockaddr *)&a, sizeof a) != 0) {
		sess_error(s, ERR_IO, "client: connect to 127.0.0.1:%u: %s", s->port, strerror(errno));
		return e->result = ERR_IO;
	}
	if (s->on_conn)
		s->on_conn(s->on_wire_ctx, n, true, sock_port(e->fd, false));
	(void)setsockopt(e->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (ssl_make(e, s->cctx) < 0)
		return e->result = err_last();
	if (n > 1 && s->resume && wolfSSL_set_session(e->ssl, s->resume) != WOLFSSL_SUCCESS)
		sess_note(s, "warning", "client: wolfSSL did not take the saved session; this will be a full handshake");
	r = wolfSSL_connect(e->ssl);
	if (r != WOLFSSL_SUCCESS)
		return ssl_fail(e, "handshake", r);
	note_negotiated(e);
	keys_after_handshake(e);
	if (n > 1 && s->scen == SCEN_RESUMPTION)
		sess_note(s, wolfSSL_session_reused(e->ssl) ? "info" : "warning",
			  wolfSSL_session_reused(e->ssl)
				  ? "connection %u resumed the session of connection 1 with its ticket (PSK): "
				    "no Certificate, no CertificateVerify"
				  : "connection %u did NOT resume: the server did a full handshake",
			  n);
	e->phase = PH_APP;
	if (s->scen == SCEN_KEYUPDATE)
		TRY(client_key_update(e));
	if (client_http(e) < 0)
		return e->result ? e->result : (e->result = ERR_IO);
	if (n < s->nconns && s->scen == SCEN_RESUMPTION) {
		/* the NewSessionTicket arrived with the response */
		s->resume = wolfSSL_get1_session(e->ssl);
		if (!s->resume)
			sess_note(s, "warning", "client: no session ticket to resume with");
	}
	tls_close(e);
	return 0;
}

/* The client thread: its connections one after the other. */
static void *client_main(void *arg)
{
	struct endpoint *e = arg;
	struct session *s = e->s;

	keys_bind_thread(e);
	for (unsigned n = 1; n <= s->nconns; n++) {
		int rc;

		conn_begin(e, n, true);
		rc = client_conn(e, n);
		conn_end(e);
		wait_server_conn(s, n);
		if (s->on_conn)
			s->on_conn(s->on_wire_ctx, n, false, 0);
		if (rc < 0)
			break;
	}
	endpoint_finish(e);
	return NULL;
}

int sess_thread_start(struct session *s)
{
	ENSURE(pthread_create(&s->srv.th, NULL, server_main, &s->srv) == 0, ERR_SYSTEM,
	       "session: cannot start the server thread");
	s->srv.started = true;
	if (s->serve)
		return 0;
	if (pthread_create(&s->cli.th, NULL, client_main, &s->cli) != 0) {
		atomic_store(&s->stopping, true);
		return err_set(ERR_SYSTEM, "session: cannot start the client thread");
	}
	s->cli.started = true;
	return 0;
}
