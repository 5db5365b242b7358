/* Link layer, IP and TCP parsing of one captured frame (through the bounded
 * cursor), and the raw-frame type every capture source hands out.
 *
 * Supported link types: DLT_EN10MB (Linux lo), DLT_NULL and DLT_LOOP (BSD and
 * macOS loopback; the address family may be in either byte order),
 * DLT_RAW / LINKTYPE_RAW (101) / DLT_IPV4 / DLT_IPV6, DLT_LINUX_SLL and
 * DLT_LINUX_SLL2 (the "any" device). Up to two VLAN tags are skipped.
 * IPv4 fragments are not reassembled: a non-first fragment is
 * ERR_UNSUPPORTED; IPv6 extension headers are skipped (at most 8).
 * Anything that is not TCP is ERR_UNSUPPORTED (callers skip it silently).
 */
#ifndef TLSVIZ_WIRE_PACKET_H
#define TLSVIZ_WIRE_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Link type numbers (the pcap LINKTYPE_* / Linux DLT_* values). */
#define WIRE_DLT_NULL 0
#define WIRE_DLT_EN10MB 1
#define WIRE_DLT_RAW 12         /* DLT_RAW on Linux */
#define WIRE_DLT_RAW_BSD 14     /* DLT_RAW on OpenBSD */
#define WIRE_LINKTYPE_RAW 101   /* LINKTYPE_RAW as stored in files */
#define WIRE_DLT_LOOP 108
#define WIRE_DLT_LINUX_SLL 113
#define WIRE_DLT_IPV4 228
#define WIRE_DLT_IPV6 229
#define WIRE_DLT_LINUX_SLL2 276

/* TCP flag bits. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20

/* One frame as a capture source hands it out; frame is valid only during the
 * callback / until the next capfile_next. */
struct pkt_raw {
	const uint8_t *frame;
	size_t caplen, origlen;
	uint64_t ts_us;
	int linktype;
	uint64_t frame_no; /* 1-based */
};

/* A parsed TCP segment; pointers point into the frame. */
struct pkt {
	uint64_t ts_us;
	int linktype;
	const uint8_t *frame;
	size_t caplen, origlen;
	int af; /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16]; /* IPv4: first 4 bytes, rest zero */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;           /* TCPF_* */
	uint16_t window;         /* as on the wire (unscaled) */
	size_t payload_off;      /* TCP payload offset inside frame */
	size_t payload_len;      /* payload bytes present in frame */
	const uint8_t *payload;
	size_t payload_trunc;    /* payload bytes the IP length declares but
				    the capture cut off (snaplen) */
};

/* Parse one frame down to the TCP payload. ERR_UNSUPPORTED for link types,
 * protocols and fragments not handled; ERR_SHORT when a header is cut off;
 * ERR_VALUE / ERR_LENGTH for impossible header fields. */
int packet_parse(int linktype, const uint8_t *frame, size_t caplen,
		 size_t origlen, uint64_t ts_us, struct pkt *out);
/* 1 if packet_parse knows this link type. */
int packet_linktype_supported(int linktype);
/* A short name of a link type ("EN10MB", "LINUX_SLL2", ...) or "unknown". */
const char *packet_linktype_name(int linktype);
/* Format an endpoint: "127.0.0.1:443" or "[::1]:443". Returns buf. */
char *packet_endpoint(int af, const uint8_t addr[16], uint16_t port,
		      char *buf, size_t len);

#endif
