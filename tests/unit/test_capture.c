/* Unit tests for live capture: in a forked child (capture_prepare changes
 * namespaces), AUTO must pick the private network namespace, both as root and
 * as an unprivileged user (nobody), and capture a loopback TCP exchange whose
 * reassembled bytes equal what was sent; PCAP as nobody must fail clearly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/err.h"
#include "wire/capture.h"
#include "wire/reasm.h"

static const char c2s[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char s2c[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

struct seen {
	struct reasm *r;
	int syn, fin, frames, unparsed;
	char buf[3][256];
	size_t len[3];
	int closed[3];
};

static void on_data(void *ctx, uint32_t id, enum dir d, const uint8_t *data, size_t len,
		    uint64_t off, uint64_t ts)
{
	struct seen *s = ctx;
	(void)id, (void)ts;
	if (off == s->len[d] && off + len < sizeof s->buf[d]) {
		memcpy(s->buf[d] + off, data, len);
		s->len[d] += len;
	}
}

static void on_close(void *ctx, uint32_t id, enum dir d, bool rst, uint64_t ts)
{
	struct seen *s = ctx;
	(void)id, (void)rst, (void)ts;
	s->closed[d]++;
}

static const struct reasm_ops ops = { NULL, on_data, NULL, on_close };

/* Capture thread callback. */
static void on_packet(void *ctx, const struct pkt_raw *p)
{
	struct seen *s = ctx;
	struct pkt k;
	uint32_t id;
	enum dir d;

	s->frames++;
	if (packet_parse(p->linktype, p->frame, p->caplen, p->origlen, p->ts_us, &k) < 0) {
		s->unparsed++; /* the settle probe would land here if it leaked out */
		return;
	}
	s->syn += (k.flags & TCPF_SYN) && !(k.flags & TCPF_ACK);
	s->fin += !!(k.flags & TCPF_FIN);
	reasm_packet(s->r, &k, &id, &d);
}

/* In the child: prepare, then capture one loopback exchange. Exit codes name
 * the failing step. */
static int child_exchange(enum capture_mode want, enum capture_mode expect)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	struct seen s = { 0 };
	struct capture *cap;
	struct capture_counts n;
	enum capture_mode got;
	bool late;
	char why[512], buf[256];
	int l, c, v;

	if (capture_prepare(want, &got, why, sizeof why) < 0) {
		fprintf(stderr, "prepare: %s\n", err_msg());
		return 10;
	}
	fprintf(stderr, "uid %d: %s\n", (int)getuid(), why);
	if (got != expect)
		return 11;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 4) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) < 0)
		return 12;
	s.r = reasm_new(&ops, &s, 0);
	if (capture_start(&cap, ntohs(a.sin_port), on_packet, &s) < 0) {
		fprintf(stderr, "start: %s\n", err_msg());
		return 13;
	}
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof a) < 0)
		return 14;
	v = accept(l, NULL, NULL);
	if (v < 0 || write(c, c2s, strlen(c2s)) != (ssize_t)strlen(c2s) ||
	    read(v, buf, sizeof buf) != (ssize_t)strlen(c2s) ||
	    write(v, s2c, strlen(s2c)) != (ssize_t)strlen(s2c) ||
	    read(c, buf, sizeof buf) != (ssize_t)strlen(s2c))
		return 15;
	close(c);
	close(v);
	close(l);
	/* the end of traffic is the probe coming back, not a guessed wait */
	if (capture_settle_begin(cap, CAPTURE_SETTLE_MS) < 0) {
		fprintf(stderr, "settle: %s\n", err_msg());
		return 18;
	}
	while (!capture_settled(cap, &late))
		usleep(1000); /* bounded by the settle deadline */
	capture_stop(cap, &n);
	reasm_finish(s.r);
	reasm_free(s.r);
	fprintf(stderr, "frames %d (unparsed %d) syn %d fin %d c2s %zu s2c %zu; kernel: %llu "
		"received, %llu dropped; probe %s\n", s.frames, s.unparsed, s.syn, s.fin,
		s.len[DIR_C2S], s.len[DIR_S2C], (unsigned long long)n.received,
		(unsigned long long)n.dropped, late ? "late" : "back");
	if (late)
		return 19;
	/* every frame handed out was TCP (the kernel counts lo's packets twice,
	 * going out and coming in, so its received count is not compared) */
	if (s.unparsed || !n.valid || n.dropped || n.frames != (uint64_t)s.frames ||
	    n.received <= n.frames)
		return 20;
	if (s.syn != 1 || s.fin != 2)
		return 16;
	if (s.len[DIR_C2S] != strlen(c2s) || memcmp(s.buf[DIR_C2S], c2s, strlen(c2s)) ||
	    s.len[DIR_S2C] != strlen(s2c) || memcmp(s.buf[DIR_S2C], s2c, strlen(s2c)))
		return 17;
	return 0;
}

/* Become nobody (when root). */
static int drop_to_nobody(void)
{
	if (getuid() != 0)
		return 0;
	if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0)
		return -1;
	/* setresuid without exec leaves the process non-dumpable, which makes
	 * /proc/self/uid_map root-owned; setpriv/runuser exec and reset it */
	return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
}

/* Run fn in a forked child; its exit status. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn());
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static int auto_as_me(void) { return child_exchange(CAPTURE_AUTO, CAPTURE_NETNS); }
static int auto_as_nobody(void)
{
	return drop_to_nobody() < 0 ? 20 : child_exchange(CAPTURE_AUTO, CAPTURE_NETNS);
}
static int netns_as_nobody(void)
{
	return drop_to_nobody() < 0 ? 20 : child_exchange(CAPTURE_NETNS, CAPTURE_NETNS);
}
static int pcap_as_nobody(void)
{
	enum capture_mode got;
	char why[512];

	if (drop_to_nobody() < 0)
		return 20;
	if (capture_prepare(CAPTURE_PCAP, &got, why, sizeof why) != ERR_SYSTEM)
		return 21;
	fprintf(stderr, "expected refusal: %s\n", err_msg());
	return strstr(err_msg(), "lo") ? 0 : 22;
}
static int tap_always(void)
{
	enum capture_mode got;
	char why[512];

	if (capture_prepare(CAPTURE_TAP, &got, why, sizeof why) < 0 || got != CAPTURE_TAP)
		return 30;
	return strcmp(capture_mode_name(got), "tap") ? 31 : 0;
}

static void test_auto_is_netns(void **state)
{
	(void)state;
	assert_int_equal(in_child(auto_as_me), 0);
}

static void test_unprivileged_netns(void **state)
{
	(void)state;
	assert_int_equal(in_child(auto_as_nobody), 0);
	assert_int_equal(in_child(netns_as_nobody), 0);
}

static void test_pcap_refused_unprivileged(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip(); /* an unprivileged runner may have CAP_NET_RAW by file caps */
	assert_int_equal(in_child(pcap_as_nobody), 0);
}

static void test_tap(void **state)
{
	(void)state;
	assert_int_equal(in_child(tap_always), 0);
	assert_string_equal(capture_mode_name(CAPTURE_NETNS), "netns");
	assert_string_equal(capture_mode_name(CAPTURE_PCAP), "pcap");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_is_netns),
		cmocka_unit_test(test_unprivileged_netns),
		cmocka_unit_test(test_pcap_refused_unprivileged),
		cmocka_unit_test(test_tap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
