/* Raw AEAD decryption speed of the crypto libraries on this machine, the
 * ceiling for tlsviz's replay throughput: wolfCrypt (tlsviz's fallback),
 * libgcrypt (tlsviz's default, tshark's library) and OpenSSL's EVP, each
 * where its headers are installed. Each opens one TLS-record-sized buffer
 * (16 KiB + 16-byte tag, 13-byte AAD like a TLS record header) over and over
 * for about `seconds`, tag checked, key set once, and prints
 *   <suite> <library> <MB/s>      (10^6 bytes of plaintext per second)
 * Build: cc -O2 bench/aead_speed.c -lwolfssl -lgcrypt -lcrypto -o aead_speed
 * Usage: aead_speed [aes128gcm|chacha20|all] [seconds]   (default: all, 1 s) */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>
#if __has_include(<gcrypt.h>)
#include <gcrypt.h>
#define HAVE_GCRYPT 1
#endif
#if __has_include(<openssl/evp.h>)
#include <openssl/evp.h>
#define HAVE_OPENSSL 1
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC 16384

static uint8_t plain[REC], ct[REC], out[REC], tag[16];
static const uint8_t key[32] = { 1 }, iv[12] = { 2 }, aad[13] = { 23, 3, 3 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Calls open() 16 records at a time until secs have passed; MB/s or -1. */
static double run(bool (*open)(void *), void *ctx, double secs)
{
	double t0 = now(), t;
	uint64_t bytes = 0;

	do {
		for (int i = 0; i < 16; i++) {
			if (!open(ctx))
				return -1;
			bytes += REC;
		}
		t = now() - t0;
	} while (t < secs);
	return (double)bytes / t / 1e6;
}

/* ---- wolfCrypt ---- */
static bool wc_gcm_open(void *ctx)
{
	return wc_AesGcmDecrypt(ctx, out, ct, REC, iv, sizeof iv, tag, sizeof tag, aad, sizeof aad) == 0;
}

static bool wc_chacha_open(void *ctx)
{
	(void)ctx;
	return wc_ChaCha20Poly1305_Decrypt(key, iv, aad, sizeof aad, ct, REC, tag, out) == 0;
}

static double wolfcrypt(bool chacha, double secs)
{
	Aes aes;
	double r;

	if (chacha) {
		if (wc_ChaCha20Poly1305_Encrypt(key, iv, aad, sizeof aad, plain, REC, ct, tag) != 0)
			return -1;
		return run(wc_chacha_open, NULL, secs);
	}
	if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0 || wc_AesGcmSetKey(&aes, key, 16) != 0 ||
	    wc_AesGcmEncrypt(&aes, ct, plain, REC, iv, sizeof iv, tag, sizeof tag, aad, sizeof aad) != 0)
		return -1;
	r = run(wc_gcm_open, &aes, secs);
	wc_AesFree(&aes);
	return r;
}

/* ---- libgcrypt ---- */
#ifdef HAVE_GCRYPT
static bool gc_open(void *ctx)
{
	gcry_cipher_hd_t h = ctx;

	return gcry_cipher_setiv(h, iv, sizeof iv) == 0 && gcry_cipher_authenticate(h, aad, sizeof aad) == 0 &&
	       gcry_cipher_decrypt(h, out, REC, ct, REC) == 0 && gcry_cipher_checktag(h, tag, sizeof tag) == 0;
}

static double gcrypt(bool chacha, double secs)
{
	gcry_cipher_hd_t h;
	double r;

	if (!gcry_check_version(NULL))
		return -1;
	gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
	gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
	if (gcry_cipher_open(&h, chacha ? GCRY_CIPHER_CHACHA20 : GCRY_CIPHER_AES128,
			     chacha ? GCRY_CIPHER_MODE_POLY1305 : GCRY_CIPHER_MODE_GCM, 0) ||
	    gcry_cipher_setkey(h, key, chacha ? 32 : 16))
		return -1;
	/* the ciphertext and tag of this library's own seal */
	if (gcry_cipher_setiv(h, iv, sizeof iv) || gcry_cipher_authenticate(h, aad, sizeof aad) ||
	    gcry_cipher_encrypt(h, ct, REC, plain, REC) || gcry_cipher_gettag(h, tag, sizeof tag))
		return -1;
	r = run(gc_open, h, secs);
	gcry_cipher_close(h);
	return r;
}
#endif

/* ---- OpenSSL EVP ---- */
#ifdef HAVE_OPENSSL
static bool ossl_open(void *ctx)
{
	EVP_CIPHER_CTX *c = ctx;
	int n, f;

	return EVP_DecryptInit_ex(c, NULL, NULL, NULL, iv) == 1 &&
	       EVP_DecryptUpdate(c, NULL, &n, aad, sizeof aad) == 1 &&
	       EVP_DecryptUpdate(c, out, &n, ct, REC) == 1 &&
	       EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, sizeof tag, tag) == 1 &&
	       EVP_DecryptFinal_ex(c, out + n, &f) == 1;
}

static double openssl(bool chacha, double secs)
{
	const EVP_CIPHER *ciph = chacha ? EVP_chacha20_poly1305() : EVP_aes_128_gcm();
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n, f;
	double r;

	if (!c || EVP_EncryptInit_ex(c, ciph, NULL, key, iv) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &n, aad, sizeof aad) != 1 || EVP_EncryptUpdate(c, ct, &n, plain, REC) != 1 ||
	    EVP_EncryptFinal_ex(c, ct + n, &f) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, sizeof tag, tag) != 1)
		return -1;
	if (EVP_DecryptInit_ex(c, ciph, NULL, key, NULL) != 1)
		return -1;
	r = run(ossl_open, c, secs);
	EVP_CIPHER_CTX_free(c);
	return r;
}
#endif

static void suite(const char *name, bool chacha, double secs)
{
	printf("%s wolfcrypt %.1f\n", name, wolfcrypt(chacha, secs));
#ifdef HAVE_GCRYPT
	printf("%s libgcrypt %.1f\n", name, gcrypt(chacha, secs));
#endif
#ifdef HAVE_OPENSSL
	printf("%s openssl %.1f\n", name, openssl(chacha, secs));
#endif
}

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	double secs = argc > 2 ? atof(argv[2]) : 1.0;

	if (!strcmp(which, "aes128gcm") || !strcmp(which, "all"))
		suite("aes128gcm", false, secs);
	if (!strcmp(which, "chacha20") || !strcmp(which, "all"))
		suite("chacha20", true, secs);
	return 0;
}
