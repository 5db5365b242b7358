/* Unit tests for tlsviz calc (src/calc) and the calc lines key events carry
 * (src/keys/calcline.c): every step and record of the RFC 8448 traces is
 * recomputed through a calc line run back through calc_main; RFC 5869 and
 * RFC 7748 values; every error path says what is wrong and exits 2 (1 for a
 * record that does not authenticate). The external oracles (openssl kdf,
 * Python's cryptography) are in tests/e2e/test_calc.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calc/calc.h"
#include "core/err.h"
#include "core/hex.h"
#include "keys/calcline.h"
#include "keys/keys.h"

#include "rfc8448.h"

/* What one run of calc printed. */
struct calc_out {
	int status;
	char out[4096], err[1024];
};

/* Split a line as the shell would (words, single quotes, backslash) and run
 * it; the line must start with "tlsviz calc ". */
static void run_line(const char *line, struct calc_out *o)
{
	char words[CALC_LINE_MAX + 64], *argv[16];
	int argc = 0;
	size_t n = 0;
	const char *p = line;
	FILE *out, *err;

	assert_memory_equal(line, "tlsviz calc ", 12);
	p += 7; /* argv[0] = "calc" */
	while (*p) {
		bool in_word = false;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		assert_true(argc < 15);
		argv[argc++] = words + n;
		while (*p && (*p != ' ' || in_word)) {
			if (*p == '\'') {
				in_word = !in_word;
				p++;
			} else if (*p == '\\' && !in_word && p[1]) {
				words[n++] = p[1];
				p += 2;
			} else {
				words[n++] = *p++;
			}
		}
		assert_false(in_word);
		words[n++] = '\0';
	}
	argv[argc] = NULL;
	out = fmemopen(o->out, sizeof o->out, "w");
	err = fmemopen(o->err, sizeof o->err, "w");
	assert_non_null(out);
	assert_non_null(err);
	memset(o->out, 0, sizeof o->out);
	memset(o->err, 0, sizeof o->err);
	o->status = calc_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
}

/* Run a printf-built line; returns the first line of stdout. */
__attribute__((format(printf, 2, 3)))
static const char *run(struct calc_out *o, const char *fmt, ...)
{
	char line[CALC_LINE_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	run_line(line, o);
	o->out[strcspn(o->out, "\n")] = '\0'; /* the rest stays after the NUL */
	return o->out;
}

static uint8_t *unhex(const char *h, size_t *n)
{
	uint8_t *b = malloc(strlen(h) / 2 + 1);
	int rc;

	assert_non_null(b);
	rc = hex_decode(h, strlen(h), b, strlen(h) / 2 + 1);
	assert_true(rc >= 0);
	*n = (size_t)rc;
	return b;
}

/* calc line for an HKDF-Expand-Label step, built as key events build them. */
static void expand_line(char *line, const char *secret, const char *label, const char *ctx, size_t len)
{
	size_t sl, cl;
	uint8_t *s = unhex(secret, &sl), *c = unhex(ctx, &cl);

	assert_true(calc_line(line, CALC_LINE_MAX, CALC_OP_EXPAND_LABEL, HASH_SHA256, "xsxu", s, sl, label, c, cl,
			      len) > 0);
	free(s);
	free(c);
}

static void check_expand(const char *secret, const char *label, const char *ctx, size_t len, const char *want)
{
	char line[CALC_LINE_MAX];
	struct calc_out o;

	expand_line(line, secret, label, ctx, len);
	run_line(line, &o);
	assert_int_equal(o.status, 0);
	o.out[strcspn(o.out, "\n")] = '\0';
	assert_string_equal(o.out, want);
}

/* Every secret step of the RFC 8448 traces, recomputed from a calc line. */
static void test_rfc8448_steps(void **state)
{
	size_t checked = 0;

	(void)state;
	for (size_t i = 0; i < sizeof tsteps / sizeof tsteps[0]; i++) {
		const struct tstep *t = &tsteps[i];
		char line[CALC_LINE_MAX];
		struct calc_out o;
		size_t al, bl;
		uint8_t *a = unhex(t->a, &al), *b = unhex(t->b, &bl);

		switch (t->kind) {
		case T_EXTRACT:
			assert_true(calc_line(line, sizeof line, CALC_OP_EXTRACT, HASH_SHA256, "xx", a, al, b, bl) > 0);
			run_line(line, &o);
			assert_int_equal(o.status, 0);
			o.out[strcspn(o.out, "\n")] = '\0';
			assert_string_equal(o.out, t->c);
			checked++;
			break;
		case T_DERIVE:
			assert_true(calc_line(line, sizeof line, CALC_OP_DERIVE_SECRET, HASH_SHA256, "xsx", a, al,
					      t->label, b, bl) > 0);
			run_line(line, &o);
			assert_int_equal(o.status, 0);
			o.out[strcspn(o.out, "\n")] = '\0';
			assert_string_equal(o.out, t->c);
			checked++;
			break;
		case T_TRAFFIC:
			check_expand(t->a, "key", "", strlen(t->c) / 2, t->c);
			check_expand(t->a, "iv", "", strlen(t->d) / 2, t->d);
			checked++;
			break;
		case T_FINISHED:
		case T_BINDER:
			check_expand(t->a, "finished", "", strlen(t->c) / 2, t->c);
			checked++;
			break;
		case T_RESUMPTION:
			check_expand(t->a, "resumption", t->b, strlen(t->c) / 2, t->c);
			checked++;
			break;
		}
		free(a);
		free(b);
	}
	assert_int_equal(checked, sizeof tsteps / sizeof tsteps[0]);
}

/* Every protected record of the traces: key and IV from calc, then
 * aead-open with the sequence number of its direction and key phase. */
static void test_rfc8448_records(void **state)
{
	struct {
		int sec;
		const char *sender, *phase;
		unsigned seq;
	} dirs[32];
	size_t ndirs = 0;

	(void)state;
	for (size_t i = 0; i < sizeof trecs / sizeof trecs[0]; i++) {
		const struct trec *r = &trecs[i];
		char key[80], iv[40], want[40];
		unsigned *seq = NULL;
		struct calc_out o;

		for (size_t j = 0; j < ndirs; j++)
			if (dirs[j].sec == r->sec && !strcmp(dirs[j].sender, r->sender) && !strcmp(dirs[j].phase, r->phase))
				seq = &dirs[j].seq;
		if (!seq) {
			assert_true(ndirs < 32);
			dirs[ndirs].sec = r->sec;
			dirs[ndirs].sender = r->sender;
			dirs[ndirs].phase = r->phase;
			dirs[ndirs].seq = 0;
			seq = &dirs[ndirs++].seq;
		}
		snprintf(key, sizeof key, "%s", run(&o, "tlsviz calc hkdf-expand-label %s key '' 16", r->secret));
		assert_int_equal(o.status, 0);
		snprintf(iv, sizeof iv, "%s", run(&o, "tlsviz calc hkdf-expand-label %s iv '' 12", r->secret));
		assert_int_equal(o.status, 0);
		run(&o, "tlsviz calc aead-open TLS_AES_128_GCM_SHA256 %s %s %u %s", key, iv, (*seq)++, r->record);
		assert_int_equal(o.status, 0);
		assert_string_equal(o.out, r->plain);
		snprintf(want, sizeof want, "content type %u (", r->inner_type);
		assert_non_null(strstr(o.out + strlen(o.out) + 1, want));
	}
	assert_int_equal(ndirs > 4, true);
}

/* RFC 5869 A.1 and A.3 (no salt), and A.1 through --explain. */
static void test_rfc5869(void **state)
{
	struct calc_out o;

	(void)state;
	assert_string_equal(run(&o, "tlsviz calc hkdf-extract 000102030405060708090a0b0c "
				    "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
			    "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
	assert_string_equal(run(&o, "tlsviz calc hkdf-extract '' 0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"),
			    "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
	/* colons and a 0x prefix as other tools print them */
	assert_string_equal(run(&o, "tlsviz calc hkdf-extract 0x000102030405060708090a0b0c "
				    "0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b:0b"),
			    "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
	run_line("tlsviz calc hkdf-extract --explain 000102030405060708090a0b0c "
		 "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", &o);
	assert_int_equal(o.status, 0);
	assert_non_null(strstr(o.out, "HKDF-Extract(SALT, IKM)"));
	assert_non_null(strstr(o.out, "SALT             000102030405060708090a0b0c\n"));
	assert_non_null(strstr(o.out, "\n077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5\n"));
}

/* RFC 7748 5.2 (an unclamped scalar) and 6.1 (Alice and Bob). */
static void test_rfc7748(void **state)
{
	struct calc_out o;

	(void)state;
	assert_string_equal(run(&o, "tlsviz calc x25519 a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4 "
				    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"),
			    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");
	assert_string_equal(run(&o, "tlsviz calc public x25519 "
				    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
			    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	assert_string_equal(run(&o, "tlsviz calc ecdh x25519 "
				    "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb "
				    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"),
			    "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	/* the all-zero point gives the all-zero secret: refused */
	run(&o, "tlsviz calc x25519 a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4 "
		"0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(o.status, 2);
	assert_non_null(strstr(o.err, "low-order"));
}

/* The line builder: quoting, empty values, the hash and the slice. */
static void test_line(void **state)
{
	char line[CALC_LINE_MAX];
	static const uint8_t k[2] = { 0xab, 0x01 };
	int n;

	(void)state;
	n = calc_line(line, sizeof line, CALC_OP_EXPAND_LABEL, HASH_SHA384, "xsxu", k, sizeof k, "it's", k,
			  (size_t)0, (size_t)48);

	assert_int_equal(n, (int)strlen(line));
	assert_string_equal(line, "tlsviz calc hkdf-expand-label ab01 'it'\\''s' '' 48 --hash sha384");
	assert_true(calc_line(line, sizeof line, CALC_OP_PRF, HASH_SHA256, "xsxu", k, sizeof k, "key expansion", k,
			      sizeof k, (size_t)40) > 0);
	assert_true(calc_line_slice(line, sizeof line, 32, 8) > 0);
	assert_string_equal(line, "tlsviz calc prf ab01 'key expansion' ab01 40 --slice 32:8");
	assert_true(calc_line(line, sizeof line, CALC_OP_ECDH, HASH_NONE, "wxx", "secp256r1", k, sizeof k, k,
			      sizeof k) > 0);
	assert_string_equal(line, "tlsviz calc ecdh secp256r1 ab01 ab01");
	/* too small: an error and an empty line, never a cut one */
	assert_int_equal(calc_line(line, 20, CALC_OP_ECDH, HASH_NONE, "wxx", "secp256r1", k, sizeof k, k, sizeof k),
			 ERR_NOMEM);
	assert_string_equal(line, "");
}

/* A TLS 1.2 key block slice: the quoting and --slice round trip. */
static void test_slice(void **state)
{
	struct calc_out o;
	char whole[300];

	(void)state;
	snprintf(whole, sizeof whole, "%s", run(&o, "tlsviz calc prf 0102 'key expansion' 0304 40"));
	assert_int_equal(o.status, 0);
	assert_int_equal(strlen(whole), 80);
	run(&o, "tlsviz calc prf 0102 'key expansion' 0304 40 --slice 32:8");
	assert_int_equal(o.status, 0);
	assert_string_equal(o.out, whole + 64);
	run(&o, "tlsviz calc prf 0102 'key expansion' 0304 40 --slice 36:8");
	assert_int_equal(o.status, 2);
	assert_non_null(strstr(o.err, "the value has 40 bytes"));
}

/* Bad input: one line on stderr naming what is wrong, exit 2; nothing on
 * stdout. A record that does not authenticate: exit 1. */
static void test_errors(void **state)
{
	static const struct {
		const char *line, *says;
		int status;
	} cases[] = {
		{ "tlsviz calc nosuch 00", "unknown operation 'nosuch'", 2 },
		{ "tlsviz calc hkdf-extract 00", "takes 2 arguments (SALT IKM), not 1", 2 },
		{ "tlsviz calc hkdf-extract zz 00", "SALT: 'zz' is not hex", 2 },
		{ "tlsviz calc hkdf-extract 00 123", "IKM: '123' is not hex", 2 },
		{ "tlsviz calc hkdf-extract 00 00 --hash md5", "--hash: 'md5' is not sha256 or sha384", 2 },
		{ "tlsviz calc x25519 00 00 --hash sha384", "--hash does not apply to x25519", 2 },
		{ "tlsviz calc x25519 00 00", "the private key is 32 bytes, not 1", 2 },
		{ "tlsviz calc ecdh p999 00 00", "GROUP: 'p999' is not one of x25519, secp256r1", 2 },
		{ "tlsviz calc hkdf-expand-label 00 key '' 0", "LENGTH: '0' is not a number from 1 to 8160", 2 },
		{ "tlsviz calc derive-secret 00 derived 0011", "TRANSCRIPT_HASH: 2 bytes", 2 },
		{ "tlsviz calc prf 00 x 00 40 --slice 1", "--slice: '1' is not OFFSET:LENGTH", 2 },
		{ "tlsviz calc aead-open TLS_NOPE 00 00 0 00", "SUITE: 'TLS_NOPE' is not a cipher suite", 2 },
		{ "tlsviz calc aead-open 0x1301 00 00 0 00", "KEY: TLS_AES_128_GCM_SHA256 takes a 16-byte key, not 1", 2 },
		{ "tlsviz calc aead-open 0x1301 00000000000000000000000000000000 000000000000000000000000 0 1703030002",
		  "the header says 2 bytes follow, 0 do", 2 },
		{ "tlsviz calc aead-open 0x1301 00000000000000000000000000000000 000000000000000000000000 0 "
		  "170303001100000000000000000000000000000000ff",
		  "authentication failed", 1 },
		{ "tlsviz calc aead-open 0x1301 00000000000000000000000000000000 000000000000000000000000 1x 17",
		  "SEQUENCE: '1x' is not a number", 2 },
		{ "tlsviz calc aead-open TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA 00000000000000000000000000000000 '' 0 "
		  "1703030000",
		  "give --mac-key", 2 },
		{ "tlsviz calc hkdf-extract 00 00 --mac-key 00", "apply to aead-open only", 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct calc_out o;

		run_line(cases[i].line, &o);
		if (o.status != cases[i].status || !strstr(o.err, cases[i].says))
			fail_msg("%s\n  exit %d, stderr: %s", cases[i].line, o.status, o.err);
		assert_string_equal(o.out, "");
		/* one line, and a pointer to --help after an unknown name */
		assert_true(strchr(o.err, '\n') && (!strchr(strchr(o.err, '\n') + 1, '\n') || strstr(o.err, "Try")));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8448_steps), cmocka_unit_test(test_rfc8448_records),
		cmocka_unit_test(test_rfc5869),       cmocka_unit_test(test_rfc7748),
		cmocka_unit_test(test_line),          cmocka_unit_test(test_slice),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
