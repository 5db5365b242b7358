/* Reading a record back from the capture on demand, so that views need not
 * keep every record of a large file in memory.
 *
 * While the engine decodes, this module watches the events and the TCP
 * payloads: per connection and direction it keeps the 4-tuple, the TCP
 * sequence number of stream offset 0, a sparse list of checkpoints (a record
 * index, its stream offset and the position of the earliest frame that holds
 * bytes at or after it) and the record keys the decoder emitted, with the
 * record indices where the keys change. Memory grows with the number of
 * connections and with one checkpoint per 128 KiB of stream, not with the
 * bytes of the capture.
 *
 * reread_record() scans frames forward from the checkpoint before the wanted
 * record, gathers that direction's stream bytes, walks the record headers to
 * the record and decrypts it again with the key that authenticates it. */
#ifndef TLSVIZ_ENGINE_REREAD_H
#define TLSVIZ_ENGINE_REREAD_H

#include "core/event.h"
#include "wire/packet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct reread;

/* Where frames come from when reading back: seek to a position the engine
 * noted (replay: file offset; live: frame index), then frames one by one. */
struct reread_src {
	int (*seek)(void *ctx, uint64_t pos, uint64_t frame_no);
	/* 1 = frame in *out, 0 = end, <0 = error */
	int (*next)(void *ctx, struct pkt_raw *out);
	void *ctx;
};

struct reread *reread_new(void);
/* Wipe the keys and free. */
void reread_free(struct reread *rr);
/* Stream bytes [off, off+len) of (conn, dir) are delivered while the frame
 * at position pos (frame_no) is processed; p is that frame (NULL when the
 * bytes were buffered earlier). */
void reread_data(struct reread *rr, uint32_t conn, enum dir d, const struct pkt *p, const uint8_t *data,
		 size_t len, uint64_t off, uint64_t pos, uint64_t frame_no);
/* An event on its way to the view; version and suite (IANA name, may be
 * NULL) describe the event's connection. */
void reread_event(struct reread *rr, const struct event *ev, uint16_t version, const char *suite);
/* Read record index of (conn, d) back from src and decode it again: an
 * EV_RECORD, and EV_APP_DATA when it decrypts to application data, go to
 * out. Errors: ERR_VALUE (no such record), ERR_IO (bytes not found again). */
int reread_record(struct reread *rr, const struct reread_src *src, uint32_t conn, enum dir d, uint64_t index,
		  struct sink *out);

#endif
