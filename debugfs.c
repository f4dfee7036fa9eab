// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the counters, tunables, histograms and scenario command file of
 * /sys/kernel/debug/tlbflush/ (ARCHITECTURE.md "debugfs").
 *
 *   stats              `name value` per counter (sum over CPUs), then the
 *                      gauges frames_in_use and frames_pending; writing
 *                      "reset" zeroes the counters and histograms
 *   cpu_stats          `cpuN name value` per possible CPU and counter
 *   reset              writing "1" is the same as "reset" into stats
 *   flush_all_threshold  tunable, 1..TLBF_FLUSH_ALL_THRESHOLD_MAX
 *   slow_cpu_ms        tunable, FL11 bound (0 = never report)
 *   hist_sync_wait_ns, hist_dispatch_ns
 *                      log2 histograms, `lo_ns hi_ns count` per non-empty
 *                      bucket (hi exclusive); filled only with the module
 *                      parameter histograms=1
 *   queues             `cpuN online O pages P all A` per possible CPU
 *   cmd                scripted scenarios, see tlbf_cmd_line()
 *
 * Reset while flushes are in flight breaks the invariants until the next
 * quiescent point: the `cmd` command "quiesce" waits for one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "tlbflush/debugfs.h"
#include "tlbflush/flusher.h"
#include "tlbflush/strategy.h"
#include "tlbflush/pgmapper.h"
#include "tlbflush/ptable.h"
#include "tlbflush/stats.h"

/* ---- stats, cpu_stats, reset ---- */

static int tlbf_stats_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < TLBF_NR_STATS; i++)
		seq_printf(m, "%s %llu\n", tlbf_stat_names[i],
			   tlbf_stat_sum(i));
	seq_printf(m, "frames_in_use %lu\n", tlbf_frames_in_use_total());
	seq_printf(m, "frames_pending %lu\n", tlbf_frames_pending_total());
	return 0;
}

static int tlbf_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, tlbf_stats_show, NULL);
}

static ssize_t tlbf_stats_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[16];

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (strcmp(strim(buf), "reset"))
		return -EINVAL;
	tlbf_stats_reset();
	return count;
}

static const struct file_operations tlbf_stats_fops = {
	.owner = THIS_MODULE,
	.open = tlbf_stats_open,
	.read = seq_read,
	.write = tlbf_stats_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int tlbf_cpu_stats_show(struct seq_file *m, void *v)
{
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < TLBF_NR_STATS; i++)
			seq_printf(m, "cpu%d %s %llu\n", cpu,
				   tlbf_stat_names[i], tlbf_stat_cpu(cpu, i));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlbf_cpu_stats);

static int tlbf_reset_set(void *data, u64 val)
{
	if (val != 1)
		return -EINVAL;
	tlbf_stats_reset();
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tlbf_reset_fops, NULL, tlbf_reset_set, "%llu\n");

/* ---- tunables ---- */

static int tlbf_threshold_get(void *data, u64 *val)
{
	*val = READ_ONCE(tlbf_flush_all_threshold);
	return 0;
}

static int tlbf_threshold_set(void *data, u64 val)
{
	if (val > TLBF_FLUSH_ALL_THRESHOLD_MAX)
		return -EINVAL;
	return tlbf_set_flush_all_threshold(val);
}
DEFINE_DEBUGFS_ATTRIBUTE(tlbf_threshold_fops, tlbf_threshold_get,
			 tlbf_threshold_set, "%llu\n");

static int tlbf_slow_get(void *data, u64 *val)
{
	*val = READ_ONCE(tlbf_slow_cpu_ms);
	return 0;
}

static int tlbf_slow_set(void *data, u64 val)
{
	if (val > 3600 * 1000)
		return -EINVAL;
	WRITE_ONCE(tlbf_slow_cpu_ms, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(tlbf_slow_fops, tlbf_slow_get, tlbf_slow_set,
			 "%llu\n");

/* ---- histograms, queues ---- */

static int tlbf_hist_show(struct seq_file *m, void *v)
{
	enum tlbf_hist h = (enum tlbf_hist)(uintptr_t)m->private;
	unsigned int b;
	u64 n;

	for (b = 0; b < TLBF_HIST_BUCKETS; b++) {
		n = tlbf_hist_sum(h, b);
		if (!n)
			continue;
		if (b == TLBF_HIST_BUCKETS - 1)
			seq_printf(m, "%llu inf %llu\n", 1ULL << (b - 1), n);
		else
			seq_printf(m, "%llu %llu %llu\n",
				   b ? 1ULL << (b - 1) : 0, 1ULL << b, n);
	}
	return 0;
}

static int tlbf_hist_open(struct inode *inode, struct file *file)
{
	return single_open(file, tlbf_hist_show, inode->i_private);
}

static const struct file_operations tlbf_hist_fops = {
	.owner = THIS_MODULE,
	.open = tlbf_hist_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int tlbf_queues_show(struct seq_file *m, void *v)
{
	unsigned int pages;
	bool all;
	int cpu;

	for_each_possible_cpu(cpu) {
		pages = tlbf_flusher_queue_pages(cpu, &all);
		seq_printf(m, "cpu%d online %d pages %u all %d\n", cpu,
			   cpu_online(cpu), pages, all);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tlbf_queues);

/* ---- cmd: scripted scenarios ---- */

#define TLBF_CMD_OUT_SIZE	4096
#define TLBF_CMD_IN_SIZE	4096

/**
 * struct tlbf_cmd_state - the scenario state behind `cmd`
 * @lock: serializes writers and readers
 * @mapper: the scenario's page table, on the default pool
 * @targets: target set of the scenario's flushers
 * @strategy: their strategy
 * @on_cpu: CPU the mapper/flush commands run on, -1 for the writer's
 * @wait: sessions of the async/broadcast strategies sync before finishing
 * @out: log of the last write, returned by read
 * @out_len: bytes used in @out
 */
struct tlbf_cmd_state {
	struct mutex lock;	/* see @lock above */
	struct tlbf_mapper *mapper;
	cpumask_var_t targets;
	const struct tlbf_strategy *strategy;
	int on_cpu;
	bool wait;
	char out[TLBF_CMD_OUT_SIZE];
	size_t out_len;
};

static struct tlbf_cmd_state *tlbf_cmd;

/**
 * struct tlbf_cmd_op - one mapper/flush command, run on the chosen CPU
 * @kind: 'm' map, 'p' protect, 'u' unmap, 'f' flush op
 * @va: first page
 * @nr: pages
 * @flags: leaf flags for map/protect
 * @op: the op of a flush command
 */
struct tlbf_cmd_op {
	char kind;
	unsigned long va;
	unsigned long nr;
	u64 flags;
	struct tlbf_op op;
};

static __printf(1, 2) void tlbf_cmd_log(const char *fmt, ...)
{
	struct tlbf_cmd_state *s = tlbf_cmd;
	va_list args;

	if (s->out_len >= TLBF_CMD_OUT_SIZE - 1)
		return;
	va_start(args, fmt);
	s->out_len += vscnprintf(s->out + s->out_len,
				 TLBF_CMD_OUT_SIZE - s->out_len, fmt, args);
	va_end(args);
}

/* One flusher session: change the table, hand the request to a flusher. */
static long tlbf_cmd_run(void *arg)
{
	TLBF_FLUSH_REQ(req);
	struct tlbf_cmd_state *s = tlbf_cmd;
	struct tlbf_cmd_op *c = arg;
	struct tlbf_flusher fl;
	int err, err2;

	if (c->kind == 'm')
		return tlbf_mapper_map_range(s->mapper, c->va, c->nr, c->flags);

	preempt_disable();
	if (c->kind == 'p')
		err = tlbf_mapper_protect_range(s->mapper, c->va, c->nr,
						c->flags, &req);
	else if (c->kind == 'u')
		err = tlbf_mapper_unmap_range(s->mapper, c->va, c->nr, true,
					      &req);
	else
		err = 0;
	if (err)
		goto out;
	err = tlbf_flusher_init(&fl, s->targets, s->strategy);
	if (err) {
		tlbf_req_flush_local(&req);
		goto out;
	}
	if (c->kind == 'f')
		err = tlbf_flusher_issue(&fl, c->op);
	else
		err = tlbf_flusher_issue_req(&fl, &req);
	if (!err)
		err = tlbf_flusher_dispatch(&fl);
	if (!err && s->wait && !(s->strategy->flags & TLBF_STRAT_F_WAITS)) {
		/* Scripts see completed flushes; async dispatch returned early. */
		err2 = tlbf_flusher_sync(&fl);
		err = err ? err : err2;
	}
	tlbf_flusher_finish(&fl);
	if (tlbf_req_live(&req))
		tlbf_req_flush_local(&req);
out:
	preempt_enable();
	return err;
}

static int tlbf_cmd_exec(struct tlbf_cmd_op *c)
{
	struct tlbf_cmd_state *s = tlbf_cmd;
	long ret;

	if (s->on_cpu < 0)
		return tlbf_cmd_run(c);
	cpus_read_lock();
	if (!cpu_online(s->on_cpu))
		ret = -ENODEV;
	else
		ret = work_on_cpu(s->on_cpu, tlbf_cmd_run, c);
	cpus_read_unlock();
	return ret;
}

static int tlbf_cmd_parse_flags(const char *w, u64 *flags)
{
	*flags = tlbf_flags_new();
	if (!strcmp(w, "rw"))
		*flags = tlbf_flags_set_write(*flags, true);
	else if (strcmp(w, "ro"))
		return -EINVAL;
	return 0;
}

/*
 * One command line, words separated by spaces:
 *
 *   strategy NAME                a registered strategy (debugfs strategies)
 *   targets CPULIST|all|none     e.g. "0-3", "1,3"; "all" = online CPUs
 *   on CPU|any                   run the commands below on CPU
 *   wait on|off                  async/broadcast sessions sync (default on)
 *                                or leave their flushes in flight
 *   map VA [NR [ro|rw]]          map NR (1) pages, default rw; no flush
 *   protect VA NR ro|rw          change flags, flush through a flusher
 *   unmap VA [NR]                unmap, free empty tables, then flushed
 *   flush all | flush page VA | flush range VA NR
 *   quiesce                      wait until no flush is in flight
 *   reset                        zero the counters
 *
 * Each mapper/flush command is one flusher session with the current
 * strategy and targets: issue, dispatch, sync (unless "wait off"), finish.
 * VA and NR accept 0x hex. Errors: -EINVAL bad syntax, or what the layers
 * return.
 */
static int tlbf_cmd_line(char *line)
{
	struct tlbf_cmd_state *s = tlbf_cmd;
	char *w[5] = {};
	struct tlbf_cmd_op c = { .nr = 1 };
	unsigned int cpu;
	int n = 0, ret;
	char *p;

	while ((p = strsep(&line, " \t"))) {
		if (!*p)
			continue;
		if (n == ARRAY_SIZE(w))
			return -EINVAL;	/* too many words */
		w[n++] = p;
	}
	if (!n)
		return 0;

	if (!strcmp(w[0], "strategy") && n == 2) {
		const struct tlbf_strategy *st = tlbf_strategy_get(w[1]);

		if (!st)
			return -EINVAL;
		tlbf_strategy_put(s->strategy);
		s->strategy = st;
		return 0;
	}
	if (!strcmp(w[0], "targets") && n == 2) {
		cpumask_var_t m;

		if (!strcmp(w[1], "all")) {
			cpumask_copy(s->targets, cpu_online_mask);
			return 0;
		}
		if (!strcmp(w[1], "none")) {
			cpumask_clear(s->targets);
			return 0;
		}
		if (!alloc_cpumask_var(&m, GFP_KERNEL))
			return -ENOMEM;
		ret = cpulist_parse(w[1], m);
		if (!ret && !cpumask_subset(m, cpu_possible_mask))
			ret = -EINVAL;
		if (!ret)
			cpumask_copy(s->targets, m);
		free_cpumask_var(m);
		return ret;
	}
	if (!strcmp(w[0], "on") && n == 2) {
		if (!strcmp(w[1], "any")) {
			s->on_cpu = -1;
			return 0;
		}
		if (kstrtouint(w[1], 0, &cpu) || cpu >= nr_cpu_ids ||
		    !cpu_possible(cpu))
			return -EINVAL;
		s->on_cpu = cpu;
		return 0;
	}
	if (!strcmp(w[0], "wait") && n == 2) {
		if (!strcmp(w[1], "on"))
			s->wait = true;
		else if (!strcmp(w[1], "off"))
			s->wait = false;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(w[0], "quiesce") && n == 1) {
		tlbf_flusher_quiesce();
		tlbf_pool_quiesce();
		return 0;
	}
	if (!strcmp(w[0], "reset") && n == 1) {
		tlbf_stats_reset();
		return 0;
	}
	if (!strcmp(w[0], "map") && n >= 2 && n <= 4) {
		c.kind = 'm';
		if (kstrtoul(w[1], 0, &c.va) ||
		    (n >= 3 && kstrtoul(w[2], 0, &c.nr)))
			return -EINVAL;
		ret = tlbf_cmd_parse_flags(n == 4 ? w[3] : "rw", &c.flags);
		if (ret)
			return ret;
		return tlbf_cmd_exec(&c);
	}
	if (!strcmp(w[0], "protect") && n == 4) {
		c.kind = 'p';
		if (kstrtoul(w[1], 0, &c.va) || kstrtoul(w[2], 0, &c.nr))
			return -EINVAL;
		ret = tlbf_cmd_parse_flags(w[3], &c.flags);
		if (ret)
			return ret;
		return tlbf_cmd_exec(&c);
	}
	if (!strcmp(w[0], "unmap") && (n == 2 || n == 3)) {
		c.kind = 'u';
		if (kstrtoul(w[1], 0, &c.va) ||
		    (n == 3 && kstrtoul(w[2], 0, &c.nr)))
			return -EINVAL;
		return tlbf_cmd_exec(&c);
	}
	if (!strcmp(w[0], "flush") && n >= 2) {
		c.kind = 'f';
		if (!strcmp(w[1], "all") && n == 2) {
			c.op = tlbf_op_all();
		} else if (!strcmp(w[1], "page") && n == 3) {
			if (kstrtoul(w[2], 0, &c.va))
				return -EINVAL;
			c.op = tlbf_op_page(c.va);
		} else if (!strcmp(w[1], "range") && n == 4) {
			if (kstrtoul(w[2], 0, &c.va) ||
			    kstrtoul(w[3], 0, &c.nr))
				return -EINVAL;
			c.op = tlbf_op_range(c.va, c.nr);
		} else {
			return -EINVAL;
		}
		if (!tlbf_op_valid(c.op))
			return -EINVAL;
		return tlbf_cmd_exec(&c);
	}
	return -EINVAL;
}

static ssize_t tlbf_cmd_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct tlbf_cmd_state *s = tlbf_cmd;
	char *buf, *rest, *line, *copy;
	int ret = 0;

	if (!count || count >= TLBF_CMD_IN_SIZE)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	mutex_lock(&s->lock);
	s->out_len = 0;
	s->out[0] = '\0';
	rest = buf;
	while ((line = strsep(&rest, "\n;"))) {
		line = strim(line);
		if (!*line || *line == '#')
			continue;
		copy = kstrdup(line, GFP_KERNEL);
		ret = copy ? tlbf_cmd_line(line) : -ENOMEM;
		tlbf_cmd_log("%s %d %s\n", ret ? "error" : "ok", ret,
			     copy ? copy : "");
		kfree(copy);
		if (ret)
			break;
	}
	mutex_unlock(&s->lock);
	kfree(buf);
	return ret ? ret : count;
}

static ssize_t tlbf_cmd_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct tlbf_cmd_state *s = tlbf_cmd;
	ssize_t ret;

	mutex_lock(&s->lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, s->out, s->out_len);
	mutex_unlock(&s->lock);
	return ret;
}

static const struct file_operations tlbf_cmd_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = tlbf_cmd_read,
	.write = tlbf_cmd_write,
	.llseek = default_llseek,
};

/**
 * tlbf_debugfs_init() - create the files of the debugfs tree
 * @root: /sys/kernel/debug/tlbflush/
 *
 * Return: 0 or -ENOMEM (nothing left behind). debugfs errors are not
 * fatal, as everywhere in the kernel.
 */
int tlbf_debugfs_init(struct dentry *root)
{
	struct tlbf_cmd_state *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	if (!zalloc_cpumask_var(&s->targets, GFP_KERNEL)) {
		kfree(s);
		return -ENOMEM;
	}
	s->mapper = tlbf_mapper_create(tlbf_default_pool());
	if (IS_ERR(s->mapper)) {
		int err = PTR_ERR(s->mapper);

		free_cpumask_var(s->targets);
		kfree(s);
		return err;
	}
	mutex_init(&s->lock);
	cpumask_copy(s->targets, cpu_online_mask);
	s->strategy = tlbf_strategy_get("async");
	if (!s->strategy) {
		free_cpumask_var(s->targets);
		kfree(s);
		return -ENOENT;
	}
	s->on_cpu = -1;
	s->wait = true;
	tlbf_cmd = s;

	debugfs_create_file("stats", 0600, root, NULL, &tlbf_stats_fops);
	debugfs_create_file("cpu_stats", 0400, root, NULL,
			    &tlbf_cpu_stats_fops);
	debugfs_create_file_unsafe("reset", 0200, root, NULL,
				   &tlbf_reset_fops);
	debugfs_create_file_unsafe("flush_all_threshold", 0600, root, NULL,
				   &tlbf_threshold_fops);
	debugfs_create_file_unsafe("slow_cpu_ms", 0600, root, NULL,
				   &tlbf_slow_fops);
	debugfs_create_file(tlbf_hist_names[TLBF_HIST_SYNC_WAIT_NS], 0400,
			    root, (void *)(uintptr_t)TLBF_HIST_SYNC_WAIT_NS,
			    &tlbf_hist_fops);
	debugfs_create_file(tlbf_hist_names[TLBF_HIST_DISPATCH_NS], 0400,
			    root, (void *)(uintptr_t)TLBF_HIST_DISPATCH_NS,
			    &tlbf_hist_fops);
	debugfs_create_file("queues", 0400, root, NULL, &tlbf_queues_fops);
	debugfs_create_file("cmd", 0600, root, NULL, &tlbf_cmd_fops);
	return 0;
}

/**
 * tlbf_debugfs_exit() - free the scenario state
 *
 * Call after the debugfs tree is removed (no writer left). The scenario's
 * page table and frames go back to the pool through the deferred path.
 */
void tlbf_debugfs_exit(void)
{
	struct tlbf_cmd_state *s = tlbf_cmd;

	if (!s)
		return;
	tlbf_cmd = NULL;
	tlbf_strategy_put(s->strategy);
	tlbf_mapper_destroy(s->mapper);
	free_cpumask_var(s->targets);
	mutex_destroy(&s->lock);
	kfree(s);
}
