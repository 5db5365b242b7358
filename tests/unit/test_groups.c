/* Unit tests for the post-quantum key share layouts: the whole shares and the
 * shared secrets have the sizes the drafts state (written out here), and a
 * classic group has no layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tls/groups.h"

static void test_share_and_secret_sizes(void **state)
{
	static const struct {
		uint16_t group;
		unsigned client, server, secret;
		bool kem_first;
	} t[] = {
		{ 0x11ec, 1216, 1120, 64, true },  /* X25519MLKEM768: ML-KEM first */
		{ 0x11eb, 1249, 1153, 64, false }, /* SecP256r1MLKEM768: ECDH first */
		{ 0x11ed, 1665, 1665, 80, false }, /* SecP384r1MLKEM1024: P-384's 48-byte secret */
		{ 0x0200, 800, 768, 32, true },
		{ 0x0201, 1184, 1088, 32, true },
		{ 0x0202, 1568, 1568, 32, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const struct group_layout *g = groups_layout(t[i].group);
		int n;

		assert_non_null(g);
		assert_int_equal(groups_share_len(g, false), t[i].client);
		assert_int_equal(groups_share_len(g, true), t[i].server);
		assert_int_equal(groups_secret_len(g), t[i].secret);
		assert_int_equal(groups_parts(g, false, &n)[0].kem, t[i].kem_first);
		assert_int_equal(groups_parts(g, true, &n)[0].kem, t[i].kem_first);
		assert_int_equal(g->kind, g->ecdh ? GROUP_HYBRID : GROUP_KEM);
		assert_int_equal(n, g->ecdh ? 2 : 1);
	}
}

static void test_classic_groups_have_none(void **state)
{
	int n = 7;

	(void)state;
	assert_null(groups_layout(0x001d)); /* x25519 */
	assert_null(groups_layout(0x0017)); /* secp256r1 */
	assert_null(groups_layout(0x0100)); /* ffdhe2048 */
	assert_null(groups_layout(0x6399)); /* the pre-standard Kyber draft: not ML-KEM */
	assert_null(groups_parts(NULL, false, &n));
	assert_int_equal(n, 0);
	assert_int_equal(groups_share_len(NULL, true), 0);
	assert_int_equal(groups_secret_len(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_and_secret_sizes),
		cmocka_unit_test(test_classic_groups_have_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
