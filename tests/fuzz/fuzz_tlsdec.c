/* Fuzz the record + handshake decoder: two directions of stream bytes in,
 * events out. A key log entry for client random 41..41 lets the fuzzer reach
 * the decryption paths. */
#include "keys/keys.h"
#include "tls/tlsdec.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static void drop(struct sink *s, const struct event *ev)
{
	(void)s;
	(void)ev;
}

static const char keylog[] =
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

/* Input: repeated [u8 ctl][u8 len][len bytes]; ctl bit 0 = direction,
 * bit 1 = report a gap before the chunk. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink out = { .emit = drop };
	struct keystore *ks = keystore_new();
	struct tlsdec *d;
	uint64_t off[3] = { 0 };
	size_t i = 0;

	if (!ks)
		return 0;
	keystore_add_keylog(ks, (const uint8_t *)keylog, sizeof keylog - 1, "fuzz", NULL);
	d = tlsdec_new(1, ks, &out);
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
		tlsdec_end(d);
		tlsdec_free(d);
	}
	keystore_free(ks);
	return 0;
}
