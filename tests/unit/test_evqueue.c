/* Unit tests for the event queue: FIFO order across threads, copies (the
 * producer's buffers may go away), the wake-up fd, the cap and its count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <pthread.h>
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
	for (int i = 0; i < 3; i++) {
		e = evqueue_pop(q);
		assert_non_null(e);
		event_free(e);
	}
	assert_null(evqueue_pop(q));
	assert_int_equal(poll(&pfd, 1, 0), 0); /* drained: not readable again */
	evqueue_free(q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_keep_order),
		cmocka_unit_test(test_fd_and_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
