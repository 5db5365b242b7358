/* The eavesdropper projection (see eve.h). */
#include "output/eve.h"

#include "core/err.h"

#include <stdlib.h>
#include <string.h>

bool eve_project(const struct event *in, struct event *out)
{
	*out = *in;
	switch (in->type) {
	case EV_RECORD: {
		struct ev_record *r = &out->u.record;

		if (!r->encrypted)
			return true;
		/* ciphertext only: no plaintext, no inner type, no verdict */
		r->decrypted = false;
		r->auth_failed = false;
		r->inner_type = r->content_type;
		r->plain = NULL;
		r->plain_len = 0;
		r->why_not = "eavesdropper view: no keys";
		return true;
	}
	case EV_HANDSHAKE:
		return !in->u.hs.encrypted;
	case EV_ALERT:
		return !in->u.alert.encrypted;
	case EV_CCS:
		return true; /* always a cleartext record */
	case EV_APP_DATA:
	case EV_KEY:
		return false;
	case EV_ERROR:
		/* a failed tag check is something only a key holder can see, and
		   an endpoint's own failure is inside it */
		return in->u.error.code != ERR_AUTH && !in->u.error.insider;
	case EV_NOTE:
		return !in->u.note.insider;
	case EV_STAGE: {
		struct ev_stage *s = &out->u.stage;

		s->title = in->u.stage.final ? in->u.stage.eve_title : NULL;
		s->messages = in->u.stage.final ? in->u.stage.eve_messages : NULL;
		s->explain = in->u.stage.final ? in->u.stage.eavesdropper : NULL;
		s->name = in->u.stage.name && !strcmp(in->u.stage.name, "tcp_handshake") ? "tcp_handshake"
			  : in->dir == DIR_S2C ? "server_flight" : "client_flight";
		return true;
	}
	case EV_FACTS: {
		struct ev_facts *f = &out->u.facts;

		/* the hellos are cleartext: version, suite, group, HRR, SNI, PSK
		   acceptance. In TLS 1.3 the rest travels encrypted. */
		if (f->version == 0x0304) {
			f->client_auth = false;
			f->certificate = -1;
			f->alerts = 0;
			f->fatal_alert = -1;
			f->key_updates[DIR_C2S] = f->key_updates[DIR_S2C] = 0;
			f->handshake_visible = false;
			/* EncryptedExtensions, the certificate and late alerts are encrypted */
			f->ech_retry = false;
			f->ech_required = false;
			f->cert_comp = 0;
			f->cert_comp_len = f->cert_plain_len = 0;
		}
		return true;
	}
	default:
		return true;
	}
}

struct eve_sink {
	struct sink base;
	struct sink *down;
};

static void eve_emit(struct sink *self, const struct event *ev)
{
	struct eve_sink *s = (struct eve_sink *)self;
	struct event out;

	if (eve_project(ev, &out))
		sink_emit(s->down, &out);
}

struct sink *eve_sink_new(struct sink *down)
{
	struct eve_sink *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->base.emit = eve_emit;
	s->down = down;
	return &s->base;
}

void eve_sink_free(struct sink *s)
{
	free(s);
}
