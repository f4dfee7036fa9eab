// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the module's memory footprint, debugfs `footprint` (issue 14:
 * the test bed at machine scale). One `name value` line each:
 *
 *   module_{text,data,rodata,ro_after_init}_bytes, module_core_bytes
 *                       what the module loader allocated for the module
 *                       (the sum is the size /proc/modules shows)
 *   percpu_bytes_per_cpu  the kernel's per-CPU allocation for the module's
 *                       per-CPU section (struct module percpu_size)
 *   percpu_<object>_bytes, percpu_accounted_per_cpu
 *                       the module's own accounting of that section, one
 *                       line per per-CPU object (a new object missing here
 *                       shows as a gap between the two sums)
 *   possible_cpus, nr_cpu_ids, online_cpus, nr_cpus_kernel_max
 *   percpu_total_bytes  percpu_bytes_per_cpu x possible CPUs: per-CPU
 *                       memory grows with the CPUs that can exist, never
 *                       with the kernel's CPU maximum
 *   cpumask_bytes, flusher_scratch_bytes
 *                       one cpumask (sized by nr_cpu_ids when the kernel
 *                       uses off-stack masks), and the three scratch masks
 *                       every flusher allocates at init
 *   default_pool_frames, default_pool_bytes, frames_in_use
 *                       the frame pool made at load and its data pages
 *
 * Nothing here is on a hot path; reading takes no lock.
 */
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "flusher_internal.h"
#include "tlbflush/footprint.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

/*
 * Every DEFINE_PER_CPU of tlbflush.ko (grep DEFINE_PER_CPU in the sources
 * and in strategies/): the queues are cache-line aligned.
 */
static const struct {
	const char *name;
	size_t size;
} tlbf_percpu_objects[] = {
	{ "queues", ALIGN(sizeof(struct tlbf_queue), SMP_CACHE_BYTES) },
	{ "stats", sizeof(struct tlbf_stats) },
	{ "hists", sizeof(struct tlbf_hists) },
	{ "lazy_timer", sizeof(struct hrtimer) },
	{ "bench_ipi_runs", sizeof(u64) },
	{ "torture_ops", sizeof(u64) },
};

/*
 * Kernels since 6.4 describe a module's memory in mod->mem[] (Kbuild
 * defines TLBF_HAVE_MODULE_MEMORY), older ones in mod->core_layout.
 */
static void tlbf_footprint_module(struct seq_file *m)
{
	const struct module *mod = THIS_MODULE;
#ifdef TLBF_HAVE_MODULE_MEMORY
	static const char *const names[] = {
		[MOD_TEXT] = "text", [MOD_DATA] = "data",
		[MOD_RODATA] = "rodata", [MOD_RO_AFTER_INIT] = "ro_after_init",
	};
	unsigned long core = 0;
	int t;

	for (t = MOD_TEXT; t <= MOD_RO_AFTER_INIT; t++) {
		seq_printf(m, "module_%s_bytes %u\n", names[t],
			   mod->mem[t].size);
		core += mod->mem[t].size;
	}
	seq_printf(m, "module_core_bytes %lu\n", core);
#else
	seq_printf(m, "module_text_bytes %u\n", mod->core_layout.text_size);
	seq_printf(m, "module_core_bytes %u\n", mod->core_layout.size);
#endif
#ifdef CONFIG_SMP
	seq_printf(m, "percpu_bytes_per_cpu %u\n", mod->percpu_size);
	seq_printf(m, "percpu_total_bytes %llu\n",
		   (u64)mod->percpu_size * num_possible_cpus());
#endif
}

static int tlbf_footprint_show(struct seq_file *m, void *v)
{
	struct tlbf_pool *pool = tlbf_default_pool();
	unsigned long frames = pool ? tlbf_pool_nr_frames(pool) : 0;
	size_t accounted = 0;
	int i;

	tlbf_footprint_module(m);
	for (i = 0; i < ARRAY_SIZE(tlbf_percpu_objects); i++) {
		seq_printf(m, "percpu_%s_bytes %zu\n",
			   tlbf_percpu_objects[i].name,
			   tlbf_percpu_objects[i].size);
		accounted += tlbf_percpu_objects[i].size;
	}
	seq_printf(m, "percpu_accounted_per_cpu %zu\n", accounted);
	seq_printf(m, "possible_cpus %u\n", num_possible_cpus());
	seq_printf(m, "nr_cpu_ids %u\n", nr_cpu_ids);
	seq_printf(m, "online_cpus %u\n", num_online_cpus());
	seq_printf(m, "nr_cpus_kernel_max %d\n", CONFIG_NR_CPUS);
	seq_printf(m, "cpumask_bytes %u\n", cpumask_size());
	seq_printf(m, "flusher_scratch_bytes %u\n", 3 * cpumask_size());
	seq_printf(m, "default_pool_frames %lu\n", frames);
	seq_printf(m, "default_pool_bytes %lu\n", frames * PAGE_SIZE);
	seq_printf(m, "frames_in_use %lu\n", tlbf_frames_in_use_total());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlbf_footprint);

/**
 * tlbf_footprint_init() - create debugfs `footprint`
 * @root: the module's debugfs directory
 */
void tlbf_footprint_init(struct dentry *root)
{
	debugfs_create_file("footprint", 0444, root, NULL,
			    &tlbf_footprint_fops);
}
