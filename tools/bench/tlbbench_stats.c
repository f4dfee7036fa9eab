// SPDX-License-Identifier: GPL-2.0
/*
 * tlbbench: what the numbers are worth (the host-tested part, with
 * tlbbench_lib.c): a confidence interval for each ratio of medians from a
 * paired bootstrap over the interleaved samples, the verdict it supports,
 * the spread between repeated sweeps, and the summary paragraph.
 *
 * Why paired: the kernel modes of a cell are interleaved sample by sample
 * (A B C A B C ...), so sample i of every mode was taken in the same
 * iteration, under the same host conditions. Resampling iterations (not
 * each mode's samples on its own) keeps that pairing: drift that hit one
 * iteration hits both sides of every ratio in the resample.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tlbbench.h"

/* splitmix64: small, fast, reproducible from the seed. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * The k-th smallest of v[0..n) (0-based), v reordered so that v[0..k) <=
 * v[k] <= v[k+1..n) (Wirth's selection, "Algorithms + Data Structures =
 * Programs", 1976).
 */
static uint64_t select_kth(uint64_t *v, unsigned int n, unsigned int k)
{
	long l = 0, m = (long)n - 1, i, j, kk = (long)k;
	uint64_t x, t;

	while (l < m) {
		x = v[kk];
		i = l;
		j = m;
		do {
			while (v[i] < x)
				i++;
			while (x < v[j])
				j--;
			if (i <= j) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return v[kk];
}

uint64_t tb_median(uint64_t *v, unsigned int n)
{
	uint64_t lower, upper;
	unsigned int i;

	if (!n)
		return 0;
	if (n & 1)
		return select_kth(v, n, n / 2);
	lower = select_kth(v, n, n / 2 - 1);
	/* after the select, v[n/2..n) holds the values >= lower */
	upper = v[n / 2];
	for (i = n / 2 + 1; i < n; i++)
		if (v[i] < upper)
			upper = v[i];
	return lower + (upper - lower) / 2;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* 2.5th and 97.5th percentiles (nearest rank) of v[0..n), v sorted. */
static void ci95(double *v, unsigned int n, double *ci)
{
	unsigned int lo = (unsigned int)floor(0.025 * n);
	unsigned int hi = (unsigned int)ceil(0.975 * n);

	qsort(v, n, sizeof(*v), cmp_double);
	ci[0] = v[lo < n ? lo : n - 1];
	ci[1] = v[hi ? hi - 1 : 0];
}

static int cmp_pair(const void *a, const void *b)
{
	const struct tb_pair *x = a, *y = b;

	return x->v < y->v ? -1 : x->v > y->v;
}

void tb_sort_pairs(const uint64_t *v, unsigned int n, struct tb_pair *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[i].v = v[i];
		out[i].i = i;
	}
	qsort(out, n, sizeof(*out), cmp_pair);
}

uint64_t tb_counted_median(const struct tb_pair *sorted,
			   const unsigned int *count, unsigned int n)
{
	unsigned int j, acc = 0, want = n & 1 ? n / 2 : n / 2 - 1;
	uint64_t lower = 0;
	int have_lower = 0;

	if (!n)
		return 0;
	/* the first sorted value whose cumulative count passes a rank */
	for (j = 0; j < n; j++) {
		acc += count[sorted[j].i];
		if (!have_lower && acc > want) {
			lower = sorted[j].v;
			have_lower = 1;
			if (n & 1)
				return lower;
		}
		if (have_lower && acc > n / 2)
			return lower + (sorted[j].v - lower) / 2;
	}
	return lower;	/* not reached: the counts sum to n */
}

/*
 * Each resample is a count per iteration (how often it was drawn); a
 * record's median in it comes from one walk over that record's samples,
 * sorted once: O(n) per record and resample, no copying or selecting.
 */
int tb_bootstrap_cell(struct tb_record **r, int nr, unsigned int b,
		      uint64_t seed)
{
	int native = -1, ipi = -1, k;
	unsigned int n = 0, i, j;
	unsigned int *count = NULL;
	struct tb_pair *sorted = NULL;
	double *med = NULL, *v = NULL;
	int ret = -1;

	for (k = 0; k < nr; k++) {
		r[k]->ci_native[0] = r[k]->ci_native[1] = -1;
		r[k]->ci_ipi[0] = r[k]->ci_ipi[1] = -1;
		if (!r[k]->samples || !r[k]->available)
			continue;
		if (n && r[k]->st.n != n)
			return -1;	/* not from the same iterations */
		n = r[k]->st.n;
		if (!strcmp(r[k]->mode, "native"))
			native = k;
		else if (!strcmp(r[k]->mode, "ipi"))
			ipi = k;
	}
	if (!n || !b || (native < 0 && ipi < 0))
		return 0;
	count = malloc(n * sizeof(*count));
	sorted = malloc((size_t)nr * n * sizeof(*sorted));
	med = malloc((size_t)nr * b * sizeof(*med));
	v = malloc(b * sizeof(*v));
	if (!count || !sorted || !med || !v)
		goto out;
	for (k = 0; k < nr; k++)
		if (r[k]->samples && r[k]->available)
			tb_sort_pairs(r[k]->samples, n, sorted + (size_t)k * n);

	/* med[k * b + j]: median of record k in resample j */
	for (j = 0; j < b; j++) {
		memset(count, 0, n * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(rng_next(&seed) >> 32) * n >> 32]++;
		for (k = 0; k < nr; k++) {
			if (!r[k]->samples || !r[k]->available)
				continue;
			med[(size_t)k * b + j] = (double)tb_counted_median(
				sorted + (size_t)k * n, count, n);
		}
	}
	for (k = 0; k < nr; k++) {
		if (!r[k]->samples || !r[k]->available)
			continue;
		if (native >= 0) {
			for (j = 0; j < b; j++)
				v[j] = med[(size_t)k * b + j] /
				       fmax(med[(size_t)native * b + j], 1);
			ci95(v, b, r[k]->ci_native);
		}
		if (ipi >= 0) {
			for (j = 0; j < b; j++)
				v[j] = med[(size_t)k * b + j] /
				       fmax(med[(size_t)ipi * b + j], 1);
			ci95(v, b, r[k]->ci_ipi);
		}
	}
	ret = 0;
out:
	free(count);
	free(sorted);
	free(med);
	free(v);
	return ret;
}

const char *tb_verdict(const double *ci)
{
	if (ci[0] < 0)
		return "-";
	if (ci[1] < 1.0)
		return "faster";
	if (ci[0] > 1.0)
		return "slower";
	return "same";
}

void tb_compute_spread(struct tb_record *r, int n)
{
	int i, j;

	for (i = 0; i < n; i++) {
		double lo = r[i].ratio_native, hi = lo;

		r[i].spread_native = -1;
		if (r[i].run || lo < 0)
			continue;
		for (j = 0; j < n; j++) {
			if (!r[j].run || r[j].ratio_native < 0 ||
			    r[j].pages != r[i].pages ||
			    strcmp(r[j].targets, r[i].targets) ||
			    strcmp(r[j].mode, r[i].mode))
				continue;
			lo = fmin(lo, r[j].ratio_native);
			hi = fmax(hi, r[j].ratio_native);
			r[i].spread_native = hi - lo;
		}
	}
}

/* The first-run records of @mode in target set @t. */
static int cells_of(const struct tb_record *r, int n, const char *mode,
		    const char *t, const struct tb_record **out, int max)
{
	int i, k = 0;

	for (i = 0; i < n && k < max; i++)
		if (!r[i].run && r[i].available && !strcmp(r[i].mode, mode) &&
		    !strcmp(r[i].targets, t))
			out[k++] = &r[i];
	return k;
}

static void ratio_range(FILE *f, const char *what,
			const struct tb_record **c, int k, int native)
{
	double lo = INFINITY, hi = -INFINITY, x;
	int i, m = 0;

	for (i = 0; i < k; i++) {
		x = native ? c[i]->ratio_native : c[i]->ratio_ipi;
		if (x < 0)
			continue;
		lo = fmin(lo, x);
		hi = fmax(hi, x);
		m++;
	}
	if (m)
		fprintf(f, "%s %.2f to %.2f", what, lo, hi);
	else
		fprintf(f, "%s n/a", what);
}

/* The first-run record of @mode at @pages in target set @t, or NULL. */
static const struct tb_record *cell_of(const struct tb_record *r, int n,
				       const char *mode, unsigned int pages,
				       const char *t)
{
	int i;

	for (i = 0; i < n; i++)
		if (!r[i].run && r[i].available && r[i].pages == pages &&
		    !strcmp(r[i].mode, mode) && !strcmp(r[i].targets, t) &&
		    r[i].st.median > 0)
			return &r[i];
	return NULL;
}

/*
 * Two lines the goals ask about (issue 10): @mode at 1 page next
 * to ipi-flush (the floor of a correct shootdown), and the throughput of
 * batched-32 against 32 single-page native flushes (goal: >= 8x).
 */
static void tb_write_floors(FILE *f, const struct tb_record *r, int n,
			    const char *mode, const char *const *tsets)
{
	const struct tb_record *a, *b;
	int t, k;

	for (t = 0, k = 0; t < 3; t++) {
		a = cell_of(r, n, mode, 1, tsets[t]);
		b = cell_of(r, n, "ipi-flush", 1, tsets[t]);
		if (!a || !b || b->ratio_ipi < 0)
			continue;
		fprintf(f, "%s%s %.2f (ipi-flush x ipi %.2f)",
			k++ ? ", " : "- 1 page, x ipi-flush (the floor of a correct shootdown): ",
			tsets[t], (double)a->st.median / b->st.median,
			b->ratio_ipi);
	}
	if (k)
		fputs(".\n", f);
	for (t = 0, k = 0; t < 3; t++) {
		a = cell_of(r, n, "batched", 32, tsets[t]);
		b = cell_of(r, n, "native", 1, tsets[t]);
		if (!a || !b)
			continue;
		fprintf(f, "%s%s %.1fx",
			k++ ? ", " : "- batched-32 vs 32 single-page native flushes (goal >= 8x): ",
			tsets[t], 32.0 * b->st.median / a->st.median);
	}
	if (k)
		fputs(".\n", f);
}

void tb_write_summary(FILE *f, const struct tb_record *r, int n,
		      const char *mode)
{
	static const char *const tsets[] = { "one", "others", "all" };
	const struct tb_record *c[64];
	double spread = -1;
	int t, i, k, over, any = 0;

	fprintf(f, "\nSummary (%s, ratio of medians; \"beyond noise\": the 95%% bootstrap\n"
		"interval of the ratio lies entirely above 1.00):\n", mode);
	for (t = 0; t < 3; t++) {
		k = cells_of(r, n, mode, tsets[t], c, 64);
		if (!k)
			continue;
		any = 1;
		fprintf(f, "- targets=%s, %d cells: ", tsets[t], k);
		ratio_range(f, "x native", c, k, 1);
		fputs(", ", f);
		ratio_range(f, "x ipi", c, k, 0);
		fputs("; over 1.00 x native beyond noise: ", f);
		for (i = 0, over = 0; i < k; i++) {
			if (c[i]->ci_native[0] > 1.0) {
				fprintf(f, "%s%u", over ? ", " : "pages ",
					c[i]->pages);
				over++;
			}
			if (c[i]->spread_native > spread)
				spread = c[i]->spread_native;
		}
		fputs(over ? ".\n" : "none.\n", f);
	}
	if (!any)
		fprintf(f, "- no %s rows.\n", mode);
	tb_write_floors(f, r, n, mode, tsets);
	if (spread >= 0)
		fprintf(f, "- between repeated sweeps, %s x native moved by at most %.2f in a cell.\n",
			mode, spread);
}
