/* Reading capture files: pcap and pcapng through libpcap's offline API, plus
 * the pcapng Decryption Secrets Blocks (which libpcap skips) through
 * pcapng_scan, fed to the key store before the first packet is read.
 */
#ifndef TLSVIZ_WIRE_CAPFILE_H
#define TLSVIZ_WIRE_CAPFILE_H

#include "core/event.h"
#include "wire/packet.h"

#include <stdint.h>

struct keystore;
struct capfile;

/* Open a capture file. DSB secrets go to ks (may be NULL); problems that do
 * not stop reading (a garbage DSB, a truncated tail) become EV_NOTE warnings
 * on warn (may be NULL). Errors: ERR_IO (missing, unreadable, directory),
 * ERR_VALUE (empty, not a capture, broken header), ERR_UNSUPPORTED (link
 * type), each with a message naming the file. */
int capfile_open(struct capfile **out, const char *path, struct keystore *ks, struct sink *warn);
/* The file's link type (DLT_*). */
int capfile_linktype(const struct capfile *cf);
/* The next packet: 1 = packet in *out (valid until the next call), 0 = end of
 * file, <0 = error (message names the file and offset). */
int capfile_next(struct capfile *cf, struct pkt_raw *out);
/* File size and read position in bytes, for a progress bar. */
uint64_t capfile_size(const struct capfile *cf);
uint64_t capfile_pos(const struct capfile *cf);
/* Go back (or forward) to a frame whose offset capfile_pos() gave just
 * before it was read; frame_no is its number. Reading on from there (a
 * second handle on the same file reads records back on demand). */
int capfile_seek(struct capfile *cf, uint64_t pos, uint64_t frame_no);
/* DSBs found when opening (pcapng). */
int capfile_dsb_count(const struct capfile *cf);
/* Close and free. */
void capfile_close(struct capfile *cf);

#endif
