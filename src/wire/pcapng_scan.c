/* pcapng block scanner: finds Decryption Secrets Blocks. */
#include "wire/pcapng_scan.h"

#include "core/cursor.h"
#include "core/err.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Read exactly n bytes at offset off. */
static int read_at(FILE *f, uint64_t off, void *buf, size_t n)
{
	ENSURE(fseeko(f, (off_t)off, SEEK_SET) == 0, ERR_IO, "seek to offset %llu failed",
	       (unsigned long long)off);
	ENSURE(fread(buf, 1, n, f) == n, ERR_IO, "read of %zu bytes at offset %llu failed", n,
	       (unsigned long long)off);
	return 0;
}

/* A 32-bit field in the section's byte order. */
static int get32(struct cursor *c, bool be, const char *field, uint32_t *out)
{
	return be ? cursor_u32(c, field, out) : cursor_le32(c, field, out);
}

/* Report a warning through ops. */
static void warn(const struct pcapng_scan_ops *ops, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn(const struct pcapng_scan_ops *ops, void *ctx, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (!ops->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ops->warn(ctx, buf);
}

/* Decryption Secrets Block body (pcapng spec, section 4.7):
 *   uint32 secrets_type; uint32 secrets_length;
 *   uint8 secrets_data[secrets_length]; padding to 32 bits; options. */
static void dsb_parse(const uint8_t *body, size_t len, bool be, uint64_t off,
		      const struct pcapng_scan_ops *ops, void *ctx)
{
	struct cursor c;
	uint32_t type, slen;
	const uint8_t *data;

	cursor_init(&c, body, len, off + 8);
	if (get32(&c, be, "dsb secrets_type", &type) < 0 ||
	    get32(&c, be, "dsb secrets_length", &slen) < 0 ||
	    cursor_bytes(&c, "dsb secrets_data", slen, &data) < 0) {
		warn(ops, ctx, "Decryption Secrets Block at offset %llu is malformed (%s); ignored",
		     (unsigned long long)off, err_msg());
		return;
	}
	if (type != PCAPNG_SECRETS_TLS) {
		warn(ops, ctx, "Decryption Secrets Block at offset %llu holds secrets type 0x%08x, "
		     "not TLS key log; ignored", (unsigned long long)off, type);
		return;
	}
	if (ops->secrets)
		ops->secrets(ctx, type, data, slen, off);
}

/* Scan the whole file for DSBs. */
int pcapng_scan(FILE *f, uint64_t size, const struct pcapng_scan_ops *ops, void *ctx)
{
	uint64_t off = 0;
	bool be = false;
	int found = 0;
	uint8_t *body = NULL;
	int rc = 0;

	while (off < size) {
		uint8_t hdr[12], trail[4];
		struct cursor c;
		uint32_t type, blen, bom, tlen;

		ENSURE_GOTO(size - off >= 12, ERR_SHORT,
			    "pcapng: truncated block header at offset %llu (%llu bytes left)",
			    (unsigned long long)off, (unsigned long long)(size - off));
		TRY_GOTO(read_at(f, off, hdr, sizeof hdr));
		cursor_init(&c, hdr, sizeof hdr, off);
		TRY_GOTO(cursor_u32(&c, "block_type", &type)); /* SHB type is a palindrome */
		if (off == 0)
			ENSURE_GOTO(type == PCAPNG_BT_SHB, ERR_VALUE,
				    "pcapng: first block is not a Section Header Block");
		if (type == PCAPNG_BT_SHB) {
			struct cursor bc;
			cursor_init(&bc, hdr + 8, 4, off + 8);
			TRY_GOTO(cursor_u32(&bc, "byte_order_magic", &bom));
			if (bom == PCAPNG_BOM)
				be = true;
			else if (__builtin_bswap32(bom) == PCAPNG_BOM)
				be = false;
			else
				ENSURE_GOTO(0, ERR_VALUE,
					    "pcapng: bad byte-order magic 0x%08x at offset %llu",
					    bom, (unsigned long long)off + 8);
		}
		cursor_init(&c, hdr, 8, off);
		TRY_GOTO(get32(&c, be, "block_type", &type));
		TRY_GOTO(get32(&c, be, "block_total_length", &blen));
		ENSURE_GOTO(blen >= 12 && blen % 4 == 0, ERR_LENGTH,
			    "pcapng: block at offset %llu has impossible length %u",
			    (unsigned long long)off, blen);
		ENSURE_GOTO(type != PCAPNG_BT_SHB || blen >= 28, ERR_LENGTH,
			    "pcapng: Section Header Block at offset %llu is %u bytes (< 28)",
			    (unsigned long long)off, blen);
		if (blen > size - off) {
			warn(ops, ctx, "pcapng: block at offset %llu is cut off (length %u, %llu bytes "
			     "left in the file)", (unsigned long long)off, blen,
			     (unsigned long long)(size - off));
			break;
		}
		TRY_GOTO(read_at(f, off + blen - 4, trail, 4));
		cursor_init(&c, trail, 4, off + blen - 4);
		TRY_GOTO(get32(&c, be, "trailing block_total_length", &tlen));
		ENSURE_GOTO(tlen == blen, ERR_LENGTH,
			    "pcapng: block at offset %llu: trailing length %u != leading length %u",
			    (unsigned long long)off, tlen, blen);
		if (type == PCAPNG_BT_DSB) {
			found++;
			if (blen - 12 > PCAPNG_MAX_DSB) {
				warn(ops, ctx, "Decryption Secrets Block at offset %llu is %u bytes "
				     "(more than %u); ignored", (unsigned long long)off, blen,
				     PCAPNG_MAX_DSB);
			} else {
				body = malloc(blen - 12 ? blen - 12 : 1);
				ENSURE_GOTO(body, ERR_NOMEM, "pcapng: no memory for a %u-byte DSB", blen);
				TRY_GOTO(read_at(f, off + 8, body, blen - 12));
				dsb_parse(body, blen - 12, be, off, ops, ctx);
				explicit_bzero(body, blen - 12); /* key log text */
				free(body);
				body = NULL;
			}
		}
		off += blen;
	}
	rc = found;
out:
	free(body);
	return rc;
}
