/* HTML report: one self-contained page of a session (inline CSS and SVG, no
 * script, no fetch), in the manner of the Illustrated TLS Connection but for
 * any session tlsviz shows: a sequence diagram per connection, every stage
 * with the story model's explanation and what an eavesdropper learns, every
 * record's bytes with header, nonce, ciphertext and tag marked, each
 * handshake field with its bytes, the decrypted content, and the key
 * schedule as cards with each value's formula and `tlsviz calc` line.
 *
 * The view keeps copies of the events (bounded: HTML_CONNS connections,
 * HTML_EVENTS events each) and writes the page when closed, to a temporary
 * name renamed into place, created 0600 (an insider report holds keys).
 * Everything that came from a capture is escaped where it is written. The
 * eavesdropper report is this view behind the eavesdropper projection
 * (output/eve.h): it never receives a key or a plaintext. */
#include "output/views.h"

#include "core/err.h"
#include "output/view_int.h"
#include "tls/names.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HTML_CONNS 64          /* connections shown in full */
#define HTML_EVENTS 4000       /* events kept per connection */
#define HTML_RECORD_BYTES 4096 /* bytes of one record shown */
#define HTML_FIELD_BYTES 64    /* bytes shown beside one field */
#define HTML_TEXT 2048         /* characters of one decoded value or preview */

struct hconn {
	uint32_t id;
	struct event *conn;  /* its EV_CONN */
	struct event *facts; /* its newest EV_FACTS */
	struct event **ev;
	size_t n, cap;
	uint64_t packets, wire_bytes, dropped;
};

struct html_view {
	struct view_base base;
	char *path;
	struct html_opts o;
	struct hconn *c;
	size_t nc, cap;
	bool cancelled;       /* view_close writes nothing */
	struct event **notes; /* not bound to a connection */
	size_t nnotes, notes_cap;
	uint64_t conns_dropped;
};

/* ---- writing ---- */

/* Text with &, <, >, " and ' escaped, control characters as U+FFFD: the
 * first len bytes of s (or up to its NUL); with cut, an ellipsis when s goes
 * on (a UTF-8 sequence is finished first). */
static void esc_text(FILE *f, const char *s, size_t len, bool cut)
{
	size_t i = 0;

	if (!s)
		return;
	for (; s[i] && i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t')
				fputs("\xef\xbf\xbd", f);
			else
				fputc(c, f);
		}
	}
	if (cut && s[i]) {
		/* finish a UTF-8 sequence rather than cut it */
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			fputc(s[i++], f);
		fputs("\xe2\x80\xa6", f);
	}
}

/* At most max bytes of s, an ellipsis if there is more. */
static void esc_n(FILE *f, const char *s, size_t max)
{
	esc_text(f, s, max, true);
}

static void esc(FILE *f, const char *s)
{
	esc_n(f, s, HTML_TEXT);
}

/* Bytes as lowercase hex pairs separated by spaces. */
static void hex_bytes(FILE *f, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%02x", i ? " " : "", b[i]);
}

/* Bytes as text: printable ASCII escaped, the rest as '.'. */
static void ascii_bytes(FILE *f, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c[2] = { (char)(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.'), 0 };

		esc(f, c);
	}
}

static const char *ctype(uint8_t t)
{
	const char *n = names_content_type(t);

	return n ? n : "unknown";
}

static const char *side(enum dir d)
{
	return d == DIR_C2S ? "client" : d == DIR_S2C ? "server" : "";
}

/* ---- keeping events ---- */

static struct hconn *conn_get(struct html_view *v, uint32_t id)
{
	for (size_t i = 0; i < v->nc; i++)
		if (v->c[i].id == id)
			return &v->c[i];
	if (v->nc == HTML_CONNS) {
		v->conns_dropped++;
		return NULL;
	}
	if (v->nc == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 8;
		struct hconn *c = realloc(v->c, cap * sizeof *c);

		if (!c)
			return NULL;
		v->c = c;
		v->cap = cap;
	}
	memset(&v->c[v->nc], 0, sizeof v->c[v->nc]);
	v->c[v->nc].id = id;
	return &v->c[v->nc++];
}

static bool push(struct event ***arr, size_t *n, size_t *cap, const struct event *ev)
{
	struct event *d;

	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct event **a = realloc(*arr, nc * sizeof *a);

		if (!a)
			return false;
		*arr = a;
		*cap = nc;
	}
	d = event_dup(ev);
	if (!d)
		return false;
	(*arr)[(*n)++] = d;
	return true;
}

static void html_emit(struct sink *self, const struct event *ev)
{
	struct html_view *v = (struct html_view *)self;
	struct hconn *c;

	if (v->base.failed)
		return;
	if (!ev->conn) {
		if ((ev->type == EV_NOTE || ev->type == EV_ERROR) && v->nnotes < HTML_EVENTS &&
		    !push(&v->notes, &v->nnotes, &v->notes_cap, ev))
			v->base.failed = true;
		return;
	}
	c = conn_get(v, ev->conn);
	if (!c)
		return;
	switch (ev->type) {
	case EV_PACKET:
		/* counted, not kept: the report shows records */
		c->packets++;
		c->wire_bytes += ev->u.packet.payload_len;
		return;
	case EV_CONN:
		if (!c->conn)
			c->conn = event_dup(ev);
		return;
	case EV_FACTS:
		event_free(c->facts);
		c->facts = event_dup(ev);
		return;
	case EV_END:
		return;
	default:
		break;
	}
	if (c->n >= HTML_EVENTS) {
		c->dropped++;
		return;
	}
	if (!push(&c->ev, &c->n, &c->cap, ev))
		v->base.failed = true;
}

/* ---- the page ---- */

static const char CSS[] =
	":root{--c:#0b5394;--s:#7f3f00;--hdr:#ddd;--ct:#f4cccc;--tag:#fce5cd;--non:#d9d2e9;--pl:#d9ead3}"
	"body{font:16px/1.45 system-ui,sans-serif;max-width:72rem;margin:auto;padding:0 1rem;color:#111}"
	"h1{font-size:1.8rem}h2{border-bottom:2px solid #444;margin-top:2.5rem}"
	"h3{margin:1.8rem 0 .4rem}h4{margin:1rem 0 .3rem;font-size:1rem}"
	".meta,.facts{color:#333}.c2s{color:var(--c)}.s2c{color:var(--s)}"
	".explain p{margin:.35rem 0}.eve{border-left:4px solid #999;padding:.1rem .8rem;background:#f6f6f6}"
	".record{border:1px solid #bbb;border-radius:4px;padding:.4rem .8rem;margin:.8rem 0;break-inside:avoid}"
	"pre{font:13px/1.35 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;margin:.3rem 0}"
	".r-hdr{background:var(--hdr)}.r-ct{background:var(--ct)}.r-tag{background:var(--tag)}"
	".r-non{background:var(--non)}.r-pl{background:var(--pl)}"
	".legend span{padding:0 .4rem;margin-right:.4rem;font-size:.85rem}"
	"table.fields{border-collapse:collapse;font-size:.9rem;width:100%}"
	"table.fields td{border-top:1px solid #e4e4e4;padding:.1rem .4rem;vertical-align:top}"
	"table.fields td.b{font:12px ui-monospace,monospace;color:#555;word-break:break-all}"
	".note{color:#7a4f00}.error{color:#a00000;font-weight:bold}"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));gap:.8rem}"
	".card{border:1px solid #bbb;border-radius:4px;padding:.5rem .8rem;break-inside:avoid}"
	".card h4{margin:.1rem 0}.card code{font:12px ui-monospace,monospace;word-break:break-all;display:block}"
	".card .calc{background:#f1f1f1;padding:.2rem .3rem;margin:.3rem 0}"
	"svg text{font:13px system-ui,sans-serif}svg .enc line{stroke-dasharray:6 3}"
	"svg .c2s line{stroke:var(--c)}svg .s2c line{stroke:var(--s)}"
	"nav ul{columns:2}"
	"@media print{nav{display:none}body{max-width:none;font-size:11pt}h2{break-before:page}"
	".record,.card,figure{break-inside:avoid}a{color:inherit;text-decoration:none}}";

/* The final event of stage number k in c (else its begin), or NULL. */
static const struct event *stage_event(const struct hconn *c, uint32_t k)
{
	const struct event *begin = NULL;

	for (size_t i = 0; i < c->n; i++) {
		const struct event *e = c->ev[i];

		if (e->type != EV_STAGE || e->u.stage.number != k)
			continue;
		if (e->u.stage.final)
			return e;
		if (!begin)
			begin = e;
	}
	return begin;
}

/* How the records of the stage beginning at event i travel: 0 none, 1 all
 * plaintext, 2 all encrypted, 3 both. */
static int stage_protection(const struct hconn *c, size_t i)
{
	int p = 0;

	for (size_t j = i + 1; j < c->n; j++) {
		const struct event *e = c->ev[j];

		if (e->type == EV_STAGE && !e->u.stage.final)
			break;
		if (e->type == EV_RECORD)
			p |= e->u.record.encrypted ? 2 : 1;
	}
	return p;
}

/* The sequence diagram: a lifeline each side, one arrow per stage. */
static void svg_ladder(FILE *f, const struct hconn *c)
{
	size_t n = 0;
	int y, W = 760, xl = 90, xr = 670;

	for (size_t i = 0; i < c->n; i++)
		n += c->ev[i]->type == EV_STAGE && !c->ev[i]->u.stage.final;
	if (!n)
		return;
	y = 40 + (int)n * 40 + 10;
	fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
		   "role=\"img\" aria-label=\"sequence diagram of connection %u\">\n", W, y, c->id);
	fprintf(f, "<defs><marker id=\"ah%u\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
		   "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\"/></marker></defs>\n",
		c->id);
	fprintf(f, "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">Client</text>"
		   "<text x=\"%d\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">Server</text>\n", xl, xr);
	fprintf(f, "<line x1=\"%d\" y1=\"28\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
		   "<line x1=\"%d\" y1=\"28\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", xl, xl, y, xr, xr, y);
	y = 40;
	for (size_t i = 0; i < c->n; i++) {
		const struct event *b = c->ev[i], *e;
		int prot;
		bool s2c;

		if (b->type != EV_STAGE || b->u.stage.final)
			continue;
		e = stage_event(c, b->u.stage.number);
		prot = stage_protection(c, i);
		s2c = b->dir == DIR_S2C;
		y += 40;
		fprintf(f, "<g class=\"%s%s\">", s2c ? "s2c" : "c2s", prot == 2 ? " enc" : "");
		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"2\" marker-end=\"url(#ah%u)\"/>",
			s2c ? xr : xl, y, s2c ? xl + 4 : xr - 4, y, c->id);
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%u ", (xl + xr) / 2, y - 6, b->u.stage.number);
		esc_n(f, e && e->u.stage.title ? e->u.stage.title : "", 56);
		fprintf(f, "%s</text></g>\n",
			prot == 2 ? " (encrypted)" : prot == 3 ? " (partly encrypted)" : "");
	}
	fputs("</svg><figcaption>Each arrow is one flight; dashed: its records are encrypted.</figcaption></figure>\n"
	      "<ol class=\"stages\">\n",
	      f);
	/* the same stages as links (the diagram is a picture) */
	for (size_t i = 0; i < c->n; i++) {
		const struct event *b = c->ev[i], *e;

		if (b->type != EV_STAGE || b->u.stage.final)
			continue;
		e = stage_event(c, b->u.stage.number);
		fprintf(f, "<li value=\"%u\"><a href=\"#c%us%u\">", b->u.stage.number, c->id, b->u.stage.number);
		esc(f, e->u.stage.title ? e->u.stage.title : "");
		fprintf(f, "</a> <small>(%s)</small></li>\n", side(b->dir));
	}
	fputs("</ol>\n", f);
}

/* The role of byte i of a record: header, nonce, tag, ciphertext or clear. */
static const char *byte_role(const struct ev_record *r, size_t i, const char **what)
{
	if (i < 5) {
		*what = "record header: content type, legacy version, length";
		return "r-hdr";
	}
	if (!r->encrypted) {
		*what = "plaintext fragment: an eavesdropper reads it";
		return "r-pl";
	}
	if (r->nonce_len && i >= r->nonce_off && i < (size_t)r->nonce_off + r->nonce_len) {
		*what = "explicit nonce / IV (sent in the clear)";
		return "r-non";
	}
	if (r->tag_len && i >= r->tag_off && i < (size_t)r->tag_off + r->tag_len) {
		*what = "authentication tag / MAC";
		return "r-tag";
	}
	*what = "ciphertext";
	return "r-ct";
}

/* A record's bytes, 16 a line, each run of one role in a span. */
static void record_hex(FILE *f, const struct ev_record *r)
{
	size_t n = r->len < HTML_RECORD_BYTES ? r->len : HTML_RECORD_BYTES;
	const char *open = NULL;

	fputs("<pre class=\"hex\">", f);
	for (size_t i = 0; i < n; i++) {
		const char *what, *role = byte_role(r, i, &what);

		if (i % 16 == 0) {
			if (open)
				fputs("</span>", f);
			open = NULL;
			fprintf(f, "%s%04zx  ", i ? "\n" : "", i);
		} else if (role == open) {
			fputc(' ', f);
		} else {
			if (open)
				fputs("</span>", f);
			fputc(' ', f);
			open = NULL;
		}
		if (!open) {
			fprintf(f, "<span class=\"%s\" title=\"%s\">", role, what);
			open = role;
		}
		fprintf(f, "%02x", r->bytes[i]);
	}
	if (open)
		fputs("</span>", f);
	if (n < r->len)
		fprintf(f, "\n… %zu more bytes", r->len - n);
	fputs("</pre>\n", f);
}

static void record_html(FILE *f, const struct event *ev)
{
	const struct ev_record *r = &ev->u.record;

	fprintf(f, "<article class=\"record %s\"><h4>Record #%llu, %s &rarr; %s: %s, %u bytes",
		dir_name(ev->dir) ? dir_name(ev->dir) : "", (unsigned long long)r->index, side(ev->dir),
		ev->dir == DIR_C2S ? "server" : "client", ctype(r->content_type), r->length);
	if (!r->encrypted)
		fputs(" <small>(plaintext: an eavesdropper reads it)</small>", f);
	else if (r->decrypted)
		fprintf(f, " <small>(encrypted; decrypted: %s, %zu bytes)</small>", ctype(r->inner_type), r->plain_len);
	else if (r->auth_failed)
		fputs(" <small class=\"error\">(encrypted; authentication FAILED: tampered or wrong key)</small>", f);
	else {
		fputs(" <small>(encrypted: ciphertext only", f);
		if (r->why_not) {
			fputs("; ", f);
			esc(f, r->why_not);
		}
		fputs(")</small>", f);
	}
	fputs("</h4>\n", f);
	record_hex(f, r);
	if (r->decrypted && r->plain && r->plain_len && r->encrypted) {
		size_t n = r->plain_len < HTML_RECORD_BYTES ? r->plain_len : HTML_RECORD_BYTES;

		fprintf(f, "<p>Decrypted fragment (%s, %zu bytes; padding and the inner type removed):</p>"
			   "<pre class=\"r-pl\">",
			ctype(r->inner_type), r->plain_len);
		for (size_t i = 0; i < n; i += 16) {
			size_t k = n - i < 16 ? n - i : 16;

			fprintf(f, "%s%04zx  ", i ? "\n" : "", i);
			hex_bytes(f, r->plain + i, k);
			fprintf(f, "%*s  ", (int)(3 * (16 - k)), "");
			ascii_bytes(f, r->plain + i, k);
		}
		fputs("</pre>\n", f);
	}
	fputs("</article>\n", f);
}

/* A handshake message's fields, each leaf with its bytes. */
static void handshake_html(FILE *f, const struct event *ev)
{
	const struct ev_handshake *h = &ev->u.hs;

	fputs("<h4>", f);
	esc(f, h->msg ? h->msg : "unknown handshake message");
	fprintf(f, " <small>(%zu bytes, %s)</small></h4>\n", h->len,
		h->encrypted ? "inside encrypted records: hidden from an eavesdropper" : "plaintext on the wire");
	if (!h->nfields)
		return;
	fputs("<table class=\"fields\">\n", f);
	for (size_t i = 0; i < h->nfields; i++) {
		const struct field *fl = &h->fields[i];
		bool leaf = i + 1 == h->nfields || h->fields[i + 1].depth <= fl->depth;

		fprintf(f, "<tr><td style=\"padding-left:%.1fem\">", 0.4 + 1.2 * fl->depth);
		esc(f, fl->name ? fl->name : "?");
		fputs("</td><td>", f);
		esc(f, fl->value);
		fputs("</td><td class=\"b\">", f);
		if (leaf && h->bytes && fl->len && (size_t)fl->off + fl->len <= h->len) {
			size_t n = fl->len < HTML_FIELD_BYTES ? fl->len : HTML_FIELD_BYTES;

			hex_bytes(f, h->bytes + fl->off, n);
			if (n < fl->len)
				fprintf(f, " … (%u bytes)", fl->len);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Paragraphs separated by '\n'. */
static void paragraphs(FILE *f, const char *t)
{
	while (t && *t) {
		size_t n = strcspn(t, "\n");

		if (n) {
			fputs("<p>", f);
			esc_text(f, t, n, false);
			fputs("</p>\n", f);
		}
		t += n;
		t += *t == '\n';
	}
}

static void stage_open(FILE *f, const struct hconn *c, const struct event *b)
{
	const struct event *e = stage_event(c, b->u.stage.number);
	const struct ev_stage *st = &e->u.stage;

	fprintf(f, "<section class=\"stage\" id=\"c%us%u\"><h3 class=\"%s\">Stage %u of %u: ", c->id, st->number,
		dir_name(e->dir) ? dir_name(e->dir) : "", st->number, st->of);
	esc(f, st->title ? st->title : "");
	fprintf(f, " <small>(%s &rarr; %s)</small></h3>\n", side(e->dir), e->dir == DIR_C2S ? "server" : "client");
	if (c->conn && e->ts_us >= c->conn->ts_us) {
		char t[40], d[32];

		fprintf(f, "<p class=\"when\">Starts %s s after the connection's first packet",
			event_time_text(t, sizeof t, TIME_REL, e->ts_us, c->conn->ts_us));
		if (st->round_trip && e->dir == DIR_S2C && st->rtt_us)
			fprintf(f, "; round trip %u: the server answered %s after the client sent", st->round_trip,
				event_duration_text(d, sizeof d, st->rtt_us));
		else if (st->round_trip)
			fprintf(f, "; round trip %u", st->round_trip);
		fputs(".</p>\n", f);
	}
	if (st->explain && *st->explain) {
		fputs("<div class=\"explain\">", f);
		paragraphs(f, st->explain);
		fputs("</div>\n", f);
	}
	if (st->eavesdropper && *st->eavesdropper) {
		fputs("<div class=\"eve\"><p><b>What an eavesdropper learns:</b> ", f);
		esc(f, st->eavesdropper);
		fputs("</p></div>\n", f);
	}
}

static void key_card(FILE *f, const struct event *e)
{
	const struct ev_key *k = &e->u.key;

	fputs("<div class=\"card\"><h4>", f);
	esc(f, k->name);
	fprintf(f, "</h4><p class=\"meta\">%s, %zu bytes", owner_name(k->owner) ? owner_name(k->owner) : "?", k->len);
	if (k->stage_no)
		fprintf(f, ", from stage %u", k->stage_no);
	fputs("</p>\n", f);
	if (k->derivation) {
		fputs("<p>= ", f);
		esc(f, k->derivation);
		fputs("</p>\n", f);
	}
	if (k->calc) {
		fputs("<code class=\"calc\">$ ", f);
		esc_n(f, k->calc, 4096);
		fputs("</code>\n", f);
	}
	fputs("<code class=\"value\">", f); /* unspaced: it pastes into tlsviz calc */
	for (size_t i = 0; k->value && i < k->len; i++)
		fprintf(f, "%02x", k->value[i]);
	fputs("</code></div>\n", f);
}

static void facts_html(FILE *f, const struct hconn *c)
{
	const struct ev_facts *x;

	if (!c->facts)
		return;
	x = &c->facts->u.facts;
	fprintf(f, "<p class=\"facts\">%s", x->version == 0x0304 ? "TLS 1.3" : x->version == 0x0303 ? "TLS 1.2" : "TLS");
	if (x->suite_name) {
		fputs(", ", f);
		esc(f, x->suite_name);
	}
	if (kx_name(x->kx))
		fprintf(f, ", key exchange %s", kx_name(x->kx));
	if (x->group_name) {
		fputs(" (", f);
		esc(f, x->group_name);
		fputs(")", f);
	}
	if (x->sni) {
		fputs(", server name ", f);
		esc(f, x->sni);
	}
	fprintf(f, "%s%s%s; %llu TCP packets, %llu payload bytes.</p>\n", x->hrr ? ", HelloRetryRequest" : "",
		x->resumed ? ", resumed" : "", x->client_auth ? ", client certificate" : "",
		(unsigned long long)c->packets, (unsigned long long)c->wire_bytes);
}

static void conn_html(FILE *f, const struct html_view *v, const struct hconn *c)
{
	bool in_stage = false, keys = false;

	fprintf(f, "<section class=\"conn\" id=\"c%u\"><h2>Connection %u", c->id, c->id);
	if (c->conn) {
		fputs(": ", f);
		esc(f, c->conn->u.conn.client);
		fputs(" &rarr; ", f);
		esc(f, c->conn->u.conn.server);
	}
	fputs("</h2>\n", f);
	if (c->conn && c->conn->u.conn.label) {
		fputs("<p>", f);
		esc(f, c->conn->u.conn.label);
		fputs("</p>\n", f);
	}
	facts_html(f, c);
	svg_ladder(f, c);
	fputs("<p class=\"legend\"><span class=\"r-hdr\">record header</span><span class=\"r-pl\">plaintext</span>"
	      "<span class=\"r-non\">nonce / IV</span><span class=\"r-ct\">ciphertext</span>"
	      "<span class=\"r-tag\">tag / MAC</span></p>\n",
	      f);
	for (size_t i = 0; i < c->n; i++) {
		const struct event *e = c->ev[i];

		switch (e->type) {
		case EV_STAGE:
			if (e->u.stage.final)
				break;
			if (in_stage)
				fputs("</section>\n", f);
			stage_open(f, c, e);
			in_stage = true;
			break;
		case EV_RECORD:
			record_html(f, e);
			break;
		case EV_HANDSHAKE:
			handshake_html(f, e);
			break;
		case EV_CCS:
			fprintf(f, "<p>%s sends change_cipher_spec%s.</p>\n", side(e->dir),
				c->facts && c->facts->u.facts.version == 0x0304 ? " (TLS 1.3: for middleboxes only)" : "");
			break;
		case EV_ALERT:
			fprintf(f, "<p class=\"%s\">Alert from the %s: ", e->u.alert.level == 2 ? "error" : "note",
				side(e->dir));
			esc(f, e->u.alert.level_name);
			fputs(" ", f);
			esc(f, e->u.alert.desc_name);
			fprintf(f, " (%u/%u)%s</p>\n", e->u.alert.level, e->u.alert.desc,
				e->u.alert.encrypted ? ", encrypted on the wire" : "");
			break;
		case EV_APP_DATA: {
			size_t n = e->u.app.len < HTML_TEXT ? e->u.app.len : HTML_TEXT;

			fprintf(f, "<p>Application data from the %s, %zu bytes (decrypted):</p><pre class=\"r-pl\">",
				side(e->dir), e->u.app.len);
			for (size_t k = 0; k < n; k++) {
				uint8_t ch = e->u.app.data[k];
				char s[8];

				if (ch == '\n' || ch == '\t' || (ch >= 0x20 && ch < 0x7f))
					snprintf(s, sizeof s, "%c", ch);
				else if (ch == '\r')
					snprintf(s, sizeof s, "\\r");
				else
					snprintf(s, sizeof s, "\\x%02x", ch);
				esc(f, s);
			}
			if (n < e->u.app.len)
				fprintf(f, "\n… %zu more bytes", e->u.app.len - n);
			fputs("</pre>\n", f);
			break;
		}
		case EV_KEY:
			keys = true;
			fputs("<p class=\"meta\">Key: <a href=\"#", f);
			fprintf(f, "c%uk%zu\">", c->id, i);
			esc(f, e->u.key.name);
			fputs("</a></p>\n", f);
			break;
		case EV_NOTE:
			fprintf(f, "<p class=\"note\">%s: ", e->u.note.level && !strcmp(e->u.note.level, "warning") ? "Warning" : "Note");
			esc(f, e->u.note.text);
			fputs("</p>\n", f);
			break;
		case EV_ERROR:
			fputs("<p class=\"error\">Error: ", f);
			esc(f, e->u.error.text);
			fputs("</p>\n", f);
			break;
		case EV_GAP:
			fprintf(f, "<p class=\"error\">%llu bytes missing from the capture (%s stream, offset %llu).</p>\n",
				(unsigned long long)e->u.gap.missing, dir_name(e->dir) ? dir_name(e->dir) : "",
				(unsigned long long)e->u.gap.stream_off);
			break;
		default:
			break;
		}
	}
	if (in_stage)
		fputs("</section>\n", f);
	if (c->dropped)
		fprintf(f, "<p class=\"note\">%llu more events of this connection are not in this report (it shows "
			   "the first %d).</p>\n",
			(unsigned long long)c->dropped, HTML_EVENTS);
	if (keys) {
		fputs("<h3>Key schedule</h3>\n<p>Every value with how it is derived and, where the inputs are on "
		      "this page, the <code>tlsviz calc</code> command that recomputes it.</p>\n<div class=\"cards\">\n",
		      f);
		for (size_t i = 0; i < c->n; i++)
			if (c->ev[i]->type == EV_KEY) {
				fprintf(f, "<div id=\"c%uk%zu\">", c->id, i);
				key_card(f, c->ev[i]);
				fputs("</div>\n", f);
			}
		fputs("</div>\n", f);
	} else if (!v->o.eavesdropper) {
		fputs("<p class=\"meta\">No key of this connection is known (no key log or server key for it).</p>\n", f);
	}
	fputs("</section>\n", f);
}

static void page(FILE *f, const struct html_view *v)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	      "<title>tlsviz report: ",
	      f);
	esc(f, v->o.title ? v->o.title : "session");
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>TLS session report</h1>\n", CSS);
	fputs("<p class=\"meta\">", f);
	esc(f, v->o.title ? v->o.title : "");
	fprintf(f, " &mdash; made by tlsviz %s. %s</p>\n</header>\n", TLSVIZ_VERSION,
		v->o.eavesdropper ? "<b>Eavesdropper view</b>: only what the wire shows; no key, no plaintext."
				  : "<b>Insider view</b>: the keys and the decrypted content are shown next to what "
				    "the wire carries. This page holds secret keys.");
	for (size_t i = 0; i < v->nnotes; i++) {
		const struct event *e = v->notes[i];

		fprintf(f, "<p class=\"%s\">", e->type == EV_ERROR ? "error" : "note");
		esc(f, e->type == EV_ERROR ? e->u.error.text : e->u.note.text);
		fputs("</p>\n", f);
	}
	if (v->nc > 1) {
		fputs("<nav><h2>Connections</h2><ul>\n", f);
		for (size_t i = 0; i < v->nc; i++) {
			fprintf(f, "<li><a href=\"#c%u\">Connection %u", v->c[i].id, v->c[i].id);
			if (v->c[i].conn) {
				fputs(": ", f);
				esc(f, v->c[i].conn->u.conn.client);
				fputs(" &rarr; ", f);
				esc(f, v->c[i].conn->u.conn.server);
			}
			if (v->c[i].facts && v->c[i].facts->u.facts.sni) {
				fputs(" (", f);
				esc(f, v->c[i].facts->u.facts.sni);
				fputs(")", f);
			}
			fputs("</a></li>\n", f);
		}
		fputs("</ul></nav>\n", f);
	}
	if (!v->nc)
		fputs("<p>No TLS connection was seen.</p>\n", f);
	for (size_t i = 0; i < v->nc; i++)
		conn_html(f, v, &v->c[i]);
	if (v->conns_dropped)
		fprintf(f, "<p class=\"note\">%llu more connections are not in this report (it shows the first %d).</p>\n",
			(unsigned long long)v->conns_dropped, HTML_CONNS);
	fputs("</body>\n</html>\n", f);
}

static void free_all(struct html_view *v)
{
	for (size_t i = 0; i < v->nc; i++) {
		for (size_t k = 0; k < v->c[i].n; k++)
			event_free(v->c[i].ev[k]);
		free(v->c[i].ev);
		event_free(v->c[i].conn);
		event_free(v->c[i].facts);
	}
	for (size_t i = 0; i < v->nnotes; i++)
		event_free(v->notes[i]);
	free(v->notes);
	free(v->c);
	free(v->path);
	free(v);
}

static int html_close(struct view_base *b)
{
	struct html_view *v = (struct html_view *)b;
	size_t plen = strlen(v->path);
	char *tmp = malloc(plen + 8);
	int fd = -1, rc = 0;
	FILE *f = NULL;

	if (v->cancelled)
		goto out;
	if (!tmp || b->failed) {
		rc = err_set(ERR_NOMEM, "report: out of memory collecting the session");
		goto out;
	}
	snprintf(tmp, plen + 8, "%s.XXXXXX", v->path);
	fd = mkstemp(tmp); /* 0600: an insider report holds keys */
	if (fd < 0) {
		rc = err_set(ERR_IO, "report %s: %s", v->path, strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		rc = err_set(ERR_IO, "report %s: %s", v->path, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	page(f, v);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		rc = err_set(ERR_IO, "report %s: %s", v->path, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	fclose(f);
	if (rename(tmp, v->path) < 0) {
		rc = err_set(ERR_IO, "report %s: %s", v->path, strerror(errno));
		unlink(tmp);
	}
out:
	free(tmp);
	free_all(v);
	return rc;
}

void view_html_cancel(struct sink *s)
{
	((struct html_view *)s)->cancelled = true;
}

struct sink *view_html_new(const char *path, const struct html_opts *o)
{
	struct html_view *v = calloc(1, sizeof *v);

	if (!v || !(v->path = strdup(path))) {
		free(v);
		err_set(ERR_NOMEM, "out of memory");
		return NULL;
	}
	v->base.sink.emit = html_emit;
	v->base.close = html_close;
	if (o)
		v->o = *o;
	return &v->base.sink;
}
