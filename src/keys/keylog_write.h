/* Writing an NSS key log (the format Wireshark, curl and browsers share).
 *
 * Two modes:
 *  - a new file (--keylog FILE): lines go to a 0600 temporary file next to
 *    the target, renamed over it only by keylog_writer_commit(), so an error
 *    never leaves a half-written key log behind (keylog_writer_abort()
 *    removes the temporary file);
 *  - append (SSLKEYLOGFILE): opened O_APPEND, created 0600 if missing, lines
 *    are flushed as they are added, like curl and browsers do.
 * Adding is thread-safe (the live session's two threads both add).
 */
#ifndef TLSVIZ_KEYLOG_WRITE_H
#define TLSVIZ_KEYLOG_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keylog_writer;

/* Open a writer for path; append selects SSLKEYLOGFILE behaviour. */
int keylog_writer_open(struct keylog_writer **out, const char *path, bool append);
/* Add one line "LABEL <client_random hex> <secret hex>". Identical lines
 * (same label, random and secret) are written once. */
int keylog_writer_add(struct keylog_writer *w, const char *label,
		      const uint8_t client_random[32], const uint8_t *secret, size_t len);
/* Lines written so far. */
size_t keylog_writer_count(const struct keylog_writer *w);
/* Finish: flush, fsync and (new-file mode) rename into place; frees w. */
int keylog_writer_commit(struct keylog_writer *w);
/* Give up: close and (new-file mode) remove the temporary file; frees w. */
void keylog_writer_abort(struct keylog_writer *w);

#endif
