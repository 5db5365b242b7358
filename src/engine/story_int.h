/* Internals of the story model shared by story.c (stages, keys) and
 * story_text.c (the paragraphs chosen from facts). */
#ifndef TLSVIZ_ENGINE_STORY_INT_H
#define TLSVIZ_ENGINE_STORY_INT_H

#include "engine/story.h"

#define STORY_TEXT_MAX 6144 /* the Explain paragraphs of one stage */
#define EPART_MAX 8         /* pieces of a stage's wire view */
#define OCC_KINDS 24        /* message kinds counted per connection */
#define OCC_MAX 16          /* occurrences remembered per kind */

/* A piece of what the wire shows: cleartext messages, or encrypted records
 * of one outer content type. */
struct epart {
	bool enc;
	uint8_t ctype;
	unsigned n;
	uint64_t bytes;
	char names[200];
};

/* The stage being built. */
struct sstage {
	bool open;
	uint32_t number;
	enum dir dir;
	bool held, has_bytes, syn, second_hello;
	uint64_t stream_off, ts_us;
	int kind;                 /* capture flights: the record kind it holds */
	char name[32];            /* stable key (story_kind_name) */
	char messages[512];       /* tokens, comma-separated */
	char last[48];            /* the last token added */
	struct epart part[EPART_MAX];
	int nparts;
	unsigned records, enc_records;
	uint64_t wire_bytes, app_bytes;
	bool auth_failed, has_alert, ku_requested;
	int alert_desc, alert_level;
	char http[96];            /* "GET /" or "200 OK" */
	uint64_t gap_c2s, gap_s2c; /* bytes the capture lacks (EV_GAP) while this stage was open */
};

/* A key event waiting for the message that makes it possible. */
struct pkey {
	struct event *ev;
	uint32_t stage_at;        /* the stage current when it arrived */
	unsigned ch_at;           /* ClientHellos seen when it arrived */
	struct pkey *next;
};

/* Occurrences of one message kind: the stage of each. */
struct occ {
	enum dir dir;
	char msg[32];
	unsigned n;
	uint32_t stage[OCC_MAX];
};

struct sconn {
	uint32_t id;
	unsigned nth;             /* 1: the first connection seen */
	struct sstage cur;
	uint32_t count;           /* stages begun */
	const struct plan_step *plan;
	size_t nplan;
	uint32_t hrr_stage;
	struct ev_facts facts;
	char suite[96], group[48], sni[256], shares[128];
	struct occ occ[OCC_KINDS];
	int nocc;
	struct pkey *keys;
	uint8_t fin;
	/* round trips: a client flight after a server flight (or the first one
	   after TCP's handshake) begins one; the server's next flight answers it */
	uint32_t rt;              /* round trips begun */
	uint64_t rt_t0;           /* when the current one's client flight began */
	bool rt_held;             /* a flight of it waited at a gate: no time for it */
	enum dir rt_last;         /* the direction of the last flight (DIR_NONE: none yet) */
};

/* What the story keeps per connection id. */
struct sslot {
	struct sconn *c;          /* NULL before it starts and after it ended */
	uint32_t total;           /* stages counted by a read-ahead (or when it ended) */
	bool gone;                /* a capture connection that ended */
};

struct story {
	struct sink base;
	struct sink *down;
	bool dry;
	struct sslot *slot;       /* by connection id - 1 */
	size_t ncap;
	unsigned nseen, nseen_mark;
	uint32_t live_n;
	size_t (*plan_fn)(void *ctx, uint32_t conn, const struct plan_step **steps);
	void *plan_ctx;
	char scenario[32];
	struct event *pkt[64];
	int npkt;
};

/* What the paragraphs are chosen from. */
struct story_ctx {
	const struct sstage *s;
	const struct ev_facts *f;
	const char *scenario;     /* "" none */
	bool first_conn;
	unsigned conn_nth;
};

/* Append s to buf (bounded). */
void story_cat(char *buf, size_t cap, const char *s);
/* Is tok one of list's comma-separated tokens? */
bool story_has(const char *list, const char *tok);
/* The stage's stable key from its messages ("server_hello_flight"). */
void story_kind_name(const struct sstage *s, char *out, size_t cap);
/* The Explain paragraphs ('\n'-separated) for the stage and facts. */
void story_text_explain(const struct story_ctx *x, char *out, size_t cap);
/* The sentence for n bytes of dir the capture lacks (EV_GAP). */
void story_text_gap(enum dir dir, uint64_t n, char *out, size_t cap);
/* What an eavesdropper learns in the stage. */
void story_text_eavesdropper(const struct story_ctx *x, char *out, size_t cap);

#endif
