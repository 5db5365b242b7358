/* Mutex + condition queue of event copies, with a pipe for poll(). */
#include "core/evqueue.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct node {
	struct event *ev;
	struct node *next;
};

struct evqueue {
	struct sink sink;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct node *head, *tail;
	size_t n, cap, dropped;
	int pipefd[2];
};

/* Copy an event into the queue, or count it as dropped when the queue is
 * full or memory runs out. The copy is made outside the lock (it may be
 * large); the cap is checked again under the lock that appends, since other
 * producers may have filled the queue meanwhile. */
static void evqueue_emit(struct sink *self, const struct event *ev)
{
	struct evqueue *q = (struct evqueue *)self;
	struct node *nd;
	struct event *copy;
	bool full;
	char b = 1;

	/* a full queue stays full for a while: drop without copying */
	pthread_mutex_lock(&q->mu);
	full = q->n >= q->cap;
	if (full)
		q->dropped++;
	pthread_mutex_unlock(&q->mu);
	if (full)
		return;

	copy = event_dup(ev);
	nd = malloc(sizeof *nd);
	pthread_mutex_lock(&q->mu);
	if (!copy || !nd || q->n >= q->cap) {
		q->dropped++;
		pthread_mutex_unlock(&q->mu);
		event_free(copy);
		free(nd);
		return;
	}
	nd->ev = copy;
	nd->next = NULL;
	if (q->tail)
		q->tail->next = nd;
	else
		q->head = nd;
	q->tail = nd;
	if (q->n++ == 0)
		(void)!write(q->pipefd[1], &b, 1);
	pthread_cond_signal(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* Make a queue. */
struct evqueue *evqueue_new(size_t cap)
{
	struct evqueue *q = calloc(1, sizeof *q);

	if (!q)
		return NULL;
	if (pipe(q->pipefd) < 0) {
		free(q);
		return NULL;
	}
	fcntl(q->pipefd[0], F_SETFL, O_NONBLOCK);
	fcntl(q->pipefd[1], F_SETFL, O_NONBLOCK);
	fcntl(q->pipefd[0], F_SETFD, FD_CLOEXEC);
	fcntl(q->pipefd[1], F_SETFD, FD_CLOEXEC);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	q->cap = cap ? cap : (size_t)1 << 20;
	q->sink.emit = evqueue_emit;
	return q;
}

/* Free a queue and whatever is still in it. */
void evqueue_free(struct evqueue *q)
{
	struct event *ev;

	if (!q)
		return;
	while ((ev = evqueue_pop(q)))
		event_free(ev);
	close(q->pipefd[0]);
	close(q->pipefd[1]);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q);
}

struct sink *evqueue_sink(struct evqueue *q)
{
	return &q->sink;
}

/* Take the oldest event. */
struct event *evqueue_pop(struct evqueue *q)
{
	struct node *nd;
	struct event *ev = NULL;
	char buf[64];

	pthread_mutex_lock(&q->mu);
	nd = q->head;
	if (nd) {
		q->head = nd->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
		ev = nd->ev;
		free(nd);
	}
	if (q->n == 0)
		while (read(q->pipefd[0], buf, sizeof buf) > 0)
			;
	pthread_mutex_unlock(&q->mu);
	return ev;
}

/* Wait until something is queued or the timeout passes. */
int evqueue_wait(struct evqueue *q, int timeout_ms)
{
	struct timespec dl;
	int r = 0;

	clock_gettime(CLOCK_REALTIME, &dl);
	if (timeout_ms >= 0) {
		dl.tv_sec += timeout_ms / 1000;
		dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
	}
	pthread_mutex_lock(&q->mu);
	while (q->n == 0 && r == 0) {
		if (timeout_ms < 0)
			r = pthread_cond_wait(&q->cv, &q->mu);
		else
			r = pthread_cond_timedwait(&q->cv, &q->mu, &dl);
	}
	r = q->n > 0;
	pthread_mutex_unlock(&q->mu);
	return r;
}

int evqueue_fd(struct evqueue *q)
{
	return q->pipefd[0];
}

size_t evqueue_len(struct evqueue *q)
{
	size_t n;

	pthread_mutex_lock(&q->mu);
	n = q->n;
	pthread_mutex_unlock(&q->mu);
	return n;
}

size_t evqueue_dropped(struct evqueue *q)
{
	size_t d;

	pthread_mutex_lock(&q->mu);
	d = q->dropped;
	pthread_mutex_unlock(&q->mu);
	return d;
}
