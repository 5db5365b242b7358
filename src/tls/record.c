/* Record layer: stream buffering, header checks, resynchronisation. */
#include "tls/record.h"

#include "core/cursor.h"
#include "core/err.h"

#include <string.h>

/* Start an empty stream at offset 0. */
void record_stream_init(struct record_stream *s)
{
	s->have = 0;
	s->next_off = 0;
	s->started = false;
	s->resync = false;
	s->skipped = 0;
}

/*
 * struct {
 *     ContentType type;
 *     ProtocolVersion legacy_record_version;
 *     uint16 length;
 *     opaque fragment[TLSPlaintext.length];
 * } TLSPlaintext;
 */
int record_header_check(const uint8_t *hdr, size_t n, uint64_t off, struct record_view *out)
{
	struct cursor c;

	cursor_init(&c, hdr, n, off);
	TRY(cursor_u8(&c, "record content_type", &out->type));
	TRY(cursor_u16(&c, "record legacy_record_version", &out->version));
	TRY(cursor_u16(&c, "record length", &out->length));
	ENSURE((out->version >> 8) == 3 && (out->version & 0xff) <= 4, ERR_VALUE,
	       "not a TLS record at stream offset %llu: type %u, version 0x%04x",
	       (unsigned long long)off, out->type, out->version);
	ENSURE(out->length <= RECORD_MAX_FRAG, ERR_LENGTH,
	       "record length %u at stream offset %llu exceeds 2^14+2048",
	       out->length, (unsigned long long)off + 3);
	return 0;
}

/* A header good enough to resume decoding at. */
bool record_header_plausible(const uint8_t hdr[RECORD_HDR])
{
	uint16_t version = (uint16_t)(hdr[1] << 8 | hdr[2]);
	uint16_t length = (uint16_t)(hdr[3] << 8 | hdr[4]);

	return hdr[0] >= 20 && hdr[0] <= 24 && version >= 0x0300 && version <= 0x0304 &&
	       length >= 1 && length <= RECORD_MAX_FRAG;
}

/* Drop the first buffered byte while hunting for a header. */
static void record_shift(struct record_stream *s)
{
	memmove(s->buf, s->buf + 1, s->have - 1);
	s->have--;
	s->skipped++;
}

/* With a full header buffered: accept it, or report and resynchronise. */
static bool record_header_ok(struct record_stream *s, const struct record_sink *out,
			     struct record_view *rv)
{
	while (s->have >= RECORD_HDR) {
		uint64_t at = s->next_off - s->have;

		if (s->resync) {
			if (record_header_plausible(s->buf)) {
				record_header_check(s->buf, RECORD_HDR, at, rv);
				s->resync = false;
				return true;
			}
		} else {
			int rc = record_header_check(s->buf, RECORD_HDR, at, rv);

			if (rc == 0)
				return true;
			if (out->error)
				out->error(out->ctx, rc, at);
			s->resync = true;
		}
		record_shift(s);
	}
	return false;
}

/* Move bytes from the input into the partial-record buffer until it holds
 * want bytes or the input runs out. */
static void record_stream_take(struct record_stream *s, const uint8_t **data, size_t *len, size_t want)
{
	size_t take = want - s->have;

	if (take > *len)
		take = *len;
	memcpy(s->buf + s->have, *data, take);
	s->have += take;
	*data += take;
	*len -= take;
	s->next_off += take;
}

/* Feed stream bytes; complete records go to out->record. */
void record_stream_feed(struct record_stream *s, const uint8_t *data, size_t len,
			uint64_t off, const struct record_sink *out)
{
	struct record_view rv;

	if (!s->started) {
		s->started = true;
		s->next_off = off;
	}
	if (off < s->next_off) { /* overlap: skip what was already consumed */
		uint64_t dup = s->next_off - off;

		if (dup >= len)
			return;
		data += dup;
		len -= (size_t)dup;
		off = s->next_off;
	} else if (off > s->next_off) {
		record_stream_gap(s, s->next_off, off - s->next_off);
	}
	while (len > 0) {
		size_t need;

		if (s->have < RECORD_HDR) {
			record_stream_take(s, &data, &len, RECORD_HDR);
			if (s->have < RECORD_HDR || !record_header_ok(s, out, &rv))
				continue;
		} else {
			record_header_check(s->buf, RECORD_HDR, s->next_off - s->have, &rv);
		}
		need = RECORD_HDR + (size_t)rv.length;
		record_stream_take(s, &data, &len, need);
		if (s->have == need) {
			rv.bytes = s->buf;
			rv.len = need;
			rv.stream_off = s->next_off - need;
			s->have = 0;
			s->skipped = 0;
			if (out->record)
				out->record(out->ctx, &rv);
		}
	}
}

/* Lost bytes: the partial record is useless; hunt for the next header. */
void record_stream_gap(struct record_stream *s, uint64_t off, uint64_t missing)
{
	s->started = true;
	s->have = 0;
	s->next_off = off + missing;
	s->resync = true;
}

/* End of stream: a partial record is a truncation. */
int record_stream_end(struct record_stream *s)
{
	struct record_view rv;
	uint64_t at = s->next_off - s->have;
	size_t have = s->have;

	if (have == 0 || s->resync) {
		s->have = 0;
		return 0;
	}
	s->have = 0;
	if (have < RECORD_HDR)
		return err_set(ERR_SHORT, "truncated record header at stream offset %llu: %zu of 5 bytes",
			       (unsigned long long)at, have);
	record_header_check(s->buf, RECORD_HDR, at, &rv);
	return err_set(ERR_SHORT, "truncated record at stream offset %llu: %zu of %u bytes",
		       (unsigned long long)at, have, RECORD_HDR + rv.length);
}
