/* Live capture on lo with libpcap, optionally in a private network namespace. */
#include "wire/capture.h"

#include "core/err.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct capture {
	pcap_t *p;
	pthread_t thread;
	void (*on_packet)(void *ctx, const struct pkt_raw *p);
	void *ctx;
	int linktype;
	uint64_t frame_no;
	atomic_bool stop;        /* the thread leaves at its next turn */
	atomic_bool probe_seen;  /* the settle probe came back through lo */
	char probe[48];          /* its payload: unique to this capture */
	size_t probe_len;
	long long settle_deadline_ms;
	pthread_mutex_t mu;      /* pcap_stats vs the reading thread */
};

/* "auto", "pcap", "netns", "tap". */
const char *capture_mode_name(enum capture_mode m)
{
	switch (m) {
	case CAPTURE_PCAP: return "pcap";
	case CAPTURE_NETNS: return "netns";
	case CAPTURE_TAP: return "tap";
	default: return "auto";
	}
}

/* Monotonic milliseconds. */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Can lo be opened for capture here? 0, or ERR_SYSTEM with libpcap's reason. */
static int lo_capturable(void)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create("lo", ebuf);
	int r;

	ENSURE(p, ERR_SYSTEM, "cannot capture on lo: %s", ebuf);
	pcap_set_snaplen(p, 128);
	r = pcap_activate(p);
	if (r < 0) {
		err_set(ERR_SYSTEM, "cannot capture on lo: %s (%s)", pcap_statustostr(r),
			pcap_geterr(p));
		pcap_close(p);
		return ERR_SYSTEM;
	}
	pcap_close(p);
	return 0;
}

/* Write a small /proc file (uid_map, gid_map, setgroups). */
static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	ENSURE(fd >= 0, ERR_SYSTEM, "open %s: %s", path, strerror(errno));
	n = write(fd, text, strlen(text));
	close(fd);
	ENSURE(n == (ssize_t)strlen(text), ERR_SYSTEM, "write %s: %s", path, strerror(errno));
	return 0;
}

/* Bring lo of the current network namespace up. */
static int lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	ENSURE(s >= 0, ERR_SYSTEM, "socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	ENSURE_GOTO(ioctl(s, SIOCGIFFLAGS, &ifr) == 0, ERR_SYSTEM, "SIOCGIFFLAGS lo: %s",
		    strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	ENSURE_GOTO(ioctl(s, SIOCSIFFLAGS, &ifr) == 0, ERR_SYSTEM, "SIOCSIFFLAGS lo up: %s",
		    strerror(errno));
out:
	close(s);
	return rc;
}

/* Enter a private user + network namespace as an unprivileged user. */
static int netns_enter_user(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	ENSURE(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0, ERR_SYSTEM,
	       "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s", strerror(errno));
	TRY(write_proc("/proc/self/setgroups", "deny"));
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	TRY(write_proc("/proc/self/uid_map", map));
	snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	TRY(write_proc("/proc/self/gid_map", map));
	return 0;
}

/* Move this process into a private network namespace with lo up. */
static int netns_enter(char *how, size_t howlen)
{
	if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0) {
		snprintf(how, howlen, "unshare(CLONE_NEWNET)");
	} else {
		TRY(netns_enter_user());
		snprintf(how, howlen, "unshare(CLONE_NEWUSER|CLONE_NEWNET)");
	}
	TRY(lo_up());
	return lo_capturable();
}

/* Decide and set up the capture source. */
int capture_prepare(enum capture_mode want, enum capture_mode *got, char *why, size_t whylen)
{
	char how[64] = "", nsfail[256] = "", pcapfail[256] = "";

	*got = want;
	switch (want) {
	case CAPTURE_TAP:
		snprintf(why, whylen, "tap: frames synthesized from the session's bytes (no capture)");
		return 0;
	case CAPTURE_PCAP:
		if (lo_capturable() < 0) {
			snprintf(pcapfail, sizeof pcapfail, "%s", err_msg());
			snprintf(why, whylen, "pcap: %s", pcapfail);
			return err_set(ERR_SYSTEM, "%s (run as root or with CAP_NET_RAW, or use "
				       "--capture netns or tap)", pcapfail);
		}
		snprintf(why, whylen, "pcap: libpcap on lo of the current network namespace");
		return 0;
	case CAPTURE_NETNS:
		if (netns_enter(how, sizeof how) < 0) {
			snprintf(nsfail, sizeof nsfail, "%s", err_msg());
			snprintf(why, whylen, "netns: %s", nsfail);
			return err_set(ERR_SYSTEM, "cannot use a private network namespace: %s "
				       "(user namespaces disabled? use --capture pcap or tap)",
				       nsfail);
		}
		snprintf(why, whylen, "netns: private network namespace (%s), lo up, libpcap on lo",
			 how);
		return 0;
	default:
		break;
	}
	/* AUTO: a private namespace first, so only tlsviz's own traffic is seen */
	if (netns_enter(how, sizeof how) == 0) {
		*got = CAPTURE_NETNS;
		snprintf(why, whylen, "netns: private network namespace (%s), lo up, libpcap on lo",
			 how);
		return 0;
	}
	snprintf(nsfail, sizeof nsfail, "%s", err_msg());
	if (lo_capturable() == 0) {
		*got = CAPTURE_PCAP;
		snprintf(why, whylen, "pcap: libpcap on lo (no private namespace: %s)", nsfail);
		return 0;
	}
	snprintf(pcapfail, sizeof pcapfail, "%s", err_msg());
	*got = CAPTURE_TAP;
	snprintf(why, whylen, "tap: frames synthesized from the session's bytes (netns: %s; "
		 "pcap: %s)", nsfail, pcapfail);
	err_clear();
	return 0;
}

/* Is this frame the settle probe? The filter lets through only UDP to
 * CAPTURE_PROBE_PORT besides the session's TCP; the payload must be ours
 * (in pcap mode another program may send there too). Bounded by caplen. */
static bool capture_is_probe(const struct capture *c, const struct pcap_pkthdr *h,
			     const u_char *bytes)
{
	return c->probe_len && h->caplen >= c->probe_len &&
	       memmem(bytes, h->caplen, c->probe, c->probe_len) != NULL;
}

/* libpcap callback: hand the frame out (the probe only marks the point). */
static void capture_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	struct pkt_raw r;

	if (capture_is_probe(c, h, bytes)) {
		atomic_store(&c->probe_seen, true);
		return;
	}

	r.frame = bytes;
	r.caplen = h->caplen;
	r.origlen = h->len < h->caplen ? h->caplen : h->len;
	r.ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	r.linktype = c->linktype;
	r.frame_no = ++c->frame_no;
	c->on_packet(c->ctx, &r);
}

/* The capture thread: read until told to stop. */
static void *capture_main(void *arg)
{
	struct capture *c = arg;
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(c->p), .events = POLLIN };

	while (!atomic_load(&c->stop)) {
		if (pfd.fd >= 0)
			poll(&pfd, 1, 20);
		pthread_mutex_lock(&c->mu);
		int n = pcap_dispatch(c->p, -1, capture_cb, (u_char *)c);
		pthread_mutex_unlock(&c->mu);
		if (n < 0 && n != PCAP_ERROR_BREAK)
			break;
		if (pfd.fd < 0 && n == 0)
			usleep(10000);
	}
	return NULL;
}

/* Open lo, filter on the port, start the thread. */
int capture_start(struct capture **out, uint16_t port,
		  void (*on_packet)(void *ctx, const struct pkt_raw *p), void *ctx)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "", filter[96];
	struct bpf_program prog;
	struct capture *c;
	int rc = 0, r;

	*out = NULL;
	c = calloc(1, sizeof *c);
	ENSURE(c, ERR_NOMEM, "no memory for a capture");
	pthread_mutex_init(&c->mu, NULL);
	c->on_packet = on_packet;
	c->ctx = ctx;
	c->p = pcap_create("lo", ebuf);
	ENSURE_GOTO(c->p, ERR_SYSTEM, "capture on lo: %s", ebuf);
	pcap_set_snaplen(c->p, CAPTURE_SNAPLEN);
	pcap_set_immediate_mode(c->p, 1);
	pcap_set_buffer_size(c->p, CAPTURE_BUFFER);
	pcap_set_timeout(c->p, 20);
	r = pcap_activate(c->p);
	ENSURE_GOTO(r >= 0, ERR_SYSTEM, "capture on lo: %s (%s)", pcap_statustostr(r),
		    pcap_geterr(c->p));
	snprintf(filter, sizeof filter, "tcp port %u or (udp dst port %u and dst host 127.0.0.1)",
		 port, CAPTURE_PROBE_PORT);
	ENSURE_GOTO(pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0, ERR_SYSTEM,
		    "capture filter '%s': %s", filter, pcap_geterr(c->p));
	r = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	ENSURE_GOTO(r == 0, ERR_SYSTEM, "capture filter '%s': %s", filter, pcap_geterr(c->p));
	ENSURE_GOTO(pcap_setnonblock(c->p, 1, ebuf) == 0, ERR_SYSTEM, "capture: %s", ebuf);
	c->linktype = pcap_datalink(c->p);
	snprintf(c->probe, sizeof c->probe, "tlsviz-settle-probe %ld %p", (long)getpid(), (void *)c);
	c->probe_len = strlen(c->probe);
	ENSURE_GOTO(pthread_create(&c->thread, NULL, capture_main, c) == 0, ERR_SYSTEM,
		    "capture thread: %s", strerror(errno));
	*out = c;
	return 0;
out:
	if (c->p)
		pcap_close(c->p);
	pthread_mutex_destroy(&c->mu);
	free(c);
	return rc;
}

/* Send the probe: one UDP datagram to 127.0.0.1, which lo hands to the
 * capture after every packet sent before it. */
int capture_settle_begin(struct capture *c, int deadline_ms)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(CAPTURE_PROBE_PORT) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ssize_t n;

	c->settle_deadline_ms = now_ms() + deadline_ms;
	ENSURE(s >= 0, ERR_SYSTEM, "probe socket: %s", strerror(errno));
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n = sendto(s, c->probe, c->probe_len, 0, (struct sockaddr *)&to, sizeof to);
	close(s);
	ENSURE(n == (ssize_t)c->probe_len, ERR_SYSTEM, "probe to 127.0.0.1:%u: %s",
	       CAPTURE_PROBE_PORT, n < 0 ? strerror(errno) : "short send");
	return 0;
}

int capture_settled(struct capture *c, bool *timed_out)
{
	*timed_out = false;
	if (atomic_load(&c->probe_seen))
		return 1;
	if (now_ms() < c->settle_deadline_ms)
		return 0;
	*timed_out = true;
	return 1;
}

/* Stop, join and free; the kernel's counters last. */
void capture_stop(struct capture *c, struct capture_counts *counts)
{
	if (counts)
		memset(counts, 0, sizeof *counts);
	if (!c)
		return;
	atomic_store(&c->stop, true);
	pthread_join(c->thread, NULL);
	if (counts) {
		struct pcap_stat st;

		if (pcap_stats(c->p, &st) == 0) {
			counts->received = st.ps_recv;
			counts->dropped = (uint64_t)st.ps_drop + st.ps_ifdrop;
			counts->valid = true;
		}
		counts->frames = c->frame_no;
	}
	pcap_close(c->p);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
