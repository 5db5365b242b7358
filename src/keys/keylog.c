/* The NSS key log format (draft-ietf-tls-keylogfile): one secret per line,
 *   <label> SP <client_random: 64 hex> SP <secret: hex>
 * ("RSA" lines carry the first 8 bytes of the encrypted premaster as 16 hex
 * digits instead of the client random). Lines end in LF, CRLF or CR; '#'
 * starts a comment line; blank lines are skipped. Each bad line is reported
 * as an EV_NOTE warning "keylog ORIGIN:LINE: reason" and skipped. */
#include "keys/keystore_int.h"

#include "core/err.h"
#include "core/hex.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYLOG_FILE_MAX (256u << 20) /* refuse absurd key log files */
#define WARN_MAX 100                 /* then one "suppressed" note */

struct span {
	const uint8_t *p;
	size_t len;
};

struct label_rule {
	const char *label;
	size_t idlen;
	size_t min, max; /* secret bytes */
	bool tls13;      /* secret is a TLS 1.3 hash-length secret: 32, 48 or 64 */
};

static const struct label_rule rules[] = {
	{ KL_CLIENT_RANDOM, 32, 48, 48, false },
	{ KL_RSA, 8, 48, 48, false },
	{ KL_PMS_CLIENT_RANDOM, 32, 1, KS_SECRET_MAX, false },
	{ KL_CLIENT_EARLY, 32, 32, 64, true },
	{ KL_CLIENT_HS, 32, 32, 64, true },
	{ KL_SERVER_HS, 32, 32, 64, true },
	{ KL_CLIENT_AP, 32, 32, 64, true },
	{ KL_SERVER_AP, 32, 32, 64, true },
	{ KL_EXPORTER, 32, 32, 64, true },
	{ KL_EARLY_EXPORTER, 32, 32, 64, true },
	/* the KEM shared secret: 32 (X25519, P-256), 48 (P-384) or 64 (P-521, X448) */
	{ KL_ECH_SECRET, 32, 16, 64, false },
	/* a serialized ECHConfig (version, length, contents) */
	{ KL_ECH_CONFIG, 32, 8, KS_SECRET_MAX, false },
};
/* CLIENT_TRAFFIC_SECRET_<N> / SERVER_TRAFFIC_SECRET_<N> after key updates. */
static const struct label_rule traffic_n = { "TRAFFIC_SECRET_N", 32, 32, 64, true };

struct warner {
	struct sink *sink;
	const char *origin;
	unsigned count;
};

/* Emit one "keylog ORIGIN:LINE: ..." warning (capped). */
static void warn_line(struct warner *w, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warn_line(struct warner *w, size_t line, const char *fmt, ...)
{
	struct event ev = { .type = EV_NOTE };
	char text[512];
	int n;
	va_list ap;

	w->count++;
	if (!w->sink || w->count > WARN_MAX + 1)
		return;
	if (w->count == WARN_MAX + 1) {
		snprintf(text, sizeof text, "keylog %s: more than %d bad lines, "
			 "further warnings suppressed", w->origin, WARN_MAX);
	} else {
		n = snprintf(text, sizeof text, "keylog %s:%zu: ", w->origin, line);
		va_start(ap, fmt);
		if (n > 0 && (size_t)n < sizeof text)
			vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
		va_end(ap);
	}
	ev.ts_us = event_now_us();
	ev.u.note.level = "warning";
	ev.u.note.text = text;
	sink_emit(w->sink, &ev);
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* The rule for a label, or NULL when unknown. */
static const struct label_rule *rule_for(const struct span *l)
{
	static const char *const prefixes[] = { "CLIENT_TRAFFIC_SECRET_",
						"SERVER_TRAFFIC_SECRET_" };

	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (strlen(rules[i].label) == l->len &&
		    memcmp(rules[i].label, l->p, l->len) == 0)
			return &rules[i];
	for (size_t i = 0; i < 2; i++) {
		size_t pl = strlen(prefixes[i]), d;

		if (l->len <= pl || l->len - pl > 10 || memcmp(l->p, prefixes[i], pl) != 0)
			continue;
		for (d = pl; d < l->len && l->p[d] >= '0' && l->p[d] <= '9'; d++)
			;
		if (d == l->len)
			return &traffic_n;
	}
	return NULL;
}

/* Check that a field is hex of the wanted byte length range; a reason or NULL. */
static const char *check_hex(const struct span *f, size_t min, size_t max,
			     char *why, size_t whylen, const char *what)
{
	for (size_t i = 0; i < f->len; i++) {
		uint8_t c = f->p[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		      (c >= 'A' && c <= 'F'))) {
			snprintf(why, whylen, "%s is not hexadecimal (character %zu)",
				 what, i + 1);
			return why;
		}
	}
	if (f->len % 2) {
		snprintf(why, whylen, "%s has an odd number of hex digits (%zu)", what,
			 f->len);
		return why;
	}
	if (f->len / 2 < min || f->len / 2 > max) {
		if (min == max)
			snprintf(why, whylen, "%s must be %zu hex digits, not %zu", what,
				 2 * min, f->len);
		else
			snprintf(why, whylen, "%s must be %zu..%zu hex digits, not %zu",
				 what, 2 * min, 2 * max, f->len);
		return why;
	}
	return NULL;
}

/* Parse one line (without its end); 1 if an entry was added, 0 if skipped,
 * negative on a store failure. */
static int parse_line(struct keystore *ks, const uint8_t *p, size_t len,
		      size_t lineno, struct warner *w)
{
	struct span f[4];
	size_t nf = 0, i = 0;
	const struct label_rule *r;
	char label[KS_LABEL_MAX], why[160];
	uint8_t id[KS_ID_MAX], secret[KS_SECRET_MAX];
	int rc, n;

	while (i < len && is_space(p[i]))
		i++;
	if (i == len || p[i] == '#')
		return 0; /* blank or comment */
	while (i < len && nf < 4) {
		size_t start = i;

		while (i < len && !is_space(p[i]))
			i++;
		f[nf++] = (struct span){ p + start, i - start };
		while (i < len && is_space(p[i]))
			i++;
	}
	if (nf < 3) {
		warn_line(w, lineno, "expected LABEL CLIENT_RANDOM SECRET, found %zu field%s",
			  nf, nf == 1 ? "" : "s");
		return 0;
	}
	if (nf > 3) {
		warn_line(w, lineno, "more than 3 fields");
		return 0;
	}
	r = rule_for(&f[0]);
	if (!r) {
		warn_line(w, lineno, "unknown label \"%.*s\"",
			  (int)(f[0].len > 40 ? 40 : f[0].len), (const char *)f[0].p);
		return 0;
	}
	if (check_hex(&f[1], r->idlen, r->idlen, why, sizeof why,
		      r->idlen == 8 ? "encrypted premaster prefix" : "client random") ||
	    check_hex(&f[2], r->min, r->max, why, sizeof why, "secret")) {
		warn_line(w, lineno, "%.*s: %s", (int)f[0].len, (const char *)f[0].p, why);
		return 0;
	}
	if (r->tls13 && f[2].len / 2 != 32 && f[2].len / 2 != 48 && f[2].len / 2 != 64) {
		warn_line(w, lineno, "%.*s: secret of %zu bytes (TLS 1.3 secrets are 32, 48 or 64)",
			  (int)f[0].len, (const char *)f[0].p, f[2].len / 2);
		return 0;
	}
	memcpy(label, f[0].p, f[0].len);
	label[f[0].len] = '\0';
	n = hex_decode((const char *)f[1].p, f[1].len, id, sizeof id);
	if (n < 0)
		return n;
	rc = hex_decode((const char *)f[2].p, f[2].len, secret, sizeof secret);
	if (rc >= 0)
		rc = keystore_put(ks, label, id, (size_t)n, secret, (size_t)rc);
	secure_wipe(secret, sizeof secret);
	return rc < 0 ? rc : 1;
}

/* Parse NSS key log text; the number of entries added. */
int keystore_add_keylog(struct keystore *ks, const uint8_t *text, size_t len,
			const char *origin, struct sink *warn)
{
	struct warner w = { warn, origin ? origin : "(key log)", 0 };
	size_t i = 0, lineno = 0;
	int added = 0;

	ENSURE(ks, ERR_INTERNAL, "keystore_add_keylog: no store");
	if (!text)
		len = 0;
	while (i < len) {
		size_t start = i;
		int rc;

		while (i < len && text[i] != '\n' && text[i] != '\r')
			i++;
		lineno++;
		rc = parse_line(ks, text + start, i - start, lineno, &w);
		if (rc < 0)
			return err_wrap(rc, "keylog %s:%zu: ", w.origin, lineno);
		added += rc;
		if (i < len) { /* CRLF is one line end, a lone CR or LF another */
			if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
				i++;
			i++;
		}
		if (added == INT32_MAX)
			break;
	}
	return added;
}

/* Read a key log file and add it. */
int keystore_load_keylog_file(struct keystore *ks, const char *path, struct sink *warn)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, rc;

	ENSURE(path, ERR_USAGE, "key log: no path");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ENSURE(fd >= 0, ERR_IO, "key log %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = err_set(ERR_IO, "key log %s: not a regular file", path);
		goto out;
	}
	ENSURE_GOTO((uint64_t)st.st_size <= KEYLOG_FILE_MAX, ERR_NOMEM,
		    "key log %s: %lld bytes is too big", path, (long long)st.st_size);
	buf = malloc((size_t)st.st_size + 1);
	ENSURE_GOTO(buf, ERR_NOMEM, "key log %s: out of memory", path);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		ENSURE_GOTO(r >= 0, ERR_IO, "key log %s: %s", path, strerror(errno));
		if (r == 0)
			break;
		got += (size_t)r;
	}
	rc = keystore_add_keylog(ks, buf, got, path, warn);
out:
	if (buf) {
		secure_wipe(buf, (size_t)st.st_size);
		free(buf);
	}
	close(fd);
	return rc;
}
