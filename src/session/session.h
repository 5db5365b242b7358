/* The live session: a real wolfSSL client and server talking HTTP/1.1 over
 * TCP on 127.0.0.1, each in its own thread, with every piece of key material
 * reported as it comes to exist.
 *
 * - Identity: a fresh CA + "localhost" leaf per session (certgen.c), or the
 *   user's PEM files; the client verifies chain and host name for real.
 * - Stages: a "flight" is the contiguous writes of one side between its reads
 *   (plus a new stage when the side moves from handshake to application data
 *   to closing). Each flight is announced with EV_STAGE; with opts.step the
 *   flight's first write waits at a gate until session_release().
 * - Keys: EV_KEY events from wolfSSL's PK callbacks (HKDF-Extract,
 *   HKDF-Expand-Label, X25519/ECC/DH key generation) and, for TLS 1.2, the
 *   master secret and key block. Every secret needed to decrypt a record is
 *   in the keystore (NSS labels, keyed by the client random) BEFORE that
 *   record's bytes are written to the socket.
 */
#ifndef TLSVIZ_SESSION_H
#define TLSVIZ_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/event.h"

struct keystore;
struct keylog_writer;

/* Workshop scenarios: the same pair with settings that show one thing each
 * (session_scenario.c has the names and the explanations). */
enum session_scenario {
	SCEN_TLS13 = 0,      /* the default TLS 1.3 handshake */
	SCEN_TLS12,          /* TLS 1.2 with ECDHE */
	SCEN_HRR,            /* client's key share refused: HelloRetryRequest */
	SCEN_RESUMPTION,     /* second connection resumes with the ticket (PSK) */
	SCEN_MTLS,           /* server asks for and verifies a client certificate */
	SCEN_KEYUPDATE,      /* TLS 1.3 KeyUpdate after the handshake */
	SCEN_UNTRUSTED,      /* client does not trust the server's CA */
	SCEN_IMPOSTOR,       /* certificate for another host name */
	SCEN_TAMPER,         /* a ciphertext byte is flipped in transit */
	SCEN_FORWARD_SECRECY /* a TLS 1.2 ECDHE session, later attacked with the server key */
};

/* The scenario of a name ("hrr"), or -1. */
int session_scenario_find(const char *name);
/* Name and a short plain-language explanation of a scenario. */
const char *session_scenario_name(enum session_scenario sc);
const char *session_scenario_note(enum session_scenario sc);
/* "tls13, tls12, hrr, ..." for messages. */
const char *session_scenario_list(void);

struct session_opts {
	uint16_t tls_version;   /* 0x0304, 0x0303, or 0: not given (TLS 1.3, or what the scenario needs) */
	const char *suite;      /* wolfSSL name ("TLS13-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256") or IANA name; NULL = default */
	const char *group;      /* "x25519", "secp256r1", "secp384r1", "ffdhe2048"; NULL = x25519 */
	const char *cert_type;  /* "rsa2048" (default) or "ecdsa-p256" */
	const char *cert_file, *key_file, *ca_file; /* user PEM files instead of generated ones (all three or none) */
	uint16_t port;          /* 0 = ephemeral */
	const char *path;       /* request path, default "/" */
	size_t body_bytes;      /* response body size; 0 = a small HTML page */
	bool step;              /* hold each flight at a gate until session_release() */
	const char *scenario;   /* scenario name (NULL = "tls13"); see enum session_scenario */
	/* serve mode: the server alone for outside clients (no client thread) */
	bool serve;
	unsigned serve_count;   /* connections to answer, then finish (default 1) */
	int serve_timeout_ms;   /* wait for each client at most this long (default 60 s) */
	/* Called with every byte chunk a side writes to its socket, before it is written (for the "tap" capture). */
	void (*on_wire)(void *ctx, enum dir dir, const uint8_t *data, size_t len);
	void *on_wire_ctx;
	/* Called when connection n (1-based) of the session opens (TCP connected,
	   with the client's port) and when it is over (both sides done with it). */
	void (*on_conn)(void *ctx, uint32_t n, bool open, uint16_t client_port);
};
struct session;

/* Validate options, make identity (CA + leaf), create both WOLFSSL_CTX, bind+listen on 127.0.0.1:port.
   No threads yet. A bad option/combination or unreadable cert file: ERR_USAGE/ERR_IO with one clear message. */
int session_open(struct session **out, const struct session_opts *o, struct sink *events, struct keystore *ks);
uint16_t session_port(const struct session *s);      /* the bound port */
int session_run(struct session *s);                   /* start server + client threads (client connects now) */
int session_pending(struct session *s, struct ev_stage *out); /* 1 if a flight is held at a gate (fills out), else 0 */
int session_release(struct session *s);               /* let the held flight go on the wire */
void session_release_all(struct session *s);          /* run mode: no more holding */
bool session_done(const struct session *s);           /* both threads finished */
int session_result(const struct session *s);          /* 0, or the ERR_* of a failed handshake/exchange */
void session_close(struct session *s);                /* stop, join threads (bounded wait), wipe keys, free */

/* Negotiated parameters after the handshake, for the status line: version
 * ("TLSv1.3"), suite (IANA name) and group ("x25519"); "" while unknown.
 * Returns 0, or ERR_STATE before the handshake finished. */
int session_info(const struct session *s, char *version, size_t vlen, char *suite, size_t slen,
		 char *group, size_t glen);
/* Also write every NSS-labelled secret to w as it is stored (call before
 * session_run; the caller commits/aborts w after session_close). */
void session_set_keylog(struct session *s, struct keylog_writer *w);
/* The generated server identity: leaf private key (DER) and CA certificate
   (DER); ERR_STATE with user files. */
int session_server_key(const struct session *s, const uint8_t **der, size_t *len);
int session_ca_der(const struct session *s, const uint8_t **der, size_t *len);
/* The CA certificate as PEM text into buf (NUL-terminated); its length. */
int session_ca_pem(const struct session *s, char *buf, size_t cap);
/* The scenario this session runs. */
enum session_scenario session_scenario(const struct session *s);
/* How many connections the session makes (serve: answers). */
unsigned session_nconns(const struct session *s);
/* The connection (1-based) the session works on now; a held gate is in it. */
uint32_t session_conn(struct session *s);

/* One planned stage: which side sends, and what (comma-separated message
 * names, see session_plan.c). */
struct plan_step {
	enum dir dir;
	const char *messages;
};
/* The planned stages of connection conn (1-based): their count (0: no plan,
 * as in serve mode), *steps pointing at them for the session's lifetime. */
size_t session_plan(const struct session *s, uint32_t conn, const struct plan_step **steps);
/* Wait up to timeout_ms for both threads to finish; 1 when done. */
int session_wait(struct session *s, int timeout_ms);

#endif
