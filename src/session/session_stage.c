/* Learning public values from the bytes an endpoint is
 * about to write. The bytes come from our own wolfSSL, but they are still
 * read through the bounded cursor: nothing here trusts a length. */
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "core/err.h"
#include "session/session_int.h"

#define CT_CCS 20
#define CT_ALERT 21
#define CT_HANDSHAKE 22

/* SHA-256("HelloRetryRequest"), the ServerHello.random of an HRR (RFC 8446 4.1.3). */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

/* Copy a vector's bytes into dst (at most cap). */
static int take_vec(struct cursor *v, uint8_t *dst, size_t cap, size_t *out_len)
{
	const uint8_t *p;
	size_t n = cursor_left(v);

	if (n > cap)
		return -1;
	TRY(cursor_bytes(v, "value", n, &p));
	memcpy(dst, p, n);
	*out_len = n;
	return 0;
}

static void observe_key_share(struct endpoint *e, struct cursor *exts, bool client_hello, bool own);

/* struct { ProtocolVersion server_version; Random random; SessionID id;
 *          CipherSuite cipher_suite; CompressionMethod compression;
 *          Extension extensions<0..2^16-1>; } ServerHello; */
static void observe_server_hello(struct session *s, struct cursor *b)
{
	struct cursor sid, exts, ext;
	const uint8_t *rnd;
	uint16_t ver, suite, et;
	uint8_t comp;

	if (cursor_u16(b, "server_version", &ver) < 0 || cursor_bytes(b, "random", 32, &rnd) < 0)
		return;
	if (!memcmp(rnd, hrr_random, 32))
		return;
	pthread_mutex_lock(&s->lock);
	memcpy(s->server_random, rnd, 32);
	s->have_sr = true;
	pthread_mutex_unlock(&s->lock);
	if (cursor_vec8(b, "session_id", &sid) < 0 || cursor_u16(b, "cipher_suite", &suite) < 0 ||
	    cursor_u8(b, "compression_method", &comp) < 0 || cursor_vec16(b, "extensions", &exts) < 0)
		return;
	if (s->version == 0x0304) {
		observe_key_share(&s->srv, &exts, false, true);
		return;
	}
	while (cursor_left(&exts) > 0) {
		if (cursor_u16(&exts, "extension_type", &et) < 0 || cursor_vec16(&exts, "extension_data", &ext) < 0)
			return;
		if (et == 0x0017)
			s->ems = true;
	}
}

/* ServerKeyExchange: ECDHE { ECParameters curve_params; ECPoint public; }
 * or DHE { dh_p<1..2^16-1>; dh_g<1..2^16-1>; dh_Ys<1..2^16-1>; } + signature. */
static void observe_ske(struct session *s, struct cursor *b)
{
	struct cursor v;
	uint8_t curve_type;

	if (s->gk == GRP_FFDHE) {
		if (cursor_vec16(b, "dh_p", &v) < 0 || take_vec(&v, s->dh_p, sizeof s->dh_p, &s->dh_p_len) < 0)
			return;
		if (cursor_vec16(b, "dh_g", &v) < 0 || take_vec(&v, s->dh_g, sizeof s->dh_g, &s->dh_g_len) < 0)
			return;
		if (cursor_vec16(b, "dh_Ys", &v) < 0)
			return;
		(void)take_vec(&v, s->ske_pub, sizeof s->ske_pub, &s->ske_pub_len);
		return;
	}
	if (cursor_u8(b, "curve_type", &curve_type) < 0 || curve_type != 3 ||
	    cursor_u16(b, "named_curve", &s->ske_group) < 0 || cursor_vec8(b, "public", &v) < 0)
		return;
	(void)take_vec(&v, s->ske_pub, sizeof s->ske_pub, &s->ske_pub_len);
}

/* ClientKeyExchange: ECDHE: ECPoint ecdh_Yc<1..2^8-1>; DHE: dh_Yc<1..2^16-1>. */
static void observe_cke(struct session *s, struct cursor *b)
{
	struct cursor v;
	int r = s->gk == GRP_FFDHE ? cursor_vec16(b, "dh_Yc", &v) : cursor_vec8(b, "ecdh_Yc", &v);

	if (r == 0)
		(void)take_vec(&v, s->cke_pub, sizeof s->cke_pub, &s->cke_pub_len);
}

/* Report an ephemeral public key seen in a key_share extension, for the
 * groups whose key generation wolfSSL does without a callback (with its
 * private key when one of the endpoint's random blocks is it), and the
 * client's new share in the second ClientHello after a HelloRetryRequest. */
static void share_seen(struct endpoint *e, uint16_t group, struct cursor *ke)
{
	const uint8_t *p;
	size_t n = cursor_left(ke);
	char name[48];
	bool again = e->pub_len > 0;

	if (n == 0 || n > sizeof e->pub || cursor_bytes(ke, "key_exchange", n, &p) < 0)
		return;
	if (again && e->pub_len == n && !memcmp(e->pub, p, n))
		return; /* the share its key pair was reported for */
	if (keys_share_match(e, group, p, n))
		return;
	memcpy(e->pub, p, n);
	e->pub_len = n;
	snprintf(name, sizeof name, "%s_ephemeral_public_key", e->owner == OWNER_CLIENT ? "client" : "server");
	keys_emit(e, name, p, n, NULL,
		  again ? "key_share.key_exchange of the second ClientHello, for the group the HelloRetryRequest "
			  "asked for (generated inside wolfSSL: its private key is not exposed)"
			: "key_share.key_exchange as sent (generated inside wolfSSL)",
		  NULL);
}

/* The client's x25519 share, kept for the server to recognise its own key
 * pair by the shared secret it computes (session_keys.c). */
static void client_x25519_seen(struct session *s, struct cursor *shares)
{
	struct cursor ke;
	uint16_t group;
	const uint8_t *p;

	while (cursor_left(shares) > 0) {
		if (cursor_u16(shares, "group", &group) < 0 || cursor_vec16(shares, "key_exchange", &ke) < 0)
			return;
		if (group == 0x001d && cursor_left(&ke) == 32 && cursor_bytes(&ke, "key_exchange", 32, &p) == 0) {
			pthread_mutex_lock(&s->lock);
			memcpy(s->ch_x25519, p, 32);
			s->have_ch_x25519 = true;
			pthread_mutex_unlock(&s->lock);
			return;
		}
	}
}

/* Extension extensions<..>: find key_share (51) and read the first share
 * (reported only when own: written by this endpoint).
 * ClientHello: KeyShareEntry client_shares<0..2^16-1>;
 * ServerHello: KeyShareEntry server_share; KeyShareEntry = { NamedGroup group; opaque key_exchange<1..2^16-1>; } */
static void observe_key_share(struct endpoint *e, struct cursor *exts, bool client_hello, bool own)
{
	struct cursor ext, shares, all, ke;
	uint16_t et, group;

	while (cursor_left(exts) > 0) {
		if (cursor_u16(exts, "extension_type", &et) < 0 || cursor_vec16(exts, "extension_data", &ext) < 0)
			return;
		if (et != 51)
			continue;
		if (client_hello && cursor_vec16(&ext, "client_shares", &shares) == 0) {
			all = shares;
			client_x25519_seen(e->s, &all);
			if (own && cursor_u16(&shares, "group", &group) == 0 &&
			    cursor_vec16(&shares, "key_exchange", &ke) == 0)
				share_seen(e, group, &ke);
		} else if (!client_hello && own && cursor_u16(&ext, "group", &group) == 0 &&
			   cursor_vec16(&ext, "key_exchange", &ke) == 0) {
			share_seen(e, group, &ke);
		}
		return;
	}
}

/* struct { HandshakeType msg_type; uint24 length; body } Handshake;
 * from_client: the bytes were written by the client (ours or, in serve
 * mode, the outside one); the key share is reported for our own client only. */
static void observe_handshake(struct endpoint *e, struct cursor *frag, bool from_client)
{
	struct session *s = e->s;
	bool own = from_client == (e->owner == OWNER_CLIENT);

	while (cursor_left(frag) >= 4) {
		struct cursor body;
		uint8_t t;
		uint32_t n;
		const uint8_t *rnd;
		uint16_t ver;

		if (cursor_u8(frag, "msg_type", &t) < 0 || cursor_u24(frag, "length", &n) < 0 ||
		    cursor_sub(frag, "body", n, &body) < 0)
			return; /* message continues in the next record: not needed here */
		if (t == 1 && from_client) {
			if (cursor_u16(&body, "client_version", &ver) == 0 &&
			    cursor_bytes(&body, "random", 32, &rnd) == 0) {
				pthread_mutex_lock(&s->lock);
				memcpy(s->client_random, rnd, 32);
				s->have_cr = true;
				pthread_mutex_unlock(&s->lock);
			}
			/* struct { ...; SessionID legacy_session_id; CipherSuite cipher_suites<2..2^16-2>;
			 *          opaque legacy_compression_methods<1..2^8-1>; Extension extensions<8..2^16-1>; } */
			struct cursor sid, cs, comp, exts;

			if (s->version == 0x0304 && cursor_vec8(&body, "legacy_session_id", &sid) == 0 &&
			    cursor_vec16(&body, "cipher_suites", &cs) == 0 &&
			    cursor_vec8(&body, "legacy_compression_methods", &comp) == 0 &&
			    cursor_vec16(&body, "extensions", &exts) == 0)
				observe_key_share(e, &exts, true, own);
		} else if (t == 2 && !from_client && own) {
			observe_server_hello(s, &body);
		} else if (t == 12 && !from_client && own) {
			observe_ske(s, &body);
		} else if (t == 16 && from_client) {
			observe_cke(s, &body);
		}
	}
}

void stage_observe(struct endpoint *e, const uint8_t *buf, size_t len)
{
	struct cursor c;

	cursor_init(&c, buf, len, 0);
	while (cursor_left(&c) >= 5) {
		struct cursor frag;
		uint8_t type;
		uint16_t ver, rlen;

		if (cursor_u8(&c, "content_type", &type) < 0 || cursor_u16(&c, "version", &ver) < 0 ||
		    cursor_u16(&c, "length", &rlen) < 0 || cursor_sub(&c, "fragment", rlen, &frag) < 0)
			return;
		if (type == CT_CCS)
			e->ccs_sent = true;
		else if (type == CT_HANDSHAKE && !e->ccs_sent)
			observe_handshake(e, &frag, e->owner == OWNER_CLIENT);
	}
}

void stage_observe_inbound(struct endpoint *e, const uint8_t *buf, size_t len)
{
	struct cursor c;

	cursor_init(&c, buf, len, 0);
	while (cursor_left(&c) >= 5 && !e->rx_done) {
		struct cursor frag;
		uint8_t type;
		uint16_t ver, rlen;

		if (cursor_u8(&c, "content_type", &type) < 0 || cursor_u16(&c, "version", &ver) < 0 ||
		    cursor_u16(&c, "length", &rlen) < 0 || cursor_sub(&c, "fragment", rlen, &frag) < 0)
			return;
		if (type == CT_HANDSHAKE)
			observe_handshake(e, &frag, e->owner == OWNER_SERVER);
		else if (type != CT_ALERT)
			e->rx_done = true; /* ChangeCipherSpec or encrypted: nothing more in the clear */
	}
}
