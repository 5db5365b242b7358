/* Unit tests for the event queue: FIFO order across threads, copies (the
 * producer's buffers may go away), the wake-up fd, the cap and its count,
 * and the cap under producers that race each other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/evqueue.h"

#define PER_THREAD 5000

struct prod {
	struct evqueue *q;
	uint32_t id;
};

static void *producer(void *arg)
{
	struct prod *p = arg;

	for (uint64_t i = 0; i < PER_THREAD; i++) {
		char text[32];
		struct event ev = { .type = EV_NOTE, .conn = p->id, .seq = i };

		snprintf(text, sizeof text, "n%u-%llu", p->id, (unsigned long long)i);
		ev.u.note.text = text;
		sink_emit(evqueue_sink(p->q), &ev);
	}
	return NULL;
}

static void test_threads_keep_order(void **state)
{
	struct evqueue *q = evqueue_new(0);
	pthread_t th[2];
	struct prod p[2] = { { q, 1 }, { q, 2 } };
	uint64_t next[3] = { 0 };
	struct event *ev;
	int got = 0;

	(void)state;
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, producer, &p[i]);
	while (got < 2 * PER_THREAD) {
		if (!evqueue_wait(q, 2000))
			fail_msg("queue stalled at %d events", got);
		while ((ev = evqueue_pop(q))) {
			char want[32];

			assert_int_equal(ev->seq, next[ev->conn]); /* per-producer FIFO */
			snprintf(want, sizeof want, "n%u-%llu", ev->conn, (unsigned long long)ev->seq);
			assert_string_equal(ev->u.note.text, want);
			next[ev->conn]++;
			got++;
			event_free(ev);
		}
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_null(evqueue_pop(q));
	assert_int_equal(evqueue_dropped(q), 0);
	evqueue_free(q);
}

static void test_fd_and_cap(void **state)
{
	struct evqueue *q = evqueue_new(3);
	struct pollfd pfd = { .events = POLLIN };
	struct event ev = { .type = EV_END };
	struct event *e;

	(void)state;
	pfd.fd = evqueue_fd(q);
	assert_int_equal(poll(&pfd, 1, 0), 0); /* empty: not readable */
	assert_int_equal(evqueue_wait(q, 10), 0);
	for (int i = 0; i < 5; i++) /* two over the cap */
		sink_emit(evqueue_sink(q), &ev);
	assert_int_equal(poll(&pfd, 1, 0), 1);
	assert_int_equal(evqueue_dropped(q), 2);
	assert_int_equal(evqueue_len(q), 3);
	for (int i = 0; i < 3; i++) {
		e = evqueue_pop(q);
		assert_non_null(e);
		event_free(e);
	}
	assert_null(evqueue_pop(q));
	assert_int_equal(poll(&pfd, 1, 0), 0); /* drained: not readable again */
	evqueue_free(q);
}

#define RACE_PRODUCERS 4
#define RACE_CAP 4
#define RACE_POPS 5000              /* the consumer stops the run after this many */
#define RACE_MAX_PER_THREAD 2000000 /* a bound on each producer, should the consumer starve */

struct race {
	struct evqueue *q;
	pthread_barrier_t go;
	atomic_bool stop;
	atomic_int running;         /* producers not yet finished */
	atomic_size_t emitted;
};

/* Emit until told to stop, then say how many. The events carry 16 KiB, so
 * that copying one takes a while. */
static void *race_producer(void *arg)
{
	static uint8_t bytes[16384];
	struct race *r = arg;
	struct event ev = { .type = EV_APP_DATA };
	size_t i;

	ev.u.app.data = bytes;
	ev.u.app.len = sizeof bytes;
	pthread_barrier_wait(&r->go);
	for (i = 0; i < RACE_MAX_PER_THREAD && !atomic_load(&r->stop); i++)
		sink_emit(evqueue_sink(r->q), &ev);
	atomic_fetch_add(&r->emitted, i);
	atomic_fetch_sub(&r->running, 1);
	return NULL;
}

/* Several producers on a small queue while the consumer drains it: the
 * queue never holds more than its cap, and every event is either popped or
 * counted as dropped. */
static void test_cap_under_racing_producers(void **state)
{
	struct race r = { .q = evqueue_new(RACE_CAP) };
	pthread_t th[RACE_PRODUCERS];
	size_t popped = 0, most = 0, len;
	struct event *ev;

	(void)state;
	assert_non_null(r.q);
	atomic_init(&r.stop, false);
	atomic_init(&r.running, RACE_PRODUCERS);
	atomic_init(&r.emitted, 0);
	pthread_barrier_init(&r.go, NULL, RACE_PRODUCERS + 1);
	for (int i = 0; i < RACE_PRODUCERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race_producer, &r), 0);
	pthread_barrier_wait(&r.go);
	while (popped < RACE_POPS && atomic_load(&r.running) > 0) {
		len = evqueue_len(r.q);
		if (len > most)
			most = len;
		if ((ev = evqueue_pop(r.q))) {
			popped++;
			event_free(ev);
		}
	}
	atomic_store(&r.stop, true);
	for (int i = 0; i < RACE_PRODUCERS; i++)
		pthread_join(th[i], NULL);
	len = evqueue_len(r.q);
	if (len > most)
		most = len;
	while ((ev = evqueue_pop(r.q))) {
		popped++;
		event_free(ev);
	}
	assert_int_equal(evqueue_len(r.q), 0);
	if (most > RACE_CAP)
		fail_msg("the queue held %zu events; its cap is %d", most, RACE_CAP);
	assert_int_equal(popped + evqueue_dropped(r.q), atomic_load(&r.emitted));
	pthread_barrier_destroy(&r.go);
	evqueue_free(r.q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_keep_order),
		cmocka_unit_test(test_fd_and_cap),
		cmocka_unit_test(test_cap_under_racing_producers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
