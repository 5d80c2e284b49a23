/* Fuzz target: the `-s key=value` path. The input's last line is KEY=VALUE, the lines before
 * it a config. conf_set_item then conf_get_item, conf_clear_item; an edited text reads back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lxc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reads_back(struct lxc_conf *conf)
{
	struct lxc_conf *again = conf_new();
	struct lxc_error err;
	char *text = conf_text(conf);

	if (conf_load_buffer(again, conf->path, text, strlen(text), &err) < 0)
		abort(); /* an edit made the text unreadable */
	free(text);
	conf_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char path[] = "/nonexistent-hconf-fuzz/config";
	char *input, *define, *eq, *out;
	struct lxc_conf *conf;
	struct lxc_error err;
	int ret;

	if (size > 100 * 1024 || memchr(data, '\0', size))
		return 0;
	log_set_quiet(true);
	input = malloc(size + 1);
	memcpy(input, data, size);
	input[size] = '\0';
	define = strrchr(input, '\n');
	if (define)
		*define++ = '\0';
	else
		define = input;
	eq = strchr(define, '=');
	conf = conf_new();
	if (conf_load_buffer(conf, path, define == input ? "" : input, define == input ? 0 : strlen(input),
			     &err) < 0) {
		conf_free(conf);
		conf = conf_new();
		conf_load_buffer(conf, path, "", 0, &err);
	}
	if (eq) {
		*eq = '\0';
		ret = conf_set_item(conf, define, eq + 1, &err);
		if (ret == 0) {
			check_reads_back(conf);
			if (conf_get_item(conf, define, &out, &err) == 0)
				free(out);
			if (conf_clear_item(conf, define, &err) == 0)
				check_reads_back(conf);
		}
	}
	conf_free(conf);
	free(input);
	return 0;
}
