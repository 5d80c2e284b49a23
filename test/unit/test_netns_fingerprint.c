/* Unit tests for lib/netns_fingerprint.c: the comparison of sorted fingerprints, and (as
 * root) a child in a network namespace of its own seen as fresh or not as it changes. */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns_fingerprint.h"
#include "unit.h"

TEST(netns_fingerprint_diff_names_first_difference)
{
	struct strlist a = { 0 }, b = { 0 };

	CHECK(netns_fingerprint_diff(&a, &b) == NULL);
	strlist_push(&a, "addr 1");
	strlist_push(&a, "link 1 lo");
	strlist_push(&b, "addr 1");
	strlist_push(&b, "link 1 lo");
	CHECK(netns_fingerprint_diff(&a, &b) == NULL);
	strlist_push(&b, "route 10.0.0.0/8");
	CHECK_STR(netns_fingerprint_diff(&a, &b), "route 10.0.0.0/8");
	CHECK_STR(netns_fingerprint_diff(&b, &a), "route 10.0.0.0/8");
	strlist_push(&a, "nft table x");
	CHECK_STR(netns_fingerprint_diff(&a, &b), "nft table x");
	strlist_clear(&a);
	strlist_clear(&b);
}

/* A child alone in a new network namespace (lo down), waiting to be killed. */
static pid_t spawn_in_new_netns(void)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid > 0 && read(p[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

static bool check_fresh(pid_t pid, char **why)
{
	struct netns_check c;
	struct lxc_error err = { 0 };
	bool fresh = false;

	netns_check_start(&c, pid);
	if (netns_check_finish(&c, &fresh, why, &err) < 0) {
		printf("#   %s\n", err.msg);
		return false;
	}
	return fresh;
}

static int in_netns(pid_t pid, const char *cmd)
{
	char *full = xasprintf("nsenter -t %d -n %s >/dev/null 2>&1", (int)pid, cmd);
	int status = system(full);

	free(full);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(netns_check_sees_changes_root)
{
	char *why = NULL;
	pid_t pid;

	if (geteuid() != 0 || system("command -v nsenter >/dev/null && command -v ip >/dev/null") != 0) {
		printf("#   skipped: needs root, nsenter and ip\n");
		return;
	}
	pid = spawn_in_new_netns();
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	/* lo down: a start (and the reference) has it up */
	CHECK(!check_fresh(pid, &why));
	CHECK(why && strstr(why, "link 1 lo"));
	free(why);
	why = NULL;
	CHECK_INT(in_netns(pid, "ip link set lo up"), 0);
	CHECK(check_fresh(pid, &why));
	CHECK(why == NULL);
	CHECK_INT(in_netns(pid, "ip addr add 127.0.0.9/8 dev lo"), 0);
	CHECK(!check_fresh(pid, &why));
	CHECK(why && strstr(why, "msg20 ")); /* RTM_NEWADDR */
	free(why);
	why = NULL;
	CHECK_INT(in_netns(pid, "ip addr del 127.0.0.9/8 dev lo"), 0);
	CHECK(check_fresh(pid, &why));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	free(why);
}
