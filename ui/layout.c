/* Layouts: one table of screen arrangements (full, presenter, bytes), each a
 * list of at most two groups of panes; the weights the user changes with
 * '+'/'-' and the panes hidden with 'x', kept per layout and saved to
 * $XDG_CONFIG_HOME/tlsviz/tui.conf so that the choice survives restarts. */
#include "ui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One group: panes side by side (in a row) or stacked (in a column). A
 * shared group shows one of its panes at a time: the one focused last. */
struct lgroup {
	int n;
	int pane[3];
	bool shared;
};

struct layout_def {
	const char *name;
	const char *help;
	bool rows;              /* the groups are rows, stacked; else columns, side by side */
	int ngroups;
	struct lgroup g[2];
	int gweight[2];         /* default share of each group */
	int weight[NPANES];     /* default share of each pane in its group */
};

static const struct layout_def layouts[LAYOUT_N] = {
	[LAYOUT_FULL] = {
		.name = "full",
		.help = "all five panes: Stages and Explain left; Decoded, Wire and Keys right",
		.rows = false, .ngroups = 2,
		.g = { { 2, { PANE_LADDER, PANE_EXPLAIN } }, { 3, { PANE_DECODED, PANE_WIRE, PANE_KEYS } } },
		.gweight = { 40, 60 },
		.weight = { [PANE_LADDER] = 55, [PANE_EXPLAIN] = 45, [PANE_DECODED] = 30, [PANE_WIRE] = 38,
			    [PANE_KEYS] = 32 },
	},
	[LAYOUT_PRESENTER] = {
		.name = "presenter",
		.help = "Stages and Explain large, Wire below (tab shows Decoded or Keys there)",
		.rows = true, .ngroups = 2,
		.g = { { 2, { PANE_LADDER, PANE_EXPLAIN } },
		       { 3, { PANE_WIRE, PANE_DECODED, PANE_KEYS }, .shared = true } },
		.gweight = { 64, 36 },
		.weight = { [PANE_LADDER] = 45, [PANE_EXPLAIN] = 55, [PANE_DECODED] = 1, [PANE_WIRE] = 1,
			    [PANE_KEYS] = 1 },
	},
	[LAYOUT_BYTES] = {
		.name = "bytes",
		.help = "Wire across the whole width above Decoded",
		.rows = true, .ngroups = 2,
		.g = { { 1, { PANE_WIRE } }, { 1, { PANE_DECODED } } },
		.gweight = { 58, 42 },
		.weight = { [PANE_WIRE] = 1, [PANE_DECODED] = 1 },
	},
};

/* Bounds of a share, so that no pane vanishes by resizing. */
#define W_MIN 10
#define W_MAX 90

const char *layout_name(enum layout_id l)
{
	return l < LAYOUT_N ? layouts[l].name : "?";
}

const char *layout_help(enum layout_id l)
{
	return l < LAYOUT_N ? layouts[l].help : "";
}

int layout_by_name(const char *name)
{
	for (int l = 0; l < LAYOUT_N; l++)
		if (!strcmp(layouts[l].name, name))
			return l;
	return -1;
}

int tui_layout_by_name(const char *name)
{
	return layout_by_name(name);
}

const char *tui_layout_names(void)
{
	static char names[64];

	if (!names[0])
		for (int l = 0; l < LAYOUT_N; l++)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", l ? ", " : "",
				 layouts[l].name);
	return names;
}

void layout_defaults(struct layout_state *ls)
{
	memset(ls, 0, sizeof *ls);
	for (int l = 0; l < LAYOUT_N; l++) {
		for (int g = 0; g < 2; g++)
			ls->gweight[l][g] = layouts[l].gweight[g];
		for (int p = 0; p < NPANES; p++) /* 1 for the panes it does not show */
			ls->weight[l][p] = layouts[l].weight[p] ? layouts[l].weight[p] : 1;
	}
	ls->cur = LAYOUT_FULL;
	ls->slot = PANE_WIRE;
}

/* The group of layout l holding pane p, or -1. */
static int group_of(enum layout_id l, int p)
{
	for (int g = 0; g < layouts[l].ngroups; g++)
		for (int i = 0; i < layouts[l].g[g].n; i++)
			if (layouts[l].g[g].pane[i] == p)
				return g;
	return -1;
}

/* Pane p of group g is drawn now. */
static bool drawn(const struct layout_state *ls, int g, int p)
{
	const struct lgroup *gr = &layouts[ls->cur].g[g];

	if (ls->hidden[ls->cur][p])
		return false;
	if (gr->shared)
		return p == ls->slot || (group_of(ls->cur, ls->slot) != g && p == gr->pane[0]);
	return true;
}

bool layout_focusable(const struct layout_state *ls, int p)
{
	return group_of(ls->cur, p) >= 0 && !ls->hidden[ls->cur][p];
}

void layout_focus(struct layout_state *ls, int p)
{
	int g = group_of(ls->cur, p);

	if (g >= 0 && layouts[ls->cur].g[g].shared)
		ls->slot = p;
}

void layout_geometry(const struct layout_state *ls, int y0, int H, int W, int geo[NPANES][4])
{
	const struct layout_def *d = &layouts[ls->cur];
	int gw[2] = { 0, 0 }, gsum = 0, along = d->rows ? H : W, across = d->rows ? W : H, at = 0, used = 0;
	int ng = 0;

	memset(geo, 0, sizeof(int) * NPANES * 4);
	for (int g = 0; g < d->ngroups; g++)
		for (int i = 0; i < d->g[g].n; i++)
			if (drawn(ls, g, d->g[g].pane[i])) {
				gw[g] = ls->gweight[ls->cur][g];
				break;
			}
	for (int g = 0; g < d->ngroups; g++) {
		gsum += gw[g];
		ng += gw[g] > 0;
	}
	for (int g = 0; g < d->ngroups && gsum; g++) {
		int len, wsum = 0, pat = 0, np = 0, k = 0;

		if (!gw[g])
			continue;
		/* the last group takes what rounding left */
		len = ++used == ng ? along - at : along * gw[g] / gsum;
		for (int i = 0; i < d->g[g].n; i++)
			if (drawn(ls, g, d->g[g].pane[i])) {
				wsum += ls->weight[ls->cur][d->g[g].pane[i]];
				np++;
			}
		for (int i = 0; i < d->g[g].n; i++) {
			int p = d->g[g].pane[i], plen;

			if (!drawn(ls, g, p))
				continue;
			plen = ++k == np ? across - pat : across * ls->weight[ls->cur][p] / wsum;
			if (d->rows) /* the group is a row: panes side by side */
				geo[p][0] = y0 + at, geo[p][1] = pat, geo[p][2] = len, geo[p][3] = plen;
			else         /* a column: panes stacked */
				geo[p][0] = y0 + pat, geo[p][1] = at, geo[p][2] = plen, geo[p][3] = len;
			pat += plen;
		}
		at += len;
	}
}

bool layout_resize(struct layout_state *ls, int p, int delta)
{
	const struct layout_def *d = &layouts[ls->cur];
	int g = group_of(ls->cur, p), siblings = 0, *w;

	if (g < 0)
		return false;
	for (int i = 0; i < d->g[g].n; i++)
		siblings += d->g[g].pane[i] != p && drawn(ls, g, d->g[g].pane[i]);
	/* with neighbours in its group the pane takes room from them; alone
	 * (or sharing its place) its group takes room from the other group */
	if (siblings && !d->g[g].shared) {
		int sum = 0, pct, rest;

		for (int i = 0; i < d->g[g].n; i++)
			if (drawn(ls, g, d->g[g].pane[i]))
				sum += ls->weight[ls->cur][d->g[g].pane[i]];
		w = &ls->weight[ls->cur][p];
		pct = *w * 100 / sum + delta; /* its share of the group, in per cent */
		rest = sum - *w;
		if (pct < W_MIN || pct > W_MAX || rest <= 0)
			return false;
		for (int i = 0; i < d->g[g].n; i++) {
			int q = d->g[g].pane[i];

			if (q != p && drawn(ls, g, q)) {
				int *wq = &ls->weight[ls->cur][q];

				*wq = *wq * (100 - pct) / rest;
				if (*wq < 1)
					*wq = 1;
			}
		}
		*w = pct;
		return true;
	}
	if (d->ngroups < 2)
		return false;
	{
		int *mine = &ls->gweight[ls->cur][g], *other = &ls->gweight[ls->cur][1 - g];
		int sum = *mine + *other, pct = *mine * 100 / sum + delta;

		if (pct < W_MIN || pct > W_MAX)
			return false;
		*mine = pct;
		*other = 100 - pct;
	}
	return true;
}

bool layout_hide(struct layout_state *ls, int p)
{
	int shown = 0;

	for (int q = 0; q < NPANES; q++)
		shown += layout_focusable(ls, q);
	if (!layout_focusable(ls, p) || shown <= 1)
		return false;
	ls->hidden[ls->cur][p] = true;
	if (ls->slot == p)
		ls->slot = PANE_WIRE;
	return true;
}

void layout_show_all(struct layout_state *ls)
{
	memset(ls->hidden[ls->cur], 0, sizeof ls->hidden[ls->cur]);
}

/* The config file's path: $XDG_CONFIG_HOME/tlsviz/tui.conf, else
 * $HOME/.config/tlsviz/tui.conf; dir gets its folder. */
static int conf_path(char *path, size_t cap, char *dir, size_t dcap)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	int n;

	if (x && x[0] == '/')
		n = snprintf(dir, dcap, "%s/tlsviz", x);
	else if (h && h[0] == '/')
		n = snprintf(dir, dcap, "%s/.config/tlsviz", h);
	else
		return -1;
	if (n < 0 || (size_t)n >= dcap)
		return -1;
	n = snprintf(path, cap, "%s/tui.conf", dir);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* "name w0 w1 w2 w3 w4 g0 g1 h0 h1 h2 h3 h4" per layout, and "layout NAME". */
int layout_load(struct layout_state *ls, char *msg, size_t cap)
{
	char path[600], dir[560], line[256], name[32];
	FILE *f;
	int bad = 0, lineno = 0;

	msg[0] = '\0';
	if (conf_path(path, sizeof path, dir, sizeof dir) < 0)
		return 0;
	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : (snprintf(msg, cap, "%s: %s (default layout)", path, strerror(errno)), -1);
	while (fgets(line, sizeof line, f)) {
		int v[12], l;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "layout %31s", name) == 1) {
			l = layout_by_name(name);
			if (l >= 0)
				ls->cur = (enum layout_id)l;
			else if (!bad++)
				snprintf(msg, cap, "%s line %d: no layout called '%s'", path, lineno, name);
			continue;
		}
		if (sscanf(line, "%31s %d %d %d %d %d %d %d %d %d %d %d %d", name, &v[0], &v[1], &v[2], &v[3], &v[4],
			   &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11]) == 13 &&
		    (l = layout_by_name(name)) >= 0) {
			bool ok = true;

			for (int i = 0; i < 7; i++)
				ok &= v[i] >= 1 && v[i] <= 1000; /* a share: never 0 (it divides) */
			for (int i = 7; i < 12; i++)
				ok &= v[i] == 0 || v[i] == 1;
			if (ok) {
				for (int p = 0; p < NPANES; p++) {
					ls->weight[l][p] = v[p];
					ls->hidden[l][p] = v[7 + p];
				}
				ls->gweight[l][0] = v[5];
				ls->gweight[l][1] = v[6];
				continue;
			}
		}
		if (!bad++)
			snprintf(msg, cap, "%s line %d not understood: ignored", path, lineno);
	}
	fclose(f);
	/* never a layout with nothing in it */
	for (int l = 0; l < LAYOUT_N; l++) {
		bool any = false;

		for (int p = 0; p < NPANES; p++)
			any |= group_of((enum layout_id)l, p) >= 0 && !ls->hidden[l][p];
		if (!any)
			memset(ls->hidden[l], 0, sizeof ls->hidden[l]);
	}
	return bad ? -1 : 0;
}

int layout_save(const struct layout_state *ls, char *msg, size_t cap)
{
	char path[600], dir[560], tmp[640];
	FILE *f;
	int fd, ok;

	msg[0] = '\0';
	if (conf_path(path, sizeof path, dir, sizeof dir) < 0)
		return 0; /* no home: nothing to keep it in */
	{
		/* $HOME/.config may not exist yet */
		char parent[560];
		char *slash;

		snprintf(parent, sizeof parent, "%s", dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			(void)mkdir(parent, 0755);
		}
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			snprintf(msg, cap, "layout not saved: %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(msg, cap, "layout not saved: %s: %s", dir, strerror(errno));
		return -1;
	}
	(void)fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		snprintf(msg, cap, "layout not saved: %s", strerror(errno));
		return -1;
	}
	fprintf(f, "# tlsviz TUI layout (v, +, -, x, X in the TUI write it)\nlayout %s\n", layout_name(ls->cur));
	for (int l = 0; l < LAYOUT_N; l++) {
		fprintf(f, "%s", layouts[l].name);
		for (int p = 0; p < NPANES; p++)
			fprintf(f, " %d", ls->weight[l][p]);
		fprintf(f, " %d %d", ls->gweight[l][0], ls->gweight[l][1]);
		for (int p = 0; p < NPANES; p++)
			fprintf(f, " %d", ls->hidden[l][p] ? 1 : 0);
		fputc('\n', f);
	}
	ok = fflush(f) == 0 && !ferror(f);
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) < 0) {
		snprintf(msg, cap, "layout not saved: %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
