/* `tlsviz calc` (see calc.h): one table of operations, each a small function
 * over the key code in src/keys; the option and argument checks are shared. */
#include "calc/calc.h"

#include "core/err.h"
#include "core/hex.h"
#include "keys/calcline.h"
#include "keys/kex.h"
#include "keys/keys.h"
#include "tls/names.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { CALC_OK = 0, CALC_FAILED = 1, CALC_USAGE = 2 };

/* Largest LENGTH calc derives (a TLS 1.2 key block is at most 136 bytes). */
#define CALC_LENGTH_MAX 16384
/* Inputs held by one run (the most an operation takes is five). */
#define CALC_INPUTS 6

/* One run of an operation: its arguments, options and result. */
struct calc_run {
	const struct calc_op *op;
	char **arg;          /* the operation's positional arguments */
	enum hash_kind hash;
	bool explain, etm;
	const char *mac_key; /* --mac-key, hex */
	uint8_t *v;          /* the result (malloc'd, wiped when done) */
	size_t len, cap;     /* its length; the bytes allocated */
	char extra[160];     /* a line after the value (aead-open: the content type) */
	uint8_t *in[CALC_INPUTS]; /* decoded inputs, wiped when done */
	size_t in_len[CALC_INPUTS];
	int nin;
};

/* The operation's i-th argument as bytes ("0x" prefix, ':' and spaces
 * allowed; "" is the empty string). Held by r and wiped at the end. */
static int arg_hex(struct calc_run *r, int i, const uint8_t **p, size_t *len)
{
	const char *s = r->arg[i];
	char *clean;
	size_t n = 0;
	int rc;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	clean = malloc(strlen(s) + 1);
	ENSURE(clean && r->nin < CALC_INPUTS, ERR_NOMEM, "out of memory");
	for (const char *c = s; *c; c++)
		if (*c != ':' && *c != ' ')
			clean[n++] = *c;
	r->in[r->nin] = malloc(n / 2 + 1);
	if (!r->in[r->nin]) {
		free(clean);
		return err_set(ERR_NOMEM, "out of memory");
	}
	rc = n % 2 ? err_set(ERR_VALUE, "odd number of hex digits") : hex_decode(clean, n, r->in[r->nin], n / 2 + 1);
	secure_wipe(clean, n);
	free(clean);
	r->in_len[r->nin] = rc > 0 ? (size_t)rc : 0;
	r->nin++;
	if (rc < 0) {
		const char *u = r->op->usage;
		int w = 0;

		/* name the argument by its word in the usage line */
		for (int k = 0; k < i && u; k++)
			u = strchr(u, ' ') ? strchr(u, ' ') + 1 : NULL;
		if (u)
			w = (int)strcspn(u, " ");
		return err_set(ERR_VALUE, "%.*s: '%s' is not hex", w, u ? u : "?", r->arg[i]);
	}
	*p = r->in[r->nin - 1];
	*len = (size_t)rc;
	return 0;
}

/* The i-th argument as a number in [lo, hi]. */
static int arg_num(struct calc_run *r, int i, const char *what, uint64_t lo, uint64_t hi, uint64_t *out)
{
	const char *s = r->arg[i];
	char *end;
	unsigned long long v;

	errno = 0;
	v = *s && *s != '-' ? strtoull(s, &end, 10) : 0;
	ENSURE(*s && *s != '-' && !errno && !*end && v >= lo && v <= hi, ERR_VALUE,
	       "%s: '%s' is not a number from %" PRIu64 " to %" PRIu64, what, s, lo, hi);
	*out = v;
	return 0;
}

/* The result buffer, n bytes. */
static int result(struct calc_run *r, size_t n)
{
	r->v = calloc(1, n ? n : 1);
	ENSURE(r->v, ERR_NOMEM, "out of memory");
	r->len = r->cap = n;
	return 0;
}

/* TLS 1.3 labels are written without "tls13 " (RFC 8446 7.1 adds it); take
 * them with it too. */
static const char *bare_label(const char *l)
{
	return strncmp(l, "tls13 ", 6) ? l : l + 6;
}

static int run_extract(struct calc_run *r)
{
	const uint8_t *salt, *ikm;
	size_t sl, il;

	TRY(arg_hex(r, 0, &salt, &sl));
	TRY(arg_hex(r, 1, &ikm, &il));
	TRY(result(r, hash_len(r->hash)));
	return hkdf_extract(r->hash, salt, sl, ikm, il, r->v);
}

static int run_expand_label(struct calc_run *r)
{
	const uint8_t *secret, *ctx;
	size_t sl, cl;
	uint64_t n;

	TRY(arg_hex(r, 0, &secret, &sl));
	TRY(arg_hex(r, 2, &ctx, &cl));
	TRY(arg_num(r, 3, "LENGTH", 1, 255 * hash_len(r->hash), &n));
	ENSURE(cl <= 255, ERR_VALUE, "CONTEXT: %zu bytes; HkdfLabel holds at most 255", cl);
	TRY(result(r, (size_t)n));
	return hkdf_expand_label(r->hash, secret, sl, bare_label(r->arg[1]), ctx, cl, r->v, r->len);
}

static int run_derive_secret(struct calc_run *r)
{
	const uint8_t *secret, *th;
	size_t sl, tl, hl = hash_len(r->hash);

	TRY(arg_hex(r, 0, &secret, &sl));
	TRY(arg_hex(r, 2, &th, &tl));
	ENSURE(tl == 0 || tl == hl, ERR_VALUE,
	       "TRANSCRIPT_HASH: %zu bytes; a %s transcript hash is %zu ('' for the hash of no messages)", tl,
	       hash_name(r->hash), hl);
	TRY(result(r, hl));
	return keysched_tls13_derive_secret(r->hash, secret, bare_label(r->arg[1]), tl ? th : NULL, r->v);
}

static int run_prf(struct calc_run *r)
{
	const uint8_t *secret, *seed;
	size_t sl, dl;
	uint64_t n;

	TRY(arg_hex(r, 0, &secret, &sl));
	TRY(arg_hex(r, 2, &seed, &dl));
	TRY(arg_num(r, 3, "LENGTH", 1, CALC_LENGTH_MAX, &n));
	TRY(result(r, (size_t)n));
	return prf_tls12(r->hash, secret, sl, r->arg[1], seed, dl, r->v, r->len);
}

/* The group named by argument i. */
static int arg_group(struct calc_run *r, int i, const struct kex_group **g)
{
	char list[96] = "";

	*g = kex_group_by_name(r->arg[i]);
	if (*g)
		return 0;
	for (const struct kex_group *k = kex_groups(); k->name; k++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", k == kex_groups() ? "" : ", ",
			 k->name);
	return err_set(ERR_VALUE, "GROUP: '%s' is not one of %s", r->arg[i], list);
}

/* Shared secret of group g from arguments first (private) and first + 1. */
static int shared(struct calc_run *r, const struct kex_group *g, int first)
{
	const uint8_t *priv, *peer;
	size_t pl, ql;
	int n;

	TRY(arg_hex(r, first, &priv, &pl));
	TRY(arg_hex(r, first + 1, &peer, &ql));
	TRY(result(r, g->secret_len));
	n = kex_shared(g, priv, pl, peer, ql, r->v, r->len);
	if (n >= 0)
		r->len = (size_t)n;
	return n < 0 ? n : 0;
}

static int run_x25519(struct calc_run *r)
{
	return shared(r, kex_group_by_name("x25519"), 0);
}

static int run_ecdh(struct calc_run *r)
{
	const struct kex_group *g;

	TRY(arg_group(r, 0, &g));
	return shared(r, g, 1);
}

static int run_public(struct calc_run *r)
{
	const struct kex_group *g;
	const uint8_t *priv;
	size_t pl;
	int n;

	TRY(arg_group(r, 0, &g));
	TRY(arg_hex(r, 1, &priv, &pl));
	TRY(result(r, g->pub_len));
	n = kex_public(g, priv, pl, r->v, r->len);
	if (n >= 0)
		r->len = (size_t)n;
	return n < 0 ? n : 0;
}

/* A suite by IANA, OpenSSL or wolfSSL name, or by its id ("0x1301"). */
static int arg_suite(struct calc_run *r, int i, const struct suite **s)
{
	const char *a = r->arg[i];
	char *end;
	unsigned long id;

	*s = suite_by_name(a);
	if (!*s && (!strncmp(a, "0x", 2) || !strncmp(a, "0X", 2))) {
		errno = 0;
		id = strtoul(a + 2, &end, 16);
		if (!errno && !*end && end != a + 2 && id <= 0xffff)
			*s = suite_find((uint16_t)id);
	}
	ENSURE(*s, ERR_VALUE, "SUITE: '%s' is not a cipher suite name or id (e.g. TLS_AES_128_GCM_SHA256 or 0x1301)",
	       a);
	ENSURE((*s)->cipher != CIPHER_UNKNOWN, ERR_UNSUPPORTED, "SUITE: tlsviz cannot open %s records", (*s)->name);
	return 0;
}

static bool suite_aead(const struct suite *s)
{
	return s->cipher != CIPHER_AES_CBC && s->cipher != CIPHER_NULL;
}

static int run_aead_open(struct calc_run *r)
{
	const struct suite *s;
	const uint8_t *key, *iv, *rec, *mac = NULL;
	size_t kl, ivl, rl, ml = 0;
	uint64_t seq;
	struct protect p;
	struct protect_result res = { 0 };
	bool tls13;
	int rc;

	TRY(arg_suite(r, 0, &s));
	tls13 = s->kex == KEX_TLS13;
	TRY(arg_hex(r, 1, &key, &kl));
	TRY(arg_hex(r, 2, &iv, &ivl));
	TRY(arg_num(r, 3, "SEQUENCE", 0, UINT64_MAX, &seq));
	TRY(arg_hex(r, 4, &rec, &rl));
	ENSURE(kl == s->key_len, ERR_VALUE, "KEY: %s takes a %u-byte key, not %zu", s->name, s->key_len, kl);
	if (suite_aead(s))
		ENSURE(ivl == s->iv_len, ERR_VALUE, "IV: %s takes a %u-byte %s, not %zu", s->name, s->iv_len,
		       tls13 || s->iv_len == 12 ? "IV" : "implicit IV (the salt; the record carries the rest)",
		       ivl);
	else
		ENSURE(ivl == 0, ERR_VALUE, "IV: %s records carry their own IV; give ''", s->name);
	if (s->cipher == CIPHER_AES_CBC || s->cipher == CIPHER_NULL) {
		ENSURE(r->mac_key, ERR_VALUE, "%s records are authenticated by HMAC: give --mac-key", s->name);
		r->arg[5] = (char *)r->mac_key; /* decoded as the sixth input */
		TRY(arg_hex(r, 5, &mac, &ml));
		ENSURE(ml == hash_len(s->mac), ERR_VALUE, "--mac-key: %s takes a %zu-byte MAC key, not %zu", s->name,
		       hash_len(s->mac), ml);
	} else {
		ENSURE(!r->mac_key && !r->etm, ERR_VALUE, "--mac-key and --etm are for CBC suites, not %s", s->name);
	}
	ENSURE(rl >= 5, ERR_VALUE, "RECORD: %zu bytes; a record starts with its 5-byte header", rl);
	ENSURE(((size_t)rec[3] << 8 | rec[4]) == rl - 5, ERR_VALUE,
	       "RECORD: the header says %u bytes follow, %zu do (give the whole record, header first)",
	       (unsigned)rec[3] << 8 | rec[4], rl - 5);
	rc = tls13 ? protect_init_tls13_keys(&p, s, key, iv) : protect_init_tls12(&p, s, key, iv, mac, r->etm);
	if (rc < 0)
		return rc;
	rc = result(r, rl);
	if (rc == 0)
		rc = protect_open_seq(&p, seq, rec, rec + 5, rl - 5, r->v, r->len, &res);
	protect_wipe(&p);
	if (rc == ERR_AUTH)
		return err_set(ERR_AUTH, "authentication failed: the tag (or MAC) does not match these inputs");
	if (rc < 0)
		return rc;
	r->len = res.plain_len;
	snprintf(r->extra, sizeof r->extra, "content type %u (%s)%s", res.inner_type,
		 names_content_type(res.inner_type) ? names_content_type(res.inner_type) : "unknown",
		 tls13 ? ", from inside the record" : "");
	return 0;
}

struct calc_def {
	struct calc_op op;
	int nargs;
	int (*run)(struct calc_run *r);
};

static const struct calc_def defs[] = {
	{ { CALC_OP_EXTRACT, "SALT IKM", "HKDF-Extract: the early, handshake and master secrets of TLS 1.3",
	    "PRK = HKDF-Extract(SALT, IKM) = HMAC-Hash(SALT, IKM)   (RFC 5869 2.2; TLS 1.3 writes 0 for Hash.length "
	    "zero bytes)",
	    "--hash" },
	  2, run_extract },
	{ { CALC_OP_EXPAND_LABEL, "SECRET LABEL CONTEXT LENGTH",
	    "HKDF-Expand-Label: TLS 1.3 traffic secrets, keys and IVs (LABEL without \"tls13 \")",
	    "HKDF-Expand-Label(SECRET, LABEL, CONTEXT, LENGTH) = HKDF-Expand(SECRET, uint16 LENGTH + "
	    "<\"tls13 \" + LABEL> + <CONTEXT>, LENGTH)   (RFC 8446 7.1)",
	    "--hash" },
	  4, run_expand_label },
	{ { CALC_OP_DERIVE_SECRET, "SECRET LABEL TRANSCRIPT_HASH",
	    "Derive-Secret: HKDF-Expand-Label with the transcript hash ('' = no messages)",
	    "Derive-Secret(SECRET, LABEL, Messages) = HKDF-Expand-Label(SECRET, LABEL, Transcript-Hash(Messages), "
	    "Hash.length)   (RFC 8446 7.1)",
	    "--hash" },
	  3, run_derive_secret },
	{ { CALC_OP_PRF, "SECRET LABEL SEED LENGTH", "the TLS 1.2 PRF: master secret, key block, Finished",
	    "PRF(SECRET, LABEL, SEED) = P_Hash(SECRET, LABEL + SEED), the first LENGTH bytes   (RFC 5246 5)",
	    "--hash" },
	  4, run_prf },
	{ { CALC_OP_X25519, "PRIVATE PEER_PUBLIC", "the X25519 shared secret (the private key is clamped)",
	    "shared secret = X25519(PRIVATE, PEER_PUBLIC)   (RFC 7748 5; RFC 8446 7.4.2)", NULL },
	  2, run_x25519 },
	{ { CALC_OP_ECDH, "GROUP PRIVATE PEER_PUBLIC",
	    "an ECDH shared secret: x25519, secp256r1, secp384r1 or secp521r1",
	    "shared secret = the x coordinate of PRIVATE * PEER_PUBLIC (X25519: its output)   (RFC 8446 7.4.2)",
	    NULL },
	  3, run_ecdh },
	{ { CALC_OP_PUBLIC, "GROUP PRIVATE", "the public key (key_share) of a private key",
	    "public key = PRIVATE * G, as the key_share carries it (NIST curves: 0x04, x, y)   (RFC 8446 4.2.8.2)",
	    NULL },
	  2, run_public },
	{ { CALC_OP_AEAD_OPEN, "SUITE KEY IV SEQUENCE RECORD",
	    "decrypt one record (its 5-byte header first): the plaintext, then its content type",
	    "plaintext = AEAD-Decrypt(KEY, nonce = IV xor SEQUENCE, additional_data = the record header, "
	    "RECORD's fragment)   (RFC 8446 5.2-5.3; TLS 1.2: RFC 5246 6.2.3, RFC 5288)",
	    "--mac-key --etm" },
	  5, run_aead_open },
};

#define NDEFS (sizeof defs / sizeof defs[0])

const struct calc_op *calc_ops(void)
{
	static struct calc_op ops[NDEFS + 1];

	if (!ops[0].name)
		for (size_t i = 0; i < NDEFS; i++)
			ops[i] = defs[i].op;
	return ops;
}

static void calc_help(FILE *out)
{
	fputs("Usage: tlsviz calc OPERATION ARGUMENTS [options]\n\n"
	      "Recompute one value from hex inputs and print it as hex (nothing else on stdout).\n"
	      "Every value in the Keys pane and the batch output comes with the calc line that\n"
	      "reproduces it.\n\nOperations:\n",
	      out);
	for (size_t i = 0; i < NDEFS; i++)
		fprintf(out, "  %s %s\n      %s\n", defs[i].op.name, defs[i].op.usage, defs[i].op.help);
	fputs("\nOptions:\n"
	      "  --hash sha256|sha384   the hash of HKDF or the PRF (default sha256; the suite's hash)\n"
	      "  --explain              print the formula and the inputs before the value\n"
	      "  --slice OFF:LEN        print bytes OFF..OFF+LEN-1 of the value (a key of the key block)\n"
	      "  --mac-key HEX          aead-open, CBC suites: the HMAC key\n"
	      "  --etm                  aead-open, CBC suites: encrypt_then_mac (RFC 7366)\n"
	      "Hex may have a 0x prefix and ':' or spaces between bytes; '' is empty.\n"
	      "Exit status: 0 done, 1 aead-open's record did not authenticate, 2 bad usage or input.\n",
	      out);
}

enum { CO_HASH = 1, CO_EXPLAIN, CO_SLICE, CO_MAC_KEY, CO_ETM, CO_HELP };

static const struct option calc_longopts[] = {
	{ "hash", required_argument, NULL, CO_HASH },   { "explain", no_argument, NULL, CO_EXPLAIN },
	{ "slice", required_argument, NULL, CO_SLICE }, { "mac-key", required_argument, NULL, CO_MAC_KEY },
	{ "etm", no_argument, NULL, CO_ETM },            { "help", no_argument, NULL, CO_HELP },
	{ 0 },
};

/* Whether an option applies to the operation (its table row lists it). */
static bool applies(const struct calc_def *d, const char *opt)
{
	const char *o = d->op.options;
	size_t n = strlen(opt);

	for (; o && (o = strstr(o, opt)); o += n)
		if (o[n] == '\0' || o[n] == ' ')
			return true;
	return false;
}

static void explain(FILE *out, const struct calc_run *r, bool hashed)
{
	const char *u = r->op->usage;

	fprintf(out, "%s\n", r->op->formula);
	if (hashed)
		fprintf(out, "  %-16s %s\n", "Hash", hash_name(r->hash));
	for (int i = 0; u && *u; i++) {
		int w = (int)strcspn(u, " ");

		fprintf(out, "  %-16.*s %s\n", w, u, r->arg[i][0] ? r->arg[i] : "(empty)");
		u += w;
		u += *u == ' ';
	}
	if (r->mac_key)
		fprintf(out, "  %-16s %s%s\n", "MAC key", r->mac_key, r->etm ? " (encrypt_then_mac)" : "");
}

int calc_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct calc_run r = { .hash = HASH_SHA256 };
	const struct calc_def *d = NULL;
	bool hash_given = false, slice = false;
	unsigned long long off = 0, len = 0;
	char *args[6] = { 0 }, *end;
	int c, status = CALC_USAGE, nargs = 0, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", calc_longopts, NULL)) != -1) {
		switch (c) {
		case CO_HELP:
			calc_help(out);
			return CALC_OK;
		case CO_HASH:
			if (!strcmp(optarg, "sha256")) {
				r.hash = HASH_SHA256;
			} else if (!strcmp(optarg, "sha384")) {
				r.hash = HASH_SHA384;
			} else {
				fprintf(err, "tlsviz calc: --hash: '%s' is not sha256 or sha384\n", optarg);
				return CALC_USAGE;
			}
			hash_given = true;
			break;
		case CO_EXPLAIN: r.explain = true; break;
		case CO_ETM: r.etm = true; break;
		case CO_MAC_KEY: r.mac_key = optarg; break;
		case CO_SLICE:
			errno = 0;
			off = strtoull(optarg, &end, 10);
			if (errno || end == optarg || *end != ':' || optarg[0] == '-' || end[1] == '-' ||
			    (len = strtoull(end + 1, &end, 10), errno || *end || !len)) {
				fprintf(err, "tlsviz calc: --slice: '%s' is not OFFSET:LENGTH (e.g. 0:16)\n", optarg);
				return CALC_USAGE;
			}
			slice = true;
			break;
		case ':':
			fprintf(err, "tlsviz calc: option '%s' needs a value\n", argv[optind - 1]);
			return CALC_USAGE;
		default:
			fprintf(err, "tlsviz calc: unknown option '%s'\nTry 'tlsviz calc --help'.\n", argv[optind - 1]);
			return CALC_USAGE;
		}
	}
	if (optind >= argc) {
		calc_help(err);
		return CALC_USAGE;
	}
	for (size_t i = 0; i < NDEFS; i++)
		if (!strcmp(defs[i].op.name, argv[optind]))
			d = &defs[i];
	if (!d) {
		fprintf(err, "tlsviz calc: unknown operation '%s'\nTry 'tlsviz calc --help'.\n", argv[optind]);
		return CALC_USAGE;
	}
	nargs = argc - optind - 1;
	if (nargs != d->nargs) {
		fprintf(err, "tlsviz calc: %s takes %d arguments (%s), not %d\n", d->op.name, d->nargs, d->op.usage,
			nargs);
		return CALC_USAGE;
	}
	if (hash_given && !applies(d, "--hash")) {
		fprintf(err, "tlsviz calc: --hash does not apply to %s\n", d->op.name);
		return CALC_USAGE;
	}
	if ((r.mac_key && !applies(d, "--mac-key")) || (r.etm && !applies(d, "--etm"))) {
		fprintf(err, "tlsviz calc: --mac-key and --etm apply to aead-open only\n");
		return CALC_USAGE;
	}
	memcpy(args, argv + optind + 1, (size_t)nargs * sizeof *args);
	r.op = &d->op;
	r.arg = args;
	rc = d->run(&r);
	if (rc == 0 && slice && (off > r.len || len > r.len - off))
		rc = err_set(ERR_VALUE, "--slice %llu:%llu: the value has %zu bytes", off, len, r.len);
	if (rc < 0) {
		fprintf(err, "tlsviz calc: %s: %s\n", d->op.name, err_msg());
		status = rc == ERR_AUTH ? CALC_FAILED : CALC_USAGE;
	} else {
		char *hex;
		size_t from = slice ? (size_t)off : 0, n = slice ? (size_t)len : r.len;

		if (r.explain) {
			explain(out, &r, applies(d, "--hash"));
			if (slice)
				fprintf(out, "  %-16s bytes %zu to %zu of the %zu-byte result\n", "slice", from,
					from + n - 1, r.len);
		}
		hex = hex_dup(r.v + from, n);
		if (!hex) {
			fprintf(err, "tlsviz calc: out of memory\n");
			status = CALC_FAILED;
		} else {
			fprintf(out, "%s\n", hex);
			if (r.extra[0])
				fprintf(out, "%s\n", r.extra);
			secure_wipe(hex, 2 * n);
			free(hex);
			status = fflush(out) == 0 && !ferror(out) ? CALC_OK : CALC_FAILED;
			if (status)
				fprintf(err, "tlsviz calc: writing the result: %s\n", strerror(errno));
		}
	}
	if (r.v) {
		secure_wipe(r.v, r.cap);
		free(r.v);
	}
	for (int i = 0; i < r.nin; i++) {
		secure_wipe(r.in[i], r.in_len[i]);
		free(r.in[i]);
	}
	return status;
}
