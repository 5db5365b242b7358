/* Unit tests for the scenario table (names, explanations, the list used in
 * messages), the identities the scenarios need (a leaf for another host
 * name, a client certificate from the same CA) and the option checks that
 * refuse combinations a scenario cannot run with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "keys/keys.h"
#include "session/certgen.h"
#include "session/session.h"

static const char *const names[] = { "tls13",     "tls12",     "hrr",    "resumption", "mtls",
				     "keyupdate", "untrusted", "impostor", "tamper",   "forward-secrecy" };

/* Every name maps to its scenario and back; its note names it first. */
static void test_names(void **state)
{
	char want[64];

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		int sc = session_scenario_find(names[i]);

		assert_int_equal(sc, (int)i);
		assert_string_equal(session_scenario_name((enum session_scenario)sc), names[i]);
		snprintf(want, sizeof want, "scenario %s: ", names[i]);
		assert_int_equal(strncmp(session_scenario_note((enum session_scenario)sc), want, strlen(want)), 0);
		assert_non_null(strstr(session_scenario_list(), names[i]));
	}
	assert_int_equal(session_scenario_find("nonsense"), -1);
	assert_int_equal(session_scenario_find(""), -1);
	assert_int_equal(session_scenario_find("HRR"), -1); /* exact names only */
	assert_int_equal(session_scenario_find("hrr "), -1);
	assert_int_equal(session_scenario_find(NULL), -1);
	assert_string_equal(session_scenario_list(),
			    "tls13, tls12, hrr, resumption, mtls, keyupdate, untrusted, impostor, tamper, forward-secrecy");
}

/* Verify der against the CA of id. */
static int verify(const struct identity *id, const uint8_t *der, size_t len)
{
	WOLFSSL_CERT_MANAGER *cm = wolfSSL_CertManagerNew();
	int r;

	assert_non_null(cm);
	assert_int_equal(wolfSSL_CertManagerLoadCABuffer(cm, id->ca_der, (long)id->ca_len, WOLFSSL_FILETYPE_ASN1),
			 WOLFSSL_SUCCESS);
	r = wolfSSL_CertManagerVerifyBuffer(cm, der, (long)len, WOLFSSL_FILETYPE_ASN1);
	wolfSSL_CertManagerFree(cm);
	return r;
}

/* Impostor leaf: names evil.example only; mTLS client cert from the same CA. */
static void test_identities(void **state)
{
	struct identity id;
	WOLFSSL_X509 *x;

	(void)state;
	assert_int_equal(certgen_make_ex(CERT_ECDSA_P256, "evil.example", true, &id), 0);
	assert_int_equal(verify(&id, id.leaf_der, id.leaf_len), WOLFSSL_SUCCESS);
	assert_int_equal(verify(&id, id.client_der, id.client_len), WOLFSSL_SUCCESS);
	x = wolfSSL_X509_load_certificate_buffer(id.leaf_der, (int)id.leaf_len, WOLFSSL_FILETYPE_ASN1);
	assert_non_null(x);
	assert_int_equal(wolfSSL_X509_check_host(x, "evil.example", 12, 0, NULL), WOLFSSL_SUCCESS);
	assert_int_not_equal(wolfSSL_X509_check_host(x, "localhost", 9, 0, NULL), WOLFSSL_SUCCESS);
	wolfSSL_X509_free(x);
	x = wolfSSL_X509_load_certificate_buffer(id.client_der, (int)id.client_len, WOLFSSL_FILETYPE_ASN1);
	assert_non_null(x);
	assert_int_not_equal(wolfSSL_X509_check_host(x, "localhost", 9, 0, NULL), WOLFSSL_SUCCESS);
	wolfSSL_X509_free(x);
	assert_true(id.client_key_len > 30);
	certgen_free(&id);
	assert_null(id.client_der);
	assert_null(id.client_key_der);

	/* without a client certificate: none made */
	assert_int_equal(certgen_make_ex(CERT_ECDSA_P256, "localhost", false, &id), 0);
	assert_null(id.client_der);
	certgen_free(&id);
	/* a host name that does not fit the SAN buffer */
	char long_host[200];

	memset(long_host, 'a', sizeof long_host - 1);
	long_host[sizeof long_host - 1] = 0;
	assert_int_equal(certgen_make_ex(CERT_ECDSA_P256, long_host, false, &id), ERR_USAGE);
}

/* session_open refuses: expect code and a message fragment. */
static void refused(const struct session_opts *o, int code, const char *msg)
{
	struct session *s = NULL;
	struct keystore *ks = keystore_new();

	assert_int_equal(session_open(&s, o, NULL, ks), code);
	assert_null(s);
	assert_non_null(strstr(err_msg(), msg));
	keystore_free(ks);
}

static void test_bad_combinations(void **state)
{
	(void)state;
	refused(&(struct session_opts){ .scenario = "nope" }, ERR_USAGE, "unknown scenario 'nope'");
	refused(&(struct session_opts){ .scenario = "hrr", .tls_version = 0x0303 }, ERR_USAGE, "needs TLS 1.3");
	refused(&(struct session_opts){ .scenario = "resumption", .tls_version = 0x0303 }, ERR_USAGE, "needs TLS 1.3");
	refused(&(struct session_opts){ .scenario = "keyupdate", .tls_version = 0x0303 }, ERR_USAGE, "needs TLS 1.3");
	refused(&(struct session_opts){ .scenario = "forward-secrecy", .cert_type = "ecdsa-p256" }, ERR_USAGE,
		"needs an RSA server key");
	refused(&(struct session_opts){ .scenario = "mtls", .cert_file = "/x", .key_file = "/x", .ca_file = "/x" },
		ERR_USAGE, "makes its own certificates");
	refused(&(struct session_opts){ .scenario = "hrr", .serve = true }, ERR_USAGE, "does not apply to serve");
	refused(&(struct session_opts){ .serve = true, .serve_count = 101 }, ERR_USAGE, "at most 100");
	refused(&(struct session_opts){ .scenario = "tls12", .tls_version = 0x0304 }, ERR_USAGE,
		"--tls 1.3 contradicts it");
	refused(&(struct session_opts){ .scenario = "forward-secrecy", .tls_version = 0x0304 }, ERR_USAGE,
		"--tls 1.3 contradicts it");
	refused(&(struct session_opts){ .scenario = "hrr", .group = "secp384r1" }, ERR_USAGE,
		"--group secp384r1 contradicts it");
}

/* The tls12 scenario is TLS 1.2; --tls 1.2 alone is the tls12 scenario. */
static void test_tls12_forced(void **state)
{
	static const struct session_opts cases[] = {
		{ .scenario = "tls12", .cert_type = "ecdsa-p256" },
		{ .tls_version = 0x0303 },
		{ .scenario = "tls12", .tls_version = 0x0303 },
	};
	struct keystore *ks = keystore_new();

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct session *s = NULL;

		assert_int_equal(session_open(&s, &cases[i], NULL, ks), 0);
		assert_int_equal(session_scenario(s), SCEN_TLS12);
		session_close(s);
	}
	keystore_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_identities),
		cmocka_unit_test(test_bad_combinations),
		cmocka_unit_test(test_tls12_forced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
