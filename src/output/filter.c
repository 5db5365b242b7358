/* Connection filters (see filter.h): a tokenizer that keeps each token's
 * column, a recursive-descent parser into a small node array, and a table
 * of fields (name, type, how to read it from a row). */
#include "output/filter.h"

#include "core/err.h"
#include "tls/names.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FILTER_NODES 128
#define FILTER_VALUE 256

enum ftype { F_STR, F_NUM, F_BOOL };

struct ffield {
	const char *name;
	enum ftype type;
	/* F_STR: the text into buf; F_NUM: the value(s) (port has two: a
	 * comparison holds if it holds for either); F_BOOL: 0 or 1 */
	const char *(*str)(const struct conn_row *r, char *buf, size_t cap);
	int (*num)(const struct conn_row *r, double v[2]);
};

static const char *s_sni(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->sni; }
static const char *s_alpn(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->alpn; }
static const char *s_suite(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->suite; }
static const char *s_group(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->group; }
static const char *s_client(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->client; }
static const char *s_server(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->server; }
static const char *s_ja3(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->have_ch ? r->ja3 : ""; }
static const char *s_ja3s(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->have_sh ? r->ja3s : ""; }
static const char *s_ja4(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->ja4; }
static const char *s_ja4s(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->ja4s; }
static const char *s_why(const struct conn_row *r, char *b, size_t c) { (void)b, (void)c; return r->why; }
static const char *s_decrypted(const struct conn_row *r, char *b, size_t c)
{
	(void)b, (void)c;
	return conn_row_decrypted(r);
}
static const char *s_version(const struct conn_row *r, char *b, size_t c)
{
	(void)b, (void)c;
	return r->version ? conn_row_version(r) : "";
}
static const char *s_alert(const struct conn_row *r, char *b, size_t c)
{
	const char *n = r->fatal_alert >= 0 ? names_alert_desc((uint8_t)r->fatal_alert) : NULL;

	if (r->fatal_alert < 0)
		return "";
	if (n)
		return n;
	snprintf(b, c, "%d", r->fatal_alert);
	return b;
}

/* The port of "127.0.0.1:443" or "[::1]:443". */
static double port_of(const char *a)
{
	const char *p = strrchr(a, ':');

	return p ? strtod(p + 1, NULL) : 0;
}

static int n_conn(const struct conn_row *r, double v[2]) { v[0] = r->id; return 1; }
static int n_port(const struct conn_row *r, double v[2]) { v[0] = port_of(r->client); v[1] = port_of(r->server); return 2; }
static int n_alerts(const struct conn_row *r, double v[2]) { v[0] = r->alerts; return 1; }
static int n_bytes(const struct conn_row *r, double v[2]) { v[0] = (double)(r->bytes[DIR_C2S] + r->bytes[DIR_S2C]); return 1; }
static int n_bytes_c2s(const struct conn_row *r, double v[2]) { v[0] = (double)r->bytes[DIR_C2S]; return 1; }
static int n_bytes_s2c(const struct conn_row *r, double v[2]) { v[0] = (double)r->bytes[DIR_S2C]; return 1; }
static int n_packets(const struct conn_row *r, double v[2]) { v[0] = (double)r->packets; return 1; }
static int n_duration(const struct conn_row *r, double v[2]) { v[0] = (double)(r->t1 - r->t0) / 1000.0; return 1; }
static int b_resumed(const struct conn_row *r, double v[2]) { v[0] = r->resumed; return 1; }
static int b_hrr(const struct conn_row *r, double v[2]) { v[0] = r->hrr; return 1; }

static const struct ffield fields[] = {
	{ "sni", F_STR, s_sni, NULL },           { "alpn", F_STR, s_alpn, NULL },
	{ "version", F_STR, s_version, NULL },   { "suite", F_STR, s_suite, NULL },
	{ "group", F_STR, s_group, NULL },       { "client", F_STR, s_client, NULL },
	{ "server", F_STR, s_server, NULL },     { "port", F_NUM, NULL, n_port },
	{ "decrypted", F_STR, s_decrypted, NULL }, { "why", F_STR, s_why, NULL },
	{ "alert", F_STR, s_alert, NULL },       { "alerts", F_NUM, NULL, n_alerts },
	{ "resumed", F_BOOL, NULL, b_resumed },  { "hrr", F_BOOL, NULL, b_hrr },
	{ "bytes", F_NUM, NULL, n_bytes },       { "bytes_c2s", F_NUM, NULL, n_bytes_c2s },
	{ "bytes_s2c", F_NUM, NULL, n_bytes_s2c }, { "packets", F_NUM, NULL, n_packets },
	{ "duration", F_NUM, NULL, n_duration }, { "conn", F_NUM, NULL, n_conn },
	{ "ja3", F_STR, s_ja3, NULL },           { "ja3s", F_STR, s_ja3s, NULL },
	{ "ja4", F_STR, s_ja4, NULL },           { "ja4s", F_STR, s_ja4s, NULL },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

const char *filter_fields(void)
{
	static char list[400];

	if (!list[0])
		for (size_t i = 0; i < NFIELDS; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", fields[i].name);
	return list;
}

enum op { OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE, OP_CONTAINS };
static const char *const op_text[] = { "==", "!=", "<", ">", "<=", ">=", "contains" };
static const struct {
	const char *t;
	enum op op;
} op_lex[] = { { "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "<", OP_LT }, { ">", OP_GT } };

enum nkind { N_OR, N_AND, N_NOT, N_CMP, N_TRUTH };

struct node {
	enum nkind kind;
	int a, b;               /* children */
	const struct ffield *f;
	enum op op;
	char text[FILTER_VALUE];
	double num;
};

struct filter {
	struct node n[FILTER_NODES];
	int nn, root;
};

/* ---- tokens ---- */

enum tkind { T_END, T_WORD, T_STRING, T_LPAREN, T_RPAREN, T_OP };

struct parser {
	const char *s;
	size_t pos;            /* of the current token */
	size_t next;           /* after it */
	enum tkind kind;
	char tok[FILTER_VALUE];
	enum op op;
	struct filter *f;
	size_t err_col;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, size_t at, const char *fmt, ...)
{
	char m[700];
	va_list ap;

	p->err_col = at + 1;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	return err_set(ERR_VALUE, "filter: column %zu: %s", at + 1, m);
}

/* Read the token at p->next. */
static int lex(struct parser *p)
{
	const char *s = p->s;
	size_t i = p->next, n = 0;

	while (s[i] == ' ' || s[i] == '\t')
		i++;
	p->pos = i;
	p->tok[0] = '\0';
	if (!s[i]) {
		p->kind = T_END;
		p->next = i;
		return 0;
	}
	if (s[i] == '(' || s[i] == ')') {
		p->kind = s[i] == '(' ? T_LPAREN : T_RPAREN;
		p->next = i + 1;
		return 0;
	}
	for (size_t o = 0; o < sizeof op_lex / sizeof op_lex[0]; o++) /* the longer ones first */
		if (!strncmp(s + i, op_lex[o].t, strlen(op_lex[o].t))) {
			p->kind = T_OP;
			p->op = op_lex[o].op;
			p->next = i + strlen(op_lex[o].t);
			return 0;
		}
	if (s[i] == '"') {
		for (i++; s[i] && s[i] != '"'; i++) {
			if (s[i] == '\\' && (s[i + 1] == '"' || s[i + 1] == '\\'))
				i++;
			if (n + 1 >= sizeof p->tok)
				return fail(p, p->pos, "%s", "the quoted text is too long");
			p->tok[n++] = s[i];
		}
		if (s[i] != '"')
			return fail(p, p->pos, "%s", "a quoted text has no closing \"");
		p->tok[n] = '\0';
		p->kind = T_STRING;
		p->next = i + 1;
		return 0;
	}
	for (; s[i] && !strchr(" \t()\"=!<>", s[i]); i++) {
		if (n + 1 >= sizeof p->tok)
			return fail(p, p->pos, "%s", "a word is too long");
		p->tok[n++] = s[i];
	}
	if (!n)
		return fail(p, p->pos, "unexpected '%.1s'", s + p->pos);
	p->tok[n] = '\0';
	p->kind = !strcmp(p->tok, "contains") ? T_OP : T_WORD;
	p->op = OP_CONTAINS;
	p->next = i;
	return 0;
}

static bool is_word(const struct parser *p, const char *w)
{
	return p->kind == T_WORD && !strcasecmp(p->tok, w);
}

static int node(struct parser *p, enum nkind k, int a, int b)
{
	if (p->f->nn == FILTER_NODES)
		return fail(p, p->pos, "%s", "the expression is too long");
	p->f->n[p->f->nn] = (struct node){ .kind = k, .a = a, .b = b };
	return p->f->nn++;
}

static int parse_or(struct parser *p);

/* FIELD [OP VALUE], "not" unary, "(" expr ")". */
static int parse_unary(struct parser *p)
{
	const struct ffield *f = NULL;
	size_t at = p->pos;
	int n;

	if (is_word(p, "not")) {
		TRY(lex(p));
		n = parse_unary(p);
		return n < 0 ? n : node(p, N_NOT, n, -1);
	}
	if (p->kind == T_LPAREN) {
		TRY(lex(p));
		TRY(n = parse_or(p));
		if (p->kind != T_RPAREN)
			return fail(p, p->pos, "%s", "')' expected");
		TRY(lex(p));
		return n;
	}
	if (p->kind != T_WORD)
		return fail(p, p->pos, "%s", p->kind == T_END ? "a field was expected at the end" : "a field was expected");
	for (size_t i = 0; i < NFIELDS; i++)
		if (!strcasecmp(fields[i].name, p->tok))
			f = &fields[i];
	if (!f)
		return fail(p, at, "no field called '%s' (fields: %s)", p->tok, filter_fields());
	TRY(lex(p));
	if (p->kind != T_OP) {
		TRY(n = node(p, N_TRUTH, -1, -1));
		p->f->n[n].f = f;
		return n;
	}
	{
		enum op op = p->op;
		size_t vat;

		if (op == OP_CONTAINS && f->type != F_STR)
			return fail(p, p->pos, "contains applies to text fields, not to %s", f->name);
		if (f->type == F_BOOL && op != OP_EQ && op != OP_NE)
			return fail(p, p->pos, "%s is true or false: use == or !=", f->name);
		TRY(lex(p));
		vat = p->pos;
		if (p->kind != T_WORD && p->kind != T_STRING)
			return fail(p, p->pos, "a value was expected after '%s'", op_text[op]);
		TRY(n = node(p, N_CMP, -1, -1));
		p->f->n[n].f = f;
		p->f->n[n].op = op;
		snprintf(p->f->n[n].text, sizeof p->f->n[n].text, "%s", p->tok);
		if (f->type == F_NUM) {
			char *end;

			errno = 0;
			p->f->n[n].num = strtod(p->tok, &end);
			if (errno || end == p->tok || *end)
				return fail(p, vat, "%s", "a number was expected");
		} else if (f->type == F_BOOL) {
			const char *t = p->tok;

			if (!strcasecmp(t, "true") || !strcasecmp(t, "yes") || !strcmp(t, "1"))
				p->f->n[n].num = 1;
			else if (!strcasecmp(t, "false") || !strcasecmp(t, "no") || !strcmp(t, "0"))
				p->f->n[n].num = 0;
			else
				return fail(p, vat, "%s", "true or false was expected");
		}
		TRY(lex(p));
		return n;
	}
}

static int parse_and(struct parser *p)
{
	int a = parse_unary(p);

	while (a >= 0 && is_word(p, "and")) {
		int b;

		TRY(lex(p));
		TRY(b = parse_unary(p));
		TRY(a = node(p, N_AND, a, b));
	}
	return a;
}

static int parse_or(struct parser *p)
{
	int a = parse_and(p);

	while (a >= 0 && is_word(p, "or")) {
		int b;

		TRY(lex(p));
		TRY(b = parse_and(p));
		TRY(a = node(p, N_OR, a, b));
	}
	return a;
}

int filter_compile(const char *expr, struct filter **out, size_t *col)
{
	struct parser p = { .s = expr ? expr : "" };
	int rc;

	*out = NULL;
	if (col)
		*col = 0;
	p.f = calloc(1, sizeof *p.f);
	ENSURE(p.f, ERR_NOMEM, "filter: out of memory");
	rc = lex(&p);
	if (rc == 0 && p.kind == T_END)
		rc = fail(&p, p.pos, "%s", "the filter is empty");
	if (rc == 0)
		rc = parse_or(&p);
	if (rc >= 0 && p.kind != T_END)
		rc = fail(&p, p.pos, "'and', 'or' or the end was expected, not '%s'",
			  p.kind == T_OP ? op_text[p.op] : p.kind == T_RPAREN ? ")" : p.tok);
	if (rc < 0) {
		if (col)
			*col = p.err_col;
		free(p.f);
		return rc;
	}
	p.f->root = rc;
	*out = p.f;
	return 0;
}

/* Text comparison: case-insensitive; version's "1.3" means "TLS 1.3". */
static bool cmp_text(const struct node *n, const char *have)
{
	const char *want = n->text;
	int c;

	if (n->f->str == s_version && strncasecmp(want, "TLS", 3) && !strncasecmp(have, "TLS ", 4))
		have += 4;
	if (n->op == OP_CONTAINS)
		return strcasestr(have, want) != NULL;
	c = strcasecmp(have, want);
	switch (n->op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_GT: return c > 0;
	case OP_LE: return c <= 0;
	default: return c >= 0;
	}
}

static bool cmp_num(enum op op, double have, double want)
{
	switch (op) {
	case OP_EQ: return have == want;
	case OP_NE: return have != want;
	case OP_LT: return have < want;
	case OP_GT: return have > want;
	case OP_LE: return have <= want;
	default: return have >= want;
	}
}

static bool eval(const struct filter *f, int i, const struct conn_row *r)
{
	const struct node *n = &f->n[i];
	char buf[32];
	double v[2];
	int k;

	switch (n->kind) {
	case N_OR: return eval(f, n->a, r) || eval(f, n->b, r);
	case N_AND: return eval(f, n->a, r) && eval(f, n->b, r);
	case N_NOT: return !eval(f, n->a, r);
	case N_TRUTH:
		if (n->f->type == F_STR) {
			const char *s = n->f->str(r, buf, sizeof buf);

			return s && *s && (n->f->str != s_decrypted || !strcmp(s, "yes") || !strcmp(s, "partly"));
		}
		k = n->f->num(r, v);
		return v[0] != 0 || (k > 1 && v[1] != 0);
	default:
		if (n->f->type == F_STR)
			return cmp_text(n, n->f->str(r, buf, sizeof buf));
		k = n->f->num(r, v);
		return cmp_num(n->op, v[0], n->num) || (k > 1 && cmp_num(n->op, v[1], n->num));
	}
}

bool filter_match(const struct filter *f, const struct conn_row *r)
{
	return !f || eval(f, f->root, r);
}

void filter_free(struct filter *f)
{
	free(f);
}
