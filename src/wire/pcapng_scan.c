/* pcapng block scanner: finds Decryption Secrets Blocks. */
#include "wire/pcapng_scan.h"

#include "core/cursor.h"
#include "core/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The scanner's view of the file: reads go through a one-page window, so a
 * walk from block header to block header costs one pread(2) per few small
 * blocks and about two per large block (its header, then its trailer with
 * the next header), never a seek, and copies only the pages it looks at. */
#define SCAN_WIN ((size_t)4096)

struct scan_win {
	FILE *f;
	int fd;          /* f's descriptor, or -1 (then stdio) */
	uint8_t *buf;    /* NULL: no window (n larger than it, or no memory) */
	uint64_t base;   /* file offset of buf[0] */
	size_t len;
};

static void win_init(struct scan_win *w, FILE *f)
{
	memset(w, 0, sizeof *w);
	w->f = f;
	w->fd = fileno(f);
	if (w->fd >= 0)
		w->buf = malloc(SCAN_WIN);
}

static void win_free(struct scan_win *w)
{
	free(w->buf);
	w->buf = NULL;
}

/* n bytes at off into buf without the window. */
static int read_direct(struct scan_win *w, uint64_t off, void *buf, size_t n)
{
	size_t done = 0;

	if (w->fd < 0) {
		ENSURE(fseeko(w->f, (off_t)off, SEEK_SET) == 0, ERR_IO, "seek to offset %llu failed",
		       (unsigned long long)off);
		ENSURE(fread(buf, 1, n, w->f) == n, ERR_IO, "read of %zu bytes at offset %llu failed", n,
		       (unsigned long long)off);
		return 0;
	}
	while (done < n) {
		ssize_t got = pread(w->fd, (char *)buf + done, n - done, (off_t)(off + done));

		if (got < 0 && errno == EINTR)
			continue;
		ENSURE(got > 0, ERR_IO, "read of %zu bytes at offset %llu failed", n, (unsigned long long)off);
		done += (size_t)got;
	}
	return 0;
}

/* Read exactly n bytes at offset off. */
static int read_at(struct scan_win *w, uint64_t off, void *buf, size_t n)
{
	if (!w->buf || n > SCAN_WIN)
		return read_direct(w, off, buf, n);
	if (off < w->base || off + n > w->base + w->len) {
		ssize_t got;

		do
			got = pread(w->fd, w->buf, SCAN_WIN, (off_t)off);
		while (got < 0 && errno == EINTR);
		ENSURE(got >= 0, ERR_IO, "read at offset %llu failed", (unsigned long long)off);
		w->base = off;
		w->len = (size_t)got;
		ENSURE(n <= w->len, ERR_IO, "read of %zu bytes at offset %llu failed", n, (unsigned long long)off);
	}
	memcpy(buf, w->buf + (off - w->base), n);
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

/* Block types a resynchronisation may land on (pcapng spec, section 11.1). */
static bool block_type_known(uint32_t t)
{
	switch (t) {
	case PCAPNG_BT_SHB: case PCAPNG_BT_IDB: case 0x00000002u /* obsolete PB */: case 0x00000003u /* SPB */:
	case 0x00000004u /* NRB */: case 0x00000005u /* ISB */: case PCAPNG_BT_EPB: case PCAPNG_BT_DSB:
	case 0x00000BADu: case 0x40000BADu: /* custom */
		return true;
	default:
		return false;
	}
}

/* A block header at off that could be real: known type, sane length that
 * fits in the file. *blen gets its length. */
static bool block_plausible(const uint8_t h[8], bool be, uint64_t off, uint64_t size, uint32_t *blen)
{
	struct cursor c;
	uint32_t type, len;

	cursor_init(&c, h, 8, off);
	if (get32(&c, be, "block_type", &type) < 0 || get32(&c, be, "block_total_length", &len) < 0)
		return false;
	if (!block_type_known(type) || len < 12 || len % 4 || len > size - off)
		return false;
	*blen = len;
	return true;
}

static int resync_in(struct scan_win *f, uint64_t size, uint64_t from, bool be, uint64_t *next)
{
	uint8_t win[65536], h[8], t[4];
	uint64_t base = from + (4 - from % 4) % 4;

	while (base + 12 <= size) {
		size_t want = size - base < sizeof win ? (size_t)(size - base) : sizeof win;

		TRY(read_at(f, base, win, want));
		for (size_t i = 0; i + 8 <= want; i += 4) {
			uint64_t off = base + i;
			uint32_t blen, tlen, b2;
			struct cursor c;

			if (!block_plausible(win + i, be, off, size, &blen))
				continue;
			TRY(read_at(f, off + blen - 4, t, 4));
			cursor_init(&c, t, 4, off + blen - 4);
			if (get32(&c, be, "trailing block_total_length", &tlen) < 0 || tlen != blen)
				continue;
			if (off + blen < size) {
				if (size - (off + blen) < 8)
					continue;
				TRY(read_at(f, off + blen, h, 8));
				if (!block_plausible(h, be, off + blen, size, &b2))
					continue;
			}
			*next = off;
			return 1;
		}
		if (want < sizeof win)
			break;
		base += want - 8; /* overlap: a header may straddle windows */
	}
	return 0;
}

int pcapng_resync(FILE *f, uint64_t size, uint64_t from, bool be, uint64_t *next)
{
	struct scan_win w;
	int rc;

	win_init(&w, f);
	rc = resync_in(&w, size, from, be, next);
	win_free(&w);
	return rc;
}

/* Scan the whole file for DSBs. */
int pcapng_scan(FILE *file, uint64_t size, const struct pcapng_scan_ops *ops, void *ctx)
{
	struct scan_win w, *f = &w;
	uint64_t off = 0;
	bool be = false;
	int found = 0;
	uint8_t *body = NULL;
	int rc = 0;

	win_init(&w, file);
	while (off < size) {
		uint8_t hdr[12], trail[4];
		struct cursor c;
		uint32_t type, blen, bom, tlen;
		uint64_t next;
		bool ok;
		int r;

		if (size - off < 12)
			break; /* a cut tail: the packet reader says so */
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
				ENSURE_GOTO(off != 0, ERR_VALUE,
					    "pcapng: bad byte-order magic 0x%08x at offset %llu",
					    bom, (unsigned long long)off + 8);
		}
		cursor_init(&c, hdr, 8, off);
		TRY_GOTO(get32(&c, be, "block_type", &type));
		TRY_GOTO(get32(&c, be, "block_total_length", &blen));
		ENSURE_GOTO(off != 0 || (blen >= 28 && blen % 4 == 0 && blen <= size), ERR_LENGTH,
			    "pcapng: the Section Header Block has impossible length %u", blen);
		/* readable: a sane length that fits, the same in the trailer */
		ok = blen >= 12 && blen % 4 == 0 && blen <= size - off && (type != PCAPNG_BT_SHB || blen >= 28);
		if (ok) {
			TRY_GOTO(read_at(f, off + blen - 4, trail, 4));
			cursor_init(&c, trail, 4, off + blen - 4);
			TRY_GOTO(get32(&c, be, "trailing block_total_length", &tlen));
			ok = tlen == blen;
		}
		if (!ok) {
			/* damaged (or cut off): go on at the next readable block */
			r = resync_in(f, size, off + 4, be, &next);
			TRY_GOTO(r);
			if (r == 0)
				break;
			off = next;
			continue;
		}
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
	win_free(&w);
	return rc;
}
