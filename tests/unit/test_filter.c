/* Unit tests for the connection filter language (src/output/filter.c):
 * every operator on text, number and true/false fields, precedence (and
 * before or), not and parentheses, version's "1.3", port matching either
 * side, case-insensitive text, and each syntax error with its column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/err.h"
#include "output/filter.h"

static struct conn_row rows[2];

static int setup(void **state)
{
	(void)state;
	memset(rows, 0, sizeof rows);
	rows[0] = (struct conn_row){ .id = 1, .client = "127.0.0.1:50000", .server = "127.0.0.1:4433",
				     .version = 0x0304, .suite = "TLS_AES_128_GCM_SHA256", .group = "x25519",
				     .sni = "www.Example.com", .alpn = "h2", .packets = 19, .t0 = 1000000,
				     .t1 = 1005764, .enc = 11, .dec = 11, .fatal_alert = -1, .have_ch = true,
				     .ja3 = "3e0b1bcdface5824963e725d9be6a5d3" };
	rows[0].bytes[DIR_C2S] = 393;
	rows[0].bytes[DIR_S2C] = 2029;
	rows[1] = (struct conn_row){ .id = 2, .client = "127.0.0.1:50009", .server = "10.0.0.1:443",
				     .version = 0x0303, .suite = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
				     .sni = "", .resumed = true, .alerts = 1, .fatal_alert = 40, .packets = 7,
				     .t0 = 0, .t1 = 2000000, .enc = 4, .dec = 0, .why = "no key for this client random" };
	rows[1].bytes[DIR_S2C] = 100;
	return 0;
}

/* Which rows expr matches: bit 0 row 1, bit 1 row 2. */
static int matches(const char *expr)
{
	struct filter *f;
	size_t col;
	int m = 0;

	if (filter_compile(expr, &f, &col) < 0)
		fail_msg("'%s' did not compile: %s", expr, err_msg());
	for (int i = 0; i < 2; i++)
		m |= filter_match(f, &rows[i]) << i;
	filter_free(f);
	return m;
}

static void test_match(void **state)
{
	static const struct {
		const char *expr;
		int want;
	} cases[] = {
		{ "sni == www.example.com", 1 },          /* text ignores case */
		{ "sni contains EXAMPLE", 1 },
		{ "sni", 1 },                             /* set: not empty */
		{ "not sni", 2 },
		{ "sni != \"www.example.com\"", 2 },
		{ "version == 1.3", 1 },                  /* "1.3" means "TLS 1.3" */
		{ "version == \"TLS 1.2\"", 2 },
		{ "version >= 1.2", 3 },
		{ "suite contains ECDHE", 2 },
		{ "port == 443", 2 },                     /* either side */
		{ "port == 50000", 1 },
		{ "port > 1000 and port < 5000", 3 },    /* each test on either port, as tcp.port in Wireshark */
		{ "bytes > 2000", 1 },
		{ "bytes_c2s == 0", 2 },
		{ "bytes <= 100", 2 },
		{ "packets >= 7", 3 },
		{ "duration > 1000", 2 },                 /* milliseconds */
		{ "resumed", 2 },
		{ "resumed == false", 1 },
		{ "hrr == yes", 0 },
		{ "decrypted == yes", 1 },
		{ "decrypted", 1 },                       /* yes or partly */
		{ "why contains \"client random\"", 2 },
		{ "alert == handshake_failure", 2 },
		{ "alerts > 0", 2 },
		{ "alert", 2 },
		{ "ja3 == 3e0b1bcdface5824963e725d9be6a5d3", 1 },
		{ "conn == 2", 2 },
		{ "resumed or sni and version == 1.2", 2 }, /* and binds first */
		{ "(resumed or sni) and version == 1.2", 2 },
		{ "(resumed or sni) and not version == 1.2", 1 },
		{ "not not resumed", 2 },
		{ "sni contains \"a\\\"b\"", 0 },
		{ "alpn == H2 AND group == X25519", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (matches(cases[i].expr) != cases[i].want)
			fail_msg("'%s' matched %d, want %d", cases[i].expr, matches(cases[i].expr), cases[i].want);
}

static void test_errors(void **state)
{
	static const struct {
		const char *expr;
		size_t col;
		const char *says;
	} cases[] = {
		{ "", 1, "the filter is empty" },
		{ "snii == x", 1, "no field called 'snii'" },
		{ "sni ==", 7, "a value was expected after '=='" },
		{ "bytes > big", 9, "a number was expected" },
		{ "bytes contains 3", 7, "contains applies to text fields" },
		{ "resumed > 1", 9, "use == or !=" },
		{ "resumed == maybe", 12, "true or false was expected" },
		{ "(sni", 5, "')' expected" },
		{ "sni == \"open", 8, "no closing" },
		{ "sni == a b", 10, "'and', 'or' or the end was expected, not 'b'" },
		{ "sni == a and", 13, "a field was expected at the end" },
		{ "sni = a", 5, "unexpected '='" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct filter *f = (struct filter *)1;
		size_t col = 0;

		if (filter_compile(cases[i].expr, &f, &col) != ERR_VALUE || f || col != cases[i].col ||
		    !strstr(err_msg(), cases[i].says))
			fail_msg("'%s': column %zu (want %zu), '%s'", cases[i].expr, col, cases[i].col, err_msg());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_match, setup),
		cmocka_unit_test_setup(test_errors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
