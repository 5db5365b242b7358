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

#include <stddef.h>
#include <stdint.h>

enum capture_mode { CAPTURE_AUTO = 0, CAPTURE_PCAP, CAPTURE_NETNS, CAPTURE_TAP };

#define CAPTURE_SNAPLEN 262144
#define CAPTURE_BUFFER (8 << 20)

/* Decide and set up the source; *got is what was chosen, why a human reason
 * (also on failure). ERR_SYSTEM when an explicitly wanted mode is impossible. */
int capture_prepare(enum capture_mode want, enum capture_mode *got, char *why, size_t whylen);

struct capture;

/* Open "lo" (immediate mode, BPF "tcp port N"), start the capture thread
 * calling on_packet for every packet (from that thread). Returns once the
 * capture is active, so the SYN that follows is captured. */
int capture_start(struct capture **out, uint16_t port,
		  void (*on_packet)(void *ctx, const struct pkt_raw *p), void *ctx);
/* Packets received and dropped by the kernel so far (pcap_stats). */
int capture_stats(struct capture *c, uint64_t *received, uint64_t *dropped);
/* Keep reading for drain_ms so trailing FIN/ACKs are captured, then stop,
 * join and free. */
void capture_stop(struct capture *c, int drain_ms);
/* "auto", "pcap", "netns", "tap". */
const char *capture_mode_name(enum capture_mode m);

#endif
