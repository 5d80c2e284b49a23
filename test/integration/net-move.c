/* For net-device.bats: moves an interface into a running container's network namespace
 * and back through lib/'s net_move_interface_in/out, the calls lxc-device makes.
 * Usage: net-move in|out INIT_PID IFNAME [NEW_NAME] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

int main(int argc, char **argv)
{
	struct lxc_error err = { 0 };
	const char *new_name;
	pid_t pid;
	int ret;

	if (argc < 4 || argc > 5 || (strcmp(argv[1], "in") != 0 && strcmp(argv[1], "out") != 0)) {
		fprintf(stderr, "usage: net-move in|out INIT_PID IFNAME [NEW_NAME]\n");
		return 2;
	}
	pid = (pid_t)atoi(argv[2]);
	new_name = argc == 5 ? argv[4] : NULL;
	if (!strcmp(argv[1], "in"))
		ret = net_move_interface_in(pid, argv[3], new_name, &err);
	else
		ret = net_move_interface_out(pid, argv[3], new_name, &err);
	if (ret < 0) {
		fprintf(stderr, "net-move: %s\n", err.msg);
		return 1;
	}
	return 0;
}
