/* Capture writers: pcapng with a DSB, or classic pcap + PATH.keys. */
#include "wire/pcapng_write.h"

#include "core/err.h"
#include "wire/pcapng_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAPW_SNAPLEN 262144
#define PCAPNG_OPT_END 0
#define PCAPNG_OPT_SHB_USERAPPL 4
#define PCAPNG_OPT_IF_NAME 2
#define PCAPNG_OPT_IF_TSRESOL 9

struct capwriter {
	int format, linktype;
	char *path, *tmp;
	FILE *f;                 /* pcapng: the temp file */
	long hdr_len;            /* pcapng: bytes of SHB + IDB in the temp file */
	pcap_t *dead;            /* pcap */
	pcap_dumper_t *dumper;
	char *keys;              /* key log text so far */
	size_t keys_len, keys_cap;
	uint64_t npkts;
	int failed;              /* a write failed: commit refuses */
};

/* A small block under construction (SHB, IDB, option lists). */
struct blk {
	uint8_t b[512];
	size_t n;
};

static void blk_u16(struct blk *k, uint16_t v) { memcpy(k->b + k->n, &v, 2); k->n += 2; }
static void blk_u32(struct blk *k, uint32_t v) { memcpy(k->b + k->n, &v, 4); k->n += 4; }

/* An option: code, length, value padded to 32 bits. */
static void blk_opt(struct blk *k, uint16_t code, const void *val, uint16_t len)
{
	blk_u16(k, code);
	blk_u16(k, len);
	if (len)
		memcpy(k->b + k->n, val, len);
	k->n += len;
	while (k->n % 4)
		k->b[k->n++] = 0;
}

/* Close a block: fill in both length fields. */
static void blk_finish(struct blk *k)
{
	uint32_t total = (uint32_t)k->n + 4;

	memcpy(k->b + 4, &total, 4);
	blk_u32(k, total);
}

/* Write n bytes or fail naming the path. */
static int put(struct capwriter *w, FILE *f, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, f) != n) {
		w->failed = 1;
		return err_set(ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
	}
	return 0;
}

/* Section Header Block + Interface Description Block (in host byte order;
 * the byte-order magic tells readers which). */
static int pcapng_header(struct capwriter *w, FILE *f)
{
	struct blk k = { .n = 0 };
	static const char app[] = "tlsviz " TLSVIZ_VERSION;
	uint8_t tsresol = 6; /* microseconds */

	blk_u32(&k, PCAPNG_BT_SHB);
	blk_u32(&k, 0);
	blk_u32(&k, PCAPNG_BOM);
	blk_u16(&k, 1);
	blk_u16(&k, 0);
	blk_u32(&k, 0xffffffffu); /* section length unknown (-1) */
	blk_u32(&k, 0xffffffffu);
	blk_opt(&k, PCAPNG_OPT_SHB_USERAPPL, app, sizeof app - 1);
	blk_opt(&k, PCAPNG_OPT_END, NULL, 0);
	blk_finish(&k);
	TRY(put(w, f, k.b, k.n));
	k.n = 0;
	blk_u32(&k, PCAPNG_BT_IDB);
	blk_u32(&k, 0);
	blk_u16(&k, (uint16_t)w->linktype);
	blk_u16(&k, 0);
	blk_u32(&k, CAPW_SNAPLEN);
	blk_opt(&k, PCAPNG_OPT_IF_NAME, "lo", 2);
	blk_opt(&k, PCAPNG_OPT_IF_TSRESOL, &tsresol, 1);
	blk_opt(&k, PCAPNG_OPT_END, NULL, 0);
	blk_finish(&k);
	return put(w, f, k.b, k.n);
}

/* Decryption Secrets Block holding the key log (pcapng spec 4.7). */
static int pcapng_dsb(struct capwriter *w, FILE *f)
{
	static const uint8_t zero[4] = { 0 };
	size_t pad = (4 - w->keys_len % 4) % 4;
	uint32_t hdr[4], total = (uint32_t)(16 + w->keys_len + pad + 4);

	hdr[0] = PCAPNG_BT_DSB;
	hdr[1] = total;
	hdr[2] = PCAPNG_SECRETS_TLS;
	hdr[3] = (uint32_t)w->keys_len;
	TRY(put(w, f, hdr, sizeof hdr));
	TRY(put(w, f, w->keys, w->keys_len));
	TRY(put(w, f, zero, pad));
	return put(w, f, &total, 4);
}

/* A temp file next to path: "PATH.XXXXXX", 0600. */
static int temp_next_to(const char *path, char **tmp, FILE **f)
{
	int fd;

	ENSURE(asprintf(tmp, "%s.XXXXXX", path) >= 0, ERR_NOMEM, "no memory");
	fd = mkstemp(*tmp);
	if (fd < 0) {
		int e = errno;
		free(*tmp);
		*tmp = NULL;
		return err_set(ERR_IO, "%s: cannot create a file in its directory: %s", path,
			       strerror(e));
	}
	*f = fdopen(fd, "w+b");
	if (!*f) {
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		return err_set(ERR_IO, "%s: fdopen failed", path);
	}
	return 0;
}

/* Start writing PATH. */
int capwriter_open(struct capwriter **out, const char *path, int format, int linktype)
{
	struct capwriter *w;
	struct stat st;
	int rc = 0;

	*out = NULL;
	ENSURE(format == CAPFMT_PCAPNG || format == CAPFMT_PCAP, ERR_USAGE,
	       "capture format %d is not pcapng or pcap", format);
	ENSURE(!(stat(path, &st) == 0 && S_ISDIR(st.st_mode)), ERR_IO,
	       "%s: is a directory", path);
	w = calloc(1, sizeof *w);
	ENSURE(w, ERR_NOMEM, "no memory");
	w->format = format;
	w->linktype = linktype;
	w->path = strdup(path);
	ENSURE_GOTO(w->path, ERR_NOMEM, "no memory");
	TRY_GOTO(temp_next_to(path, &w->tmp, &w->f));
	if (format == CAPFMT_PCAPNG) {
		TRY_GOTO(pcapng_header(w, w->f));
		w->hdr_len = ftell(w->f);
	} else {
		w->dead = pcap_open_dead_with_tstamp_precision(linktype, CAPW_SNAPLEN,
							       PCAP_TSTAMP_PRECISION_MICRO);
		ENSURE_GOTO(w->dead, ERR_NOMEM, "pcap_open_dead failed");
		w->dumper = pcap_dump_fopen(w->dead, w->f);
		ENSURE_GOTO(w->dumper, ERR_IO, "%s: %s", path, pcap_geterr(w->dead));
		w->f = NULL; /* the dumper owns it */
	}
	*out = w;
	return 0;
out:
	capwriter_abort(w);
	return rc;
}

/* Add key log text. */
int capwriter_secrets(struct capwriter *w, const char *text, size_t len)
{
	size_t need = w->keys_len + len + 1;

	if (!len)
		return 0;
	if (need > w->keys_cap) {
		size_t cap = need * 2;
		char *n = malloc(cap);
		ENSURE(n, ERR_NOMEM, "no memory for %zu bytes of key log", len);
		if (w->keys) {
			memcpy(n, w->keys, w->keys_len);
			explicit_bzero(w->keys, w->keys_cap);
			free(w->keys);
		}
		w->keys = n;
		w->keys_cap = cap;
	}
	memcpy(w->keys + w->keys_len, text, len);
	w->keys_len += len;
	if (w->keys[w->keys_len - 1] != '\n')
		w->keys[w->keys_len++] = '\n';
	return 0;
}

/* Append one frame. */
int capwriter_packet(struct capwriter *w, uint64_t ts_us, const uint8_t *frame, size_t caplen,
		     size_t origlen)
{
	if (caplen > CAPW_SNAPLEN)
		caplen = CAPW_SNAPLEN;
	if (origlen < caplen)
		origlen = caplen;
	if (w->format == CAPFMT_PCAP) {
		struct pcap_pkthdr h;
		h.ts.tv_sec = (time_t)(ts_us / 1000000u);
		h.ts.tv_usec = (suseconds_t)(ts_us % 1000000u);
		h.caplen = (bpf_u_int32)caplen;
		h.len = (bpf_u_int32)origlen;
		pcap_dump((u_char *)w->dumper, &h, frame);
	} else {
		static const uint8_t zero[4] = { 0 };
		size_t pad = (4 - caplen % 4) % 4;
		uint32_t hdr[7], total = (uint32_t)(32 + caplen + pad);
		hdr[0] = PCAPNG_BT_EPB;
		hdr[1] = total;
		hdr[2] = 0; /* interface 0 */
		hdr[3] = (uint32_t)(ts_us >> 32);
		hdr[4] = (uint32_t)ts_us;
		hdr[5] = (uint32_t)caplen;
		hdr[6] = (uint32_t)origlen;
		TRY(put(w, w->f, hdr, sizeof hdr));
		TRY(put(w, w->f, frame, caplen));
		TRY(put(w, w->f, zero, pad));
		TRY(put(w, w->f, &total, 4));
	}
	w->npkts++;
	return 0;
}

/* Flush and fsync a stream. */
static int flush_sync(struct capwriter *w, FILE *f)
{
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		w->failed = 1;
		return err_set(ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
	}
	return 0;
}

/* pcapng with secrets: a second temp file with header + DSB, then the packets
 * copied from the first, so the DSB precedes every packet. */
static int pcapng_commit_with_dsb(struct capwriter *w)
{
	char *tmp2 = NULL, buf[65536];
	FILE *f2 = NULL;
	size_t n;
	int rc;

	TRY_GOTO(temp_next_to(w->path, &tmp2, &f2));
	TRY_GOTO(pcapng_header(w, f2));
	TRY_GOTO(pcapng_dsb(w, f2));
	ENSURE_GOTO(fseek(w->f, w->hdr_len, SEEK_SET) == 0, ERR_IO, "%s: seek failed", w->tmp);
	while ((n = fread(buf, 1, sizeof buf, w->f)) > 0)
		TRY_GOTO(put(w, f2, buf, n));
	ENSURE_GOTO(!ferror(w->f), ERR_IO, "%s: read back failed", w->tmp);
	TRY_GOTO(flush_sync(w, f2));
	ENSURE_GOTO(rename(tmp2, w->path) == 0, ERR_IO, "%s: rename failed: %s", w->path,
		    strerror(errno));
	free(tmp2);
	tmp2 = NULL;
out:
	if (f2)
		fclose(f2);
	if (tmp2) {
		unlink(tmp2);
		free(tmp2);
	}
	return rc;
}

/* PATH.keys (0600, temp + rename) for classic pcap. */
static int keys_file_commit(struct capwriter *w)
{
	char *kpath = NULL, *tmp = NULL;
	FILE *f = NULL;
	int rc;

	ENSURE(asprintf(&kpath, "%s.keys", w->path) >= 0, ERR_NOMEM, "no memory");
	TRY_GOTO(temp_next_to(kpath, &tmp, &f));
	TRY_GOTO(put(w, f, w->keys, w->keys_len));
	TRY_GOTO(flush_sync(w, f));
	ENSURE_GOTO(rename(tmp, kpath) == 0, ERR_IO, "%s: rename failed: %s", kpath,
		    strerror(errno));
	free(tmp);
	tmp = NULL;
out:
	if (f)
		fclose(f);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(kpath);
	return rc;
}

/* Finish: flush, fsync, rename. */
int capwriter_commit(struct capwriter *w)
{
	int rc = 0;

	ENSURE_GOTO(!w->failed, ERR_IO, "%s: an earlier write failed", w->path);
	if (w->format == CAPFMT_PCAP) {
		FILE *f = pcap_dump_file(w->dumper);
		ENSURE_GOTO(pcap_dump_flush(w->dumper) == 0 && fsync(fileno(f)) == 0, ERR_IO,
			    "%s: write failed: %s", w->path, strerror(errno));
		pcap_dump_close(w->dumper);
		w->dumper = NULL;
		if (w->keys_len)
			TRY_GOTO(keys_file_commit(w));
		ENSURE_GOTO(rename(w->tmp, w->path) == 0, ERR_IO, "%s: rename failed: %s",
			    w->path, strerror(errno));
	} else {
		TRY_GOTO(flush_sync(w, w->f));
		if (w->keys_len) {
			TRY_GOTO(pcapng_commit_with_dsb(w));
			unlink(w->tmp);
		} else {
			ENSURE_GOTO(rename(w->tmp, w->path) == 0, ERR_IO,
				    "%s: rename failed: %s", w->path, strerror(errno));
		}
	}
	free(w->tmp);
	w->tmp = NULL;
out:
	capwriter_abort(w);
	return rc;
}

/* Give up: unlink the temp file and free. */
void capwriter_abort(struct capwriter *w)
{
	if (!w)
		return;
	if (w->dumper)
		pcap_dump_close(w->dumper);
	if (w->dead)
		pcap_close(w->dead);
	if (w->f)
		fclose(w->f);
	if (w->tmp) {
		unlink(w->tmp);
		free(w->tmp);
	}
	if (w->keys) {
		explicit_bzero(w->keys, w->keys_cap);
		free(w->keys);
	}
	free(w->path);
	free(w);
}

/* Packets written so far. */
uint64_t capwriter_count(const struct capwriter *w)
{
	return w->npkts;
}
