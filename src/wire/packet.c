/* Link layer + IP + TCP parsing of captured frames. */
#include "wire/packet.h"

#include "core/cursor.h"
#include "core/err.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd
#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define IPPROTO_TCP_ 6
#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT 8

/* 1 if packet_parse knows this link type. */
int packet_linktype_supported(int linktype)
{
	switch (linktype) {
	case WIRE_DLT_NULL: case WIRE_DLT_EN10MB: case WIRE_DLT_RAW:
	case WIRE_DLT_RAW_BSD: case WIRE_LINKTYPE_RAW: case WIRE_DLT_LOOP:
	case WIRE_DLT_LINUX_SLL: case WIRE_DLT_IPV4: case WIRE_DLT_IPV6:
	case WIRE_DLT_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

/* A short name of a link type. */
const char *packet_linktype_name(int linktype)
{
	switch (linktype) {
	case WIRE_DLT_NULL: return "NULL";
	case WIRE_DLT_EN10MB: return "EN10MB";
	case WIRE_DLT_RAW: case WIRE_DLT_RAW_BSD: case WIRE_LINKTYPE_RAW: return "RAW";
	case WIRE_DLT_LOOP: return "LOOP";
	case WIRE_DLT_LINUX_SLL: return "LINUX_SLL";
	case WIRE_DLT_IPV4: return "IPV4";
	case WIRE_DLT_IPV6: return "IPV6";
	case WIRE_DLT_LINUX_SLL2: return "LINUX_SLL2";
	default: return "unknown";
	}
}

/* Map a BSD loopback address family value to 4 or 6 (0 = not IP). BSDs
 * disagree on AF_INET6 (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS; 10 Linux). */
static int null_family(uint32_t af)
{
	if (af == 2)
		return 4;
	if (af == 24 || af == 28 || af == 30 || af == 10)
		return 6;
	return 0;
}

/* Ethernet II: dst(6) src(6) [802.1Q tag(4)]* ethertype(2). Returns the
 * ethertype of the network layer in *etype. */
static int link_ethernet(struct cursor *c, uint16_t *etype)
{
	TRY(cursor_skip(c, "ethernet addresses", 12));
	TRY(cursor_u16(c, "ethertype", etype));
	for (int i = 0; i < MAX_VLAN_TAGS && (*etype == ETH_VLAN || *etype == ETH_QINQ); i++) {
		TRY(cursor_skip(c, "vlan tci", 2));
		TRY(cursor_u16(c, "vlan ethertype", etype));
	}
	return 0;
}

/* Linux cooked v1: packet_type(2) arphrd(2) addr_len(2) addr(8) protocol(2). */
static int link_sll(struct cursor *c, uint16_t *etype)
{
	TRY(cursor_skip(c, "sll header", 14));
	TRY(cursor_u16(c, "sll protocol", etype));
	return 0;
}

/* Linux cooked v2: protocol(2) reserved(2) ifindex(4) arphrd(2)
 * packet_type(1) addr_len(1) addr(8). */
static int link_sll2(struct cursor *c, uint16_t *etype)
{
	TRY(cursor_u16(c, "sll2 protocol", etype));
	TRY(cursor_skip(c, "sll2 header", 18));
	return 0;
}

/* Find where the IP header starts and which version it is (4 or 6). */
static int link_parse(int linktype, struct cursor *c, int *ipver)
{
	uint16_t etype = 0;
	uint32_t af;
	uint8_t v;

	switch (linktype) {
	case WIRE_DLT_EN10MB:
		TRY(link_ethernet(c, &etype));
		break;
	case WIRE_DLT_LINUX_SLL:
		TRY(link_sll(c, &etype));
		break;
	case WIRE_DLT_LINUX_SLL2:
		TRY(link_sll2(c, &etype));
		break;
	case WIRE_DLT_NULL:
		/* host byte order of the capturing machine: try both */
		TRY(cursor_le32(c, "loopback family", &af));
		*ipver = null_family(af);
		if (!*ipver)
			*ipver = null_family(__builtin_bswap32(af));
		ENSURE(*ipver, ERR_UNSUPPORTED, "loopback family %u is not IP", af);
		return 0;
	case WIRE_DLT_LOOP:
		TRY(cursor_u32(c, "loopback family", &af));
		*ipver = null_family(af);
		ENSURE(*ipver, ERR_UNSUPPORTED, "loopback family %u is not IP", af);
		return 0;
	case WIRE_DLT_RAW: case WIRE_DLT_RAW_BSD: case WIRE_LINKTYPE_RAW:
	case WIRE_DLT_IPV4: case WIRE_DLT_IPV6: {
		struct cursor peek = *c;
		TRY(cursor_u8(&peek, "ip version", &v));
		*ipver = v >> 4;
		ENSURE(*ipver == 4 || *ipver == 6, ERR_UNSUPPORTED,
		       "raw IP frame has version %u", *ipver);
		return 0;
	}
	default:
		return err_set(ERR_UNSUPPORTED, "link type %d is not supported", linktype);
	}
	if (etype == ETH_IPV4)
		*ipver = 4;
	else if (etype == ETH_IPV6)
		*ipver = 6;
	else
		return err_set(ERR_UNSUPPORTED, "ethertype 0x%04x is not IP", etype);
	return 0;
}

/* Narrow the cursor to the IP datagram's declared payload (drops Ethernet
 * padding); payload bytes the snap length cut off are counted in *trunc. */
static int ip_bound(struct cursor *c, size_t declared, size_t origlen_left, size_t *trunc)
{
	size_t left = cursor_left(c);
	struct cursor sub;

	if (declared <= left) {
		TRY(cursor_sub(c, "ip payload", declared, &sub));
		*c = sub;
		*trunc = 0;
	} else {
		size_t orig = declared < origlen_left ? declared : origlen_left;
		*trunc = orig > left ? orig - left : 0;
	}
	return 0;
}

/* IPv4 (RFC 791): ver_ihl(1) tos(1) total_length(2) id(2) flags_frag(2)
 * ttl(1) protocol(1) checksum(2) src(4) dst(4) options(ihl*4-20). */
static int ipv4_parse(struct cursor *c, struct pkt *out, size_t origlen_left, size_t *trunc)
{
	uint8_t vihl, proto;
	uint16_t total, frag;
	size_t ihl;

	TRY(cursor_u8(c, "ipv4 version/ihl", &vihl));
	ENSURE(vihl >> 4 == 4, ERR_VALUE, "ipv4 version is %u", vihl >> 4);
	ihl = (size_t)(vihl & 0x0f) * 4;
	ENSURE(ihl >= 20, ERR_VALUE, "ipv4 header length %zu < 20", ihl);
	TRY(cursor_skip(c, "ipv4 tos", 1));
	TRY(cursor_u16(c, "ipv4 total_length", &total));
	TRY(cursor_skip(c, "ipv4 id", 2));
	TRY(cursor_u16(c, "ipv4 flags/fragment", &frag));
	TRY(cursor_skip(c, "ipv4 ttl", 1));
	TRY(cursor_u8(c, "ipv4 protocol", &proto));
	TRY(cursor_skip(c, "ipv4 checksum", 2));
	TRY(cursor_copy(c, "ipv4 source", out->src, 4));
	TRY(cursor_copy(c, "ipv4 destination", out->dst, 4));
	TRY(cursor_skip(c, "ipv4 options", ihl - 20));
	ENSURE((frag & 0x1fff) == 0, ERR_UNSUPPORTED,
	       "ipv4 fragment at offset %u (fragments are not reassembled)",
	       (unsigned)(frag & 0x1fff) * 8);
	ENSURE(proto == IPPROTO_TCP_, ERR_UNSUPPORTED, "ip protocol %u is not TCP", proto);
	out->af = AF_INET;
	/* total_length 0: TSO-offloaded capture, the frame is the datagram */
	if (total != 0) {
		ENSURE(total >= ihl, ERR_LENGTH, "ipv4 total_length %u < header %zu", total, ihl);
		TRY(ip_bound(c, total - ihl, origlen_left > ihl ? origlen_left - ihl : 0, trunc));
	}
	return 0;
}

/* IPv6 (RFC 8200): ver_tc_flow(4) payload_length(2) next_header(1)
 * hop_limit(1) src(16) dst(16), then extension headers. */
static int ipv6_parse(struct cursor *c, struct pkt *out, size_t origlen_left, size_t *trunc)
{
	uint32_t vtf;
	uint16_t plen;
	uint8_t nh, len8;
	uint16_t fragoff;

	TRY(cursor_u32(c, "ipv6 version/class/flow", &vtf));
	ENSURE(vtf >> 28 == 6, ERR_VALUE, "ipv6 version is %u", vtf >> 28);
	TRY(cursor_u16(c, "ipv6 payload_length", &plen));
	TRY(cursor_u8(c, "ipv6 next_header", &nh));
	TRY(cursor_skip(c, "ipv6 hop_limit", 1));
	TRY(cursor_copy(c, "ipv6 source", out->src, 16));
	TRY(cursor_copy(c, "ipv6 destination", out->dst, 16));
	out->af = AF_INET6;
	if (plen != 0) /* 0: jumbogram or offload; the frame is the datagram */
		TRY(ip_bound(c, plen, origlen_left > 40 ? origlen_left - 40 : 0, trunc));
	for (int i = 0; nh != IPPROTO_TCP_; i++) {
		ENSURE(i < MAX_IPV6_EXT, ERR_UNSUPPORTED, "more than %d ipv6 extension headers",
		       MAX_IPV6_EXT);
		switch (nh) {
		case 0: case 43: case 60: /* hop-by-hop, routing, destination options */
			TRY(cursor_u8(c, "ipv6 extension next_header", &nh));
			TRY(cursor_u8(c, "ipv6 extension length", &len8));
			TRY(cursor_skip(c, "ipv6 extension body", (size_t)len8 * 8 + 6));
			break;
		case 44: /* fragment */
			TRY(cursor_u8(c, "ipv6 fragment next_header", &nh));
			TRY(cursor_skip(c, "ipv6 fragment reserved", 1));
			TRY(cursor_u16(c, "ipv6 fragment offset", &fragoff));
			TRY(cursor_skip(c, "ipv6 fragment id", 4));
			ENSURE((fragoff >> 3) == 0, ERR_UNSUPPORTED,
			       "ipv6 fragment at offset %u (fragments are not reassembled)",
			       (unsigned)(fragoff >> 3) * 8);
			break;
		case 51: /* authentication header: length in 4-byte units minus 2 */
			TRY(cursor_u8(c, "ipv6 ah next_header", &nh));
			TRY(cursor_u8(c, "ipv6 ah length", &len8));
			TRY(cursor_skip(c, "ipv6 ah body", ((size_t)len8 + 2) * 4 - 2));
			break;
		default:
			return err_set(ERR_UNSUPPORTED, "ipv6 next header %u is not TCP", nh);
		}
	}
	return 0;
}

/* TCP (RFC 9293): src_port(2) dst_port(2) seq(4) ack(4) data_offset/flags(2)
 * window(2) checksum(2) urgent(2) options(data_offset*4-20). */
static int tcp_parse(struct cursor *c, struct pkt *out)
{
	uint16_t offflags;
	size_t hlen;

	TRY(cursor_u16(c, "tcp source port", &out->sport));
	TRY(cursor_u16(c, "tcp destination port", &out->dport));
	TRY(cursor_u32(c, "tcp sequence number", &out->seq));
	TRY(cursor_u32(c, "tcp acknowledgment number", &out->ack));
	TRY(cursor_u16(c, "tcp data offset/flags", &offflags));
	hlen = (size_t)(offflags >> 12) * 4;
	ENSURE(hlen >= 20, ERR_VALUE, "tcp data offset %zu < 20", hlen);
	out->flags = (uint8_t)(offflags & 0xff);
	TRY(cursor_u16(c, "tcp window", &out->window));
	TRY(cursor_skip(c, "tcp checksum/urgent", 4));
	TRY(cursor_skip(c, "tcp options", hlen - 20));
	return 0;
}

/* Parse one frame down to the TCP payload. */
int packet_parse(int linktype, const uint8_t *frame, size_t caplen,
		 size_t origlen, uint64_t ts_us, struct pkt *out)
{
	struct cursor c;
	int ipver = 0;
	size_t trunc = 0, origleft;

	memset(out, 0, sizeof *out);
	out->ts_us = ts_us;
	out->linktype = linktype;
	out->frame = frame;
	out->caplen = caplen;
	out->origlen = origlen < caplen ? caplen : origlen;
	cursor_init(&c, frame, caplen, 0);
	TRY(link_parse(linktype, &c, &ipver));
	origleft = out->origlen - (size_t)cursor_offset(&c);
	if (ipver == 4)
		TRY(ipv4_parse(&c, out, origleft, &trunc));
	else
		TRY(ipv6_parse(&c, out, origleft, &trunc));
	TRY(tcp_parse(&c, out));
	out->payload_off = (size_t)cursor_offset(&c);
	TRY(cursor_rest(&c, &out->payload, &out->payload_len));
	out->payload_trunc = trunc;
	if (out->payload_len == 0)
		out->payload = NULL;
	return 0;
}

/* Format an endpoint: "127.0.0.1:443" or "[::1]:443". */
char *packet_endpoint(int af, const uint8_t addr[16], uint16_t port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, addr, ip, sizeof ip))
		strcpy(ip, "?");
	if (af == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
	return buf;
}
