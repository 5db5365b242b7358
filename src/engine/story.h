/* The story model: the one place that turns decoded events and connection
 * facts into numbered stages with a title, the messages each holds, the
 * Explain paragraphs and what an eavesdropper learns, and that ties every key
 * to the stage in which it came to exist.
 *
 * It is a sink between the decoder and the views. Stages begin either at the
 * live session's gates (the session's plan numbers them before the session
 * starts) or, for a capture, where a connection's records change direction
 * or kind (handshake, application data, alert). Each stage is emitted twice
 * as EV_STAGE: when it begins (final = false) and when it is complete
 * (final = true). `of` is the plan's total (live), the total a read-ahead
 * pass counted (batch replay), or the stages so far (a capture being read).
 *
 * Key events are held until the message that makes the key possible has been
 * decoded (the server's handshake secret waits for its ServerHello, an
 * application secret for the server's Finished, generation N for the N-th
 * KeyUpdate), then carry that message's stage number.
 */
#ifndef TLSVIZ_ENGINE_STORY_H
#define TLSVIZ_ENGINE_STORY_H

#include "core/event.h"
#include "session/session.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct story;

/* A story feeding down (the views). */
struct story *story_new(struct sink *down);
void story_free(struct story *st);
/* The sink to feed events into. */
struct sink *story_sink(struct story *st);
/* Connections 1..n get their stages from the live session's EV_STAGE events;
 * plan(ctx, conn, &steps) gives connection conn's plan (may be NULL). */
void story_set_live(struct story *st, uint32_t n,
		    size_t (*plan)(void *ctx, uint32_t conn, const struct plan_step **steps), void *ctx);
/* The scenario whose paragraphs apply ("hrr", ...), or NULL. */
void story_set_scenario(struct story *st, const char *name);
/* Dry run: count stages, emit nothing (the read-ahead pass). */
void story_set_dry(struct story *st, bool dry);
/* After a dry run: remember each connection's stage count as its total and
 * forget everything else, ready for the real pass. */
void story_keep_totals(struct story *st);
/* Finish every open stage and release held keys (end of input). */
void story_flush(struct story *st);

/* The title of a message list as a stage title
 * ("server_hello,certificate" -> "ServerHello, Certificate"). */
void story_title(const char *messages, enum dir dir, char *out, size_t cap);
/* The title planned stage number (1-based) of plan[0..n) will carry when it begins. */
void story_plan_title(const struct plan_step *plan, size_t n, uint32_t number, char *out, size_t cap);

#endif
