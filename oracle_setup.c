// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: the oracle's set-up (see include/tlbflush/oracle.h): the live
 * window made at load (module parameters live, live_window_mb), the CPU
 * hotplug checks (FL10 when a CPU comes online; a dead CPU's shadow row
 * is forgotten), the helper of the offline scenario, and debugfs
 * `oracle` (write a scenario line, read its figures). The scenarios
 * themselves are in oracle.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "tlbflush/flusher.h"
#include "tlbflush/live.h"
#include "tlbflush/oracle.h"
#include "tlbflush/ptable.h"
#include "tlbflush/shadow.h"
#include "tlbflush/stats.h"
#include "tlbflush/strategy.h"

static struct tlbf_live *tlbf_live_window;
static enum cpuhp_state tlbf_oracle_cpuhp;

/**
 * tlbf_oracle_live() - the module's live window
 *
 * Return: the window, NULL if live mode is off or could not be set up.
 */
struct tlbf_live *tlbf_oracle_live(void)
{
	return tlbf_live_window;
}
EXPORT_SYMBOL_GPL(tlbf_oracle_live);

/**
 * tlbf_oracle_check_cpu_queue() - FL10: may @cpu come online now?
 * @cpu: a CPU about to come online
 *
 * Return: 0 if its queue is idle; -EBUSY (an oracle violation, reported)
 * if it still holds work from before it died: the offline drain did not
 * run.
 */
int tlbf_oracle_check_cpu_queue(unsigned int cpu)
{
	bool all;
	unsigned int pages;

	if (tlbf_flusher_queue_idle(cpu))
		return 0;
	pages = tlbf_flusher_queue_pages(cpu, &all);
	tlbf_oracle_report(TLBF_STAT_ORACLE_VIOLATIONS,
			   "cpu%u comes online with work queued before it died (%u pages%s, or an IPI marked in flight): the offline drain did not run (FL10)",
			   cpu, pages, all ? ", all" : "");
	return -EBUSY;
}
EXPORT_SYMBOL_GPL(tlbf_oracle_check_cpu_queue);

/* CPU hotplug, prepare stage on the control CPU. */
static int tlbf_oracle_cpu_prepare(unsigned int cpu)
{
	tlbf_oracle_check_cpu_queue(cpu);
	return 0;	/* reported; never block the CPU from coming up */
}

static int tlbf_oracle_cpu_dead(unsigned int cpu)
{
	struct tlbf_shadow *sh = READ_ONCE(tlbf_shadow_active);

	if (sh)
		tlbf_shadow_forget_cpu(sh, cpu);
	return 0;
}

static void tlbf_oracle_offline_fn(struct work_struct *work)
{
	struct tlbf_oracle_offline *o =
		container_of(work, struct tlbf_oracle_offline, work);

	o->err = remove_cpu(o->cpu);
	complete(&o->done);
}

/**
 * tlbf_oracle_offline_start() - the offline scenario: take @cpu offline
 *	while the round waits between dispatch and sync
 * @o: the helper's state, on the round's stack; tlbf_oracle_offline_end()
 *	must follow
 * @cpu: the victim, -1 for none (nothing done)
 * @self: the round's CPU, where it runs with migration disabled (FL1)
 *
 * remove_cpu() is not called from the round: if CPU hotplug (another
 * thread) takes @self down at the same time, it holds the hotplug locks
 * and waits for the migration-disabled round to leave @self, while
 * remove_cpu() would wait for those locks. A worker of the unbound
 * workqueue, not pinned anywhere and with migration enabled, calls it.
 * The round waits for it only while @self stays active (taking @self down
 * deactivates it first); then the victim may go offline after sync, which
 * the round tolerates.
 */
void tlbf_oracle_offline_start(struct tlbf_oracle_offline *o, int cpu,
			       int self)
{
	o->cpu = cpu;
	o->err = -ENODEV;
	if (cpu < 0)
		return;
	INIT_WORK_ONSTACK(&o->work, tlbf_oracle_offline_fn);
	init_completion(&o->done);
	queue_work(system_unbound_wq, &o->work);
	while (!completion_done(&o->done) && cpu_active(self))
		schedule_timeout_uninterruptible(1);
}

/**
 * tlbf_oracle_offline_end() - collect the helper, bring the victim back
 * @o: as tlbf_oracle_offline_start() left it (o->cpu -1: nothing)
 *
 * Migration enabled, process context: waits for the helper, then onlines
 * the victim if the helper took it down (retrying while the hotplug core
 * is busy, up to 2 s).
 */
void tlbf_oracle_offline_end(struct tlbf_oracle_offline *o)
{
	int tries = 0;

	if (o->cpu < 0)
		return;
	flush_work(&o->work);
	destroy_work_on_stack(&o->work);
	if (o->err)
		return;
	while (add_cpu(o->cpu) && ++tries < 100)
		msleep(20);
	if (tries == 100)
		pr_warn("offline scenario: cpu%d did not come back online\n",
			o->cpu);
	o->cpu = -1;
}

/* ---- debugfs `oracle`: write a scenario line, read its figures ---- */

static DEFINE_MUTEX(tlbf_oracle_text_lock);	/* the text */
static char tlbf_oracle_text[256];

static int tlbf_oracle_parse(char *line, struct tlbf_oracle_params *p)
{
	char *w, *val;
	unsigned int u;
	int i;

	*p = (struct tlbf_oracle_params){
		.targets = TLBF_ORACLE_OTHERS, .change = TLBF_ORACLE_REMAP,
		.pages = 1, .rounds = 1 };
	while ((w = strsep(&line, " \t\n"))) {
		if (!*w)
			continue;
		val = strchr(w, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(w, "strategy")) {
			tlbf_strategy_put(p->strategy);
			p->strategy = tlbf_strategy_get(val);
			if (!p->strategy)
				return -EINVAL;
		} else if (!strcmp(w, "targets")) {
			i = match_string(tlbf_oracle_target_names,
					 TLBF_ORACLE_NR_TARGETS, val);
			if (i < 0)
				return -EINVAL;
			p->targets = i;
		} else if (!strcmp(w, "change")) {
			i = match_string(tlbf_oracle_change_names,
					 TLBF_ORACLE_NR_CHANGES, val);
			if (i < 0)
				return -EINVAL;
			p->change = i;
		} else if (kstrtouint(val, 0, &u)) {
			return -EINVAL;
		} else if (!strcmp(w, "pages")) {
			p->pages = u;
		} else if (!strcmp(w, "rounds")) {
			p->rounds = u;
		} else if (!strcmp(w, "range") && u <= 1) {
			p->range = u;
		} else if (!strcmp(w, "global") && u <= 1) {
			p->global = u;
		} else if (!strcmp(w, "offline") && u <= 1) {
			p->offline = u;
		} else {
			return -EINVAL;
		}
	}
	return 0;
}

static ssize_t tlbf_oracle_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	struct tlbf_oracle_params p;
	struct tlbf_oracle_result r;
	char buf[256];
	int err;

	if (*ppos || len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	err = tlbf_oracle_parse(buf, &p);
	if (!err && !p.strategy)
		p.strategy = tlbf_strategy_get("async");
	if (err || !p.strategy) {
		tlbf_strategy_put(p.strategy);
		return err ? err : -ENOENT;
	}
	err = tlbf_oracle_run(&p, &r);
	tlbf_strategy_put(p.strategy);
	mutex_lock(&tlbf_oracle_text_lock);
	snprintf(tlbf_oracle_text, sizeof(tlbf_oracle_text),
		 "reads_checked=%llu stale_reads=%llu stale_writes=%llu oracle_violations=%llu rounds=%llu cpus=%u ns=%llu err=%d\n",
		 r.reads_checked, r.stale_reads, r.stale_writes, r.violations,
		 r.rounds, r.cpus, r.ns, err);
	mutex_unlock(&tlbf_oracle_text_lock);
	return err ? err : len;
}

static ssize_t tlbf_oracle_read(struct file *file, char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[256];
	ssize_t n;

	mutex_lock(&tlbf_oracle_text_lock);
	strscpy(buf, tlbf_oracle_text, sizeof(buf));
	mutex_unlock(&tlbf_oracle_text_lock);
	n = simple_read_from_buffer(ubuf, len, ppos, buf, strlen(buf));
	return n;
}

static const struct file_operations tlbf_oracle_fops = {
	.owner = THIS_MODULE,
	.read = tlbf_oracle_read,
	.write = tlbf_oracle_write,
	.llseek = default_llseek,
};

/**
 * tlbf_oracle_init() - live window, hotplug checks, debugfs `oracle`
 * @root: the module's debugfs directory
 * @live: make the live window (module parameter live)
 * @live_window_mb: its size in MiB (module parameter live_window_mb)
 *
 * A live window that cannot be set up is reported and leaves the oracle
 * unavailable (-ENODEV from its runs); that is not a load error.
 *
 * Return: 0, -EINVAL for a bad live_window_mb, or a CPU hotplug error.
 */
int tlbf_oracle_init(struct dentry *root, bool live,
		     unsigned int live_window_mb)
{
	int ret;

	if (live_window_mb < 2 || live_window_mb % 2 ||
	    live_window_mb > TLBF_LIVE_MAX_MB) {
		pr_err("live_window_mb=%u: must be a multiple of 2 in 2..%u\n",
		       live_window_mb, TLBF_LIVE_MAX_MB);
		return -EINVAL;
	}
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "tlbflush/oracle",
					tlbf_oracle_cpu_prepare,
					tlbf_oracle_cpu_dead);
	if (ret < 0)
		return ret;
	tlbf_oracle_cpuhp = ret;
	if (live) {
		struct tlbf_live *lv;

		unsigned long pages = (unsigned long)live_window_mb << 20 >>
				      PAGE_SHIFT;

		/* Old, new and cleaned-up frames of a round, plus tables. */
		lv = tlbf_live_create((unsigned long)live_window_mb << 20,
				      min(4 * pages + 64, TLBF_POOL_MAX_FRAMES));
		if (IS_ERR(lv))
			pr_warn("live window unavailable (%ld): the oracle is off\n",
				PTR_ERR(lv));
		else
			tlbf_live_window = lv;
	}
	if (tlbf_live_window)
		pr_info("live window %#lx-%#lx (%u MiB)\n",
			tlbf_live_base(tlbf_live_window),
			tlbf_live_base(tlbf_live_window) +
			tlbf_live_size(tlbf_live_window) - 1, live_window_mb);
	debugfs_create_file("oracle", 0600, root, NULL, &tlbf_oracle_fops);
	return 0;
}

/**
 * tlbf_oracle_exit() - take the live window back
 *
 * After the debugfs tree is gone (no scenario can run) and after every
 * flush is done (the flusher layer quiesced).
 */
void tlbf_oracle_exit(void)
{
	tlbf_live_destroy(tlbf_live_window);
	tlbf_live_window = NULL;
	cpuhp_remove_state_nocalls(tlbf_oracle_cpuhp);
}
