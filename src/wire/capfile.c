/* Capture files: pcap/pcapng packets through libpcap, DSBs through our scanner. */
#include "wire/capfile.h"

#include "core/cursor.h"
#include "core/err.h"
#include "keys/keys.h"
#include "wire/pcapng_scan.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct capfile {
	pcap_t *pcap;
	FILE *f;           /* owned by pcap once pcap is open */
	char *path;
	uint64_t size;
	uint64_t frame_no;
	int linktype;
	int ndsb;
	struct keystore *ks;
	struct sink *warn;
};

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
	cf->f = fopen(cf->path, "rb");
	ENSURE(cf->f, ERR_IO, "%s: cannot open: %s", cf->path, strerror(errno));
	cf->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	ENSURE(!S_ISREG(st.st_mode) || st.st_size > 0, ERR_VALUE, "%s: empty file", cf->path);
	ENSURE(fread(m, 1, 4, cf->f) == 4, ERR_VALUE,
	       "%s: truncated file header (less than 4 bytes)", cf->path);
	kind = magic_kind(m);
	ENSURE(kind, ERR_VALUE,
	       "%s: not a pcap or pcapng file (starts with %02x %02x %02x %02x)", cf->path,
	       m[0], m[1], m[2], m[3]);
	if (kind == 1 && S_ISREG(st.st_mode))
		ENSURE(st.st_size >= 24, ERR_VALUE,
		       "%s: truncated pcap file header (%lld of 24 bytes)", cf->path,
		       (long long)st.st_size);
	if (kind == 2 && S_ISREG(st.st_mode)) {
		rc = pcapng_scan(cf->f, cf->size, &sops, cf);
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

/* The next packet. */
int capfile_next(struct capfile *cf, struct pkt_raw *out)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t at = capfile_pos(cf);
	int r = pcap_next_ex(cf->pcap, &h, &data);

	if (r == PCAP_ERROR_BREAK)
		return 0;
	ENSURE(r == 1, ERR_VALUE, "%s: packet %llu at offset %llu: %s", cf->path,
	       (unsigned long long)cf->frame_no + 1, (unsigned long long)at,
	       r < 0 ? pcap_geterr(cf->pcap) : "unexpected result");
	out->frame = data;
	out->caplen = h->caplen;
	out->origlen = h->len < h->caplen ? h->caplen : h->len;
	out->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	out->linktype = cf->linktype;
	out->frame_no = ++cf->frame_no;
	return 1;
}

/* File size in bytes. */
uint64_t capfile_size(const struct capfile *cf)
{
	return cf->size;
}

/* Read position in bytes. */
uint64_t capfile_pos(const struct capfile *cf)
{
	FILE *f = cf->pcap ? pcap_file(cf->pcap) : cf->f;
	off_t o = f ? ftello(f) : -1;

	return o < 0 ? 0 : (uint64_t)o;
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
	free(cf->path);
	free(cf);
}
