// SPDX-License-Identifier: GPL-2.0
/*
 * tlbflush: debugfs `bench` (see include/tlbflush/bench.h for the
 * protocol) and `bench_samples`: the parameter line, the result text, the
 * samples of the last run, the files themselves, and the bench's
 * init/exit. The engine is bench.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": bench: " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "bench_internal.h"
#include "tlbflush/stats.h"

#define TLBF_BENCH_LINE_MAX	256
#define TLBF_BENCH_TEXT_MAX	65536

/*
 * Serializes runs and guards what the last one left: its result text
 * (`bench`), its result and samples (`bench_samples`).
 */
static DEFINE_MUTEX(tlbf_bench_lock);
static char *tlbf_bench_text;
static size_t tlbf_bench_text_len;
static struct tlbf_bench_result *tlbf_bench_last;
static u64 *tlbf_bench_samples;

/* -------------------------------------------------------------- parsing */

static int tlbf_parse_uint(const char *val, unsigned int lo, unsigned int hi,
			   unsigned int *out)
{
	unsigned int v;

	if (kstrtouint(val, 10, &v) || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int tlbf_parse_pair(char *key, char *val, struct tlbf_bench_params *p)
{
	int i;

	if (!strcmp(key, "modes")) {
		if (strscpy(p->modes, val, sizeof(p->modes)) < 0)
			return -EINVAL;
		return tlbf_bench_check_modes(p->modes);
	}
	if (!strcmp(key, "pages"))
		return tlbf_parse_uint(val, 1, TLBF_BENCH_MAX_PAGES, &p->pages);
	if (!strcmp(key, "iters"))
		return tlbf_parse_uint(val, 1, TLBF_BENCH_MAX_ITERS, &p->iters);
	if (!strcmp(key, "warmup"))
		return tlbf_parse_uint(val, 0, TLBF_BENCH_MAX_WARMUP,
				       &p->warmup);
	if (!strcmp(key, "phases"))
		return tlbf_parse_uint(val, 0, TLBF_BENCH_MAX_PHASES,
				       &p->phases);
	if (!strcmp(key, "touch"))
		return kstrtobool(val, &p->touch) ? -EINVAL : 0;
	if (!strcmp(key, "targets")) {
		i = match_string(tlbf_bench_target_names,
				 ARRAY_SIZE(tlbf_bench_target_names), val);
		if (i < 0)
			return -EINVAL;
		p->targets = i;
		return 0;
	}
	return -EINVAL;
}

/**
 * tlbf_bench_parse() - parse a debugfs `bench` parameter line
 * @line: NUL-terminated `key=value` pairs separated by blanks; keys modes
 *	("all", or comma-separated distinct mode names: ipi, native, batched,
 *	flusher-NAME for a registered strategy NAME), pages, targets (one,
 *	others, all), iters, warmup, touch (0/1), phases (phase samples
 *	per flusher mode). Missing keys take the defaults modes=all pages=1
 *	targets=others iters=1000 warmup=100 touch=1, and for phases a
 *	quarter of iters, at most 500.
 * @p: filled on success only
 *
 * Return: 0, -EINVAL for a blank line, an unknown key or mode, a value out of
 * range or a malformed pair, -ENOMEM if the line could not be copied.
 */
int tlbf_bench_parse(const char *line, struct tlbf_bench_params *p)
{
	struct tlbf_bench_params *q;
	char *copy, *cur, *tok, *eq;
	int ret = 0, pairs = 0;

	copy = kstrdup(line, GFP_KERNEL);
	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!copy || !q) {
		ret = -ENOMEM;
		goto out;
	}
	strscpy(q->modes, "all", sizeof(q->modes));
	q->pages = 1;
	q->targets = TLBF_BENCH_T_OTHERS;
	q->iters = 1000;
	q->warmup = 100;
	q->touch = true;
	q->phases = TLBF_BENCH_PHASES_AUTO;
	cur = copy;
	while ((tok = strsep(&cur, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq || eq == tok || !eq[1]) {
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		ret = tlbf_parse_pair(tok, eq + 1, q);
		if (ret)
			break;
		pairs++;
	}
	if (!ret && !pairs)
		ret = -EINVAL;
	if (!ret)
		*p = *q;
out:
	kfree(q);
	kfree(copy);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(tlbf_bench_parse);

/* ------------------------------------------------------------ formatting */

/* @tag, then name=value for every tlbflush counter: a `before`/`after` line. */
static size_t tlbf_bench_fmt_stats(char *buf, size_t size, const char *tag,
				   const u64 *v)
{
	size_t n;
	int i;

	n = scnprintf(buf, size, "%s", tag);
	for (i = 0; i < TLBF_NR_STATS; i++)
		n += scnprintf(buf + n, size - n, " %s=%llu", tlbf_stat_names[i],
			       v[i]);
	n += scnprintf(buf + n, size - n, "\n");
	return n;
}

static size_t tlbf_bench_fmt_model(char *buf, size_t size,
				   const struct tlbf_bench_mode_result *m)
{
	if (m->model_ok)
		return scnprintf(buf, size, " model=ok");
	return scnprintf(buf, size,
			 " model=differs model_diff=%s model_got=%llu model_want=%llu",
			 m->model_diff, m->model_got, m->model_want);
}

static size_t tlbf_bench_fmt_mode(char *buf, size_t size,
				  const struct tlbf_bench_params *p,
				  const struct tlbf_bench_mode_result *m)
{
	size_t n;
	int j;

	if (!m->available)
		return scnprintf(buf, size, "mode=%s available=0 reason=%s\n",
				 m->name, m->reason);
	n = scnprintf(buf, size,
		      "mode=%s available=1 pages=%u targets=%s cpus=%u remote=%u iters=%u median_ns=%llu p90_ns=%llu p99_ns=%llu min_ns=%llu max_ns=%llu mean_ns=%llu cpu_samples=%llu remote_samples=%llu ipi_handler_runs=%llu native_calls=%llu",
		      m->name, p->pages, tlbf_bench_target_names[p->targets],
		      m->cpus, m->remote, m->stats.n, m->stats.median,
		      m->stats.p90, m->stats.p99, m->stats.min, m->stats.max,
		      m->stats.mean, m->cpu_samples, m->remote_samples,
		      m->ipi_handler_runs, m->native_calls);
	n += tlbf_bench_fmt_model(buf + n, size - n, m);
	for (j = 0; j < TLBF_NR_STATS; j++)
		n += scnprintf(buf + n, size - n, " %s=%llu",
			       tlbf_stat_names[j], m->stat_delta[j]);
	n += scnprintf(buf + n, size - n, "\n");
	return n;
}

/* One `phases` line of a flusher mode (medians, ns). */
static size_t tlbf_bench_fmt_phases(char *buf, size_t size,
				    const struct tlbf_bench_mode_result *mr)
{
	static const char *const names[TLBF_NR_PHASES] = {
		"total", "issue", "dispatch", "deliver", "handler", "wait",
	};
	const struct tlbf_bench_phases *ph = &mr->phases;
	size_t n;
	int j;

	if (!mr->available || mr->kind != TLBF_BENCH_FLUSHER)
		return 0;
	n = scnprintf(buf, size, "phases mode=%s n=%u", mr->name, ph->n);
	if (!ph->n)
		return n + scnprintf(buf + n, size - n, " reason=%s\n",
				     ph->reason ?: "none");
	for (j = 0; j < TLBF_NR_PHASES; j++)
		n += scnprintf(buf + n, size - n, " %s_ns=%llu", names[j],
			       ph->median[j]);
	return n + scnprintf(buf + n, size - n, "\n");
}

static size_t tlbf_bench_format(char *buf, size_t size,
				const struct tlbf_bench_result *r)
{
	const struct tlbf_bench_params *p = &r->params;
	size_t n = 0;
	unsigned int i;

	n += scnprintf(buf + n, size - n,
		       "params pages=%u targets=%s iters=%u warmup=%u touch=%d online=%u\n",
		       p->pages, tlbf_bench_target_names[p->targets], p->iters,
		       p->warmup, p->touch, num_online_cpus());
	for (i = 0; i < r->nr_modes; i++)
		n += tlbf_bench_fmt_mode(buf + n, size - n, p, &r->mode[i]);
	for (i = 0; i < r->nr_modes && p->phases; i++)
		n += tlbf_bench_fmt_phases(buf + n, size - n, &r->mode[i]);
	n += tlbf_bench_fmt_stats(buf + n, size - n, "before", r->before);
	n += tlbf_bench_fmt_stats(buf + n, size - n, "after", r->after);
	return n;
}

/* Before the first run: the syntax and every mode of "all". */
static size_t tlbf_bench_fmt_help(char *buf, size_t size)
{
	struct tlbf_bench_name *names;
	unsigned int nr, i;
	const char *why;
	size_t n;

	n = scnprintf(buf, size,
		      "# write: modes=all|NAME,... pages=1..%d targets=one|others|all iters=1..%d warmup=0..%d touch=0|1 phases=0..%d\n",
		      TLBF_BENCH_MAX_PAGES, TLBF_BENCH_MAX_ITERS,
		      TLBF_BENCH_MAX_WARMUP, TLBF_BENCH_MAX_PHASES);
	names = kcalloc(TLBF_BENCH_MAX_MODES, sizeof(*names), GFP_KERNEL);
	if (!names)
		return n;
	nr = tlbf_bench_all_modes(names, TLBF_BENCH_MAX_MODES);
	for (i = 0; i < nr; i++) {
		if (tlbf_bench_mode_available(names[i].s, &why))
			n += scnprintf(buf + n, size - n,
				       "mode=%s available=1\n", names[i].s);
		else
			n += scnprintf(buf + n, size - n,
				       "mode=%s available=0 reason=%s\n",
				       names[i].s, why);
	}
	kfree(names);
	return n;
}

/* ---------------------------------------------------------------- debugfs */

static ssize_t tlbf_bench_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct tlbf_bench_params p;
	struct tlbf_bench_result *r;
	char line[TLBF_BENCH_LINE_MAX];
	u64 *samples = NULL;
	char *text;
	int ret;

	if (count >= sizeof(line))
		return -EINVAL;
	if (copy_from_user(line, ubuf, count))
		return -EFAULT;
	line[count] = '\0';
	ret = tlbf_bench_parse(line, &p);
	if (ret)
		return ret;

	r = kvzalloc(sizeof(*r), GFP_KERNEL);
	text = kvzalloc(TLBF_BENCH_TEXT_MAX, GFP_KERNEL);
	if (!r || !text) {
		ret = -ENOMEM;
		goto out;
	}
	ret = mutex_lock_interruptible(&tlbf_bench_lock);
	if (ret)
		goto out;
	ret = tlbf_bench_run_samples(&p, r, &samples);
	if (!ret) {
		tlbf_bench_text_len = tlbf_bench_format(text,
							TLBF_BENCH_TEXT_MAX, r);
		swap(text, tlbf_bench_text);
		swap(r, tlbf_bench_last);
		swap(samples, tlbf_bench_samples);
	}
	mutex_unlock(&tlbf_bench_lock);
out:
	kvfree(samples);
	kvfree(text);
	kvfree(r);
	return ret ? ret : count;
}

static ssize_t tlbf_bench_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char *help;
	size_t n;
	ssize_t ret;

	ret = mutex_lock_interruptible(&tlbf_bench_lock);
	if (ret)
		return ret;
	if (tlbf_bench_text) {
		ret = simple_read_from_buffer(ubuf, count, ppos,
					      tlbf_bench_text,
					      tlbf_bench_text_len);
		mutex_unlock(&tlbf_bench_lock);
		return ret;
	}
	mutex_unlock(&tlbf_bench_lock);

	help = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!help)
		return -ENOMEM;
	n = tlbf_bench_fmt_help(help, PAGE_SIZE);
	ret = simple_read_from_buffer(ubuf, count, ppos, help, n);
	kfree(help);
	return ret;
}

static const struct file_operations tlbf_bench_fops = {
	.owner = THIS_MODULE,
	.read = tlbf_bench_read,
	.write = tlbf_bench_write,
	.llseek = default_llseek,
};

/*
 * debugfs `bench_samples`: every measured sample of the last run, in the
 * order taken, so that user space can pair them (mode A's sample i and mode
 * B's sample i come from the same iteration). A header line
 * `# iter NAME...` (the modes that ran), then one line per iteration:
 * `i ns...`. Empty before the first run. The bench lock is held from start
 * to stop, so a run cannot replace the samples under a reader.
 */
static void *tlbf_samples_start(struct seq_file *m, loff_t *pos)
{
	mutex_lock(&tlbf_bench_lock);
	if (!tlbf_bench_last || *pos > tlbf_bench_last->params.iters)
		return NULL;
	return pos;
}

static void *tlbf_samples_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return *pos > tlbf_bench_last->params.iters ? NULL : pos;
}

static void tlbf_samples_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&tlbf_bench_lock);
}

static int tlbf_samples_show(struct seq_file *m, void *v)
{
	const struct tlbf_bench_result *r = tlbf_bench_last;
	unsigned int iters = r->params.iters, k;
	loff_t pos = *(loff_t *)v;

	if (pos)
		seq_printf(m, "%lld", pos - 1);
	else
		seq_puts(m, "# iter");
	for (k = 0; k < r->nr_modes; k++) {
		if (!r->mode[k].available)
			continue;
		if (pos)
			seq_printf(m, " %llu",
				   tlbf_bench_samples[k * iters + pos - 1]);
		else
			seq_printf(m, " %s", r->mode[k].name);
	}
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations tlbf_samples_sops = {
	.start = tlbf_samples_start,
	.next = tlbf_samples_next,
	.stop = tlbf_samples_stop,
	.show = tlbf_samples_show,
};
DEFINE_SEQ_ATTRIBUTE(tlbf_samples);

/**
 * tlbf_bench_init() - resolve the native flush and create debugfs `bench`
 * @root: the directory to create `bench` in (the module's debugfs root,
 *	made by the module core, which calls this)
 *
 * Return: 0. An unresolvable native flush is not an error: the mode reports
 * itself unavailable.
 */
int tlbf_bench_init(struct dentry *root)
{
	tlbf_bench_buffer_init(true);
	tlbf_bench_resolve_native();
	if (tlbf_bench_native_reason)
		pr_info("native mode unavailable: %s\n",
			tlbf_bench_native_reason);
	debugfs_create_file("bench", 0600, root, NULL, &tlbf_bench_fops);
	debugfs_create_file("bench_samples", 0400, root, NULL,
			    &tlbf_samples_fops);
	return 0;
}

/**
 * tlbf_bench_exit() - free the last result text
 *
 * Called after the debugfs tree is gone, so no run can be in progress.
 */
void tlbf_bench_exit(void)
{
	tlbf_bench_buffer_init(false);
	kvfree(tlbf_bench_text);
	tlbf_bench_text = NULL;
	kvfree(tlbf_bench_last);
	tlbf_bench_last = NULL;
	kvfree(tlbf_bench_samples);
	tlbf_bench_samples = NULL;
}
