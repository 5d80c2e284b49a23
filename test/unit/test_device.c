/* Unit tests for lxc-device's request text and device rules (lib/device.c). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "device.h"
#include "unit.h"

TEST(device_request_roundtrip)
{
	struct device_request in = { .op = DEVICE_ADD, .dev = "/dev/net/tun" }, out;
	struct lxc_error err = { 0 };
	char *text = device_request_format(&in);

	CHECK_STR(text, "add\n/dev/net/tun\n");
	CHECK(device_request_parse(&out, text, &err) == 0);
	CHECK(out.op == DEVICE_ADD && !out.dest);
	CHECK_STR(out.dev, "/dev/net/tun");
	CHECK(device_request_is_node(&out));
	device_request_free(&out);
	free(text);

	in = (struct device_request){ .op = DEVICE_DEL, .dev = "veth1", .dest = "eth1" };
	text = device_request_format(&in);
	CHECK(device_request_parse(&out, text, &err) == 0);
	CHECK(out.op == DEVICE_DEL);
	CHECK_STR(out.dev, "veth1");
	CHECK_STR(out.dest, "eth1");
	CHECK(!device_request_is_node(&out));
	device_request_free(&out);
	free(text);
}

TEST(device_request_errors)
{
	struct device_request r;
	struct lxc_error err = { 0 };

	CHECK_ERR(device_request_parse(&r, "move\neth0\n", &err), &err, "unknown device operation \"move\"");
	CHECK_ERR(device_request_parse(&r, "add\n", &err), &err, "DEV and an optional DEST");
	CHECK_ERR(device_request_parse(&r, "add\na\nb\nc\n", &err), &err, "one per line");
	CHECK_ERR(device_request_parse(&r, NULL, &err), &err, "add|del");
}

TEST(device_rule)
{
	char *rule = device_rule(S_IFCHR | 0600, makedev(10, 200));

	CHECK_STR(rule, "c 10:200 rwm");
	free(rule);
	rule = device_rule(S_IFBLK | 0660, makedev(7, 3));
	CHECK_STR(rule, "b 7:3 rwm");
	free(rule);
}
