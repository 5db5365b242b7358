/* The TLS record layer of one direction (RFC 8446 5.1, RFC 5246 6.2): cuts
 * the in-order TCP byte stream into records, buffering at most one partial
 * record, and resynchronises at the next plausible header after garbage or
 * a gap. */
#ifndef TLSVIZ_TLS_RECORD_H
#define TLSVIZ_TLS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest fragment accepted: 2^14 + 2048 (RFC 5246 TLSCiphertext). */
#define RECORD_MAX_FRAG (16384 + 2048)
#define RECORD_HDR 5

/* One record as it sits in the stream. */
struct record_view {
	uint8_t type;
	uint16_t version;
	uint16_t length;
	const uint8_t *bytes; /* header + fragment */
	size_t len;
	uint64_t stream_off;  /* offset of the header */
};

/* Callbacks: a complete record, or a record-layer error (message in err_msg()). */
struct record_sink {
	void (*record)(void *ctx, const struct record_view *r);
	void (*error)(void *ctx, int code, uint64_t stream_off);
	void *ctx;
};

struct record_stream {
	uint8_t buf[RECORD_HDR + RECORD_MAX_FRAG]; /* the one partial record */
	size_t have;
	uint64_t next_off;  /* stream offset of the next byte expected */
	bool started;
	bool resync;        /* looking for a plausible header */
	uint64_t skipped;   /* bytes dropped while resynchronising */
};

void record_stream_init(struct record_stream *s);
/* Feed in-order bytes starting at stream offset off. Bytes already seen are
 * ignored; a jump forward is treated like a gap. */
void record_stream_feed(struct record_stream *s, const uint8_t *data, size_t len,
			uint64_t off, const struct record_sink *out);
/* Bytes are missing: drop the partial record and resynchronise after them. */
void record_stream_gap(struct record_stream *s, uint64_t off, uint64_t missing);
/* End of stream: ERR_SHORT (with message) when a partial record is left. */
int record_stream_end(struct record_stream *s);
/* Check a 5-byte header read at stream offset off: 0, ERR_LENGTH (too long)
 * or ERR_VALUE (not a TLS record header), with a message. */
int record_header_check(const uint8_t *hdr, size_t n, uint64_t off, struct record_view *out);
/* Strict test used while resynchronising: known type, SSL 3.0..TLS 1.3
 * version, 1..RECORD_MAX_FRAG bytes. */
bool record_header_plausible(const uint8_t hdr[RECORD_HDR]);

#endif
