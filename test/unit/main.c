/* Runs every registered unit test (optionally only those whose name contains argv[1])
 * and prints TAP. Exit status is the number of failed tests (capped). */
#include <stdlib.h>

#include "unit.h"

static struct unit_test *tests;
int unit_failures;
const char *unit_skip_reason;

void unit_register(struct unit_test *t)
{
	t->next = tests;
	tests = t;
}

int main(int argc, char **argv)
{
	struct unit_test *ordered = NULL;
	int n = 0, failed = 0;

	/* constructors ran in reverse order of registration per file; restore file order */
	while (tests) {
		struct unit_test *t = tests;

		tests = t->next;
		t->next = ordered;
		ordered = t;
	}
	for (struct unit_test *t = ordered; t; t = t->next)
		if (argc < 2 || strstr(t->name, argv[1]))
			n++;
	printf("1..%d\n", n);
	n = 0;
	for (struct unit_test *t = ordered; t; t = t->next) {
		if (argc >= 2 && !strstr(t->name, argv[1]))
			continue;
		unit_failures = 0;
		unit_skip_reason = NULL;
		t->fn();
		fflush(stdout);
		if (unit_skip_reason && !unit_failures) {
			printf("ok %d %s # skip %s\n", ++n, t->name, unit_skip_reason);
			continue;
		}
		printf("%s %d %s\n", unit_failures ? "not ok" : "ok", ++n, t->name);
		failed += unit_failures != 0;
	}
	return failed > 100 ? 100 : failed;
}
