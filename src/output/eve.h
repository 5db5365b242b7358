/* The eavesdropper projection: what an observer on the wire, with no key,
 * sees of the event stream. One function decides it for every view (the
 * TUI's `e`, --view eavesdropper in text and JSON): packets, record headers
 * and ciphertext, cleartext handshake messages, cleartext alerts and
 * ChangeCipherSpec, timing, and the stages as the wire shows them. Never a
 * key, a plaintext, or the name of a message that travelled encrypted. */
#ifndef TLSVIZ_OUTPUT_EVE_H
#define TLSVIZ_OUTPUT_EVE_H

#include "core/event.h"

#include <stdbool.h>

/* Project in onto *out (a shallow copy whose strings point into in or into
 * static text); false: the event shows nothing to an eavesdropper. */
bool eve_project(const struct event *in, struct event *out);
/* A sink that forwards the projection of every event to down. */
struct sink *eve_sink_new(struct sink *down);
void eve_sink_free(struct sink *s);

#endif
