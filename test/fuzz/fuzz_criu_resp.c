/* Fuzz target: CRIU's answers (criu_resp) are parsed from bytes another process wrote.
 * The decoder must refuse anything malformed without reading out of bounds or leaking. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "criu_rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lxc_error err;
	struct criu_resp r;

	if (criu_resp_decode(data, size, &r, &err) == 0) {
		/* touch what a caller reads */
		if (r.notify_script)
			(void)strlen(r.notify_script);
		if (r.cr_errmsg)
			(void)strlen(r.cr_errmsg);
		(void)strlen(r.version.gitid);
		(void)strlen(r.version.name);
		criu_resp_free(&r);
	}
	return 0;
}
