/* Parallel opening of application-data records in replay: while a feed is
 * cut into records, the records a direction would open with its current
 * keys and nothing else are queued; at the end of the feed (or when a record
 * needs the sequential path, or the queue is full) worker threads and the
 * caller open the queued records at once, each with its own sequence number,
 * and the caller then decodes them strictly in order. A result is used only
 * while every earlier record of the batch was plain application data that
 * opened; anything else (a handshake message such as KeyUpdate, an alert, an
 * authentication failure) is decoded again by the sequential path, so the
 * events are those of the sequential decoder, byte for byte. */
#include "tls/tlsdec_int.h"

#include "core/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Queue cap: 32 records (about 590 KB of ciphertext), one pool per process. */
#define PAR_SLOTS 32
#define PAR_MAX_THREADS 4

struct par_slot {
	struct record_view rv;
	struct tlsdec_pre pre;
	bool done;
	uint8_t rec[RECORD_HDR + RECORD_MAX_FRAG];
	uint8_t plain[RECORD_MAX_FRAG + 64];
};

static pthread_mutex_t par_ref_mu = PTHREAD_MUTEX_INITIALIZER; /* refs, start, stop */
static pthread_mutex_t par_use = PTHREAD_MUTEX_INITIALIZER;    /* one feed at a time */
static pthread_mutex_t par_mu = PTHREAD_MUTEX_INITIALIZER;     /* the batch below */
static pthread_cond_t par_work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t par_fin = PTHREAD_COND_INITIALIZER;
static unsigned par_refs, par_want, par_nworkers; /* references, threads wanted, started */
static pthread_t par_th[PAR_MAX_THREADS];
static struct par_slot *par_slot;
static size_t par_q;             /* records queued by the feed (caller only) */
static size_t par_hw;            /* slots ever used: their plaintext is wiped at the end */
static size_t par_n, par_next;   /* published batch size, next slot to claim */
static bool par_stop;
static struct protect par_prot;  /* the batch's keys; seq is slot 0's */
static uint64_t par_used;        /* results opened in advance and used (tests) */

/* Open queued slot i with the batch keys and its own sequence number. */
static void par_open(size_t i)
{
	struct par_slot *s = &par_slot[i];

	s->pre.rc = protect_open_seq(&par_prot, par_prot.seq + i, s->rec, s->rec + RECORD_HDR,
				     s->rv.length, s->plain, sizeof s->plain, &s->pre.res);
	s->pre.plain = s->plain;
}

/* Claim and open slots of the published batch until none is left; called
 * and returns with par_mu held. */
static void par_claim_all(void)
{
	while (par_next < par_n) {
		size_t i = par_next++;

		pthread_mutex_unlock(&par_mu);
		par_open(i);
		pthread_mutex_lock(&par_mu);
		par_slot[i].done = true;
		pthread_cond_broadcast(&par_fin);
	}
}

/* A worker: opens slots of each published batch until told to stop. */
static void *par_worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&par_mu);
	while (!par_stop) {
		if (par_next >= par_n) {
			pthread_cond_wait(&par_work, &par_mu);
			continue;
		}
		par_claim_all();
	}
	pthread_mutex_unlock(&par_mu);
	return NULL;
}

/* Start the workers if not yet (the first batch that has work for them). */
static void par_start(void)
{
	pthread_mutex_lock(&par_ref_mu);
	while (par_nworkers + 1 < par_want &&
	       pthread_create(&par_th[par_nworkers], NULL, par_worker, NULL) == 0)
		par_nworkers++;
	if (par_nworkers + 1 < par_want)
		par_want = par_nworkers + 1; /* no more threads: the caller opens the rest */
	pthread_mutex_unlock(&par_ref_mu);
}

/* Decode the queued records of dir in order, opening them in parallel first. */
static void par_flush(struct tlsdec *d, enum dir dir)
{
	struct dirst *st = tlsdec_dir(d, dir);
	size_t n = par_q;
	bool ok = true;

	par_q = 0;
	if (n == 0)
		return;
	if (n == 1) {
		tlsdec_record(d, dir, &par_slot[0].rv, NULL);
		return;
	}
	if (protect_copy(&par_prot, &st->prot) < 0) { /* no cipher: the sequential path says why */
		for (size_t i = 0; i < n; i++)
			tlsdec_record(d, dir, &par_slot[i].rv, NULL);
		return;
	}
	par_start();
	pthread_mutex_lock(&par_mu);
	for (size_t i = 0; i < n; i++)
		par_slot[i].done = false;
	par_n = n;
	par_next = 0;
	pthread_cond_broadcast(&par_work);
	par_claim_all();
	pthread_mutex_unlock(&par_mu);
	for (size_t i = 0; i < n; i++) {
		struct par_slot *s = &par_slot[i];

		pthread_mutex_lock(&par_mu);
		while (!s->done)
			pthread_cond_wait(&par_fin, &par_mu);
		pthread_mutex_unlock(&par_mu);
		/* the state the sequential decoder would open this record in */
		if (ok && !(s->pre.rc == 0 && s->pre.res.inner_type == 23 && st->keys &&
			    !st->seq_unsure && st->prot.seq == par_prot.seq + i))
			ok = false;
		par_used += ok;
		tlsdec_record(d, dir, &s->rv, ok ? &s->pre : NULL);
	}
	pthread_mutex_lock(&par_mu);
	par_n = par_next = 0;
	pthread_mutex_unlock(&par_mu);
	protect_wipe(&par_prot);
}

/* A complete record during a parallel feed: queue it or decode it now. */
static void par_record(struct tlsdec *d, enum dir dir, const struct record_view *r)
{
	struct par_slot *s;

	if (!par_slot && !(par_slot = calloc(PAR_SLOTS, sizeof *par_slot))) {
		tlsdec_record(d, dir, r, NULL); /* no memory for a queue: sequential */
		return;
	}
	if (!tlskeys_steady(d, dir, r)) {
		par_flush(d, dir);
		tlsdec_record(d, dir, r, NULL);
		return;
	}
	s = &par_slot[par_q++];
	if (par_q > par_hw)
		par_hw = par_q;
	memcpy(s->rec, r->bytes, r->len);
	s->rv = *r;
	s->rv.bytes = s->rec;
	if (par_q == PAR_SLOTS)
		par_flush(d, dir);
}

/* Record-layer callbacks of a parallel feed. */
static void par_record_cb(void *ctx, const struct record_view *r)
{
	struct tlsdec_feed_ctx *f = ctx;

	par_record(f->d, f->dir, r);
}

static void par_error_cb(void *ctx, int code, uint64_t off)
{
	struct tlsdec_feed_ctx *f = ctx;

	par_flush(f->d, f->dir);
	tlsdec_error(f->d, f->dir, code, off);
}

/* Feed with the pool; false (nothing done) when another feed holds it. */
bool tlspar_feed(struct tlsdec *d, enum dir dir, const uint8_t *data, size_t len, uint64_t off)
{
	struct tlsdec_feed_ctx f = { d, dir };
	struct record_sink sink = { par_record_cb, par_error_cb, &f };

	if (pthread_mutex_trylock(&par_use) != 0)
		return false;
	par_q = 0;
	record_stream_feed(&tlsdec_dir(d, dir)->rs, data, len, off, &sink);
	par_flush(d, dir);
	pthread_mutex_unlock(&par_use);
	return true;
}

/* How many records so far were decoded from results opened in advance. */
uint64_t tlspar_used(void)
{
	uint64_t n;

	pthread_mutex_lock(&par_use);
	n = par_used;
	pthread_mutex_unlock(&par_use);
	return n;
}

/* Take a reference on the pool; workers (nthreads - 1) and the queue are
 * made when first needed. */
int tlspar_acquire(unsigned nthreads)
{
	if (nthreads > PAR_MAX_THREADS)
		nthreads = PAR_MAX_THREADS;
	pthread_mutex_lock(&par_ref_mu);
	if (par_refs++ == 0) {
		par_want = nthreads;
		par_stop = false;
	}
	pthread_mutex_unlock(&par_ref_mu);
	return 0;
}

/* Drop a reference; the last one stops the workers and wipes the slots. */
void tlspar_release(void)
{
	pthread_mutex_lock(&par_use); /* lock order: par_use, par_ref_mu, par_mu */
	pthread_mutex_lock(&par_ref_mu);
	if (par_refs && --par_refs == 0) {
		pthread_mutex_lock(&par_mu);
		par_stop = true;
		pthread_cond_broadcast(&par_work);
		pthread_mutex_unlock(&par_mu);
		for (unsigned i = 0; i < par_nworkers; i++)
			pthread_join(par_th[i], NULL);
		par_nworkers = 0;
		for (size_t i = 0; par_slot && i < par_hw; i++) /* decrypted plaintext */
			explicit_bzero(par_slot[i].plain, sizeof par_slot[i].plain);
		par_hw = 0;
		free(par_slot);
		par_slot = NULL;
	}
	pthread_mutex_unlock(&par_ref_mu);
	pthread_mutex_unlock(&par_use);
}
