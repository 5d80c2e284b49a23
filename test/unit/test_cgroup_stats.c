/* Unit tests for the parsers of lib/cgroup_stats.c, with samples of the kernel's files. */
#include <string.h>

#include "cgroup_internal.h"
#include "lxc.h"
#include "unit.h"

TEST(cgroup_stats_kv)
{
	static const char cpu_stat[] = "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n"
				       "core_sched.force_idle_usec 0\nnr_periods 0\n";
	static const char cpuacct_stat[] = "user 200\nsystem 50\n";
	uint64_t v = 0;

	CHECK(cgroup_stats_kv(cpu_stat, "usage_usec", &v) == 0 && v == 2500000);
	CHECK(cgroup_stats_kv(cpu_stat, "system_usec", &v) == 0 && v == 500000);
	CHECK(cgroup_stats_kv(cpu_stat, "usage", &v) < 0);
	CHECK(cgroup_stats_kv(cpuacct_stat, "system", &v) == 0 && v == 50);
	CHECK(cgroup_stats_kv("user x\n", "user", &v) < 0);
	CHECK(cgroup_stats_kv("", "user", &v) < 0);
}

TEST(cgroup_stats_v1_blkio)
{
	static const char bytes[] =
		"8:16 Read 4096\n8:16 Write 8192\n8:16 Sync 12288\n8:16 Async 0\n8:16 Discard 0\n8:16 Total 12288\n"
		"8:0 Read 100\n8:0 Write 0\n8:0 Sync 100\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 100\n"
		"Total 12388\n";
	static const char no_total[] = "8:0 Read 1\n8:0 Write 2\n8:0 Total 3\n";
	uint64_t t, r, w;

	CHECK(cgroup_stats_v1_blkio(bytes, &t, &r, &w) == 0);
	CHECK_INT(t, 12388);
	CHECK_INT(r, 4196);
	CHECK_INT(w, 8192);
	cgroup_stats_v1_blkio(no_total, &t, &r, &w);
	CHECK_INT(t, 3);
	cgroup_stats_v1_blkio("Total 0\n", &t, &r, &w);
	CHECK_INT(t + r + w, 0);
}

TEST(cgroup_stats_v2_io_and_kmem)
{
	static const char io[] = "254:0 rbytes=1048576 wbytes=4096 rios=10 wios=1 dbytes=0 dios=0\n"
				 "7:0 rbytes=512 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n";
	static const char stat_new[] = "anon 1000\nfile 2000\nkernel 73728\nkernel_stack 16384\nslab 40000\n";
	static const char stat_old[] = "anon 1000\nkernel_stack 16384\npagetables 4096\npercpu 80\nsock 0\n"
				       "slab_reclaimable 1000\nslab_unreclaimable 2000\n";
	uint64_t rb, wb, ri, wi;

	cgroup_stats_v2_io(io, &rb, &wb, &ri, &wi);
	CHECK_INT(rb, 1049088);
	CHECK_INT(wb, 4096);
	CHECK_INT(ri, 11);
	CHECK_INT(wi, 1);
	CHECK_INT(cgroup_stats_v2_kmem(stat_new), 73728);
	CHECK_INT(cgroup_stats_v2_kmem(stat_old), 16384 + 4096 + 80 + 1000 + 2000);
	CHECK_INT(cgroup_stats_v2_kmem("anon 1\n"), 0);
}
