/* The stage plan of a live scenario: what each connection will do, flight by
 * flight, known before the session starts. The session's gates keep the
 * flights in this order, so numbering never changes while it runs and is the
 * same in every run; the story model (engine/story.c) titles each stage from
 * what it really held. A message list names handshake messages by their IANA
 * names, plus tcp_handshake, change_cipher_spec, http_request, http_response
 * alert:<description> and failed_record (a record that does not authenticate). */
#include <string.h>

#include "session/session_int.h"

/* One step of a scenario's script: a flight of one side. */
struct plan_row {
	enum dir dir;
	const char *messages;
};

#define C DIR_C2S
#define S DIR_S2C

static const struct plan_row tcp = { C, "tcp_handshake" };
static const struct plan_row ch = { C, "client_hello" };
static const struct plan_row ch2 = { C, "client_hello" };
static const struct plan_row hrr = { S, "hello_retry_request" };
static const struct plan_row sf13 = { S, "server_hello,encrypted_extensions,certificate,certificate_verify,finished" };
static const struct plan_row sf13_cr = { S, "server_hello,encrypted_extensions,certificate_request,certificate,"
					    "certificate_verify,finished" };
static const struct plan_row sf13_psk = { S, "server_hello,encrypted_extensions,finished" };
static const struct plan_row cf13 = { C, "finished" };
static const struct plan_row cf13_cert = { C, "certificate,certificate_verify,finished" };
static const struct plan_row nst = { S, "new_session_ticket" };
static const struct plan_row cku = { C, "key_update" };
static const struct plan_row sku = { S, "key_update" };
static const struct plan_row sf12 = { S, "server_hello,certificate,server_key_exchange,server_hello_done" };
static const struct plan_row sf12_cr = { S, "server_hello,certificate,server_key_exchange,certificate_request,"
					    "server_hello_done" };
static const struct plan_row cf12 = { C, "client_key_exchange,change_cipher_spec,finished" };
static const struct plan_row cf12_cert = { C, "certificate,client_key_exchange,certificate_verify,change_cipher_spec,"
					      "finished" };
static const struct plan_row sfin12 = { S, "change_cipher_spec,finished" };
static const struct plan_row req = { C, "http_request" };
/* tamper: the request arrives with a flipped byte and does not authenticate */
static const struct plan_row req_tampered = { C, "failed_record" };
static const struct plan_row resp = { S, "http_response" };
static const struct plan_row sclose = { S, "alert:close_notify" };
static const struct plan_row cclose = { C, "alert:close_notify" };
static const struct plan_row alert_unknown_ca = { C, "alert:unknown_ca" };
static const struct plan_row alert_bad_cert = { C, "alert:bad_certificate" };
static const struct plan_row alert_bad_mac = { S, "alert:bad_record_mac" };

#undef C
#undef S

/* Append a row. */
static void plan_add(struct session *s, int k, const struct plan_row *r)
{
	if (s->nplan[k] < SESS_PLAN_MAX) {
		s->plan[k][s->nplan[k]].dir = r->dir;
		s->plan[k][s->nplan[k]].messages = r->messages;
		s->nplan[k]++;
	}
}

/* The script of connection k (0-based) of a live scenario. */
static void plan_conn(struct session *s, int k)
{
	bool v13 = s->version == 0x0304;
	enum session_scenario sc = s->scen;

	plan_add(s, k, &tcp);
	plan_add(s, k, &ch);
	if (!v13) {
		plan_add(s, k, sc == SCEN_MTLS ? &sf12_cr : &sf12);
		if (sc == SCEN_UNTRUSTED || sc == SCEN_IMPOSTOR) {
			plan_add(s, k, sc == SCEN_UNTRUSTED ? &alert_unknown_ca : &alert_bad_cert);
			return;
		}
		plan_add(s, k, sc == SCEN_MTLS ? &cf12_cert : &cf12);
		plan_add(s, k, &sfin12);
	} else {
		if (sc == SCEN_HRR) {
			plan_add(s, k, &hrr);
			plan_add(s, k, &ch2);
		}
		plan_add(s, k, sc == SCEN_MTLS ? &sf13_cr : sc == SCEN_RESUMPTION && k > 0 ? &sf13_psk : &sf13);
		if (sc == SCEN_UNTRUSTED || sc == SCEN_IMPOSTOR) {
			plan_add(s, k, sc == SCEN_UNTRUSTED ? &alert_unknown_ca : &alert_bad_cert);
			return;
		}
		plan_add(s, k, sc == SCEN_MTLS ? &cf13_cert : &cf13);
		plan_add(s, k, &nst);
		if (sc == SCEN_KEYUPDATE) {
			plan_add(s, k, &cku);
			plan_add(s, k, &sku);
		}
	}
	plan_add(s, k, sc == SCEN_TAMPER ? &req_tampered : &req);
	if (sc == SCEN_TAMPER) {
		plan_add(s, k, &alert_bad_mac);
		return;
	}
	plan_add(s, k, &resp);
	plan_add(s, k, &sclose);
	plan_add(s, k, &cclose);
}

void sess_plan_build(struct session *s)
{
	memset(s->nplan, 0, sizeof s->nplan);
	if (s->serve) /* an outside client: nothing is known in advance */
		return;
	for (unsigned k = 0; k < s->nconns && k < SESS_PLAN_CONNS; k++)
		plan_conn(s, (int)k);
}

size_t session_plan(const struct session *s, uint32_t conn, const struct plan_step **steps)
{
	*steps = NULL;
	if (conn == 0 || conn > SESS_PLAN_CONNS)
		return 0;
	*steps = s->plan[conn - 1];
	return s->nplan[conn - 1];
}

uint32_t sess_plan_number(const struct session *s, uint32_t conn, enum dir dir, unsigned nth)
{
	const struct plan_step *p;
	size_t n = session_plan(s, conn, &p);

	for (size_t i = 0; i < n; i++)
		if (p[i].dir == dir && nth-- == 0)
			return (uint32_t)i + 1;
	return 0;
}
