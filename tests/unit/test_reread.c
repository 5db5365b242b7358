/* Unit tests for reading records back (engine_record, src/engine/reread.c):
 * every record of a full decode must come back byte for byte, with the same
 * plaintext, from the file and from a live session's kept frames; bad
 * requests fail cleanly; a record key meets its IV whatever other key events
 * come between them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/event.h"
#include "engine/engine.h"
#include "engine/reread.h"
#include "keys/keys.h"
#include "wire/packet.h"

#define MAX_REC 4096

/* Every EV_RECORD of a full decode, copied. */
struct recs {
	struct sink base;
	struct event *ev[MAX_REC];
	int n;
};

static void recs_emit(struct sink *self, const struct event *ev)
{
	struct recs *r = (struct recs *)self;

	if (ev->type == EV_RECORD && r->n < MAX_REC)
		r->ev[r->n++] = event_dup(ev);
}

/* The one record engine_record hands back. */
struct one {
	struct sink base;
	struct event *rec;
	int records, app;
};

static void one_emit(struct sink *self, const struct event *ev)
{
	struct one *o = (struct one *)self;

	if (ev->type == EV_RECORD) {
		o->records++;
		event_free(o->rec);
		o->rec = event_dup(ev);
	} else if (ev->type == EV_APP_DATA) {
		o->app++;
	}
}

/* Run an engine to its end: poll while it has work, waiting on its fd in
 * between, with a 60 s deadline (not a count of polls, which a loaded
 * machine may not finish in time). */
static void run_to_end(struct engine *e)
{
	struct timespec t0, t;
	int rc;

	assert_int_equal(engine_start(e), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((rc = engine_poll(e, 256)) > 0) {
		struct pollfd p = { .fd = engine_fd(e), .events = POLLIN };

		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 60)
			fail_msg("the engine did not finish within 60 s");
		(void)poll(&p, 1, 50);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(engine_poll(e, 1), 0);
}

/* Every record read back equals the one of the full decode. */
static void check_all(struct engine *e, struct recs *r)
{
	assert_true(r->n > 0);
	for (int i = 0; i < r->n; i++) {
		const struct event *want = r->ev[i];
		struct one got = { .base.emit = one_emit };

		assert_int_equal(engine_record(e, want->conn, want->dir, want->u.record.index, &got.base), 0);
		assert_int_equal(got.records, 1);
		assert_int_equal(got.rec->u.record.len, want->u.record.len);
		assert_memory_equal(got.rec->u.record.bytes, want->u.record.bytes, want->u.record.len);
		assert_int_equal(got.rec->u.record.decrypted, want->u.record.decrypted);
		assert_int_equal(got.rec->u.record.plain_len, want->u.record.plain_len);
		if (want->u.record.plain_len)
			assert_memory_equal(got.rec->u.record.plain, want->u.record.plain, want->u.record.plain_len);
		event_free(got.rec);
	}
}

static void free_recs(struct recs *r)
{
	for (int i = 0; i < r->n; i++)
		event_free(r->ev[i]);
}

/* A file: TLS 1.3 with KeyUpdate (key changes mid-stream) and TLS 1.2 CBC. */
static void test_replay_files(void **state)
{
	static const char *const names[] = { "tls13-keyupdate", "tls12-ecdhe-cbc-noetm", "tls13-resumption",
					     "tampered-tls13-aes128gcm" };

	(void)state;
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		char file[512], keys[512];
		struct recs r = { .base.emit = recs_emit };
		struct engine_opts o = { .mode = ENGINE_REPLAY, .file = file, .keylog_in = keys };
		struct engine *e;
		int decrypted = 0;

		snprintf(file, sizeof file, "%s/captures/%s.pcapng", TLSVIZ_SOURCE_DIR, names[f]);
		snprintf(keys, sizeof keys, "%s/captures/%s.keys", TLSVIZ_SOURCE_DIR,
			 strncmp(names[f], "tampered-", 9) ? names[f] : names[f] + 9);
		assert_int_equal(engine_open(&e, &o, &r.base), 0);
		run_to_end(e);
		for (int i = 0; i < r.n; i++)
			decrypted += r.ev[i]->u.record.decrypted;
		assert_true(decrypted > 0); /* the comparison covers plaintext too */
		check_all(e, &r);
		engine_close(e);
		free_recs(&r);
	}
}

/* A live session: read back from the frames the engine keeps. */
static void test_live_frames(void **state)
{
	struct recs r = { .base.emit = recs_emit };
	struct engine_opts o = { .mode = ENGINE_LIVE, .tls_version = 0x0304, .capture = ENGINE_CAPTURE_TAP,
				 .body_bytes = 70000 };
	struct engine *e;

	(void)state;
	assert_int_equal(engine_open(&e, &o, &r.base), 0);
	run_to_end(e);
	assert_true(r.n > 8);
	check_all(e, &r);
	engine_close(e);
	free_recs(&r);
}

/* Out-of-range requests: an error, no event, no crash. */
static void test_bad_requests(void **state)
{
	char file[512];
	struct recs r = { .base.emit = recs_emit };
	struct engine_opts o = { .mode = ENGINE_REPLAY, .file = file };
	struct engine *e;
	struct one got = { .base.emit = one_emit };

	(void)state;
	snprintf(file, sizeof file, "%s/captures/tls13-aes128gcm.pcapng", TLSVIZ_SOURCE_DIR);
	assert_int_equal(engine_open(&e, &o, &r.base), 0);
	run_to_end(e);
	assert_true(engine_record(e, 1, DIR_S2C, 100000, &got.base) < 0);
	assert_true(engine_record(e, 99, DIR_C2S, 0, &got.base) < 0);
	assert_true(engine_record(e, 0, DIR_C2S, 0, &got.base) < 0);
	assert_int_equal(got.records, 0);
	engine_close(e);
	free_recs(&r);
}

/* ---- the reread module alone, on one synthetic frame ---- */

#define SYN_PLAIN "read back with the right key and IV"

/* One TLS 1.3 application-data record (TLS_AES_128_GCM_SHA256) in one
 * IPv4/TCP frame 10.0.0.1:40000 -> 10.0.0.2:443, and the key and IV that
 * seal it; the frame is the only one the read-back source has. */
struct syn {
	uint8_t frame[20 + 20 + 5 + 128];
	size_t frame_len;
	struct pkt pkt;
	uint8_t key[16], iv[12];
	int seeks;
};

static void syn_build(struct syn *y)
{
	static const uint8_t secret[32] = { 0x5e, 0xc7, 0x3e, 0x70, 1, 2, 3, 4 };
	const struct suite *s = suite_by_name("TLS_AES_128_GCM_SHA256");
	uint8_t *ip = y->frame, *tcp = y->frame + 20, *rec = y->frame + 40;
	struct protect p;
	int n;

	assert_non_null(s);
	assert_int_equal(protect_init_tls13(&p, s, secret), 0);
	assert_int_equal(p.key_len, sizeof y->key);
	assert_int_equal(p.iv_len, sizeof y->iv);
	memcpy(y->key, p.key, sizeof y->key);
	memcpy(y->iv, p.iv, sizeof y->iv);
	n = protect_seal(&p, 23, (const uint8_t *)SYN_PLAIN, strlen(SYN_PLAIN), rec + 5, 128);
	protect_wipe(&p);
	assert_true(n > 0);
	rec[0] = 23, rec[1] = 3, rec[2] = 3, rec[3] = (uint8_t)(n >> 8), rec[4] = (uint8_t)n;
	y->frame_len = 40 + 5 + (size_t)n;
	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(y->frame_len >> 8), ip[3] = (uint8_t)y->frame_len;
	ip[8] = 64, ip[9] = 6;
	ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
	tcp[0] = 0x9c, tcp[1] = 0x40;  /* 40000 */
	tcp[2] = 0x01, tcp[3] = 0xbb;  /* 443 */
	tcp[7] = 100;                  /* sequence number of the record's first byte */
	tcp[12] = 5 << 4;
	tcp[13] = 0x18;                /* PSH, ACK */
	tcp[14] = 0xff;
	assert_int_equal(packet_parse(WIRE_LINKTYPE_RAW, y->frame, y->frame_len, y->frame_len, 1, &y->pkt), 0);
	assert_int_equal(y->pkt.payload_len, 5 + (size_t)n);
}

static int syn_seek(void *ctx, uint64_t pos, uint64_t frame_no)
{
	(void)pos;
	(void)frame_no;
	((struct syn *)ctx)->seeks = 0;
	return 0;
}

static int syn_next(void *ctx, struct pkt_raw *out)
{
	struct syn *y = ctx;

	if (y->seeks++)
		return 0;
	*out = (struct pkt_raw){ .frame = y->frame, .caplen = y->frame_len, .origlen = y->frame_len, .ts_us = 1,
				 .linktype = WIRE_LINKTYPE_RAW, .frame_no = 1 };
	return 1;
}

/* A key event of connection 1, client to server. */
static void syn_key(struct reread *rr, enum owner owner, const char *name, const char *label, const uint8_t *v,
		    size_t len)
{
	struct event ev = { .type = EV_KEY, .conn = 1, .dir = DIR_C2S };

	ev.u.key.name = name;
	ev.u.key.owner = owner;
	ev.u.key.value = v;
	ev.u.key.len = len;
	ev.u.key.label = label;
	reread_event(rr, &ev, 0x0304, "TLS_AES_128_GCM_SHA256");
}

/* Key events that protect no record: an endpoint's ephemeral key pair,
 * shared secret, finished and binder keys; every name but the secret ends
 * in "_key". */
static void syn_flood(struct reread *rr, int n)
{
	static const struct {
		enum owner owner;
		const char *name, *label;
	} other[] = {
		{ OWNER_CLIENT, "client_ephemeral_private_key", NULL },
		{ OWNER_CLIENT, "client_ephemeral_public_key", NULL },
		{ OWNER_CLIENT, "ecdhe_shared_secret", NULL },
		{ OWNER_CLIENT, "client_finished_key", "finished" },
		{ OWNER_CLIENT, "server_finished_key", "finished" },
		{ OWNER_CLIENT, "binder_key", "res binder" },
	};
	uint8_t junk[32];

	for (int i = 0; i < n; i++) {
		memset(junk, 0xa0 + i, sizeof junk);
		syn_key(rr, other[i % 6].owner, other[i % 6].name, other[i % 6].label, junk, sizeof junk);
	}
}

/* The frame and its record go into rr; then read it back: decrypted? */
static void syn_check(struct reread *rr, struct syn *y)
{
	struct event ev = { .type = EV_RECORD, .conn = 1, .dir = DIR_C2S };
	struct reread_src src = { .seek = syn_seek, .next = syn_next, .ctx = y };
	struct one got = { .base.emit = one_emit };

	reread_data(rr, 1, DIR_C2S, &y->pkt, y->pkt.payload, y->pkt.payload_len, 0, 0, 1);
	ev.u.record.index = 0;
	ev.u.record.stream_off = 0;
	ev.u.record.encrypted = true;
	ev.u.record.content_type = 23;
	reread_event(rr, &ev, 0x0304, "TLS_AES_128_GCM_SHA256");
	assert_int_equal(reread_record(rr, &src, 1, DIR_C2S, 0, &got.base), 0);
	assert_int_equal(got.records, 1);
	assert_true(got.rec->u.record.decrypted);
	assert_int_equal(got.rec->u.record.plain_len, strlen(SYN_PLAIN));
	assert_memory_equal(got.rec->u.record.plain, SYN_PLAIN, strlen(SYN_PLAIN));
	assert_int_equal(got.app, 1);
	event_free(got.rec);
}

/* The baseline: key, IV, record. */
static void test_pair_plain(void **state)
{
	struct reread *rr = reread_new();
	struct syn y;

	(void)state;
	syn_build(&y);
	syn_key(rr, OWNER_OBSERVER, "client_application_key", "key", y.key, sizeof y.key);
	syn_key(rr, OWNER_OBSERVER, "client_application_iv", "iv", y.iv, sizeof y.iv);
	syn_check(rr, &y);
	reread_free(rr);
}

/* More session-only keys after the pair than a bounded list of recent keys
 * holds: the pair must not be pushed out by keys that protect nothing. */
static void test_pair_after_flood(void **state)
{
	struct reread *rr = reread_new();
	struct syn y;

	(void)state;
	syn_build(&y);
	syn_key(rr, OWNER_OBSERVER, "client_application_key", "key", y.key, sizeof y.key);
	syn_key(rr, OWNER_OBSERVER, "client_application_iv", "iv", y.iv, sizeof y.iv);
	syn_flood(rr, 40);
	syn_check(rr, &y);
	reread_free(rr);
}

/* Session-only keys between a key and its IV: the IV still goes with its key. */
static void test_pair_across_others(void **state)
{
	struct reread *rr = reread_new();
	struct syn y;

	(void)state;
	syn_build(&y);
	syn_key(rr, OWNER_OBSERVER, "client_application_key", "key", y.key, sizeof y.key);
	syn_flood(rr, 20);
	syn_key(rr, OWNER_OBSERVER, "client_application_iv", "iv", y.iv, sizeof y.iv);
	syn_check(rr, &y);
	reread_free(rr);
}

/* Two generations' keys, then both IVs (each key and IV derived from its
 * own secret in any order): each IV goes with the key of its generation. */
static void test_pair_by_generation(void **state)
{
	static const uint8_t other_key[16] = { 0x11 }, other_iv[12] = { 0x22 };
	struct reread *rr = reread_new();
	struct syn y;

	(void)state;
	syn_build(&y);
	syn_key(rr, OWNER_OBSERVER, "client_application_key_1", "key", y.key, sizeof y.key);
	syn_key(rr, OWNER_OBSERVER, "client_application_key_2", "key", other_key, sizeof other_key);
	syn_key(rr, OWNER_OBSERVER, "client_application_iv_1", "iv", y.iv, sizeof y.iv);
	syn_key(rr, OWNER_OBSERVER, "client_application_iv_2", "iv", other_iv, sizeof other_iv);
	syn_check(rr, &y);
	reread_free(rr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_files),
		cmocka_unit_test(test_live_frames),
		cmocka_unit_test(test_bad_requests),
		cmocka_unit_test(test_pair_plain),
		cmocka_unit_test(test_pair_after_flood),
		cmocka_unit_test(test_pair_across_others),
		cmocka_unit_test(test_pair_by_generation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
