/* Unit tests for the eavesdropper projection (output/eve.c): keys, plaintext,
 * encrypted handshake messages and alerts and failed tag checks are hidden, a
 * decrypted record keeps only its ciphertext, a final stage shows what the
 * wire shows, and cleartext handshake, CCS and packets pass unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/err.h"
#include "output/eve.h"

static void test_keys_and_app_data_hidden(void **state)
{
	static const uint8_t secret[32] = { 0x11, 0x22 }, plain[] = "GET / HTTP/1.1\r\n";
	struct event k = { .type = EV_KEY, .conn = 1 }, a = { .type = EV_APP_DATA, .conn = 1, .dir = DIR_C2S };
	struct event out;

	(void)state;
	k.u.key.name = "server_handshake_traffic_secret";
	k.u.key.value = secret;
	k.u.key.len = sizeof secret;
	assert_false(eve_project(&k, &out));
	a.u.app.data = plain;
	a.u.app.len = sizeof plain - 1;
	assert_false(eve_project(&a, &out));
}

static void test_handshake_alert_by_protection(void **state)
{
	static const uint8_t ch[] = { 1, 0, 0, 0 };
	static const struct field f[] = { { 0, "msg_type", "client_hello (1)", 0, 1 } };
	struct event h = { .type = EV_HANDSHAKE, .conn = 1, .dir = DIR_C2S };
	struct event al = { .type = EV_ALERT, .conn = 1, .dir = DIR_S2C };
	struct event out;

	(void)state;
	h.u.hs.msg_type = 1;
	h.u.hs.msg = "client_hello";
	h.u.hs.bytes = ch;
	h.u.hs.len = sizeof ch;
	h.u.hs.fields = f;
	h.u.hs.nfields = 1;
	assert_true(eve_project(&h, &out));
	assert_string_equal(out.u.hs.msg, "client_hello");
	assert_ptr_equal(out.u.hs.bytes, ch);
	assert_int_equal(out.u.hs.nfields, 1);
	assert_ptr_equal(out.u.hs.fields, f);
	h.u.hs.msg_type = 11;
	h.u.hs.msg = "certificate";
	h.u.hs.encrypted = true;
	assert_false(eve_project(&h, &out));
	al.u.alert.level = 2;
	al.u.alert.desc = 40;
	al.u.alert.desc_name = "handshake_failure";
	assert_true(eve_project(&al, &out)); /* a cleartext alert is on the wire */
	assert_int_equal(out.u.alert.desc, 40);
	al.u.alert.encrypted = true;
	assert_false(eve_project(&al, &out));
}

static void test_decrypted_record_stripped(void **state)
{
	static const uint8_t rec[] = { 0x17, 3, 3, 0, 4, 0xde, 0xad, 0xbe, 0xef }, plain[] = { 'h', 'i' };
	struct event r = { .type = EV_RECORD, .conn = 1, .dir = DIR_S2C }, out;

	(void)state;
	r.u.record.content_type = 23;
	r.u.record.length = 4;
	r.u.record.bytes = rec;
	r.u.record.len = sizeof rec;
	r.u.record.encrypted = true;
	r.u.record.decrypted = true;
	r.u.record.inner_type = 22;
	r.u.record.plain = plain;
	r.u.record.plain_len = sizeof plain;
	r.u.record.tag_off = 7;
	r.u.record.tag_len = 2;
	assert_true(eve_project(&r, &out));
	assert_null(out.u.record.plain);
	assert_int_equal(out.u.record.plain_len, 0);
	assert_false(out.u.record.decrypted);
	assert_int_equal(out.u.record.inner_type, 23); /* the outer type only */
	assert_non_null(out.u.record.why_not);
	/* the ciphertext stays, exactly as on the wire */
	assert_ptr_equal(out.u.record.bytes, rec);
	assert_int_equal(out.u.record.len, sizeof rec);
	assert_int_equal(out.u.record.tag_off, 7);
	/* the input is not touched */
	assert_true(r.u.record.decrypted);
	assert_ptr_equal(r.u.record.plain, plain);
	/* a record that failed its tag check: the verdict is a key holder's */
	r.u.record.decrypted = false;
	r.u.record.auth_failed = true;
	r.u.record.plain = NULL;
	r.u.record.plain_len = 0;
	assert_true(eve_project(&r, &out));
	assert_false(out.u.record.auth_failed);
	/* a cleartext record passes unchanged */
	{
		static const uint8_t hs[] = { 0x16, 3, 1, 0, 4, 1, 0, 0, 0 };
		struct event c = { .type = EV_RECORD, .conn = 1, .dir = DIR_C2S };

		c.u.record.content_type = 22;
		c.u.record.inner_type = 22;
		c.u.record.bytes = hs;
		c.u.record.len = sizeof hs;
		c.u.record.plain = hs + 5;
		c.u.record.plain_len = 4;
		c.u.record.plain_off = 5;
		assert_true(eve_project(&c, &out));
		assert_ptr_equal(out.u.record.plain, hs + 5);
		assert_int_equal(out.u.record.plain_len, 4);
		assert_null(out.u.record.why_not);
	}
}

static void test_errors(void **state)
{
	struct event e = { .type = EV_ERROR, .conn = 1 }, out;

	(void)state;
	e.u.error.code = ERR_AUTH;
	e.u.error.text = "record 3: tag mismatch";
	assert_false(eve_project(&e, &out));
	e.u.error.code = ERR_SHORT;
	e.u.error.text = "record header: 2 bytes left at offset 100";
	assert_true(eve_project(&e, &out));
}

static void test_stage_shows_the_wire(void **state)
{
	struct event s = { .type = EV_STAGE, .conn = 1, .dir = DIR_S2C }, out;

	(void)state;
	s.u.stage.number = 3;
	s.u.stage.of = 9;
	s.u.stage.name = "server_hello_flight";
	s.u.stage.title = "ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished";
	s.u.stage.messages = "server_hello,encrypted_extensions,certificate,certificate_verify,finished";
	/* begin: the insider's plan is not shown */
	assert_true(eve_project(&s, &out));
	assert_null(out.u.stage.title);
	assert_null(out.u.stage.messages);
	assert_null(out.u.stage.explain);
	assert_string_equal(out.u.stage.name, "server_flight");
	assert_int_equal(out.u.stage.number, 3);
	assert_int_equal(out.u.stage.of, 9);
	/* final: the eavesdropper's title, messages and sentence */
	s.u.stage.final = true;
	s.u.stage.eve_title = "ServerHello, then 4 encrypted records (1258 bytes)";
	s.u.stage.eve_messages = "server_hello,encrypted";
	s.u.stage.explain = "The server answers with ServerHello ... Certificate ...";
	s.u.stage.eavesdropper = "An eavesdropper sees the ServerHello; 4 encrypted records.";
	assert_true(eve_project(&s, &out));
	assert_string_equal(out.u.stage.title, "ServerHello, then 4 encrypted records (1258 bytes)");
	assert_string_equal(out.u.stage.messages, "server_hello,encrypted");
	assert_string_equal(out.u.stage.explain, "An eavesdropper sees the ServerHello; 4 encrypted records.");
	assert_null(strstr(out.u.stage.title, "Certificate"));
	assert_string_equal(out.u.stage.name, "server_flight");
	/* the input keeps the insider's words */
	assert_string_equal(s.u.stage.title, "ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished");
	/* the stable names an eavesdropper may know */
	s.dir = DIR_C2S;
	s.u.stage.name = "client_finished";
	assert_true(eve_project(&s, &out));
	assert_string_equal(out.u.stage.name, "client_flight");
	s.u.stage.name = "tcp_handshake";
	assert_true(eve_project(&s, &out));
	assert_string_equal(out.u.stage.name, "tcp_handshake");
}

static void test_facts_tls13_hide_encrypted(void **state)
{
	struct event f = { .type = EV_FACTS, .conn = 1 }, out;

	(void)state;
	f.u.facts.version = 0x0304;
	f.u.facts.kx = KX_ECDHE;
	f.u.facts.group = 0x001d;
	f.u.facts.hrr = true;
	f.u.facts.resumed = false;
	f.u.facts.client_auth = true;
	f.u.facts.certificate = 1;
	f.u.facts.alerts = 2;
	f.u.facts.fatal_alert = 48;
	f.u.facts.key_updates[DIR_C2S] = 1;
	f.u.facts.key_updates[DIR_S2C] = 1;
	f.u.facts.handshake_visible = true;
	f.u.facts.sni = "localhost";
	f.u.facts.ech = true;
	f.u.facts.ech_payload = 240;
	f.u.facts.ech_hrr = true;
	f.u.facts.ech_retry = true;
	f.u.facts.ech_required = true;
	f.u.facts.cert_comp = 2;
	f.u.facts.cert_comp_len = 1175;
	f.u.facts.cert_plain_len = 1352;
	assert_true(eve_project(&f, &out));
	/* the outer ClientHello and the HRR are cleartext */
	assert_true(out.u.facts.ech);
	assert_int_equal(out.u.facts.ech_payload, 240);
	assert_true(out.u.facts.ech_hrr);
	/* retry_configs, the certificate and the alert are not */
	assert_false(out.u.facts.ech_retry);
	assert_false(out.u.facts.ech_required);
	assert_int_equal(out.u.facts.cert_comp, 0);
	assert_int_equal(out.u.facts.cert_comp_len, 0);
	assert_int_equal(out.u.facts.cert_plain_len, 0);
	/* the hellos are cleartext */
	assert_int_equal(out.u.facts.version, 0x0304);
	assert_int_equal(out.u.facts.kx, KX_ECDHE);
	assert_int_equal(out.u.facts.group, 0x001d);
	assert_true(out.u.facts.hrr);
	assert_string_equal(out.u.facts.sni, "localhost");
	/* the rest travelled encrypted */
	assert_false(out.u.facts.client_auth);
	assert_int_equal(out.u.facts.certificate, -1);
	assert_int_equal(out.u.facts.alerts, 0);
	assert_int_equal(out.u.facts.fatal_alert, -1);
	assert_int_equal(out.u.facts.key_updates[DIR_C2S], 0);
	assert_int_equal(out.u.facts.key_updates[DIR_S2C], 0);
	assert_false(out.u.facts.handshake_visible);
	/* TLS 1.2: the certificate and the alerts' types are on the wire */
	f.u.facts.version = 0x0303;
	assert_true(eve_project(&f, &out));
	assert_int_equal(out.u.facts.certificate, 1);
	assert_true(out.u.facts.client_auth);
}

static void test_packets_ccs_notes_pass(void **state)
{
	static const uint8_t frame[60] = { 0x45 };
	struct event p = { .type = EV_PACKET, .conn = 1, .dir = DIR_C2S, .seq = 5 };
	struct event c = { .type = EV_CCS, .conn = 1, .dir = DIR_S2C };
	struct event n = { .type = EV_NOTE }, out;

	(void)state;
	p.u.packet.frame = 4;
	p.u.packet.tcp_flags = 0x18;
	p.u.packet.bytes = frame;
	p.u.packet.len = sizeof frame;
	p.u.packet.payload_off = 54;
	p.u.packet.payload_len = 6;
	assert_true(eve_project(&p, &out));
	assert_int_equal(out.type, EV_PACKET);
	assert_int_equal(out.seq, 5);
	assert_int_equal(out.u.packet.frame, 4);
	assert_int_equal(out.u.packet.tcp_flags, 0x18);
	assert_ptr_equal(out.u.packet.bytes, frame);
	assert_int_equal(out.u.packet.len, sizeof frame);
	assert_int_equal(out.u.packet.payload_len, 6);
	assert_true(eve_project(&c, &out));
	assert_int_equal(out.type, EV_CCS);
	n.u.note.level = "info";
	n.u.note.text = "capture: file";
	assert_true(eve_project(&n, &out));
	assert_string_equal(out.u.note.text, "capture: file");
}

/* A sink that counts what reaches it and keeps the last type. */
struct count_sink {
	struct sink base;
	int n;
	enum ev_type last;
};

static void count_emit(struct sink *s, const struct event *ev)
{
	struct count_sink *c = (struct count_sink *)s;

	c->n++;
	c->last = ev->type;
}

static void test_sink_forwards_projection(void **state)
{
	struct count_sink down = { .base = { count_emit } };
	struct sink *s = eve_sink_new(&down.base);
	struct event k = { .type = EV_KEY }, h = { .type = EV_HANDSHAKE }, p = { .type = EV_PACKET };

	(void)state;
	assert_non_null(s);
	k.u.key.name = "master_secret";
	sink_emit(s, &k);
	assert_int_equal(down.n, 0);
	h.u.hs.msg = "finished";
	h.u.hs.encrypted = true;
	sink_emit(s, &h);
	assert_int_equal(down.n, 0);
	sink_emit(s, &p);
	assert_int_equal(down.n, 1);
	assert_int_equal(down.last, EV_PACKET);
	eve_sink_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_and_app_data_hidden),
		cmocka_unit_test(test_handshake_alert_by_protection),
		cmocka_unit_test(test_decrypted_record_stripped),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_stage_shows_the_wire),
		cmocka_unit_test(test_facts_tls13_hide_encrypted),
		cmocka_unit_test(test_packets_ccs_notes_pass),
		cmocka_unit_test(test_sink_forwards_projection),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
