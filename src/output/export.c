/* --export-plaintext: each connection's decrypted stream, per direction, to a file. */
#include "output/views.h"

#include "core/err.h"
#include "output/view_int.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT_MAX_FILES 256
/* Each file's write buffer: 16 writes a MiB of plaintext; 16 MiB with all
 * 256 files open. */
#define EXPORT_BUF ((size_t)64 << 10)

struct export_file {
	uint32_t conn;
	enum dir dir;
	FILE *f;
	char *buf; /* f's buffer (glibc sizes its own at 4 KiB) */
};

struct export_view {
	struct view_base base;
	char dir[PATH_MAX];
	struct export_file files[EXPORT_MAX_FILES];
	int n;
};

/* The open file for conn/dir, opening it (0600) on first use. */
static FILE *export_file(struct export_view *v, uint32_t conn, enum dir d)
{
	char path[PATH_MAX + 64];
	int fd;

	for (int i = 0; i < v->n; i++)
		if (v->files[i].conn == conn && v->files[i].dir == d)
			return v->files[i].f;
	if (v->n == EXPORT_MAX_FILES)
		return NULL;
	snprintf(path, sizeof path, "%s/conn%u-%s.bin", v->dir, conn, dir_name(d));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	v->files[v->n].conn = conn;
	v->files[v->n].dir = d;
	v->files[v->n].f = fdopen(fd, "wb");
	if (!v->files[v->n].f) {
		close(fd);
		return NULL;
	}
	v->files[v->n].buf = malloc(EXPORT_BUF);
	if (v->files[v->n].buf)
		setvbuf(v->files[v->n].f, v->files[v->n].buf, _IOFBF, EXPORT_BUF);
	return v->files[v->n++].f;
}

static void export_emit(struct sink *self, const struct event *ev)
{
	struct export_view *v = (struct export_view *)self;
	FILE *f;

	if (ev->type != EV_APP_DATA || !ev->dir)
		return;
	f = export_file(v, ev->conn, ev->dir);
	if (!f || fwrite(ev->u.app.data, 1, ev->u.app.len, f) != ev->u.app.len)
		v->base.failed = true;
}

static int export_close(struct view_base *b)
{
	struct export_view *v = (struct export_view *)b;
	bool bad = b->failed;

	for (int i = 0; i < v->n; i++) {
		if (fclose(v->files[i].f) != 0)
			bad = true;
		free(v->files[i].buf);
	}
	free(v);
	return bad ? err_set(ERR_IO, "writing exported plaintext failed") : 0;
}

/* An export sink writing into dir (must exist and be writable). */
struct sink *view_export_new(const char *dir)
{
	struct export_view *v;

	if (access(dir, W_OK | X_OK) != 0) {
		err_set(ERR_IO, "--export-plaintext: cannot write into directory %s", dir);
		return NULL;
	}
	v = calloc(1, sizeof *v);
	if (!v)
		return NULL;
	snprintf(v->dir, sizeof v->dir, "%s", dir);
	v->base.sink.emit = export_emit;
	v->base.close = export_close;
	return &v->base.sink;
}
