/* Unit tests for extension decoding: every extension the decoder knows, in
 * each message form, GREASE, unknown code points and lying lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "core/err.h"
#include "tls/fields.h"
#include "tls/handshake.h"
#include "testlib.h"

static const struct field *fld(const struct fields *fl, const char *name)
{
	int i = fields_find(fl, name, 0);

	return i >= 0 ? &fl->v[i] : NULL;
}

static void test_server_name(void **state)
{
	static const uint8_t b[] = { 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b,
				     'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm' };
	struct fields fl;
	struct hs_info hi = { 0 };
	const struct field *f;

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, sizeof b, EXT_CH, &fl, &hi), 0);
	assert_string_equal(val(&fl, "extension", 0), "server_name (0x0000)");
	f = fld(&fl, "host_name");
	assert_non_null(f);
	assert_string_equal(f->value, "\"example.com\"");
	assert_int_equal(f->off, 9);
	assert_int_equal(f->len, 11);
	/* empty in the ServerHello/EE */
	assert_int_equal(parse_exts((const uint8_t[]){ 0, 0, 0, 0 }, 4, EXT_EE, &fl, &hi), 0);
	/* inner length one over the outer */
	{
		uint8_t bad[sizeof b];

		memcpy(bad, b, sizeof b);
		bad[8] = 0x0c;
		assert_int_equal(parse_exts(bad, sizeof bad, EXT_CH, &fl, &hi), ERR_LENGTH);
		assert_non_null(fld(&fl, "error"));
	}
	fields_free(&fl);
}

static void test_groups_sigalgs_points(void **state)
{
	static const uint8_t b[] = {
		0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x1a, 0x1a, 0x00, 0x1d, 0x00, 0x17,
		0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x08, 0x04, 0x04, 0x03,
		0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,
		0x00, 0x32, 0x00, 0x04, 0x00, 0x02, 0x08, 0x07,
	};
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, sizeof b, EXT_CH, &fl, &hi), 0);
	assert_string_equal(val(&fl, "named_group", 0), "GREASE (0x1a1a)");
	assert_string_equal(val(&fl, "named_group", 1), "x25519 (0x001d)");
	assert_string_equal(val(&fl, "named_group", 2), "secp256r1 (0x0017)");
	assert_string_equal(val(&fl, "signature_scheme", 0), "rsa_pss_rsae_sha256 (0x0804)");
	assert_string_equal(val(&fl, "signature_scheme", 1), "ecdsa_secp256r1_sha256 (0x0403)");
	assert_string_equal(val(&fl, "signature_scheme", 2), "ed25519 (0x0807)");
	assert_string_equal(val(&fl, "ec_point_format", 0), "uncompressed (0)");
	assert_string_equal(val(&fl, "extension", 3), "signature_algorithms_cert (0x0032)");
	fields_free(&fl);
}

static void test_odd_group_list(void **state)
{
	static const uint8_t b[] = { 0x00, 0x0a, 0x00, 0x05, 0x00, 0x03, 0x00, 0x1d, 0x00 };
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, sizeof b, EXT_CH, &fl, &hi), ERR_LENGTH);
	fields_free(&fl);
}

static void test_alpn_flags_misc(void **state)
{
	static const uint8_t b[] = {
		0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
		0x00, 0x17, 0x00, 0x00,                   /* extended_master_secret */
		0x00, 0x16, 0x00, 0x00,                   /* encrypt_then_mac */
		0x00, 0x31, 0x00, 0x00,                   /* post_handshake_auth */
		0x00, 0x23, 0x00, 0x00,                   /* session_ticket, empty */
		0xff, 0x01, 0x00, 0x01, 0x00,             /* renegotiation_info */
		0x00, 0x1c, 0x00, 0x02, 0x40, 0x01,       /* record_size_limit 16385 */
		0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x02, /* compress_certificate brotli */
		0x00, 0x15, 0x00, 0x03, 0x00, 0x00, 0x00, /* padding */
		0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, /* status_request */
		0x00, 0x12, 0x00, 0x00,                   /* SCT, empty in CH */
		0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,       /* psk_key_exchange_modes */
		0x00, 0x2a, 0x00, 0x00,                   /* early_data */
		0x00, 0x2c, 0x00, 0x04, 0x00, 0x02, 0xaa, 0xbb, /* cookie */
		0x0a, 0x0a, 0x00, 0x01, 0x00,             /* GREASE extension */
		0x12, 0x34, 0x00, 0x02, 0xde, 0xad,       /* unknown */
	};
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, sizeof b, EXT_CH, &fl, &hi), 0);
	assert_string_equal(val(&fl, "protocol_name", 0), "\"h2\"");
	assert_string_equal(val(&fl, "protocol_name", 1), "\"http/1.1\"");
	assert_true(hi.ems);
	assert_true(hi.etm);
	assert_true(hi.ch_early_data);
	assert_string_equal(val(&fl, "record_size_limit", 0), "16385");
	assert_string_equal(val(&fl, "algorithm", 0), "brotli (0x0002)");
	assert_string_equal(val(&fl, "padding", 0), "3 bytes of zeros");
	assert_string_equal(val(&fl, "status_type", 0), "ocsp (1)");
	assert_string_equal(val(&fl, "ke_mode", 0), "psk_dhe_ke (1)");
	assert_string_equal(val(&fl, "cookie", 0), "aabb");
	assert_string_equal(val(&fl, "extension", 14), "GREASE (0x0a0a)");
	assert_string_equal(val(&fl, "extension", 15), "unknown (0x1234)");
	assert_string_equal(val(&fl, "data", 1), "dead");
	fields_free(&fl);
}

static void test_supported_versions_forms(void **state)
{
	static const uint8_t ch[] = { 0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03 };
	static const uint8_t sh[] = { 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04 };
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(ch, sizeof ch, EXT_CH, &fl, &hi), 0);
	assert_true(hi.ch_offers_tls13);
	assert_string_equal(val(&fl, "version", 0), "TLS 1.3 (0x0304)");
	assert_string_equal(val(&fl, "version", 1), "TLS 1.2 (0x0303)");
	assert_int_equal(parse_exts(sh, sizeof sh, EXT_SH, &fl, &hi), 0);
	assert_int_equal(hi.sh_selected_version, 0x0304);
	assert_string_equal(val(&fl, "selected_version", 0), "TLS 1.3 (0x0304)");
	/* the CH form in a ServerHello is one byte too long for a selected_version */
	assert_int_equal(parse_exts(ch, sizeof ch, EXT_SH, &fl, &hi), ERR_LENGTH);
	fields_free(&fl);
}

static void test_key_share_forms(void **state)
{
	static const uint8_t ch[] = { 0x00, 0x33, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x1d, 0x00, 0x04,
				      1, 2, 3, 4 };
	static const uint8_t sh[] = { 0x00, 0x33, 0x00, 0x07, 0x00, 0x17, 0x00, 0x03, 9, 8, 7 };
	static const uint8_t hrr[] = { 0x00, 0x33, 0x00, 0x02, 0x00, 0x18 };
	struct fields fl;
	struct hs_info hi = { 0 };
	const struct field *f;

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(ch, sizeof ch, EXT_CH, &fl, &hi), 0);
	assert_string_equal(val(&fl, "key_share_entry", 0), "x25519 (0x001d)");
	f = fld(&fl, "key_exchange");
	assert_non_null(f);
	assert_int_equal(f->off, 10);
	assert_int_equal(f->len, 4);
	assert_string_equal(f->value, "01020304");
	assert_int_equal(parse_exts(sh, sizeof sh, EXT_SH, &fl, &hi), 0);
	assert_int_equal(hi.group, 0x17);
	assert_int_equal(parse_exts(hrr, sizeof hrr, EXT_HRR, &fl, &hi), 0);
	assert_int_equal(hi.group, 0x18);
	assert_string_equal(val(&fl, "selected_group", 0), "secp384r1 (0x0018)");
	/* an empty key_exchange is refused */
	{
		static const uint8_t bad[] = { 0x00, 0x33, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x00 };

		assert_int_equal(parse_exts(bad, sizeof bad, EXT_CH, &fl, &hi), ERR_LENGTH);
	}
	fields_free(&fl);
}

static void test_pre_shared_key(void **state)
{
	uint8_t ch[4 + 2 + 9 + 2 + 33];
	static const uint8_t sh[] = { 0x00, 0x29, 0x00, 0x02, 0x00, 0x00 };
	struct fields fl;
	struct hs_info hi = { 0 };
	size_t n = 0;

	(void)state;
	ch[n++] = 0x00; ch[n++] = 0x29; ch[n++] = 0x00; ch[n++] = 2 + 9 + 2 + 33;
	ch[n++] = 0x00; ch[n++] = 9;                       /* identities */
	ch[n++] = 0x00; ch[n++] = 3; ch[n++] = 'a'; ch[n++] = 'b'; ch[n++] = 'c';
	ch[n++] = 0; ch[n++] = 0; ch[n++] = 1; ch[n++] = 0; /* age 256 */
	ch[n++] = 0x00; ch[n++] = 33;                      /* binders */
	ch[n++] = 32;
	memset(ch + n, 0x5a, 32);
	n += 32;
	fields_init(&fl);
	assert_int_equal(parse_exts(ch, n, EXT_CH, &fl, &hi), 0);
	assert_true(hi.ch_psk);
	assert_string_equal(val(&fl, "identity", 0), "616263");
	assert_string_equal(val(&fl, "obfuscated_ticket_age", 0), "256");
	assert_non_null(fld(&fl, "binder"));
	assert_int_equal(parse_exts(sh, sizeof sh, EXT_SH, &fl, &hi), 0);
	assert_true(hi.sh_psk);
	assert_string_equal(val(&fl, "selected_identity", 0), "0");
	/* a binder one byte short of 32 */
	ch[3]--;
	ch[4 + 2 + 9 + 1]--;
	ch[4 + 2 + 9 + 2]--;
	assert_int_equal(parse_exts(ch, n - 1, EXT_CH, &fl, &hi), ERR_LENGTH);
	fields_free(&fl);
}

static void test_nst_early_data(void **state)
{
	static const uint8_t b[] = { 0x00, 0x2a, 0x00, 0x04, 0x00, 0x00, 0x40, 0x00 };
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(b, sizeof b, EXT_NST, &fl, &hi), 0);
	assert_string_equal(val(&fl, "max_early_data_size", 0), "16384");
	/* in a ClientHello the same bytes are not empty: an error */
	assert_int_equal(parse_exts(b, sizeof b, EXT_CH, &fl, &hi), ERR_LENGTH);
	fields_free(&fl);
}

/* Lengths that lie: extension_data past the end, truncated type. */
static void test_lying_lengths(void **state)
{
	static const uint8_t past[] = { 0x00, 0x17, 0x00, 0x05, 0x00 };
	static const uint8_t half[] = { 0x00 };
	struct fields fl;
	struct hs_info hi = { 0 };

	(void)state;
	fields_init(&fl);
	assert_int_equal(parse_exts(past, sizeof past, EXT_CH, &fl, &hi), ERR_LENGTH);
	assert_int_equal(parse_exts(half, sizeof half, EXT_CH, &fl, &hi), ERR_SHORT);
	assert_int_equal(parse_exts(NULL, 0, EXT_CH, &fl, &hi), 0);
	fields_free(&fl);
}

/* Post-quantum shares, as the drafts and FIPS 203 size them (written out here,
 * not taken from the decoder's table, so a wrong table row fails). */
static const struct pq_case {
	uint16_t group;
	const char *group_name;
	enum ext_ctx ctx;
	const char *part[2];
	unsigned len[2];
} pq_cases[] = {
	{ 0x11ec, "X25519MLKEM768", EXT_CH, { "ML-KEM-768 encapsulation key", "X25519 share" }, { 1184, 32 } },
	{ 0x11ec, "X25519MLKEM768", EXT_SH, { "ML-KEM-768 ciphertext", "X25519 share" }, { 1088, 32 } },
	{ 0x11eb, "SecP256r1MLKEM768", EXT_CH, { "secp256r1 share", "ML-KEM-768 encapsulation key" }, { 65, 1184 } },
	{ 0x11eb, "SecP256r1MLKEM768", EXT_SH, { "secp256r1 share", "ML-KEM-768 ciphertext" }, { 65, 1088 } },
	{ 0x11ed, "SecP384r1MLKEM1024", EXT_CH, { "secp384r1 share", "ML-KEM-1024 encapsulation key" }, { 97, 1568 } },
	{ 0x11ed, "SecP384r1MLKEM1024", EXT_SH, { "secp384r1 share", "ML-KEM-1024 ciphertext" }, { 97, 1568 } },
	{ 0x0200, "MLKEM512", EXT_CH, { "ML-KEM-512 encapsulation key" }, { 800 } },
	{ 0x0200, "MLKEM512", EXT_SH, { "ML-KEM-512 ciphertext" }, { 768 } },
	{ 0x0201, "MLKEM768", EXT_CH, { "ML-KEM-768 encapsulation key" }, { 1184 } },
	{ 0x0201, "MLKEM768", EXT_SH, { "ML-KEM-768 ciphertext" }, { 1088 } },
	{ 0x0202, "MLKEM1024", EXT_CH, { "ML-KEM-1024 encapsulation key" }, { 1568 } },
	{ 0x0202, "MLKEM1024", EXT_SH, { "ML-KEM-1024 ciphertext" }, { 1568 } },
};

/* A key_share extension with one share of n bytes (part k's bytes are 0xa0+k),
 * followed by a supported_versions extension; returns its length. */
static size_t pq_build(uint8_t *b, const struct pq_case *t, size_t n)
{
	size_t o = 0, body = (t->ctx == EXT_CH ? 2 : 0) + 4 + n, k = 0, left = t->len[0];

	b[o++] = 0x00; b[o++] = 0x33; b[o++] = (uint8_t)(body >> 8); b[o++] = (uint8_t)body;
	if (t->ctx == EXT_CH) {
		b[o++] = (uint8_t)((body - 2) >> 8);
		b[o++] = (uint8_t)(body - 2);
	}
	b[o++] = (uint8_t)(t->group >> 8); b[o++] = (uint8_t)t->group;
	b[o++] = (uint8_t)(n >> 8); b[o++] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		if (!left && k < 1 && t->len[1]) {
			k++;
			left = t->len[1];
		}
		b[o++] = (uint8_t)(0xa0 + k);
		if (left)
			left--;
	}
	if (t->ctx == EXT_CH) {
		static const uint8_t sv[] = { 0x00, 0x2b, 0x00, 0x03, 0x02, 0x03, 0x04 };

		memcpy(b + o, sv, sizeof sv);
		o += sizeof sv;
	} else {
		static const uint8_t sv[] = { 0x00, 0x2b, 0x00, 0x02, 0x03, 0x04 };

		memcpy(b + o, sv, sizeof sv);
		o += sizeof sv;
	}
	return o;
}

/* Every group and role: the parts in wire order, each with its own offset and
 * length inside key_exchange, one level deeper, covering it exactly. */
static void test_key_share_pq_split(void **state)
{
	static uint8_t b[4096];
	struct fields fl;

	(void)state;
	fields_init(&fl);
	for (size_t c = 0; c < sizeof pq_cases / sizeof pq_cases[0]; c++) {
		const struct pq_case *t = &pq_cases[c];
		struct hs_info hi = { 0 };
		unsigned total = t->len[0] + t->len[1];
		size_t n = pq_build(b, t, total);
		const struct field *ke;
		int i;
		uint32_t at;
		char want[64];

		assert_int_equal(parse_exts(b, n, t->ctx, &fl, &hi), 0);
		snprintf(want, sizeof want, "%s (0x%04x)", t->group_name, t->group);
		assert_string_equal(val(&fl, "key_share_entry", 0), want);
		i = fields_find(&fl, "key_exchange", 0);
		assert_true(i >= 0);
		ke = &fl.v[i];
		at = (t->ctx == EXT_CH ? 6 : 4) + 4;
		assert_int_equal(ke->off, at);
		assert_int_equal(ke->len, total);
		for (int k = 0; k < 2 && t->len[k]; k++) {
			const struct field *p = &fl.v[i + 1 + k];

			assert_non_null(p->name);
			assert_string_equal(p->name, t->part[k]);
			assert_int_equal(p->depth, ke->depth + 1);
			assert_int_equal(p->off, at);
			assert_int_equal(p->len, t->len[k]);
			/* the bytes shown are the part's own (0xa0 + k) */
			snprintf(want, sizeof want, "%02x%02x", 0xa0 + k, 0xa0 + k);
			assert_memory_equal(p->value, want, 4);
			at += t->len[k];
		}
		assert_int_equal(at, ke->off + ke->len);
		assert_int_equal(fields_find(&fl, "note", 0), -1);
		assert_string_equal(val(&fl, "selected_version", 0), t->ctx == EXT_CH ? "" : "TLS 1.3 (0x0304)");
		if (t->ctx == EXT_CH) {
			assert_int_equal(hi.ch_nshares, 1);
			assert_int_equal(hi.ch_share[0].group, t->group);
			assert_int_equal(hi.ch_share[0].len, total);
			assert_string_equal(val(&fl, "version", 0), "TLS 1.3 (0x0304)");
		} else {
			assert_int_equal(hi.group, t->group);
			assert_int_equal(hi.sh_share_len, total);
		}
	}
	fields_free(&fl);
}

/* A share one byte short, one over, the other role's size, or a single byte:
 * a note names the size it should be, the raw key_exchange stays, no part is
 * made up, and the next extension still decodes. */
static void test_key_share_pq_wrong_length(void **state)
{
	static uint8_t b[4096];
	static const struct pq_case x_ch = { 0x11ec, "X25519MLKEM768", EXT_CH, { "" }, { 1216 } };
	static const struct pq_case x_sh = { 0x11ec, "X25519MLKEM768", EXT_SH, { "" }, { 1120 } };
	static const struct pq_case p_sh = { 0x11eb, "SecP256r1MLKEM768", EXT_SH, { "" }, { 1153 } };
	static const struct {
		const struct pq_case *t;
		size_t n;
		const char *note;
	} cases[] = {
		{ &x_ch, 1000, "key_exchange: 1000 bytes, X25519MLKEM768 client share should be 1216" },
		{ &x_ch, 1215, "key_exchange: 1215 bytes, X25519MLKEM768 client share should be 1216" },
		{ &x_ch, 1217, "key_exchange: 1217 bytes, X25519MLKEM768 client share should be 1216" },
		{ &x_ch, 1, "key_exchange: 1 bytes, X25519MLKEM768 client share should be 1216" },
		{ &x_sh, 1216, "key_exchange: 1216 bytes, X25519MLKEM768 server share should be 1120" },
		{ &p_sh, 1249, "key_exchange: 1249 bytes, SecP256r1MLKEM768 server share should be 1153" },
	};
	struct fields fl;

	(void)state;
	fields_init(&fl);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct hs_info hi = { 0 };
		size_t n = pq_build(b, cases[c].t, cases[c].n);
		const struct field *ke;

		assert_int_equal(parse_exts(b, n, cases[c].t->ctx, &fl, &hi), 0);
		assert_string_equal(val(&fl, "note", 0), cases[c].note);
		ke = fld(&fl, "key_exchange");
		assert_non_null(ke);
		assert_int_equal(ke->len, cases[c].n);
		assert_int_equal(fields_find(&fl, "X25519 share", 0), -1);
		assert_int_equal(fields_find(&fl, "ML-KEM-768 encapsulation key", 0), -1);
		assert_int_equal(fields_find(&fl, "ML-KEM-768 ciphertext", 0), -1);
		assert_int_equal(fields_find(&fl, "secp256r1 share", 0), -1);
		assert_string_equal(val(&fl, cases[c].t->ctx == EXT_CH ? "version" : "selected_version", 0),
				    "TLS 1.3 (0x0304)");
	}
	fields_free(&fl);
}

/* Hostile framing around a hybrid share: a key_exchange length past the end of
 * its extension, every truncation of a good share; and an HRR that selects a
 * hybrid group. Errors are reported, never read past the buffer. */
static void test_key_share_pq_hostile(void **state)
{
	static uint8_t b[4096];
	static const struct pq_case t = { 0x11ec, "X25519MLKEM768", EXT_SH, { "" }, { 1120 } };
	static const uint8_t hrr[] = { 0x00, 0x33, 0x00, 0x02, 0x11, 0xec };
	struct fields fl;
	struct hs_info hi = { 0 };
	size_t n;

	(void)state;
	fields_init(&fl);
	n = pq_build(b, &t, 1120);
	/* key_exchange claims 1121 bytes inside a 1124-byte extension body */
	b[6] = 0x04; b[7] = 0x61;
	assert_int_equal(parse_exts(b, n, EXT_SH, &fl, &hi), ERR_LENGTH);
	assert_non_null(fld(&fl, "error"));
	assert_string_equal(val(&fl, "selected_version", 0), "TLS 1.3 (0x0304)");
	n = pq_build(b, &t, 1120);
	for (size_t cut = 0; cut < n; cut += 37) {
		int rc = parse_exts(b, cut, EXT_SH, &fl, &hi);

		assert_true(rc == 0 || rc == ERR_SHORT || rc == ERR_LENGTH);
		assert_int_equal(fields_find(&fl, "ML-KEM-768 ciphertext", 0), -1);
	}
	assert_int_equal(parse_exts(hrr, sizeof hrr, EXT_HRR, &fl, &hi), 0);
	assert_int_equal(hi.group, 0x11ec);
	assert_string_equal(val(&fl, "selected_group", 0), "X25519MLKEM768 (0x11ec)");
	fields_free(&fl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_name),
		cmocka_unit_test(test_groups_sigalgs_points),
		cmocka_unit_test(test_odd_group_list),
		cmocka_unit_test(test_alpn_flags_misc),
		cmocka_unit_test(test_supported_versions_forms),
		cmocka_unit_test(test_key_share_forms),
		cmocka_unit_test(test_pre_shared_key),
		cmocka_unit_test(test_nst_early_data),
		cmocka_unit_test(test_lying_lengths),
		cmocka_unit_test(test_key_share_pq_split),
		cmocka_unit_test(test_key_share_pq_wrong_length),
		cmocka_unit_test(test_key_share_pq_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
