/* lxc-net: the host bridge (lxcbr0) with NAT and dnsmasq for DHCP/DNS, configured by
 * LXC's /etc/default/lxc-net variables. */
#ifndef LXC_LXCNET_H
#define LXC_LXCNET_H

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "utils.h"

/* The variables of /etc/default/lxc-net, as strings, LXC's defaults when unset. */
struct lxcnet_config {
	char *use_lxc_bridge;    /* USE_LXC_BRIDGE "true" */
	char *bridge;            /* LXC_BRIDGE "lxcbr0" */
	char *bridge_mac;        /* LXC_BRIDGE_MAC "00:16:3e:00:00:00" */
	char *addr;              /* LXC_ADDR "10.0.3.1" */
	char *netmask;           /* LXC_NETMASK "255.255.255.0" */
	char *network;           /* LXC_NETWORK "10.0.3.0/24" */
	char *dhcp_range;        /* LXC_DHCP_RANGE "10.0.3.2,10.0.3.254" */
	char *dhcp_max;          /* LXC_DHCP_MAX "253" */
	char *dhcp_confile;      /* LXC_DHCP_CONFILE "" */
	char *dhcp_ping;         /* LXC_DHCP_PING "true" */
	char *domain;            /* LXC_DOMAIN "" */
	char *use_nft;           /* LXC_USE_NFT "true" */
	char *ipv6_addr;         /* LXC_IPV6_ADDR "" */
	char *ipv6_mask;         /* LXC_IPV6_MASK "" */
	char *ipv6_network;      /* LXC_IPV6_NETWORK "" */
	char *ipv6_nat;          /* LXC_IPV6_NAT "false" */
};

/* Where lxc-net keeps its files. */
struct lxcnet_paths {
	const char *rundir;      /* network_up, dnsmasq.pid: /run/lxc (env LXC_NET_RUNDIR) */
	const char *leasedir;    /* dnsmasq.<bridge>.leases: /var/lib/misc (env LXC_NET_LEASEDIR) */
};

void lxcnet_config_defaults(struct lxcnet_config *c);
void lxcnet_config_free(struct lxcnet_config *c);
/* Parse shell-style assignments (KEY=value, KEY="value", KEY='value', "export KEY=...",
 * comments, $VAR / ${VAR} of earlier keys) over the current values. Unknown keys are
 * ignored; anything that is not an assignment is an error naming path:line. */
int lxcnet_config_parse(struct lxcnet_config *c, const char *text, const char *path,
			struct lxc_error *err);
/* Defaults, then path if it exists. */
int lxcnet_config_load(struct lxcnet_config *c, const char *path, struct lxc_error *err);

/* The nft script start loads ("nft -f -") and the one stop runs. Malloc'd. */
char *lxcnet_nft_start_rules(const struct lxcnet_config *c);
char *lxcnet_nft_stop_rules(const struct lxcnet_config *c);
/* dnsmasq's command line; user is the account it drops to. Fills argv (strlist). */
void lxcnet_dnsmasq_argv(const struct lxcnet_config *c, const struct lxcnet_paths *p,
			 const char *user, struct strlist *argv);

enum {
	LXCNET_OK = 0,
	LXCNET_ALREADY_RUNNING = 1,  /* start: network_up exists */
	LXCNET_NOT_RUNNING = 2,      /* stop: network_up missing */
	LXCNET_DISABLED = 3,         /* USE_LXC_BRIDGE is not "true" */
};

/* Returns LXCNET_* (>= 0) or -1 with err (after undoing what it did). */
int lxcnet_start(const struct lxcnet_config *c, const struct lxcnet_paths *p, struct lxc_error *err);
/* force: tear down even without network_up (LXC's "stop force"). */
int lxcnet_stop(const struct lxcnet_config *c, const struct lxcnet_paths *p, bool force,
		struct lxc_error *err);

struct lxcnet_status {
	bool running;            /* network_up exists */
	bool bridge_exists, bridge_up;
	char *bridge_addr;       /* "10.0.3.1/24", NULL when none */
	pid_t dnsmasq_pid;       /* 0 when not running */
	char *firewall;          /* "nft", "iptables", NULL */
};
int lxcnet_get_status(const struct lxcnet_config *c, const struct lxcnet_paths *p,
		      struct lxcnet_status *st, struct lxc_error *err);
void lxcnet_status_free(struct lxcnet_status *st);

#endif
