/* Search (/ and N): hex bytes or text in the selected connection's records
 * (the wire bytes and, in the insider view, the decrypted fragment after
 * them) and in the decoded fields of its handshake messages. Everything is
 * searched as the view shows it (hist_view), so the eavesdropper view never
 * finds plaintext. N goes on after the last hit, inside the same record too. */
#include "ui.h"

#include <string.h>
#include <strings.h>

/* Parse "16 03 01" / "160301" into bytes; -1 if q is not hex. */
static int search_hex(const char *q, uint8_t *out, int cap)
{
	int n = 0, nib = -1;

	for (; *q; q++) {
		int v;

		if (*q == ' ')
			continue;
		if (*q >= '0' && *q <= '9')
			v = *q - '0';
		else if (*q >= 'a' && *q <= 'f')
			v = *q - 'a' + 10;
		else if (*q >= 'A' && *q <= 'F')
			v = *q - 'A' + 10;
		else
			return -1;
		if (nib < 0) {
			nib = v;
		} else {
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(nib << 4 | v);
			nib = -1;
		}
	}
	return nib >= 0 || n == 0 ? -1 : n;
}

/* First occurrence of needle in hay at or after from; -1 if none. */
static long search_bytes(const uint8_t *hay, size_t n, const uint8_t *needle, size_t m, size_t from)
{
	if (!hay || m == 0 || m > n)
		return -1;
	for (size_t i = from; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return (long)i;
	return -1;
}

/* Case-insensitive substring test. */
static bool search_text(const char *s, const char *q)
{
	size_t m = strlen(q);

	for (; s && *s; s++)
		if (!strncasecmp(s, q, m))
			return true;
	return false;
}

/* The first hit in event e at or after position from: a byte of the
 * record's byte space (wire, then plaintext), or a decoded row of a
 * message (1 + field index). -1 if none. */
static long search_event(const struct event *e, const uint8_t *pat, size_t m, const char *q, long from)
{
	if (e->type == EV_RECORD) {
		const struct ev_record *r = &e->u.record;
		long at = from < (long)r->len ? search_bytes(r->bytes, r->len, pat, m, (size_t)from) : -1;

		if (at < 0 && r->encrypted && r->decrypted && r->plain) {
			size_t pf = from > (long)r->len ? (size_t)(from - (long)r->len) : 0;

			at = search_bytes(r->plain, r->plain_len, pat, m, pf);
			if (at >= 0)
				at += (long)r->len;
		}
		return at;
	}
	if (e->type == EV_HANDSHAKE)
		for (size_t f = from > 0 ? (size_t)from - 1 : 0; f < e->u.hs.nfields; f++)
			if (search_text(e->u.hs.fields[f].name, q) || search_text(e->u.hs.fields[f].value, q))
				return (long)f + 1;
	return -1;
}

/* Select a hit and say where it is. */
static void search_select(struct ui *u, size_t i, const struct event *e, long at, size_t m)
{
	const char *next = u->hit_ev == (long)i && u->hit_at == at ? "the only hit" : "N: next";

	u->sel_ev = (long)i;
	u->sel_stage = hist_stage_of(u, i);
	u->follow = false;
	u->hit_ev = (long)i;
	u->hit_at = at;
	u->panes[PANE_LADDER].cur = -2; /* re-find the event's row */
	if (e->type == EV_HANDSHAKE) {
		const struct field *f = &e->u.hs.fields[at - 1];

		u->sel_field = at; /* the decoded pane's row of that field */
		u->wire_match = u->wire_cur = -1;
		ui_message(u, "found \"%s\" in %s, %s (%s)", u->search, e->u.hs.msg ? e->u.hs.msg : "a message",
			   f->name ? f->name : "a field", next);
		return;
	}
	u->sel_field = -1;
	u->wire_match = u->wire_cur = u->hl_off = at;
	u->hl_len = (long)m;
	if (at >= (long)e->u.record.len)
		ui_message(u, "found at record %llu, decrypted byte %ld (%s)", (unsigned long long)e->u.record.index,
			   at - (long)e->u.record.len, next);
	else
		ui_message(u, "found at record %llu byte %ld (%s)", (unsigned long long)e->u.record.index, at, next);
}

/* Search after the last hit (or the selection), wrapping around. */
void ui_search(struct ui *u, const char *query)
{
	char q[256];
	uint8_t pat[128];
	int m;
	size_t start;
	long from;

	snprintf(q, sizeof q, "%s", query); /* query may be u->search itself */
	if (!q[0] || !u->nev) {
		ui_message(u, "not found: %s", q);
		return;
	}
	if (strcmp(q, u->search))
		u->hit_ev = -1; /* a new query starts at the selection */
	snprintf(u->search, sizeof u->search, "%s", q);
	m = search_hex(q, pat, sizeof pat);
	if (m < 0) {
		m = (int)strlen(q) < (int)sizeof pat ? (int)strlen(q) : (int)sizeof pat;
		memcpy(pat, q, (size_t)m);
	}
	if (u->hit_ev >= 0 && u->hit_ev == u->sel_ev && (size_t)u->hit_ev < u->nev) {
		start = (size_t)u->hit_ev;
		from = u->hit_at + 1;
	} else {
		start = u->sel_ev >= 0 && (size_t)u->sel_ev < u->nev ? (size_t)u->sel_ev + 1 : 0;
		from = 0;
	}
	/* k == nev: the start event again, from its beginning (wrapped around) */
	for (size_t k = 0; k <= u->nev; k++) {
		size_t i = (start + k) % u->nev;
		struct event buf;
		const struct event *e = hist_view(u, i, &buf);
		long at;

		if (!e)
			continue;
		at = search_event(e, pat, (size_t)m, q, k == 0 ? from : 0);
		if (at >= 0) {
			search_select(u, i, e, at, (size_t)m);
			return;
		}
	}
	u->hit_ev = -1;
	ui_message(u, "not found: %s", q);
}
