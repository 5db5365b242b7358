/* A thread-safe queue of event copies, with a pollable wake-up fd.
 *
 * Worker threads (the live session's client and server, the capture thread)
 * emit into the queue's sink; the main loop polls evqueue_fd() next to the
 * terminal and drains with evqueue_pop(). Emitting never blocks on the
 * consumer; a full queue (cap reached) drops the event and counts it. The
 * cap holds however many producers emit at once.
 */
#ifndef TLSVIZ_EVQUEUE_H
#define TLSVIZ_EVQUEUE_H

#include "core/event.h"

struct evqueue;

/* A queue that holds at most cap events (0: a default of 1<<20). */
struct evqueue *evqueue_new(size_t cap);
void evqueue_free(struct evqueue *q);
/* The sink producers emit into (thread-safe, copies the event). */
struct sink *evqueue_sink(struct evqueue *q);
/* Next event or NULL when empty; the caller event_free()s it. */
struct event *evqueue_pop(struct evqueue *q);
/* Wait up to timeout_ms (-1: forever) until an event is queued; 1 if one is. */
int evqueue_wait(struct evqueue *q, int timeout_ms);
/* A file descriptor readable while events are queued (for poll()). */
int evqueue_fd(struct evqueue *q);
/* Events queued now (at most the cap). */
size_t evqueue_len(struct evqueue *q);
/* Events dropped because the queue was full (or copying one ran out of
 * memory). */
size_t evqueue_dropped(struct evqueue *q);

#endif
