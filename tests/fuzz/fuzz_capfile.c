/* Fuzz the pcap/pcapng reader including the Decryption Secrets Block scanner:
 * the input is written to a memory file and opened by path, as users do. */
#define _GNU_SOURCE
#include "keys/keys.h"
#include "wire/capfile.h"
#include "wire/packet.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static void drop(struct sink *s, const struct event *ev)
{
	(void)s;
	(void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink warn = { .emit = drop };
	struct keystore *ks = keystore_new();
	struct capfile *cf = NULL;
	struct pkt_raw r;
	char path[64];
	int fd = memfd_create("fuzz-capfile", 0);

	if (fd < 0 || !ks)
		goto out;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (capfile_open(&cf, path, ks, &warn) == 0) {
		for (int i = 0; i < 100000 && capfile_next(cf, &r) == 1; i++) {
			struct pkt p;

			packet_parse(r.linktype, r.frame, r.caplen, r.origlen, r.ts_us, &p);
		}
		capfile_close(cf);
	}
out:
	if (fd >= 0)
		close(fd);
	keystore_free(ks);
	return 0;
}
