/* Fuzz target: any text as a container config file. Parsing must never crash or leak; a text
 * that parses is kept byte for byte, every key in it can be read back, and it parses again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"
#include "lxc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* relative includes resolve under a directory that does not exist */
	static const char path[] = "/nonexistent-hconf-fuzz/config";
	struct lxc_conf *conf, *again;
	struct lxc_error err;
	char *text, *out;

	if (size > 100 * 1024)
		return 0;
	log_set_quiet(true);
	conf = conf_new();
	if (conf_load_buffer(conf, path, (const char *)data, size, &err) < 0) {
		conf_free(conf);
		return 0;
	}
	text = conf_text(conf);
	if (!memchr(data, '\0', size) && (strlen(text) != size || memcmp(text, data, size) != 0))
		abort(); /* the kept text must be the input, byte for byte */
	for (size_t i = 0; i < conf->n_lines; i++) {
		if (conf->lines[i].key && conf_get_item(conf, conf->lines[i].key, &out, &err) == 0)
			free(out);
	}
	for (const char *const *k = conf_key_names(); *k; k++) {
		if (conf_get_item(conf, *k, &out, &err) == 0)
			free(out);
	}
	again = conf_new();
	if (conf_load_buffer(again, path, text, strlen(text), &err) < 0)
		abort(); /* the kept text reads back */
	conf_free(again);
	free(text);
	conf_free(conf);
	return 0;
}
