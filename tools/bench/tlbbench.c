// SPDX-License-Identifier: GPL-2.0
/*
 * tlbbench: drive the tlbflush benchmark (debugfs `bench`) over the sweep
 * pages x target sets, measure N2 (mprotect) in user space, and write the
 * table (stdout and table.txt), bench.csv, bench.json, counters.txt,
 * raw.txt, meta.txt and, where the module reports them, phases.txt and
 * phases.csv into the output directory. See README.md.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "tlbbench.h"

#define MAX_RECORDS	4096
#define MAX_PHASES	4096
#define PAGE		4096UL

static const unsigned int default_pages[] = { 1, 2, 4, 8, 16, 32, 33, 64, 256, 512 };
static const char *const target_names[] = { "one", "others", "all" };

struct opts {
	const char *out;
	const char *debugfs;
	const char *modes;
	unsigned int pages[TB_MAX_PAGES_LIST];
	int npages;
	int targets[3];
	int ntargets;
	unsigned int iters, warmup, n2_iters, n2_rounds, n2_cap_s;
	unsigned int bootstrap, repeat;
	int touch, mprotect, cpu, busy, kernel, settle;
	const char *target_state;	/* poll, halt, busy (--target-state) */
};

static struct tb_record records[MAX_RECORDS];
static int nrec;
static int current_run;		/* --repeat: the sweep being run */
static FILE *raw;
/* the kernel's per-phase medians (phases lines), per run, cell and mode */
static struct tb_phases phases[MAX_PHASES];
static int nphases, bad_phases;
/* the settle pass: its results are thrown away (not in raw.txt either) */
static int settling;
static char first_before[4096], last_after[4096];

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("tlbbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct tb_record *new_record(void)
{
	if (nrec >= MAX_RECORDS)
		die("too many records");
	tb_record_init(&records[nrec]);
	records[nrec].run = current_run;
	return &records[nrec++];
}

static FILE *out_file(const struct opts *o, const char *name, const char *mode)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", o->out, name);
	f = fopen(path, mode);
	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	return f;
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, total = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((size_t)total < size - 1 &&
	       (n = read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return n < 0 ? -1 : 0;
}

/* ------------------------------------------------------ in-kernel modes */

/*
 * --busy: while the kernel modes run, a thread spins in user space on every
 * other online CPU, so the targets are busy (as with N2's helpers) instead
 * of idle, where an IPI must first wake the CPU.
 */
struct spinner {
	pthread_t tid;
	int cpu;
};

static atomic_int spin_stop;
static struct spinner spinners[CPU_SETSIZE];
static int nspinners;

static int pin(int cpu);

static void *spinner_fn(void *arg)
{
	struct spinner *sp = arg;

	if (pin(sp->cpu))
		return (void *)1;
	while (!atomic_load_explicit(&spin_stop, memory_order_relaxed))
		;
	return NULL;
}

static void spinners_start(const struct opts *o, const cpu_set_t *online)
{
	int cpu;

	atomic_store(&spin_stop, 0);
	nspinners = 0;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, online) || cpu == o->cpu)
			continue;
		spinners[nspinners].cpu = cpu;
		if (pthread_create(&spinners[nspinners].tid, NULL, spinner_fn,
				   &spinners[nspinners]))
			die("pthread_create failed");
		nspinners++;
	}
}

static void spinners_stop(void)
{
	void *ret;
	int i;

	atomic_store(&spin_stop, 1);
	for (i = 0; i < nspinners; i++) {
		pthread_join(spinners[i].tid, &ret);
		if (ret)
			die("spinner could not pin itself to cpu%d",
			    spinners[i].cpu);
	}
	nspinners = 0;
}

static char result[65536];

/* The whole of a file, NUL-terminated, malloc'd; NULL if it cannot be read. */
static char *read_all(const char *path)
{
	size_t size = 1 << 20, len = 0;
	char *buf = malloc(size), *bigger;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, size - 1 - len)) > 0) {
		len += (size_t)n;
		if (len == size - 1) {
			bigger = realloc(buf, size * 2);
			if (!bigger)
				break;
			buf = bigger;
			size *= 2;
		}
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/*
 * The samples of the cell just run (debugfs bench_samples), in the order
 * taken, for the paired bootstrap. Without them the cell has no interval.
 */
static void attach_samples(const struct opts *o, struct tb_record *r, int n)
{
	char path[4096], *text;

	if (!o->bootstrap)
		return;
	snprintf(path, sizeof(path), "%s/bench_samples", o->debugfs);
	text = read_all(path);
	if (!text || tb_attach_samples(text, r, n))
		fprintf(stderr, "tlbbench: no usable %s: no confidence intervals for this cell\n",
			path);
	free(text);
}

/* Intervals for every cell of every sweep (records of a cell are adjacent). */
static void bootstrap_all(const struct opts *o)
{
	struct tb_record *cell[64];
	int i = 0, j, k;

	while (i < nrec) {
		for (j = i, k = 0; j < nrec && k < 64 &&
		     records[j].run == records[i].run &&
		     records[j].pages == records[i].pages &&
		     !strcmp(records[j].targets, records[i].targets); j++)
			cell[k++] = &records[j];
		if (tb_bootstrap_cell(cell, k, o->bootstrap,
				      0x7f4a7c15ull + (uint64_t)i))
			fprintf(stderr, "tlbbench: no intervals for targets=%s pages=%u\n",
				records[i].targets, records[i].pages);
		for (j = 0; j < k; j++) {
			free(cell[j]->samples);
			cell[j]->samples = NULL;
		}
		i += k;
	}
}

/*
 * A `phases` line of the cell just run: kept with its cell. One that does
 * not parse is counted and said in phases.txt (raw.txt has it), not fatal:
 * the breakdown is an extra, the sweep's numbers stand without it.
 */
static void phases_line(const char *l, unsigned int pages, const char *targets)
{
	struct tb_phases *p;

	if (nphases >= MAX_PHASES)
		die("too many phases lines");
	p = &phases[nphases];
	if (tb_parse_phases_line(l, p)) {
		if (!settling)
			fprintf(stderr, "tlbbench: cannot parse phases line (ignored): %s\n",
				l);
		bad_phases++;
		return;
	}
	p->pages = pages;
	p->run = current_run;
	snprintf(p->targets, sizeof(p->targets), "%s", targets);
	nphases++;
}

/* One cell of the kernel modes: write the parameter line, parse the result. */
static void kernel_cell(const struct opts *o, unsigned int pages,
			const char *targets)
{
	char path[4096], line[512], *l, *save = NULL;
	struct tb_record r;
	int fd, len, err = 0, got = 0;

	snprintf(path, sizeof(path), "%s/bench", o->debugfs);
	len = snprintf(line, sizeof(line),
		       "modes=%s pages=%u targets=%s iters=%u warmup=%u touch=%d\n",
		       o->modes, pages, targets, o->iters, o->warmup, o->touch);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		die("cannot open %s: %s (is tlbflush.ko loaded, debugfs mounted?)",
		    path, strerror(errno));
	if (write(fd, line, len) != len)
		err = errno;
	close(fd);
	if (!settling)
		fprintf(raw, "# %s", line);
	if (err == ENODEV) {
		/* Only one CPU online: no remote target exists. */
		char *m, list[256];

		/* (with modes=all, one record "all" says so for every mode) */
		snprintf(list, sizeof(list), "%s", o->modes);
		for (m = strtok_r(list, ",", &save); m;
		     m = strtok_r(NULL, ",", &save)) {
			struct tb_record *x = new_record();

			snprintf(x->mode, sizeof(x->mode), "%s", m);
			x->pages = pages;
			snprintf(x->targets, sizeof(x->targets), "%s", targets);
			snprintf(x->reason, sizeof(x->reason), "no-remote-cpu");
		}
		if (!settling)
			fprintf(raw, "# ENODEV: no remote CPU\n");
		return;
	}
	if (err)
		die("writing '%.*s' to %s: %s", len - 1, line, path,
		    strerror(err));
	if (read_file(path, result, sizeof(result)))
		die("cannot read %s: %s", path, strerror(errno));
	if (!settling)
		fputs(result, raw);

	for (l = strtok_r(result, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(l, "mode=", 5)) {
			if (tb_parse_mode_line(l, &r))
				die("cannot parse bench line: %s", l);
			if (r.available &&
			    (r.pages != pages || strcmp(r.targets, targets)))
				die("bench answered for another cell: %s", l);
			r.pages = pages;
			r.busy = o->busy;
			r.run = current_run;
			snprintf(r.targets, sizeof(r.targets), "%s", targets);
			if (r.available && !strcmp(r.mode, "native") &&
			    strcmp(targets, "all"))
				snprintf(r.note, sizeof(r.note),
					 "flush_tlb_kernel_range flushes every online CPU");
			*new_record() = r;
			got++;
		} else if (!strncmp(l, "phases ", 7)) {
			phases_line(l, pages, targets);
		} else if (!strncmp(l, "before ", 7) && !first_before[0]) {
			snprintf(first_before, sizeof(first_before), "%s", l);
		} else if (!strncmp(l, "after ", 6)) {
			snprintf(last_after, sizeof(last_after), "%s", l);
		}
	}
	if (!got)
		die("no mode lines in the bench result");
	if (!settling)
		attach_samples(o, &records[nrec - got], got);
}

/* ------------------------------------------------------------ N2 (mprotect) */

struct n2_ctx {
	volatile char *buf;
	unsigned int pages;
	int helpers;		/* helper threads running now (0: none) */
	atomic_int stop;
	atomic_int ready;
	atomic_int go;		/* number of the sample to arm for */
	atomic_int armed;	/* helpers spinning for the current sample */
	atomic_int done;	/* number of the last sample taken */
};

struct n2_helper {
	pthread_t tid;
	int cpu;
	struct n2_ctx *ctx;
};

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void futex_wait(atomic_int *addr, int val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake_all(atomic_int *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/*
 * A helper sleeps between samples. Woken for a sample, it reads the pages
 * (so they are in its CPU's TLB), says it is armed, and spins reading them
 * until the sample is taken: during the mprotect its CPU runs the process's
 * mm, so the kernel must shoot that TLB down. Between samples the target
 * vCPU is idle, as in the kernel modes (woken by their touch IPI): a vCPU
 * spinning all the time is at the mercy of the host scheduler under TCG.
 */
static void *n2_helper_fn(void *arg)
{
	struct n2_helper *h = arg;
	struct n2_ctx *c = h->ctx;
	int seen = 0, g;
	unsigned int i;

	if (pin(h->cpu))
		return (void *)1;
	atomic_fetch_add(&c->ready, 1);
	for (;;) {
		while ((g = atomic_load(&c->go)) == seen &&
		       !atomic_load(&c->stop))
			futex_wait(&c->go, seen);
		if (atomic_load(&c->stop))
			return NULL;
		seen = g;
		for (i = 0; i < c->pages; i++)
			(void)c->buf[i * PAGE];
		atomic_fetch_add(&c->armed, 1);
		while (atomic_load_explicit(&c->done, memory_order_relaxed) != g &&
		       !atomic_load_explicit(&c->stop, memory_order_relaxed))
			for (i = 0; i < c->pages; i++)
				(void)c->buf[i * PAGE];
	}
}

/* RW -> R on the pages (the direction that needs a shootdown), timed. */
static uint64_t n2_sample(struct n2_ctx *c)
{
	char *b = (char *)c->buf;
	size_t len = c->pages * PAGE;
	uint64_t t0, t1;
	unsigned int i;

	int g = 0;

	if (mprotect(b, len, PROT_READ | PROT_WRITE))
		die("mprotect RW: %s", strerror(errno));
	for (i = 0; i < c->pages; i++)
		b[i * PAGE] = (char)i;	/* writable, dirty, cached PTEs */
	if (c->helpers) {
		/* Wake the helpers and wait until all of them spin. */
		atomic_store(&c->armed, 0);
		g = atomic_fetch_add(&c->go, 1) + 1;
		futex_wake_all(&c->go);
		while (atomic_load(&c->armed) < c->helpers)
			;
	}
	t0 = now_ns();
	if (mprotect(b, len, PROT_READ))
		die("mprotect R: %s", strerror(errno));
	t1 = now_ns();
	if (c->helpers)
		atomic_store(&c->done, g);
	return t1 - t0;
}

/* Up to @n samples; stops early past @deadline (0: none). Returns count. */
static unsigned int n2_phase(struct n2_ctx *c, unsigned int warm,
			     unsigned int n, uint64_t *out, uint64_t deadline)
{
	unsigned int i;

	for (i = 0; i < warm; i++)
		n2_sample(c);
	for (i = 0; i < n; i++) {
		out[i] = n2_sample(c);
		if (deadline && now_ns() > deadline)
			return i + 1;
	}
	return n;
}

/*
 * N2: mprotect RW->R on @pages pages with helper threads pinned on the
 * target CPUs, minus the same call with no helper thread, interleaved in
 * rounds (helpers started, samples, helpers joined, samples without).
 */
static void n2_cell(const struct opts *o, unsigned int pages,
		    const char *targets, const cpu_set_t *online)
{
	struct n2_helper helpers[CPU_SETSIZE];
	struct n2_ctx c = { .pages = pages };
	unsigned int per = o->n2_iters / o->n2_rounds, round, done = 0, got;
	uint64_t deadline = now_ns() + (uint64_t)o->n2_cap_s * 1000000000ull;
	unsigned int warm = o->warmup / o->n2_rounds;
	uint64_t *with, *without;
	struct tb_summary sw, so;
	struct tb_record *r;
	int cpu, nh = 0, i;
	char *map;

	if (!per)
		per = 1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, online) || cpu == o->cpu)
			continue;
		if (!strcmp(targets, "one") && nh)
			break;
		helpers[nh].cpu = cpu;
		helpers[nh].ctx = &c;
		nh++;
	}
	r = new_record();
	snprintf(r->mode, sizeof(r->mode), "mprotect");
	r->pages = pages;
	snprintf(r->targets, sizeof(r->targets), "%s", targets);
	if (!nh) {
		snprintf(r->reason, sizeof(r->reason), "no-remote-cpu");
		return;
	}

	/* PROT_NONE guard pages keep the VMA from merging with neighbours. */
	map = mmap(NULL, (pages + 2) * PAGE, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	c.buf = map + PAGE;
	if (mprotect((char *)c.buf, pages * PAGE, PROT_READ | PROT_WRITE))
		die("mprotect: %s", strerror(errno));
	madvise((char *)c.buf, pages * PAGE, MADV_NOHUGEPAGE);
	memset((char *)c.buf, 1, pages * PAGE);

	with = calloc((size_t)per * o->n2_rounds, sizeof(*with));
	without = calloc((size_t)per * o->n2_rounds, sizeof(*without));
	if (!with || !without)
		die("out of memory");
	for (round = 0; round < o->n2_rounds; round++) {
		atomic_store(&c.stop, 0);
		atomic_store(&c.ready, 0);
		atomic_store(&c.go, 0);
		atomic_store(&c.done, 0);
		for (i = 0; i < nh; i++)
			if (pthread_create(&helpers[i].tid, NULL, n2_helper_fn,
					   &helpers[i]))
				die("pthread_create failed");
		while (atomic_load(&c.ready) < nh)
			sched_yield();
		c.helpers = nh;
		got = n2_phase(&c, warm, per, with + done, deadline);
		c.helpers = 0;
		/* Move the futex word too, or a helper about to sleep misses it. */
		atomic_store(&c.stop, 1);
		atomic_fetch_add(&c.go, 1);
		futex_wake_all(&c.go);
		for (i = 0; i < nh; i++) {
			void *ret;

			pthread_join(helpers[i].tid, &ret);
			if (ret)
				die("helper could not pin itself to cpu%d",
				    helpers[i].cpu);
		}
		n2_phase(&c, warm, got, without + done, 0);
		done += got;
		if (now_ns() > deadline)
			break;
	}
	tb_summarize(with, done, &sw);
	tb_summarize(without, done, &so);
	r->available = 1;
	r->busy = 1;
	r->cpus = nh + 1;
	r->remote = nh;
	tb_make_diff(r, &sw, &so);
	snprintf(r->note, sizeof(r->note),
		 "mprotect RW->R with %d pinned helper thread(s) spinning on the pages minus without; the calling CPU always flushes too%s%s",
		 nh, strcmp(targets, "all") ? "" : " (so all = others)",
		 done < per * o->n2_rounds ? "; time cap reached" : "");
	fprintf(raw, "# n2 pages=%u targets=%s helpers=%d samples=%u with: median=%" PRIu64
		" p99=%" PRIu64 " without: median=%" PRIu64 " p99=%" PRIu64 "\n",
		pages, targets, nh, done, sw.median, sw.p99, so.median, so.p99);
	free(with);
	free(without);
	munmap(map, (pages + 2) * PAGE);
}

/* ------------------------------------------------------------------ main */

static void usage(void)
{
	puts("usage: tlbbench [--out DIR] [--quick] [--iters N] [--warmup N]\n"
	     "                [--pages LIST] [--targets one,others,all] [--modes LIST]\n"
	     "                [--n2-iters N] [--no-mprotect] [--no-kernel] [--no-touch] [--busy]\n"
	     "                [--no-settle]\n"
	     "                [--target-state poll|halt|busy] [--repeat N] [--bootstrap N]\n"
	     "                [--cpu N]\n"
	     "                [--debugfs DIR]\n"
	     "Needs tlbflush.ko loaded and debugfs mounted; see tools/bench/README.md.");
}

/*
 * --target-state: what the target CPUs do between samples. poll: idle
 * vCPUs spin (idle=poll on the kernel command line, which the testbed
 * passes); halt: they halt (the kernel's default idle); busy: a user thread
 * spins on each of them during the kernel modes (as --busy). Checked
 * against /proc/cmdline, so the label cannot lie. Without the option the
 * state is read from the command line (poll or halt; busy with --busy).
 */
static void check_target_state(struct opts *o)
{
	static char cmdline[4096];
	int poll;

	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)))
		die("cannot read /proc/cmdline");
	poll = strstr(cmdline, "idle=poll") != NULL;
	if (!o->target_state)
		o->target_state = o->busy ? "busy" : poll ? "poll" : "halt";
	if (!strcmp(o->target_state, "busy"))
		o->busy = 1;
	else if (o->busy)
		die("--busy contradicts --target-state %s", o->target_state);
	if (!strcmp(o->target_state, "poll") && !poll)
		die("--target-state poll, but idle=poll is not on the kernel command line: %s",
		    cmdline);
	if (strcmp(o->target_state, "poll") && poll)
		die("--target-state %s, but the kernel runs with idle=poll",
		    o->target_state);
}

static const char *target_state_text(const struct opts *o)
{
	if (!strcmp(o->target_state, "poll"))
		return "poll (idle=poll: idle target vCPUs spin)";
	if (!strcmp(o->target_state, "busy"))
		return "busy (a user thread spins on every target during the kernel modes)";
	return "halt (idle target vCPUs halt)";
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i, quick = 0, iters_set = 0, warm_set = 0, n2_set = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned int u[1];

#define NEED_ARG() do { if (!v) die("%s needs an argument", a); i++; } while (0)
		if (!strcmp(a, "--out")) {
			NEED_ARG();
			o->out = v;
		} else if (!strcmp(a, "--debugfs")) {
			NEED_ARG();
			o->debugfs = v;
		} else if (!strcmp(a, "--modes")) {
			NEED_ARG();
			o->modes = v;
		} else if (!strcmp(a, "--quick")) {
			quick = 1;
		} else if (!strcmp(a, "--no-mprotect")) {
			o->mprotect = 0;
		} else if (!strcmp(a, "--no-kernel")) {
			o->kernel = 0;
		} else if (!strcmp(a, "--no-settle")) {
			o->settle = 0;
		} else if (!strcmp(a, "--busy")) {
			o->busy = 1;
		} else if (!strcmp(a, "--target-state")) {
			NEED_ARG();
			if (strcmp(v, "poll") && strcmp(v, "halt") &&
			    strcmp(v, "busy"))
				die("bad --target-state %s (poll, halt, busy)", v);
			o->target_state = v;
		} else if (!strcmp(a, "--no-touch")) {
			o->touch = 0;
		} else if (!strcmp(a, "--pages")) {
			NEED_ARG();
			o->npages = tb_parse_uint_list(v, o->pages,
						       TB_MAX_PAGES_LIST, 1, 512);
			if (o->npages < 1)
				die("bad --pages %s (1..512, comma-separated)", v);
		} else if (!strcmp(a, "--targets")) {
			char buf[64], *t, *save = NULL;
			int k;

			NEED_ARG();
			snprintf(buf, sizeof(buf), "%s", v);
			o->ntargets = 0;
			for (t = strtok_r(buf, ",", &save); t;
			     t = strtok_r(NULL, ",", &save)) {
				for (k = 0; k < 3; k++)
					if (!strcmp(t, target_names[k]))
						break;
				if (k == 3 || o->ntargets == 3)
					die("bad --targets %s", v);
				o->targets[o->ntargets++] = k;
			}
		} else if (!strcmp(a, "--iters") || !strcmp(a, "--warmup") ||
			   !strcmp(a, "--cpu") || !strcmp(a, "--n2-iters") ||
			   !strcmp(a, "--repeat") || !strcmp(a, "--bootstrap")) {
			NEED_ARG();
			if (tb_parse_uint_list(v, u, 1, 0, 100000) != 1)
				die("bad %s %s", a, v);
			if (!strcmp(a, "--iters")) {
				o->iters = u[0];
				iters_set = 1;
			} else if (!strcmp(a, "--warmup")) {
				o->warmup = u[0];
				warm_set = 1;
			} else if (!strcmp(a, "--n2-iters")) {
				o->n2_iters = u[0];
				n2_set = 1;
			} else if (!strcmp(a, "--repeat")) {
				o->repeat = u[0];
			} else if (!strcmp(a, "--bootstrap")) {
				o->bootstrap = u[0];
			} else {
				o->cpu = (int)u[0];
			}
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			exit(0);
		} else {
			usage();
			die("unknown option %s", a);
		}
#undef NEED_ARG
	}
	if (!iters_set)
		o->iters = quick ? 200 : 2000;
	if (!warm_set)
		o->warmup = o->iters / 10;
	if (!n2_set)
		o->n2_iters = quick ? 200 : 1000;
	if (!o->iters || o->n2_iters < o->n2_rounds)
		die("--iters must be >= 1 and --n2-iters >= %u", o->n2_rounds);
	if (!o->repeat || o->repeat > 20)
		die("--repeat must be 1..20");
	check_target_state(o);
}

static char header[2048];

/* The registered strategies (debugfs `strategies`), one `strategy` line each. */
static void write_strategies(const struct opts *o, FILE *f)
{
	static char text[8192];
	char path[4096], *l, *save = NULL;

	snprintf(path, sizeof(path), "%s/strategies", o->debugfs);
	if (!o->kernel || read_file(path, text, sizeof(text))) {
		fputs("strategies unknown\n", f);
		return;
	}
	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		fprintf(f, "strategy %s\n", l);
}

static void write_meta(const struct opts *o, int online)
{
	char ceil[64] = "unknown";
	struct utsname u;
	FILE *f = out_file(o, "meta.txt", "w");

	uname(&u);
	if (!read_file("/sys/kernel/debug/x86/tlb_single_page_flush_ceiling",
		       ceil, sizeof(ceil)))
		ceil[strcspn(ceil, "\n")] = '\0';
	fprintf(f, "kernel %s %s\nonline_cpus %d\nbench_cpu %d\niters %u\nwarmup %u\n"
		"n2_iters %u\nn2_rounds %u\nn2_cap_s %u\ntouch %d\nbusy_targets %d\nmodes %s\n"
		"tlb_single_page_flush_ceiling %s\ntarget_state %s\nrepeat %u\nbootstrap %u\n"
		"settle %d\n",
		u.release, u.machine, online, o->cpu, o->iters, o->warmup,
		o->n2_iters, o->n2_rounds, o->n2_cap_s, o->touch, o->busy, o->modes, ceil,
		target_state_text(o), o->repeat, o->bootstrap, o->settle);
	write_strategies(o, f);
	fclose(f);
	snprintf(header, sizeof(header), "tlbbench: kernel %s, %d CPUs online, bench on cpu%d, %u iterations per mode and cell (+%u warm-up), touch=%d, target state %s\n"
	       "native = flush_tlb_kernel_range (flushes every online CPU whatever the target set; tlb_single_page_flush_ceiling=%s)\n"
	       "ipi = smp_call_function_many, empty handler, wait=true (the floor); flusher-NAME = this module's\n"
	       "flusher with strategy NAME (every registered one; debugfs strategies in meta.txt); batched = K page ops, async;\n"
	       "mprotect = N2, mprotect RW->R with helper threads on the targets minus without (%u samples; targets busy)\n",
	       u.release, online, o->cpu, o->iters, o->warmup, o->touch,
	       o->target_state, ceil, o->n2_iters);
	fputs(header, stdout);
}

/*
 * The table of the tlbflush counters around the sweep's kernel runs: the
 * `before` line of debugfs `bench` after the first run and the `after` line
 * after the last one. Return: 0, or -1 (and a note in @f) if there is no run
 * or a line does not parse.
 */
static int bench_counters(FILE *f)
{
	static struct tb_kv before[TB_MAX_COUNTERS], after[TB_MAX_COUNTERS];
	int nb, na;

	if (!first_before[0] || !last_after[0]) {
		fputs("# no kernel run: no bench counters\n", f);
		return -1;
	}
	nb = tb_parse_counter_line(first_before, "before", before,
				   TB_MAX_COUNTERS);
	na = tb_parse_counter_line(last_after, "after", after, TB_MAX_COUNTERS);
	if (nb < 0 || na < 0) {
		fprintf(f, "# cannot parse the bench counter lines (see raw.txt):\n# %s\n# %s\n",
			first_before, last_after);
		return -1;
	}
	tb_write_counters(f, before, nb, after, na);
	return 0;
}

static void write_counters(const struct opts *o, const char *before_stats,
			   const char *after_stats)
{
	static struct tb_kv before[TB_MAX_COUNTERS], after[TB_MAX_COUNTERS];
	FILE *f = out_file(o, "counters.txt", "w");
	int nb, na;

	fputs("# tlbflush counters over the kernel runs of the sweep (debugfs bench,\n"
	      "# from the start of the first run to the end of the last)\n", f);
	if (bench_counters(f))
		fprintf(stderr, "tlbbench: no bench counters in counters.txt\n");
	if (before_stats[0] && after_stats[0]) {
		fputs("\n# debugfs stats around the whole sweep (N2 included)\n", f);
		nb = tb_parse_stats_text(before_stats, before, TB_MAX_COUNTERS);
		na = tb_parse_stats_text(after_stats, after, TB_MAX_COUNTERS);
		if (nb < 0 || na < 0)
			fputs("# cannot parse debugfs stats\n", f);
		else
			tb_write_counters(f, before, nb, after, na);
	}
	fclose(f);
}

/* One cell of the sweep: the kernel modes, then N2. */
static void cell(const struct opts *o, unsigned int pages, const char *t,
		 const cpu_set_t *online)
{
	uint64_t t0 = now_ns();

	if (o->busy && o->kernel)
		spinners_start(o, online);
	if (o->kernel)
		kernel_cell(o, pages, t);
	if (o->busy && o->kernel)
		spinners_stop();
	if (o->mprotect)
		n2_cell(o, pages, t, online);
	fprintf(stderr, "tlbbench: targets=%s pages=%u done in %.1f s\n", t, pages,
		(now_ns() - t0) / 1e9);
}

/*
 * The settle pass: the first cell's kernel modes once, with the same modes,
 * warm-up and iterations, before anything is measured; its results are
 * thrown away (records, phases, counters, raw.txt). Measured (issue 10):
 * in a freshly booted VM the first cell's ipi median was sometimes 25 to
 * 64 us where every later cell and the next run had about 2 us; the guest
 * is still settling after boot.
 */
static void settle(const struct opts *o, const cpu_set_t *online)
{
	int nrec0 = nrec, nphases0 = nphases, bad0 = bad_phases, i;
	const char *t = target_names[o->targets[0]];
	uint64_t t0 = now_ns();

	settling = 1;
	if (o->busy)
		spinners_start(o, online);
	kernel_cell(o, o->pages[0], t);
	if (o->busy)
		spinners_stop();
	settling = 0;
	for (i = nrec0; i < nrec; i++) {
		free(records[i].samples);
		records[i].samples = NULL;
	}
	nrec = nrec0;
	nphases = nphases0;
	bad_phases = bad0;
	first_before[0] = last_after[0] = '\0';
	fprintf(stderr, "tlbbench: settle pass (targets=%s pages=%u, thrown away) took %.1f s\n",
		t, o->pages[0], (now_ns() - t0) / 1e9);
}

/* phases.txt and phases.csv, if the module gave any phases line. */
static int write_phases(const struct opts *o)
{
	FILE *f;

	if (!nphases && !bad_phases)
		return 0;
	f = out_file(o, "phases.txt", "w");
	tb_write_phases_txt(f, phases, nphases, o->repeat, bad_phases);
	fclose(f);
	f = out_file(o, "phases.csv", "w");
	tb_write_phases_csv(f, phases, nphases);
	fclose(f);
	return 1;
}

int main(int argc, char **argv)
{
	static char stats_before[8192], stats_after[8192];
	struct opts o = {
		.out = "tlbbench-results",
		.debugfs = "/sys/kernel/debug/tlbflush",
		.modes = "all",
		.touch = 1,
		.mprotect = 1,
		.kernel = 1,
		.settle = 1,
		.n2_rounds = 4,
		.n2_cap_s = 6,
		.repeat = 1,
		.bootstrap = 1000,
	};
	char path[4096];
	cpu_set_t online;
	uint64_t t_start;
	int ti, pi, online_n, wrote_phases;
	FILE *f;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv, &o);
	if (!o.npages) {
		memcpy(o.pages, default_pages, sizeof(default_pages));
		o.npages = sizeof(default_pages) / sizeof(default_pages[0]);
	}
	if (!o.ntargets) {
		o.ntargets = 3;
		for (ti = 0; ti < 3; ti++)
			o.targets[ti] = ti;
	}
	if (sched_getaffinity(0, sizeof(online), &online))
		die("sched_getaffinity: %s", strerror(errno));
	online_n = CPU_COUNT(&online);
	if (!CPU_ISSET(o.cpu, &online) || pin(o.cpu))
		die("cannot run on cpu%d", o.cpu);
	if (mkdir(o.out, 0755) && errno != EEXIST)
		die("mkdir %s: %s", o.out, strerror(errno));

	raw = out_file(&o, "raw.txt", "w");
	if (!o.kernel)
		o.settle = 0;
	write_meta(&o, online_n);
	if (o.settle)
		settle(&o, &online);
	snprintf(path, sizeof(path), "%s/stats", o.debugfs);
	if (read_file(path, stats_before, sizeof(stats_before)))
		stats_before[0] = '\0';

	for (current_run = 0; current_run < (int)o.repeat; current_run++) {
		t_start = now_ns();
		for (ti = 0; ti < o.ntargets; ti++) {
			const char *t = target_names[o.targets[ti]];

			for (pi = 0; pi < o.npages; pi++)
				cell(&o, o.pages[pi], t, &online);
		}
		fprintf(stderr, "tlbbench: sweep %d of %u took %.1f s\n",
			current_run + 1, o.repeat, (now_ns() - t_start) / 1e9);
	}
	if (stats_before[0] && read_file(path, stats_after, sizeof(stats_after)))
		stats_after[0] = '\0';
	fclose(raw);

	tb_compute_ratios(records, nrec);
	t_start = now_ns();
	bootstrap_all(&o);
	fprintf(stderr, "tlbbench: %u bootstrap resamples per cell took %.1f s\n",
		o.bootstrap, (now_ns() - t_start) / 1e9);
	tb_compute_spread(records, nrec);
	tb_write_table(stdout, records, nrec);
	tb_write_summary(stdout, records, nrec, "flusher-sync");
	f = out_file(&o, "table.txt", "w");
	fputs(header, f);
	tb_write_table(f, records, nrec);
	tb_write_summary(f, records, nrec, "flusher-sync");
	fclose(f);
	f = out_file(&o, "bench.csv", "w");
	tb_write_csv(f, records, nrec);
	fclose(f);
	f = out_file(&o, "bench.json", "w");
	tb_write_json(f, records, nrec);
	fclose(f);
	write_counters(&o, stats_before, stats_after);
	wrote_phases = write_phases(&o);
	printf("\ntlbflush counters over the kernel runs of the sweep:\n");
	bench_counters(stdout);
	printf("tlbbench: wrote %s/{table.txt,bench.csv,bench.json,counters.txt,raw.txt,meta.txt%s}\n",
	       o.out, wrote_phases ? ",phases.txt,phases.csv" : "");
	return 0;
}
