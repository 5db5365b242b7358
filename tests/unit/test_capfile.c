/* Unit tests for capture file reading: the committed fixture, pcapng DSBs in
 * both byte orders, and a table of malformed files that must each give one
 * clear error or warning and never crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "keys/keys.h"
#include "wire/capfile.h"
#include "wire/pcapng_scan.h"

#define FIXTURE TLSVIZ_SOURCE_DIR "/tests/data/wire/tls-get.pcap"
#define FIXTURE_PACKETS 37

static char dir[] = "/tmp/tlsviz-capfile.XXXXXX";

/* Warnings seen through the sink. */
struct notes {
	struct sink base;
	int n;
	char last[512];
};

static void notes_emit(struct sink *s, const struct event *ev)
{
	struct notes *nt = (struct notes *)s;
	if (ev->type != EV_NOTE)
		return;
	nt->n++;
	snprintf(nt->last, sizeof nt->last, "%s", ev->u.note.text);
}

/* Write bytes to dir/name and return the path (static buffer). */
static const char *put_file(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* The fixture's bytes. */
static uint8_t *fixture(size_t *len)
{
	FILE *f = fopen(FIXTURE, "rb");
	uint8_t *b = malloc(1 << 20);

	assert_non_null(f);
	*len = fread(b, 1, 1 << 20, f);
	fclose(f);
	assert_true(*len > 100);
	return b;
}

/* Read every packet; returns the count, or the negative error. */
static int read_all(struct capfile *cf)
{
	struct pkt_raw r;
	int n = 0, rc;
	uint64_t prev = 0;

	while ((rc = capfile_next(cf, &r)) == 1) {
		assert_true(prev == 0 || r.frame_no == prev + 1);
		prev = r.frame_no;
		n++;
	}
	return rc < 0 ? rc : n;
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_fixture(void **state)
{
	struct capfile *cf;
	struct pkt_raw r;

	(void)state;
	assert_int_equal(capfile_open(&cf, FIXTURE, NULL, NULL), 0);
	assert_int_equal(capfile_linktype(cf), 1);
	assert_int_equal(capfile_next(cf, &r), 1);
	assert_int_equal(r.caplen, 74); /* the first SYN */
	assert_true(r.ts_us > 1600000000ull * 1000000u);
	assert_int_equal(read_all(cf), FIXTURE_PACKETS - 1);
	assert_int_equal(capfile_next(cf, &r), 0); /* stays at end */
	assert_int_equal(capfile_pos(cf), capfile_size(cf));
	capfile_close(cf);
}

/* pcapng writer for tests: blocks in either byte order. */
struct ng {
	uint8_t b[4096];
	size_t n;
	int be;
};

static void ng32(struct ng *g, uint32_t v)
{
	if (g->be)
		v = __builtin_bswap32(v);
	memcpy(g->b + g->n, &v, 4);
	g->n += 4;
}

static void ng16(struct ng *g, uint16_t v)
{
	if (g->be)
		v = __builtin_bswap16(v);
	memcpy(g->b + g->n, &v, 2);
	g->n += 2;
}

/* SHB + IDB (Ethernet). */
static void ng_head(struct ng *g)
{
	ng32(g, PCAPNG_BT_SHB); ng32(g, 28); ng32(g, PCAPNG_BOM);
	ng16(g, 1); ng16(g, 0); ng32(g, 0xffffffff); ng32(g, 0xffffffff); ng32(g, 28);
	ng32(g, PCAPNG_BT_IDB); ng32(g, 20); ng16(g, 1); ng16(g, 0); ng32(g, 65535); ng32(g, 20);
}

/* A DSB of the given type whose declared secrets length may lie. */
static void ng_dsb(struct ng *g, uint32_t type, const char *text, uint32_t declared)
{
	size_t len = strlen(text), pad = (4 - len % 4) % 4;
	uint32_t total = (uint32_t)(20 + len + pad);

	ng32(g, PCAPNG_BT_DSB); ng32(g, total); ng32(g, type); ng32(g, declared);
	memcpy(g->b + g->n, text, len);
	g->n += len;
	memset(g->b + g->n, 0, pad);
	g->n += pad;
	ng32(g, total);
}

/* An EPB holding the fixture's first frame (74 bytes). */
static void ng_epb(struct ng *g, const uint8_t *frame)
{
	ng32(g, PCAPNG_BT_EPB); ng32(g, 32 + 76); ng32(g, 0); ng32(g, 0); ng32(g, 1);
	ng32(g, 74); ng32(g, 74);
	memcpy(g->b + g->n, frame, 74);
	memset(g->b + g->n + 74, 0, 2);
	g->n += 76;
	ng32(g, 32 + 76);
}

static const char keylog[] =
	"# comment\n"
	"CLIENT_RANDOM 0001020304050607080910111213141516171819202122232425262728293031 "
	"000102030405060708091011121314151617181920212223242526272829303132333435363738394041424344454647\n";

static void test_pcapng_dsb_both_orders(void **state)
{
	size_t flen;
	uint8_t *fx = fixture(&flen);

	(void)state;
	for (int be = 0; be <= 1; be++) {
		struct ng g = { .n = 0, .be = be };
		struct capfile *cf;
		struct keystore *ks = keystore_new();
		struct notes nt = { .base.emit = notes_emit };

		ng_head(&g);
		ng_dsb(&g, PCAPNG_SECRETS_TLS, keylog, (uint32_t)strlen(keylog));
		ng_epb(&g, fx + 24 + 16);
		ng_epb(&g, fx + 24 + 16);
		assert_int_equal(capfile_open(&cf, put_file("dsb.pcapng", g.b, g.n), ks, &nt.base), 0);
		assert_int_equal(capfile_dsb_count(cf), 1);
		assert_int_equal(keystore_count(ks), 1);
		assert_int_equal(nt.n, 0);
		assert_int_equal(read_all(cf), 2);
		capfile_close(cf);
		keystore_free(ks);
	}
	free(fx);
}

/* Read every packet, counting the damage reports met on the way. */
static int read_damaged(struct capfile *cf, int *damaged, const char *needle)
{
	struct pkt_raw r;
	int n = 0, rc;

	*damaged = 0;
	while ((rc = capfile_next(cf, &r)) == 1) {
		n++;
		if (capfile_damage(cf)) {
			print_message("frame %d after: %s\n", n, capfile_damage(cf));
			assert_non_null(strstr(capfile_damage(cf), needle));
			(*damaged)++;
		}
	}
	return rc < 0 ? rc : n;
}

/* Damage in the middle: every frame before it, then the rest from the next
 * readable block or record; a DSB after the damage is still found. */
static void test_resync(void **state)
{
	size_t flen;
	uint8_t *fx = fixture(&flen);
	struct capfile *cf;
	struct keystore *ks = keystore_new();
	struct ng g = { .n = 0 };
	uint32_t bad = 0x12345678, huge = 0x7fffff00;
	int damaged;

	(void)state;
	/* pcapng: the second EPB's trailer disagrees (blocks at 48, 156, 264, ...) */
	ng_head(&g);
	ng_epb(&g, fx + 40);
	ng_epb(&g, fx + 40);
	ng_dsb(&g, PCAPNG_SECRETS_TLS, keylog, (uint32_t)strlen(keylog));
	ng_epb(&g, fx + 40);
	ng_epb(&g, fx + 40);
	memcpy(g.b + 156 + 108 - 4, &bad, 4);
	assert_int_equal(capfile_open(&cf, put_file("mid.pcapng", g.b, g.n), ks, NULL), 0);
	assert_int_equal(keystore_count(ks), 1); /* the DSB after the damage */
	assert_int_equal(read_damaged(cf, &damaged, "damaged at offset 156, after frame 1"), 3);
	assert_int_equal(damaged, 1);
	assert_int_equal(capfile_damage_count(cf), 1);
	capfile_close(cf);
	/* the same with garbage over the whole block header */
	memset(g.b + 156, 0xff, 16);
	assert_int_equal(capfile_open(&cf, put_file("mid2.pcapng", g.b, g.n), NULL, NULL), 0);
	assert_int_equal(read_damaged(cf, &damaged, "skipped 108 bytes, reading on at offset 264"), 3);
	assert_int_equal(damaged, 1);
	capfile_close(cf);

	/* classic pcap: the second record claims a 2 GB packet */
	assert_true(flen < 1 << 20);
	memcpy(fx + 24 + 16 + 74 + 8, &huge, 4);
	assert_int_equal(capfile_open(&cf, put_file("mid.pcap", fx, flen), NULL, NULL), 0);
	assert_int_equal(read_damaged(cf, &damaged, "damaged at offset 114, after frame 1"), FIXTURE_PACKETS - 1);
	assert_int_equal(damaged, 1);
	capfile_close(cf);
	keystore_free(ks);
	free(fx);
}

/* One malformed input and what must come of it. */
struct bad {
	const char *name;
	int open_rc;        /* expected capfile_open result */
	int next_rc;        /* if open succeeds: result after reading all (<0), or packets */
	int warnings;       /* EV_NOTE warnings expected at least */
	const char *needle; /* must appear in the error message or last warning */
};

/* Check one malformed case. */
static void check_bad(const struct bad *b, const char *path)
{
	struct capfile *cf = NULL;
	struct keystore *ks = keystore_new();
	struct notes nt = { .base.emit = notes_emit };
	int rc;

	err_clear();
	rc = capfile_open(&cf, path, ks, &nt.base);
	print_message("%s: open %d '%s' notes %d '%s'\n", b->name, rc, err_msg(), nt.n, nt.last);
	assert_int_equal(rc, b->open_rc);
	if (rc == 0) {
		rc = read_all(cf);
		print_message("%s: read %d '%s'\n", b->name, rc, rc < 0 ? err_msg() : "");
		assert_int_equal(rc, b->next_rc);
		capfile_close(cf);
	} else {
		assert_null(cf);
		assert_non_null(strstr(err_msg(), path)); /* names the file */
	}
	assert_true(nt.n >= b->warnings);
	if (b->needle)
		assert_true(strstr(err_msg(), b->needle) || strstr(nt.last, b->needle));
	keystore_free(ks);
}

static void test_malformed_table(void **state)
{
	size_t flen;
	uint8_t *fx = fixture(&flen);
	uint8_t buf[4096];
	struct ng g;
	char missing[300];

	(void)state;
	{
		static const struct bad b = { "empty", ERR_VALUE, 0, 0, "empty" };
		check_bad(&b, put_file("empty", "", 0));
	}
	{
		static const struct bad b = { "wrong magic", ERR_VALUE, 0, 0, "not a pcap" };
		check_bad(&b, put_file("magic", "GET / HTTP/1.1\r\n\r\n0123456789", 28));
	}
	{
		static const struct bad b = { "3 bytes", ERR_VALUE, 0, 0, "truncated" };
		check_bad(&b, put_file("three", fx, 3));
	}
	{
		static const struct bad b = { "truncated header", ERR_VALUE, 0, 0, "truncated" };
		check_bad(&b, put_file("hdr", fx, 20));
	}
	{
		/* the last packet is cut: every earlier one is read, then an error */
		static const struct bad b = { "truncated packet", 0, ERR_VALUE, 0, "offset" };
		check_bad(&b, put_file("cut", fx, flen - 10));
	}
	{
		/* a record header claiming a 2 GB packet */
		static const struct bad b = { "absurd length", 0, ERR_VALUE, 0, "after frame 1" };
		memcpy(buf, fx, 24 + 16 + 74);
		memcpy(buf + 114, fx + 24, 16);
		uint32_t huge = 0x7fffff00;
		memcpy(buf + 114 + 8, &huge, 4);
		memcpy(buf + 114 + 12, &huge, 4);
		check_bad(&b, put_file("huge", buf, 114 + 16 + 100));
	}
	{
		static const struct bad b = { "link type", ERR_UNSUPPORTED, 0, 0, "link type 147" };
		memcpy(buf, fx, 24 + 16 + 74);
		uint32_t lt = 147;
		memcpy(buf + 20, &lt, 4);
		check_bad(&b, put_file("lt", buf, 114));
	}
	{
		static const struct bad b = { "directory", ERR_IO, 0, 0, "directory" };
		check_bad(&b, dir);
	}
	{
		static const struct bad b = { "missing", ERR_IO, 0, 0, "No such file" };
		snprintf(missing, sizeof missing, "%s/does-not-exist.pcap", dir);
		check_bad(&b, missing);
	}
	{
		/* DSB whose secrets length runs past the block: warning, packets still read */
		static const struct bad b = { "dsb overlong", 0, 1, 1, "malformed" };
		g = (struct ng){ .n = 0 };
		ng_head(&g);
		ng_dsb(&g, PCAPNG_SECRETS_TLS, keylog, 100000);
		ng_epb(&g, fx + 40);
		check_bad(&b, put_file("dsb1.pcapng", g.b, g.n));
	}
	{
		/* DSB of TLSK type with garbage inside: warning names the block */
		static const struct bad b = { "dsb garbage", 0, 1, 1, "Decryption Secrets Block" };
		g = (struct ng){ .n = 0 };
		ng_head(&g);
		ng_dsb(&g, PCAPNG_SECRETS_TLS, "\x01\x02garbage\xff\xfe not a key log", 28);
		ng_epb(&g, fx + 40);
		check_bad(&b, put_file("dsb2.pcapng", g.b, g.n));
	}
	{
		static const struct bad b = { "dsb other type", 0, 1, 1, "secrets type" };
		g = (struct ng){ .n = 0 };
		ng_head(&g);
		ng_dsb(&g, 0x5353484b /* SSH */, "whatever", 8);
		ng_epb(&g, fx + 40);
		check_bad(&b, put_file("dsb3.pcapng", g.b, g.n));
	}
	{
		/* block length not a multiple of 4: damage, nothing readable after it */
		static const struct bad b = { "pcapng odd length", 0, ERR_VALUE, 0, "damaged at offset 48" };
		g = (struct ng){ .n = 0 };
		ng_head(&g);
		ng_epb(&g, fx + 40);
		uint32_t odd = 107;
		memcpy(g.b + 48 + 4, &odd, 4);
		check_bad(&b, put_file("odd.pcapng", g.b, g.n));
	}
	{
		/* pcapng whose last block is cut: error at that packet, the first read */
		static const struct bad b = { "pcapng cut", 0, ERR_VALUE, 0, "damaged at offset 156, after frame 1" };
		g = (struct ng){ .n = 0 };
		ng_head(&g);
		ng_epb(&g, fx + 40);
		ng_epb(&g, fx + 40);
		check_bad(&b, put_file("cut.pcapng", g.b, g.n - 30));
	}
	{
		/* pcapng with a bad byte-order magic */
		static const struct bad b = { "pcapng bom", ERR_VALUE, 0, 0, "byte-order" };
		g = (struct ng){ .n = 0 };
		ng_head(&g);
		g.b[8] = 0x99;
		check_bad(&b, put_file("bom.pcapng", g.b, g.n));
	}
	free(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_pcapng_dsb_both_orders),
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_resync),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
