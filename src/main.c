/* tlsviz entry point (placeholder until the CLI lands). */
#include <stdio.h>

int main(void)
{
	puts("tlsviz " TLSVIZ_VERSION);
	return 0;
}
