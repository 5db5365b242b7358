/* NSS key log writer: temp file + rename, or O_APPEND for SSLKEYLOGFILE. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/hex.h"
#include "keys/keylog_write.h"

#define KL_MAX_SECRET 64
#define KL_MAX_SEEN 64

struct keylog_writer {
	pthread_mutex_t lock;
	int fd;
	bool append;
	char *path;     /* final name */
	char *tmp;      /* temporary name (new-file mode) */
	size_t count;
	int failed;     /* a write failed: commit refuses */
	/* lines already written, to drop duplicates (both endpoints report the
	 * same secret); small fixed table, a session has at most ~6 lines */
	struct {
		char label[40];
		uint8_t cr[32];
		uint8_t secret[KL_MAX_SECRET];
		size_t len;
	} seen[KL_MAX_SEEN];
	size_t nseen;
};

/* Allocate a printf-formatted string. */
static char *str_printf(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s", a, b);
	return s;
}

int keylog_writer_open(struct keylog_writer **out, const char *path, bool append)
{
	struct keylog_writer *w;
	int rc = 0;

	*out = NULL;
	ENSURE(path && *path, ERR_USAGE, "key log: empty file name");
	w = calloc(1, sizeof *w);
	ENSURE(w, ERR_NOMEM, "key log: out of memory");
	w->fd = -1;
	w->append = append;
	pthread_mutex_init(&w->lock, NULL);
	w->path = strdup(path);
	ENSURE_GOTO(w->path, ERR_NOMEM, "key log: out of memory");
	if (append) {
		w->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		ENSURE_GOTO(w->fd >= 0, ERR_IO, "key log %s: %s", path, strerror(errno));
	} else {
		w->tmp = str_printf(path, ".XXXXXX");
		ENSURE_GOTO(w->tmp, ERR_NOMEM, "key log: out of memory");
		w->fd = mkostemp(w->tmp, O_CLOEXEC); /* mkostemp creates 0600 */
		if (w->fd < 0) {
			rc = err_set(ERR_IO, "key log %s: cannot create temporary file: %s", path,
				     strerror(errno));
			free(w->tmp);
			w->tmp = NULL;
			goto out;
		}
		(void)fchmod(w->fd, 0600);
	}
	*out = w;
	return 0;
out:
	keylog_writer_abort(w);
	return rc;
}

/* Write all of buf; 0 or ERR_IO. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, buf, n);

		if (k < 0 && errno == EINTR)
			continue;
		ENSURE(k > 0, ERR_IO, "key log: write failed: %s", k < 0 ? strerror(errno) : "short");
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

int keylog_writer_add(struct keylog_writer *w, const char *label,
		      const uint8_t client_random[32], const uint8_t *secret, size_t len)
{
	char line[40 + 1 + 64 + 1 + 2 * KL_MAX_SECRET + 2];
	size_t n, i;
	int rc = 0;

	ENSURE(w && label && client_random && secret, ERR_INTERNAL, "key log: NULL argument");
	ENSURE(len > 0 && len <= KL_MAX_SECRET, ERR_VALUE, "key log: secret of %zu bytes", len);
	ENSURE(strlen(label) < 40, ERR_VALUE, "key log: label too long");
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < w->nseen; i++) {
		if (!strcmp(w->seen[i].label, label) && !memcmp(w->seen[i].cr, client_random, 32) &&
		    w->seen[i].len == len && !memcmp(w->seen[i].secret, secret, len))
			goto out; /* already written */
	}
	n = (size_t)snprintf(line, sizeof line, "%s ", label);
	hex_encode(client_random, 32, line + n);
	n += 64;
	line[n++] = ' ';
	hex_encode(secret, len, line + n);
	n += 2 * len;
	line[n++] = '\n';
	rc = write_all(w->fd, line, n);
	explicit_bzero(line, sizeof line);
	if (rc < 0) {
		w->failed = 1;
		goto out;
	}
	w->count++;
	if (w->nseen < KL_MAX_SEEN) {
		snprintf(w->seen[w->nseen].label, sizeof w->seen[0].label, "%s", label);
		memcpy(w->seen[w->nseen].cr, client_random, 32);
		memcpy(w->seen[w->nseen].secret, secret, len);
		w->seen[w->nseen].len = len;
		w->nseen++;
	}
out:
	pthread_mutex_unlock(&w->lock);
	return rc;
}

size_t keylog_writer_count(const struct keylog_writer *w)
{
	return w ? w->count : 0;
}

/* Close, wipe and free the writer (no file system changes). */
static void writer_free(struct keylog_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w->path);
	free(w->tmp);
	pthread_mutex_destroy(&w->lock);
	explicit_bzero(w, sizeof *w);
	free(w);
}

int keylog_writer_commit(struct keylog_writer *w)
{
	int rc = 0;

	ENSURE(w, ERR_INTERNAL, "key log: NULL writer");
	if (w->failed) {
		rc = err_set(ERR_IO, "key log %s: an earlier write failed", w->path);
		keylog_writer_abort(w);
		return rc;
	}
	if (fsync(w->fd) < 0 && errno != EINVAL) {
		rc = err_set(ERR_IO, "key log %s: fsync: %s", w->path, strerror(errno));
		keylog_writer_abort(w);
		return rc;
	}
	if (!w->append) {
		if (rename(w->tmp, w->path) < 0) {
			rc = err_set(ERR_IO, "key log %s: rename: %s", w->path, strerror(errno));
			keylog_writer_abort(w);
			return rc;
		}
	}
	writer_free(w);
	return 0;
}

void keylog_writer_abort(struct keylog_writer *w)
{
	if (!w)
		return;
	if (!w->append && w->tmp)
		(void)unlink(w->tmp);
	writer_free(w);
}
