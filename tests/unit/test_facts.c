/* Unit tests for the connection facts (tls/facts.c): the key exchange from
 * the suite (TLS 1.2) or from the PSK and key share (TLS 1.3), HRR,
 * resumption, client authentication, the server certificate (1/0/-1), alerts,
 * KeyUpdates, what the ClientHello offered, and facts_take publishing only
 * changes. The hs_info the parsers would fill is filled by hand here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "keys/keys.h"
#include "tls/facts.h"
#include "tls/fields.h"

/* A negotiated state: version and suite. */
static void info(struct hs_info *hi, uint16_t version, uint16_t suite)
{
	memset(hi, 0, sizeof *hi);
	hi->version = version;
	hi->suite_id = suite;
	hi->suite = suite ? suite_find(suite) : NULL;
}

/* facts_take must publish, and report what it published. */
static struct ev_facts take(struct facts *x)
{
	struct ev_facts ev;

	memset(&ev, 0, sizeof ev);
	assert_true(facts_take(x, &ev));
	return ev;
}

static void test_init_nothing_known(void **state)
{
	struct facts x;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	assert_int_equal(x.f.certificate, -1);
	assert_int_equal(x.f.fatal_alert, -1);
	assert_int_equal(x.f.kx, KX_UNKNOWN);
	assert_true(x.f.handshake_visible);
	/* nothing known is not worth an event */
	assert_false(facts_take(&x, &ev));
}

static void test_tls12_static_rsa(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	assert_non_null(suite_find(0x009c));
	assert_string_equal(suite_find(0x009c)->name, "TLS_RSA_WITH_AES_128_GCM_SHA256");
	facts_init(&x);
	info(&hi, 0x0303, 0x009c);
	hi.group = 0x0017; /* a stray group from the ClientHello: RSA has none */
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_int_equal(ev.version, 0x0303);
	assert_int_equal(ev.suite, 0x009c);
	assert_string_equal(ev.suite_name, "TLS_RSA_WITH_AES_128_GCM_SHA256");
	assert_int_equal(ev.kx, KX_RSA);
	assert_int_equal(ev.group, 0);
	assert_null(ev.group_name);
	assert_false(ev.resumed);
	assert_false(ev.hrr);
	assert_int_equal(ev.certificate, -1);
	/* the same again: nothing changed, nothing to publish */
	facts_message(&x, &hi, DIR_S2C, 14, NULL);
	assert_false(facts_take(&x, &ev));
	/* the server's Certificate */
	facts_message(&x, &hi, DIR_S2C, 11, NULL);
	ev = take(&x);
	assert_int_equal(ev.certificate, 1);
	assert_false(facts_take(&x, &ev));
}

static void test_tls12_ecdhe_group(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	info(&hi, 0x0303, 0xc02f);
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_int_equal(ev.kx, KX_ECDHE);
	assert_int_equal(ev.group, 0); /* not known before ServerKeyExchange */
	hi.group = 0x0017;
	facts_message(&x, &hi, DIR_S2C, 12, NULL);
	ev = take(&x);
	assert_int_equal(ev.kx, KX_ECDHE);
	assert_int_equal(ev.group, 0x0017);
	assert_string_equal(ev.group_name, "secp256r1");
}

static void test_tls13_kx_modes(void **state)
{
	static const struct {
		bool psk;
		uint16_t group;
		enum kx want;
		bool resumed;
	} cases[] = {
		{ false, 0x001d, KX_ECDHE, false },     /* x25519 */
		{ false, 0x0017, KX_ECDHE, false },     /* secp256r1 */
		{ false, 0x0100, KX_DHE, false },       /* ffdhe2048: first FFDHE code */
		{ false, 0x01ff, KX_DHE, false },       /* last of the FFDHE range */
		{ false, 0x0200, KX_MLKEM, false },     /* one past it: MLKEM512 */
		{ false, 0x0201, KX_MLKEM, false },     /* MLKEM768 */
		{ false, 0x0202, KX_MLKEM, false },     /* MLKEM1024 */
		{ false, 0x11eb, KX_ECDHE_MLKEM, false }, /* SecP256r1MLKEM768 */
		{ false, 0x11ec, KX_ECDHE_MLKEM, false }, /* X25519MLKEM768 */
		{ false, 0x11ed, KX_ECDHE_MLKEM, false }, /* SecP384r1MLKEM1024 */
		{ false, 0x6399, KX_ECDHE, false },     /* the old Kyber draft: not split, not ML-KEM */
		{ true, 0x11ec, KX_PSK_ECDHE, true },   /* psk_dhe_ke with a hybrid share */
		{ true, 0x001d, KX_PSK_ECDHE, true },   /* psk_dhe_ke with an EC share */
		{ true, 0x0101, KX_PSK_DHE, true },     /* psk_dhe_ke with ffdhe3072 */
		{ true, 0, KX_PSK, true },              /* psk_ke: no share */
		{ false, 0, KX_UNKNOWN, false },        /* no share yet */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct facts x;
		struct hs_info hi;
		struct ev_facts ev;

		facts_init(&x);
		info(&hi, 0x0304, 0x1301);
		hi.sh_psk = cases[i].psk;
		hi.group = cases[i].group;
		facts_message(&x, &hi, DIR_S2C, 2, NULL);
		ev = take(&x);
		assert_int_equal(ev.version, 0x0304);
		assert_int_equal(ev.kx, cases[i].want);
		assert_int_equal(ev.resumed, cases[i].resumed);
		if (cases[i].want == KX_PSK || cases[i].want == KX_UNKNOWN)
			assert_int_equal(ev.group, 0);
		else
			assert_int_equal(ev.group, cases[i].group);
	}
}

static void test_hrr(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	info(&hi, 0x0304, 0x1302);
	hi.is_hrr = true;
	hi.group = 0x001d; /* the group the HRR asks for */
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_true(ev.hrr);
	assert_false(ev.resumed);
	/* the real ServerHello after the second ClientHello: HRR stays true */
	hi.is_hrr = false;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	assert_false(facts_take(&x, &ev));
	assert_true(x.f.hrr);
}

/* The share sizes of a post-quantum exchange, as the parsers recorded them:
 * the first hybrid/ML-KEM share the hello offered, and both shares of the
 * negotiated group; after an HRR the second hello's. */
static void test_pq_share_sizes(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	info(&hi, 0, 0);
	hi.ch_offers_tls13 = true;
	hi.ch_share[0].group = 0x001d;
	hi.ch_share[0].len = 32;
	hi.ch_nshares = 1;
	facts_message(&x, &hi, DIR_C2S, 1, NULL);
	assert_int_equal(x.f.ch_kem_group, 0); /* x25519 only: nothing post-quantum */
	/* HRR to X25519MLKEM768; the second hello sends that share */
	hi.version = 0x0304;
	hi.is_hrr = true;
	hi.group = 0x11ec;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_int_equal(ev.kx, KX_ECDHE_MLKEM);
	assert_int_equal(ev.share_len_c, 0);
	assert_int_equal(ev.share_len_s, 0);
	hi.ch_share[0].group = 0x11ec;
	hi.ch_share[0].len = 1216;
	facts_message(&x, &hi, DIR_C2S, 1, NULL);
	ev = take(&x);
	assert_int_equal(ev.ch_kem_group, 0x11ec);
	assert_int_equal(ev.ch_kem_len, 1216);
	assert_int_equal(ev.share_len_c, 1216);
	hi.is_hrr = false;
	hi.sh_share_len = 1120;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_string_equal(ev.group_name, "X25519MLKEM768");
	assert_int_equal(ev.share_len_c, 1216);
	assert_int_equal(ev.share_len_s, 1120);
	assert_string_equal(kx_name(ev.kx), "ecdhe_mlkem");
	hi.group = 0x0201;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_string_equal(kx_name(ev.kx), "mlkem");
	assert_int_equal(ev.share_len_c, 0); /* the hello sent no MLKEM768 share */
}

static void test_tls12_resumed_by_session_id(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	info(&hi, 0x0303, 0xc02f);
	hi.sh_sid_match = true;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_true(ev.resumed);
	/* the same echo in TLS 1.3 (legacy_session_id_echo) is no resumption */
	facts_init(&x);
	info(&hi, 0x0304, 0x1301);
	hi.sh_sid_match = true;
	hi.group = 0x001d;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_false(ev.resumed);
	assert_int_equal(ev.kx, KX_ECDHE);
}

static void test_tls12_abbreviated_ccs(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	/* ServerHello then the server's CCS: abbreviated handshake, no certificate */
	facts_init(&x);
	info(&hi, 0x0303, 0xc02f);
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	(void)take(&x);
	facts_ccs(&x, &hi, DIR_S2C);
	ev = take(&x);
	assert_true(ev.resumed);
	assert_int_equal(ev.certificate, 0);
	/* a full handshake: the CCS comes after the Certificate */
	facts_init(&x);
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	facts_message(&x, &hi, DIR_S2C, 11, NULL);
	facts_ccs(&x, &hi, DIR_C2S);
	facts_ccs(&x, &hi, DIR_S2C);
	ev = take(&x);
	assert_false(ev.resumed);
	assert_int_equal(ev.certificate, 1);
}

static void test_certificate_three_states(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	/* unknown until the server's Finished says it never came */
	facts_init(&x);
	info(&hi, 0x0304, 0x1301);
	hi.sh_psk = true;
	hi.group = 0x001d;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	facts_message(&x, &hi, DIR_S2C, 8, NULL);
	ev = take(&x);
	assert_int_equal(ev.certificate, -1);
	facts_message(&x, &hi, DIR_S2C, 20, NULL);
	ev = take(&x);
	assert_int_equal(ev.certificate, 0);
	/* a client Certificate (mTLS) is not the server's */
	facts_init(&x);
	info(&hi, 0x0304, 0x1301);
	hi.group = 0x001d;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	facts_message(&x, &hi, DIR_S2C, 13, NULL);
	facts_message(&x, &hi, DIR_C2S, 11, NULL);
	ev = take(&x);
	assert_true(ev.client_auth);
	assert_int_equal(ev.certificate, -1);
	facts_message(&x, &hi, DIR_S2C, 11, NULL);
	facts_message(&x, &hi, DIR_S2C, 20, NULL);
	ev = take(&x);
	assert_int_equal(ev.certificate, 1);
	/* a CertificateRequest from the client side means nothing */
	facts_init(&x);
	facts_message(&x, &hi, DIR_C2S, 13, NULL);
	ev = take(&x);
	assert_false(ev.client_auth);
}

static void test_alerts_and_key_updates(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	info(&hi, 0x0304, 0x1301);
	hi.group = 0x001d;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	(void)take(&x);
	facts_alert(&x, 1, 0); /* warning close_notify: not fatal */
	ev = take(&x);
	assert_int_equal(ev.alerts, 1);
	assert_int_equal(ev.fatal_alert, -1);
	facts_alert(&x, 2, 20); /* fatal bad_record_mac */
	facts_alert(&x, 2, 40); /* a later fatal one does not replace the first */
	ev = take(&x);
	assert_int_equal(ev.alerts, 3);
	assert_int_equal(ev.fatal_alert, 20);
	facts_message(&x, &hi, DIR_C2S, 24, NULL);
	ev = take(&x);
	assert_int_equal(ev.key_updates[DIR_C2S], 1);
	assert_int_equal(ev.key_updates[DIR_S2C], 0);
	facts_message(&x, &hi, DIR_S2C, 24, NULL);
	facts_message(&x, &hi, DIR_S2C, 24, NULL);
	ev = take(&x);
	assert_int_equal(ev.key_updates[DIR_C2S], 1);
	assert_int_equal(ev.key_updates[DIR_S2C], 2);
	assert_false(facts_take(&x, &ev));
}

static void test_client_hello_offers(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct fields fl;
	struct ev_facts ev;

	(void)state;
	fields_init(&fl);
	fields_add(&fl, 0, "extension", 0, 0, "server_name (0x0000)");
	fields_add(&fl, 1, "host_name", 0, 0, "\"localhost\"");
	fields_add(&fl, 1, "protocol_name", 0, 0, "\"http/1.1\"");
	fields_add(&fl, 1, "key_share_entry", 0, 0, "x25519 (0x001d)");
	fields_add(&fl, 2, "group", 0, 0, "x25519 (0x001d)");
	fields_add(&fl, 1, "key_share_entry", 0, 0, "secp256r1 (0x0017)");
	fields_add(&fl, 2, "group", 0, 0, "secp256r1 (0x0017)");
	/* a "group" not right after a key_share_entry: supported_groups, not a share */
	fields_add(&fl, 1, "named_group_list", 0, 0, NULL);
	fields_add(&fl, 2, "group", 0, 0, "secp384r1 (0x0018)");
	facts_init(&x);
	memset(&hi, 0, sizeof hi);
	hi.ch_offers_tls13 = true;
	hi.ch_psk = true;
	facts_message(&x, &hi, DIR_C2S, 1, &fl);
	ev = take(&x); /* the SNI alone is worth publishing */
	assert_int_equal(ev.version, 0);
	assert_string_equal(ev.sni, "localhost");
	assert_string_equal(ev.ch_shares, "x25519, secp256r1");
	assert_true(ev.ch_tls13);
	assert_true(ev.ch_psk);
	assert_true(ev.ch_alpn);
	assert_false(facts_take(&x, &ev));
	/* a second ClientHello (after HRR) replaces the offer */
	fields_reset(&fl);
	fields_add(&fl, 1, "host_name", 0, 0, "\"localhost\"");
	fields_add(&fl, 1, "key_share_entry", 0, 0, "x25519 (0x001d)");
	fields_add(&fl, 2, "group", 0, 0, "x25519 (0x001d)");
	hi.ch_psk = false;
	facts_message(&x, &hi, DIR_C2S, 1, &fl);
	ev = take(&x);
	assert_string_equal(ev.ch_shares, "x25519");
	assert_false(ev.ch_alpn);
	assert_false(ev.ch_psk);
	fields_free(&fl);
	/* no fields at all: nothing offered, nothing to publish yet */
	facts_init(&x);
	memset(&hi, 0, sizeof hi);
	facts_message(&x, &hi, DIR_C2S, 1, NULL);
	assert_false(facts_take(&x, &ev));
}

/* ECH (RFC 9849): the outer hello and its public name, the HRR confirmation,
 * retry_configs, ech_required; each change is published. */
static void test_ech(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct fields fl;
	struct ev_facts ev;

	(void)state;
	fields_init(&fl);
	fields_add(&fl, 1, "host_name", 0, 0, "\"public.example\"");
	facts_init(&x);
	info(&hi, 0, 0);
	hi.ch_offers_tls13 = true;
	hi.ch_ech = ECH_OUTER;
	hi.ech_kdf = 1;
	hi.ech_aead = 3;
	hi.ech_payload_len = 240;
	facts_message(&x, &hi, DIR_C2S, 1, &fl);
	ev = take(&x);
	assert_true(ev.ech);
	assert_string_equal(ev.sni, "public.example"); /* the outer, public name */
	assert_int_equal(ev.ech_kdf, 1);
	assert_int_equal(ev.ech_aead, 3);
	assert_int_equal(ev.ech_payload, 240);
	assert_false(ev.ech_retry);
	assert_false(ev.ech_hrr);
	assert_false(ev.ech_required);
	/* an HRR with the confirmation */
	hi.is_hrr = true;
	hi.hrr_ech = true;
	hi.version = 0x0304;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_true(ev.hrr);
	assert_true(ev.ech_hrr);
	/* EncryptedExtensions with retry_configs */
	hi.is_hrr = false;
	hi.ee_ech_retry = true;
	facts_message(&x, &hi, DIR_S2C, 8, NULL);
	ev = take(&x);
	assert_true(ev.ech_retry);
	/* the client's ech_required alert */
	facts_alert(&x, 2, 121);
	ev = take(&x);
	assert_true(ev.ech_required);
	assert_int_equal(ev.fatal_alert, 121);
	/* a later hello without ECH clears the ECH offer */
	hi.ch_ech = ECH_NONE;
	facts_message(&x, &hi, DIR_C2S, 1, &fl);
	ev = take(&x);
	assert_false(ev.ech);
	assert_int_equal(ev.ech_payload, 0);
	/* an inner hello (ECH_INNER) is not an outer one */
	facts_init(&x);
	hi.ch_ech = ECH_INNER;
	facts_message(&x, &hi, DIR_C2S, 1, &fl);
	ev = take(&x);
	assert_false(ev.ech);
	fields_free(&fl);
}

/* RFC 8879: a server CompressedCertificate counts as its certificate, with sizes. */
static void test_compressed_certificate(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	info(&hi, 0x0304, 0x1301);
	hi.cc_alg = 2;
	hi.cc_compressed_len = 1175;
	hi.cc_uncompressed_len = 1352;
	/* not decompressed: neither the certificate nor the sizes are facts */
	facts_message(&x, &hi, DIR_S2C, 25, NULL);
	ev = take(&x);
	assert_int_equal(ev.certificate, -1);
	assert_int_equal(ev.cert_comp, 0);
	hi.cc_ok = true;
	facts_message(&x, &hi, DIR_S2C, 25, NULL);
	ev = take(&x);
	assert_int_equal(ev.certificate, 1);
	assert_int_equal(ev.cert_comp, 2);
	assert_int_equal(ev.cert_comp_len, 1175);
	assert_int_equal(ev.cert_plain_len, 1352);
	/* the client's own compressed certificate is not the server's */
	facts_init(&x);
	facts_message(&x, &hi, DIR_C2S, 25, NULL);
	ev = take(&x);
	assert_int_equal(ev.cert_comp, 0);
	assert_int_equal(ev.certificate, -1);
}

static void test_hidden_records(void **state)
{
	struct facts x;
	struct hs_info hi;
	struct ev_facts ev;

	(void)state;
	facts_init(&x);
	info(&hi, 0x0304, 0x1301);
	hi.group = 0x001d;
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	ev = take(&x);
	assert_true(ev.handshake_visible);
	facts_hidden(&x, DIR_S2C);
	ev = take(&x);
	assert_false(ev.handshake_visible);
	assert_int_equal(ev.certificate, -1);
	/* after the server's Finished a hidden server record is application data */
	facts_init(&x);
	facts_message(&x, &hi, DIR_S2C, 2, NULL);
	facts_message(&x, &hi, DIR_S2C, 11, NULL);
	facts_message(&x, &hi, DIR_S2C, 20, NULL);
	(void)take(&x);
	facts_hidden(&x, DIR_S2C);
	assert_false(facts_take(&x, &ev));
	assert_true(x.f.handshake_visible);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_nothing_known),
		cmocka_unit_test(test_tls12_static_rsa),
		cmocka_unit_test(test_tls12_ecdhe_group),
		cmocka_unit_test(test_tls13_kx_modes),
		cmocka_unit_test(test_hrr),
		cmocka_unit_test(test_pq_share_sizes),
		cmocka_unit_test(test_tls12_resumed_by_session_id),
		cmocka_unit_test(test_tls12_abbreviated_ccs),
		cmocka_unit_test(test_certificate_three_states),
		cmocka_unit_test(test_alerts_and_key_updates),
		cmocka_unit_test(test_client_hello_offers),
		cmocka_unit_test(test_hidden_records),
		cmocka_unit_test(test_ech),
		cmocka_unit_test(test_compressed_certificate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
