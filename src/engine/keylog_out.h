/* Writing the live session's keys as an NSS key log (--keylog, SSLKEYLOGFILE). */
#ifndef TLSVIZ_KEYLOG_OUT_H
#define TLSVIZ_KEYLOG_OUT_H

#include "keys/keys.h"

#include <stdbool.h>

/* Fail early (ERR_IO naming the option and path) when an output file cannot
 * be created: its directory is not writable or path is a directory. NULL path
 * is fine. Creates nothing. */
int output_path_check(const char *path, const char *opt);
/* Write every key of the store to path: a new file (0600, temp + rename) or,
 * with append, appended as SSLKEYLOGFILE is. */
int keylog_out_write(struct keystore *ks, const char *path, bool append);

#endif
