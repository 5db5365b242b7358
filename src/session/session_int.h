/* Internals shared by session.c, session_keys.c and session_stage.c. */
#ifndef TLSVIZ_SESSION_INT_H
#define TLSVIZ_SESSION_INT_H

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/random.h>

#include <pthread.h>
#include <stdatomic.h>

#include "core/event.h"
#include "session/certgen.h"
#include "session/session.h"

#define SESS_IO_TIMEOUT_MS 10000 /* every socket wait is bounded by this */
#define SESS_MAX_SECRET 64
#define SESS_MAX_PUB 512         /* ffdhe3072 public value fits */
#define SESS_DRAWS 16            /* 32-byte random blocks an endpoint remembers */
#define SESS_PLAN_MAX 16         /* planned stages of one connection */
#define SESS_PLAN_CONNS 2        /* connections with a plan (resumption has two) */
#define SESS_ORDER_WAIT_MS 5000  /* a flight waits this long (not counting held time) for the one before it */

enum phase { PH_HANDSHAKE = 0, PH_APP, PH_CLOSE };

enum group_kind { GRP_X25519 = 1, GRP_ECC, GRP_FFDHE };

/* One stored secret an endpoint derived (to name later expansions of it). */
struct named_secret {
	char name[48];
	uint8_t v[SESS_MAX_SECRET];
	size_t len;
};

struct endpoint {
	struct session *s;
	enum owner owner;   /* OWNER_CLIENT or OWNER_SERVER */
	enum dir dir;       /* direction of its writes */
	WOLFSSL *ssl;
	int fd;
	pthread_t th;
	bool started;
	atomic_bool finished;
	WC_RNG rng;
	bool rng_ok;
	/* flights */
	bool read_since_write;
	bool wrote;
	uint64_t sent;        /* bytes handed to the socket so far (stream offset) */
	enum phase phase, stage_phase;
	int flights;
	unsigned nstages;     /* stages this endpoint began in this connection */
	/* key schedule attribution (TLS 1.3) */
	int extracts;
	int derives;
	struct named_secret sec[40];
	int nsec;
	/* ephemeral key share */
	uint8_t priv[SESS_MAX_PUB], pub[SESS_MAX_PUB];
	size_t priv_len, pub_len;
	int ecc_curve;        /* wolfCrypt curve id for ECC keys */
	/* the last 32-byte blocks its random number generator gave wolfSSL: the
	 * candidates for a private key wolfSSL makes without a callback */
	uint8_t draws[SESS_DRAWS][32];
	unsigned ndraws;
	enum group_kind gk;
	bool premaster_done;  /* TLS 1.2 premaster/master reported */
	bool ccs_sent;        /* later handshake records are encrypted */
	int result;
	uint32_t conn;        /* 1-based number of the connection it is in */
	bool stage_break;     /* the next write begins a new stage (after a KeyUpdate) */
	/* serve: the first inbound handshake bytes, to learn the client random */
	uint8_t rx[5 + 16384];
	size_t rx_len;
	bool rx_done;
};

struct gate {
	bool active;
	uint64_t ticket;
	struct ev_stage st;
	char name[40], title[96];
};

struct session {
	/* options (strings copied) */
	uint16_t version;
	char suite_wolf[128];  /* wolfSSL name of the chosen suite */
	char suite_iana[80];
	bool suite_tls13;
	int group_id;         /* WOLFSSL_ECC_X25519, ... */
	char group_name[24];
	enum group_kind gk;
	enum cert_kind cert_kind;
	char path[256];
	size_t body_bytes;
	bool step;
	enum session_scenario scen;
	bool serve;
	unsigned nconns;      /* connections the session makes (serve: answers) */
	int accept_timeout_ms;
	void (*on_conn)(void *ctx, uint32_t n, bool open, uint16_t client_port);
	struct identity other; /* untrusted: the CA the client trusts instead */
	WOLFSSL_SESSION *resume; /* resumption: the ticket of connection 1 */
	uint32_t cur_conn;    /* connection the session works on (for notes) */
	unsigned srv_conns_done;
	bool tampered;
	void (*on_wire)(void *ctx, enum dir dir, const uint8_t *data, size_t len);
	void *on_wire_ctx;

	struct sink *events;
	struct keystore *ks;
	struct keylog_writer *klw;
	struct identity id;
	bool user_files;
	WOLFSSL_CTX *cctx, *sctx;
	int lfd;
	uint16_t port;
	struct endpoint cli, srv;

	pthread_mutex_t lock; /* gates, stage counters, client random */
	pthread_cond_t cond;
	pthread_mutex_t emit_lock;
	struct gate gates[2]; /* [0] client, [1] server */
	uint64_t next_ticket;
	bool hold;            /* step mode still on */
	atomic_bool stopping;
	bool running;
	uint32_t stage_index;
	char cur_stage[40];
	/* the plan, and where the current connection is in it */
	struct plan_step plan[SESS_PLAN_CONNS][SESS_PLAN_MAX];
	size_t nplan[SESS_PLAN_CONNS];
	uint32_t last_no;     /* the highest stage number begun in the connection */
	enum owner last_owner;/* who began it */
	bool last_idle;       /* and has since finished writing it (reads, or is done) */
	uint64_t seq;
	int nfinished;

	uint8_t client_random[32], server_random[32];
	bool have_cr, have_sr;
	uint8_t ch_x25519[32]; /* the ClientHello's x25519 share (under lock) */
	bool have_ch_x25519;
	bool ems;             /* TLS 1.2 extended master secret negotiated */
	/* TLS 1.2 ephemeral public values as sent on the wire */
	uint8_t ske_pub[SESS_MAX_PUB], cke_pub[SESS_MAX_PUB];
	size_t ske_pub_len, cke_pub_len;
	uint16_t ske_group;
	uint8_t dh_p[SESS_MAX_PUB], dh_g[8];
	size_t dh_p_len, dh_g_len;

	char neg_version[16], neg_suite[80], neg_group[24];
	bool negotiated;
	int result;
};

/* session_opts.c: validate and copy the options (ERR_USAGE / ERR_IO). */
int sess_opts_check(struct session *s, const struct session_opts *o);

/* session.c */
void sess_emit(struct session *s, struct event *ev);
void sess_note(struct session *s, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void sess_error(struct session *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Block at the gate for a new flight of e (emits EV_STAGE): first wait
 * (bounded) until the planned stage before it has gone out. */
void sess_stage_begin(struct endpoint *e, const char *name);
/* e has finished writing its flight: it reads, or is done with the connection. */
void sess_stage_idle(struct endpoint *e);

/* session_plan.c */
/* Build the plan of every connection from the scenario and options. */
void sess_plan_build(struct session *s);
/* The planned number of the nth (0-based) stage of dir in connection conn; 0 if unplanned. */
uint32_t sess_plan_number(const struct session *s, uint32_t conn, enum dir dir, unsigned nth);

/* session_stage.c: look at bytes a side is about to write. */
/* Learn randoms, key shares and the transcript from outbound handshake
 * records (TLS 1.2 key exchange values, client random). */
void stage_observe(struct endpoint *e, const uint8_t *buf, size_t len);
/* The same for bytes the server received (serve: the client is not ours);
 * buf holds whole records only. */
void stage_observe_inbound(struct endpoint *e, const uint8_t *buf, size_t len);

/* session_keys.c */
/* Install the PK callbacks and the random-number device on a context. */
void keys_install(WOLFSSL_CTX *ctx);
/* Per-thread: bind the calling thread to its endpoint. */
void keys_bind_thread(struct endpoint *e);
/* Before bytes of e leave: make sure TLS 1.2 secrets are stored. */
void keys_before_send(struct endpoint *e, const uint8_t *buf, size_t len);
/* Emit one key event (and store NSS-labelled ones); calc is the
 * `tlsviz calc` line that recomputes it, or NULL. */
void keys_emit(struct endpoint *e, const char *name, const uint8_t *v, size_t len,
	       const char *label, const char *derivation, const char *calc);
/* The calc line of the (EC)DH shared secret of e's private key and peer
 * (a public value as sent) into buf (CALC_LINE_MAX); NULL when there is
 * none (finite-field DH, a private key wolfSSL kept). */
const char *keys_shared_calc(const struct endpoint *e, const uint8_t *peer, size_t peer_len, char *buf);
/* Store a secret under an NSS label for the session's client random. */
void keys_store(struct session *s, const char *nss_label, const uint8_t *v, size_t len);
/* A key share e is about to send, for a group whose key wolfSSL made
 * without a callback: report its key pair if one of e's recent random
 * blocks is the private key (checked by recomputing the public key);
 * false when none is. */
bool keys_share_match(struct endpoint *e, uint16_t group, const uint8_t *pub, size_t len);
/* After the handshake: key facts only readable then (notes). */
void keys_after_handshake(struct endpoint *e);

#endif
