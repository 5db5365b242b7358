/* Unit tests for run-time certificate generation: the leaf verifies against
 * its own CA (and not another), names localhost and 127.0.0.1, keys match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include "core/err.h"
#include "session/certgen.h"

/* Verify leaf against ca with wolfSSL's certificate manager. */
static int verify(const struct identity *ca, const struct identity *leaf)
{
	WOLFSSL_CERT_MANAGER *cm = wolfSSL_CertManagerNew();
	int r;

	assert_non_null(cm);
	assert_int_equal(wolfSSL_CertManagerLoadCABuffer(cm, ca->ca_der, (long)ca->ca_len, WOLFSSL_FILETYPE_ASN1),
			 WOLFSSL_SUCCESS);
	r = wolfSSL_CertManagerVerifyBuffer(cm, leaf->leaf_der, (long)leaf->leaf_len, WOLFSSL_FILETYPE_ASN1);
	wolfSSL_CertManagerFree(cm);
	return r;
}

static void check_kind(enum cert_kind kind)
{
	struct identity a, b;
	WOLFSSL_X509 *x;
	WOLFSSL_CTX *ctx;

	assert_int_equal(certgen_make(kind, &a), 0);
	assert_int_equal(certgen_make(kind, &b), 0);
	assert_true(a.ca_len > 100 && a.leaf_len > 100 && a.key_len > 30);
	assert_int_equal(verify(&a, &a), WOLFSSL_SUCCESS);
	assert_int_not_equal(verify(&b, &a), WOLFSSL_SUCCESS); /* another CA: refused */
	x = wolfSSL_X509_load_certificate_buffer(a.leaf_der, (int)a.leaf_len, WOLFSSL_FILETYPE_ASN1);
	assert_non_null(x);
	assert_int_equal(wolfSSL_X509_check_host(x, "localhost", 9, 0, NULL), WOLFSSL_SUCCESS);
	assert_int_not_equal(wolfSSL_X509_check_host(x, "example.com", 11, 0, NULL), WOLFSSL_SUCCESS);
	assert_int_equal(wolfSSL_X509_check_ip_asc(x, "127.0.0.1", 0), WOLFSSL_SUCCESS);
	wolfSSL_X509_free(x);
	/* the private key belongs to the leaf */
	ctx = wolfSSL_CTX_new(wolfTLS_server_method());
	assert_non_null(ctx);
	assert_int_equal(wolfSSL_CTX_use_certificate_buffer(ctx, a.leaf_der, (long)a.leaf_len, WOLFSSL_FILETYPE_ASN1),
			 WOLFSSL_SUCCESS);
	assert_int_equal(wolfSSL_CTX_use_PrivateKey_buffer(ctx, a.key_der, (long)a.key_len, WOLFSSL_FILETYPE_ASN1),
			 WOLFSSL_SUCCESS);
	assert_int_equal(wolfSSL_CTX_check_private_key(ctx), WOLFSSL_SUCCESS);
	wolfSSL_CTX_free(ctx);
	certgen_free(&a);
	certgen_free(&b);
	assert_null(a.key_der);
}

static void test_ecdsa(void **state)
{
	(void)state;
	check_kind(CERT_ECDSA_P256);
}

static void test_rsa(void **state)
{
	(void)state;
	check_kind(CERT_RSA2048);
}

static void test_bad_kind(void **state)
{
	struct identity a;

	(void)state;
	assert_int_equal(certgen_make((enum cert_kind)0, &a), ERR_USAGE);
	assert_null(a.ca_der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_kind),
		cmocka_unit_test(test_ecdsa),
		cmocka_unit_test(test_rsa),
	};
	wolfSSL_Init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
