/* The "tap" capture source: when no real capture is possible, frames with
 * real Ethernet/IPv4/TCP headers are built from the bytes the session's I/O
 * callbacks saw: SYN, SYN-ACK, ACK at the start, data segments of at most
 * TAP_MSS bytes (PSH|ACK, consistent seq/ack) each followed by the peer's
 * ACK, FIN/FIN/ACK at the end; IPv4 and TCP checksums are correct.
 * Endpoints are 127.0.0.1:client_port -> 127.0.0.1:server_port; link type
 * DLT_EN10MB like Linux lo. Thread-safe: both session threads call tap_data;
 * on_packet is called under the tap's lock, in frame order.
 */
#ifndef TLSVIZ_WIRE_TAP_H
#define TLSVIZ_WIRE_TAP_H

#include "core/event.h"
#include "wire/packet.h"

#include <stddef.h>
#include <stdint.h>

#define TAP_MSS 16384

struct tap;

/* A tap for one connection. NULL on allocation failure. */
struct tap *tap_new(uint16_t client_port, uint16_t server_port,
		    void (*on_packet)(void *ctx, const struct pkt_raw *p), void *ctx);
/* The TCP handshake (once; tap_data opens implicitly). */
void tap_open(struct tap *t);
/* Bytes one side wrote (dir C2S: client -> server). */
void tap_data(struct tap *t, enum dir dir, const uint8_t *data, size_t len);
/* FIN from the client, FIN from the server, last ACK (once). */
void tap_close(struct tap *t);
/* Free (no packets). */
void tap_free(struct tap *t);

#endif
