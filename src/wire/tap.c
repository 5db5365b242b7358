/* The tap capture source: synthesized Ethernet/IPv4/TCP frames. */
#include "wire/tap.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TAP_HDR (14 + 20 + 24) /* Ethernet + IPv4 + TCP with MSS option */

struct tap {
	pthread_mutex_t mu;
	void (*on_packet)(void *ctx, const struct pkt_raw *p);
	void *ctx;
	uint16_t port[3];   /* by sender: port[DIR_C2S] = client port */
	uint32_t next[3];   /* next sequence number each side sends */
	uint16_t ipid;
	bool opened, closed;
	uint64_t frame_no, last_ts;
	uint8_t frame[TAP_HDR + TAP_MSS];
};

/* A tap for one connection. */
struct tap *tap_new(uint16_t client_port, uint16_t server_port,
		    void (*on_packet)(void *ctx, const struct pkt_raw *p), void *ctx)
{
	struct tap *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	pthread_mutex_init(&t->mu, NULL);
	t->on_packet = on_packet;
	t->ctx = ctx;
	t->port[DIR_C2S] = client_port;
	t->port[DIR_S2C] = server_port;
	/* initial sequence numbers that look like a kernel's, from the ports */
	t->next[DIR_C2S] = 0x6b8b4567u * (uint32_t)(client_port | 1);
	t->next[DIR_S2C] = 0x327b23c6u * (uint32_t)(server_port | 1) + client_port;
	t->ipid = (uint16_t)(client_port * 7);
	return t;
}

/* Fold a 32-bit one's complement sum to 16 bits. */
static uint16_t csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* One's complement sum of bytes (RFC 1071). */
static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

/* Build one frame from dir's sender and hand it out; advances seq. Called
 * with the lock held. */
static void tap_emit(struct tap *t, enum dir d, uint8_t flags, const uint8_t *data, size_t len)
{
	enum dir o = d == DIR_C2S ? DIR_S2C : DIR_C2S;
	uint8_t *f = t->frame, *ip = f + 14, *tcp = f + 34;
	size_t tcplen = (flags & TCPF_SYN) ? 24 : 20;
	size_t iplen = 20 + tcplen + len;
	uint32_t s;
	uint64_t now = event_now_us();
	struct pkt_raw r;

	memset(f, 0, TAP_HDR);
	put16(f + 12, 0x0800);               /* lo: zero MACs, IPv4 */
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)iplen);
	put16(ip + 4, t->ipid++);
	put16(ip + 6, 0x4000);               /* don't fragment */
	ip[8] = 64;
	ip[9] = 6;
	ip[12] = 127, ip[15] = 1;            /* 127.0.0.1 both ways */
	ip[16] = 127, ip[19] = 1;
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	put16(tcp, t->port[d]);
	put16(tcp + 2, t->port[o]);
	put32(tcp + 4, t->next[d]);
	put32(tcp + 8, (flags & TCPF_ACK) ? t->next[o] : 0);
	tcp[12] = (uint8_t)((tcplen / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	if (flags & TCPF_SYN) {              /* MSS option */
		tcp[20] = 2, tcp[21] = 4;
		put16(tcp + 22, TAP_MSS);
	}
	if (len)
		memcpy(tcp + tcplen, data, len);
	s = csum_add(0, ip + 12, 8);         /* pseudo-header: addresses, proto, length */
	s += 6 + (uint32_t)(tcplen + len);
	s = csum_add(s, tcp, tcplen + len);
	put16(tcp + 16, csum_fold(s));
	t->next[d] += (uint32_t)len + ((flags & (TCPF_SYN | TCPF_FIN)) ? 1 : 0);
	t->last_ts = now > t->last_ts ? now : t->last_ts;
	r.frame = f;
	r.caplen = r.origlen = 14 + iplen;
	r.ts_us = t->last_ts;
	r.linktype = WIRE_DLT_EN10MB;
	r.frame_no = ++t->frame_no;
	if (t->on_packet)
		t->on_packet(t->ctx, &r);
}

/* Handshake; lock held. */
static void tap_open_locked(struct tap *t)
{
	if (t->opened)
		return;
	t->opened = true;
	tap_emit(t, DIR_C2S, TCPF_SYN, NULL, 0);
	tap_emit(t, DIR_S2C, TCPF_SYN | TCPF_ACK, NULL, 0);
	tap_emit(t, DIR_C2S, TCPF_ACK, NULL, 0);
}

/* The TCP handshake. */
void tap_open(struct tap *t)
{
	pthread_mutex_lock(&t->mu);
	tap_open_locked(t);
	pthread_mutex_unlock(&t->mu);
}

/* Bytes one side wrote. */
void tap_data(struct tap *t, enum dir dir, const uint8_t *data, size_t len)
{
	if (dir != DIR_C2S && dir != DIR_S2C)
		return;
	pthread_mutex_lock(&t->mu);
	tap_open_locked(t);
	if (!t->closed && len) {
		for (size_t off = 0; off < len; off += TAP_MSS) {
			size_t n = len - off < TAP_MSS ? len - off : TAP_MSS;
			tap_emit(t, dir, TCPF_PSH | TCPF_ACK, data + off, n);
		}
		tap_emit(t, dir == DIR_C2S ? DIR_S2C : DIR_C2S, TCPF_ACK, NULL, 0);
	}
	pthread_mutex_unlock(&t->mu);
}

/* FIN, FIN, ACK. */
void tap_close(struct tap *t)
{
	pthread_mutex_lock(&t->mu);
	if (t->opened && !t->closed) {
		t->closed = true;
		tap_emit(t, DIR_C2S, TCPF_FIN | TCPF_ACK, NULL, 0);
		tap_emit(t, DIR_S2C, TCPF_FIN | TCPF_ACK, NULL, 0);
		tap_emit(t, DIR_C2S, TCPF_ACK, NULL, 0);
	}
	pthread_mutex_unlock(&t->mu);
}

/* Free. */
void tap_free(struct tap *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t);
}
