/* Scenario passes: the list of scenarios, forward secrecy (decoding again
 * with only a private key), the expected outcome of failure scenarios, and
 * serve's CA file. */
#include "engine/engine_int.h"

#include "core/err.h"
#include "engine/story.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct engine_scenario scenario_table[] = {
	{ .name = "tls13", .help = "a TLS 1.3 handshake (default)" },
	{ .name = "tls12", .help = "a TLS 1.2 handshake (ECDHE; DHE with a DHE --suite); also --tls 1.2" },
	{ .name = "hrr", .help = "the client's key share is refused: HelloRetryRequest" },
	{ .name = "resumption", .help = "a second connection resumes with the ticket (PSK): no certificate" },
	{ .name = "mtls", .help = "the server asks for and verifies a client certificate" },
	{ .name = "keyupdate", .help = "TLS 1.3 KeyUpdate: the next generation of traffic keys" },
	{ .name = "untrusted", .help = "the client does not trust the server's CA: alert" },
	{ .name = "impostor", .help = "a certificate for another host name: alert" },
	{ .name = "tamper", .help = "a ciphertext byte flipped in transit: bad_record_mac" },
	{ .name = "forward-secrecy", .help = "a stolen server key opens static RSA, not ECDHE" },
	{ .name = NULL },
};

/* The workshop scenarios, NULL-terminated. */
const struct engine_scenario *engine_scenarios(void)
{
	return scenario_table;
}

/* Is path a readable regular file? */
static bool engine_file_ok(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* Forward secrecy: find the shipped static-RSA capture and its key:
 * $TLSVIZ_CAPTURES, the build's TLSVIZ_DATA_DIR, or next to the binary
 * (../captures, ../share/tlsviz/captures). */
int engine_find_captures(struct engine *e)
{
	static const char *const rel[] = { "/../captures", "/../share/tlsviz/captures", "/captures" };
	char exe[1024], dir[1100];
	const char *env = getenv("TLSVIZ_CAPTURES");
	ssize_t n;

	if (env && *env) {
		snprintf(e->fs_capture, sizeof e->fs_capture, "%s/tls12-rsa-aes128gcm.pcapng", env);
		snprintf(e->fs_key, sizeof e->fs_key, "%s/rsa-server.key", env);
		ENSURE(engine_file_ok(e->fs_capture) && engine_file_ok(e->fs_key), ERR_IO,
		       "--scenario forward-secrecy: TLSVIZ_CAPTURES=%s holds no readable "
		       "tls12-rsa-aes128gcm.pcapng and rsa-server.key", env);
		return 0;
	}
#ifdef TLSVIZ_DATA_DIR
	snprintf(e->fs_capture, sizeof e->fs_capture, "%s/tls12-rsa-aes128gcm.pcapng", TLSVIZ_DATA_DIR);
	snprintf(e->fs_key, sizeof e->fs_key, "%s/rsa-server.key", TLSVIZ_DATA_DIR);
	if (engine_file_ok(e->fs_capture) && engine_file_ok(e->fs_key))
		return 0;
#endif
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(dir, sizeof dir, "%s%s", exe, rel[i]);
			snprintf(e->fs_capture, sizeof e->fs_capture, "%s/tls12-rsa-aes128gcm.pcapng", dir);
			snprintf(e->fs_key, sizeof e->fs_key, "%s/rsa-server.key", dir);
			if (engine_file_ok(e->fs_capture) && engine_file_ok(e->fs_key))
				return 0;
		}
	}
	return err_set(ERR_IO, "--scenario forward-secrecy: cannot find the static-RSA capture "
			       "tls12-rsa-aes128gcm.pcapng and rsa-server.key; set TLSVIZ_CAPTURES to the "
			       "directory holding them (tlsviz's captures/)");
}

/* Serve: write the CA certificate to a world-readable temp file for the
 * clients (it is public; only the key is secret). */
int engine_write_ca(struct engine *e)
{
	char pem[8192];
	int n, fd;
	const char *tmp = getenv("TMPDIR");

	TRY(n = session_ca_pem(e->sess, pem, sizeof pem));
	snprintf(e->ca_path, sizeof e->ca_path, "%s/tlsviz-ca-XXXXXX.pem", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemps(e->ca_path, 4);
	if (fd < 0) {
		e->ca_path[0] = 0;
		return err_set(ERR_IO, "serve: cannot create the CA file: %s", strerror(errno));
	}
	if (fchmod(fd, 0644) != 0 || write(fd, pem, (size_t)n) != n || close(fd) != 0) {
		unlink(e->ca_path);
		e->ca_path[0] = 0;
		return err_set(ERR_IO, "serve: cannot write the CA file");
	}
	return 0;
}

/* Begin pass n with its own key store: fresh reassembly, connection ids
 * continuing after the ones shown so far. */
static int engine_pass_begin(struct engine *e, int n, struct keystore *ks)
{
	struct reasm *rs = reasm_new(&engine_reasm_ops, e, 0);

	ENSURE(rs, ERR_NOMEM, "out of memory");
	reasm_free(e->rs);
	e->rs = rs;
	e->pass = n;
	e->conn_base = e->max_conn;
	e->pass_ks = ks;
	return 0;
}

/* What the connections of a forward-secrecy pass are (0: the live session). */
const char *engine_pass_label(int pass)
{
	switch (pass) {
	case 1: return "part A: static RSA capture, server key only";
	case 2: return "part B: this session, server key only";
	default: return NULL;
	}
}

/* The result line of a forward-secrecy part. */
static void engine_pass_note(struct engine *e, int n, const char *what)
{
	char line[400];

	snprintf(line, sizeof line,
		 "forward secrecy, part %c result: %llu of %llu encrypted records decrypted with only %s; "
		 "%llu application data records readable",
		 'A' + n - 1, (unsigned long long)e->pass_dec[n], (unsigned long long)e->pass_enc[n], what,
		 (unsigned long long)e->pass_app[n]);
	engine_note(e, "info", line);
}

/* Feed a pass its frames: part A reads the shipped capture. */
static int engine_fs_feed_file(struct engine *e, void *ctx)
{
	struct capfile *cf = NULL;
	struct pkt_raw r;
	int rc;

	(void)ctx;
	TRY(capfile_open(&cf, e->fs_capture, NULL, NULL)); /* its own key log (DSB) is ignored */
	while ((rc = capfile_next(cf, &r)) > 0)
		engine_frame(e, &r);
	if (rc < 0)
		engine_error_event(e, 0, rc);
	capfile_close(cf);
	return 0;
}

/* Part B reads the frames this session captured. */
static int engine_fs_feed_frames(struct engine *e, void *ctx)
{
	(void)ctx;
	for (size_t i = 0; i < e->nframes; i++) {
		struct pkt_raw r = {
			.frame = e->frames[i].bytes, .caplen = e->frames[i].caplen,
			.origlen = e->frames[i].origlen, .ts_us = e->frames[i].ts_us,
			.linktype = e->linktype, .frame_no = i + 1,
		};

		engine_frame(e, &r);
	}
	return 0;
}

/* Run pass n twice: once only counting its stages (so every stage event of
 * the real run knows its total), then for the view. */
static int engine_pass_run(struct engine *e, int n, struct keystore *ks, int (*feed)(struct engine *, void *))
{
	uint32_t base = e->max_conn;

	if (e->story) {
		TRY(engine_pass_begin(e, n, ks));
		e->pass_dry = true;
		story_set_dry(e->story, true);
		(void)feed(e, NULL);
		engine_input_end(e);
		story_keep_totals(e->story);
		story_set_dry(e->story, false);
		e->pass_dry = false;
		TRY(engine_pipeline_reset(e, base));
	}
	TRY(engine_pass_begin(e, n, ks));
	TRY(feed(e, NULL));
	engine_input_end(e);
	return 0;
}

/* Part A: the shipped static-RSA capture with only the server's key. */
static int engine_fs_part_a(struct engine *e)
{
	struct keystore *ks = keystore_new();

	ENSURE(ks, ERR_NOMEM, "out of memory");
	e->pass_keys[1] = ks;
	engine_note(e, "info",
		    "forward secrecy, part A: the thief has only the server's private key (rsa-server.key) and a "
		    "recording of an old static-RSA session (tls12-rsa-aes128gcm.pcapng, "
		    "TLS_RSA_WITH_AES_128_GCM_SHA256, no key log). The client encrypted the premaster secret to "
		    "that key, so the key opens everything: if a hacker could get hold of your private key, every "
		    "session ever recorded with it can be decrypted.");
	TRY(keystore_load_rsa_key(ks, e->fs_key));
	TRY(engine_pass_run(e, 1, ks, engine_fs_feed_file));
	engine_pass_note(e, 1, "the private key");
	return 0;
}

/* Part B: this session's capture again, with only its server's key. */
static int engine_fs_part_b(struct engine *e)
{
	struct keystore *ks = keystore_new();
	const uint8_t *der;
	size_t len;

	ENSURE(ks, ERR_NOMEM, "out of memory");
	e->pass_keys[2] = ks;
	engine_note(e, "info",
		    "forward secrecy, part B: the thief also steals this session's server private key (the RSA key "
		    "of its certificate) and decodes the capture just recorded with it, without a key log. This "
		    "session used ECDHE: the key only signed the ServerKeyExchange, the premaster secret came from "
		    "ephemeral keys that were thrown away, so nothing decrypts.");
	TRY(session_server_key(e->sess, &der, &len));
	TRY(keystore_load_rsa_key_mem(ks, der, len, "the live session's server key"));
	TRY(engine_pass_run(e, 2, ks, engine_fs_feed_frames));
	engine_pass_note(e, 2, "the server's private key");
	return 0;
}

/* Forward-secrecy scenario, after the live session: parts A and B. */
void engine_forward_secrecy(struct engine *e)
{
	e->fs_done = true;
	engine_input_end(e);
	if (e->story) /* the live connection's last stage is complete */
		story_flush(e->story);
	if (engine_fs_part_a(e) < 0)
		engine_error_event(e, 0, err_last());
	if (engine_fs_part_b(e) < 0)
		engine_error_event(e, 0, err_last());
}

/* Scenarios that demonstrate a failure succeed when the connection failed. */
void engine_scenario_result(struct engine *e)
{
	enum session_scenario sc = session_scenario(e->sess);
	char line[200];

	if (sc != SCEN_UNTRUSTED && sc != SCEN_IMPOSTOR && sc != SCEN_TAMPER)
		return;
	if (e->session_rc) {
		snprintf(line, sizeof line, "scenario %s: the connection failed, as it should (%s)",
			 session_scenario_name(sc), err_name(e->session_rc));
		engine_note(e, "info", line);
		e->session_rc = 0;
	} else {
		snprintf(line, sizeof line, "scenario %s: the connection should have failed and did not",
			 session_scenario_name(sc));
		engine_note(e, "warning", line);
		e->session_rc = ERR_STATE;
	}
}
