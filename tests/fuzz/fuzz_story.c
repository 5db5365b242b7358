/* Fuzz the story model on its own: arbitrary sequences of the events the
 * decoder emits (packets, records, handshake messages in any order and
 * direction, alerts, keys, facts, gaps, application data; up to three
 * connections), including ones no real decode produces. They go through
 * the two passes of a batch replay (a dry pass that counts each
 * connection's stages, then the real pass) into the text and JSON views.
 *
 * Beyond memory safety (ASan) and fuzz_check_event's invariants, the real
 * pass must agree with the dry pass: every stage says "N of M" with the M
 * the dry pass counted for its connection, and the last stage of each
 * connection has number M. A stage the plan did not count, or a plan that
 * promises a stage that never comes, is a wrong sentence on screen.
 *
 * Input: repeated [op][a][b][len][len bytes]; a handshake message and a
 * key take their name from the bytes (seeds: tests/fuzz/make-corpus.sh
 * turns the JSON Lines of real captures into such scripts). */
#include "fuzz_common.h"
#include "engine/story.h"
#include "output/views.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define STORY_CONNS 3

struct story_check {
	struct sink sink;
	uint32_t total[STORY_CONNS + 1]; /* the M of the first stage seen, per connection */
	uint32_t last[STORY_CONNS + 1];  /* the highest final stage number seen */
	bool real;                       /* the real pass (after the dry one) */
};

static void story_check_emit(struct sink *s, const struct event *ev)
{
	struct story_check *k = (struct story_check *)s;

	fuzz_check_event(s, ev);
	if (!k->real || ev->type != EV_STAGE || ev->conn == 0 || ev->conn > STORY_CONNS)
		return;
	if (!k->total[ev->conn])
		k->total[ev->conn] = ev->u.stage.of;
	/* the plan does not change within a pass */
	FUZZ_REQUIRE(ev->u.stage.of == k->total[ev->conn]);
	if (ev->u.stage.final && ev->u.stage.number > k->last[ev->conn])
		k->last[ev->conn] = ev->u.stage.number;
}

/* One pass of the script into st. */
static void story_script(struct sink *in, const uint8_t *data, size_t size)
{
	static const uint8_t zeros[64];
	uint64_t seq = 0, off[STORY_CONNS + 1][3] = { { 0 } };
	uint64_t rec_index[STORY_CONNS + 1][3] = { { 0 } };
	uint32_t conn = 1;
	uint8_t recbuf[5 + 255], pktbuf[40 + 255];
	char name[256];
	struct field fld;
	size_t i = 0;

	while (i + 4 <= size) {
		uint8_t op = data[i], a = data[i + 1], b = data[i + 2], n = data[i + 3];
		const uint8_t *p;
		struct event ev;

		i += 4;
		if (n > size - i)
			n = (uint8_t)(size - i);
		p = data + i;
		i += n;
		memcpy(name, p, n);
		name[n] = 0;
		memset(&ev, 0, sizeof ev);
		ev.seq = ++seq;
		ev.ts_us = 1000000u + seq * 1000u;
		ev.conn = conn;
		ev.dir = (b & 1) ? DIR_S2C : DIR_C2S;
		switch (op % 11) {
		case 0:
			ev.type = EV_PACKET;
			ev.u.packet.frame = seq;
			ev.u.packet.tcp_flags = a;
			memset(pktbuf, 0, 40);
			memcpy(pktbuf + 40, p, n);
			ev.u.packet.linktype = 101; /* LINKTYPE_RAW */
			ev.u.packet.bytes = pktbuf;
			ev.u.packet.len = 40u + n;
			ev.u.packet.payload_off = 40;
			ev.u.packet.payload_len = n;
			ev.u.packet.seq = (uint32_t)off[conn][ev.dir];
			break;
		case 1:
			ev.type = EV_RECORD;
			recbuf[0] = a;
			recbuf[1] = 3;
			recbuf[2] = (b & 8) ? 4 : 3;
			recbuf[3] = 0;
			recbuf[4] = n;
			memcpy(recbuf + 5, p, n);
			ev.u.record.index = rec_index[conn][ev.dir]++;
			ev.u.record.stream_off = off[conn][ev.dir];
			ev.u.record.content_type = a;
			ev.u.record.version = 0x0303;
			ev.u.record.length = n;
			ev.u.record.bytes = recbuf;
			ev.u.record.len = 5u + n;
			ev.u.record.encrypted = (b & 2) != 0;
			ev.u.record.decrypted = (b & 6) == 6;
			ev.u.record.auth_failed = (b & 6) == 2 && (b & 16);
			ev.u.record.inner_type = (uint8_t)(20 + (b >> 5) % 4);
			if (ev.u.record.decrypted) {
				ev.u.record.plain = p;
				ev.u.record.plain_len = n;
			}
			if (ev.u.record.encrypted && !ev.u.record.decrypted && !ev.u.record.auth_failed)
				ev.u.record.why_not = "no key for this client random";
			off[conn][ev.dir] += 5u + n;
			break;
		case 2:
			ev.type = EV_HANDSHAKE;
			ev.u.hs.msg_type = a;
			ev.u.hs.msg = name;
			ev.u.hs.encrypted = (b & 2) != 0;
			ev.u.hs.record_index = rec_index[conn][ev.dir];
			memset(recbuf, 0, 4);
			recbuf[0] = a;
			ev.u.hs.bytes = recbuf;
			ev.u.hs.len = 4;
			if (b & 4) { /* a KeyUpdate's request_update, any text */
				memset(&fld, 0, sizeof fld);
				fld.name = "request_update";
				fld.value = (b & 8) ? "update_requested (1)" : "update_not_requested (0)";
				fld.off = 4;
				fld.len = 0;
				ev.u.hs.fields = &fld;
				ev.u.hs.nfields = 1;
			}
			break;
		case 3:
			ev.type = EV_CCS;
			break;
		case 4:
			ev.type = EV_ALERT;
			ev.u.alert.level = (uint8_t)(1 + (a & 1));
			ev.u.alert.desc = b;
			ev.u.alert.level_name = (a & 1) ? "fatal" : "warning";
			ev.u.alert.desc_name = (b & 2) ? "bad_record_mac" : "close_notify";
			ev.u.alert.encrypted = (a & 2) != 0;
			break;
		case 5:
			ev.type = EV_APP_DATA;
			ev.u.app.data = p;
			ev.u.app.len = n;
			ev.u.app.record_index = rec_index[conn][ev.dir];
			break;
		case 6:
			ev.type = EV_GAP;
			ev.u.gap.stream_off = off[conn][ev.dir];
			ev.u.gap.missing = (uint64_t)a << 8 | n;
			off[conn][ev.dir] += ev.u.gap.missing;
			break;
		case 7:
			ev.type = EV_KEY;
			ev.u.key.name = name;
			ev.u.key.owner = (enum owner)(b % 4);
			ev.u.key.value = zeros;
			ev.u.key.len = 16u + a % 48u;
			ev.u.key.label = (b & 4) ? "c hs traffic" : NULL;
			ev.u.key.derivation = (b & 8) ? "HKDF-Expand-Label(handshake_secret, ...)" : NULL;
			break;
		case 8:
			ev.type = EV_FACTS;
			ev.u.facts.version = (a & 3) == 0 ? 0 : (a & 3) == 1 ? 0x0303 : 0x0304;
			ev.u.facts.kx = n ? (enum kx)(p[0] % 9) : KX_UNKNOWN;
			ev.u.facts.suite = (uint16_t)(0x1300 | (a >> 2 & 3));
			ev.u.facts.suite_name = (a & 4) ? "TLS_AES_128_GCM_SHA256" : NULL;
			ev.u.facts.group = (a & 8) ? 0x001d : (a & 16) ? 0x11ec : 0;
			ev.u.facts.group_name = (a & 8) ? "x25519" : (a & 16) ? "X25519MLKEM768" : NULL;
			ev.u.facts.hrr = (b & 8) != 0;
			ev.u.facts.resumed = (b & 16) != 0;
			ev.u.facts.client_auth = (b & 32) != 0;
			ev.u.facts.certificate = (int)(b >> 6 & 3) - 1;
			ev.u.facts.handshake_visible = (a & 32) != 0;
			ev.u.facts.fatal_alert = (a & 64) ? 20 : -1;
			ev.u.facts.sni = n > 1 ? "example.com" : NULL;
			ev.u.facts.ch_tls13 = (a & 128) != 0;
			ev.u.facts.ch_shares = (a & 16) ? "X25519MLKEM768, x25519" : "x25519";
			ev.u.facts.share_len_c = (a & 16) ? 1216 : 32;
			ev.u.facts.share_len_s = (a & 16) ? 1120 : 32;
			ev.u.facts.ech = n > 100;
			break;
		case 9:
			ev.type = EV_CONN;
			conn = 1u + a % STORY_CONNS;
			ev.conn = conn;
			snprintf(ev.u.conn.client, sizeof ev.u.conn.client, "127.0.0.1:%u", 50000u + conn);
			snprintf(ev.u.conn.server, sizeof ev.u.conn.server, "127.0.0.1:443");
			ev.u.conn.source = "file";
			break;
		default:
			ev.type = EV_NOTE;
			ev.u.note.level = (a & 1) ? "warning" : "info";
			ev.u.note.text = "a note \x1b[2J from the decoder";
			break;
		}
		sink_emit(in, &ev);
	}
}

int fuzz_story_one(const uint8_t *data, size_t size)
{
	struct story_check chk = { .sink = { .emit = story_check_emit } };
	struct view_opts vo = { .packets = true, .hex = true };
	FILE *null = fopen("/dev/null", "w");
	struct sink *text = null ? view_text_new(null, &vo) : NULL;
	struct sink *json = null ? view_json_new(null) : NULL;
	struct sink_tee tee;
	struct story *st;

	sink_tee_init(&tee);
	if (!text || !json || sink_tee_add(&tee, &chk.sink) < 0 || sink_tee_add(&tee, text) < 0 ||
	    sink_tee_add(&tee, json) < 0)
		abort();
	st = story_new(&tee.base);
	if (!st)
		abort();
	if (size && (data[0] & 1))
		story_set_scenario(st, (data[0] & 2) ? "hrr" : "tls12");
	/* the dry pass, as batch replay reads ahead */
	story_set_dry(st, true);
	story_script(story_sink(st), data, size);
	story_keep_totals(st);
	story_set_dry(st, false);
	chk.real = true;
	story_script(story_sink(st), data, size);
	story_flush(st);
	for (uint32_t c = 1; c <= STORY_CONNS; c++)
		if (chk.total[c])
			FUZZ_REQUIRE(chk.last[c] == chk.total[c]);
	story_free(st);
	view_close(text);
	view_close(json);
	fclose(null);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_story_one(data, size);
}
#endif
