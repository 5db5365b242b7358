/* Unit tests for parallel record opening (src/tls/tlspar.c): every capture
 * in captures/ (through the replay engine) and every stream fixture in
 * tests/data/tls/ (through the decoder, fed per segment, per direction run
 * and in tiny chunks) is decoded with 1 and with 2 and 4 threads; every
 * event is serialised (type, seq, conn, dir, time, all fields, all bytes)
 * and the streams must be identical. A multi-MB live session with
 * KeyUpdates is decoded the same ways; there the pool must actually have
 * been used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "core/hex.h"
#include "engine/engine.h"
#include "keys/keys.h"
#include "tls/tlsdec.h"
#include "tls/tlsdec_int.h"

/* ---- serialising sink ---- */

struct ser {
	struct sink base;
	uint8_t *buf;
	size_t len, cap;
	size_t events;
};

static void ser_put(struct ser *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		size_t nc = s->cap ? s->cap : 1 << 16;

		while (nc < s->len + n)
			nc *= 2;
		s->buf = realloc(s->buf, nc);
		assert_non_null(s->buf);
		s->cap = nc;
	}
	if (n)
		memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void ser_u64(struct ser *s, uint64_t v)
{
	ser_put(s, &v, sizeof v);
}

/* A length-prefixed byte array (NULL and empty differ). */
static void ser_bytes(struct ser *s, const void *p, size_t n)
{
	ser_u64(s, p ? n : UINT64_MAX);
	if (p)
		ser_put(s, p, n);
}

static void ser_str(struct ser *s, const char *str)
{
	ser_bytes(s, str, str ? strlen(str) : 0);
}

static void ser_emit(struct sink *self, const struct event *ev)
{
	struct ser *s = (struct ser *)self;

	s->events++;
	ser_u64(s, ev->type);
	ser_u64(s, ev->seq);
	ser_u64(s, ev->conn);
	ser_u64(s, ev->dir);
	/* notes, errors and the end of the engine carry the wall clock */
	if (ev->type != EV_NOTE && ev->type != EV_END && !(ev->type == EV_ERROR && ev->conn == 0))
		ser_u64(s, ev->ts_us);
	switch (ev->type) {
	case EV_CONN:
		ser_str(s, ev->u.conn.client);
		ser_str(s, ev->u.conn.server);
		ser_str(s, ev->u.conn.source);
		break;
	case EV_PACKET: {
		const struct ev_packet *p = &ev->u.packet;

		ser_u64(s, p->frame);
		ser_u64(s, (uint64_t)p->linktype);
		ser_u64(s, p->tcp_flags);
		ser_u64(s, p->seq);
		ser_u64(s, p->ack);
		ser_u64(s, p->window);
		ser_bytes(s, p->bytes, p->len);
		ser_u64(s, p->payload_off);
		ser_u64(s, p->payload_len);
		break;
	}
	case EV_GAP:
		ser_u64(s, ev->u.gap.stream_off);
		ser_u64(s, ev->u.gap.missing);
		break;
	case EV_RECORD: {
		const struct ev_record *r = &ev->u.record;

		ser_u64(s, r->index);
		ser_u64(s, r->stream_off);
		ser_u64(s, r->content_type);
		ser_u64(s, r->version);
		ser_u64(s, r->length);
		ser_bytes(s, r->bytes, r->len);
		ser_u64(s, (uint64_t)r->encrypted << 2 | (uint64_t)r->decrypted << 1 | r->auth_failed);
		ser_u64(s, r->inner_type);
		ser_bytes(s, r->plain, r->plain_len);
		ser_u64(s, r->plain_off);
		ser_u64(s, r->nonce_off);
		ser_u64(s, r->nonce_len);
		ser_u64(s, r->tag_off);
		ser_u64(s, r->tag_len);
		ser_str(s, r->why_not);
		break;
	}
	case EV_HANDSHAKE: {
		const struct ev_handshake *h = &ev->u.hs;

		ser_u64(s, h->msg_type);
		ser_str(s, h->msg);
		ser_bytes(s, h->bytes, h->len);
		ser_u64(s, h->encrypted);
		ser_u64(s, h->record_index);
		ser_u64(s, h->record_off);
		ser_u64(s, h->nfields);
		for (size_t i = 0; i < h->nfields; i++) {
			ser_u64(s, h->fields[i].depth);
			ser_str(s, h->fields[i].name);
			ser_str(s, h->fields[i].value);
			ser_u64(s, h->fields[i].off);
			ser_u64(s, h->fields[i].len);
		}
		break;
	}
	case EV_ALERT:
		ser_u64(s, ev->u.alert.level);
		ser_u64(s, ev->u.alert.desc);
		ser_str(s, ev->u.alert.level_name);
		ser_str(s, ev->u.alert.desc_name);
		ser_u64(s, ev->u.alert.encrypted);
		break;
	case EV_APP_DATA:
		ser_u64(s, ev->u.app.record_index);
		ser_bytes(s, ev->u.app.data, ev->u.app.len);
		break;
	case EV_KEY:
		ser_str(s, ev->u.key.name);
		ser_u64(s, ev->u.key.owner);
		ser_bytes(s, ev->u.key.value, ev->u.key.len);
		ser_str(s, ev->u.key.label);
		ser_str(s, ev->u.key.derivation);
		ser_str(s, ev->u.key.stage);
		break;
	case EV_STAGE:
		ser_u64(s, ev->u.stage.index);
		ser_str(s, ev->u.stage.name);
		ser_str(s, ev->u.stage.title);
		ser_u64(s, ev->u.stage.dir);
		ser_u64(s, (uint64_t)ev->u.stage.held << 1 | ev->u.stage.has_bytes);
		ser_u64(s, ev->u.stage.stream_off);
		break;
	case EV_NOTE:
		ser_str(s, ev->u.note.level);
		ser_str(s, ev->u.note.text);
		break;
	case EV_ERROR:
		ser_u64(s, (uint64_t)(int64_t)ev->u.error.code);
		ser_str(s, ev->u.error.what);
		ser_str(s, ev->u.error.text);
		ser_u64(s, ev->u.error.offset);
		break;
	default:
		break;
	}
}

static void ser_init(struct ser *s)
{
	memset(s, 0, sizeof *s);
	s->base.emit = ser_emit;
}

/* The two serialisations are identical (first difference reported). */
static void ser_same(const char *what, const struct ser *a, const struct ser *b)
{
	size_t n = a->len < b->len ? a->len : b->len, i = 0;

	while (i < n && a->buf[i] == b->buf[i])
		i++;
	if (a->len != b->len || i < n)
		fail_msg("%s: event streams differ at byte %zu (%zu/%zu events, %zu/%zu bytes)", what, i,
			 a->events, b->events, a->len, b->len);
}

/* ---- through the replay engine ---- */

/* Replay file with key log keys (may be NULL) on nthreads threads into s. */
static void replay(const char *file, const char *keys, const char *threads, struct ser *s)
{
	struct engine_opts o = { .mode = ENGINE_REPLAY, .file = file, .keylog_in = keys };
	struct engine *e;
	int rc;

	ser_init(s);
	assert_int_equal(setenv("TLSVIZ_THREADS", threads, 1), 0);
	assert_int_equal(engine_open(&e, &o, &s->base), 0);
	assert_int_equal(engine_start(e), 0);
	for (int i = 0; i < 10000000 && (rc = engine_poll(e, 256)) > 0; i++)
		;
	assert_int_equal(engine_poll(e, 1), 0);
	engine_close(e);
	unsetenv("TLSVIZ_THREADS");
}

/* Replay with 1, 2 and 4 threads: the same events. */
static void replay_compare(const char *file, const char *keys)
{
	static const char *const threads[] = { "2", "4" };
	struct ser one, many;

	replay(file, keys, "1", &one);
	assert_true(one.events > 0);
	for (size_t t = 0; t < 2; t++) {
		replay(file, keys, threads[t], &many);
		ser_same(file, &one, &many);
		free(many.buf);
	}
	free(one.buf);
}

/* Every capture of captures/, with its key log (tampered ones with the
 * untampered one's), and once without keys. */
static void test_captures(void **state)
{
	DIR *dir = opendir(TLSVIZ_SOURCE_DIR "/captures");
	struct dirent *de;
	int n = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		char file[512], keys[512];
		size_t len = strlen(de->d_name);
		const char *base = de->d_name;

		if (len < 8 || strcmp(de->d_name + len - 7, ".pcapng"))
			continue;
		if (!strncmp(base, "tampered-", 9))
			base += 9;
		snprintf(file, sizeof file, "%s/captures/%s", TLSVIZ_SOURCE_DIR, de->d_name);
		snprintf(keys, sizeof keys, "%s/captures/%.*s.keys", TLSVIZ_SOURCE_DIR,
			 (int)(strlen(base) - 7), base);
		replay_compare(file, access(keys, R_OK) == 0 ? keys : NULL);
		replay_compare(file, NULL);
		n++;
	}
	closedir(dir);
	assert_true(n >= 20);
}

/* ---- through the decoder, from the stream fixtures ---- */

enum feed_mode { FEED_SEGMENTS, FEED_RUNS, FEED_CHUNKS };

/* One stream file: lines "C <hex>" / "S <hex>". */
struct seg {
	enum dir dir;
	uint8_t *p;
	size_t n;
};

static size_t load_stream(const char *path, struct seg *v, size_t max)
{
	FILE *f = fopen(path, "r");
	static char line[1 << 17];
	size_t k = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f) && k < max) {
		size_t n = strcspn(line + 2, "\r\n");

		v[k].dir = line[0] == 'C' ? DIR_C2S : DIR_S2C;
		v[k].p = malloc(n / 2 + 1);
		assert_non_null(v[k].p);
		assert_true(hex_decode(line + 2, n, v[k].p, n / 2 + 1) >= 0);
		v[k].n = n / 2;
		k++;
	}
	fclose(f);
	return k;
}

/* Decode the segments on nthreads threads with the given feeding. */
static void decode(const struct seg *v, size_t nseg, struct keystore *ks, unsigned nthreads,
		   enum feed_mode mode, struct ser *s)
{
	struct tlsdec *d;
	uint64_t off[3] = { 0 };
	uint8_t *run = NULL;
	size_t runlen = 0;

	ser_init(s);
	d = tlsdec_new(1, ks, &s->base);
	assert_non_null(d);
	tlsdec_set_parallel(d, nthreads);
	for (size_t i = 0; i < nseg; i++) {
		enum dir dir = v[i].dir;

		if (mode == FEED_SEGMENTS) {
			assert_int_equal(tlsdec_feed(d, dir, v[i].p, v[i].n, off[dir], i + 1), 0);
		} else if (mode == FEED_CHUNKS) {
			for (size_t k = 0; k < v[i].n; k += 7) {
				size_t n = v[i].n - k < 7 ? v[i].n - k : 7;

				assert_int_equal(tlsdec_feed(d, dir, v[i].p + k, n, off[dir] + k, i + 1), 0);
			}
		} else {
			/* consecutive segments of one direction as one feed */
			run = realloc(run, runlen + v[i].n + 1);
			assert_non_null(run);
			memcpy(run + runlen, v[i].p, v[i].n);
			runlen += v[i].n;
			if (i + 1 == nseg || v[i + 1].dir != dir) {
				assert_int_equal(tlsdec_feed(d, dir, run, runlen, off[dir] + v[i].n - runlen, i + 1), 0);
				runlen = 0;
			}
		}
		off[dir] += v[i].n;
	}
	tlsdec_end(d);
	tlsdec_free(d);
	free(run);
}

static void test_stream_fixtures(void **state)
{
	DIR *dir = opendir(TLSVIZ_SOURCE_DIR "/tests/data/tls");
	struct dirent *de;
	static struct seg v[4096];
	int files = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		char path[512], keys[512];
		size_t len = strlen(de->d_name), nseg;
		struct keystore *ks;
		const char *dot;

		if (len < 8 || strcmp(de->d_name + len - 7, ".stream"))
			continue;
		dot = strchr(de->d_name, '.');
		snprintf(path, sizeof path, "%s/tests/data/tls/%s", TLSVIZ_SOURCE_DIR, de->d_name);
		snprintf(keys, sizeof keys, "%s/tests/data/tls/%.*s.keys", TLSVIZ_SOURCE_DIR,
			 (int)(dot - de->d_name), de->d_name);
		ks = keystore_new();
		assert_non_null(ks);
		assert_true(keystore_load_keylog_file(ks, keys, NULL) > 0);
		nseg = load_stream(path, v, sizeof v / sizeof v[0]);
		for (int mode = FEED_SEGMENTS; mode <= FEED_CHUNKS; mode++) {
			struct ser one, many;

			decode(v, nseg, ks, 1, (enum feed_mode)mode, &one);
			assert_true(one.events > 0);
			for (unsigned t = 2; t <= 4; t += 2) {
				decode(v, nseg, ks, t, (enum feed_mode)mode, &many);
				ser_same(path, &one, &many);
				free(many.buf);
			}
			free(one.buf);
		}
		for (size_t i = 0; i < nseg; i++)
			free(v[i].p);
		keystore_free(ks);
		files++;
	}
	closedir(dir);
	assert_true(files >= 20);
}

/* The wire bytes of a live session's records, in order, as segments. */
struct wire {
	struct sink base;
	struct seg *v;
	size_t n, cap;
};

static void wire_emit(struct sink *self, const struct event *ev)
{
	struct wire *w = (struct wire *)self;
	struct seg *last = w->n ? &w->v[w->n - 1] : NULL;

	if (ev->type != EV_RECORD || ev->conn != 1)
		return;
	if (!last || last->dir != ev->dir) {
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 64;
			w->v = realloc(w->v, w->cap * sizeof *w->v);
			assert_non_null(w->v);
		}
		last = &w->v[w->n++];
		memset(last, 0, sizeof *last);
		last->dir = ev->dir;
	}
	last->p = realloc(last->p, last->n + ev->u.record.len);
	assert_non_null(last->p);
	memcpy(last->p + last->n, ev->u.record.bytes, ev->u.record.len);
	last->n += ev->u.record.len;
}

/* Cut each direction run into pieces of at most max bytes (like TCP segments). */
static size_t cut(const struct wire *w, size_t max, struct seg *out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < w->n; i++)
		for (size_t off = 0; off < w->v[i].n; off += max) {
			assert_true(k < cap);
			out[k].dir = w->v[i].dir;
			out[k].p = w->v[i].p + off;
			out[k].n = w->v[i].n - off < max ? w->v[i].n - off : max;
			k++;
		}
	return k;
}

/* A multi-MB live session with KeyUpdates in both directions (the engine
 * with the tap capture, its key log written out), decoded again from its
 * records fed as 64 KB segments (as on lo) and as whole direction runs: the
 * pool opens most records, and the events do not change. Then the saved
 * capture is replayed through the engine with 1 and 2 threads. */
static void test_big_live_session(void **state)
{
	char keys[] = "/tmp/tlsviz-par-XXXXXX.keys", file[] = "/tmp/tlsviz-par-XXXXXX.pcapng";
	struct engine_opts o = { .mode = ENGINE_LIVE, .tls_version = 0x0304, .capture = ENGINE_CAPTURE_TAP,
				 .body_bytes = 5u << 20, .scenario = "keyupdate", .keylog_out = keys };
	struct wire w = { .base.emit = wire_emit };
	static struct seg segs[4096];
	static const size_t sizes[] = { 65483, 16 * 1024 * 1024 };
	struct keystore *ks = keystore_new();
	struct ser one, two;
	struct engine *e;
	uint64_t used;
	int rc, fd;

	(void)state;
	fd = mkstemps(keys, 5);
	assert_true(fd >= 0);
	close(fd);
	fd = mkstemps(file, 7);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(engine_open(&e, &o, &w.base), 0);
	assert_int_equal(engine_start(e), 0);
	for (int i = 0; i < 10000000 && (rc = engine_poll(e, 256)) > 0; i++)
		;
	assert_int_equal(engine_poll(e, 1), 0);
	assert_int_equal(engine_save(e, file), 0);
	engine_close(e);
	assert_non_null(ks);
	assert_true(keystore_load_keylog_file(ks, keys, NULL) > 0);

	for (size_t k = 0; k < 2; k++) {
		size_t n = cut(&w, sizes[k], segs, sizeof segs / sizeof segs[0]);

		decode(segs, n, ks, 1, FEED_SEGMENTS, &one);
		used = tlspar_used();
		decode(segs, n, ks, 2, FEED_SEGMENTS, &two);
		assert_true(tlspar_used() - used > 200); /* the pool opened most records */
		assert_true(one.len > (5u << 20));       /* the plaintext is compared */
		ser_same("big live session", &one, &two);
		free(one.buf);
		free(two.buf);
	}
	replay_compare(file, NULL);
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i].p);
	free(w.v);
	keystore_free(ks);
	unlink(file);
	unlink(keys);
}

/* TLSVIZ_THREADS=1 and a decoder without set_parallel never use the pool. */
static void test_sequential_switch(void **state)
{
	char file[512], keys[512];
	struct ser s;
	uint64_t used = tlspar_used();

	(void)state;
	snprintf(file, sizeof file, "%s/captures/tls13-keyupdate.pcapng", TLSVIZ_SOURCE_DIR);
	snprintf(keys, sizeof keys, "%s/captures/tls13-keyupdate.keys", TLSVIZ_SOURCE_DIR);
	replay(file, keys, "1", &s);
	assert_int_equal(tlspar_used(), used);
	free(s.buf);
}

/* The automatic thread count: TLSVIZ_THREADS wins; else one thread with a
 * hardware cipher (the pool measured slower there), else the CPUs, at most 4. */
static void test_thread_choice(void **state)
{
	(void)state;
	assert_int_equal(tlsdec_threads("3", 2, true), 3);
	assert_int_equal(tlsdec_threads("2", 8, false), 2);
	assert_int_equal(tlsdec_threads("1", 8, false), 1);
	assert_int_equal(tlsdec_threads("9", 2, true), 4);
	assert_int_equal(tlsdec_threads("x", 8, false), 1);
	assert_int_equal(tlsdec_threads("0", 8, false), 1);
	assert_int_equal(tlsdec_threads(NULL, 2, true), 1);
	assert_int_equal(tlsdec_threads("", 2, true), 1);
	assert_int_equal(tlsdec_threads(NULL, 2, false), 2);
	assert_int_equal(tlsdec_threads(NULL, 16, false), 4);
	assert_int_equal(tlsdec_threads(NULL, 1, false), 1);
	assert_int_equal(tlsdec_threads(NULL, -1, false), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequential_switch),
		cmocka_unit_test(test_thread_choice),
		cmocka_unit_test(test_stream_fixtures),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_big_live_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
