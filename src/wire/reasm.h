/* TCP reassembly: captured segments -> one ordered byte stream per
 * connection and direction.
 *
 * Policy and limits (the numbers are the contract):
 * - Overlaps: FIRST RECEIVED WINS. Bytes already delivered or buffered are
 *   kept; a later segment's overlapping bytes are dropped (a retransmission
 *   normally carries the same bytes; a conflicting one cannot rewrite what
 *   the decoder has already seen).
 * - Sequence numbers are unwrapped to 64-bit stream offsets around the next
 *   expected byte, so streams longer than 4 GiB and ISNs near 2^32 work.
 * - Out-of-order data is buffered, at most max_buffered_per_dir bytes per
 *   direction (default 4 MiB) and REASM_MAX_BUFFERED_TOTAL overall; when a
 *   cap is hit the hole before the first buffered segment is reported as a
 *   gap and delivery continues after it. The same when the other direction
 *   acknowledges bytes of a hole that has data buffered after it: the peer
 *   got them and the capture lost them, so they are reported as a gap at
 *   once instead of holding everything after them until the direction
 *   closes. Segments more than 1 GiB ahead of
 *   the next expected byte are ignored (outside any TCP window).
 * - At most REASM_MAX_CONNS connections are tracked; beyond that the least
 *   recently active one is finished (delivered, gaps reported, closed) and
 *   dropped. Nothing else grows with the capture size.
 * - Connections are keyed by the 4-tuple. A SYN (without ACK) on a tuple whose
 *   connection saw FIN or RST, or with a different ISN, starts a new one.
 * - Client: the SYN sender (or the receiver of a SYN-ACK); without the
 *   handshake, the sender of a payload starting with a TLS handshake record
 *   holding a ClientHello (16 03 xx .. .. 01); else the lower port is the
 *   server.
 * - RST ends both directions (close with rst=true); FIN ends its direction
 *   once every byte before it was delivered.
 */
#ifndef TLSVIZ_WIRE_REASM_H
#define TLSVIZ_WIRE_REASM_H

#include "core/event.h"
#include "wire/packet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REASM_DEFAULT_BUFFERED ((size_t)4 << 20)
#define REASM_MAX_BUFFERED_TOTAL ((size_t)64 << 20)
#define REASM_MAX_CONNS 4096

struct reasm_ops {
	/* a new connection; client/server formatted by packet_endpoint */
	void (*conn)(void *ctx, uint32_t conn_id, const char *client,
		     const char *server, uint64_t ts_us);
	/* in-order bytes of one direction, at stream offset stream_off */
	void (*data)(void *ctx, uint32_t conn_id, enum dir dir, const uint8_t *data,
		     size_t len, uint64_t stream_off, uint64_t ts_us);
	/* bytes [stream_off, stream_off+missing) will never come */
	void (*gap)(void *ctx, uint32_t conn_id, enum dir dir, uint64_t stream_off,
		    uint64_t missing, uint64_t ts_us);
	/* the direction ended (FIN, RST, eviction or end of input) */
	void (*close)(void *ctx, uint32_t conn_id, enum dir dir, bool rst, uint64_t ts_us);
};

struct reasm;

/* A reassembler calling ops (any slot may be NULL). NULL on allocation failure. */
struct reasm *reasm_new(const struct reasm_ops *ops, void *ctx, size_t max_buffered_per_dir);
/* Account one TCP packet; tells which connection/direction it belongs to. */
int reasm_packet(struct reasm *r, const struct pkt *p, uint32_t *conn_id, enum dir *dir);
/* End of input: deliver what can be delivered, report holes as gaps, close
 * every direction still open. */
void reasm_finish(struct reasm *r);
/* Free everything (without callbacks). */
void reasm_free(struct reasm *r);
/* Out-of-order bytes buffered right now (tests, status). */
size_t reasm_buffered(const struct reasm *r);
/* Connections in the table. */
size_t reasm_conn_count(const struct reasm *r);

#endif
