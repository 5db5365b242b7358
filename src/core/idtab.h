/* Tables indexed by a 1-based id (connection numbers): one way to grow them. */
#ifndef TLSVIZ_CORE_IDTAB_H
#define TLSVIZ_CORE_IDTAB_H

#include <stddef.h>
#include <stdint.h>

/* Make *arr (of *cap elements of elem bytes) hold index id - 1: grow it by
 * doubling from 16, the new elements zeroed. 0, or -1 when id is 0 or
 * memory runs out (the table is then unchanged). */
int idtab_reserve(void **arr, size_t *cap, size_t elem, uint32_t id);

#endif
