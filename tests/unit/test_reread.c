/* Unit tests for reading records back (engine_record, src/engine/reread.c):
 * every record of a full decode must come back byte for byte, with the same
 * plaintext, from the file and from a live session's kept frames; bad
 * requests fail cleanly. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_files),
		cmocka_unit_test(test_live_frames),
		cmocka_unit_test(test_bad_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
