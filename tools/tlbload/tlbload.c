// SPDX-License-Identifier: GPL-2.0
/*
 * tlbload: a native load that makes Linux shoot down TLBs, run next to the
 * tlbflush torture (make torture), in the spirit of will-it-scale's
 * tlb_flush2: one thread pinned on every CPU, all in one mm, each looping
 * over its own slice of a shared anonymous mapping:
 *
 *   write every page of the slice (faults, loads translations here)
 *   read a page of the next thread's slice (its translation is cached
 *     here too, so that thread's zaps must shoot this CPU down)
 *   mprotect(PROT_READ), mprotect(PROT_READ | PROT_WRITE)  (flush_tlb_range)
 *   madvise(MADV_DONTNEED)                                  (zap + flush)
 *   every page of the slice must read 0 again (a fresh zero page): a
 *     value left over would be a stale translation or a lost zap
 *
 * Work-bounded (ARCHITECTURE.md T1): it ends when every thread did at least
 * --min-loops loops and --seconds have passed. Prints the loop counts and
 * "tlbload: End of test: SUCCESS" or "FAILURE"; exit status 0 on success.
 * --inject-stale skips the madvise, so the check must fire (T3).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct worker {
	pthread_t tid;
	int id;
	int cpu;
	_Atomic unsigned long loops;
	unsigned long madvise;
	unsigned long mprotect;
	unsigned long stale;
	unsigned long repin_failed;
	int error;
};

static unsigned char *region;
static long page_size;
static unsigned int nthreads, pages = 16;
static unsigned long min_loops = 1000;
static double seconds = 10;
static int inject_stale;
static atomic_int stop;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Pin on our CPU; it may be offline (CPU hotplug): then run anywhere. */
static void pin(struct worker *w)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		w->repin_failed++;
}

static unsigned char *slice(unsigned int i)
{
	return region + (size_t)i * pages * page_size;
}

static int one_loop(struct worker *w, unsigned long n)
{
	unsigned char *s = slice(w->id);
	volatile unsigned char *next = slice((w->id + 1) % nthreads);
	unsigned long v = (n << 8) | (w->id & 0xff) | 1;
	unsigned int p;

	for (p = 0; p < pages; p++)
		*(volatile unsigned long *)(s + p * page_size) = v;
	(void)next[(n % pages) * page_size];
	if (mprotect(s, pages * page_size, PROT_READ) ||
	    mprotect(s, pages * page_size, PROT_READ | PROT_WRITE)) {
		w->error = errno;
		return -1;
	}
	w->mprotect += 2;
	if (!inject_stale) {
		if (madvise(s, pages * page_size, MADV_DONTNEED)) {
			w->error = errno;
			return -1;
		}
		w->madvise++;
	}
	for (p = 0; p < pages; p++)
		if (*(volatile unsigned long *)(s + p * page_size))
			w->stale++;
	return 0;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	unsigned long n = 0;

	pin(w);
	while (!atomic_load(&stop)) {
		if (one_loop(w, n))
			break;
		n++;
		atomic_store(&w->loops, n);
		if (!(n % 256))
			pin(w);	/* back on our CPU after it came online */
	}
	return NULL;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--threads N] [--seconds S] [--min-loops L] [--pages P] [--inject-stale]\n"
		"  threads: default one per configured CPU, pinned on CPU i\n",
		prog);
	exit(2);
}

static void parse(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--inject-stale")) {
			inject_stale = 1;
			continue;
		}
		if (!v)
			usage(argv[0]);
		if (!strcmp(a, "--threads"))
			nthreads = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--seconds"))
			seconds = strtod(v, NULL);
		else if (!strcmp(a, "--min-loops"))
			min_loops = strtoul(v, NULL, 0);
		else if (!strcmp(a, "--pages"))
			pages = strtoul(v, NULL, 0);
		else
			usage(argv[0]);
		i++;
	}
	if (!pages || pages > 4096 || nthreads > 4096 || seconds < 0)
		usage(argv[0]);
}

int main(int argc, char **argv)
{
	unsigned long total = 0, madv = 0, mprot = 0, stale = 0, lo = ~0UL;
	struct worker *w;
	int ncpus, err = 0;
	double t0, t;
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(argc, argv);
	page_size = sysconf(_SC_PAGESIZE);
	ncpus = sysconf(_SC_NPROCESSORS_CONF);
	if (ncpus < 1)
		ncpus = 1;
	if (!nthreads)
		nthreads = ncpus;
	region = mmap(NULL, (size_t)nthreads * pages * page_size,
		      PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w = calloc(nthreads, sizeof(*w));
	if (region == MAP_FAILED || !w) {
		perror("tlbload: mmap/calloc");
		return 1;
	}
	printf("tlbload: threads=%u pages=%u seconds=%g min_loops=%lu cpus=%d%s\n",
	       nthreads, pages, seconds, min_loops, ncpus,
	       inject_stale ? " inject-stale" : "");
	t0 = now();
	for (i = 0; i < nthreads; i++) {
		w[i].id = i;
		w[i].cpu = i % ncpus;
		if (pthread_create(&w[i].tid, NULL, worker_fn, &w[i])) {
			perror("tlbload: pthread_create");
			atomic_store(&stop, 1);
			nthreads = i;
			err = 1;
			break;
		}
	}
	/* Work first, then time (T1); a thread that failed ends the run. */
	while (!atomic_load(&stop)) {
		int met = now() - t0 >= seconds;

		for (i = 0; i < nthreads; i++) {
			if (w[i].error)
				atomic_store(&stop, 1);
			if (atomic_load(&w[i].loops) < min_loops)
				met = 0;
		}
		if (met)
			atomic_store(&stop, 1);
		else
			usleep(20000);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);
	t = now() - t0;
	printf("tlbload: per thread (cpu:loops):");
	for (i = 0; i < nthreads; i++) {
		unsigned long l = atomic_load(&w[i].loops);

		printf(" %d:%lu", w[i].cpu, l);
		total += l;
		if (l < lo)
			lo = l;
		madv += w[i].madvise;
		mprot += w[i].mprotect;
		stale += w[i].stale;
		if (w[i].error) {
			fprintf(stderr, "tlbload: thread %u: %s\n", i,
				strerror(w[i].error));
			err = 1;
		}
	}
	printf("\n");
	printf("tlbload: loops=%lu min_thread_loops=%lu madvise=%lu mprotect=%lu stale=%lu seconds=%.1f\n",
	       total, nthreads ? lo : 0, madv, mprot, stale, t);
	if (stale || err || (nthreads && lo < min_loops)) {
		printf("tlbload: End of test: FAILURE\n");
		return 1;
	}
	printf("tlbload: End of test: SUCCESS\n");
	return 0;
}
