/* lxc-info: state, pid, addresses and resource usage of a container, as LXC prints
 * them (labels padded to column 17), or one JSON object with --format json. */
//applet: info
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "commands.h"
#include "container.h"
#include "info.h"
#include "json.h"
#include "state.h"

enum { OPT_FORMAT = 0x2000 };

static struct {
	struct strlist keys;
	bool ips, pid, stats, raw, state, json;
} opt;

static const struct option options[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "ips", no_argument, NULL, 'i' },
	{ "pid", no_argument, NULL, 'p' },
	{ "stats", no_argument, NULL, 'S' },
	{ "no-humanize", no_argument, NULL, 'H' },
	{ "state", no_argument, NULL, 's' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ 0 },
};

static int parse(struct lxc_args *args, int o, const char *arg)
{
	switch (o) {
	case 'c': strlist_push(&opt.keys, arg); break;
	case 'i': opt.ips = true; break;
	case 'p': opt.pid = true; break;
	case 'S': opt.stats = true; break;
	case 'H': opt.raw = true; break;
	case 's': opt.state = true; break;
	case OPT_FORMAT:
		if (!strcmp(arg, "json"))
			opt.json = true;
		else if (strcmp(arg, "table") != 0) {
			fprintf(stderr, "%s: unknown format \"%s\" (table or json)\n", args->progname, arg);
			return -1;
		}
		break;
	}
	return 0;
}

static void print_size(const char *label, unsigned long long v)
{
	char buf[64];

	if (opt.raw)
		printf("%-15s %llu\n", label, v);
	else {
		info_humanize(v, buf, sizeof(buf));
		printf("%-15s %s\n", label, buf);
	}
}

static void print_stats(const struct container_info *ci)
{
	if (opt.raw)
		printf("%-15s %llu\n", "CPU use:", ci->cpu_ns);
	else
		printf("%-15s %.2f seconds\n", "CPU use:", ci->cpu_ns / 1e9);
	print_size("BlkIO use:", ci->blkio_bytes);
	print_size("Memory use:", ci->mem_bytes);
	if (ci->kmem_bytes)
		print_size("KMem use:", ci->kmem_bytes);
}

static void print_links(const struct container_info *ci)
{
	for (size_t i = 0; i < ci->n_links; i++) {
		const struct info_link *l = &ci->links[i];

		printf("%-15s %s\n", "Link:", l->name);
		print_size(" TX bytes:", l->tx);
		print_size(" RX bytes:", l->rx);
		print_size(" Total bytes:", l->tx + l->rx);
	}
}

static int ip_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All addresses, IPv4 and IPv6 together, sorted as strings: LXC's get_ips order. */
static void all_ips(const struct container_info *ci, struct strlist *out)
{
	for (size_t i = 0; i < ci->ipv4.len; i++)
		strlist_push(out, ci->ipv4.items[i]);
	for (size_t i = 0; i < ci->ipv6.len; i++)
		strlist_push(out, ci->ipv6.items[i]);
	if (out->len > 1)
		qsort(out->items, out->len, sizeof(char *), ip_cmp);
}

static void print_json(const char *name, const struct container_info *ci)
{
	struct strlist ips = { 0 };
	struct json j;

	all_ips(ci, &ips);
	json_init(&j, stdout);
	json_object_begin(&j, NULL);
	json_string(&j, "name", name);
	json_string(&j, "state", state_name(ci->state));
	json_int(&j, "pid", ci->pid > 0 ? ci->pid : 0);
	json_array_begin(&j, "ips");
	for (size_t i = 0; i < ips.len; i++)
		json_string(&j, NULL, ips.items[i]);
	json_array_end(&j);
	json_array_begin(&j, "links");
	for (size_t i = 0; i < ci->n_links; i++) {
		json_object_begin(&j, NULL);
		json_string(&j, "name", ci->links[i].name);
		json_uint(&j, "tx_bytes", ci->links[i].tx);
		json_uint(&j, "rx_bytes", ci->links[i].rx);
		json_object_end(&j);
	}
	json_array_end(&j);
	if (ci->have_stats) {
		json_object_begin(&j, "stats");
		json_uint(&j, "cpu_ns", ci->cpu_ns);
		json_uint(&j, "blkio_bytes", ci->blkio_bytes);
		json_uint(&j, "memory_bytes", ci->mem_bytes);
		json_uint(&j, "kmem_bytes", ci->kmem_bytes);
		json_object_end(&j);
	}
	json_object_end(&j);
	json_end(&j);
	strlist_clear(&ips);
}

static int print_keys(struct lxc_args *args)
{
	struct lxc_error err = { 0 };
	struct lxc_conf *conf = NULL;
	int ret = 0;

	for (size_t i = 0; i < opt.keys.len; i++) {
		_cleanup_free_ char *value = NULL;
		const char *key = opt.keys.items[i];

		/* the running container's view first, the config file otherwise */
		if (container_command(args->lxcpath, args->name, CMD_GET_CONFIG_ITEM, 0, key, &value, &err) < 0) {
			if (err.code != ENOENT && err.code != ECONNREFUSED) {
				ret = applet_fail_error(args, &err);
				continue;
			}
			if (!conf && !(conf = container_load_conf(args->lxcpath, args->name, args->rcfile, &err))) {
				ret = applet_fail_error(args, &err);
				break;
			}
			if (conf_get_item(conf, key, &value, &err) < 0) {
				ret = applet_fail_error(args, &err);
				continue;
			}
		}
		printf("%s = %s\n", key, value);
	}
	if (conf)
		conf_free(conf);
	return ret;
}

static int info_main(struct lxc_args *args)
{
	struct container_info ci = { 0 };
	struct lxc_error err = { 0 };
	bool all = !opt.ips && !opt.pid && !opt.stats && !opt.state && !opt.keys.len;
	unsigned what = INFO_STATE | INFO_PID;
	int ret = 0;

	if (container_require_defined(args->lxcpath, args->name, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	if (opt.keys.len) {
		ret = print_keys(args);
		if (!opt.ips && !opt.pid && !opt.stats && !opt.state)
			goto out;
	}
	if (all || opt.stats || opt.json)
		what |= INFO_STATS;
	if (all || opt.ips || opt.stats || opt.json)
		what |= INFO_NET;
	if (container_info_read(args->lxcpath, args->name, what, &ci, &err) < 0) {
		ret = applet_fail_error(args, &err);
		goto out;
	}
	if (opt.json) {
		print_json(args->name, &ci);
		goto out;
	}
	if (all)
		printf("%-15s %s\n", "Name:", args->name);
	if (all || opt.state)
		printf("%-15s %s\n", "State:", state_name(ci.state));
	if (ci.pid > 0) {
		if (all || opt.pid)
			printf("%-15s %d\n", "PID:", (int)ci.pid);
		if (all || opt.ips) {
			struct strlist ips = { 0 };

			all_ips(&ci, &ips);
			for (size_t i = 0; i < ips.len; i++)
				printf("%-15s %s\n", "IP:", ips.items[i]);
			strlist_clear(&ips);
		}
		if ((all || opt.stats) && ci.have_stats)
			print_stats(&ci);
		if (all || opt.stats)
			print_links(&ci);
	}
out:
	container_info_free(&ci);
	strlist_clear(&opt.keys);
	return ret;
}

const struct applet applet_info = {
	.name = "info",
	.help = "--name=NAME\n\n"
		"lxc-info display some information about a container with the identifier NAME\n\n"
		"Options :\n"
		"  -n, --name=NAME       NAME of the container\n"
		"  -c, --config=KEY      show configuration variable KEY from running container\n"
		"  -i, --ips             shows the IP addresses\n"
		"  -p, --pid             shows the process id of the init container\n"
		"  -S, --stats           shows usage stats\n"
		"  -H, --no-humanize     shows stats as raw numbers, not humanized\n"
		"  -s, --state           shows the state of the container\n"
		"      --format=json     one JSON object instead of the table\n"
		"  --rcfile=FILE         Load configuration file FILE\n",
	.options = options,
	.shortopts = "c:ipSHs",
	.parse = parse,
	.main = info_main,
	.flags = APPLET_NEEDS_NAME | APPLET_POSITIONAL_NAME,
};
