/* Fuzz the record + handshake decoder, the story model and the eavesdropper
 * projection: two directions of stream bytes in, events out (each checked by
 * fuzz_check_event, as the story emits it and as the projection shows it). The key store holds a key
 * log entry for client random 41..41 and every key of the stream fixtures in
 * tests/data/tls plus their RSA server key, so seeds made from those streams
 * (tests/fuzz/corpus/tlsdec) reach the decryption and encrypted-handshake
 * paths. */
#include "fuzz_common.h"
#include "engine/story.h"
#include "output/eve.h"
#include "keys/keys.h"
#include "tls/tlsdec.h"

#include <glob.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const char tlsdec_fixed_keylog[] =
	"CLIENT_RANDOM 4141414141414141414141414141414141414141414141414141414141414141 "
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f\n"
	"CLIENT_HANDSHAKE_TRAFFIC_SECRET 4141414141414141414141414141414141414141414141414141414141414141 "
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	"SERVER_HANDSHAKE_TRAFFIC_SECRET 4141414141414141414141414141414141414141414141414141414141414141 "
	"101102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	"CLIENT_TRAFFIC_SECRET_0 4141414141414141414141414141414141414141414141414141414141414141 "
	"202102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	"SERVER_TRAFFIC_SECRET_0 4141414141414141414141414141414141414141414141414141414141414141 "
	"303102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";

/* The key store shared by every input (the decoder only reads it). */
static struct keystore *tlsdec_keys(void)
{
	static struct keystore *ks;
	glob_t g;

	if (ks)
		return ks;
	ks = keystore_new();
	if (!ks)
		abort();
	keystore_add_keylog(ks, (const uint8_t *)tlsdec_fixed_keylog,
			    sizeof tlsdec_fixed_keylog - 1, "fuzz", NULL);
	if (glob(TLSVIZ_SOURCE_DIR "/tests/data/tls/*.keys", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			keystore_load_keylog_file(ks, g.gl_pathv[i], NULL);
		globfree(&g);
	}
	keystore_load_rsa_key(ks, TLSVIZ_SOURCE_DIR "/tests/data/tls/rsa-server.key");
	return ks;
}

/* Input: repeated [u8 ctl][u8 len][len bytes]; ctl bit 0 = direction
 * (1 = server to client), bit 1 = report a 7-byte gap before the chunk. */
int fuzz_tlsdec_one(const uint8_t *data, size_t size)
{
	struct sink out = { .emit = fuzz_check_event };
	struct sink *eve = eve_sink_new(&out);
	struct sink_tee tee;
	struct story *st;
	struct tlsdec *d;
	uint64_t off[3] = { 0 };

	sink_tee_init(&tee);
	st = eve && sink_tee_add(&tee, &out) == 0 && sink_tee_add(&tee, eve) == 0 ? story_new(&tee.base) : NULL;
	d = st ? tlsdec_new(1, tlsdec_keys(), story_sink(st)) : NULL;
	size_t i = 0;

	/* odd-sized inputs take the parallel record path (replay's default) */
	if (d && (size & 1))
		tlsdec_set_parallel(d, 2);

	while (d && i + 2 <= size) {
		uint8_t ctl = data[i], n = data[i + 1];
		enum dir dir = (ctl & 1) ? DIR_S2C : DIR_C2S;

		i += 2;
		if (n > size - i)
			n = (uint8_t)(size - i);
		if (ctl & 2) {
			tlsdec_gap(d, dir, off[dir], 7);
			off[dir] += 7;
		}
		tlsdec_feed(d, dir, data + i, n, off[dir], 0);
		off[dir] += n;
		i += n;
	}
	if (d) {
		uint16_t version;
		const char *suite, *group;

		tlsdec_info(d, &version, &suite, &group);
		FUZZ_REQUIRE(suite && group);
		tlsdec_end(d);
		tlsdec_free(d);
	}
	story_flush(st);
	story_free(st);
	eve_sink_free(eve);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_tlsdec_one(data, size);
}
#endif
