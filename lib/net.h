/* Container networking: network device operations over rtnetlink (net.c), the
 * container's NICs from lxc.net.* (net_setup.c), their recorded state (net_state.c). */
#ifndef LXC_NET_H
#define LXC_NET_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "conf.h"
#include "error.h"
#include "netlink.h"

/* ======================================================================================
 * Part 1 — what the runtime calls
 * ====================================================================================== */

/* Everything net_create_host_side() made on the host, so that net_teardown() can undo it,
 * also from a file after the monitor that made it crashed (net_state_serialize/parse). */
struct net_state_nic {
	int index;                 /* N of lxc.net.N */
	enum net_type type;
	char *host_ifname;         /* veth: host end ("vethXXXXXX" or lxc.net.N.veth.pair) */
	char *link;                /* lxc.net.N.link as configured, or NULL */
	bool ovs;                  /* host end was added as a port of the Open vSwitch bridge link */
	/* phys: where the device came from, to give it back */
	char *phys_name;
	int phys_ifindex;
	uint8_t phys_mac[6];
	unsigned phys_mtu;
	int phys_ns_ifindex;       /* its index inside the container's namespace */
	int ns_ifindex;            /* the NIC's index inside the container's namespace, 0 unknown */
	bool phys_moved;
	/* scripts */
	char *script_down;
	bool script_up_done;       /* the NIC was set up completely, script.up included: script.down
				    * runs at teardown only then */
};

struct net_state {
	char *name;                /* container name, for scripts */
	int hook_version;          /* lxc.hook.version: 0 = "NAME net up" before the arguments, 1 = without */
	pid_t pid;                 /* container init; with its start time a recycled pid is never used */
	unsigned long long pid_starttime;
	int netns_fd;              /* container's netns, held so phys devices outlive init; -1 none. Not serialised */
	struct net_state_nic *nics;
	size_t n_nics;
};

void net_state_init(struct net_state *st);
/* Frees the contents (closes netns_fd); does not undo anything. */
void net_state_free(struct net_state *st);
/* Frees one NIC record's strings. */
void net_state_nic_clear(struct net_state_nic *n);
/* Text form (one line per record, values escaped); a new string. */
char *net_state_serialize(const struct net_state *st);
/* Replace st's contents with the parsed text; errors name the line. */
int net_state_parse(struct net_state *st, const char *text, struct lxc_error *err);

/* True when the configured NICs are all of type "none": the container shares the host's
 * network namespace (LXC's rule: "none" next to other NICs is ignored). Warns once. */
bool net_uses_host_netns(const struct lxc_conf *conf);
/* True when a NIC needs the monitor's side of the start (anything but "none" and
 * "empty"): without one, the container configures its loopback on its own. */
bool net_needs_host_side(const struct lxc_conf *conf);

/* In the monitor, before clone: validate lxc.net.* against the host (phys link exists,
 * macvlan/ipvlan/vlan parent exists, veth link is a kernel or Open vSwitch bridge, names
 * fit, ...) and resolve "ipv4.gateway = auto"/"ipv6.gateway = auto" into
 * nets[i].ipv4_gateway/ipv6_gateway (setting *_gateway_set; *_gateway_auto stays), since
 * the child cannot see the host's bridge. conf is otherwise unchanged. */
int net_check(struct lxc_conf *conf, struct lxc_error *err);

/* In the monitor, after clone, while the child waits: create every NIC, the container
 * ends directly inside child_pid's network namespace under temporary names, run the
 * script.up hooks, and record it all in st (also on failure: then call net_teardown).
 * name: the container's name (scripts get it). st must have been net_state_init'ed. */
int net_create_host_side(const struct lxc_conf *conf, const char *name, pid_t child_pid,
			 struct net_state *st, struct lxc_error *err);

/* In the child, inside its new network namespace, before pivot_root: rename the NICs to
 * lxc.net.N.name (default eth0, eth1...), set hwaddr ('x' digits randomised), mtu,
 * addresses, bring up (flags = up) with lo, add default routes. */
int net_configure_container_side(const struct lxc_conf *conf, struct lxc_error *err);

/* In the monitor, on stop, on a failed start, or from a parsed state after a crash:
 * move interfaces that came in from outside (lxc-device) back to the host, run
 * script.down, give phys devices back under their original names, remove host veth
 * ends (and their OVS ports). Best effort: every step is tried; returns -1 with the
 * first failure. Idempotent: st is emptied of what was undone. */
int net_teardown(struct net_state *st, struct lxc_error *err);

/* One interface inside a running container, for lxc-info / lxc-ls. lxc-info prints an
 * "IP:" line per address of the non-loopback interfaces, then per NIC "Link:" (the veth
 * host end, else lxc.net.N.link) and the host device's counters from the container's
 * side: " TX bytes:" = host_rx_bytes, " RX bytes:" = host_tx_bytes. */
struct net_if_info {
	char name[IFNAMSIZ];
	int ifindex;
	bool up;
	bool loopback;
	struct strlist ipv4;        /* "10.0.3.5" */
	struct strlist ipv6;        /* "fd00::5" (global scope only, as LXC's get_ips) */
	unsigned long long rx_bytes, tx_bytes;  /* the container interface's own counters */
	char kind[32];                          /* IFLA_INFO_KIND, "" for a physical device */
	/* veth: the peer; macvlan, ipvlan, vlan: the lower device, when it lives in another
	 * namespace (the host's); "" otherwise. Found through the container's namespace id for
	 * it, so this works from any network namespace. */
	char host_ifname[IFNAMSIZ];
	unsigned long long host_rx_bytes, host_tx_bytes;
};
/* Interfaces of init_pid's network namespace, read over a netlink socket opened inside it
 * (no fork). *out is malloc'd. */
int net_get_stats(pid_t init_pid, struct net_if_info **out, size_t *n, struct lxc_error *err);
void net_if_info_free(struct net_if_info *ifs, size_t n);
/* Byte counters of a device of the caller's namespace (lxc-info "Link:" lines). */
int net_link_stats(const char *ifname, unsigned long long *rx, unsigned long long *tx,
		   struct lxc_error *err);

/* lxc-device: move a host interface into init_pid's netns as new_name (NULL: same
 * name), up again if it was up. When the container stops, the monitor moves such an
 * interface back to its own namespace (net_teardown) under the name it has in the
 * container, except virtual devices whose kind is not veth, macvlan, ipvlan or vlan,
 * which die with the namespace as the kernel decides. */
int net_move_interface_in(pid_t init_pid, const char *host_ifname, const char *new_name,
			  struct lxc_error *err);
/* ... and back to the caller's netns as orig_name (NULL: same name). */
int net_move_interface_out(pid_t init_pid, const char *ifname, const char *orig_name,
			   struct lxc_error *err);

/* ======================================================================================
 * Part 2 — device operations (net.c), on a socket of some network namespace
 * ====================================================================================== */

/* "veth", "bridge", ... as lxc.net.N.type spells it; "unset" for NET_UNSET. */
const char *net_type_name(enum net_type type);

struct net_link {
	int ifindex;
	char name[IFNAMSIZ];
	char kind[32];              /* IFLA_INFO_KIND: "veth", "bridge", "macvlan"... "" if none */
	unsigned flags;             /* IFF_* */
	unsigned mtu;
	int master;                 /* bridge/bond ifindex, 0 none */
	int link;                   /* IFLA_LINK: lower device / veth peer index, 0 none */
	int link_netnsid;           /* IFLA_LINK_NETNSID, -1 none */
	uint8_t mac[6];
	bool has_mac;
	unsigned long long rx_bytes, tx_bytes;
};

/* Look a device up by name (ifindex 0) or index. Fails with err->code ENODEV when absent. */
int net_link_get(struct nl_sock *sk, const char *name, int ifindex, struct net_link *out,
		 struct lxc_error *err);
/* Look a device up by index in another namespace, named by its id as sk's namespace
 * knows it (IFLA_LINK_NETNSID of a veth or macvlan): reaches a container NIC's host side
 * from the container's socket, whatever namespace the caller is in. */
int net_link_get_peer(struct nl_sock *sk, int netnsid, int ifindex, struct net_link *out,
		      struct lxc_error *err);
/* The id sk's namespace gives the namespace netns_fd refers to (what IFLA_LINK_NETNSID
 * holds for devices whose peer is there); -1 when it has none (or on failure, with err). */
int net_netns_id(struct nl_sock *sk, int netns_fd, struct lxc_error *err);
int net_link_list(struct nl_sock *sk, struct net_link **out, size_t *n, struct lxc_error *err);
/* Decode one RTM_NEWLINK message; -1 when it is not one. */
int net_link_parse(const struct nlmsghdr *h, struct net_link *out);

/* A new link: every field optional except name and kind. */
struct net_link_spec {
	const char *name;            /* may be a template like "eth%d" */
	const char *kind;            /* "veth", "macvlan", "ipvlan", "vlan", "bridge" */
	int lower;                   /* IFLA_LINK: the parent device (macvlan, ipvlan, vlan) */
	unsigned mtu;
	const uint8_t *mac;          /* 6 bytes */
	int master;                  /* bridge to enslave to */
	bool up;
	pid_t netns_pid;             /* >0: create inside this process's network namespace */
	unsigned num_rx_queues, num_tx_queues;
	unsigned macvlan_mode;       /* MACVLAN_MODE_* */
	int ipvlan_mode, ipvlan_flags;
	int vlan_id;
	const struct net_link_spec *peer; /* veth */
};
int net_link_create(struct nl_sock *sk, const struct net_link_spec *spec, struct lxc_error *err);
int net_link_delete(struct nl_sock *sk, int ifindex, struct lxc_error *err);
int net_link_set_up(struct nl_sock *sk, int ifindex, bool up, struct lxc_error *err);
int net_link_set_mtu(struct nl_sock *sk, int ifindex, unsigned mtu, struct lxc_error *err);
int net_link_set_mac(struct nl_sock *sk, int ifindex, const uint8_t mac[6], struct lxc_error *err);
int net_link_set_master(struct nl_sock *sk, int ifindex, int master, struct lxc_error *err);
int net_link_rename(struct nl_sock *sk, int ifindex, const char *name, struct lxc_error *err);
/* Move into another netns (by pid when pid > 0, else by nsfs fd) and name it new_name
 * there (NULL: keep the name). */
int net_link_move(struct nl_sock *sk, int ifindex, pid_t pid, int netns_fd, const char *new_name,
		  struct lxc_error *err);

/* Addresses: family AF_INET (addr 4 bytes) or AF_INET6 (16 bytes). */
struct net_addr {
	int family;
	int ifindex;
	uint8_t addr[16];
	unsigned prefix;
	unsigned scope;             /* RT_SCOPE_* */
};
int net_addr_add(struct nl_sock *sk, int ifindex, int family, const void *addr, unsigned prefix,
		 const void *broadcast, struct lxc_error *err);
int net_addr_del(struct nl_sock *sk, const struct net_addr *a, struct lxc_error *err);
/* Decode one RTM_NEWADDR message; -1 when it is not one (or not IPv4/IPv6). */
int net_addr_parse(const struct nlmsghdr *h, struct net_addr *out);
/* All addresses (ifindex 0) or one device's; *out malloc'd. */
int net_addr_list(struct nl_sock *sk, int family, int ifindex, struct net_addr **out, size_t *n,
		  struct lxc_error *err);
/* A route in the main table: dst/dst_len (NULL/0 = default), via gw (NULL = on link). */
int net_route_add(struct nl_sock *sk, int family, const void *dst, unsigned dst_len,
		  const void *gw, int ifindex, struct lxc_error *err);

/* ---- parsing and formatting ---------------------------------------------------- */

/* "00:16:3e:xx:xx:xx": 'x'/'X' digits become random (a randomised first octet stays
 * unicast). Returns -1 on a malformed address. */
int net_hwaddr_parse(const char *s, uint8_t mac[6], struct lxc_error *err);
void net_hwaddr_format(const uint8_t mac[6], char buf[18]);
/* A copy of config text in which the 'x'/'X' digits of every lxc.net.N.hwaddr and
 * lxc.network[.N].hwaddr value are replaced by random hex digits (the first octet stays
 * unicast), as lxc-create writes it: the container keeps one address from then on. */
char *net_hwaddr_fill_config(const char *text);
/* "255.255.255.0" -> 24; -1 when not a contiguous mask. */
int net_netmask_to_prefix(const char *mask);
/* "10.0.3.0/24" or "10.0.3.1" (prefix 32): address in network byte order. */
int net_ipv4_parse_cidr(const char *s, uint32_t *addr, unsigned *prefix);
int net_ipv6_parse_cidr(const char *s, uint8_t addr[16], unsigned *prefix);
/* A random name from a template whose trailing 'X's are replaced ("vethXXXXXX"). */
void net_random_ifname(const char *tmpl, char buf[IFNAMSIZ]);
/* Name of NIC i inside the container between creation and net_configure_container_side. */
void net_tmp_ifname(int index, char buf[IFNAMSIZ]);
bool net_ifname_valid(const char *name);

/* ---- helpers for the parts that run programs ------------------------------------ */

/* Run argv[0] (searched in PATH, then /usr/sbin:/sbin) with extra "K=V" environment
 * entries added to ours; stdin_data (may be NULL) is fed to its stdin; its stdout is
 * logged at DEBUG. Fails when it cannot run or exits non-zero, with its stderr's first
 * line in the message. */
int net_run(char *const argv[], char *const env_extra[], const char *stdin_data,
	    struct lxc_error *err);
/* Full path of a program (PATH, then /usr/local/sbin:/usr/sbin:/sbin), or NULL. Malloc'd. */
char *net_find_program(const char *name);
/* Whether the bridge named link is an Open vSwitch bridge (asks ovs-vsctl br-exists). */
bool net_ovs_bridge_exists(const char *bridge);

/* Open /proc/PID/ns/net (O_CLOEXEC). */
int net_open_netns(pid_t pid, struct lxc_error *err);
/* Start time of a process (field 22 of /proc/PID/stat), 0 when it does not exist. */
unsigned long long net_pid_starttime(pid_t pid);

#endif
