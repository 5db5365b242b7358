/* --follow N: one connection's decrypted application data as a
 * conversation. Consecutive records of one side make a turn; a turn is shown
 * as text with control bytes escaped, or as a hex dump when it is mostly
 * binary; an HTTP/1.x request or response is summarised (method and path;
 * status, content type and length). With --json, one object per turn with
 * its bytes in hex. A turn is bounded (FOLLOW_TURN bytes are kept; the rest
 * is counted), so following a bulk download stays small. */
#include "output/views.h"

#include "core/err.h"
#include "output/jsonw.h"
#include "output/view_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FOLLOW_TURN (64u << 10) /* bytes of one turn kept for showing */

struct follow_view {
	struct view_base base;
	FILE *out;
	bool json;
	uint32_t conn;
	bool seen;             /* the connection appeared */
	enum dir dir;          /* of the turn being gathered */
	uint8_t *buf;
	size_t len, cap;
	uint64_t total, records;
	uint64_t turns, bytes[3];
	struct jsonw w;
};

/* The value of header name in an HTTP head (its first line excluded). */
static void http_header(const char *head, size_t n, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	out[0] = '\0';
	for (const char *p = head; p && p < head + n;) {
		const char *e = memchr(p, '\n', (size_t)(head + n - p));
		size_t l = e ? (size_t)(e - p) : (size_t)(head + n - p);

		if (l > nl + 1 && !strncasecmp(p, name, nl) && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t vl = l - nl - 1;

			while (vl && (*v == ' ' || *v == '\t'))
				v++, vl--;
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
				vl--;
			snprintf(out, cap, "%.*s", (int)(vl < cap ? vl : cap - 1), v);
			return;
		}
		p = e ? e + 1 : NULL;
	}
}

/* "HTTP request: GET /x" or "HTTP response: 200 ok, text/html, 18 bytes",
 * when the turn starts like one; else "". */
static void http_summary(const uint8_t *b, size_t n, char *out, size_t cap)
{
	static const char *const methods[] = { "GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT " };
	const char *s = (const char *)b, *eol = memchr(b, '\n', n < 8192 ? n : 8192);
	size_t l = eol ? (size_t)(eol - s) : 0;
	char type[80], length[32];

	out[0] = '\0';
	if (!eol)
		return;
	while (l && s[l - 1] == '\r')
		l--;
	for (size_t i = 0; i < l; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			return; /* not a text line */
	http_header(eol + 1, n - (size_t)(eol + 1 - s), "Content-Type", type, sizeof type);
	http_header(eol + 1, n - (size_t)(eol + 1 - s), "Content-Length", length, sizeof length);
	if (l > 9 && !strncmp(s, "HTTP/1.", 7)) {
		snprintf(out, cap, "HTTP response: %.*s%s%s%s%s%s", (int)(l - 9 < 60 ? l - 9 : 60), s + 9,
			 type[0] ? ", " : "", type, length[0] ? ", " : "", length, length[0] ? " bytes" : "");
		return;
	}
	for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
		if (l > strlen(methods[m]) && !strncmp(s, methods[m], strlen(methods[m])) && strstr(s, " HTTP/1.")) {
			const char *path = s + strlen(methods[m]), *sp = memchr(path, ' ', (size_t)(s + l - path));

			snprintf(out, cap, "HTTP request: %.*s %.*s", (int)strlen(methods[m]) - 1, s,
				 (int)(sp ? (size_t)(sp - path) : 0) < 200 ? (int)(sp ? (size_t)(sp - path) : 0) : 200, path);
			return;
		}
}

/* Mostly binary: more than one byte in eight is neither printable nor
 * whitespace. */
static bool binary(const uint8_t *b, size_t n)
{
	size_t odd = 0;

	for (size_t i = 0; i < n; i++)
		odd += !(b[i] >= 0x20 && b[i] < 0x7f) && b[i] != '\n' && b[i] != '\r' && b[i] != '\t';
	return odd * 8 > n;
}

/* A line being built for follow_format_turn's callback. */
struct fline {
	char s[4096];
	size_t n;
	void (*out)(void *arg, const char *text);
	void *arg;
};

static void fl_emit(struct fline *l)
{
	l->s[l->n] = '\0';
	l->out(l->arg, l->s);
	l->n = 0;
}

static void fl_put(struct fline *l, const char *t)
{
	size_t k = strlen(t);

	if (l->n + k + 1 > sizeof l->s)
		fl_emit(l); /* a very long line goes on on the next */
	memcpy(l->s + l->n, t, k);
	l->n += k;
}

void follow_format_turn(enum dir dir, const uint8_t *b, size_t n, uint64_t total, uint64_t records,
			void (*out)(void *arg, const char *text), void *arg)
{
	struct fline l = { .out = out, .arg = arg };
	char sum[300], t[160];

	http_summary(b, n, sum, sizeof sum);
	snprintf(l.s, sizeof l.s, "-- %s, %llu bytes in %llu record%s%s%s%s",
		 dir == DIR_C2S ? "client -> server" : "server -> client", (unsigned long long)total,
		 (unsigned long long)records, records == 1 ? "" : "s", sum[0] ? "  [" : "", sum, sum[0] ? "]" : "");
	l.n = strlen(l.s);
	fl_emit(&l);
	if (binary(b, n)) {
		for (size_t i = 0; i < n; i += 16) {
			int w = snprintf(t, sizeof t, "   %06zx ", i);

			for (size_t k = i; k < i + 16; k++)
				w += k < n ? snprintf(t + w, sizeof t - (size_t)w, " %02x", b[k])
					   : snprintf(t + w, sizeof t - (size_t)w, "   ");
			w += snprintf(t + w, sizeof t - (size_t)w, "  ");
			for (size_t k = i; k < i + 16 && k < n; k++)
				t[w++] = (char)(b[k] >= 0x20 && b[k] < 0x7f ? b[k] : '.');
			t[w] = '\0';
			fl_put(&l, t);
			fl_emit(&l);
		}
	} else {
		bool bol = true;

		for (size_t i = 0; i < n; i++) {
			uint8_t c = b[i];

			if (bol)
				fl_put(&l, "   ");
			bol = false;
			if (c == '\n') {
				fl_emit(&l);
				bol = true;
				continue;
			}
			if (c == '\r')
				snprintf(t, sizeof t, "\\r");
			else if (c == '\t')
				snprintf(t, sizeof t, "\\t");
			else if (c >= 0x20 && c < 0x7f)
				snprintf(t, sizeof t, "%c", c);
			else
				snprintf(t, sizeof t, "\\x%02x", c);
			fl_put(&l, t);
		}
		if (!bol)
			fl_emit(&l);
	}
	if (total > n) {
		snprintf(t, sizeof t, "   ... %llu more bytes in this turn", (unsigned long long)(total - n));
		fl_put(&l, t);
		fl_emit(&l);
	}
}

static void print_line(void *arg, const char *text)
{
	fprintf(arg, "%s\n", text);
}

static void text_turn(struct follow_view *v)
{
	follow_format_turn(v->dir, v->buf, v->len, v->total, v->records, print_line, v->out);
}

static void json_turn(struct follow_view *v)
{
	char sum[300];

	http_summary(v->buf, v->len, sum, sizeof sum);
	jsonw_begin_obj(&v->w);
	jsonw_key(&v->w, "type");
	jsonw_str(&v->w, "turn");
	jsonw_key(&v->w, "conn");
	jsonw_uint(&v->w, v->conn);
	jsonw_key(&v->w, "dir");
	jsonw_str(&v->w, dir_name(v->dir));
	jsonw_key(&v->w, "len");
	jsonw_uint(&v->w, v->total);
	jsonw_key(&v->w, "records");
	jsonw_uint(&v->w, v->records);
	jsonw_key(&v->w, "hex");
	jsonw_hex(&v->w, v->buf, v->len);
	jsonw_key(&v->w, "truncated");
	jsonw_bool(&v->w, v->total > v->len);
	if (sum[0]) {
		jsonw_key(&v->w, "http");
		jsonw_str(&v->w, sum);
	}
	jsonw_end_obj(&v->w);
	jsonw_newline(&v->w);
}

/* Print the gathered turn and start an empty one. */
static void flush_turn(struct follow_view *v)
{
	if (!v->records)
		return;
	if (v->json)
		json_turn(v);
	else
		text_turn(v);
	v->turns++;
	v->len = 0;
	v->total = v->records = 0;
}

static void follow_emit(struct sink *self, const struct event *ev)
{
	struct follow_view *v = (struct follow_view *)self;
	const struct ev_app_data *a;
	size_t take;

	if (ev->conn != v->conn || v->base.failed)
		return;
	if (ev->type == EV_CONN && !v->seen) {
		v->seen = true;
		if (!v->json)
			fprintf(v->out, "== connection %u: %s -> %s: its decrypted application data\n", ev->conn,
				ev->u.conn.client, ev->u.conn.server);
		return;
	}
	if (ev->type != EV_APP_DATA)
		return;
	a = &ev->u.app;
	if (ev->dir != v->dir)
		flush_turn(v);
	v->dir = ev->dir;
	take = v->len < FOLLOW_TURN ? FOLLOW_TURN - v->len : 0;
	if (take > a->len)
		take = a->len;
	if (v->len + take > v->cap) {
		size_t cap = v->cap ? v->cap : 4096;
		uint8_t *b;

		while (cap < v->len + take)
			cap *= 2;
		b = realloc(v->buf, cap);
		if (!b) {
			v->base.failed = true;
			return;
		}
		v->buf = b;
		v->cap = cap;
	}
	memcpy(v->buf + v->len, a->data, take);
	v->len += take;
	v->total += a->len;
	v->bytes[ev->dir] += a->len;
	v->records++;
}

static int follow_close(struct view_base *b)
{
	struct follow_view *v = (struct follow_view *)b;
	int rc = 0;

	flush_turn(v);
	if (!v->json) {
		if (!v->seen)
			fprintf(v->out, "no connection %u in this capture\n", v->conn);
		else if (!v->turns)
			fputs("no decrypted application data (the keys are missing, or none was sent)\n", v->out);
		else
			fprintf(v->out, "== %llu turns: client %llu bytes, server %llu bytes\n", (unsigned long long)v->turns,
				(unsigned long long)v->bytes[DIR_C2S], (unsigned long long)v->bytes[DIR_S2C]);
	}
	if ((v->json && jsonw_free(&v->w) < 0) || fflush(v->out) != 0 || ferror(v->out) || b->failed)
		rc = err_set(ERR_IO, "writing the conversation failed");
	if (rc == 0 && !v->seen)
		rc = err_set(ERR_VALUE, "--follow %u: the capture has no connection %u", v->conn, v->conn);
	free(v->buf);
	free(v);
	return rc;
}

struct sink *view_follow_new(FILE *out, uint32_t conn, bool json)
{
	struct follow_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	if (json && jsonw_init(&v->w, out, 0) < 0) {
		free(v);
		return NULL;
	}
	v->base.sink.emit = follow_emit;
	v->base.close = follow_close;
	v->out = out;
	v->json = json;
	v->conn = conn;
	return &v->base.sink;
}
