/* Raw wolfCrypt AEAD decryption speed on this machine: the ceiling for
 * tlsviz's replay throughput. Decrypts TLS-record-sized buffers (16 KiB +
 * 16-byte tag, 13-byte AAD like a TLS 1.3 record header) for about a second
 * per cipher and prints MB/s (10^6 bytes of plaintext per second).
 * Build: cc -O2 bench/aead_speed.c -lwolfssl -o aead_speed
 * Usage: aead_speed [aes128gcm|chacha20] [seconds]   (default: both, 1 s) */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/aes.h>
#include <wolfssl/wolfcrypt/chacha20_poly1305.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REC 16384

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* AES-128-GCM: seal one record, then open it repeatedly (tag checked). */
static double aes128gcm(double secs)
{
	static uint8_t plain[REC], ct[REC], out[REC];
	uint8_t key[16] = { 1 }, iv[12] = { 2 }, aad[13] = { 23, 3, 3 }, tag[16];
	double t0, t;
	uint64_t bytes = 0;
	Aes aes;

	if (wc_AesInit(&aes, NULL, INVALID_DEVID) != 0 || wc_AesGcmSetKey(&aes, key, sizeof key) != 0 ||
	    wc_AesGcmEncrypt(&aes, ct, plain, REC, iv, sizeof iv, tag, sizeof tag, aad, sizeof aad) != 0)
		return -1;
	t0 = now();
	do {
		for (int i = 0; i < 16; i++) {
			if (wc_AesGcmDecrypt(&aes, out, ct, REC, iv, sizeof iv, tag, sizeof tag, aad,
					     sizeof aad) != 0)
				return -1;
			bytes += REC;
		}
		t = now() - t0;
	} while (t < secs);
	wc_AesFree(&aes);
	return (double)bytes / t / 1e6;
}

/* ChaCha20-Poly1305, the same way. */
static double chacha20(double secs)
{
	static uint8_t plain[REC], ct[REC], out[REC];
	uint8_t key[32] = { 1 }, iv[12] = { 2 }, aad[13] = { 23, 3, 3 }, tag[16];
	double t0, t;
	uint64_t bytes = 0;

	if (wc_ChaCha20Poly1305_Encrypt(key, iv, aad, sizeof aad, plain, REC, ct, tag) != 0)
		return -1;
	t0 = now();
	do {
		for (int i = 0; i < 16; i++) {
			if (wc_ChaCha20Poly1305_Decrypt(key, iv, aad, sizeof aad, ct, REC, tag, out) != 0)
				return -1;
			bytes += REC;
		}
		t = now() - t0;
	} while (t < secs);
	return (double)bytes / t / 1e6;
}

int main(int argc, char **argv)
{
	const char *which = argc > 1 ? argv[1] : "all";
	double secs = argc > 2 ? atof(argv[2]) : 1.0;

	if (!strcmp(which, "aes128gcm") || !strcmp(which, "all"))
		printf("aes128gcm %.1f MB/s\n", aes128gcm(secs));
	if (!strcmp(which, "chacha20") || !strcmp(which, "all"))
		printf("chacha20 %.1f MB/s\n", chacha20(secs));
	return 0;
}
