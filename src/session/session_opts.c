/* Option checking for the live session: version, suite, group, certificate
 * type and files. Every combination that cannot work is refused here, before
 * any key is made, with one message that names the offending option. */
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "session/session_int.h"

struct group_name {
	const char *name;
	const char *alias;
	int id;
	enum group_kind kind;
};

static const struct group_name groups[] = {
	{ "x25519", "curve25519", WOLFSSL_ECC_X25519, GRP_X25519 },
	{ "secp256r1", "p-256", WOLFSSL_ECC_SECP256R1, GRP_ECC },
	{ "secp384r1", "p-384", WOLFSSL_ECC_SECP384R1, GRP_ECC },
	{ "secp521r1", "p-521", WOLFSSL_ECC_SECP521R1, GRP_ECC },
	{ "ffdhe2048", NULL, WOLFSSL_FFDHE_2048, GRP_FFDHE },
	{ "ffdhe3072", NULL, WOLFSSL_FFDHE_3072, GRP_FFDHE },
};

/* Is name in wolfSSL's colon-separated list of offered suites? */
static bool suite_offered(const char *name)
{
	char list[8192];
	const char *p = list;
	size_t n = strlen(name);

	if (wolfSSL_get_ciphers(list, (int)sizeof list) != WOLFSSL_SUCCESS)
		return false;
	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ':' || p[n] == 0))
			return true;
		p = strchr(p, ':');
		if (p)
			p++;
	}
	return false;
}

/* Find a suite by wolfSSL or IANA name (case-insensitive) among the ids
 * wolfSSL knows; fills the wolfSSL and IANA names. */
static int suite_lookup(const char *want, char *wolf, size_t wlen, char *iana, size_t ilen)
{
	static const uint8_t first[] = { 0x00, 0x13, 0xC0, 0xCC };

	for (size_t i = 0; i < sizeof first; i++) {
		for (int b = 0; b < 256; b++) {
			const char *w = wolfSSL_get_cipher_name_from_suite(first[i], (uint8_t)b);
			const char *a = wolfSSL_get_cipher_name_iana_from_suite(first[i], (uint8_t)b);

			if (!w || !a || !strcmp(w, "None"))
				continue;
			if (strcasecmp(want, w) && strcasecmp(want, a))
				continue;
			snprintf(wolf, wlen, "%s", w);
			snprintf(iana, ilen, "%s", a);
			return 0;
		}
	}
	return ERR_USAGE;
}

/* Key type of a PEM private key file from its armour; 0 when not told. */
static int pem_key_kind(const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	int kind = 0;

	if (!f)
		return 0;
	while (fgets(buf, sizeof buf, f)) {
		if (strstr(buf, "BEGIN EC PRIVATE KEY"))
			kind = CERT_ECDSA_P256;
		else if (strstr(buf, "BEGIN RSA PRIVATE KEY"))
			kind = CERT_RSA2048;
		if (kind)
			break;
	}
	fclose(f);
	return kind;
}

/* A file the user named must be readable now, not fail deep in wolfSSL. */
static int check_readable(const char *what, const char *path)
{
	FILE *f = fopen(path, "r");

	ENSURE(f, ERR_IO, "cannot read %s file %s: %s", what, path, strerror(errno));
	fclose(f);
	return 0;
}

int sess_opts_check(struct session *s, const struct session_opts *o)
{
	const char *group = o->group;
	const char *suite = o->suite;
	int nfiles = !!o->cert_file + !!o->key_file + !!o->ca_file;
	bool dhe;

	/* scenario: it fixes the version where it depends on one */
	if (o->scenario) {
		int sc = session_scenario_find(o->scenario);

		ENSURE(sc >= 0, ERR_USAGE, "--scenario: unknown scenario '%s' (one of: %s)", o->scenario,
		       session_scenario_list());
		s->scen = (enum session_scenario)sc;
	}
	ENSURE(!(o->serve && s->scen != SCEN_TLS13), ERR_USAGE, "--scenario does not apply to serve");
	/* --tls 1.2 without a scenario is the tls12 scenario (its name on the status line) */
	if (!o->scenario && !o->serve && o->tls_version == 0x0303)
		s->scen = SCEN_TLS12;
	s->version = o->tls_version ? o->tls_version : 0x0304;
	if (s->scen == SCEN_TLS12 || s->scen == SCEN_FORWARD_SECRECY) {
		ENSURE(o->tls_version != 0x0304, ERR_USAGE, "--scenario %s is TLS 1.2; --tls 1.3 contradicts it "
		       "(drop --tls 1.3)", session_scenario_name(s->scen));
		s->version = 0x0303;
	}
	/* its groups are the scenario: the client's only share secp256r1, the server x25519 alone */
	ENSURE(s->scen != SCEN_HRR || !o->group || !strcasecmp(o->group, "x25519"), ERR_USAGE,
	       "--scenario hrr sets the groups itself (the client's only key share is secp256r1, the "
	       "server accepts only x25519); --group %s contradicts it (drop --group)", o->group);
	if (s->scen == SCEN_HRR || s->scen == SCEN_RESUMPTION || s->scen == SCEN_KEYUPDATE)
		ENSURE(s->version == 0x0304, ERR_USAGE, "--scenario %s needs TLS 1.3 (drop --tls 1.2)",
		       session_scenario_name(s->scen));
	if (s->scen >= SCEN_MTLS && s->scen != SCEN_KEYUPDATE && s->scen != SCEN_TAMPER)
		ENSURE(nfiles == 0, ERR_USAGE, "--scenario %s makes its own certificates: drop --cert/--key/--ca",
		       session_scenario_name(s->scen));
	if (s->scen == SCEN_FORWARD_SECRECY)
		ENSURE(!o->cert_type || !strcasecmp(o->cert_type, "rsa2048") || !strcasecmp(o->cert_type, "rsa"),
		       ERR_USAGE, "--scenario forward-secrecy needs an RSA server key (--cert-type rsa2048)");
	s->serve = o->serve;
	s->nconns = s->scen == SCEN_RESUMPTION ? 2 : 1;
	if (o->serve) {
		s->nconns = o->serve_count ? o->serve_count : 1;
		ENSURE(s->nconns <= 100, ERR_USAGE, "--count: at most 100 connections");
	}
	s->accept_timeout_ms = o->serve && o->serve_timeout_ms > 0 ? o->serve_timeout_ms : SESS_IO_TIMEOUT_MS;

	/* version */
	ENSURE(s->version == 0x0304 || s->version == 0x0303, ERR_USAGE,
	       "--tls: version 0x%04x is not supported (use 1.3 or 1.2)", s->version);

	/* certificates */
	ENSURE(nfiles == 0 || nfiles == 3, ERR_USAGE,
	       "--cert, --key and --ca must be given together (got %d of 3)", nfiles);
	s->user_files = nfiles == 3;
	if (o->cert_type) {
		if (!strcasecmp(o->cert_type, "rsa2048") || !strcasecmp(o->cert_type, "rsa"))
			s->cert_kind = CERT_RSA2048;
		else if (!strcasecmp(o->cert_type, "ecdsa-p256") || !strcasecmp(o->cert_type, "ecdsa"))
			s->cert_kind = CERT_ECDSA_P256;
		else
			return err_set(ERR_USAGE, "--cert-type: unknown type '%s' (use rsa2048 or ecdsa-p256)",
				       o->cert_type);
	} else {
		s->cert_kind = CERT_RSA2048;
	}
	if (s->user_files) {
		int k;

		TRY(check_readable("certificate", o->cert_file));
		TRY(check_readable("key", o->key_file));
		TRY(check_readable("CA", o->ca_file));
		k = pem_key_kind(o->key_file);
		if (k && !o->cert_type)
			s->cert_kind = (enum cert_kind)k;
		ENSURE(!k || k == (int)s->cert_kind, ERR_USAGE,
		       "--cert-type %s does not match the key in %s", o->cert_type, o->key_file);
	}

	/* suite */
	if (!suite) {
		if (s->version == 0x0304)
			suite = "TLS13-AES128-GCM-SHA256";
		else if (group && !strncasecmp(group, "ffdhe", 5))
			suite = s->cert_kind == CERT_RSA2048 ? "DHE-RSA-AES128-GCM-SHA256" : "";
		else
			suite = s->cert_kind == CERT_RSA2048 ? "ECDHE-RSA-AES128-GCM-SHA256"
							     : "ECDHE-ECDSA-AES128-GCM-SHA256";
		ENSURE(*suite, ERR_USAGE, "--group %s needs an RSA certificate in TLS 1.2 (DHE-RSA)", group);
	}
	ENSURE(suite_lookup(suite, s->suite_wolf, sizeof s->suite_wolf, s->suite_iana,
			    sizeof s->suite_iana) == 0 && suite_offered(s->suite_wolf),
	       ERR_USAGE, "--suite: '%s' is not a cipher suite this wolfSSL offers", suite);
	s->suite_tls13 = !strncmp(s->suite_wolf, "TLS13-", 6);
	ENSURE(!s->suite_tls13 || s->version == 0x0304, ERR_USAGE,
	       "--suite %s is a TLS 1.3 suite but --tls 1.2 was given", s->suite_wolf);
	ENSURE(s->suite_tls13 || s->version == 0x0303, ERR_USAGE,
	       "--suite %s is a TLS 1.2 suite but TLS 1.3 was asked for (add --tls 1.2)", s->suite_wolf);
	if (s->suite_tls13) {
		ENSURE(strcmp(s->suite_wolf, "TLS13-SHA256-SHA256") && strcmp(s->suite_wolf, "TLS13-SHA384-SHA384"),
		       ERR_USAGE, "--suite %s: integrity-only suites are not supported", s->suite_wolf);
	} else {
		ENSURE(!strncmp(s->suite_wolf, "ECDHE-", 6) || !strncmp(s->suite_wolf, "DHE-", 4), ERR_USAGE,
		       "--suite %s: only ECDHE and DHE suites are supported in TLS 1.2 (Debian's wolfSSL has no static RSA)",
		       s->suite_wolf);
		ENSURE(!strstr(s->suite_wolf, "PSK"), ERR_USAGE,
		       "--suite %s: PSK suites need a pre-shared key, not supported", s->suite_wolf);
		ENSURE(!strstr(s->suite_wolf, "RC4") && !strstr(s->suite_wolf, "DES") &&
			       !strstr(s->suite_wolf, "CAMELLIA") && !strstr(s->suite_wolf, "NULL") &&
			       !strstr(s->suite_wolf, "-OLD"),
		       ERR_USAGE, "--suite %s: tlsviz cannot decrypt this cipher (use AES-GCM/CCM/CBC or ChaCha20-Poly1305)",
		       s->suite_wolf);
		if (strstr(s->suite_wolf, "-ECDSA-"))
			ENSURE(s->cert_kind == CERT_ECDSA_P256, ERR_USAGE,
			       "--suite %s needs an ECDSA certificate (add --cert-type ecdsa-p256)", s->suite_wolf);
		else
			ENSURE(s->cert_kind == CERT_RSA2048, ERR_USAGE,
			       "--suite %s needs an RSA certificate (add --cert-type rsa2048)", s->suite_wolf);
	}

	/* group */
	dhe = !strncmp(s->suite_wolf, "DHE-", 4);
	if (!group)
		group = dhe ? "ffdhe2048" : "x25519"; /* as every browser */
	s->group_id = 0;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		if (!strcasecmp(group, groups[i].name) || (groups[i].alias && !strcasecmp(group, groups[i].alias))) {
			s->group_id = groups[i].id;
			s->gk = groups[i].kind;
			snprintf(s->group_name, sizeof s->group_name, "%s", groups[i].name);
		}
	}
	ENSURE(s->group_id, ERR_USAGE,
	       "--group: unknown group '%s' (x25519, secp256r1, secp384r1, secp521r1, ffdhe2048, ffdhe3072)",
	       group);
	if (!s->suite_tls13) {
		ENSURE(!dhe || s->gk == GRP_FFDHE, ERR_USAGE,
		       "--suite %s is finite-field DHE; --group %s is an elliptic curve (use ffdhe2048)",
		       s->suite_wolf, s->group_name);
		ENSURE(dhe || s->gk != GRP_FFDHE, ERR_USAGE,
		       "--suite %s is ECDHE; --group %s is finite-field (use x25519 or secp256r1)",
		       s->suite_wolf, s->group_name);
	}

	/* request */
	snprintf(s->path, sizeof s->path, "%s", o->path ? o->path : "/");
	ENSURE(o->path == NULL || strlen(o->path) < 200, ERR_USAGE, "--path: longer than 200 bytes");
	ENSURE(s->path[0] == '/', ERR_USAGE, "--path must start with '/'");
	for (const char *p = s->path; *p; p++)
		ENSURE(isgraph((unsigned char)*p), ERR_USAGE,
		       "--path: character 0x%02x at %zu is not allowed in a request line",
		       (unsigned char)*p, (size_t)(p - s->path));
	ENSURE(o->body_bytes <= (size_t)1 << 30, ERR_USAGE, "--body-bytes: at most 1 GiB");
	s->body_bytes = o->body_bytes;
	return 0;
}
