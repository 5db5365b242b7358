/* Unit tests for reading one connection again (engine_conn_read_*,
 * src/engine/conn_read.c): a connection read again says, as JSON Lines,
 * exactly what the engine's one reading of the whole file said about it
 * (stages, keys, records, plaintext), also for connections whose packets
 * interleave; read again before the file has been read to its end, it says
 * what the engine said so far, and the engine's reading then says the rest;
 * bad requests fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/event.h"
#include "engine/engine.h"
#include "output/views.h"

#define NCONN 3

/* Each connection's events as JSON Lines (seq cleared: each pipeline numbers its own). */
struct lines {
	struct sink base;
	FILE *f[NCONN + 1];
	char *buf[NCONN + 1];
	size_t len[NCONN + 1];
	struct sink *json[NCONN + 1];
	uint32_t conns;  /* the largest connection id seen */
};

static void lines_emit(struct sink *self, const struct event *ev)
{
	struct lines *l = (struct lines *)self;
	struct event c = *ev;

	if (!ev->conn || ev->conn > NCONN)
		return;
	if (ev->conn > l->conns)
		l->conns = ev->conn;
	c.seq = 0;
	sink_emit(l->json[ev->conn], &c);
}

static void lines_open(struct lines *l)
{
	memset(l, 0, sizeof *l);
	l->base.emit = lines_emit;
	for (int i = 1; i <= NCONN; i++) {
		l->f[i] = open_memstream(&l->buf[i], &l->len[i]);
		assert_non_null(l->f[i]);
		l->json[i] = view_json_new(l->f[i]);
		assert_non_null(l->json[i]);
	}
}

/* Connection k's text so far (stays valid until lines_close). */
static const char *lines_text(struct lines *l, int k)
{
	fflush(l->f[k]);
	return l->buf[k] ? l->buf[k] : "";
}

static void lines_close(struct lines *l)
{
	for (int i = 1; i <= NCONN; i++) {
		view_close(l->json[i]);
		fclose(l->f[i]);
		free(l->buf[i]);
	}
}

/* Read connection conn again into l, to its end. */
static void read_again(struct engine *e, uint32_t conn, struct lines *l)
{
	struct engine_conn_read *cr;
	int rc;

	assert_int_equal(engine_conn_read_open(e, conn, &l->base, &cr), 0);
	while ((rc = engine_conn_read_poll(cr, 7)) > 0)
		;
	assert_int_equal(rc, 0);
	assert_int_equal(engine_conn_read_poll(cr, 1), 0);
	engine_conn_read_close(cr);
}

/* Open an engine replaying captures/NAME.pcapng with its key log into l
 * (one at a time: the engine keeps the file name it was given). */
static struct engine *replay(const char *name, struct lines *l)
{
	static char file[512], keys[512];
	struct engine_opts o = { .mode = ENGINE_REPLAY, .file = file, .keylog_in = keys };
	struct engine *e = NULL;

	snprintf(file, sizeof file, "%s/captures/%s.pcapng", TLSVIZ_SOURCE_DIR, name);
	snprintf(keys, sizeof keys, "%s/captures/%s.keys", TLSVIZ_SOURCE_DIR, name);
	if (engine_open(&e, &o, &l->base) < 0)
		fail_msg("%s", err_msg());
	assert_int_equal(engine_start(e), 0);
	return e;
}

/* Every connection read again after the whole file says what the one
 * reading said about it: two interleaved connections, a resumption (the
 * second connection's keys), a KeyUpdate. */
static void test_same_events(void **state)
{
	static const char *const names[] = { "multi-interleaved", "tls13-resumption", "tls13-keyupdate",
					     "tls12-ecdhe-aes128gcm" };

	(void)state;
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
		struct lines first, again;
		struct engine *e;
		int rc;

		lines_open(&first);
		e = replay(names[f], &first);
		while ((rc = engine_poll(e, 64)) > 0)
			;
		assert_int_equal(rc, 0);
		assert_true(first.conns >= 1);
		lines_open(&again);
		for (uint32_t k = 1; k <= first.conns; k++) {
			read_again(e, k, &again);
			assert_non_null(strstr(lines_text(&first, (int)k), "\"type\":\"stage\""));
			assert_non_null(strstr(lines_text(&first, (int)k), "\"type\":\"app_data\""));
			if (strcmp(lines_text(&first, (int)k), lines_text(&again, (int)k)))
				fail_msg("%s: connection %u read again differs", names[f], (unsigned)k);
		}
		engine_close(e);
		lines_close(&first);
		lines_close(&again);
	}
}

/* Read again while the file is being read: what the engine said so far,
 * and the engine's reading then says the rest, as one reading would. */
static void test_mid_file(void **state)
{
	struct lines whole, first, again;
	struct engine *e;
	char *head;
	int rc, polls = 0;

	(void)state;
	lines_open(&whole);
	e = replay("multi-interleaved", &whole);
	while ((rc = engine_poll(e, 64)) > 0)
		;
	engine_close(e);

	lines_open(&first);
	e = replay("multi-interleaved", &first);
	/* one frame at a time until connection 2 has said something, then a
	   few frames more: the middle of its handshake */
	while (!lines_text(&first, 2)[0] && engine_poll(e, 1) > 0)
		polls++;
	for (int i = 0; i < 12; i++)
		assert_int_equal(engine_poll(e, 1), 1);
	head = strdup(lines_text(&first, 2));
	assert_non_null(head);
	assert_true(strlen(head) > 0);
	assert_true(strlen(head) < strlen(lines_text(&whole, 2)));

	lines_open(&again);
	read_again(e, 2, &again);
	assert_string_equal(lines_text(&again, 2), head);
	/* the engine goes on where it was: the rest, after what was read again */
	while ((rc = engine_poll(e, 64)) > 0)
		;
	assert_int_equal(rc, 0);
	assert_string_equal(lines_text(&first, 2), lines_text(&whole, 2));
	assert_true(polls > 0);
	free(head);
	engine_close(e);
	lines_close(&whole);
	lines_close(&first);
	lines_close(&again);
}

/* Bad requests: no such connection, two at once, the engine's reading
 * while one is open. */
static void test_errors(void **state)
{
	struct lines l;
	struct engine *e;
	struct engine_conn_read *cr = NULL, *cr2 = NULL;
	int rc;

	(void)state;
	lines_open(&l);
	e = replay("tls13-aes128gcm", &l);
	assert_int_equal(engine_conn_read_open(e, 1, &l.base, &cr), ERR_VALUE); /* not seen yet */
	assert_null(cr);
	while ((rc = engine_poll(e, 64)) > 0)
		;
	assert_int_equal(engine_conn_read_open(e, 0, &l.base, &cr), ERR_VALUE);
	assert_int_equal(engine_conn_read_open(e, 2, &l.base, &cr), ERR_VALUE);
	assert_int_equal(engine_conn_read_open(e, 1, &l.base, &cr), 0);
	assert_int_equal(engine_conn_read_open(e, 1, &l.base, &cr2), ERR_STATE);
	assert_null(cr2);
	assert_int_equal(engine_poll(e, 1), ERR_STATE);
	engine_conn_read_close(cr);
	assert_int_equal(engine_poll(e, 1), 0);
	/* closing one not read to its end, and the engine closing one left open */
	assert_int_equal(engine_conn_read_open(e, 1, &l.base, &cr), 0);
	assert_int_equal(engine_conn_read_poll(cr, 1), 1);
	engine_conn_read_close(cr);
	assert_int_equal(engine_conn_read_open(e, 1, &l.base, &cr), 0);
	engine_close(e);
	lines_close(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_events),
		cmocka_unit_test(test_mid_file),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
