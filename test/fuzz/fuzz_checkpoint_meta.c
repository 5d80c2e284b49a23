/* Fuzz target: lxc-checkpoint.meta comes with an images directory, which may have been
 * copied from another host. The parser must refuse anything malformed without reading out
 * of bounds or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct checkpoint_meta m;
	struct lxc_error err;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (checkpoint_meta_parse(text, "/img", &m, &err) == 0) {
		/* touch what a restore reads */
		(void)strlen(m.name);
		for (size_t i = 0; i < m.binds.len; i++)
			(void)strlen(m.binds.items[i]);
		for (size_t i = 0; i < m.n_nics; i++)
			(void)strlen(m.nics[i].ifname);
		checkpoint_meta_free(&m);
	}
	free(text);
	return 0;
}
