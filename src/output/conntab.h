/* The connection table: one summary row per TCP connection, folded from
 * the events as they pass (no event is kept): what --connections prints and
 * the TUI's connection picker (C) lists. */
#ifndef TLSVIZ_OUTPUT_CONNTAB_H
#define TLSVIZ_OUTPUT_CONNTAB_H

#include "core/event.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn_row {
	uint32_t id;
	char client[64], server[64];
	uint16_t version;
	char suite[80], group[40], sni[256], alpn[64];
	char label[64];               /* what the engine says the connection is (forward secrecy's parts), or "" */
	bool resumed, hrr, have_ch, have_sh;
	unsigned alerts;
	int fatal_alert;              /* description of the first fatal alert, -1 none */
	uint64_t bytes[3], packets;   /* TCP payload bytes by dir (DIR_C2S, DIR_S2C) */
	uint64_t t0, t1;              /* first and last packet (capture time, us) */
	uint64_t enc, dec, authfail, plain; /* records */
	char why[120];                /* why the first encrypted record did not decrypt */
	char *ja3_full, *ja3s_full;   /* malloc'd */
	char ja3[33], ja3s[33];
	char *ja4_r, *ja4s_r;         /* the raw forms, malloc'd */
	char ja4[40], ja4s[40];       /* "" until the hello is seen */
};

struct conn_table;

struct conn_table *conn_table_new(void);
void conn_table_free(struct conn_table *t);
/* Fold one event in (events of conn 0 are ignored); ERR_NOMEM on failure. */
int conn_table_add(struct conn_table *t, const struct event *ev);
/* Rows in the order the connections appeared. */
size_t conn_table_count(const struct conn_table *t);
const struct conn_row *conn_table_at(const struct conn_table *t, size_t i);
/* The row of connection id, or NULL. */
const struct conn_row *conn_table_find(const struct conn_table *t, uint32_t id);
/* "yes", "partly", "no", "plaintext" or "no records". */
const char *conn_row_decrypted(const struct conn_row *r);
/* "TLS 1.3" ... or "-". */
const char *conn_row_version(const struct conn_row *r);

#endif
