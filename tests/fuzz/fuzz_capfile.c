/* Fuzz the pcap/pcapng reader including the Decryption Secrets Block scanner:
 * the input is written to a memory file and opened by path, as users do.
 * Every packet then goes through the rest of the replay pipeline (packet
 * parser, TCP reassembly, one TLS decoder per connection) so seeds made from
 * captures/ reach the decoder through the wire layer too. */
#include "fuzz_common.h"
#include "keys/keys.h"
#include "tls/tlsdec.h"
#include "wire/capfile.h"
#include "wire/packet.h"
#include "wire/reasm.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define CAPFILE_FUZZ_CONNS 8

struct capfile_fuzz {
	struct keystore *ks;
	struct sink out;
	struct tlsdec *dec[CAPFILE_FUZZ_CONNS + 1];
};

/* Reassembler: a new connection gets a decoder (the first few only). */
static void capfile_fuzz_conn(void *ctx, uint32_t id, const char *client, const char *server,
			      uint64_t ts)
{
	struct capfile_fuzz *f = ctx;

	(void)ts;
	FUZZ_REQUIRE(client && server && strlen(client) < 64 && strlen(server) < 64);
	if (id >= 1 && id <= CAPFILE_FUZZ_CONNS && !f->dec[id])
	{
		f->dec[id] = tlsdec_new(id, f->ks, &f->out);
		if (f->dec[id])
			tlsdec_set_parallel(f->dec[id], 2); /* as replay does */
	}
}

/* Reassembler: in-order bytes to the connection's decoder. */
static void capfile_fuzz_data(void *ctx, uint32_t id, enum dir d, const uint8_t *data, size_t len,
			      uint64_t off, uint64_t ts)
{
	struct capfile_fuzz *f = ctx;

	if (id >= 1 && id <= CAPFILE_FUZZ_CONNS && f->dec[id])
		tlsdec_feed(f->dec[id], d, data, len, off, ts);
}

/* Reassembler: a hole in a direction. */
static void capfile_fuzz_gap(void *ctx, uint32_t id, enum dir d, uint64_t off, uint64_t missing,
			     uint64_t ts)
{
	struct capfile_fuzz *f = ctx;

	(void)ts;
	if (id >= 1 && id <= CAPFILE_FUZZ_CONNS && f->dec[id])
		tlsdec_gap(f->dec[id], d, off, missing);
}

static const struct reasm_ops capfile_fuzz_ops = {
	.conn = capfile_fuzz_conn, .data = capfile_fuzz_data, .gap = capfile_fuzz_gap,
};

/* Input: a capture file. */
int fuzz_capfile_one(const uint8_t *data, size_t size)
{
	struct capfile_fuzz f = { .out = { .emit = fuzz_check_event } };
	struct sink warn = { .emit = fuzz_check_event };
	struct reasm *r = NULL;
	struct capfile *cf = NULL;
	struct pkt_raw raw;
	char path[64];
	int fd = memfd_create("fuzz-capfile", 0);

	f.ks = keystore_new();
	if (fd < 0 || !f.ks)
		goto out;
	if (size && write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (capfile_open(&cf, path, f.ks, &warn) != 0)
		goto out;
	r = reasm_new(&capfile_fuzz_ops, &f, 1 << 16);
	for (int i = 0; r && i < 100000 && capfile_next(cf, &raw) == 1; i++) {
		struct pkt p;
		uint32_t conn;
		enum dir d;

		FUZZ_REQUIRE(raw.caplen <= raw.origlen);
		if (packet_parse(raw.linktype, raw.frame, raw.caplen, raw.origlen, raw.ts_us, &p) < 0)
			continue;
		FUZZ_REQUIRE(p.payload_off + p.payload_len <= raw.caplen);
		reasm_packet(r, &p, &conn, &d);
	}
	if (r)
		reasm_finish(r);
out:
	reasm_free(r);
	for (int i = 0; i <= CAPFILE_FUZZ_CONNS; i++) {
		if (f.dec[i]) {
			tlsdec_end(f.dec[i]);
			tlsdec_free(f.dec[i]);
		}
	}
	capfile_close(cf);
	if (fd >= 0)
		close(fd);
	keystore_free(f.ks);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_capfile_one(data, size);
}
#endif
