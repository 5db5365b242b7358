/* The key store as an NSS key log file, through the key log writer. */
#include "engine/keylog_out.h"

#include "core/err.h"
#include "core/hex.h"
#include "keys/keylog_write.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Refuse an unusable output path before the session starts. */
int output_path_check(const char *path, const char *opt)
{
	char copy[PATH_MAX];
	struct stat st;

	if (!path)
		return 0;
	ENSURE(*path, ERR_USAGE, "%s: empty file name", opt);
	ENSURE(!(stat(path, &st) == 0 && S_ISDIR(st.st_mode)), ERR_IO,
	       "%s: %s is a directory", opt, path);
	snprintf(copy, sizeof copy, "%s", path);
	/* the only reliable test (root passes access() everywhere): create and
	 * remove a probe file where the output will be written */
	{
		char probe[PATH_MAX + 32];
		int fd;

		snprintf(probe, sizeof probe, "%s/.tlsviz-probe-XXXXXX", dirname(copy));
		fd = mkstemp(probe);
		ENSURE(fd >= 0, ERR_IO, "%s: cannot create files in the directory of %s: %s", opt,
		       path, strerror(errno));
		close(fd);
		unlink(probe);
	}
	return 0;
}

/* Add one "LABEL CR SECRET" line of the store's text to the writer. */
static int keylog_out_line(struct keylog_writer *w, char *line)
{
	char *label = strtok(line, " "), *cr = strtok(NULL, " "), *sec = strtok(NULL, " \r\n");
	uint8_t crb[32], secb[64];
	int n;

	if (!label || !cr || !sec || strlen(cr) != 64)
		return 0; /* RSA lines and the like: not part of a live session */
	TRY(hex_decode(cr, 64, crb, sizeof crb));
	n = hex_decode(sec, strlen(sec), secb, sizeof secb);
	TRY(n);
	n = keylog_writer_add(w, label, crb, secb, (size_t)n);
	secure_wipe(secb, sizeof secb);
	return n;
}

/* Write the store to path. */
int keylog_out_write(struct keystore *ks, const char *path, bool append)
{
	struct keylog_writer *w = NULL;
	size_t len = 0;
	char *text = keystore_to_keylog(ks, &len), *save = NULL;
	int rc;

	ENSURE(text, ERR_NOMEM, "out of memory");
	TRY_GOTO(keylog_writer_open(&w, path, append));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		TRY_GOTO(keylog_out_line(w, l));
	rc = keylog_writer_commit(w);
	w = NULL;
out:
	if (w)
		keylog_writer_abort(w);
	secure_wipe(text, len);
	free(text);
	return rc;
}
