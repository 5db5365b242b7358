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
 * file, <0 = error (message names the file and offset). A damaged record
 * (pcapng: a block whose lengths disagree or make no sense; pcap: a record
 * header libpcap refuses) is skipped to the next readable one when there is
 * one (pcapng: the next block whose leading and trailing lengths agree;
 * pcap: the next plausible record header followed by another); the frame
 * after it is returned and capfile_damage() says what was skipped. With
 * nothing readable after the damage: ERR_VALUE, every frame before it
 * having been returned. */
int capfile_next(struct capfile *cf, struct pkt_raw *out);
/* The damage skipped before the frame capfile_next just returned (file,
 * offset, what is wrong, bytes skipped), or NULL. */
const char *capfile_damage(const struct capfile *cf);
/* Offset of the frame capfile_next just returned (for capfile_seek). */
uint64_t capfile_frame_pos(const struct capfile *cf);
/* Damaged places skipped so far. */
unsigned capfile_damage_count(const struct capfile *cf);
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
