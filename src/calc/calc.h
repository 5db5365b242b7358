/* `tlsviz calc`: recompute one value of a TLS key schedule, key exchange or
 * record from hex inputs, so a student can check what the screen shows
 * against the RFC by hand. The value goes to stdout as hex and nothing else
 * (scriptable); --explain adds the formula and the inputs. */
#ifndef TLSVIZ_CALC_H
#define TLSVIZ_CALC_H

#include <stdio.h>

/* One operation of the table (names from keys/calcline.h). */
struct calc_op {
	const char *name;    /* "hkdf-extract" */
	const char *usage;   /* "SALT IKM" */
	const char *help;    /* one line for --help */
	const char *formula; /* --explain's first line */
	const char *options; /* which of calc's options apply ("--hash") or NULL */
};

/* The table, NULL-name terminated (the man page is checked against it). */
const struct calc_op *calc_ops(void);

/* Run `calc` with argv[0] = "calc" (argc counts it). Output to out, errors
 * to err. Returns the exit status: 0, 1 (aead-open: authentication failed),
 * 2 (bad usage or input, said in one line). */
int calc_main(int argc, char **argv, FILE *out, FILE *err);

#endif
