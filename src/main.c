/* tlsviz: command line. Subcommands and options live in tables, so --help and
 * the man page are generated from (and checked against) the same source. */
#include "calc/calc.h"
#include "core/err.h"
#include "engine/engine.h"
#include "engine/keylog_out.h"
#include "keys/keys.h"
#include "output/eve.h"
#include "output/filter.h"
#include "output/views.h"
#ifdef TLSVIZ_HAVE_UI
#include "tui.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Exit codes, documented in tlsviz(1). */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

enum cmd_id { CMD_LIVE = 1, CMD_REPLAY = 2, CMD_RECORD = 4, CMD_SERVE = 8, CMD_CALC = 16, CMD_REPORT = 32 };
#define CMD_LIVE_LIKE (CMD_LIVE | CMD_RECORD)
#define CMD_SERVER (CMD_LIVE | CMD_RECORD | CMD_SERVE) /* options of our server */
#define CMD_VIEWS (CMD_LIVE | CMD_REPLAY | CMD_SERVE)  /* commands that show events */

enum opt_id {
	OPT_HELP = 'h', OPT_VERSION = 'V', OPT_WRITE = 'w',
	OPT_BATCH = 256, OPT_JSON, OPT_TLS, OPT_SUITE, OPT_GROUP, OPT_CERT_TYPE,
	OPT_CERT, OPT_KEY, OPT_CA, OPT_PORT, OPT_PATH, OPT_BODY_BYTES, OPT_KEYLOG,
	OPT_CAPTURE, OPT_STEP, OPT_RSA_KEY, OPT_EXPORT, OPT_FORMAT, OPT_PACKETS,
	OPT_HEX, OPT_ASCII, OPT_NO_COLOR, OPT_HELP_KEYS, OPT_SCENARIO, OPT_COUNT, OPT_TIMEOUT, OPT_VIEW,
	OPT_LAYOUT, OPT_TIME, OPT_REPORT, OPT_CONNECTIONS, OPT_FILTER, OPT_FOLLOW, OPT_OUTPUT = 'o',
};

struct opt {
	const char *name;
	int id;
	const char *arg;   /* NULL: a flag */
	unsigned cmds;     /* where it applies (bitmask of cmd_id; 0 = everywhere) */
	const char *help;
};

/* Every option of every subcommand; tlsviz(1) documents each of these. */
/* --time's words, by enum time_mode. */
static const char *const time_modes[] = { [TIME_NONE] = "none", [TIME_REL] = "rel", [TIME_DELTA] = "delta",
					  [TIME_ABS] = "abs", NULL };

static const struct opt opts[] = {
	{ .name = "help", .id = OPT_HELP, .help = "show this help and exit" },
	{ .name = "version", .id = OPT_VERSION, .help = "show the version and exit" },
	{ .name = "help-keys", .id = OPT_HELP_KEYS, .help = "list the TUI's keys and exit" },
	{ .name = "batch", .id = OPT_BATCH, .cmds = CMD_VIEWS,
	  .help = "no TUI: print every stage, message and key, then exit" },
	{ .name = "json", .id = OPT_JSON, .cmds = CMD_VIEWS,
	  .help = "JSON Lines, one object per event, instead of the TUI (implies --batch; see tlsviz(1))" },
	{ .name = "packets", .id = OPT_PACKETS, .cmds = CMD_VIEWS,
	  .help = "with --batch text: one line per TCP packet too" },
	{ .name = "hex", .id = OPT_HEX, .cmds = CMD_VIEWS,
	  .help = "with --batch text: hex dump of every record as on the wire" },
	{ .name = "time", .id = OPT_TIME, .arg = "rel|abs|delta|none", .cmds = CMD_VIEWS,
	  .help = "times: since the first packet (rel, batch text's default), UTC (abs), since the previous item "
		  "(delta, TUI), none; TUI: t cycles" },
	{ .name = "view", .id = OPT_VIEW, .arg = "insider|eavesdropper", .cmds = CMD_VIEWS | CMD_REPORT,
	  .help = "insider (default: keys and plaintext) or eavesdropper (only what the wire shows); TUI: e toggles" },
	{ .name = "scenario", .id = OPT_SCENARIO, .arg = "NAME", .cmds = CMD_LIVE_LIKE,
	  .help = "workshop scenario: tls13 (default), tls12, hrr, resumption, mtls, keyupdate, untrusted, "
		  "impostor, tamper, forward-secrecy" },
	{ .name = "tls", .id = OPT_TLS, .arg = "1.3|1.2", .cmds = CMD_SERVER,
	  .help = "protocol version of the live session (default 1.3)" },
	{ .name = "suite", .id = OPT_SUITE, .arg = "NAME", .cmds = CMD_SERVER,
	  .help = "cipher suite, wolfSSL or IANA name (e.g. TLS13-AES256-GCM-SHA384)" },
	{ .name = "group", .id = OPT_GROUP, .arg = "NAME", .cmds = CMD_SERVER,
	  .help = "key exchange group: x25519 (default), secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072" },
	{ .name = "cert-type", .id = OPT_CERT_TYPE, .arg = "TYPE", .cmds = CMD_SERVER,
	  .help = "generated server identity: rsa2048 (default) or ecdsa-p256" },
	{ .name = "cert", .id = OPT_CERT, .arg = "FILE", .cmds = CMD_SERVER,
	  .help = "server certificate chain (PEM) instead of a generated one" },
	{ .name = "key", .id = OPT_KEY, .arg = "FILE", .cmds = CMD_SERVER,
	  .help = "server private key (PEM), with --cert" },
	{ .name = "ca", .id = OPT_CA, .arg = "FILE", .cmds = CMD_SERVER,
	  .help = "CA certificate (PEM) the client trusts, with --cert" },
	{ .name = "port", .id = OPT_PORT, .arg = "N", .cmds = CMD_SERVER,
	  .help = "server port on 127.0.0.1 (default: ephemeral; serve: 8443)" },
	{ .name = "count", .id = OPT_COUNT, .arg = "N", .cmds = CMD_SERVE,
	  .help = "connections to answer before exiting (default 1, at most 100)" },
	{ .name = "timeout", .id = OPT_TIMEOUT, .arg = "SECONDS", .cmds = CMD_SERVE,
	  .help = "wait at most this long for each client (default 60)" },
	{ .name = "path", .id = OPT_PATH, .arg = "PATH", .cmds = CMD_LIVE_LIKE,
	  .help = "request path of the GET (default /)" },
	{ .name = "body-bytes", .id = OPT_BODY_BYTES, .arg = "N", .cmds = CMD_LIVE_LIKE,
	  .help = "response body size in bytes (default: a small HTML page)" },
	{ .name = "keylog", .id = OPT_KEYLOG, .arg = "FILE", .cmds = CMD_LIVE | CMD_REPLAY | CMD_RECORD | CMD_SERVE | CMD_REPORT,
	  .help = "live, serve: write an NSS key log (0600); replay, report: read one" },
	{ .name = "capture", .id = OPT_CAPTURE, .arg = "MODE", .cmds = CMD_SERVER,
	  .help = "capture source: auto (default), pcap, netns or tap" },
	{ .name = "step", .id = OPT_STEP, .cmds = CMD_LIVE,
	  .help = "with --batch: wait for Enter on stdin before each flight" },
	{ .name = "connections", .id = OPT_CONNECTIONS, .cmds = CMD_REPLAY,
	  .help = "one row per connection: server name, ALPN, version, suite, bytes, time, JA4/JA4S, JA3/JA3S (implies --batch)" },
	{ .name = "follow", .id = OPT_FOLLOW, .arg = "N", .cmds = CMD_REPLAY,
	  .help = "connection N's decrypted data as a conversation (HTTP summarised; implies --batch)" },
	{ .name = "filter", .id = OPT_FILTER, .arg = "EXPR", .cmds = CMD_REPLAY,
	  .help = "with --connections: only the rows EXPR matches, e.g. 'sni contains example and version == 1.3'" },
	{ .name = "rsa-key", .id = OPT_RSA_KEY, .arg = "FILE", .cmds = CMD_REPLAY | CMD_REPORT,
	  .help = "server RSA private key (PEM or DER) to decrypt static-RSA sessions" },
	{ .name = "export-plaintext", .id = OPT_EXPORT, .arg = "DIR", .cmds = CMD_REPLAY,
	  .help = "write each connection's decrypted streams to DIR/conn<N>-<dir>.bin" },
	{ .name = "write", .id = OPT_WRITE, .arg = "FILE", .cmds = CMD_LIVE_LIKE,
	  .help = "capture file to write (record: required; live: with --batch, the session just shown)" },
	{ .name = "format", .id = OPT_FORMAT, .arg = "FMT", .cmds = CMD_LIVE_LIKE,
	  .help = "pcapng (default; keys in a Decryption Secrets Block) or pcap (+ FILE.keys)" },
	{ .name = "output", .id = OPT_OUTPUT, .arg = "FILE", .cmds = CMD_REPORT,
	  .help = "the HTML page to write (0600: an insider report holds keys)" },
	{ .name = "report", .id = OPT_REPORT, .arg = "FILE", .cmds = CMD_LIVE,
	  .help = "also write the session as a self-contained HTML page (as tlsviz report does)" },
	{ .name = "ascii", .id = OPT_ASCII, .cmds = CMD_VIEWS,
	  .help = "TUI: ASCII line drawing" },
	{ .name = "no-color", .id = OPT_NO_COLOR, .cmds = CMD_VIEWS,
	  .help = "TUI: no colours (also when NO_COLOR is set)" },
	{ .name = "layout", .id = OPT_LAYOUT, .arg = "full|presenter|bytes", .cmds = CMD_VIEWS,
	  .help = "TUI: the pane layout to start with (v cycles; the last one chosen is kept)" },
	{ 0 },
};

struct args;
struct cmd {
	const char *name;
	enum cmd_id id;
	const char *usage;
	const char *help;
	int (*run)(struct args *a);
};

struct args {
	const struct cmd *cmd;
	struct engine_opts eo;
	bool batch, json, step, packets, hex, ascii, no_color, eavesdropper, connections;
	int layout; /* --layout, or -1 */
	int time;   /* --time: an enum time_mode, or -1 */
	unsigned follow; /* --follow N, or 0 */
	const char *write, *format, *keylog, *output, *report;
	struct filter *filter; /* --filter, compiled */
};

static int cmd_live(struct args *a);
static int cmd_replay(struct args *a);
static int cmd_record(struct args *a);
static int cmd_serve(struct args *a);
static int cmd_report(struct args *a);

/* Subcommands; the first is the default. */
static const struct cmd cmds[] = {
	{ .name = "live", .id = CMD_LIVE, .usage = "[options]", .run = cmd_live,
	  .help = "run a wolfSSL client and server on 127.0.0.1 and visualize their handshake" },
	{ .name = "replay", .id = CMD_REPLAY, .usage = "FILE [options]", .run = cmd_replay,
	  .help = "decode a saved pcap/pcapng capture (keys from --keylog, --rsa-key or the file)" },
	{ .name = "record", .id = CMD_RECORD, .usage = "-w FILE [options]", .run = cmd_record,
	  .help = "run the live session headless and write the capture with its keys" },
	{ .name = "serve", .id = CMD_SERVE, .usage = "[--port N]", .run = cmd_serve,
	  .help = "the wolfSSL server alone on 127.0.0.1, for curl, openssl s_client or a browser" },
	{ .name = "report", .id = CMD_REPORT, .usage = "FILE -o OUT.html", .run = cmd_report,
	  .help = "a capture as one HTML page: diagram, annotated bytes, the story, the key schedule" },
	/* calc has its own operations and options (src/calc): main hands it argv */
	{ .name = "calc", .id = CMD_CALC, .usage = "OP ARGS...",
	  .help = "recompute one key, secret or record from hex inputs (tlsviz calc --help)" },
	{ 0 },
};

static const char *prog = "tlsviz";

/* Print one clear error line and return the usage exit code. */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

/* --help, generated from the tables. */
static void print_help(FILE *out)
{
	fprintf(out, "Usage: %s [COMMAND] [options]\n\n", prog);
	fputs("An interactive terminal TLS handshake visualizer: a real wolfSSL client and server,\n"
	      "the bytes an eavesdropper captures, the decoded handshake and every key.\n\nCommands:\n",
	      out);
	for (const struct cmd *c = cmds; c->name; c++)
		fprintf(out, "  %-7s %-18s %s\n", c->name, c->usage, c->help);
	fputs("\nOptions:\n", out);
	for (const struct opt *o = opts; o->name; o++) {
		char left[48];
		char where[64] = "";

		snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		if (o->cmds) {
			strcat(where, " [");
			for (const struct cmd *c = cmds; c->name; c++)
				if (o->cmds & c->id) {
					if (where[2])
						strcat(where, ",");
					strcat(where, c->name);
				}
			strcat(where, "]");
		}
		if (o->id < 256) { /* has a short form: "-w, --write FILE" */
			char both[64];

			snprintf(both, sizeof both, "-%c, %s", o->id, left);
			fprintf(out, "  %-30s %s%s\n", both, o->help, where);
		} else {
			fprintf(out, "      %-26s %s%s\n", left, o->help, where);
		}
	}
	fputs("\nScenarios (--scenario NAME):\n", out);
	for (const struct engine_scenario *s = engine_scenarios(); s->name; s++)
		fprintf(out, "  %-16s %s\n", s->name, s->help);
	fputs("\nThe live pair is Debian's wolfSSL 5.5.4: no ML-KEM (post-quantum hybrids such as\n"
	      "X25519MLKEM768), ECH, certificate compression or 0-RTT. To see those, replay a capture\n"
	      "made by a stack that has them, e.g. captures/tls13-x25519mlkem768.pcapng with its .keys.\n",
	      out);
	fputs("\nWith no command, tlsviz opens the TUI on a live TLS 1.3 session.\n"
	      "Exit status: 0 success, 1 the session failed, output failed midway or the capture is\n"
	      "damaged (all that can be read is shown), 2 bad usage or an unusable file (input, key\n"
	      "or output path).\n"
	      "See tlsviz(1) for the JSON Lines schema and the TUI keys.\n",
	      out);
}

/* --help-keys: the TUI's key table, the same one its '?' overlay shows. */
static int print_keys(FILE *out)
{
#ifdef TLSVIZ_HAVE_UI
	for (const struct tui_key *k = tui_keys(); k->name; k++)
		if (k->help)
			fprintf(out, "  %-16s %s\n", k->name, k->help);
	return EXIT_OK;
#else
	(void)out;
	fprintf(stderr, "%s: this build has no TUI\n", prog);
	return EXIT_USAGE;
#endif
}

/* Parse a decimal in [lo, hi]. */
static int parse_num(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* Apply one parsed option. */
static int apply_opt(struct args *a, const struct opt *o, const char *val)
{
	unsigned long n;

	if (o->cmds && !(o->cmds & a->cmd->id)) {
		fprintf(stderr, "%s: option --%s does not apply to '%s'\nTry '%s --help'.\n", prog,
			o->name, a->cmd->name, prog);
		return EXIT_USAGE;
	}
	switch (o->id) {
	case OPT_BATCH: a->batch = true; break;
	case OPT_JSON: a->json = a->batch = true; break; /* JSON Lines are a batch output */
	case OPT_PACKETS: a->packets = true; break;
	case OPT_TIME:
		for (a->time = 0; time_modes[a->time] && strcmp(time_modes[a->time], val); a->time++)
			;
		if (!time_modes[a->time])
			return usage_error("--time: '%s' is not rel, abs, delta or none", val);
		break;
	case OPT_CONNECTIONS: a->connections = a->batch = true; break;
	case OPT_FOLLOW:
		if (parse_num(val, 1, UINT32_MAX, &n))
			return usage_error("--follow: '%s' is not a connection number (1, 2, ... as --connections lists them)", val);
		a->follow = (unsigned)n;
		a->batch = true;
		break;
	case OPT_FILTER: {
		size_t col;

		filter_free(a->filter);
		if (filter_compile(val, &a->filter, &col) < 0)
			return usage_error("--filter: %s\n  %s\n  %*s^", err_msg(), val, (int)(col ? col - 1 : 0), "");
		break;
	}
	case OPT_HEX: a->hex = true; break;
	case OPT_VIEW:
		if (strcmp(val, "insider") && strcmp(val, "eavesdropper"))
			return usage_error("--view: '%s' is not insider or eavesdropper", val);
		a->eavesdropper = !strcmp(val, "eavesdropper");
		break;
	case OPT_STEP: a->step = true; break;
	case OPT_ASCII: a->ascii = true; break;
	case OPT_NO_COLOR: a->no_color = true; break;
	case OPT_LAYOUT:
#ifdef TLSVIZ_HAVE_UI
		a->layout = tui_layout_by_name(val);
		if (a->layout < 0)
			return usage_error("--layout: '%s' is not one of %s", val, tui_layout_names());
#else
		return usage_error("--layout: this build has no TUI");
#endif
		break;
	case OPT_TLS:
		if (!strcmp(val, "1.3"))
			a->eo.tls_version = 0x0304;
		else if (!strcmp(val, "1.2"))
			a->eo.tls_version = 0x0303;
		else
			return usage_error("--tls: '%s' is not a supported version (1.3 or 1.2)", val);
		break;
	case OPT_SUITE: a->eo.suite = val; break;
	case OPT_GROUP: a->eo.group = val; break;
	case OPT_CERT_TYPE:
		if (strcmp(val, "rsa2048") && strcmp(val, "ecdsa-p256"))
			return usage_error("--cert-type: '%s' is not rsa2048 or ecdsa-p256", val);
		a->eo.cert_type = val;
		break;
	case OPT_CERT: a->eo.cert_file = val; break;
	case OPT_KEY: a->eo.key_file = val; break;
	case OPT_CA: a->eo.ca_file = val; break;
	case OPT_PORT:
		if (parse_num(val, 1, 65535, &n))
			return usage_error("--port: '%s' is not a port number (1-65535)", val);
		a->eo.port = (uint16_t)n;
		break;
	case OPT_PATH:
		if (val[0] != '/' || strpbrk(val, " \r\n"))
			return usage_error("--path: '%s' must start with / and hold no spaces", val);
		a->eo.path = val;
		break;
	case OPT_BODY_BYTES:
		if (parse_num(val, 0, 1UL << 30, &n))
			return usage_error("--body-bytes: '%s' is not a size from 0 to 1073741824", val);
		a->eo.body_bytes = n;
		break;
	case OPT_KEYLOG: a->keylog = val; break;
	case OPT_CAPTURE:
		if (!strcmp(val, "auto"))
			a->eo.capture = ENGINE_CAPTURE_AUTO;
		else if (!strcmp(val, "pcap"))
			a->eo.capture = ENGINE_CAPTURE_PCAP;
		else if (!strcmp(val, "netns"))
			a->eo.capture = ENGINE_CAPTURE_NETNS;
		else if (!strcmp(val, "tap"))
			a->eo.capture = ENGINE_CAPTURE_TAP;
		else
			return usage_error("--capture: '%s' is not auto, pcap, netns or tap", val);
		break;
	case OPT_SCENARIO: {
		const struct engine_scenario *s = engine_scenarios();
		char list[256] = "";

		while (s->name && strcmp(s->name, val))
			s++;
		if (!s->name) {
			for (s = engine_scenarios(); s->name; s++)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 s == engine_scenarios() ? "" : ", ", s->name);
			return usage_error("--scenario: unknown scenario '%s' (one of: %s)", val, list);
		}
		a->eo.scenario = val;
		break;
	}
	case OPT_COUNT:
		if (parse_num(val, 1, 100, &n))
			return usage_error("--count: '%s' is not a number from 1 to 100", val);
		a->eo.serve_count = (unsigned)n;
		break;
	case OPT_TIMEOUT:
		if (parse_num(val, 1, 3600, &n))
			return usage_error("--timeout: '%s' is not a number of seconds from 1 to 3600", val);
		a->eo.serve_timeout_ms = (int)n * 1000;
		break;
	case OPT_RSA_KEY: a->eo.rsa_key = val; break;
	case OPT_EXPORT: a->eo.export_dir = val; break;
	case OPT_WRITE: a->write = val; break;
	case OPT_OUTPUT: a->output = val; break;
	case OPT_REPORT: a->report = val; break;
	case OPT_FORMAT:
		if (strcmp(val, "pcapng") && strcmp(val, "pcap"))
			return usage_error("--format: '%s' is not pcapng or pcap", val);
		a->format = val;
		break;
	default:
		break;
	}
	return 0;
}

/* Build getopt_long's table from ours and parse argv (after the command). */
static int parse_args(int argc, char **argv, struct args *a, int *first_free)
{
	struct option lo[sizeof opts / sizeof opts[0]];
	char shorts[16] = ":";
	int n = 0, c, idx;

	for (const struct opt *o = opts; o->name; o++, n++) {
		lo[n] = (struct option){ o->name, o->arg ? required_argument : no_argument, NULL, o->id };
		if (o->id < 256) {
			size_t l = strlen(shorts);

			shorts[l] = (char)o->id;
			shorts[l + 1] = o->arg ? ':' : '\0';
			shorts[l + 2] = '\0';
		}
	}
	lo[n] = (struct option){ 0 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		if (c == '?')
			return usage_error("unknown option '%s'", argv[optind - 1]);
		if (c == ':')
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		if (c == OPT_HELP) {
			print_help(stdout);
			exit(EXIT_OK);
		}
		if (c == OPT_HELP_KEYS)
			exit(print_keys(stdout));
		if (c == OPT_VERSION) {
			printf("tlsviz %s\nrecord decryption: %s, %s\n", TLSVIZ_VERSION, protect_backend_name(),
			       protect_backend_fast() ? "AES in hardware" : "AES in software");
			exit(EXIT_OK);
		}
		for (const struct opt *o = opts; o->name; o++)
			if (o->id == c) {
				int rc = apply_opt(a, o, optarg);

				if (rc)
					return rc;
			}
	}
	*first_free = optind;
	return 0;
}

/* Print the engine's last error as one line and map it to an exit code. */
static int engine_error(const char *what)
{
	int code = err_last();

	fprintf(stderr, "%s: %s%s%s\n", prog, what ? what : "", what ? ": " : "",
		err_msg()[0] ? err_msg() : "failed");
	return err_exit_status(code);
}

/* Wait for Enter on stdin (batch --step); false on EOF. */
static bool wait_enter(const struct ev_stage *st)
{
	char line[64];

	fprintf(stderr, "[held] stage %u%s%s - press Enter to send it\n", st->number, st->title ? ": " : "",
		st->title ? st->title : "");
	return fgets(line, sizeof line, stdin) != NULL;
}

/* Run an engine headless until done, printing through the view. */
static int run_headless(struct args *a, struct sink *view)
{
	struct engine *e = NULL;
	struct engine_status st;
	int rc;

	a->eo.step = a->step;
	a->eo.no_readback = true; /* only the TUI reads a record again */
	if (engine_open(&e, &a->eo, view) < 0)
		return engine_error(NULL);
	if (engine_start(e) < 0) {
		rc = engine_error(NULL);
		engine_close(e);
		return rc;
	}
	if (a->eo.serve) {
		engine_status(e, &st);
		fprintf(stderr, "%s: serving on 127.0.0.1:%u; trust this CA: curl --cacert %s https://localhost:%u/\n",
			prog, st.port, st.ca_file, st.port);
	}
	for (;;) {
		struct pollfd pfd = { .fd = engine_fd(e), .events = POLLIN };
		struct ev_stage held;

		rc = engine_poll(e, 4096);
		if (rc <= 0)
			break;
		if (a->step && engine_pending(e, &held) == 1) {
			if (!wait_enter(&held))
				engine_release_all(e);
			else
				engine_release(e);
			continue;
		}
		poll(&pfd, 1, 50);
	}
	if (rc < 0) {
		rc = engine_error(NULL);
		engine_close(e);
		return rc;
	}
	engine_status(e, &st);
	rc = st.result == 0 ? EXIT_OK : EXIT_FAILED;
	if (a->write) {
		int s = engine_save_format(e, a->write, a->format && !strcmp(a->format, "pcap"));

		if (s < 0)
			rc = engine_error("writing the capture");
		else
			fprintf(stderr, "%s: wrote %s\n", prog, a->write);
	}
	engine_close(e);
	return rc;
}

/* With --view eavesdropper: the projection make_view returned, and the
 * view behind it. */
static struct sink *eve_view, *inner_view;

/* Make the headless view the flags ask for (through the eavesdropper
 * projection with --view eavesdropper). */
static struct sink *make_view(struct args *a)
{
	struct view_opts vo = { .packets = a->packets, .hex = a->hex,
				.time = a->time < 0 ? TIME_REL : a->time == TIME_DELTA ? TIME_REL : (enum time_mode)a->time };
	struct sink *v = a->follow	  ? view_follow_new(stdout, a->follow, a->json)
		       : a->connections ? view_conns_new(stdout, a->json, a->filter)
		       : a->json	? view_json_new(stdout)
					: view_text_new(stdout, &vo);
	struct sink *eve;

	if (!v || !a->eavesdropper)
		return v;
	eve = eve_sink_new(v);
	if (!eve) {
		view_close(v);
		return NULL;
	}
	inner_view = v;
	eve_view = eve;
	return eve;
}

/* Finish a headless command: close the view, fold its status into rc. */
static int finish_view(struct sink *view, int rc)
{
	if (view && view == eve_view) {
		eve_sink_free(view);
		view = inner_view;
		eve_view = inner_view = NULL;
	}
	if (view_close(view) < 0 && rc == EXIT_OK) {
		fprintf(stderr, "%s: %s\n", prog, err_msg());
		return EXIT_FAILED;
	}
	return rc;
}

/* An HTML report sink writing path (through the eavesdropper projection
 * with --view eavesdropper); *inner gets the page view itself. */
static struct sink *make_report(struct args *a, const char *path, const char *title, struct sink **inner)
{
	struct html_opts ho = { .title = title, .eavesdropper = a->eavesdropper };
	struct sink *h = view_html_new(path, &ho), *eve;

	*inner = h;
	if (!h || !a->eavesdropper)
		return h;
	eve = eve_sink_new(h);
	if (!eve)
		view_close(h);
	return eve;
}

/* Write the report (at close) and fold its status into rc; no page when the
 * input could not be used at all (rc 2). */
static int finish_report(struct sink *top, struct sink *inner, const char *path, int rc)
{
	if (top != inner)
		eve_sink_free(top);
	if (rc == EXIT_USAGE) {
		view_html_cancel(inner);
		view_close(inner);
		return rc;
	}
	if (view_close(inner) < 0) {
		fprintf(stderr, "%s: %s\n", prog, err_msg());
		return rc == EXIT_OK ? EXIT_FAILED : rc;
	}
	fprintf(stderr, "%s: wrote %s\n", prog, path);
	return rc;
}

static int run_tui(struct args *a)
{
#ifdef TLSVIZ_HAVE_UI
	struct tui_opts to = { .engine = a->eo, .ascii = a->ascii, .no_color = a->no_color,
			       .eavesdropper = a->eavesdropper, .layout = a->layout,
			       .time = a->time };

	to.engine.step = true;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: the TUI needs a terminal; use --batch for text or --json\n", prog);
		return EXIT_USAGE;
	}
	return tui_run(&to);
#else
	(void)a;
	fprintf(stderr, "%s: this build has no TUI; use --batch\n", prog);
	return EXIT_USAGE;
#endif
}

static int cmd_live(struct args *a)
{
	struct sink *view, *rep = NULL, *rep_inner = NULL;
	struct sink_tee tee;
	int rc;

	a->eo.mode = ENGINE_LIVE;
	a->eo.keylog_out = a->keylog;
	if (a->write && !a->batch)
		return usage_error("live: -w needs --batch (in the TUI, s saves the capture)");
	if (a->write && output_path_check(a->write, "-w") < 0)
		return engine_error(NULL);
	if (a->report && output_path_check(a->report, "--report") < 0)
		return engine_error(NULL);
	if (!a->batch && !a->report)
		return run_tui(a);
	if (a->report) {
		rep = make_report(a, a->report, "live session", &rep_inner);
		if (!rep)
			return engine_error("report");
	}
	if (!a->batch) { /* --report alone: the session runs headless, as record does */
		a->step = false;
		return finish_report(rep, rep_inner, a->report, run_headless(a, rep));
	}
	view = make_view(a);
	if (!view) {
		rc = engine_error("output");
		return rep ? finish_report(rep, rep_inner, a->report, rc) : rc;
	}
	sink_tee_init(&tee);
	if (sink_tee_add(&tee, view) < 0 || (rep && sink_tee_add(&tee, rep) < 0))
		rc = engine_error("output");
	else
		rc = run_headless(a, &tee.base);
	rc = finish_view(view, rc);
	return rep ? finish_report(rep, rep_inner, a->report, rc) : rc;
}

static int cmd_report(struct args *a)
{
	struct sink *rep, *inner;
	const char *base;

	a->eo.mode = ENGINE_REPLAY;
	a->eo.keylog_in = a->keylog;
	if (!a->eo.file)
		return usage_error("report needs a capture FILE");
	if (!a->output)
		return usage_error("report needs -o OUT.html");
	if (output_path_check(a->output, "-o") < 0)
		return engine_error(NULL);
	a->eo.read_ahead = true; /* each stage's total is known when the page is written */
	base = strrchr(a->eo.file, '/');
	rep = make_report(a, a->output, base ? base + 1 : a->eo.file, &inner);
	if (!rep)
		return engine_error("report");
	return finish_report(rep, inner, a->output, run_headless(a, rep));
}

static int cmd_replay(struct args *a)
{
	struct sink *view;

	a->eo.mode = ENGINE_REPLAY;
	a->eo.keylog_in = a->keylog;
	if (!a->eo.file)
		return usage_error("replay needs a capture FILE");
	if (a->filter && !a->connections)
		return usage_error("--filter needs --connections (in the TUI, f in the connection table)");
	if (a->follow && a->connections)
		return usage_error("--follow and --connections: one or the other");
	if (!a->batch && !a->eo.export_dir)
		return run_tui(a);
	view = a->batch ? make_view(a) : NULL;
	if (a->batch && !view)
		return engine_error("output");
	/* stage events carry their connection's final total: count first */
	a->eo.read_ahead = a->batch;
	a->eo.no_story = !a->batch;
	{
		struct sink_tee tee;
		struct sink *exp = NULL;
		int rc;

		sink_tee_init(&tee);
		if (view && sink_tee_add(&tee, view) < 0)
			return finish_view(view, engine_error("output"));
		if (a->eo.export_dir) {
			exp = view_export_new(a->eo.export_dir);
			if (!exp) {
				rc = engine_error(NULL);
				return view ? finish_view(view, rc) : rc;
			}
			if (sink_tee_add(&tee, exp) < 0) {
				rc = finish_view(exp, engine_error("export"));
				return view ? finish_view(view, rc) : rc;
			}
		}
		rc = run_headless(a, &tee.base);
		if (exp)
			rc = finish_view(exp, rc);
		return view ? finish_view(view, rc) : rc;
	}
}

static int cmd_record(struct args *a)
{
	if (!a->write)
		return usage_error("record needs -w FILE");
	if (output_path_check(a->write, "-w") < 0)
		return engine_error(NULL);
	a->eo.mode = ENGINE_LIVE;
	a->eo.keylog_out = a->keylog;
	a->step = false;
	return run_headless(a, NULL);
}

static int cmd_serve(struct args *a)
{
	struct sink *view;

	a->eo.mode = ENGINE_LIVE;
	a->eo.serve = true;
	a->eo.keylog_out = a->keylog;
	if (!a->eo.port)
		a->eo.port = 8443;
	if (!a->eo.serve_timeout_ms)
		a->eo.serve_timeout_ms = 60000;
	if (!a->batch)
		return run_tui(a);
	view = make_view(a);
	if (!view)
		return engine_error("output");
	return finish_view(view, run_headless(a, view));
}

int main(int argc, char **argv)
{
	struct args a = { .layout = -1, .time = -1 };
	int first = 1, rc;

	a.cmd = &cmds[0];
	if (argc > 1 && argv[1][0] != '-') {
		const struct cmd *c;

		for (c = cmds; c->name; c++)
			if (!strcmp(c->name, argv[1]))
				break;
		if (!c->name)
			return usage_error("unknown command '%s'", argv[1]);
		a.cmd = c;
		first = 2;
		if (c->id == CMD_CALC)
			return calc_main(argc - 1, argv + 1, stdout, stderr);
	}
	/* getopt_long sees the command's arguments only (argv[0] kept for messages). */
	{
		int cargc = argc - (first - 1);
		char **cargv = argv + (first - 1);

		cargv[0] = argv[0];
		rc = parse_args(cargc, cargv, &a, &first);
		if (rc == 0 && (a.cmd->id == CMD_REPLAY || a.cmd->id == CMD_REPORT) && first < cargc)
			a.eo.file = cargv[first++];
		if (rc == 0 && first < cargc)
			rc = usage_error("unexpected argument '%s'", cargv[first]);
	}
	if (rc == 0)
		rc = a.cmd->run(&a);
	filter_free(a.filter); /* the one thing parse_args allocates */
	return rc;
}
