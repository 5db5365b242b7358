/* Text view: one readable block per stage — who sends what, which secrets
 * now exist, and what an eavesdropper on the wire sees. */
#include "output/views.h"

#include "core/err.h"
#include "core/hex.h"
#include "output/view_int.h"

#include <stdlib.h>
#include <string.h>

#define TEXT_FLIGHT_CONNS 64

struct text_view {
	struct view_base base;
	FILE *out;
	struct view_opts o;
	bool live_stages;      /* the source names its stages (live session) */
	struct {
		uint32_t conn;
		enum dir dir;
		unsigned flights;
	} fl[TEXT_FLIGHT_CONNS]; /* replay: the flight each connection is in */
};

/* Replay has no session to name its stages: start a block per flight, i.e.
 * whenever a connection's records change direction. */
static void text_flight(struct text_view *v, const struct event *ev)
{
	unsigned slot = ev->conn % TEXT_FLIGHT_CONNS;

	if (v->live_stages || !ev->dir)
		return;
	if (v->fl[slot].conn != ev->conn) {
		v->fl[slot].conn = ev->conn;
		v->fl[slot].dir = DIR_NONE;
		v->fl[slot].flights = 0;
	}
	if (v->fl[slot].dir == ev->dir)
		return;
	v->fl[slot].dir = ev->dir;
	fprintf(v->out, "\n== Connection %u, flight %u: %s ==\n", ev->conn, ++v->fl[slot].flights,
		ev->dir == DIR_C2S ? "client -> server" : "server -> client");
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

	fprintf(out, "  record  %s %s, %u bytes", dir_name(ev->dir) ? dir_name(ev->dir) : "",
		text_ctype(r->content_type), r->length);
	if (!r->encrypted)
		fputs(" (plaintext: an eavesdropper reads it)\n", out);
	else if (r->decrypted)
		fprintf(out, " (encrypted on the wire; decrypted: %s, %zu bytes)\n",
			text_ctype(r->inner_type), r->plain_len);
	else if (r->auth_failed)
		fputs(" (encrypted; AUTHENTICATION FAILED: tampered or wrong key)\n", out);
	else
		fprintf(out, " (encrypted: ciphertext only%s%s)\n",
			r->why_not ? "; " : "", r->why_not ? r->why_not : "");
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

	fprintf(v->out, "  key     %s [%s, %zu bytes]\n", k->name ? k->name : "?",
		owner_name(k->owner) ? owner_name(k->owner) : "?", k->len);
	fprintf(v->out, "      = %s\n", h ? h : "(out of memory)");
	if (k->derivation)
		fprintf(v->out, "      from %s\n", k->derivation);
	free(h);
}

/* Print one event. */
static void text_emit(struct sink *self, const struct event *ev)
{
	struct text_view *v = (struct text_view *)self;
	FILE *out = v->out;

	switch (ev->type) {
	case EV_STAGE:
		v->live_stages = true;
		fprintf(out, "\n== Stage %u: %s%s%s ==\n", ev->u.stage.index + 1,
			ev->u.stage.title ? ev->u.stage.title : ev->u.stage.name,
			ev->dir ? " - " : "", text_arrow(ev->dir));
		break;
	case EV_CONN:
		fprintf(out, "connection %u: client %s, server %s\n", ev->conn,
			ev->u.conn.client, ev->u.conn.server);
		break;
	case EV_PACKET:
		if (v->o.packets)
			fprintf(out, "  packet  #%llu %s flags 0x%02x seq %u ack %u, %zu payload bytes\n",
				(unsigned long long)ev->u.packet.frame,
				dir_name(ev->dir) ? dir_name(ev->dir) : "", ev->u.packet.tcp_flags,
				ev->u.packet.seq, ev->u.packet.ack, ev->u.packet.payload_len);
		break;
	case EV_GAP:
		fprintf(out, "  gap     %s: %llu bytes missing at stream offset %llu\n",
			dir_name(ev->dir) ? dir_name(ev->dir) : "",
			(unsigned long long)ev->u.gap.missing,
			(unsigned long long)ev->u.gap.stream_off);
		break;
	case EV_RECORD:
		text_flight(v, ev);
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
