/* Connection facts from the decoder: version, suite, key exchange, group,
 * HRR, resumption, client authentication, the server certificate, alerts and
 * KeyUpdates, kept up to date as messages are decoded and published as
 * EV_FACTS whenever one changes. Everything downstream that needs to know
 * "what was negotiated" reads these, never display strings. */
#ifndef TLSVIZ_TLS_FACTS_H
#define TLSVIZ_TLS_FACTS_H

#include "core/event.h"
#include "tls/handshake.h"

#include <stdbool.h>
#include <stdint.h>

struct facts {
	struct ev_facts f;        /* current */
	struct ev_facts sent;     /* as last published */
	bool published;
	char sni[256];
	char sent_sni[256];
	char shares[128];
	char sent_shares[128];
	bool server_cert_seen;    /* a server Certificate message was decoded */
	bool server_fin_seen;     /* the server's Finished (or TLS 1.2 CCS) was decoded */
	bool hidden_s2c;          /* a server handshake record could not be decrypted */
};

/* Start from nothing known. */
void facts_init(struct facts *x);
/* A handshake message of dir was decoded (hi already updated by its parser;
 * fl holds its fields). */
void facts_message(struct facts *x, const struct hs_info *hi, enum dir dir, uint8_t type,
		   const struct fields *fl);
/* A TLS 1.2 change_cipher_spec in dir. */
void facts_ccs(struct facts *x, const struct hs_info *hi, enum dir dir);
/* An alert. */
void facts_alert(struct facts *x, uint8_t level, uint8_t desc);
/* A protected record of dir that could not be opened (no keys) before the
 * handshake was complete. */
void facts_hidden(struct facts *x, enum dir dir);
/* True when something changed since the last call; ev then holds the facts. */
bool facts_take(struct facts *x, struct ev_facts *ev);

#endif
