/* One error convention for the whole engine.
 *
 * Every fallible function returns int: 0 (or a non-negative count) on success,
 * a negative ERR_* code on failure. The failing site records a message naming
 * the field and offset with err_set(); callers propagate with TRY(), check
 * conditions with ENSURE(), and functions that own resources use the _GOTO
 * variants so there is one cleanup path ("out:").
 */
#ifndef TLSVIZ_ERR_H
#define TLSVIZ_ERR_H

enum err_code {
	ERR_OK = 0,
	ERR_SHORT = -1,       /* fewer bytes than a read needs (truncated input) */
	ERR_LENGTH = -2,      /* a declared length disagrees with what is there */
	ERR_VALUE = -3,       /* a field holds a value the protocol forbids */
	ERR_UNSUPPORTED = -4, /* valid but not handled (link type, suite, ...) */
	ERR_IO = -5,          /* file or socket I/O failed */
	ERR_NOMEM = -6,       /* allocation failed or a configured cap was hit */
	ERR_CRYPTO = -7,      /* a crypto primitive failed */
	ERR_AUTH = -8,        /* AEAD tag or MAC did not verify */
	ERR_NOKEY = -9,       /* no key material for this connection/record */
	ERR_STATE = -10,      /* call not valid in the current state */
	ERR_USAGE = -11,      /* bad command line or option combination */
	ERR_SYSTEM = -12,     /* an OS facility refused (permission, namespace) */
	ERR_INTERNAL = -13,   /* a bug in tlsviz */
};

/* Record an error for this thread and return code (always negative). */
int err_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefix the current message with context ("ClientHello: " + old message). */
int err_wrap(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The last error message recorded by this thread ("" if none). */
const char *err_msg(void);
/* The last error code recorded by this thread (0 if none). */
int err_last(void);
/* The command's exit status for an error that stopped it before anything
 * was shown: 2 for bad usage or an unusable input, key or output (ERR_USAGE,
 * ERR_IO, ERR_VALUE, ERR_UNSUPPORTED, ERR_SHORT, ERR_LENGTH), 1 otherwise.
 * Batch and TUI share it, so the same input gives the same status. */
int err_exit_status(int code);

/* A short stable name for a code ("short", "length", ...). */
const char *err_name(int code);
/* Forget the last error of this thread. */
void err_clear(void);

#define TRY(expr)                                                              \
	do {                                                                   \
		int try_rc_ = (expr);                                          \
		if (try_rc_ < 0)                                               \
			return try_rc_;                                        \
	} while (0)

#define ENSURE(cond, code, ...)                                                \
	do {                                                                   \
		if (!(cond))                                                   \
			return err_set((code), __VA_ARGS__);                   \
	} while (0)

/* Variants for functions with a cleanup path: need `int rc` and label out. */
#define TRY_GOTO(expr)                                                         \
	do {                                                                   \
		rc = (expr);                                                   \
		if (rc < 0)                                                    \
			goto out;                                              \
	} while (0)

#define ENSURE_GOTO(cond, code, ...)                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			rc = err_set((code), __VA_ARGS__);                     \
			goto out;                                              \
		}                                                              \
	} while (0)

#endif
