/* Internal: the engine's state, shared by the pipeline (engine.c) and the
 * scenario passes (scenario.c). Not for views. */
#ifndef TLSVIZ_ENGINE_INT_H
#define TLSVIZ_ENGINE_INT_H

#include "core/evqueue.h"
#include "engine/engine.h"
#include "keys/keys.h"
#include "session/session.h"
#include "tls/tlsdec.h"
#include "wire/capfile.h"
#include "wire/capture.h"
#include "wire/packet.h"
#include "wire/reasm.h"
#include "wire/tap.h"

#include <pthread.h>

/* Marks an EV_PACKET in the queue as a raw captured frame (payload_len then
 * carries the original length); never reaches a view. */
#define RAW_FRAME ((size_t)-1)

struct saved_frame {
	uint64_t ts_us;
	size_t caplen, origlen;
	uint8_t *bytes;
};

/* Session events held back until the capture catches up with their stage. */
struct held {
	struct event *ev;
	struct held *next;
};

struct conn_state {
	struct tlsdec *dec;
	uint8_t closed; /* bit per direction */
	uint64_t fed[3]; /* live: stream bytes fed to the decoder, per dir */
	/* where its frames are (engine_conn_read): the position and number of
	   the frame that opened it, the number of its newest frame */
	uint64_t first_pos, first_frame, last_frame;
};

struct story;

struct engine {
	struct engine_opts o;
	struct sink *view;
	struct sink out; /* into the story model */
	struct sink view_out; /* numbers events, forwards to view */
	struct story *story;
	char pending_title[200]; /* engine_pending's title */
	uint64_t seq;
	struct keystore *ks;
	/* live */
	struct evqueue *q;
	struct session *sess;
	struct capture *cap;
	struct tap *tap;
	enum capture_mode cap_mode;
	char cap_why[256];
	struct saved_frame *frames;
	size_t nframes, capframes;
	int linktype;
	bool session_ended, capture_stopped;
	bool cap_settling; /* the capture's settle probe was sent */
	struct held *held_head, *held_tail;
	int session_rc;
	pthread_mutex_t tap_lock; /* the tap is replaced per connection */
	bool tap_lock_ok;
	char ca_path[256];    /* serve: the CA file for clients */
	/* forward-secrecy: decoding again with only a private key */
	int pass;             /* 0 the live session, 1 part A, 2 part B */
	uint32_t conn_base;   /* reasm ids of this pass start after this */
	uint32_t max_conn;
	struct keystore *pass_ks;   /* keys of the current pass (NULL: e->ks) */
	struct keystore *pass_keys[3];
	bool fs_done;
	bool pass_dry;        /* a pass's first, counting run */
	bool reading_ahead, read_ahead_done; /* replay: counting stages first */
	uint64_t pass_enc[3], pass_dec[3], pass_app[3];
	char fs_capture[1200], fs_key[1200];
	/* replay */
	struct capfile *cf;
	int wake[2];
	/* pipeline */
	struct reasm *rs;
	struct conn_state *conns;
	size_t nconns;
	uint64_t frame_no;
	const struct pkt_raw *cur_raw;
	const struct pkt *cur_pkt;
	bool cur_emitted;
	uint32_t last_conn;
	bool started, finished;
	/* reading records back on demand (engine_record, reread.c) */
	struct reread *rr;
	uint64_t frame_pos;      /* replay: file offset of the frame being processed; live: its index */
	struct capfile *cf2;     /* replay: a second handle for reading back */
	struct capfile *cf3;     /* replay: a third, for reading a connection again (conn_read.c) */
	struct engine_conn_read *conn_read; /* the one open, or NULL */
};

extern const struct reasm_ops engine_reasm_ops;

/* engine.c */
void engine_note(struct engine *e, const char *level, const char *text);
void engine_error_event(struct engine *e, uint32_t conn, int code);
void engine_frame(struct engine *e, const struct pkt_raw *r);
void engine_release_held(struct engine *e, bool all);

/* scenario.c */
int engine_find_captures(struct engine *e);
int engine_write_ca(struct engine *e);
void engine_forward_secrecy(struct engine *e);
void engine_scenario_result(struct engine *e);

/* Forget the decoders of connection ids above keep_below and the reassembly
 * (a pass or a read-ahead starts again from its first frame). */
int engine_pipeline_reset(struct engine *e, uint32_t keep_below);

/* A pipeline of its own (reassembly, decoders, story model) that emits to
 * view and borrows e's options and key store; its connection ids start
 * after conn_base. For reading one connection again (conn_read.c). */
struct engine *engine_pipeline_new(const struct engine *e, struct sink *view, uint32_t conn_base);
/* Free what engine_pipeline_new made (not the borrowed key store). */
void engine_pipeline_free(struct engine *p);
/* End of all input: flush, end every decoder and stage, emit EV_END once. */
void engine_finish(struct engine *e);

/* What the connections of pass n are, or NULL (scenario.c). */
const char *engine_pass_label(int pass);

/* The input ended (a file, a pass, the live capture): flush reassembly,
 * release the held session events, end every decoder still open. */
void engine_input_end(struct engine *e);

#endif
