/* Unit tests for the story model (engine/story.c): where a capture's stages
 * begin (the TCP handshake, a change of direction, handshake -> application
 * data -> alert in one direction), titles from the messages a stage held, the
 * eavesdropper's title without the names of encrypted messages, keys held
 * until the message that makes them possible, `of` from a dry run, and live
 * stages numbered from the session's EV_STAGE events and its plan. Events are
 * synthetic, fed straight into story_sink(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/story.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_PSH 0x08
#define TH_ACK 0x10
#define CAP_MAX 512

/* A sink that keeps a copy of everything. */
struct capsink {
	struct sink base;
	struct event *ev[CAP_MAX];
	int n;
};

static void cap_emit(struct sink *s, const struct event *ev)
{
	struct capsink *c = (struct capsink *)s;

	if (c->n < CAP_MAX)
		c->ev[c->n++] = event_dup(ev);
}

static void cap_clear(struct capsink *c)
{
	for (int i = 0; i < c->n; i++)
		event_free(c->ev[i]);
	c->n = 0;
}

static uint8_t zeros[2048];
static uint64_t seq_no;

/* Feed one event. */
static void put(struct story *st, struct event *ev)
{
	ev->seq = ++seq_no;
	ev->ts_us = 1000 * seq_no;
	sink_emit(story_sink(st), ev);
}

static void conn_ev(struct story *st, uint32_t c)
{
	struct event ev = { .type = EV_CONN, .conn = c };

	snprintf(ev.u.conn.client, sizeof ev.u.conn.client, "127.0.0.1:%u", 50000 + c);
	snprintf(ev.u.conn.server, sizeof ev.u.conn.server, "127.0.0.1:4433");
	ev.u.conn.source = "file";
	put(st, &ev);
}

static void packet(struct story *st, uint32_t c, enum dir d, uint8_t flags, size_t payload)
{
	struct event ev = { .type = EV_PACKET, .conn = c, .dir = d };

	ev.u.packet.frame = seq_no + 1;
	ev.u.packet.tcp_flags = flags;
	ev.u.packet.bytes = zeros;
	ev.u.packet.len = 54 + payload;
	ev.u.packet.payload_off = 54;
	ev.u.packet.payload_len = payload;
	put(st, &ev);
}

/* A record: cleartext (enc false), or encrypted and decrypted (inner != 0)
 * or not (inner 0). */
static void record(struct story *st, uint32_t c, enum dir d, uint8_t ctype, bool enc, uint8_t inner, size_t len)
{
	struct event ev = { .type = EV_RECORD, .conn = c, .dir = d };

	ev.u.record.content_type = ctype;
	ev.u.record.version = 0x0303;
	ev.u.record.length = (uint16_t)(len - 5);
	ev.u.record.bytes = zeros;
	ev.u.record.len = len;
	ev.u.record.encrypted = enc;
	ev.u.record.decrypted = enc && inner;
	ev.u.record.inner_type = enc ? inner : ctype;
	if (!enc || inner) {
		ev.u.record.plain = zeros;
		ev.u.record.plain_len = len - 5 - (enc ? 17 : 0);
	} else {
		ev.u.record.why_not = "no key";
	}
	put(st, &ev);
}

static void hs(struct story *st, uint32_t c, enum dir d, const char *msg, uint8_t type, bool enc)
{
	struct event ev = { .type = EV_HANDSHAKE, .conn = c, .dir = d };

	ev.u.hs.msg_type = type;
	ev.u.hs.msg = msg;
	ev.u.hs.bytes = zeros;
	ev.u.hs.len = 40;
	ev.u.hs.encrypted = enc;
	put(st, &ev);
}

static void ccs(struct story *st, uint32_t c, enum dir d)
{
	struct event ev = { .type = EV_CCS, .conn = c, .dir = d };

	put(st, &ev);
}

static void alert(struct story *st, uint32_t c, enum dir d, uint8_t level, uint8_t desc, const char *name, bool enc)
{
	struct event ev = { .type = EV_ALERT, .conn = c, .dir = d };

	ev.u.alert.level = level;
	ev.u.alert.desc = desc;
	ev.u.alert.level_name = level == 2 ? "fatal" : "warning";
	ev.u.alert.desc_name = name;
	ev.u.alert.encrypted = enc;
	put(st, &ev);
}

static void app(struct story *st, uint32_t c, enum dir d, const char *text)
{
	struct event ev = { .type = EV_APP_DATA, .conn = c, .dir = d };

	ev.u.app.data = (const uint8_t *)text;
	ev.u.app.len = strlen(text);
	put(st, &ev);
}

static void facts(struct story *st, uint32_t c, uint16_t version, enum kx kx, uint16_t group, const char *gname)
{
	struct event ev = { .type = EV_FACTS, .conn = c };

	ev.u.facts.version = version;
	ev.u.facts.suite = version == 0x0304 ? 0x1301 : 0xc02f;
	ev.u.facts.suite_name = version == 0x0304 ? "TLS_AES_128_GCM_SHA256" : "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
	ev.u.facts.kx = kx;
	ev.u.facts.group = group;
	ev.u.facts.group_name = gname;
	ev.u.facts.certificate = -1;
	ev.u.facts.fatal_alert = -1;
	ev.u.facts.handshake_visible = true;
	ev.u.facts.sni = "localhost";
	ev.u.facts.ch_tls13 = version == 0x0304;
	ev.u.facts.ch_shares = version == 0x0304 ? gname : NULL;
	put(st, &ev);
}

static void key(struct story *st, uint32_t c, const char *name)
{
	static const uint8_t v[32] = { 0xaa };
	struct event ev = { .type = EV_KEY, .conn = c };

	ev.u.key.name = name;
	ev.u.key.owner = OWNER_OBSERVER;
	ev.u.key.value = v;
	ev.u.key.len = sizeof v;
	put(st, &ev);
}

/* A TLS 1.3 capture with keys: TCP handshake, ClientHello, the server's
 * flight, the client's Finished, request, response, close_notify, FIN. The
 * server's handshake secret arrives before its ServerHello. */
static void feed_tls13(struct story *st)
{
	const uint32_t c = 1;

	conn_ev(st, c);
	packet(st, c, DIR_C2S, TH_SYN, 0);
	packet(st, c, DIR_S2C, TH_SYN | TH_ACK, 0);
	packet(st, c, DIR_C2S, TH_ACK, 0);
	packet(st, c, DIR_C2S, TH_PSH | TH_ACK, 250);
	record(st, c, DIR_C2S, 22, false, 0, 250);
	hs(st, c, DIR_C2S, "client_hello", 1, false);
	packet(st, c, DIR_S2C, TH_ACK, 0); /* a bare ACK back: no new stage */
	key(st, c, "server_handshake_traffic_secret");
	packet(st, c, DIR_S2C, TH_PSH | TH_ACK, 1400);
	record(st, c, DIR_S2C, 22, false, 0, 128);
	hs(st, c, DIR_S2C, "server_hello", 2, false);
	facts(st, c, 0x0304, KX_ECDHE, 0x0017, "secp256r1");
	record(st, c, DIR_S2C, 23, true, 22, 28);
	hs(st, c, DIR_S2C, "encrypted_extensions", 8, true);
	record(st, c, DIR_S2C, 23, true, 22, 900);
	hs(st, c, DIR_S2C, "certificate", 11, true);
	record(st, c, DIR_S2C, 23, true, 22, 286);
	hs(st, c, DIR_S2C, "certificate_verify", 15, true);
	record(st, c, DIR_S2C, 23, true, 22, 58);
	hs(st, c, DIR_S2C, "finished", 20, true);
	packet(st, c, DIR_C2S, TH_PSH | TH_ACK, 58);
	record(st, c, DIR_C2S, 23, true, 22, 58);
	hs(st, c, DIR_C2S, "finished", 20, true);
	/* the same direction, now application data: a new stage */
	packet(st, c, DIR_C2S, TH_PSH | TH_ACK, 66);
	record(st, c, DIR_C2S, 23, true, 23, 66);
	app(st, c, DIR_C2S, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
	packet(st, c, DIR_S2C, TH_PSH | TH_ACK, 152);
	record(st, c, DIR_S2C, 23, true, 23, 152);
	app(st, c, DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
	/* the same direction again, now an alert: a new stage */
	packet(st, c, DIR_S2C, TH_PSH | TH_ACK, 24);
	record(st, c, DIR_S2C, 23, true, 21, 24);
	alert(st, c, DIR_S2C, 1, 0, "close_notify", true);
	packet(st, c, DIR_S2C, TH_FIN | TH_ACK, 0);
	packet(st, c, DIR_C2S, TH_FIN | TH_ACK, 0);
	{
		struct event end = { .type = EV_END };

		put(st, &end);
	}
}

/* Index of the n-th (0-based) event of type t in conn c, or -1. */
static int find(const struct capsink *cs, enum ev_type t, int n)
{
	for (int i = 0; i < cs->n; i++)
		if (cs->ev[i]->type == t && n-- == 0)
			return i;
	return -1;
}

/* The stage event of number n, final or begin; its index in *at. */
static const struct ev_stage *stage(const struct capsink *cs, uint32_t n, bool final, int *at)
{
	for (int i = 0; i < cs->n; i++)
		if (cs->ev[i]->type == EV_STAGE && cs->ev[i]->u.stage.number == n && cs->ev[i]->u.stage.final == final) {
			if (at)
				*at = i;
			return &cs->ev[i]->u.stage;
		}
	fail_msg("no %s event for stage %u", final ? "final" : "begin", n);
	return NULL;
}

/* The index of the first handshake event called msg in dir. */
static int find_hs(const struct capsink *cs, const char *msg, enum dir d)
{
	for (int i = 0; i < cs->n; i++)
		if (cs->ev[i]->type == EV_HANDSHAKE && cs->ev[i]->dir == d && !strcmp(cs->ev[i]->u.hs.msg, msg))
			return i;
	return -1;
}

static int count_type(const struct capsink *cs, enum ev_type t)
{
	int n = 0;

	for (int i = 0; i < cs->n; i++)
		n += cs->ev[i]->type == t;
	return n;
}

static void test_capture_stage_boundaries(void **state)
{
	static const struct {
		enum dir dir;
		const char *messages, *title, *name;
	} want[] = {
		{ DIR_C2S, "tcp_handshake", "TCP handshake (SYN, SYN-ACK, ACK)", "tcp_handshake" },
		{ DIR_C2S, "client_hello", "ClientHello", "client_hello" },
		{ DIR_S2C, "server_hello,encrypted_extensions,certificate,certificate_verify,finished",
		  "ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished", "server_hello_flight" },
		{ DIR_C2S, "finished", "Finished", "client_finished" },
		{ DIR_C2S, "http_request", "HTTP request", "http_request" },
		{ DIR_S2C, "http_response", "HTTP response", "http_response" },
		{ DIR_S2C, "alert:close_notify", "close_notify alert", "close_notify" },
	};
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	int prev_final = -1;

	(void)state;
	assert_non_null(st);
	feed_tls13(st);
	assert_int_equal(count_type(&cs, EV_STAGE), 2 * 7);
	for (uint32_t n = 1; n <= 7; n++) {
		int b, f;
		const struct ev_stage *sb = stage(&cs, n, false, &b), *sf = stage(&cs, n, true, &f);

		/* begin, then final, then the next begin */
		assert_true(b < f);
		assert_true(prev_final < b);
		prev_final = f;
		assert_int_equal(sb->number, n);
		assert_int_equal(sb->index, n - 1);
		assert_int_equal(sf->dir, want[n - 1].dir);
		assert_string_equal(sf->messages, want[n - 1].messages);
		assert_string_equal(sf->title, want[n - 1].title);
		assert_string_equal(sf->name, want[n - 1].name);
		assert_non_null(sf->eve_title);
		assert_non_null(sf->explain);
		assert_non_null(sf->eavesdropper);
		/* a capture being read: of counts the stages so far */
		assert_int_equal(sb->of, n);
		assert_int_equal(sf->of, n);
		assert_false(sf->planned);
	}
	/* the ClientHello is decoded inside stage 2 */
	{
		int b, f, h = find_hs(&cs, "client_hello", DIR_C2S);

		stage(&cs, 2, false, &b);
		stage(&cs, 2, true, &f);
		assert_true(b < h && h < f);
	}
	story_free(st);
	cap_clear(&cs);
}

static void test_eve_title_hides_encrypted_names(void **state)
{
	static const char *const hidden[] = { "EncryptedExtensions", "Certificate", "Finished", "encrypted_extensions",
					      "certificate", "finished", "close_notify", "HTTP", "GET" };
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	const struct ev_stage *s3, *s4, *s7;

	(void)state;
	feed_tls13(st);
	s3 = stage(&cs, 3, true, NULL);
	assert_non_null(strstr(s3->eve_title, "ServerHello"));
	assert_non_null(strstr(s3->eve_title, "4 encrypted records"));
	assert_string_equal(s3->eve_messages, "server_hello,encrypted");
	s4 = stage(&cs, 4, true, NULL);
	s7 = stage(&cs, 7, true, NULL);
	assert_string_equal(s4->eve_messages, "encrypted");
	for (uint32_t n = 3; n <= 7; n++) {
		const struct ev_stage *s = stage(&cs, n, true, NULL);

		for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
			if (strstr(s->eve_title, hidden[i]) || strstr(s->eavesdropper, hidden[i]))
				fail_msg("stage %u: eavesdropper text \"%s\" / \"%s\" names %s", n, s->eve_title,
					 s->eavesdropper, hidden[i]);
		}
	}
	assert_non_null(strstr(s7->eve_title, "1 encrypted record (24 bytes)"));
	/* the insider's explanation follows the facts: TLS 1.3 (EC)DHE, the certificate only signs */
	assert_non_null(strstr(s3->explain, "only signs"));
	assert_null(strstr(s3->explain, "This is the textbook story"));
	story_free(st);
	cap_clear(&cs);
}

static void test_key_held_until_its_message(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	int k, sh;

	(void)state;
	feed_tls13(st);
	k = find(&cs, EV_KEY, 0);
	sh = find_hs(&cs, "server_hello", DIR_S2C);
	assert_true(k >= 0 && sh >= 0);
	/* fed before the ServerHello, emitted after it, with its stage */
	assert_true(k > sh);
	assert_string_equal(cs.ev[k]->u.key.name, "server_handshake_traffic_secret");
	assert_int_equal(cs.ev[k]->u.key.stage_no, 3);
	story_free(st);
	cap_clear(&cs);
}

static void test_key_released_at_end_of_input(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	struct event end = { .type = EV_END };
	int k;

	(void)state;
	/* a generation-1 secret whose KeyUpdate never comes: out at the end */
	conn_ev(st, 1);
	packet(st, 1, DIR_C2S, TH_SYN, 0);
	packet(st, 1, DIR_C2S, TH_PSH | TH_ACK, 250);
	record(st, 1, DIR_C2S, 22, false, 0, 250);
	hs(st, 1, DIR_C2S, "client_hello", 1, false);
	record(st, 1, DIR_S2C, 22, false, 0, 128);
	hs(st, 1, DIR_S2C, "server_hello", 2, false);
	facts(st, 1, 0x0304, KX_ECDHE, 0x001d, "x25519");
	key(st, 1, "client_application_traffic_secret_1");
	assert_int_equal(find(&cs, EV_KEY, 0), -1);
	put(st, &end);
	k = find(&cs, EV_KEY, 0);
	assert_true(k >= 0);
	assert_int_equal(cs.ev[k]->u.key.stage_no, 3);
	assert_int_equal(cs.ev[cs.n - 1]->type, EV_END);
	story_free(st);
	cap_clear(&cs);
}

static void test_dry_run_totals(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	int stages = 0;

	(void)state;
	story_set_dry(st, true);
	feed_tls13(st);
	assert_int_equal(cs.n, 0); /* a dry run emits nothing */
	story_keep_totals(st);
	story_set_dry(st, false);
	feed_tls13(st);
	for (int i = 0; i < cs.n; i++) {
		if (cs.ev[i]->type != EV_STAGE)
			continue;
		stages++;
		assert_int_equal(cs.ev[i]->u.stage.of, 7);
		assert_true(cs.ev[i]->u.stage.planned);
	}
	assert_int_equal(stages, 14);
	/* the key is held and stamped the same way in the real pass */
	assert_int_equal(cs.ev[find(&cs, EV_KEY, 0)]->u.key.stage_no, 3);
	story_free(st);
	cap_clear(&cs);
}

static void test_tls12_without_keys(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	struct event end = { .type = EV_END };
	const struct ev_stage *s;

	(void)state;
	conn_ev(st, 1);
	packet(st, 1, DIR_C2S, TH_SYN, 0);
	record(st, 1, DIR_C2S, 22, false, 0, 200);
	hs(st, 1, DIR_C2S, "client_hello", 1, false);
	record(st, 1, DIR_S2C, 22, false, 0, 1500);
	hs(st, 1, DIR_S2C, "server_hello", 2, false);
	facts(st, 1, 0x0303, KX_ECDHE, 0x0017, "secp256r1");
	hs(st, 1, DIR_S2C, "certificate", 11, false);
	hs(st, 1, DIR_S2C, "server_key_exchange", 12, false);
	hs(st, 1, DIR_S2C, "server_hello_done", 14, false);
	record(st, 1, DIR_C2S, 22, false, 0, 75);
	hs(st, 1, DIR_C2S, "client_key_exchange", 16, false);
	record(st, 1, DIR_C2S, 20, false, 0, 6);
	ccs(st, 1, DIR_C2S);
	record(st, 1, DIR_C2S, 22, true, 0, 45); /* Finished, no key */
	/* no key, but TLS 1.2's outer type tells application data apart */
	record(st, 1, DIR_C2S, 23, true, 0, 100);
	record(st, 1, DIR_S2C, 21, true, 0, 31);
	put(st, &end);
	s = stage(&cs, 3, true, NULL);
	assert_string_equal(s->title, "ServerHello, Certificate, ServerKeyExchange, ServerHelloDone");
	assert_string_equal(s->eve_title, "ServerHello, Certificate, ServerKeyExchange, ServerHelloDone");
	/* TLS 1.2 ECDHE: the certificate's key signs, it encrypts no session key */
	assert_null(strstr(s->explain, "This is the textbook story"));
	assert_non_null(strstr(s->explain, "ServerKeyExchange"));
	s = stage(&cs, 4, true, NULL);
	assert_string_equal(s->messages, "client_key_exchange,change_cipher_spec,encrypted");
	assert_string_equal(s->title, "ClientKeyExchange, ChangeCipherSpec, Encrypted records");
	assert_string_equal(s->eve_title, "ClientKeyExchange, ChangeCipherSpec, then 1 encrypted handshake record (45 bytes)");
	assert_null(strstr(s->eve_title, "Finished"));
	s = stage(&cs, 5, true, NULL);
	assert_int_equal(s->dir, DIR_C2S);
	assert_string_equal(s->messages, "encrypted");
	assert_string_equal(s->eve_title, "1 encrypted record (100 bytes)");
	s = stage(&cs, 6, true, NULL);
	assert_int_equal(s->dir, DIR_S2C);
	assert_string_equal(s->eve_title, "1 encrypted alert record (31 bytes)");
	story_free(st);
	cap_clear(&cs);
}

/* ---- live: the session's plan and gates ---- */

static const struct plan_step hrr_plan[] = {
	{ DIR_C2S, "tcp_handshake" },
	{ DIR_C2S, "client_hello" },
	{ DIR_S2C, "hello_retry_request" },
	{ DIR_C2S, "client_hello" },
	{ DIR_S2C, "server_hello,encrypted_extensions,certificate,certificate_verify,finished" },
	{ DIR_C2S, "finished" },
};
#define HRR_PLAN_N (sizeof hrr_plan / sizeof hrr_plan[0])

static size_t plan_fn(void *ctx, uint32_t conn, const struct plan_step **steps)
{
	(void)ctx;
	*steps = conn == 1 ? hrr_plan : NULL;
	return conn == 1 ? HRR_PLAN_N : 0;
}

/* The session's gate: stage number n (0: the next) in direction d. */
static void gate(struct story *st, uint32_t n, enum dir d, const char *name)
{
	struct event ev = { .type = EV_STAGE, .conn = 1, .dir = d };

	ev.u.stage.number = n;
	ev.u.stage.index = n ? n - 1 : 0;
	ev.u.stage.name = name;
	ev.u.stage.has_bytes = true;
	put(st, &ev);
}

static void test_live_plan_numbers(void **state)
{
	static const char *const titles[] = {
		"TCP handshake (SYN, SYN-ACK, ACK)",
		"ClientHello",
		"HelloRetryRequest",
		"ClientHello (second, after HelloRetryRequest)",
		"ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished",
		"Finished",
	};
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	struct event end = { .type = EV_END };

	(void)state;
	story_set_live(st, 1, plan_fn, NULL);
	story_set_scenario(st, "hrr");
	conn_ev(st, 1);
	gate(st, 1, DIR_C2S, "tcp_handshake");
	packet(st, 1, DIR_C2S, TH_SYN, 0);
	packet(st, 1, DIR_S2C, TH_SYN | TH_ACK, 0);
	packet(st, 1, DIR_C2S, TH_ACK, 0);
	gate(st, 2, DIR_C2S, NULL);
	packet(st, 1, DIR_C2S, TH_PSH | TH_ACK, 200);
	record(st, 1, DIR_C2S, 22, false, 0, 200);
	hs(st, 1, DIR_C2S, "client_hello", 1, false);
	gate(st, 3, DIR_S2C, NULL);
	record(st, 1, DIR_S2C, 22, false, 0, 90);
	hs(st, 1, DIR_S2C, "hello_retry_request", 2, false);
	facts(st, 1, 0x0304, KX_ECDHE, 0x001d, "x25519");
	gate(st, 4, DIR_C2S, NULL);
	record(st, 1, DIR_C2S, 22, false, 0, 230);
	hs(st, 1, DIR_C2S, "client_hello", 1, false);
	gate(st, 5, DIR_S2C, NULL);
	record(st, 1, DIR_S2C, 22, false, 0, 128);
	hs(st, 1, DIR_S2C, "server_hello", 2, false);
	record(st, 1, DIR_S2C, 23, true, 22, 28);
	hs(st, 1, DIR_S2C, "encrypted_extensions", 8, true);
	hs(st, 1, DIR_S2C, "certificate", 11, true);
	hs(st, 1, DIR_S2C, "certificate_verify", 15, true);
	hs(st, 1, DIR_S2C, "finished", 20, true);
	/* in a live connection a record alone never starts a stage: only the gates do */
	gate(st, 6, DIR_C2S, NULL);
	record(st, 1, DIR_C2S, 23, true, 22, 58);
	hs(st, 1, DIR_C2S, "finished", 20, true);
	record(st, 1, DIR_C2S, 23, true, 23, 60);
	app(st, 1, DIR_C2S, "GET / HTTP/1.1\r\n\r\n");
	/* a gate beyond the plan, without a number: the next one */
	gate(st, 0, DIR_S2C, NULL);
	record(st, 1, DIR_S2C, 23, true, 23, 90);
	app(st, 1, DIR_S2C, "HTTP/1.1 200 OK\r\n\r\n");
	put(st, &end);
	assert_int_equal(count_type(&cs, EV_STAGE), 2 * 7);
	for (uint32_t n = 1; n <= HRR_PLAN_N - 1; n++) {
		const struct ev_stage *b = stage(&cs, n, false, NULL), *f = stage(&cs, n, true, NULL);

		assert_int_equal(b->of, HRR_PLAN_N);
		assert_true(b->planned);
		/* the plan's title at the gate, before a byte was decoded */
		assert_string_equal(b->title, titles[n - 1]);
		assert_string_equal(b->messages, hrr_plan[n - 1].messages);
		/* the final title comes from what was decoded, and agrees */
		assert_string_equal(f->title, titles[n - 1]);
		assert_int_equal(f->dir, hrr_plan[n - 1].dir);
	}
	{
		const struct ev_stage *f6 = stage(&cs, 6, true, NULL), *b7 = stage(&cs, 7, false, NULL),
				      *f7 = stage(&cs, 7, true, NULL);

		assert_string_equal(stage(&cs, 6, false, NULL)->title, "Finished");
		assert_string_equal(f6->messages, "finished,http_request");
		assert_string_equal(f6->title, "Finished, HTTP request");
		assert_null(b7->title); /* not in the plan */
		assert_int_equal(b7->of, 7);
		assert_string_equal(f7->title, "HTTP response");
	}
	/* the scenario's paragraph where its point happens */
	assert_non_null(strstr(stage(&cs, 3, true, NULL)->explain, "Scenario hrr"));
	story_free(st);
	cap_clear(&cs);
}

static void test_titles(void **state)
{
	char t[160];

	(void)state;
	story_title("server_hello,certificate", DIR_S2C, t, sizeof t);
	assert_string_equal(t, "ServerHello, Certificate");
	story_title("", DIR_C2S, t, sizeof t);
	assert_string_equal(t, "");
	story_title(NULL, DIR_C2S, t, sizeof t);
	assert_string_equal(t, "");
	story_title("client_hello", DIR_C2S, t, sizeof t);
	assert_string_equal(t, "ClientHello");
	story_title("alert:bad_record_mac", DIR_S2C, t, sizeof t);
	assert_string_equal(t, "bad_record_mac alert");
	story_title("change_cipher_spec,finished", DIR_S2C, t, sizeof t);
	assert_string_equal(t, "ChangeCipherSpec, Finished");
	story_title("tcp_handshake", DIR_C2S, t, sizeof t);
	assert_string_equal(t, "TCP handshake (SYN, SYN-ACK, ACK)");
	/* a message without a display name: its CamelCase */
	story_title("supplemental_data", DIR_C2S, t, sizeof t);
	assert_string_equal(t, "SupplementalData");
	/* bounded: cut, always terminated */
	story_title("server_hello,certificate", DIR_S2C, t, 8);
	assert_string_equal(t, "ServerH");
	story_plan_title(hrr_plan, HRR_PLAN_N, 4, t, sizeof t);
	assert_string_equal(t, "ClientHello (second, after HelloRetryRequest)");
	story_plan_title(hrr_plan, HRR_PLAN_N, 2, t, sizeof t);
	assert_string_equal(t, "ClientHello");
	story_plan_title(hrr_plan, HRR_PLAN_N, 0, t, sizeof t);
	assert_string_equal(t, "");
	story_plan_title(hrr_plan, HRR_PLAN_N, HRR_PLAN_N + 1, t, sizeof t);
	assert_string_equal(t, "");
}

/* ---- post-quantum key exchange: every sentence from the decoded facts ---- */

/* One PQ case: the negotiated group, its kind, the decoded share sizes and
 * what the text must and must not say. */
struct pq_story {
	uint16_t group;
	const char *gname;
	enum kx kx;
	uint16_t ch_len, sh_len;
	const char *ch_must[3], *sh_must[6], *eve_must, *must_not[4];
};

/* A TLS 1.3 handshake whose facts are those of pq, published after the
 * ClientHello (what it offered) and after the ServerHello (the rest). */
static void feed_pq(struct story *st, const struct pq_story *pq)
{
	struct event ev = { .type = EV_FACTS, .conn = 1 };
	struct event end = { .type = EV_END };
	struct ev_facts *f = &ev.u.facts;

	conn_ev(st, 1);
	packet(st, 1, DIR_C2S, TH_SYN, 0);
	packet(st, 1, DIR_S2C, TH_SYN | TH_ACK, 0);
	packet(st, 1, DIR_C2S, TH_ACK, 0);
	packet(st, 1, DIR_C2S, TH_PSH | TH_ACK, 1400);
	record(st, 1, DIR_C2S, 22, false, 0, 1400);
	hs(st, 1, DIR_C2S, "client_hello", 1, false);
	f->certificate = -1;
	f->fatal_alert = -1;
	f->handshake_visible = true;
	f->sni = "localhost";
	f->ch_tls13 = true;
	f->ch_shares = pq->gname;
	f->ch_kem_group = pq->kx == KX_ECDHE_MLKEM || pq->kx == KX_MLKEM ? pq->group : 0;
	f->ch_kem_len = pq->ch_len;
	put(st, &ev);
	packet(st, 1, DIR_S2C, TH_PSH | TH_ACK, 1400);
	record(st, 1, DIR_S2C, 22, false, 0, 1200);
	hs(st, 1, DIR_S2C, "server_hello", 2, false);
	f->version = 0x0304;
	f->suite = 0x1302;
	f->suite_name = "TLS_AES_256_GCM_SHA384";
	f->kx = pq->kx;
	f->group = pq->group;
	f->group_name = pq->gname;
	f->share_len_c = pq->ch_len;
	f->share_len_s = pq->sh_len;
	put(st, &ev);
	record(st, 1, DIR_S2C, 23, true, 22, 900);
	hs(st, 1, DIR_S2C, "encrypted_extensions", 8, true);
	hs(st, 1, DIR_S2C, "certificate", 11, true);
	hs(st, 1, DIR_S2C, "certificate_verify", 15, true);
	hs(st, 1, DIR_S2C, "finished", 20, true);
	packet(st, 1, DIR_C2S, TH_PSH | TH_ACK, 58);
	record(st, 1, DIR_C2S, 23, true, 22, 58);
	hs(st, 1, DIR_C2S, "finished", 20, true);
	put(st, &end);
}

static void assert_has(const char *text, const char *what)
{
	if (!text || !strstr(text, what))
		fail_msg("missing \"%s\" in: %s", what, text);
}

static void assert_lacks(const char *text, const char *what)
{
	if (text && strstr(text, what))
		fail_msg("wrong \"%s\" in: %s", what, text);
}

static void test_pq_explain_from_facts(void **state)
{
	static const struct pq_story cases[] = {
		{ 0x11ec, "X25519MLKEM768", KX_ECDHE_MLKEM, 1216, 1120,
		  { "X25519MLKEM768 key share is post-quantum (1216 bytes: a 1184-byte ML-KEM-768 encapsulation key, then "
		    "a 32-byte X25519 share)", "KEM (key encapsulation mechanism), not a Diffie-Hellman exchange" },
		  { "(1120 bytes: a 1088-byte ML-KEM-768 ciphertext, then a 32-byte X25519 share)",
		    "ML-KEM-768's 32 bytes then X25519's 32 bytes, as one 64-byte shared secret",
		    "key schedule is unchanged", "either X25519 or ML-KEM-768 holds", "harvest now, decrypt later",
		    "cannot show this connection's 64-byte shared secret" },
		  "X25519MLKEM768 key share (1120 bytes: a 1088-byte ML-KEM-768 ciphertext, then a 32-byte X25519 share)",
		  { "secp256r1", "From the two key shares", "short-lived Diffie-Hellman public key", "1184-byte ML-KEM-768 ciphertext" } },
		{ 0x11eb, "SecP256r1MLKEM768", KX_ECDHE_MLKEM, 1249, 1153,
		  { "(1249 bytes: a 65-byte secp256r1 share, then a 1184-byte ML-KEM-768 encapsulation key)" },
		  { "(1153 bytes: a 65-byte secp256r1 share, then a 1088-byte ML-KEM-768 ciphertext)",
		    "secp256r1's 32 bytes then ML-KEM-768's 32 bytes, as one 64-byte shared secret",
		    "either secp256r1 or ML-KEM-768 holds", "neither side's secp256r1 private key" },
		  "(1153 bytes: a 65-byte secp256r1 share, then a 1088-byte ML-KEM-768 ciphertext)",
		  { "X25519", "From the two key shares", "ML-KEM-768's 32 bytes then" } },
		{ 0x11ed, "SecP384r1MLKEM1024", KX_ECDHE_MLKEM, 1665, 1665,
		  { "(1665 bytes: a 97-byte secp384r1 share, then a 1568-byte ML-KEM-1024 encapsulation key)" },
		  { "(1665 bytes: a 97-byte secp384r1 share, then a 1568-byte ML-KEM-1024 ciphertext)",
		    "secp384r1's 48 bytes then ML-KEM-1024's 32 bytes, as one 80-byte shared secret",
		    "cannot show this connection's 80-byte shared secret" },
		  "(1665 bytes: a 97-byte secp384r1 share, then a 1568-byte ML-KEM-1024 ciphertext)",
		  { "X25519", "ML-KEM-768", "64-byte" } },
		{ 0x0201, "MLKEM768", KX_MLKEM, 1184, 1088,
		  { "(a 1184-byte ML-KEM-768 encapsulation key)" },
		  { "(a 1088-byte ML-KEM-768 ciphertext)", "There is no Diffie-Hellman here",
		    "rests on ML-KEM-768 alone", "cannot show this connection's 32-byte shared secret",
		    "key schedule is unchanged", "not the client's ML-KEM decapsulation key. So" },
		  "MLKEM768 key share (a 1088-byte ML-KEM-768 ciphertext)",
		  { "X25519", "hybrid", "ordinary Diffie-Hellman", "private key." } },
		{ 0x0200, "MLKEM512", KX_MLKEM, 800, 768,
		  { "(a 800-byte ML-KEM-512 encapsulation key)" },
		  { "(a 768-byte ML-KEM-512 ciphertext)", "rests on ML-KEM-512 alone" },
		  "(a 768-byte ML-KEM-512 ciphertext)", { "ML-KEM-768", "1088", "X25519" } },
		/* sizes that do not fit the group: said so, and no parts are named */
		{ 0x11ec, "X25519MLKEM768", KX_ECDHE_MLKEM, 1000, 1216,
		  { "(1000 bytes, where a client share of X25519MLKEM768 has 1216, so tlsviz does not split it)" },
		  { "(1216 bytes, where a server share of X25519MLKEM768 has 1120, so tlsviz does not split it)" },
		  "1216 bytes, where a server share of X25519MLKEM768 has 1120", { "1088-byte", "1184-byte", "32-byte X25519 share" } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct pq_story *pq = &cases[i];
		struct capsink cs = { .base = { cap_emit } };
		struct story *st = story_new(&cs.base);
		const struct ev_stage *ch, *sh;
		char all[16384];

		feed_pq(st, pq);
		ch = stage(&cs, 2, true, NULL);
		sh = stage(&cs, 3, true, NULL);
		assert_string_equal(ch->messages, "client_hello");
		for (int k = 0; k < 3 && pq->ch_must[k]; k++)
			assert_has(ch->explain, pq->ch_must[k]);
		assert_lacks(ch->explain, "none is post-quantum");
		for (int k = 0; k < 6 && pq->sh_must[k]; k++)
			assert_has(sh->explain, pq->sh_must[k]);
		assert_has(sh->eavesdropper, pq->eve_must);
		/* the eavesdropper learns the shares, never the secret */
		assert_lacks(sh->eavesdropper, "shared secret");
		snprintf(all, sizeof all, "%s\n%s\n%s\n%s", ch->explain, sh->explain, ch->eavesdropper, sh->eavesdropper);
		for (int k = 0; k < 4 && pq->must_not[k]; k++)
			assert_lacks(all, pq->must_not[k]);
		story_free(st);
		cap_clear(&cs);
	}
}

/* A classic X25519 session gets none of the post-quantum sentences. */
static void test_classic_explain_has_no_pq(void **state)
{
	static const struct pq_story x = { 0x001d, "x25519", KX_ECDHE, 0, 0, { NULL }, { NULL }, NULL, { NULL } };
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	const struct ev_stage *ch, *sh;

	(void)state;
	feed_pq(st, &x);
	ch = stage(&cs, 2, true, NULL);
	sh = stage(&cs, 3, true, NULL);
	assert_has(ch->explain, "short-lived Diffie-Hellman public key");
	assert_has(ch->explain, "Its key shares are all classical: none is post-quantum.");
	assert_has(sh->explain, "its own ephemeral x25519 key share. From the two key shares both sides compute");
	assert_has(sh->eavesdropper, "the server's public x25519 key share");
	assert_lacks(ch->explain, "ML-KEM");
	assert_lacks(sh->explain, "ML-KEM");
	assert_lacks(sh->explain, "quantum");
	story_free(st);
	cap_clear(&cs);
}

/* Facts of a TLS 1.3 connection whose ClientHello was an ECH outer hello
 * (public name "public.example", 240-byte payload); retry, hrr, alert and a
 * compressed certificate as decoded so far. */
static void facts_ech(struct story *st, uint32_t c, bool hello_only, bool retry, bool hrr, bool req, uint16_t comp)
{
	struct event ev = { .type = EV_FACTS, .conn = c };

	if (!hello_only) {
		ev.u.facts.version = 0x0304;
		ev.u.facts.suite = 0x1301;
		ev.u.facts.suite_name = "TLS_AES_128_GCM_SHA256";
		ev.u.facts.kx = KX_ECDHE;
		ev.u.facts.group = 0x001d;
		ev.u.facts.group_name = "x25519";
	}
	ev.u.facts.certificate = comp ? 1 : -1;
	ev.u.facts.fatal_alert = req ? 121 : -1;
	ev.u.facts.alerts = req;
	ev.u.facts.handshake_visible = true;
	ev.u.facts.sni = "public.example";
	ev.u.facts.ch_tls13 = true;
	ev.u.facts.ch_shares = "x25519";
	ev.u.facts.ech = true;
	ev.u.facts.ech_kdf = 0x0001;
	ev.u.facts.ech_aead = 0x0001;
	ev.u.facts.ech_payload = 240;
	ev.u.facts.hrr = hrr;
	ev.u.facts.ech_hrr = hrr;
	ev.u.facts.ech_retry = retry;
	ev.u.facts.ech_required = req;
	ev.u.facts.cert_comp = comp;
	ev.u.facts.cert_comp_len = comp ? 1175 : 0;
	ev.u.facts.cert_plain_len = comp ? 1352 : 0;
	put(st, &ev);
}

/* tls13-ech-retry as events: an outer ClientHello, the server's flight with
 * retry_configs and a brotli CompressedCertificate, the client's encrypted
 * ech_required alert. */
static void feed_ech_retry(struct story *st)
{
	const uint32_t c = 1;

	conn_ev(st, c);
	packet(st, c, DIR_C2S, TH_SYN, 0);
	packet(st, c, DIR_S2C, TH_SYN | TH_ACK, 0);
	packet(st, c, DIR_C2S, TH_ACK, 0);
	packet(st, c, DIR_C2S, TH_PSH | TH_ACK, 477);
	record(st, c, DIR_C2S, 22, false, 0, 477);
	hs(st, c, DIR_C2S, "client_hello", 1, false);
	facts_ech(st, c, true, false, false, false, 0);
	key(st, c, "ech_secret");
	packet(st, c, DIR_S2C, TH_PSH | TH_ACK, 1400);
	record(st, c, DIR_S2C, 22, false, 0, 127);
	hs(st, c, DIR_S2C, "server_hello", 2, false);
	facts_ech(st, c, false, false, false, false, 0);
	record(st, c, DIR_S2C, 23, true, 22, 98);
	hs(st, c, DIR_S2C, "encrypted_extensions", 8, true);
	facts_ech(st, c, false, true, false, false, 0);
	record(st, c, DIR_S2C, 23, true, 22, 1204);
	hs(st, c, DIR_S2C, "compressed_certificate", 25, true);
	facts_ech(st, c, false, true, false, false, 2);
	record(st, c, DIR_S2C, 23, true, 22, 96);
	hs(st, c, DIR_S2C, "certificate_verify", 15, true);
	record(st, c, DIR_S2C, 23, true, 22, 53);
	hs(st, c, DIR_S2C, "finished", 20, true);
	packet(st, c, DIR_C2S, TH_PSH | TH_ACK, 24);
	record(st, c, DIR_C2S, 23, true, 21, 24);
	alert(st, c, DIR_C2S, 2, 121, "ech_required", true);
	facts_ech(st, c, false, true, false, true, 2);
	packet(st, c, DIR_C2S, TH_FIN | TH_ACK, 0);
	packet(st, c, DIR_S2C, TH_FIN | TH_ACK, 0);
	{
		struct event end = { .type = EV_END };

		put(st, &end);
	}
}

/* ECH: the outer hello's SNI is called the public name, what stays hidden is
 * said, the retry and the alert are explained; the eavesdropper learns only
 * what the wire shows. Every number comes from the facts. */
static void test_ech_sentences(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	const struct ev_stage *s2, *s3, *s4;
	int k;

	(void)state;
	feed_ech_retry(st);
	s2 = stage(&cs, 2, true, NULL);
	assert_string_equal(s2->name, "client_hello");
	assert_has(s2->explain, "only the outer ClientHello of Encrypted ClientHello (ECH)");
	assert_has(s2->explain, "Its server_name, \"public.example\", is the public name of the provider");
	assert_has(s2->explain, "not the site the client wants");
	assert_has(s2->explain, "the real server name and the rest of the real ClientHello (the inner ClientHello)");
	assert_has(s2->explain, "240 bytes encrypted with HPKE (HKDF-SHA256, AES-128-GCM)");
	/* not the sentence for a hello without ECH */
	assert_lacks(s2->explain, "the server name it wants");
	assert_has(s2->eavesdropper, "the whole outer ClientHello: the public name (\"public.example\")");
	assert_has(s2->eavesdropper, "an encrypted_client_hello of 240 bytes it cannot read");
	assert_lacks(s2->eavesdropper, "the server name (");
	/* ECH_SECRET belongs to the ClientHello's stage */
	k = find(&cs, EV_KEY, 0);
	assert_true(k >= 0);
	assert_string_equal(cs.ev[k]->u.key.name, "ech_secret");
	assert_int_equal(cs.ev[k]->u.key.stage_no, 2);

	s3 = stage(&cs, 3, true, NULL);
	assert_string_equal(s3->name, "server_hello_flight");
	assert_has(s3->title, "CompressedCertificate");
	assert_has(s3->explain, "the server sent retry_configs: it did not use the encrypted inner ClientHello");
	assert_has(s3->explain, "for the public name \"public.example\" instead");
	assert_has(s3->explain, "compressed with brotli: 1175 bytes on the wire instead of 1352");
	for (const char *w = "retry\0brotli\0" "1352\0" "1175\0compress\0"; *w; w += strlen(w) + 1)
		assert_lacks(s3->eavesdropper, w);

	s4 = stage(&cs, 4, true, NULL);
	assert_has(s4->explain, "The client sends the fatal alert ech_required (121)");
	assert_has(s4->explain, "retries with them on a new one");
	assert_lacks(s4->explain, "sends the alert ech_required. A fatal alert");
	assert_lacks(s4->eavesdropper, "ech_required");
	story_free(st);
	cap_clear(&cs);
}

/* Without ECH or compression none of those sentences appear. */
static void test_no_ech_sentences(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	const struct ev_stage *s2, *s3;

	(void)state;
	feed_tls13(st);
	s2 = stage(&cs, 2, true, NULL);
	s3 = stage(&cs, 3, true, NULL);
	assert_lacks(s2->explain, "ECH");
	assert_lacks(s2->explain, "public name");
	assert_lacks(s2->eavesdropper, "encrypted_client_hello");
	assert_lacks(s3->explain, "retry_configs");
	assert_lacks(s3->explain, "CompressedCertificate");
	story_free(st);
	cap_clear(&cs);
}

/* An HRR that carries the ECH confirmation says ECH was accepted. */
static void test_ech_hrr_sentence(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	const uint32_t c = 1;
	const struct ev_stage *s3;

	(void)state;
	conn_ev(st, c);
	packet(st, c, DIR_C2S, TH_SYN, 0);
	packet(st, c, DIR_S2C, TH_SYN | TH_ACK, 0);
	packet(st, c, DIR_C2S, TH_ACK, 0);
	packet(st, c, DIR_C2S, TH_PSH | TH_ACK, 477);
	record(st, c, DIR_C2S, 22, false, 0, 477);
	hs(st, c, DIR_C2S, "client_hello", 1, false);
	facts_ech(st, c, true, false, false, false, 0);
	packet(st, c, DIR_S2C, TH_PSH | TH_ACK, 100);
	record(st, c, DIR_S2C, 22, false, 0, 100);
	hs(st, c, DIR_S2C, "hello_retry_request", 2, false);
	facts_ech(st, c, false, false, true, false, 0);
	packet(st, c, DIR_C2S, TH_FIN | TH_ACK, 0);
	packet(st, c, DIR_S2C, TH_FIN | TH_ACK, 0);
	{
		struct event end = { .type = EV_END };

		put(st, &end);
	}
	s3 = stage(&cs, 3, true, NULL);
	assert_string_equal(s3->name, "hello_retry_request");
	assert_has(s3->explain, "The HelloRetryRequest also carries an encrypted_client_hello extension: an 8-byte "
			 "confirmation");
	assert_has(s3->explain, "accepted ECH");
	story_free(st);
	cap_clear(&cs);
}

/* Bytes the capture lacks are said, with their size and direction, in the
 * stage they fell in, and after the last stage in a note; never otherwise. */
static void test_gap_said(void **state)
{
	struct capsink cs = { .base = { cap_emit } };
	struct story *st = story_new(&cs.base);
	struct event gap = { .type = EV_GAP, .conn = 1, .dir = DIR_C2S };
	struct event end = { .type = EV_END };
	const struct ev_stage *ch;
	bool noted = false;

	(void)state;
	conn_ev(st, 1);
	packet(st, 1, DIR_C2S, TH_SYN, 0);
	packet(st, 1, DIR_S2C, TH_SYN | TH_ACK, 0);
	packet(st, 1, DIR_C2S, TH_ACK, 0);
	packet(st, 1, DIR_C2S, TH_PSH | TH_ACK, 300);
	record(st, 1, DIR_C2S, 22, false, 0, 300);
	hs(st, 1, DIR_C2S, "client_hello", 1, false);
	gap.u.gap.missing = 40;
	put(st, &gap);
	packet(st, 1, DIR_C2S, TH_FIN | TH_ACK, 0);
	packet(st, 1, DIR_S2C, TH_FIN | TH_ACK, 0);
	gap.dir = DIR_S2C; /* after the connection's last stage */
	gap.u.gap.missing = 7;
	put(st, &gap);
	put(st, &end);
	ch = stage(&cs, 2, true, NULL);
	assert_has(ch->explain, "The capture lacks 40 bytes of client -> server data here");
	assert_lacks(ch->explain, "server -> client data");
	assert_lacks(stage(&cs, 1, true, NULL)->explain, "capture lacks");
	for (int i = 0; i < cs.n; i++)
		if (cs.ev[i]->type == EV_NOTE && strstr(cs.ev[i]->u.note.text, "lacks 7 bytes of server -> client"))
			noted = true;
	assert_true(noted);
	story_free(st);
	cap_clear(&cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_stage_boundaries),
		cmocka_unit_test(test_eve_title_hides_encrypted_names),
		cmocka_unit_test(test_key_held_until_its_message),
		cmocka_unit_test(test_key_released_at_end_of_input),
		cmocka_unit_test(test_dry_run_totals),
		cmocka_unit_test(test_tls12_without_keys),
		cmocka_unit_test(test_live_plan_numbers),
		cmocka_unit_test(test_titles),
		cmocka_unit_test(test_pq_explain_from_facts),
		cmocka_unit_test(test_classic_explain_has_no_pq),
		cmocka_unit_test(test_ech_sentences),
		cmocka_unit_test(test_no_ech_sentences),
		cmocka_unit_test(test_ech_hrr_sentence),
		cmocka_unit_test(test_gap_said),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
