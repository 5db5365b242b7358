/* Text view: one readable block per stage — who sends what, which secrets
 * now exist, what happens and what an eavesdropper on the wire sees (the
 * story model's words). */
#include "output/views.h"

#include "core/err.h"
#include "core/hex.h"
#include "output/view_int.h"
#include "tls/names.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_WIDTH 100 /* paragraphs are wrapped to this */

struct text_view {
	struct view_base base;
	FILE *out;
	struct view_opts o;
	uint64_t t_base, t_prev; /* the first packet's time; the last item printed with a time */
	bool t_have;
};

/* " at 0.000210 (+0.000105)": when the item was captured (--time), "" without. */
static const char *text_when(struct text_view *v, uint64_t ts, char *out, size_t cap)
{
	char a[40], d[40];

	out[0] = '\0';
	if (v->o.time == TIME_NONE || !v->t_have)
		return out;
	event_time_text(a, sizeof a, v->o.time == TIME_ABS ? TIME_ABS : TIME_REL, ts, v->t_base);
	event_time_text(d, sizeof d, TIME_DELTA, ts, v->t_prev);
	snprintf(out, cap, " at %s (%s)", a, d);
	v->t_prev = ts;
	return out;
}

static const char *const content_names[] = {
	[20] = "change_cipher_spec", [21] = "alert", [22] = "handshake",
	[23] = "application_data", [24] = "heartbeat",
};

/* Name of a record content type. */
static const char *text_ctype(uint8_t t)
{
	if (t < sizeof content_names / sizeof content_names[0] && content_names[t])
		return content_names[t];
	return "unknown";
}

/* "client → server" style arrow for a direction. */
static const char *text_arrow(enum dir d)
{
	return d == DIR_C2S ? "client -> server" : d == DIR_S2C ? "server -> client" : "";
}

/* Print at most max bytes of application data as escaped text. */
static void text_preview(FILE *out, const uint8_t *b, size_t n, size_t max)
{
	size_t shown = n < max ? n : max;

	fputs("      | ", out);
	for (size_t i = 0; i < shown; i++) {
		uint8_t c = b[i];

		if (c == '\n') {
			fputs("\\n", out);
			if (i + 1 < shown)
				fputs("\n      | ", out);
		} else if (c == '\r') {
			fputs("\\r", out);
		} else if (c >= 0x20 && c < 0x7f) {
			fputc(c, out);
		} else {
			fprintf(out, "\\x%02x", c);
		}
	}
	if (shown < n)
		fprintf(out, " ... (%zu more bytes)", n - shown);
	fputc('\n', out);
}

/* Hex dump, 16 bytes a line. */
static void text_hexdump(FILE *out, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i += 16) {
		fprintf(out, "      %04zx ", i);
		for (size_t j = i; j < i + 16 && j < n; j++)
			fprintf(out, " %02x", b[j]);
		fputc('\n', out);
	}
}

static void text_record(struct text_view *v, const struct event *ev)
{
	const struct ev_record *r = &ev->u.record;
	FILE *out = v->out;
	char when[96];

	fprintf(out, "  record  %s %s, %u bytes", dir_name(ev->dir) ? dir_name(ev->dir) : "",
		text_ctype(r->content_type), r->length);
	if (!r->encrypted)
		fputs(" (plaintext: an eavesdropper reads it)", out);
	else if (r->decrypted)
		fprintf(out, " (encrypted on the wire; decrypted: %s, %zu bytes)",
			text_ctype(r->inner_type), r->plain_len);
	else if (r->auth_failed)
		fputs(" (encrypted; AUTHENTICATION FAILED: tampered or wrong key)", out);
	else
		fprintf(out, " (encrypted: ciphertext only%s%s)",
			r->why_not ? "; " : "", r->why_not ? r->why_not : "");
	fprintf(out, "%s\n", text_when(v, ev->ts_us, when, sizeof when));
	if (v->o.hex)
		text_hexdump(out, r->bytes, r->len);
}

static void text_handshake(struct text_view *v, const struct event *ev)
{
	const struct ev_handshake *h = &ev->u.hs;
	FILE *out = v->out;

	fprintf(out, "  message %s %s (%zu bytes)%s\n", dir_name(ev->dir) ? dir_name(ev->dir) : "",
		h->msg ? h->msg : "unknown", h->len,
		h->encrypted ? " [encrypted on the wire: hidden from an eavesdropper]"
			     : " [plaintext on the wire]");
	for (size_t i = 0; i < h->nfields; i++) {
		const struct field *f = &h->fields[i];
		const char *val = f->value ? f->value : "";
		size_t n = strlen(val);

		fprintf(out, "      %*s%s", 2 * f->depth, "", f->name ? f->name : "?");
		if (n > 120)
			fprintf(out, ": %.120s ... (%zu characters)\n", val, n);
		else if (n)
			fprintf(out, ": %s\n", val);
		else
			fputc('\n', out);
	}
}

static void text_key(struct text_view *v, const struct event *ev)
{
	const struct ev_key *k = &ev->u.key;
	char *h = hex_dup(k->value ? k->value : (const uint8_t *)"", k->value ? k->len : 0);

	fprintf(v->out, "  key     %s [%s, %zu bytes", k->name ? k->name : "?",
		owner_name(k->owner) ? owner_name(k->owner) : "?", k->len);
	if (k->stage_no)
		fprintf(v->out, ", exists from stage %u", k->stage_no);
	fputs("]\n", v->out);
	fprintf(v->out, "      = %s\n", h ? h : "(out of memory)");
	if (k->derivation)
		/* "from the key log (...)" already says from */
		fprintf(v->out, "      %s%s\n", strncmp(k->derivation, "from ", 5) ? "from " : "", k->derivation);
	if (k->calc)
		fprintf(v->out, "      check: %s\n", k->calc);
	free(h);
}

/* Print text word-wrapped at TEXT_WIDTH, each line indented. */
static void text_wrap(FILE *out, const char *indent, const char *t, size_t len)
{
	size_t width = TEXT_WIDTH - strlen(indent);

	while (len > 0) {
		size_t n = len <= width ? len : width;

		if (n < len) { /* break at the last space that fits */
			size_t sp = n;

			while (sp > 0 && t[sp] != ' ')
				sp--;
			if (sp > 0)
				n = sp;
		}
		fprintf(out, "%s%.*s\n", indent, (int)n, t);
		t += n;
		len -= n;
		while (len > 0 && *t == ' ') {
			t++;
			len--;
		}
	}
}

/* A stage: a header when it begins, its story when it is complete. */
static void text_stage(struct text_view *v, const struct event *ev)
{
	const struct ev_stage *st = &ev->u.stage;
	FILE *out = v->out;

	if (!st->final) {
		fprintf(out, "\n== Connection %u, stage %u of %u: %s%s%s ==\n", ev->conn, st->number, st->of,
			st->title ? st->title : text_arrow(ev->dir), st->title && ev->dir ? " - " : "",
			st->title ? text_arrow(ev->dir) : "");
		return;
	}
	fprintf(out, "  -- stage %u of %u: %s\n", st->number, st->of, st->title ? st->title : "");
	for (const char *p = st->explain ? st->explain : ""; *p;) {
		size_t n = strcspn(p, "\n");

		text_wrap(out, "     ", p, n);
		p += n;
		if (*p == '\n')
			p++;
	}
	if (st->eavesdropper && *st->eavesdropper)
		text_wrap(out, "     ", st->eavesdropper, strlen(st->eavesdropper));
	if (v->o.time != TIME_NONE && v->t_have) {
		char a[40], rtt[32];

		event_time_text(a, sizeof a, v->o.time == TIME_ABS ? TIME_ABS : TIME_REL, ev->ts_us, v->t_base);
		fprintf(out, "  time    starts at %s%s", a, v->o.time == TIME_ABS ? " UTC" : " s");
		if (st->round_trip && st->dir == DIR_S2C && st->rtt_us)
			fprintf(out, "; round trip %u: the server answered %s after the client sent\n", st->round_trip,
				event_duration_text(rtt, sizeof rtt, st->rtt_us));
		else if (st->round_trip)
			fprintf(out, "; round trip %u (the %s sends)\n", st->round_trip,
				st->dir == DIR_C2S ? "client" : "server");
		else
			fputc('\n', out);
	}
}

/* The connection's facts, one line. */
static void text_facts(struct text_view *v, const struct event *ev)
{
	const struct ev_facts *f = &ev->u.facts;

	fprintf(v->out, "  facts   %s%s%s key exchange %s%s%s%s%s%s\n",
		f->version == 0x0304 ? "TLS 1.3" : f->version == 0x0303 ? "TLS 1.2" : "version not known yet",
		f->suite_name ? " " : "", f->suite_name ? f->suite_name : "",
		kx_name(f->kx) ? kx_name(f->kx) : "not known yet", f->group_name ? " " : "",
		f->group_name ? f->group_name : "", f->hrr ? ", HelloRetryRequest" : "", f->resumed ? ", resumed" : "",
		f->client_auth ? ", client certificate requested" : "");
	if (f->ech || f->ech_retry || f->ech_required)
		fprintf(v->out, "  facts   ECH: %s%s%s%s\n", f->ech ? "outer ClientHello, public name " : "no ECH offered",
			f->ech ? (f->sni ? f->sni : "(none)") : "", f->ech_retry ? ", server sent retry_configs" : "",
			f->ech_required ? ", ech_required alert" : "");
	if (f->cert_comp) {
		const char *alg = names_cert_compression(f->cert_comp);

		fprintf(v->out, "  facts   certificate compressed with %s: %u bytes on the wire, %u uncompressed\n",
			alg ? alg : "an unknown algorithm", f->cert_comp_len, f->cert_plain_len);
	}
}

/* Print one event. */
static void text_emit(struct sink *self, const struct event *ev)
{
	struct text_view *v = (struct text_view *)self;
	FILE *out = v->out;

	if (!v->t_have && (ev->type == EV_CONN || ev->type == EV_PACKET)) {
		v->t_base = v->t_prev = ev->ts_us;
		v->t_have = true;
	}
	switch (ev->type) {
	case EV_STAGE:
		text_stage(v, ev);
		break;
	case EV_CONN:
		fprintf(out, "connection %u: client %s, server %s%s%s\n", ev->conn, ev->u.conn.client,
			ev->u.conn.server, ev->u.conn.label ? ": " : "", ev->u.conn.label ? ev->u.conn.label : "");
		break;
	case EV_PACKET:
		if (v->o.packets) {
			char when[96];

			fprintf(out, "  packet  #%llu %s flags 0x%02x seq %u ack %u, %zu payload bytes%s\n",
				(unsigned long long)ev->u.packet.frame,
				dir_name(ev->dir) ? dir_name(ev->dir) : "", ev->u.packet.tcp_flags,
				ev->u.packet.seq, ev->u.packet.ack, ev->u.packet.payload_len,
				text_when(v, ev->ts_us, when, sizeof when));
		}
		break;
	case EV_GAP:
		fprintf(out, "  gap     %s: %llu bytes missing at stream offset %llu\n",
			dir_name(ev->dir) ? dir_name(ev->dir) : "",
			(unsigned long long)ev->u.gap.missing,
			(unsigned long long)ev->u.gap.stream_off);
		break;
	case EV_RECORD:
		text_record(v, ev);
		break;
	case EV_HANDSHAKE:
		text_handshake(v, ev);
		break;
	case EV_CCS:
		fprintf(out, "  ccs     %s change_cipher_spec\n", dir_name(ev->dir) ? dir_name(ev->dir) : "");
		break;
	case EV_ALERT:
		fprintf(out, "  alert   %s %s %s (%u/%u)%s\n", dir_name(ev->dir) ? dir_name(ev->dir) : "",
			ev->u.alert.level_name ? ev->u.alert.level_name : "?",
			ev->u.alert.desc_name ? ev->u.alert.desc_name : "?", ev->u.alert.level,
			ev->u.alert.desc, ev->u.alert.encrypted ? " [encrypted on the wire]" : "");
		break;
	case EV_APP_DATA:
		fprintf(out, "  data    %s %zu bytes of application data (decrypted)\n",
			dir_name(ev->dir) ? dir_name(ev->dir) : "", ev->u.app.len);
		text_preview(out, ev->u.app.data, ev->u.app.len, 240);
		break;
	case EV_KEY:
		text_key(v, ev);
		break;
	case EV_NOTE:
		fprintf(out, "  %s: %s\n", ev->u.note.level ? ev->u.note.level : "note",
			ev->u.note.text ? ev->u.note.text : "");
		break;
	case EV_ERROR:
		fprintf(out, "  error   %s: %s\n", ev->u.error.what ? ev->u.error.what : "?",
			ev->u.error.text ? ev->u.error.text : "");
		break;
	case EV_FACTS:
		text_facts(v, ev);
		break;
	case EV_END:
		fputs("\n== end ==\n", out);
		break;
	}
	if (ferror(out))
		v->base.failed = true;
}

static int text_close(struct view_base *b)
{
	struct text_view *v = (struct text_view *)b;
	int rc = fflush(v->out) == 0 && !b->failed ? 0 : err_set(ERR_IO, "writing text output failed");

	free(v);
	return rc;
}

/* A text sink on out. */
struct sink *view_text_new(FILE *out, const struct view_opts *o)
{
	struct text_view *v = calloc(1, sizeof *v);

	if (!v)
		return NULL;
	v->base.sink.emit = text_emit;
	v->base.close = text_close;
	v->out = out;
	if (o)
		v->o = *o;
	return &v->base.sink;
}

/* Close any headless view. */
int view_close(struct sink *s)
{
	struct view_base *b = (struct view_base *)s;

	return b ? b->close(b) : 0;
}
