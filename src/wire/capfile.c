/* Capture files: pcap/pcapng packets through libpcap, DSBs through our scanner. */
#include "wire/capfile.h"

#include "core/cursor.h"
#include "core/err.h"
#include "keys/keys.h"
#include "wire/pcapng_scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CAPFILE_READ_BUF ((size_t)1 << 20)

/* The file under libpcap's FILE: a cookie stream with a 1 MiB buffer, so
 * that reading makes one read(2) per MiB, and that knows its file offset,
 * so the read position needs no lseek per frame: it is the offset of the
 * bytes read so far minus what the stream's buffer still holds. */
struct capfile_reader {
	int fd;
	char *buf;       /* the stream's buffer */
	uint64_t off;    /* file offset after the bytes handed to the stream */
};
struct capfile {
	pcap_t *pcap;
	FILE *f;           /* owned by pcap once pcap is open */
	struct capfile_reader rd; /* under f */
	char *path;
	uint64_t size;
	uint64_t frame_no;
	int linktype;
	int ndsb;
	int kind;          /* 1 pcap, 2 pcapng */
	bool nsec;         /* pcap: nanosecond timestamps */
	uint64_t last_ts;  /* seconds of the last good frame (pcap resync) */
	unsigned ndamage;  /* damaged places skipped so far */
	uint64_t frame_at; /* offset of the frame just returned */
	char damage[640];  /* the damage before the frame just returned, or "" */
	struct keystore *ks;
	struct sink *warn;
};

static ssize_t reader_read(void *cookie, char *out, size_t n)
{
	struct capfile_reader *r = cookie;
	ssize_t got;

	do
		got = read(r->fd, out, n);
	while (got < 0 && errno == EINTR);
	if (got > 0)
		r->off += (uint64_t)got;
	return got;
}

static int reader_seek(void *cookie, off64_t *off, int whence)
{
	struct capfile_reader *r = cookie;
	off_t to = lseek(r->fd, (off_t)*off, whence);

	if (to < 0)
		return -1;
	r->off = (uint64_t)to;
	*off = to;
	return 0;
}

static int reader_close(void *cookie)
{
	struct capfile_reader *r = cookie;
	int rc = close(r->fd);

	r->fd = -1;
	return rc;
}

/* Open path as a stream over cf->rd. */
static FILE *reader_open(struct capfile *cf)
{
	static const cookie_io_functions_t io = { reader_read, NULL, reader_seek, reader_close };
	struct capfile_reader *r = &cf->rd;
	FILE *f;

	r->fd = open(cf->path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return NULL;
	r->buf = malloc(CAPFILE_READ_BUF);
	f = r->buf ? fopencookie(r, "rb", io) : NULL;
	if (!f) {
		free(r->buf);
		r->buf = NULL;
		close(r->fd);
		r->fd = -1;
		errno = ENOMEM;
		return NULL;
	}
	setvbuf(f, r->buf, _IOFBF, CAPFILE_READ_BUF);
	return f;
}

/* Emit an EV_NOTE warning. */
static void capfile_warn(struct capfile *cf, const char *text)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EV_NOTE;
	ev.ts_us = event_now_us();
	ev.u.note.level = "warning";
	ev.u.note.text = text;
	sink_emit(cf->warn, &ev);
}

/* Scanner callback: a warning, prefixed with the file name. */
static void scan_warn(void *ctx, const char *text)
{
	struct capfile *cf = ctx;
	char buf[512];

	snprintf(buf, sizeof buf, "%s: %s", cf->path, text);
	capfile_warn(cf, buf);
}

/* Scanner callback: one TLS key log DSB into the key store. */
static void scan_secrets(void *ctx, uint32_t type, const uint8_t *data, size_t len, uint64_t off)
{
	struct capfile *cf = ctx;
	char origin[512], buf[600];
	int n;

	(void)type;
	cf->ndsb++;
	if (!cf->ks)
		return;
	snprintf(origin, sizeof origin, "%s (Decryption Secrets Block at offset %llu)", cf->path,
		 (unsigned long long)off);
	n = keystore_add_keylog(cf->ks, data, len, origin, cf->warn);
	if (n <= 0) {
		snprintf(buf, sizeof buf, "%s: no usable key log lines%s%s", origin,
			 n < 0 ? ": " : "", n < 0 ? err_msg() : "");
		capfile_warn(cf, buf);
	}
}

/* File magic (first 4 bytes): pcap in either byte order and timestamp
 * precision, or the pcapng Section Header Block type. */
static int magic_kind(const uint8_t m[4])
{
	struct cursor c;
	uint32_t v;

	cursor_init(&c, m, 4, 0);
	if (cursor_u32(&c, "magic", &v) < 0)
		return 0;
	switch (v) {
	case 0xa1b2c3d4: case 0xd4c3b2a1: case 0xa1b23c4d: case 0x4d3cb2a1:
		return 1;
	case PCAPNG_BT_SHB:
		return 2;
	default:
		return 0;
	}
}

/* Check the path, the magic and the header size; pcapng: read the DSBs. */
static int capfile_precheck(struct capfile *cf)
{
	struct stat st;
	uint8_t m[4];
	int kind, rc;
	static const struct pcapng_scan_ops sops = { scan_secrets, scan_warn };

	ENSURE(stat(cf->path, &st) == 0, ERR_IO, "%s: %s", cf->path, strerror(errno));
	ENSURE(!S_ISDIR(st.st_mode), ERR_IO, "%s: is a directory, not a capture file", cf->path);
	cf->f = reader_open(cf);
	ENSURE(cf->f, ERR_IO, "%s: cannot open: %s", cf->path, strerror(errno));
	cf->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	ENSURE(!S_ISREG(st.st_mode) || st.st_size > 0, ERR_VALUE, "%s: empty file", cf->path);
	ENSURE(fread(m, 1, 4, cf->f) == 4, ERR_VALUE,
	       "%s: truncated file header (less than 4 bytes)", cf->path);
	kind = cf->kind = magic_kind(m);
	cf->nsec = m[0] == 0x4d || m[3] == 0x4d;
	ENSURE(kind, ERR_VALUE,
	       "%s: not a pcap or pcapng file (starts with %02x %02x %02x %02x)", cf->path,
	       m[0], m[1], m[2], m[3]);
	if (kind == 1 && S_ISREG(st.st_mode))
		ENSURE(st.st_size >= 24, ERR_VALUE,
		       "%s: truncated pcap file header (%lld of 24 bytes)", cf->path,
		       (long long)st.st_size);
	if (kind == 2 && S_ISREG(st.st_mode)) {
		/* through a plain stream of its own: the scan reads a few bytes per
		   block at offsets of its choosing */
		FILE *g = fopen(cf->path, "rb");

		ENSURE(g, ERR_IO, "%s: cannot open: %s", cf->path, strerror(errno));
		rc = pcapng_scan(g, cf->size, &sops, cf);
		fclose(g);
		if (rc < 0)
			return err_wrap(rc, "%s: ", cf->path);
	}
	ENSURE(fseeko(cf->f, 0, SEEK_SET) == 0, ERR_IO, "%s: cannot seek: %s", cf->path,
	       strerror(errno));
	return 0;
}

/* Open a capture file. */
int capfile_open(struct capfile **out, const char *path, struct keystore *ks, struct sink *warn)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capfile *cf;
	int rc;

	*out = NULL;
	cf = calloc(1, sizeof *cf);
	ENSURE(cf, ERR_NOMEM, "no memory to open %s", path);
	cf->ks = ks;
	cf->warn = warn;
	cf->path = strdup(path);
	ENSURE_GOTO(cf->path, ERR_NOMEM, "no memory to open %s", path);
	TRY_GOTO(capfile_precheck(cf));
	cf->pcap = pcap_fopen_offline_with_tstamp_precision(cf->f, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	ENSURE_GOTO(cf->pcap, ERR_VALUE, "%s: %s", path, ebuf);
	cf->f = NULL; /* pcap owns it now */
	cf->linktype = pcap_datalink(cf->pcap);
	ENSURE_GOTO(packet_linktype_supported(cf->linktype), ERR_UNSUPPORTED,
		    "%s: link type %d (%s) is not supported; supported: EN10MB, NULL, LOOP, RAW, "
		    "IPV4, IPV6, LINUX_SLL, LINUX_SLL2", path, cf->linktype,
		    pcap_datalink_val_to_name(cf->linktype) ? pcap_datalink_val_to_name(cf->linktype)
							    : "unknown");
	*out = cf;
	return 0;
out:
	capfile_close(cf);
	return rc;
}

/* The file's link type. */
int capfile_linktype(const struct capfile *cf)
{
	return cf->linktype;
}

/* A classic pcap record header at p (16 bytes of a window) that could be
 * real (pcap file format, section 4): sub-second part in range, captured
 * length within the snapshot length and the original length, time within a
 * week of the last good frame. *caplen gets its captured length. */
static bool pcap_rec_plausible(const struct capfile *cf, const uint8_t *p, uint32_t *caplen)
{
	struct cursor c;
	uint32_t sec, frac, incl, orig;
	bool swapped = pcap_is_swapped(cf->pcap);
	bool le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? !swapped : swapped;
	uint32_t snap = (uint32_t)pcap_snapshot(cf->pcap);

	cursor_init(&c, p, 16, 0);
	if ((le ? cursor_le32(&c, "ts_sec", &sec) : cursor_u32(&c, "ts_sec", &sec)) < 0 ||
	    (le ? cursor_le32(&c, "ts_frac", &frac) : cursor_u32(&c, "ts_frac", &frac)) < 0 ||
	    (le ? cursor_le32(&c, "incl_len", &incl) : cursor_u32(&c, "incl_len", &incl)) < 0 ||
	    (le ? cursor_le32(&c, "orig_len", &orig) : cursor_u32(&c, "orig_len", &orig)) < 0)
		return false;
	if (frac >= (cf->nsec ? 1000000000u : 1000000u) || incl == 0 || incl > orig ||
	    incl > (snap ? snap : 262144u) || orig > (1u << 24))
		return false;
	if (cf->last_ts && (sec + 604800ull < cf->last_ts || sec > cf->last_ts + 604800ull))
		return false;
	*caplen = incl;
	return true;
}

/* Read up to n bytes at off into buf through a second handle (pcap's own
 * stream stays where it is). */
static size_t read_at(FILE *g, uint64_t off, uint8_t *buf, size_t n)
{
	if (fseeko(g, (off_t)off, SEEK_SET) != 0)
		return 0;
	return fread(buf, 1, n, g);
}

/* Classic pcap: the first offset > from where a record header and the one
 * after it (or the end of the file) are plausible. */
static int pcap_resync(struct capfile *cf, FILE *g, uint64_t from, uint64_t *next)
{
	uint8_t win[65536 + 16], h2[16];
	uint64_t base = from + 1;

	while (base + 16 <= cf->size) {
		size_t got = read_at(g, base, win, sizeof win);

		ENSURE(got >= 16, ERR_IO, "%s: cannot read at offset %llu", cf->path, (unsigned long long)base);
		for (size_t i = 0; i + 16 <= got; i++) {
			uint64_t off = base + i, after;
			uint32_t cl, cl2;

			if (!pcap_rec_plausible(cf, win + i, &cl))
				continue;
			after = off + 16 + cl;
			if (after > cf->size)
				continue;
			if (after < cf->size &&
			    (read_at(g, after, h2, 16) != 16 || !pcap_rec_plausible(cf, h2, &cl2)))
				continue;
			*next = off;
			return 1;
		}
		if (got < sizeof win)
			break;
		base += got - 16;
	}
	return 0;
}

/* After damage at offset at: where the next readable frame begins. */
static int capfile_resync(struct capfile *cf, uint64_t at, uint64_t *next)
{
	FILE *g = fopen(cf->path, "rb");
	bool swapped, be;
	int r;

	ENSURE(g, ERR_IO, "%s: cannot open again: %s", cf->path, strerror(errno));
	if (cf->kind == 2) {
		swapped = pcap_is_swapped(cf->pcap);
		be = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? swapped : !swapped;
		r = pcapng_resync(g, cf->size, at + 4, be, next);
	} else {
		r = pcap_resync(cf, g, at, next);
	}
	fclose(g);
	return r;
}

/* The next packet. Damage (a record libpcap refuses) is skipped to the next
 * readable record when there is one: the frame after it is returned and
 * capfile_damage() says what was skipped. */
int capfile_next(struct capfile *cf, struct pkt_raw *out)
{
	struct pcap_pkthdr *h;
	const u_char *data;

	cf->damage[0] = 0;
	for (;;) {
		uint64_t at = capfile_pos(cf), next = 0;
		int r = pcap_next_ex(cf->pcap, &h, &data), s;
		char what[PCAP_ERRBUF_SIZE + 32];

		if (r == 1) {
			cf->frame_at = at;
			break;
		}
		if (r == PCAP_ERROR_BREAK)
			return 0;
		snprintf(what, sizeof what, "%s", r < 0 ? pcap_geterr(cf->pcap) : "unexpected result");
		s = cf->size > at ? capfile_resync(cf, at, &next) : 0;
		TRY(s);
		ENSURE(s == 1, ERR_VALUE, "%s: damaged at offset %llu, after frame %llu: %s; nothing "
		       "readable follows (%llu bytes to the end of the file skipped)", cf->path,
		       (unsigned long long)at, (unsigned long long)cf->frame_no, what,
		       (unsigned long long)(cf->size > at ? cf->size - at : 0));
		ENSURE(fseeko(pcap_file(cf->pcap), (off_t)next, SEEK_SET) == 0, ERR_IO,
		       "%s: cannot seek to %llu: %s", cf->path, (unsigned long long)next, strerror(errno));
		cf->ndamage++;
		snprintf(cf->damage, sizeof cf->damage, "%s: damaged at offset %llu, after frame %llu: %s; "
			 "skipped %llu bytes, reading on at offset %llu", cf->path, (unsigned long long)at,
			 (unsigned long long)cf->frame_no, what, (unsigned long long)(next - at),
			 (unsigned long long)next);
	}
	out->frame = data;
	out->caplen = h->caplen;
	out->origlen = h->len < h->caplen ? h->caplen : h->len;
	out->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	out->linktype = cf->linktype;
	out->frame_no = ++cf->frame_no;
	cf->last_ts = (uint64_t)h->ts.tv_sec;
	return 1;
}

uint64_t capfile_frame_pos(const struct capfile *cf)
{
	return cf->frame_at;
}

const char *capfile_damage(const struct capfile *cf)
{
	return cf->damage[0] ? cf->damage : NULL;
}

unsigned capfile_damage_count(const struct capfile *cf)
{
	return cf->ndamage;
}

/* File size in bytes. */
uint64_t capfile_size(const struct capfile *cf)
{
	return cf->size;
}

/* Read position in bytes: without a syscall on glibc, whose FILE says how
 * much of its buffer is still unread (the fields gnulib's freadahead reads). */
uint64_t capfile_pos(const struct capfile *cf)
{
	FILE *f = cf->pcap ? pcap_file(cf->pcap) : cf->f;
#ifdef __GLIBC__
	size_t ahead;

	if (!f)
		return 0;
	ahead = f->_IO_read_end > f->_IO_read_ptr ? (size_t)(f->_IO_read_end - f->_IO_read_ptr) : 0;
	return cf->rd.off >= ahead ? cf->rd.off - ahead : 0;
#else
	off_t o = f ? ftello(f) : -1;

	return o < 0 ? 0 : (uint64_t)o;
#endif
}

/* Continue reading at a frame offset noted earlier. libpcap reads both
 * formats block by block through stdio, so a block boundary is a valid
 * place to go on from (pcapng: the interfaces are those of the section
 * header read at open, which is all tlsviz writes or records). */
int capfile_seek(struct capfile *cf, uint64_t pos, uint64_t frame_no)
{
	FILE *f = cf->pcap ? pcap_file(cf->pcap) : NULL;

	ENSURE(f && pos <= cf->size && pos <= (uint64_t)INT64_MAX, ERR_VALUE,
	       "%s: cannot go back to offset %llu", cf->path, (unsigned long long)pos);
	ENSURE(fseeko(f, (off_t)pos, SEEK_SET) == 0, ERR_IO, "%s: cannot seek to %llu: %s", cf->path,
	       (unsigned long long)pos, strerror(errno));
	cf->frame_no = frame_no ? frame_no - 1 : 0;
	return 0;
}

/* DSBs found when opening. */
int capfile_dsb_count(const struct capfile *cf)
{
	return cf->ndsb;
}

/* Close and free. */
void capfile_close(struct capfile *cf)
{
	if (!cf)
		return;
	if (cf->pcap)
		pcap_close(cf->pcap);
	else if (cf->f)
		fclose(cf->f);
	free(cf->rd.buf); /* the stream's buffer, after the stream */
	free(cf->path);
	free(cf);
}
