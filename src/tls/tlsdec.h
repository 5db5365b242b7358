/* The passive TLS decoder of one TCP connection: turns each direction's
 * reassembled byte stream into events (records, handshake messages with
 * fields, alerts, application data, derived keys, decode errors). */
#ifndef TLSVIZ_TLS_TLSDEC_H
#define TLSVIZ_TLS_TLSDEC_H

#include "core/event.h"

#include <stddef.h>
#include <stdint.h>

struct tlsdec;
struct keystore;

/* A decoder for one TCP connection; emits events with ev.conn = conn_id to out. ks may be NULL (no keys). */
struct tlsdec *tlsdec_new(uint32_t conn_id, struct keystore *ks, struct sink *out);
/* Feed in-order stream bytes of one direction; stream_off = offset of data[0] in that direction's stream. */
int tlsdec_feed(struct tlsdec *d, enum dir dir, const uint8_t *data, size_t len, uint64_t stream_off, uint64_t ts_us);
/* missing bytes in a direction: emit nothing here (the wire layer emits EV_GAP); resynchronise at the next plausible record header. */
void tlsdec_gap(struct tlsdec *d, enum dir dir, uint64_t stream_off, uint64_t missing);
/* End of both streams: report a truncated partial record as an EV_ERROR. */
void tlsdec_end(struct tlsdec *d);
void tlsdec_free(struct tlsdec *d);
/* Replay: open application-data records on nthreads threads (0: the
 * TLSVIZ_THREADS environment variable, else one thread when the record cipher
 * runs in hardware, else the CPU count, at most 4; 1: sequential). The events
 * are exactly those of the sequential decoder. */
void tlsdec_set_parallel(struct tlsdec *d, unsigned nthreads);
/* Negotiated facts for status lines: version, suite (IANA name), group name; empty strings if unknown. */
void tlsdec_info(const struct tlsdec *d, uint16_t *version, const char **suite, const char **group);

#endif
