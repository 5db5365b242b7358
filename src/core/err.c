/* Thread-local error state behind err.h. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char err_buf[512];
static _Thread_local int err_code_last;

/* Record an error for this thread and return code. */
int err_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof err_buf, fmt, ap);
	va_end(ap);
	err_code_last = code;
	return code;
}

/* Prefix the current message with more context. */
int err_wrap(int code, const char *fmt, ...)
{
	char prefix[256], old[sizeof err_buf];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	size_t n = strnlen(prefix, sizeof prefix - 1);
	size_t m;

	memcpy(old, err_buf, sizeof old);
	m = strnlen(old, sizeof err_buf - 1 - n);
	memcpy(err_buf, prefix, n);
	memcpy(err_buf + n, old, m);
	err_buf[n + m] = '\0';
	err_code_last = code;
	return code;
}

/* The last error message of this thread. */
const char *err_msg(void)
{
	return err_buf;
}

/* The last error code of this thread. */
int err_last(void)
{
	return err_code_last;
}

/* Forget the last error. */
void err_clear(void)
{
	err_buf[0] = '\0';
	err_code_last = 0;
}

/* Stable short names, used in JSON error events. */
const char *err_name(int code)
{
	static const char *const names[] = {
		"ok", "short", "length", "value", "unsupported", "io", "nomem",
		"crypto", "auth", "nokey", "state", "usage", "system", "internal",
	};
	int i = -code;

	if (i < 0 || i >= (int)(sizeof names / sizeof names[0]))
		return "unknown";
	return names[i];
}

int err_exit_status(int code)
{
	switch (code) {
	case ERR_USAGE: case ERR_IO: case ERR_VALUE: case ERR_UNSUPPORTED: case ERR_SHORT: case ERR_LENGTH:
		return 2;
	default:
		return 1;
	}
}
