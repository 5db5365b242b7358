/* Live capture of tlsviz's own loopback traffic with libpcap.
 *
 * Source decision (capture_prepare, BEFORE any thread starts, because
 * unshare(CLONE_NEWUSER) refuses multi-threaded processes):
 *   CAPTURE_NETNS: move this process into a private network namespace with
 *     its own lo (brought up with SIOCSIFFLAGS). As root: unshare(CLONE_NEWNET);
 *     otherwise (or if that is refused): unshare(CLONE_NEWUSER|CLONE_NEWNET)
 *     with setgroups "deny" and an identity uid_map/gid_map, which gives
 *     CAP_NET_RAW over the new namespace to an unprivileged user.
 *   CAPTURE_PCAP: libpcap on lo of the current namespace (needs root or
 *     CAP_NET_RAW; sees every process's loopback traffic, filtered by port).
 *   CAPTURE_TAP: no capture; frames are synthesized (wire/tap.h).
 *   CAPTURE_AUTO: NETNS first, for root too, so the capture sees only
 *     tlsviz's own traffic; then PCAP; then TAP. `why` tells what happened.
 * In NETNS mode the session's sockets must be created after capture_prepare
 * (they then live in the private namespace).
 */
#ifndef TLSVIZ_WIRE_CAPTURE_H
#define TLSVIZ_WIRE_CAPTURE_H

#include "wire/packet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum capture_mode { CAPTURE_AUTO = 0, CAPTURE_PCAP, CAPTURE_NETNS, CAPTURE_TAP };

/* In immediate mode libpcap gives every packet a ring slot of the snapshot
 * length: the largest IPv4 or IPv6 packet on lo (65535 + 40 header bytes)
 * plus the Ethernet header, not libpcap's 256 KiB default, which left an
 * 8 MiB ring 32 slots and lost packets when 50 clients came at once. */
#define CAPTURE_SNAPLEN (65535 + 40 + 14)
/* ring bytes: ~500 slots of that size */
#define CAPTURE_BUFFER (32 << 20)
/* The settle probe's UDP port (discard): captured, never shown. */
#define CAPTURE_PROBE_PORT 9
/* How long the probe may take to come back before the capture stops anyway. */
#define CAPTURE_SETTLE_MS 3000

/* Decide and set up the source; *got is what was chosen, why a human reason
 * (also on failure). ERR_SYSTEM when an explicitly wanted mode is impossible. */
int capture_prepare(enum capture_mode want, enum capture_mode *got, char *why, size_t whylen);

struct capture;

/* Open "lo" (immediate mode, BPF "tcp port N", and the settle probe), start the capture thread
 * calling on_packet for every packet (from that thread). Returns once the
 * capture is active, so the SYN that follows is captured. */
int capture_start(struct capture **out, uint16_t port,
		  void (*on_packet)(void *ctx, const struct pkt_raw *p), void *ctx);
/* End of traffic without guessing how long to wait: capture_settle_begin
 * sends a probe datagram through lo, which reaches the capture after every
 * packet sent before it; capture_settled is 1 once it was read (everything
 * before it was handed out) or deadline_ms passed (*timed_out), else 0. */
int capture_settle_begin(struct capture *c, int deadline_ms);
int capture_settled(struct capture *c, bool *timed_out);

struct capture_counts {
	uint64_t frames;   /* handed to on_packet */
	uint64_t received; /* passed the filter, the kernel's count (pcap_stats; lo's
			    * packets twice: going out and coming in) */
	uint64_t dropped;  /* lost because the ring was full or the interface dropped them */
	bool valid;        /* received/dropped could be read */
};
/* Stop, join and free; counts (may be NULL) says what the kernel lost. */
void capture_stop(struct capture *c, struct capture_counts *counts);
/* "auto", "pcap", "netns", "tap". */
const char *capture_mode_name(enum capture_mode m);

#endif
