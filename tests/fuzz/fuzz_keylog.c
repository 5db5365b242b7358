/* Fuzz the NSS key log parser: any text in, warnings out, never a crash. */
#include "keys/keys.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static void drop(struct sink *s, const struct event *ev)
{
	(void)s;
	(void)ev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sink warn = { .emit = drop };
	struct keystore *ks = keystore_new();
	uint8_t cr[32] = { 0 }, out[64];
	size_t len;
	char *text;

	if (!ks)
		return 0;
	keystore_add_keylog(ks, data, size, "fuzz", &warn);
	keystore_get(ks, KL_CLIENT_RANDOM, cr, sizeof cr, out, sizeof out);
	text = keystore_to_keylog(ks, &len);
	if (text) {
		/* what we serialise must parse back */
		struct keystore *again = keystore_new();

		if (again) {
			keystore_add_keylog(again, (const uint8_t *)text, len, "again", &warn);
			keystore_free(again);
		}
		free(text);
	}
	keystore_free(ks);
	return 0;
}
