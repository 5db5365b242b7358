/* Writing captures: pcapng (SHB, IDB "lo" with microsecond timestamps, one
 * Decryption Secrets Block with the whole key log, EPBs) or classic pcap via
 * libpcap's pcap_dump plus PATH.keys (NSS key log, 0600).
 *
 * Everything goes to a temp file in the destination's directory (mkstemp,
 * 0600) and is renamed over PATH on commit, so a reader never sees half a
 * file. Secrets may arrive before or after packets: the DSB is always placed
 * before the first packet (on commit the packets are copied behind it), so
 * Wireshark/tshark decrypt with no options.
 */
#ifndef TLSVIZ_WIRE_PCAPNG_WRITE_H
#define TLSVIZ_WIRE_PCAPNG_WRITE_H

#include <stddef.h>
#include <stdint.h>

enum { CAPFMT_PCAPNG = 1, CAPFMT_PCAP = 2 };

struct capwriter;

/* Start writing PATH (temp file next to it). ERR_IO naming the path when the
 * destination is a directory or its directory is not writable. */
int capwriter_open(struct capwriter **out, const char *path, int format, int linktype);
/* Add NSS key log text (any number of calls; kept in memory, wiped on free).
 * pcapng: one DSB before the packets; pcap: PATH.keys on commit. */
int capwriter_secrets(struct capwriter *w, const char *keylog_text, size_t len);
/* Append one frame. */
int capwriter_packet(struct capwriter *w, uint64_t ts_us, const uint8_t *frame, size_t caplen,
		     size_t origlen);
/* Finish: flush, fsync, rename temp -> PATH (and PATH.keys for pcap); frees w
 * whatever the result. */
int capwriter_commit(struct capwriter *w);
/* Give up: unlink the temp file(s) and free w. */
void capwriter_abort(struct capwriter *w);
/* Packets written so far. */
uint64_t capwriter_count(const struct capwriter *w);

#endif
