/* The libgcrypt record-protection backend (the default where libgcrypt was
 * found): libgcrypt picks AES-NI/VAES, PCLMUL and AVX2 ChaCha20 at run time.
 *
 * libgcrypt is set up once per process (pthread_once): version check, no
 * secure memory (tlsviz keeps keys in ordinary memory and wipes them; a
 * handle is wiped by gcry_cipher_close), initialisation finished. If another
 * library in the process set it up first, that setup is kept. */
#include "keys/aead.h"

#include "core/err.h"

#include <gcrypt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ChaCha20-Poly1305 as an AEAD mode came in 1.7; 1.8 is the oldest kept. */
#define GC_NEED "1.8.0"

static pthread_once_t gc_once = PTHREAD_ONCE_INIT;
static bool gc_ok, gc_fast;

/* Set libgcrypt up and see whether its AES runs in hardware. */
static void gc_setup(void)
{
	char *hw;

	if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
		if (!gcry_check_version(GC_NEED))
			return;
		gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
		gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	} else if (!gcry_check_version(GC_NEED)) {
		return;
	}
	gc_ok = true;
	hw = gcry_get_config(0, "hwflist"); /* "hwflist:intel-aesni:...:" */
	gc_fast = hw && (strstr(hw, "aesni") || strstr(hw, "arm-aes") ||
			 strstr(hw, "ppc-vcrypto") || strstr(hw, "s390x-msa"));
	gcry_free(hw);
}

static int gc_init(void)
{
	pthread_once(&gc_once, gc_setup);
	ENSURE(gc_ok, ERR_CRYPTO, "libgcrypt: version %s is older than %s",
	       gcry_check_version(NULL), GC_NEED);
	return 0;
}

struct gc_hd {
	gcry_cipher_hd_t h;
	enum cipher_kind c;
	size_t tag_len;
};

static void gc_hd_free(void *hd)
{
	struct gc_hd *g = hd;

	if (!g)
		return;
	gcry_cipher_close(g->h);
	secure_wipe(g, sizeof *g);
	free(g);
}

/* A handle with the key set (AES key schedule, GHASH table) once. */
static int gc_hd_new(void **out, enum cipher_kind c, const uint8_t *key, size_t key_len,
		     size_t tag_len)
{
	struct gc_hd *g;
	int algo, mode;
	gcry_error_t e;

	*out = NULL;
	TRY(gc_init());
	switch (c) {
	case CIPHER_AES_GCM: mode = GCRY_CIPHER_MODE_GCM; break;
	case CIPHER_AES_CCM:
	case CIPHER_AES_CCM8: mode = GCRY_CIPHER_MODE_CCM; break;
	case CIPHER_AES_CBC: mode = GCRY_CIPHER_MODE_CBC; break;
	case CIPHER_CHACHA20_POLY1305: mode = GCRY_CIPHER_MODE_POLY1305; break;
	default: ENSURE(0, ERR_UNSUPPORTED, "libgcrypt: no cipher %s", cipher_name(c));
	}
	if (c == CIPHER_CHACHA20_POLY1305)
		algo = GCRY_CIPHER_CHACHA20;
	else if (key_len == 16)
		algo = GCRY_CIPHER_AES128;
	else if (key_len == 24)
		algo = GCRY_CIPHER_AES192;
	else
		algo = GCRY_CIPHER_AES256;
	g = calloc(1, sizeof *g);
	ENSURE(g, ERR_NOMEM, "cipher: out of memory");
	g->c = c;
	g->tag_len = tag_len;
	e = gcry_cipher_open(&g->h, algo, mode, 0);
	if (e == 0)
		e = gcry_cipher_setkey(g->h, key, key_len);
	if (e != 0) {
		if (g->h)
			gcry_cipher_close(g->h);
		free(g);
		ENSURE(0, ERR_CRYPTO, "%s: libgcrypt key setup failed: %s", cipher_name(c),
		       gcry_strerror(e));
	}
	*out = g;
	return 0;
}

/* The per-record start: nonce, CCM's lengths, additional data. */
static gcry_error_t gc_start(struct gc_hd *g, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad,
			     size_t aadlen, size_t len)
{
	gcry_error_t e = gcry_cipher_setiv(g->h, nonce, AEAD_NONCE);

	if (e == 0 && g->c != CIPHER_AES_GCM && g->c != CIPHER_CHACHA20_POLY1305) {
		uint64_t lens[3] = { len, aadlen, g->tag_len };

		e = gcry_cipher_ctl(g->h, GCRYCTL_SET_CCM_LENGTHS, lens, sizeof lens);
	}
	if (e == 0 && aadlen)
		e = gcry_cipher_authenticate(g->h, aad, aadlen);
	return e;
}

static int gc_open(void *hd, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad, size_t aadlen,
		   const uint8_t *in, size_t len, const uint8_t *tag, uint8_t *out)
{
	struct gc_hd *g = hd;
	gcry_error_t e = gc_start(g, nonce, aad, aadlen, len);

	if (e == 0 && len)
		e = gcry_cipher_decrypt(g->h, out, len, in, len);
	if (e == 0)
		e = gcry_cipher_checktag(g->h, tag, g->tag_len);
	ENSURE(gcry_err_code(e) != GPG_ERR_CHECKSUM, ERR_AUTH,
	       "%s: authentication tag does not verify", cipher_name(g->c));
	ENSURE(e == 0, ERR_CRYPTO, "%s: libgcrypt: %s", cipher_name(g->c), gcry_strerror(e));
	return 0;
}

static int gc_seal(void *hd, const uint8_t nonce[AEAD_NONCE], const uint8_t *aad, size_t aadlen,
		   const uint8_t *in, size_t len, uint8_t *out, uint8_t *tag)
{
	struct gc_hd *g = hd;
	gcry_error_t e = gc_start(g, nonce, aad, aadlen, len);

	if (e == 0 && len)
		e = gcry_cipher_encrypt(g->h, out, len, in, len);
	if (e == 0)
		e = gcry_cipher_gettag(g->h, tag, g->tag_len);
	ENSURE(e == 0, ERR_CRYPTO, "%s: libgcrypt: %s", cipher_name(g->c), gcry_strerror(e));
	return 0;
}

static int gc_cbc(void *hd, bool enc, const uint8_t iv[AEAD_CBC_BLOCK], const uint8_t *in,
		  size_t len, uint8_t *out)
{
	struct gc_hd *g = hd;
	gcry_error_t e = gcry_cipher_setiv(g->h, iv, AEAD_CBC_BLOCK);

	if (e == 0)
		e = enc ? gcry_cipher_encrypt(g->h, out, len, in, len)
			: gcry_cipher_decrypt(g->h, out, len, in, len);
	ENSURE(e == 0, ERR_CRYPTO, "AES-CBC: libgcrypt: %s", gcry_strerror(e));
	return 0;
}

static bool gc_is_fast(void)
{
	return gc_init() == 0 && gc_fast;
}

const struct aead_backend aead_backend_gcrypt = {
	.name = "libgcrypt",
	.hd_new = gc_hd_new,
	.open = gc_open,
	.seal = gc_seal,
	.cbc = gc_cbc,
	.hd_free = gc_hd_free,
	.fast = gc_is_fast,
};
