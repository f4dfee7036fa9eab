// SPDX-License-Identifier: GPL-2.0
/*
 * tlbbench: statistics, parsing and output (the host-tested part).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tlbbench.h"

const char *const tb_ctr_names[TB_NR_CTR] = {
	[TB_C_IPIS_SENT] = "ipis_sent",
	[TB_C_IPIS_RECEIVED] = "ipis_received",
	[TB_C_PAGES_INVALIDATED] = "pages_invalidated",
	[TB_C_FULL_FLUSHES] = "full_flushes",
	[TB_C_LOCAL_FLUSHES] = "local_flushes",
	[TB_C_DISPATCHES] = "dispatches",
	[TB_C_SYNCS] = "syncs",
	[TB_C_IPI_HANDLER_RUNS] = "ipi_handler_runs",
	[TB_C_NATIVE_CALLS] = "native_calls",
	[TB_C_CPU_SAMPLES] = "cpu_samples",
	[TB_C_REMOTE_SAMPLES] = "remote_samples",
	[TB_C_LAZY_FLUSHES] = "lazy_flushes",
};

const char *const tb_phase_names[TB_NR_PHASES] = {
	[TB_P_ISSUE] = "issue",
	[TB_P_DISPATCH] = "dispatch",
	[TB_P_DELIVER] = "deliver",
	[TB_P_HANDLER] = "handler",
	[TB_P_WAIT] = "wait",
};

/* ------------------------------------------------------------ statistics */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t tb_percentile(const uint64_t *sorted, unsigned int n,
		       unsigned int pct)
{
	uint64_t rank = ((uint64_t)n * pct + 99) / 100;

	if (!n)
		return 0;
	return sorted[rank ? rank - 1 : 0];
}

void tb_summarize(uint64_t *v, unsigned int n, struct tb_summary *s)
{
	uint64_t sum = 0;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		sum += v[i];
	s->n = n;
	s->min = v[0];
	s->max = v[n - 1];
	s->mean = sum / n;
	if (n & 1)
		s->median = v[n / 2];
	else
		s->median = v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
	s->p90 = tb_percentile(v, n, 90);
	s->p99 = tb_percentile(v, n, 99);
}

/* --------------------------------------------------------------- parsing */

int tb_parse_kv(const char *line, char *tag, size_t tagsz, struct tb_kv *kv,
		int max)
{
	const char *p = line, *w, *eq;
	size_t len, klen;
	int n = 0, first = 1;

	if (tag && tagsz)
		tag[0] = '\0';
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		w = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		len = (size_t)(p - w);
		eq = memchr(w, '=', len);
		if (!eq) {
			/* Only the first word may be a bare tag. */
			if (!first || !tag || len >= tagsz)
				return -1;
			memcpy(tag, w, len);
			tag[len] = '\0';
			first = 0;
			continue;
		}
		first = 0;
		klen = (size_t)(eq - w);
		if (!klen || klen >= sizeof(kv->key) ||
		    len - klen - 1 >= sizeof(kv->val) || n >= max)
			return -1;
		memcpy(kv[n].key, w, klen);
		kv[n].key[klen] = '\0';
		memcpy(kv[n].val, eq + 1, len - klen - 1);
		kv[n].val[len - klen - 1] = '\0';
		n++;
	}
	return n;
}

const char *tb_kv_str(const struct tb_kv *kv, int n, const char *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].val;
	return NULL;
}

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int tb_kv_u64(const struct tb_kv *kv, int n, const char *key, uint64_t *out)
{
	return parse_u64(tb_kv_str(kv, n, key), out);
}

int tb_parse_uint_list(const char *s, unsigned int *out, int max,
		       unsigned int lo, unsigned int hi)
{
	char buf[256], *tok, *save = NULL;
	uint64_t v;
	int n = 0;

	if (!s || strlen(s) >= sizeof(buf) || !*s)
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (parse_u64(tok, &v) || v < lo || v > hi || n >= max)
			return -1;
		out[n++] = (unsigned int)v;
	}
	/* "1,,2" or a trailing comma: strtok would skip the empty field. */
	if (strstr(s, ",,") || s[0] == ',' || s[strlen(s) - 1] == ',')
		return -1;
	return n;
}

void tb_record_init(struct tb_record *r)
{
	memset(r, 0, sizeof(*r));
	r->ratio_native = r->ratio_ipi = -1;
	r->ci_native[0] = r->ci_native[1] = -1;
	r->ci_ipi[0] = r->ci_ipi[1] = -1;
	r->spread_native = -1;
}

/* model=ok, or model=differs with model_diff, model_got, model_want. */
static int parse_model(const struct tb_kv *kv, int n, struct tb_record *r)
{
	const char *m = tb_kv_str(kv, n, "model");
	const char *diff = tb_kv_str(kv, n, "model_diff");
	uint64_t got, want;

	if (!m)
		return 0;	/* a module without the check */
	if (!strcmp(m, "ok")) {
		strcpy(r->model, "ok");
		return 0;
	}
	if (strcmp(m, "differs") || !diff || strlen(diff) > 40 ||
	    tb_kv_u64(kv, n, "model_got", &got) ||
	    tb_kv_u64(kv, n, "model_want", &want))
		return -1;
	snprintf(r->model, sizeof(r->model), "differs: %s got %" PRIu64
		 ", model %" PRIu64, diff, got, want);
	return 0;
}

int tb_parse_mode_line(const char *line, struct tb_record *r)
{
	struct tb_kv kv[TB_MAX_KV];
	char tag[16];
	const char *s;
	uint64_t v;
	int n, i;

	n = tb_parse_kv(line, tag, sizeof(tag), kv, TB_MAX_KV);
	if (n < 0 || tag[0])
		return -1;
	tb_record_init(r);
	s = tb_kv_str(kv, n, "mode");
	if (!s || strlen(s) >= sizeof(r->mode))
		return -1;
	strcpy(r->mode, s);
	if (tb_kv_u64(kv, n, "available", &v) || v > 1)
		return -1;
	r->available = (int)v;
	if (!r->available) {
		s = tb_kv_str(kv, n, "reason");
		snprintf(r->reason, sizeof(r->reason), "%s", s ? s : "unknown");
		return 0;
	}
	s = tb_kv_str(kv, n, "targets");
	if (!s || strlen(s) >= sizeof(r->targets))
		return -1;
	strcpy(r->targets, s);
	{
		static const char *const need[] = {
			"pages", "cpus", "remote", "iters", "median_ns",
			"p90_ns", "p99_ns", "min_ns", "max_ns", "mean_ns",
		};
		uint64_t f[10];

		for (i = 0; i < 10; i++)
			if (tb_kv_u64(kv, n, need[i], &f[i]))
				return -1;
		r->pages = (unsigned int)f[0];
		r->cpus = (unsigned int)f[1];
		r->remote = (unsigned int)f[2];
		r->st.n = (unsigned int)f[3];
		r->st.median = f[4];
		r->st.p90 = f[5];
		r->st.p99 = f[6];
		r->st.min = f[7];
		r->st.max = f[8];
		r->st.mean = f[9];
	}
	for (i = 0; i < TB_NR_CTR; i++)
		if (tb_kv_u64(kv, n, tb_ctr_names[i], &r->ctr[i]))
			return -1;
	return parse_model(kv, n, r);
}

int tb_parse_counter_line(const char *line, const char *tag, struct tb_kv *kv,
			  int max)
{
	char t[TB_NAME_LEN];
	int n;

	n = tb_parse_kv(line, t, sizeof(t), kv, max);
	if (n < 0 || strcmp(t, tag))
		return -1;
	return n;
}

int tb_parse_stats_text(const char *text, struct tb_kv *kv, int max)
{
	const char *p = text, *end, *w[3];
	size_t len[3];
	int n = 0, nw;

	while (*p) {
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		/* the words of this line: exactly two, name and value */
		nw = 0;
		while (p < end) {
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p == end)
				break;
			if (nw == 2)
				return -1;
			w[nw] = p;
			while (p < end && !isspace((unsigned char)*p))
				p++;
			len[nw] = (size_t)(p - w[nw]);
			nw++;
		}
		if (nw == 1)
			return -1;
		if (nw == 2) {
			if (n >= max || len[0] >= sizeof(kv->key) ||
			    len[1] >= sizeof(kv->val) ||
			    memchr(w[0], '=', len[0]))
				return -1;
			memcpy(kv[n].key, w[0], len[0]);
			kv[n].key[len[0]] = '\0';
			memcpy(kv[n].val, w[1], len[1]);
			kv[n].val[len[1]] = '\0';
			n++;
		}
		p = *end ? end + 1 : end;
	}
	return n;
}

int tb_parse_phases_line(const char *line, struct tb_phases *p)
{
	struct tb_kv kv[TB_MAX_KV];
	char tag[16], key[TB_NAME_LEN];
	const char *s;
	uint64_t v;
	int n, i;

	n = tb_parse_kv(line, tag, sizeof(tag), kv, TB_MAX_KV);
	if (n < 0 || strcmp(tag, "phases"))
		return -1;
	memset(p, 0, sizeof(*p));
	s = tb_kv_str(kv, n, "mode");
	if (!s || !*s || strlen(s) >= sizeof(p->mode))
		return -1;
	strcpy(p->mode, s);
	if (tb_kv_u64(kv, n, "n", &v) || v > UINT_MAX)
		return -1;
	p->n = (unsigned int)v;
	if (!p->n) {
		s = tb_kv_str(kv, n, "reason");
		snprintf(p->reason, sizeof(p->reason), "%s", s ? s : "");
		return 0;
	}
	if (tb_kv_u64(kv, n, "total_ns", &p->total))
		return -1;
	for (i = 0; i < TB_NR_PHASES; i++) {
		snprintf(key, sizeof(key), "%s_ns", tb_phase_names[i]);
		if (tb_kv_u64(kv, n, key, &p->ph[i]))
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ derivation */

static uint64_t sat_sub(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void tb_make_diff(struct tb_record *r, const struct tb_summary *with,
		  const struct tb_summary *without)
{
	r->is_diff = 1;
	r->raw = *with;
	r->base = *without;
	r->st.n = with->n;
	r->st.median = sat_sub(with->median, without->median);
	r->st.p90 = sat_sub(with->p90, without->median);
	r->st.p99 = sat_sub(with->p99, without->median);
	r->st.min = sat_sub(with->min, without->median);
	r->st.max = sat_sub(with->max, without->median);
	r->st.mean = sat_sub(with->mean, without->mean);
}

static const struct tb_record *find_cell(const struct tb_record *r, int n,
					 const struct tb_record *like,
					 const char *mode)
{
	int i;

	for (i = 0; i < n; i++)
		if (r[i].available && r[i].pages == like->pages &&
		    !strcmp(r[i].targets, like->targets) &&
		    !strcmp(r[i].mode, mode))
			return &r[i];
	return NULL;
}

static double ratio(const struct tb_record *r, const struct tb_record *base)
{
	if (!r->available || !base || !base->st.median)
		return -1;
	return (double)r->st.median / (double)base->st.median;
}

void tb_compute_ratios(struct tb_record *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		r[i].ratio_native = ratio(&r[i], find_cell(r, n, &r[i], "native"));
		r[i].ratio_ipi = ratio(&r[i], find_cell(r, n, &r[i], "ipi"));
	}
}

/* ---------------------------------------------------------------- output */

static void csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void csv_ratio(FILE *f, double v)
{
	if (v >= 0)
		fprintf(f, ",%.3f", v);
	else
		fputs(",", f);
}

void tb_write_csv(FILE *f, const struct tb_record *r, int n)
{
	int i, c;

	fputs("mode,pages,targets,cpus,remote,available,median_ns,p90_ns,p99_ns,min_ns,max_ns,mean_ns,iters,ratio_native,ratio_ipi",
	      f);
	for (c = 0; c < TB_NR_CTR; c++)
		fprintf(f, ",%s", tb_ctr_names[c]);
	fputs(",targets_busy,reason,note,model,ci_native_lo,ci_native_hi,verdict_native,ci_ipi_lo,ci_ipi_hi,spread_native\n",
	      f);
	for (i = 0; i < n; i++) {
		const struct tb_record *x = &r[i];

		if (x->run)
			continue;	/* the table of the first sweep */

		fprintf(f, "%s,%u,%s,", x->mode, x->pages, x->targets);
		if (x->available)
			fprintf(f, "%u,%u,1,%" PRIu64 ",%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%u",
				x->cpus, x->remote, x->st.median, x->st.p90,
				x->st.p99, x->st.min, x->st.max, x->st.mean,
				x->st.n);
		else
			fputs(",,0,,,,,,,0", f);
		csv_ratio(f, x->ratio_native);
		csv_ratio(f, x->ratio_ipi);
		for (c = 0; c < TB_NR_CTR; c++)
			fprintf(f, ",%" PRIu64, x->ctr[c]);
		fprintf(f, ",%d,", x->busy);
		csv_str(f, x->reason);
		fputc(',', f);
		csv_str(f, x->note);
		fputc(',', f);
		csv_str(f, x->model);
		csv_ratio(f, x->ci_native[0]);
		csv_ratio(f, x->ci_native[1]);
		fprintf(f, ",%s", tb_verdict(x->ci_native));
		csv_ratio(f, x->ci_ipi[0]);
		csv_ratio(f, x->ci_ipi[1]);
		csv_ratio(f, x->spread_native);
		fputc('\n', f);
	}
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_summary(FILE *f, const char *name, const struct tb_summary *s)
{
	fprintf(f, ", \"%s\": {\"median_ns\": %" PRIu64 ", \"p90_ns\": %" PRIu64
		", \"p99_ns\": %" PRIu64 ", \"min_ns\": %" PRIu64
		", \"max_ns\": %" PRIu64 ", \"mean_ns\": %" PRIu64
		", \"iters\": %u}",
		name, s->median, s->p90, s->p99, s->min, s->max, s->mean, s->n);
}

/* Is @i the last record of the first sweep? (no comma after it) */
static int last_of_run0(const struct tb_record *r, int n, int i)
{
	for (i++; i < n; i++)
		if (!r[i].run)
			return 0;
	return 1;
}

void tb_write_json(FILE *f, const struct tb_record *r, int n)
{
	int i, c;

	fputs("[\n", f);
	for (i = 0; i < n; i++) {
		const struct tb_record *x = &r[i];

		if (x->run)
			continue;	/* the table of the first sweep */

		fputs("  {\"mode\": ", f);
		json_str(f, x->mode);
		fprintf(f, ", \"pages\": %u, \"targets\": ", x->pages);
		json_str(f, x->targets);
		if (!x->available) {
			fputs(", \"available\": false, \"reason\": ", f);
			json_str(f, x->reason);
		} else {
			fprintf(f, ", \"available\": true, \"targets_busy\": %s, \"cpus\": %u, \"remote\": %u, \"median_ns\": %" PRIu64
				", \"p90_ns\": %" PRIu64 ", \"p99_ns\": %" PRIu64
				", \"min_ns\": %" PRIu64 ", \"max_ns\": %" PRIu64
				", \"mean_ns\": %" PRIu64 ", \"iters\": %u",
				x->busy ? "true" : "false", x->cpus, x->remote, x->st.median, x->st.p90,
				x->st.p99, x->st.min, x->st.max, x->st.mean,
				x->st.n);
			fputs(", \"ratio_native\": ", f);
			if (x->ratio_native >= 0)
				fprintf(f, "%.3f", x->ratio_native);
			else
				fputs("null", f);
			fputs(", \"ratio_ipi\": ", f);
			if (x->ratio_ipi >= 0)
				fprintf(f, "%.3f", x->ratio_ipi);
			else
				fputs("null", f);
			fputs(", \"counters\": {", f);
			for (c = 0; c < TB_NR_CTR; c++)
				fprintf(f, "%s\"%s\": %" PRIu64, c ? ", " : "",
					tb_ctr_names[c], x->ctr[c]);
			fputc('}', f);
			if (x->is_diff) {
				json_summary(f, "with_helpers", &x->raw);
				json_summary(f, "without_helpers", &x->base);
			}
		}
		if (x->note[0]) {
			fputs(", \"note\": ", f);
			json_str(f, x->note);
		}
		if (x->model[0]) {
			fputs(", \"model\": ", f);
			json_str(f, x->model);
		}
		if (x->ci_native[0] >= 0)
			fprintf(f, ", \"ci_native\": [%.3f, %.3f], \"verdict_native\": \"%s\"",
				x->ci_native[0], x->ci_native[1],
				tb_verdict(x->ci_native));
		if (x->ci_ipi[0] >= 0)
			fprintf(f, ", \"ci_ipi\": [%.3f, %.3f]", x->ci_ipi[0],
				x->ci_ipi[1]);
		if (x->spread_native >= 0)
			fprintf(f, ", \"spread_native\": %.3f",
				x->spread_native);
		fprintf(f, "}%s\n", last_of_run0(r, n, i) ? "" : ",");
	}
	fputs("]\n", f);
}

static void table_ratio(FILE *f, double v)
{
	if (v >= 0)
		fprintf(f, " %9.2f", v);
	else
		fprintf(f, " %9s", "-");
}

/* One cell of the counters table: the number, or "-" where there is none. */
static void counter_cell(char *buf, size_t size, const struct tb_kv *kv, int n,
			 const char *key, uint64_t *v, int *ok)
{
	*ok = !tb_kv_u64(kv, n, key, v);
	if (*ok)
		snprintf(buf, size, "%" PRIu64, *v);
	else
		snprintf(buf, size, "-");
}

struct counter_row {
	const char *name;
	char before[24], after[24], delta[24];
};

static void counter_row(struct counter_row *row, const char *name,
			const struct tb_kv *before, int nb,
			const struct tb_kv *after, int na)
{
	uint64_t b = 0, a = 0;
	int bok, aok;

	row->name = name;
	counter_cell(row->before, sizeof(row->before), before, nb, name, &b,
		     &bok);
	counter_cell(row->after, sizeof(row->after), after, na, name, &a, &aok);
	if (!bok || !aok)
		snprintf(row->delta, sizeof(row->delta), "-");
	else if (a >= b)
		snprintf(row->delta, sizeof(row->delta), "%" PRIu64, a - b);
	else
		snprintf(row->delta, sizeof(row->delta), "-%" PRIu64, b - a);
}

static int wider(int w, const char *s)
{
	int len = (int)strlen(s);

	return len > w ? len : w;
}

void tb_write_counters(FILE *f, const struct tb_kv *before, int nb,
		       const struct tb_kv *after, int na)
{
	static const char *const head[4] = {
		"counter", "before", "after", "delta"
	};
	struct counter_row rows[2 * TB_MAX_COUNTERS];
	int w[4], i, nr = 0;

	for (i = 0; i < 4; i++)
		w[i] = (int)strlen(head[i]);
	for (i = 0; i < nb + na && nr < 2 * TB_MAX_COUNTERS; i++) {
		const char *name = i < nb ? before[i].key : after[i - nb].key;
		int j, dup = 0;

		/* each name once, in the order of @before, then @after */
		for (j = 0; j < nr && !dup; j++)
			dup = !strcmp(rows[j].name, name);
		if (dup)
			continue;
		counter_row(&rows[nr], name, before, nb, after, na);
		w[0] = wider(w[0], rows[nr].name);
		w[1] = wider(w[1], rows[nr].before);
		w[2] = wider(w[2], rows[nr].after);
		w[3] = wider(w[3], rows[nr].delta);
		nr++;
	}
	fprintf(f, "%-*s  %*s  %*s  %*s\n", w[0], head[0], w[1], head[1],
		w[2], head[2], w[3], head[3]);
	for (i = 0; i < nr; i++)
		fprintf(f, "%-*s  %*s  %*s  %*s\n", w[0], rows[i].name, w[1],
			rows[i].before, w[2], rows[i].after, w[3],
			rows[i].delta);
}

/* The model column: ok, DIFFERS, or - where no check was made. */
static const char *model_cell(const struct tb_record *x)
{
	if (!x->model[0])
		return "-";
	return strcmp(x->model, "ok") ? "DIFFERS" : "ok";
}

int tb_write_model_summary(FILE *f, const struct tb_record *r, int n)
{
	int i, checked = 0, differ = 0;

	for (i = 0; i < n; i++) {
		if (!r[i].available || !r[i].model[0])
			continue;
		checked++;
		if (strcmp(r[i].model, "ok")) {
			if (!differ)
				fputs("\nmodel: rows whose counters differ from their model:\n",
				      f);
			fprintf(f, "  targets=%s pages=%u %s: %s\n", r[i].targets,
				r[i].pages, r[i].mode, r[i].model);
			differ++;
		}
	}
	if (differ)
		fprintf(f, "model: %d of %d checked rows differ\n", differ,
			checked);
	else if (checked)
		fprintf(f, "\nmodel: the counters of all %d checked rows agree with their model\n",
			checked);
	else
		fputs("\nmodel: no row was checked against a model\n", f);
	return differ;
}

static void table_ci(FILE *f, const double *ci)
{
	char buf[32];

	if (ci[0] < 0)
		snprintf(buf, sizeof(buf), "-");
	else
		snprintf(buf, sizeof(buf), "[%.2f,%.2f]", ci[0], ci[1]);
	fprintf(f, " %-11s %-6s", buf, tb_verdict(ci));
}

void tb_write_table(FILE *f, const struct tb_record *r, int n)
{
	const char *targets = "";
	unsigned int pages = 0;
	int i, busy = 0, idle = 0, spread = 0;
	char name[TB_NAME_LEN + 2];

	for (i = 0; i < n; i++)
		spread |= r[i].spread_native >= 0;
	for (i = 0; i < n; i++) {
		const struct tb_record *x = &r[i];

		if (x->run)
			continue;	/* the table of the first sweep */
		if (strcmp(x->targets, targets)) {
			targets = x->targets;
			pages = 0;
			fprintf(f, "\ntargets=%s\n%6s  %-18s %4s %11s %11s %9s %-11s %-6s %9s %7s  %s\n",
				targets, "pages", "mode", "cpus", "median_us",
				"p99_us", "x native", "95% CI", "verdict",
				"x ipi", "iters",
				spread ? "model   spread" : "model");
		} else if (x->pages != pages) {
			fputc('\n', f);
		}
		pages = x->pages;
		snprintf(name, sizeof(name), "%s%s", x->mode,
			 x->available && x->busy ? "*" : "");
		fprintf(f, "%6u  %-18s", x->pages, name);
		if (!x->available) {
			fprintf(f, " unavailable: %s\n", x->reason);
			continue;
		}
		if (x->busy)
			busy = 1;
		else
			idle = 1;
		fprintf(f, " %4u %11.2f %11.2f", x->cpus, x->st.median / 1e3,
			x->st.p99 / 1e3);
		table_ratio(f, x->ratio_native);
		table_ci(f, x->ci_native);
		table_ratio(f, x->ratio_ipi);
		if (spread && x->spread_native >= 0)
			fprintf(f, " %7u  %-7s %6.2f\n", x->st.n, model_cell(x),
				x->spread_native);
		else
			fprintf(f, " %7u  %s\n", x->st.n, model_cell(x));
	}
	if (busy && idle)
		fputs("\n* target CPUs busy running user threads during the samples; the other rows\n"
		      "  had idle targets (woken by the touch IPI). Under TCG an IPI to a busy vCPU\n"
		      "  is cheap while the host runs that vCPU's thread and very slow while it does\n"
		      "  not: compare rows with the same target state (tlbbench --busy).\n", f);
	fputs("\n95% CI: paired bootstrap interval of the ratio of medians to native (samples\n"
	      "resampled by iteration); verdict: faster/slower when the interval lies below/above\n"
	      "1.00, same when it contains 1.00.\n", f);
	if (spread)
		fputs("spread: max - min of x native between the repeated sweeps (--repeat);\n"
		      "the table shows the first sweep.\n", f);
	tb_write_model_summary(f, r, n);
}

int tb_attach_samples(const char *text, struct tb_record *r, int nr)
{
	char names[64][TB_NAME_LEN];
	struct tb_record *col[64];
	const char *p = text, *end;
	unsigned int row = 0, n = 0;
	int nc = 0, c, k, len;

	/* header: "# iter NAME..." */
	if (strncmp(p, "# iter", 6))
		return -1;
	p += 6;
	end = strchr(p, '\n');
	if (!end)
		return -1;
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		len = (int)strcspn(p, " \n");
		if (nc == 64 || len >= TB_NAME_LEN)
			return -1;
		memcpy(names[nc], p, len);
		names[nc][len] = '\0';
		col[nc] = NULL;
		for (k = 0; k < nr; k++)
			if (r[k].available && !strcmp(r[k].mode, names[nc]))
				col[nc] = &r[k];
		if (!col[nc] || (n && col[nc]->st.n != n))
			return -1;
		n = col[nc]->st.n;
		nc++;
		p += len;
	}
	for (c = 0; c < nc; c++) {
		free(col[c]->samples);
		col[c]->samples = calloc(n ? n : 1, sizeof(uint64_t));
		if (!col[c]->samples)
			return -1;
	}
	/* rows: "i ns..." */
	for (p = end + 1; *p; p = *end ? end + 1 : end) {
		uint64_t v;
		char *e;

		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (end == p)
			continue;
		v = strtoull(p, &e, 10);
		if (e == p || v != row || row >= n)
			return -1;
		p = e;
		for (c = 0; c < nc; c++) {
			if (*p != ' ')
				return -1;
			col[c]->samples[row] = strtoull(p + 1, &e, 10);
			if (e == p + 1)
				return -1;
			p = e;
		}
		if (p != end)
			return -1;
		row++;
	}
	return row == n ? 0 : -1;
}

/* ---------------------------------------------------------------- phases */

void tb_write_phases_txt(FILE *f, const struct tb_phases *p, int n,
			 unsigned int repeat, int bad)
{
	int i, k;

	fputs("# Where one flusher shootdown spends its time, per cell and flusher mode.\n"
	      "# Each value is the median of that phase over the mode's n timestamped\n"
	      "# samples, in us; the medians are taken phase by phase, so they need not add\n"
	      "# up to total, the median of the whole shootdown over those samples.\n"
	      "#   issue     tlbf_flusher_issue()\n"
	      "#   dispatch  issue's return -> the strategy's dispatch hook (checks, barrier, target set)\n"
	      "#   deliver   -> handler entry on the last remote target (queueing, sending, IPI latency)\n"
	      "#   handler   that handler, entry to exit (flush and ack)\n"
	      "#   wait      its exit -> the return of the shootdown on the initiator\n"
	      "# \"-\": the mode gave no phase samples (n = 0; why under note).\n", f);
	if (bad)
		fprintf(f, "# %d phases line(s) of debugfs bench could not be parsed (see raw.txt)\n",
			bad);
	fputc('\n', f);
	if (repeat > 1)
		fprintf(f, "%3s  ", "run");
	fprintf(f, "%-7s %5s  %-18s %6s %9s", "targets", "pages", "mode", "n",
		"total");
	for (k = 0; k < TB_NR_PHASES; k++)
		fprintf(f, " %9s", tb_phase_names[k]);
	fputs("  note\n", f);
	for (i = 0; i < n; i++) {
		const struct tb_phases *x = &p[i];

		if (i && (x->run != p[i - 1].run ||
			  strcmp(x->targets, p[i - 1].targets)))
			fputc('\n', f);
		if (repeat > 1)
			fprintf(f, "%3d  ", x->run + 1);
		fprintf(f, "%-7s %5u  %-18s %6u", x->targets, x->pages,
			x->mode, x->n);
		if (!x->n) {
			for (k = 0; k <= TB_NR_PHASES; k++)
				fprintf(f, " %9s", "-");
			fprintf(f, "  %s\n", x->reason[0] ? x->reason : "-");
			continue;
		}
		fprintf(f, " %9.2f", x->total / 1e3);
		for (k = 0; k < TB_NR_PHASES; k++)
			fprintf(f, " %9.2f", x->ph[k] / 1e3);
		fputc('\n', f);
	}
}

void tb_write_phases_csv(FILE *f, const struct tb_phases *p, int n)
{
	int i, k;

	fputs("run,targets,pages,mode,n,total_ns", f);
	for (k = 0; k < TB_NR_PHASES; k++)
		fprintf(f, ",%s_ns", tb_phase_names[k]);
	fputs(",reason\n", f);
	for (i = 0; i < n; i++) {
		const struct tb_phases *x = &p[i];

		fprintf(f, "%d,%s,%u,%s,%u", x->run + 1, x->targets, x->pages,
			x->mode, x->n);
		if (x->n) {
			fprintf(f, ",%" PRIu64, x->total);
			for (k = 0; k < TB_NR_PHASES; k++)
				fprintf(f, ",%" PRIu64, x->ph[k]);
		} else {
			for (k = 0; k <= TB_NR_PHASES; k++)
				fputc(',', f);
		}
		fputc(',', f);
		csv_str(f, x->reason);
		fputc('\n', f);
	}
}
