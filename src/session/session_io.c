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

/* Wait until fd is ready for ev; time spent while a gate is held does not
 * count (the user is reading the screen). 1 ready, 0 timeout, -1 stopped. */
static int wait_fd(struct session *s, int fd, short ev)
{
	int64_t deadline = now_ms() + SESS_IO_TIMEOUT_MS;

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
			deadline = now_ms() + SESS_IO_TIMEOUT_MS;
		else if (now_ms() > deadline)
			return 0;
	}
}

/* wolfSSL receive callback: bounded read from the socket. */
static int io_recv(WOLFSSL *ssl, char *buf, int sz, void *ctx)
{
	struct endpoint *e = ctx;
	ssize_t n;
	int w;

	(void)ssl;
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
	return (int)n;
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
	if (!e->wrote || e->read_since_write || e->phase != e->stage_phase) {
		const char *name, *title;

		stage_classify(e, b, (size_t)sz, &name, &title);
		e->stage_phase = e->phase;
		e->flights++;
		sess_stage_begin(e, name, title);
		if (atomic_load(&e->s->stopping))
			return WOLFSSL_CBIO_ERR_CONN_CLOSE;
	}
	e->wrote = true;
	e->read_since_write = false;
	/* every secret for these records goes into the keystore before they leave */
	keys_before_send(e, b, (size_t)sz);
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
		if (e->s->version == 0x0304)
			(void)wolfSSL_UseKeyShare(e->ssl, (word16)e->s->group_id);
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

/* Thread end: the last one out reports the result and EV_END. */
static void endpoint_finish(struct endpoint *e)
{
	struct session *s = e->s;
	struct event ev = { .type = EV_END };
	bool last;

	if (e->ssl) {
		wolfSSL_free(e->ssl);
		e->ssl = NULL;
	}
	if (e->fd >= 0) {
		close(e->fd);
		e->fd = -1;
	}
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
	last = ++s->nfinished == 2;
	pthread_mutex_unlock(&s->lock);
	/* EV_END goes out before session_done() turns true */
	if (last)
		sess_emit(s, &ev);
	pthread_mutex_lock(&s->lock);
	atomic_store(&e->finished, true);
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* The server thread: accept, handshake, answer, close. */
static void *server_main(void *arg)
{
	struct endpoint *e = arg;
	struct session *s = e->s;
	int one = 1, w, r;

	keys_bind_thread(e);
	w = wait_fd(s, s->lfd, POLLIN);
	if (w <= 0) {
		e->result = w < 0 ? ERR_STATE : ERR_IO;
		if (w == 0)
			sess_error(s, ERR_IO, "server: no connection within %d s", SESS_IO_TIMEOUT_MS / 1000);
		goto out;
	}
	e->fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
	if (e->fd < 0) {
		e->result = ERR_IO;
		sess_error(s, ERR_IO, "server: accept: %s", strerror(errno));
		goto out;
	}
	(void)setsockopt(e->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (ssl_make(e, s->sctx) < 0) {
		e->result = err_last();
		goto out;
	}
	r = wolfSSL_accept(e->ssl);
	if (r != WOLFSSL_SUCCESS) {
		ssl_fail(e, "handshake", r);
		goto out;
	}
	keys_after_handshake(e);
	e->phase = PH_APP;
	if (server_http(e) < 0) {
		if (!e->result)
			e->result = ERR_IO;
		goto out;
	}
	tls_close(e);
out:
	endpoint_finish(e);
	return NULL;
}

/* The client thread: TCP connect (its own stage), handshake, GET, close. */
static void *client_main(void *arg)
{
	struct endpoint *e = arg;
	struct session *s = e->s;
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1, r;

	keys_bind_thread(e);
	sess_stage_begin(e, "tcp_handshake", "TCP handshake (SYN, SYN-ACK, ACK)");
	if (atomic_load(&s->stopping)) {
		e->result = ERR_STATE;
		goto out;
	}
	e->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(s->port);
	if (e->fd < 0 || connect(e->fd, (struct sockaddr *)&a, sizeof a) != 0) {
		e->result = ERR_IO;
		sess_error(s, ERR_IO, "client: connect to 127.0.0.1:%u: %s", s->port, strerror(errno));
		goto out;
	}
	(void)setsockopt(e->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (ssl_make(e, s->cctx) < 0) {
		e->result = err_last();
		goto out;
	}
	r = wolfSSL_connect(e->ssl);
	if (r != WOLFSSL_SUCCESS) {
		ssl_fail(e, "handshake", r);
		goto out;
	}
	note_negotiated(e);
	keys_after_handshake(e);
	e->phase = PH_APP;
	if (client_http(e) < 0) {
		if (!e->result)
			e->result = ERR_IO;
		goto out;
	}
	tls_close(e);
out:
	endpoint_finish(e);
	return NULL;
}

int sess_thread_start(struct session *s)
{
	ENSURE(pthread_create(&s->srv.th, NULL, server_main, &s->srv) == 0, ERR_SYSTEM,
	       "session: cannot start the server thread");
	s->srv.started = true;
	if (pthread_create(&s->cli.th, NULL, client_main, &s->cli) != 0) {
		atomic_store(&s->stopping, true);
		return err_set(ERR_SYSTEM, "session: cannot start the client thread");
	}
	s->cli.started = true;
	return 0;
}
