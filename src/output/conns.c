/* The connection table (conntab.h) and --connections, its view: one row
 * per TCP connection, for an analyst looking over a capture: addresses,
 * server name, ALPN, version, suite, group, resumption, alerts, bytes and
 * packets each way, start and duration, whether its records were decrypted
 * (and why not), and the JA3 / JA3S fingerprints of its hellos. A row is a
 * fixed summary, folded from the events as they pass: no event is kept, so
 * 10,000 connections take a few MB. The view prints the rows when it
 * closes, as an aligned text table or one JSON object per line; the TUI's
 * connection picker (ui/picker.c) lists the same rows. */
#include "output/views.h"
#include "output/conntab.h"
#include "output/filter.h"

#include "core/err.h"
#include "core/idtab.h"
#include "output/jsonw.h"
#include "output/view_int.h"
#include "tls/fingerprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn_table {
	struct conn_row *r;
	size_t n, cap;
	uint32_t *at; /* by connection id - 1: index in r + 1 (0: none) */
	size_t at_cap;
};

struct conns_view {
	struct view_base base;
	FILE *out;
	bool json;
	struct conn_table *t;
	const struct filter *filter;
};

static struct conn_row *row(struct conn_table *v, uint32_t id)
{
	if (idtab_reserve((void **)&v->at, &v->at_cap, sizeof *v->at, id) < 0)
		return NULL;
	if (v->at[id - 1])
		return &v->r[v->at[id - 1] - 1];
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 64;
		struct conn_row *r = realloc(v->r, cap * sizeof *r);

		if (!r)
			return NULL;
		v->r = r;
		v->cap = cap;
	}
	memset(&v->r[v->n], 0, sizeof v->r[v->n]);
	v->r[v->n].id = id;
	v->r[v->n].fatal_alert = -1;
	v->at[id - 1] = (uint32_t)++v->n;
	return &v->r[v->n - 1];
}

static void copy(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

/* The negotiated ALPN: the server's protocol_name (ServerHello in TLS 1.2,
 * EncryptedExtensions in 1.3). */
static void server_alpn(struct conn_row *c, const struct ev_handshake *h)
{
	for (size_t i = 0; i < h->nfields; i++)
		if (h->fields[i].name && !strcmp(h->fields[i].name, "protocol_name") && h->fields[i].value) {
			const char *s = h->fields[i].value;
			size_t n = strlen(s);

			/* the decoder quotes strings: "h2" */
			if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
				snprintf(c->alpn, sizeof c->alpn, "%.*s", (int)(n - 2), s + 1);
			else
				copy(c->alpn, sizeof c->alpn, s);
			return;
		}
}

int conn_table_add(struct conn_table *t, const struct event *ev)
{
	struct conn_row *c;

	if (!ev->conn)
		return 0;
	c = row(t, ev->conn);
	if (!c)
		return err_set(ERR_NOMEM, "connection table: out of memory");
	switch (ev->type) {
	case EV_CONN:
		copy(c->client, sizeof c->client, ev->u.conn.client);
		copy(c->server, sizeof c->server, ev->u.conn.server);
		copy(c->label, sizeof c->label, ev->u.conn.label);
		break;
	case EV_FACTS: {
		const struct ev_facts *f = &ev->u.facts;

		c->version = f->version;
		copy(c->suite, sizeof c->suite, f->suite_name);
		copy(c->group, sizeof c->group, f->group_name);
		copy(c->sni, sizeof c->sni, f->sni);
		c->resumed = f->resumed;
		c->hrr = f->hrr;
		c->alerts = f->alerts;
		c->fatal_alert = f->fatal_alert;
		break;
	}
	case EV_PACKET: /* the capture's time: the packets' */
		if (!c->packets || ev->ts_us < c->t0)
			c->t0 = ev->ts_us;
		if (ev->ts_us > c->t1)
			c->t1 = ev->ts_us;
		c->packets++;
		if (ev->dir == DIR_C2S || ev->dir == DIR_S2C)
			c->bytes[ev->dir] += ev->u.packet.payload_len;
		break;
	case EV_RECORD:
		if (!ev->u.record.encrypted) {
			c->plain++;
		} else {
			c->enc++;
			c->dec += ev->u.record.decrypted;
			c->authfail += ev->u.record.auth_failed;
			if (!ev->u.record.decrypted && !c->why[0])
				copy(c->why, sizeof c->why,
				     ev->u.record.auth_failed ? "authentication failed" : ev->u.record.why_not);
		}
		break;
	case EV_HANDSHAKE: {
		const struct ev_handshake *h = &ev->u.hs;
		struct fingerprint *fp;

		if (h->msg_type == 1 && !c->have_ch) {
			fp = malloc(sizeof *fp);
			if (fp && fp_ja3(h->bytes, h->len, fp) == 0) {
				c->ja3_full = strdup(fp->full);
				memcpy(c->ja3, fp->hash, sizeof c->ja3);
				c->have_ch = true;
			}
			if (fp && fp_ja4(h->bytes, h->len, fp) == 0) {
				c->ja4_r = strdup(fp->full);
				memcpy(c->ja4, fp->hash, sizeof c->ja4);
			}
			free(fp);
		} else if (h->msg_type == 2 && !c->have_sh) {
			fp = malloc(sizeof *fp);
			if (fp && fp_ja3s(h->bytes, h->len, fp) == 0) {
				c->ja3s_full = strdup(fp->full);
				memcpy(c->ja3s, fp->hash, sizeof c->ja3s);
				c->have_sh = true;
			}
			if (fp && fp_ja4s(h->bytes, h->len, fp) == 0) {
				c->ja4s_r = strdup(fp->full);
				memcpy(c->ja4s, fp->hash, sizeof c->ja4s);
			}
			free(fp);
		}
		if (h->msg_type == 2 || h->msg_type == 8)
			server_alpn(c, h);
		break;
	}
	default:
		break;
	}
	return 0;
}

struct conn_table *conn_table_new(void)
{
	return calloc(1, sizeof(struct conn_table));
}

void conn_table_free(struct conn_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->r[i].ja3_full);
		free(t->r[i].ja3s_full);
		free(t->r[i].ja4_r);
		free(t->r[i].ja4s_r);
	}
	free(t->r);
	free(t->at);
	free(t);
}

size_t conn_table_count(const struct conn_table *t)
{
	return t ? t->n : 0;
}

const struct conn_row *conn_table_at(const struct conn_table *t, size_t i)
{
	return t && i < t->n ? &t->r[i] : NULL;
}

const struct conn_row *conn_table_find(const struct conn_table *t, uint32_t id)
{
	return t && id && id <= t->at_cap && t->at[id - 1] ? &t->r[t->at[id - 1] - 1] : NULL;
}

const char *conn_row_decrypted(const struct conn_row *c)
{
	if (!c->enc)
		return c->plain ? "plaintext" : "no records";
	if (c->dec == c->enc)
		return "yes";
	return c->dec ? "partly" : "no";
}

const char *conn_row_version(const struct conn_row *r)
{
	uint16_t v = r->version;

	return v == 0x0304 ? "TLS 1.3" : v == 0x0303 ? "TLS 1.2" : v == 0x0302 ? "TLS 1.1" : v == 0x0301 ? "TLS 1.0" : "-";
}

/* A capture's text for a terminal: control bytes and non-ASCII as \xNN. */
static void term_str(FILE *f, const char *s, int width)
{
	int w = 0;

	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		w += ch >= 0x20 && ch < 0x7f ? fprintf(f, "%c", ch) : fprintf(f, "\\x%02x", ch);
	}
	if (!s || w == 0)
		w += fprintf(f, "-");
	for (; w < width; w++)
		fputc(' ', f);
}

static void text_rows(struct conns_view *v)
{
	FILE *f = v->out;
	size_t shown = 0;

	if (!v->t->n)
		return; /* no connection (or the input could not be read: said already) */
	fprintf(f, "%-5s %-21s %-21s %-24s %-8s %-7s %-38s %-16s %-4s %-6s %9s %9s %6s %10s %10s %-10s %-36s %-25s %-32s %s\n", "conn",
		"client", "server", "sni", "alpn", "version", "suite", "group", "res", "alerts", "c2s B", "s2c B",
		"pkts", "start s", "dur ms", "decrypted", "ja4", "ja4s", "ja3", "ja3s");
	for (size_t i = 0; i < v->t->n; i++) {
		const struct conn_row *c = &v->t->r[i];

		if (!filter_match(v->filter, c))
			continue;

		fprintf(f, "%-5u ", c->id);
		term_str(f, c->client, 21);
		fputc(' ', f);
		term_str(f, c->server, 21);
		fputc(' ', f);
		term_str(f, c->sni, 24);
		fputc(' ', f);
		term_str(f, c->alpn, 8);
		fprintf(f, " %-7s ", conn_row_version(c));
		term_str(f, c->suite, 38);
		fputc(' ', f);
		term_str(f, c->group, 16);
		fprintf(f, " %-4s %-6u %9llu %9llu %6llu %10.6f %10.3f %-10s %-36s %-25s %-32s %s", c->resumed ? "yes" : "no",
			c->alerts, (unsigned long long)c->bytes[DIR_C2S], (unsigned long long)c->bytes[DIR_S2C],
			(unsigned long long)c->packets, c->t0 / 1e6, (c->t1 - c->t0) / 1e3, conn_row_decrypted(c),
			c->ja4[0] ? c->ja4 : "-", c->ja4s[0] ? c->ja4s : "-", c->have_ch ? c->ja3 : "-",
			c->have_sh ? c->ja3s : "-");
		if (c->why[0] && c->dec != c->enc) {
			fputs("  (", f);
			term_str(f, c->why, 0);
			fputc(')', f);
		}
		fputc('\n', f);
		shown++;
	}
	if (v->filter)
		fprintf(f, "%zu of %zu connections match the filter\n", shown, v->t->n);
}

static void json_str_or_null(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	if (s && *s)
		jsonw_str(w, s);
	else
		jsonw_null(w);
}

static int json_rows(struct conns_view *v)
{
	struct jsonw w;

	if (jsonw_init(&w, v->out, 0) < 0)
		return -1;
	for (size_t i = 0; i < v->t->n; i++) {
		const struct conn_row *c = &v->t->r[i];

		if (!filter_match(v->filter, c))
			continue;

		jsonw_begin_obj(&w);
		jsonw_key(&w, "type");
		jsonw_str(&w, "connection_summary");
		jsonw_key(&w, "conn");
		jsonw_uint(&w, c->id);
		json_str_or_null(&w, "client", c->client);
		json_str_or_null(&w, "server", c->server);
		json_str_or_null(&w, "sni", c->sni);
		json_str_or_null(&w, "alpn", c->alpn);
		json_str_or_null(&w, "version", c->version ? conn_row_version(c) : NULL);
		json_str_or_null(&w, "suite", c->suite);
		json_str_or_null(&w, "group", c->group);
		jsonw_key(&w, "resumed");
		jsonw_bool(&w, c->resumed);
		jsonw_key(&w, "hrr");
		jsonw_bool(&w, c->hrr);
		jsonw_key(&w, "alerts");
		jsonw_uint(&w, c->alerts);
		jsonw_key(&w, "fatal_alert");
		if (c->fatal_alert >= 0)
			jsonw_int(&w, c->fatal_alert);
		else
			jsonw_null(&w);
		jsonw_key(&w, "bytes_c2s");
		jsonw_uint(&w, c->bytes[DIR_C2S]);
		jsonw_key(&w, "bytes_s2c");
		jsonw_uint(&w, c->bytes[DIR_S2C]);
		jsonw_key(&w, "packets");
		jsonw_uint(&w, c->packets);
		jsonw_key(&w, "start_us");
		jsonw_uint(&w, c->t0);
		jsonw_key(&w, "duration_us");
		jsonw_uint(&w, c->t1 - c->t0);
		jsonw_key(&w, "records_encrypted");
		jsonw_uint(&w, c->enc);
		jsonw_key(&w, "records_decrypted");
		jsonw_uint(&w, c->dec);
		json_str_or_null(&w, "decrypted", conn_row_decrypted(c));
		json_str_or_null(&w, "why_not", c->dec != c->enc ? c->why : NULL);
		json_str_or_null(&w, "ja3", c->have_ch ? c->ja3 : NULL);
		json_str_or_null(&w, "ja3_full", c->ja3_full);
		json_str_or_null(&w, "ja3s", c->have_sh ? c->ja3s : NULL);
		json_str_or_null(&w, "ja3s_full", c->ja3s_full);
		json_str_or_null(&w, "ja4", c->ja4[0] ? c->ja4 : NULL);
		json_str_or_null(&w, "ja4_r", c->ja4_r);
		json_str_or_null(&w, "ja4s", c->ja4s[0] ? c->ja4s : NULL);
		json_str_or_null(&w, "ja4s_r", c->ja4s_r);
		jsonw_end_obj(&w);
		jsonw_newline(&w);
	}
	return jsonw_free(&w);
}

static int conns_close(struct view_base *b)
{
	struct conns_view *v = (struct conns_view *)b;
	int rc = 0;

	if (v->json) {
		if (json_rows(v) < 0)
			rc = -1;
	} else {
		text_rows(v);
	}
	if (rc < 0 || fflush(v->out) != 0 || ferror(v->out) || b->failed)
		rc = err_set(ERR_IO, "writing the connection table failed");
	conn_table_free(v->t);
	free(v);
	return rc;
}

static void conns_emit(struct sink *self, const struct event *ev)
{
	struct conns_view *v = (struct conns_view *)self;

	if (conn_table_add(v->t, ev) < 0)
		v->base.failed = true;
}

struct sink *view_conns_new(FILE *out, bool json, const struct filter *filter)
{
	struct conns_view *v = calloc(1, sizeof *v);

	if (!v || !(v->t = conn_table_new())) {
		free(v);
		return NULL;
	}
	v->base.sink.emit = conns_emit;
	v->base.close = conns_close;
	v->out = out;
	v->json = json;
	v->filter = filter;
	return &v->base.sink;
}
