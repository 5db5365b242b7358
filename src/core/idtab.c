/* Tables indexed by a 1-based id. */
#include "core/idtab.h"

#include <stdlib.h>
#include <string.h>

int idtab_reserve(void **arr, size_t *cap, size_t elem, uint32_t id)
{
	size_t n = *cap ? *cap : 16;
	void *g;

	if (id == 0 || elem == 0)
		return -1;
	if (id <= *cap)
		return 0;
	while (n < id) {
		if (n > SIZE_MAX / 2 / elem)
			return -1;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return -1;
	g = realloc(*arr, n * elem);
	if (!g)
		return -1;
	memset((char *)g + *cap * elem, 0, (n - *cap) * elem);
	*arr = g;
	*cap = n;
	return 0;
}
