/* A minimal JSON writer (objects, arrays, strings, numbers, booleans) for the
 * machine-readable --format json output of lxc-ls, lxc-info and lxc-top. */
#ifndef LXC_JSON_H
#define LXC_JSON_H

#include <stdbool.h>
#include <stdio.h>

struct json {
	FILE *out;
	int depth;
	bool need_comma[32];
};

void json_init(struct json *j, FILE *out);
void json_object_begin(struct json *j, const char *key);  /* key NULL inside arrays / at top */
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value); /* NULL value -> null */
void json_int(struct json *j, const char *key, long long value);
void json_uint(struct json *j, const char *key, unsigned long long value);
void json_bool(struct json *j, const char *key, bool value);
/* Ends the document with a newline. */
void json_end(struct json *j);

#endif
