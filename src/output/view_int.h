/* Internal: the common head of every headless view, so view_close can free any. */
#ifndef TLSVIZ_VIEW_INT_H
#define TLSVIZ_VIEW_INT_H

#include "core/event.h"

#include <stdbool.h>

struct view_base {
	struct sink sink;            /* first: a view is a sink */
	int (*close)(struct view_base *self);
	bool failed;                 /* an output write failed */
};

#endif
