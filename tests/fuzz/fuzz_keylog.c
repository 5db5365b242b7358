/* Fuzz the NSS key log parser: any text in, warnings out, never a crash; what
 * the store serialises must parse back to the same number of entries. */
#include "fuzz_common.h"
#include "keys/keys.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Input: key log text. */
int fuzz_keylog_one(const uint8_t *data, size_t size)
{
	struct sink warn = { .emit = fuzz_check_event };
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
		struct keystore *again = keystore_new();

		FUZZ_REQUIRE(strlen(text) == len);
		if (again) {
			keystore_add_keylog(again, (const uint8_t *)text, len, "again", &warn);
			FUZZ_REQUIRE(keystore_count(again) == keystore_count(ks));
			keystore_free(again);
		}
		free(text);
	}
	keystore_free(ks);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_keylog_one(data, size);
}
#endif
