/* The engine: one pipeline from a source to the views.
 *
 *   live session (wolfSSL pair) ─┐
 *                                ├─> wire capture ─> TCP reassembly ─> TLS decoder ─> events ─> view sink
 *   capture file (pcap/pcapng) ──┘        (libpcap / netns / tap)
 *
 * Live mode is "replay of a growing capture" plus the insider key events the
 * session emits. Worker threads (session, capture) only queue; everything
 * reaches the view sink from the thread that calls engine_poll(), so views
 * need no locking. The UI includes this header, never wolfSSL.
 */
#ifndef TLSVIZ_ENGINE_H
#define TLSVIZ_ENGINE_H

#include "core/event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum engine_mode { ENGINE_LIVE = 0, ENGINE_REPLAY };

enum engine_capture { ENGINE_CAPTURE_AUTO = 0, ENGINE_CAPTURE_PCAP, ENGINE_CAPTURE_NETNS, ENGINE_CAPTURE_TAP };

struct engine_opts {
	enum engine_mode mode;
	/* live */
	uint16_t tls_version;    /* 0x0304, 0x0303, or 0 when not given */
	const char *suite, *group, *cert_type;
	const char *cert_file, *key_file, *ca_file;
	uint16_t port;
	const char *path;
	size_t body_bytes;
	bool step;               /* hold each flight until engine_release() */
	enum engine_capture capture;
	const char *keylog_out;  /* --keylog FILE in live mode */
	const char *scenario;    /* --scenario NAME (NULL: tls13, no scenario note) */
	/* serve: the wolfSSL server alone, for outside clients (mode LIVE) */
	bool serve;
	unsigned serve_count;    /* connections to answer (default 1) */
	int serve_timeout_ms;    /* wait for each client (default 60 s) */
	/* replay */
	const char *file;
	const char *keylog_in;   /* --keylog FILE in replay mode */
	const char *rsa_key;
	const char *export_dir;  /* --export-plaintext DIR */
	bool read_ahead;         /* replay: read the file once to count each
				    connection's stages, so every stage event
				    carries the final total in `of` */
	bool no_story;           /* no stage events (a plaintext export only) */
	bool no_readback;        /* keep no index for engine_record (headless
				    runs: only the TUI reads a record again;
				    the index costs ~5 kB per connection) */
};

struct engine_status {
	const char *mode;        /* "live" or "replay" */
	const char *source;      /* "pcap", "netns", "tap", "file" */
	const char *device;      /* "lo" or the file name */
	char version[16];        /* "TLS 1.3" or "" */
	char suite[64];
	char group[32];
	uint64_t bytes_done, bytes_total; /* replay progress */
	bool finished;
	int result;              /* 0 or ERR_* of the session; a scenario that
				    demonstrates a failure reports 0 when it failed
				    as it should (ERR_STATE when it did not) */
	const char *scenario;    /* "tls13", "hrr", ... (live) or "" */
	uint16_t port;           /* live/serve: the server's port */
	const char *ca_file;     /* serve: PEM file of the CA to trust, or "" */
};

struct engine;

/* A workshop scenario (--scenario NAME, the TUI's scenario picker). */
struct engine_scenario {
	const char *name;  /* "tls13", "hrr", ... */
	const char *help;  /* one line */
};

/* The scenarios, terminated by an entry with name == NULL: the one list
 * --help, --scenario validation and the TUI's picker share. */
const struct engine_scenario *engine_scenarios(void);

/* Validate options and prepare the source (live: identity, listening socket,
 * capture source; replay: open the file, read DSBs/key log/RSA key). Nothing
 * runs yet. Errors: ERR_USAGE / ERR_IO / ERR_SYSTEM with err_msg(). */
int engine_open(struct engine **out, const struct engine_opts *o, struct sink *view);
/* Start: live session threads and capture; replay reading. */
int engine_start(struct engine *e);
/* A file descriptor that becomes readable when engine_poll has work. */
int engine_fd(struct engine *e);
/* Do up to budget units of work (packets/events), emitting events to the view.
 * 1 while running, 0 once everything is finished and delivered, <0 on error. */
int engine_poll(struct engine *e, int budget);
/* Live step mode: 1 and the held stage if a flight waits at its gate. */
int engine_pending(struct engine *e, struct ev_stage *out);
/* Let the held flight go. */
int engine_release(struct engine *e);
/* Stop holding flights (run to the end). */
void engine_release_all(struct engine *e);
/* Load a key log while open: later records decrypt; returns entries added. */
int engine_load_keylog(struct engine *e, const char *path);
/* Save everything captured so far with its keys (pcapng + DSB). */
int engine_save(struct engine *e, const char *path);
/* The same, as classic pcap plus PATH.keys when pcap is true. */
int engine_save_format(struct engine *e, const char *path, bool pcap);
/* Read record index of (conn, d) back from the source (the file, or the
 * frames a live session keeps) and decode it again: an EV_RECORD, plus
 * EV_APP_DATA when it decrypts to application data, reach `to` before it
 * returns. For views that keep only a compact index of bulk records. */
int engine_record(struct engine *e, uint32_t conn, enum dir d, uint64_t index, struct sink *to);
/* Replay: read connection conn again from the file, by itself, from the
 * frame that opened it to its newest frame so far, through a pipeline of its
 * own (reassembly, decoder, story model) with the keys known now. The events
 * its first decoding emitted (stages included, same connection id and record
 * indices) reach `to` as engine_conn_read_poll goes. When the file has been
 * read to its end, the connection's end is said too; before that, the
 * engine's own reading (engine_poll) says what follows once this is done,
 * and engine_poll fails while one is open. For views that keep only an
 * index of the connections they do not show. Errors: ERR_UNSUPPORTED (live),
 * ERR_VALUE (no such connection), ERR_STATE (one is open), ERR_IO. */
struct engine_conn_read;
int engine_conn_read_open(struct engine *e, uint32_t conn, struct sink *to, struct engine_conn_read **out);
/* Read up to budget frames: 1 while there is more, 0 when everything has
 * been delivered. */
int engine_conn_read_poll(struct engine_conn_read *cr, int budget);
/* Stop (done or not) and free. */
void engine_conn_read_close(struct engine_conn_read *cr);
/* Fill the status line facts. */
void engine_status(struct engine *e, struct engine_status *st);
/* Stop threads, wipe keys, free. */
void engine_close(struct engine *e);

#endif
