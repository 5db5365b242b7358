/* Unit tests for packet_parse: every link type, IPv6 with extension headers,
 * VLAN, truncation (empty, one short, exact), fragments and non-TCP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "core/err.h"
#include "wire/packet.h"

static const uint8_t payload[] = "\x16\x03\x01\x00\x05hello";
#define PLEN (sizeof payload - 1)

/* IPv4 header + TCP header (with 4 bytes of options) + payload into b. */
static size_t build_v4(uint8_t *b, uint16_t frag, uint8_t proto)
{
	size_t tot = 20 + 24 + PLEN;

	memset(b, 0, 44);
	b[0] = 0x45;
	b[2] = (uint8_t)(tot >> 8);
	b[3] = (uint8_t)tot;
	b[6] = (uint8_t)(frag >> 8);
	b[7] = (uint8_t)frag;
	b[8] = 64;
	b[9] = proto;
	b[12] = 127, b[15] = 1;
	b[16] = 127, b[17] = 0, b[18] = 0, b[19] = 2;
	uint8_t *t = b + 20;
	t[0] = 0xc0, t[1] = 0x01;    /* 49153 */
	t[2] = 0x01, t[3] = 0xbb;    /* 443 */
	t[4] = 0xff, t[5] = 0xff, t[6] = 0xff, t[7] = 0xf0;
	t[8] = 0, t[9] = 0, t[10] = 0, t[11] = 7;
	t[12] = 6 << 4;              /* 24-byte header */
	t[13] = TCPF_PSH | TCPF_ACK;
	t[14] = 0x12, t[15] = 0x34;
	t[20] = 1, t[21] = 1, t[22] = 1, t[23] = 1; /* NOP options */
	memcpy(b + 44, payload, PLEN);
	return tot;
}

/* Check the fields every frame of build_v4 must yield. */
static void check_v4(const struct pkt *p, size_t hdr)
{
	assert_int_equal(p->af, AF_INET);
	assert_int_equal(p->sport, 49153);
	assert_int_equal(p->dport, 443);
	assert_int_equal(p->seq, 0xfffffff0u);
	assert_int_equal(p->ack, 7);
	assert_int_equal(p->flags, TCPF_PSH | TCPF_ACK);
	assert_int_equal(p->window, 0x1234);
	assert_int_equal(p->payload_off, hdr + 44);
	assert_int_equal(p->payload_len, PLEN);
	assert_memory_equal(p->payload, payload, PLEN);
	assert_int_equal(p->src[0], 127);
	assert_int_equal(p->dst[3], 2);
}

static void test_ethernet_with_padding(void **state)
{
	uint8_t f[128] = { 0 };
	struct pkt p;
	size_t n;

	(void)state;
	f[12] = 0x08, f[13] = 0x00;
	n = 14 + build_v4(f + 14, 0x4000, 6);
	/* 6 bytes of Ethernet trailer: must not become payload */
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, n + 6, n + 6, 5, &p), 0);
	check_v4(&p, 14);
	assert_int_equal(p.ts_us, 5);
	assert_int_equal(p.payload_trunc, 0);
}

static void test_vlan(void **state)
{
	uint8_t f[128] = { 0 };
	struct pkt p;
	size_t n;

	(void)state;
	f[12] = 0x81, f[13] = 0x00, f[16] = 0x08, f[17] = 0x00;
	n = 18 + build_v4(f + 18, 0, 6);
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, n, n, 0, &p), 0);
	check_v4(&p, 18);
}

static void test_null_both_orders_and_loop(void **state)
{
	uint8_t f[128] = { 0 };
	struct pkt p;
	size_t n = 4 + build_v4(f + 4, 0, 6);

	(void)state;
	f[0] = 2; /* little-endian AF_INET */
	assert_int_equal(packet_parse(WIRE_DLT_NULL, f, n, n, 0, &p), 0);
	check_v4(&p, 4);
	f[0] = 0, f[3] = 2; /* big-endian writer */
	assert_int_equal(packet_parse(WIRE_DLT_NULL, f, n, n, 0, &p), 0);
	check_v4(&p, 4);
	assert_int_equal(packet_parse(WIRE_DLT_LOOP, f, n, n, 0, &p), 0);
	check_v4(&p, 4);
	f[3] = 7; /* not IP */
	assert_int_equal(packet_parse(WIRE_DLT_LOOP, f, n, n, 0, &p), ERR_UNSUPPORTED);
}

static void test_raw_and_sll(void **state)
{
	uint8_t f[128] = { 0 };
	struct pkt p;
	size_t n = build_v4(f, 0, 6);
	static const int raws[] = { WIRE_DLT_RAW, WIRE_LINKTYPE_RAW, WIRE_DLT_IPV4 };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(packet_parse(raws[i], f, n, n, 0, &p), 0);
		check_v4(&p, 0);
	}
	memset(f, 0, sizeof f);
	f[14] = 0x08; /* SLL protocol at offset 14 */
	n = 16 + build_v4(f + 16, 0, 6);
	assert_int_equal(packet_parse(WIRE_DLT_LINUX_SLL, f, n, n, 0, &p), 0);
	check_v4(&p, 16);
	memset(f, 0, sizeof f);
	f[0] = 0x08; /* SLL2 protocol at offset 0 */
	n = 20 + build_v4(f + 20, 0, 6);
	assert_int_equal(packet_parse(WIRE_DLT_LINUX_SLL2, f, n, n, 0, &p), 0);
	check_v4(&p, 20);
	assert_int_equal(packet_parse(147, f, n, n, 0, &p), ERR_UNSUPPORTED);
	assert_false(packet_linktype_supported(147));
}

static void test_ipv6_ext_headers(void **state)
{
	uint8_t f[200] = { 0 }, v4[100];
	struct pkt p;
	size_t tcplen = build_v4(v4, 0, 6) - 20;
	size_t plen = 8 + 8 + tcplen; /* hop-by-hop + fragment(offset 0) + tcp */
	char buf[64];

	(void)state;
	f[12] = 0x86, f[13] = 0xdd;
	uint8_t *ip = f + 14;
	ip[0] = 0x60;
	ip[4] = (uint8_t)(plen >> 8), ip[5] = (uint8_t)plen;
	ip[6] = 0;      /* hop-by-hop */
	ip[7] = 64;
	ip[23] = 1;     /* ::1 */
	ip[39] = 1;
	ip[40] = 44;    /* next: fragment */
	ip[41] = 0;     /* 8 bytes */
	ip[48] = 6;     /* fragment header -> TCP, offset 0 */
	memcpy(ip + 56, v4 + 20, tcplen);
	size_t n = 14 + 40 + plen;
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, n, n, 0, &p), 0);
	assert_int_equal(p.af, AF_INET6);
	assert_int_equal(p.payload_off, 14 + 40 + 16 + 24);
	assert_int_equal(p.payload_len, PLEN);
	assert_string_equal(packet_endpoint(p.af, p.src, p.sport, buf, sizeof buf), "[::1]:49153");
	/* a non-first fragment is not reassembled */
	ip[50] = 0x00, ip[51] = 0x08;
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, n, n, 0, &p), ERR_UNSUPPORTED);
	/* raw IPv6 link type */
	ip[51] = 0;
	assert_int_equal(packet_parse(WIRE_DLT_IPV6, ip, n - 14, n - 14, 0, &p), 0);
	assert_int_equal(p.payload_len, PLEN);
}

static void test_truncation(void **state)
{
	uint8_t f[128] = { 0 };
	struct pkt p;
	size_t n;

	(void)state;
	f[12] = 0x08;
	n = 14 + build_v4(f + 14, 0, 6);
	/* empty */
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, 0, 0, 0, &p), ERR_SHORT);
	/* one short of the TCP header: the headers are cut */
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, 14 + 44 - 1, n, 0, &p), ERR_SHORT);
	assert_non_null(strstr(err_msg(), "tcp"));
	/* exact headers, payload cut by the snap length: reported, not an error */
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, 14 + 44, n, 0, &p), 0);
	assert_int_equal(p.payload_len, 0);
	assert_int_equal(p.payload_trunc, PLEN);
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, n - 1, n, 0, &p), 0);
	assert_int_equal(p.payload_len, PLEN - 1);
	assert_int_equal(p.payload_trunc, 1);
	/* IP length smaller than its header */
	f[14 + 2] = 0, f[14 + 3] = 10;
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, n, n, 0, &p), ERR_LENGTH);
}

static void test_not_tcp_and_fragments(void **state)
{
	uint8_t f[128] = { 0 };
	struct pkt p;
	size_t n;
	char buf[64];

	(void)state;
	n = build_v4(f, 0, 17);
	assert_int_equal(packet_parse(WIRE_DLT_RAW, f, n, n, 0, &p), ERR_UNSUPPORTED);
	n = build_v4(f, 0x2000 | 100, 6); /* MF + offset 800 */
	assert_int_equal(packet_parse(WIRE_DLT_RAW, f, n, n, 0, &p), ERR_UNSUPPORTED);
	assert_non_null(strstr(err_msg(), "fragment"));
	n = build_v4(f, 0x2000, 6);       /* first fragment: TCP header is there */
	assert_int_equal(packet_parse(WIRE_DLT_RAW, f, n, n, 0, &p), 0);
	f[32] = 4 << 4;                   /* TCP data offset 16 < 20 */
	assert_int_equal(packet_parse(WIRE_DLT_RAW, f, n, n, 0, &p), ERR_VALUE);
	f[12] = 0x08, f[13] = 0x06;       /* ARP over Ethernet */
	assert_int_equal(packet_parse(WIRE_DLT_EN10MB, f, 60, 60, 0, &p), ERR_UNSUPPORTED);
	uint8_t a[16] = { 127, 0, 0, 1 };
	assert_string_equal(packet_endpoint(AF_INET, a, 443, buf, sizeof buf), "127.0.0.1:443");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet_with_padding),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_null_both_orders_and_loop),
		cmocka_unit_test(test_raw_and_sll),
		cmocka_unit_test(test_ipv6_ext_headers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_not_tcp_and_fragments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
