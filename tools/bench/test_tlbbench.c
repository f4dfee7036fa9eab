// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of tlbbench's statistics, parsing and output (TAP).
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlbbench.h"

static int tests, failures, case_failed;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	case_failed = 1;
	fputs("# check failed: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#define CHECK_EQ(a, b)							\
	check((uint64_t)(a) == (uint64_t)(b), "%s == %s: %" PRIu64	\
	      " != %" PRIu64 " (line %d)", #a, #b, (uint64_t)(a),	\
	      (uint64_t)(b), __LINE__)

static void run(const char *name, void (*fn)(void))
{
	case_failed = 0;
	fn();
	tests++;
	if (case_failed)
		failures++;
	printf("%sok %d - %s\n", case_failed ? "not " : "", tests, name);
}

/* --------------------------------------------------------------- stats */

static void t_summary_odd(void)
{
	uint64_t v[] = { 50, 10, 40, 30, 20 };
	struct tb_summary s;

	tb_summarize(v, 5, &s);
	CHECK_EQ(s.n, 5);
	CHECK_EQ(s.median, 30);
	CHECK_EQ(s.min, 10);
	CHECK_EQ(s.max, 50);
	CHECK_EQ(s.mean, 30);
	/* ceil(4.5) = 5th, ceil(4.95) = 5th */
	CHECK_EQ(s.p90, 50);
	CHECK_EQ(s.p99, 50);
	/* sorted in place */
	CHECK_EQ(v[0], 10);
	CHECK_EQ(v[4], 50);
}

static void t_summary_even(void)
{
	uint64_t v[] = { 4, 1, 3, 2 };
	uint64_t w[] = { 7, 8 };
	struct tb_summary s;

	tb_summarize(v, 4, &s);
	CHECK_EQ(s.median, 2);		/* (2 + 3) / 2 rounded down */
	CHECK_EQ(s.mean, 2);		/* 10 / 4 rounded down */
	tb_summarize(w, 2, &s);
	CHECK_EQ(s.median, 7);
	CHECK_EQ(s.p90, 8);
}

static void t_percentiles_1_to_100(void)
{
	uint64_t v[100];
	struct tb_summary s;
	int i;

	/* reversed, so the sort matters */
	for (i = 0; i < 100; i++)
		v[i] = 100 - i;
	tb_summarize(v, 100, &s);
	CHECK_EQ(s.median, 50);
	CHECK_EQ(s.p90, 90);
	CHECK_EQ(s.p99, 99);
	CHECK_EQ(s.min, 1);
	CHECK_EQ(s.max, 100);
	CHECK_EQ(s.mean, 50);		/* 5050 / 100 */
}

static void t_percentiles_1000(void)
{
	uint64_t v[1000];
	struct tb_summary s;
	int i;

	/* 990 fast samples and 10 slow ones: p99 is still fast, max is not */
	for (i = 0; i < 1000; i++)
		v[i] = i < 990 ? 1000 + i : 1000000;
	tb_summarize(v, 1000, &s);
	CHECK_EQ(s.p99, 1989);
	CHECK_EQ(s.max, 1000000);
	CHECK_EQ(s.p90, 1899);
	CHECK_EQ(s.median, 1499);	/* (1499 + 1500) / 2 */
}

static void t_summary_edge(void)
{
	uint64_t one[] = { 42 };
	uint64_t big[] = { UINT64_MAX - 1, UINT64_MAX };
	struct tb_summary s;

	tb_summarize(one, 1, &s);
	CHECK_EQ(s.median, 42);
	CHECK_EQ(s.p90, 42);
	CHECK_EQ(s.p99, 42);
	tb_summarize(NULL, 0, &s);
	CHECK_EQ(s.n, 0);
	CHECK_EQ(s.median, 0);
	/* the median of two huge samples must not overflow */
	tb_summarize(big, 2, &s);
	CHECK_EQ(s.median, UINT64_MAX - 1);
	CHECK_EQ(tb_percentile(NULL, 0, 99), 0);
}

static void t_diff(void)
{
	struct tb_summary with = { .n = 10, .median = 900, .p90 = 1000,
				   .p99 = 1500, .min = 300, .max = 9000,
				   .mean = 1000 };
	struct tb_summary without = { .n = 10, .median = 400, .mean = 450 };
	struct tb_record r = { 0 };

	tb_make_diff(&r, &with, &without);
	CHECK_EQ(r.is_diff, 1);
	CHECK_EQ(r.st.median, 500);
	CHECK_EQ(r.st.p90, 600);
	CHECK_EQ(r.st.p99, 1100);
	CHECK_EQ(r.st.min, 0);		/* saturates instead of wrapping */
	CHECK_EQ(r.st.mean, 550);
	CHECK_EQ(r.raw.median, 900);
	CHECK_EQ(r.base.median, 400);
}

/* ------------------------------------------------------------- parsing */

static const char *line_ipi =
	"mode=ipi available=1 pages=8 targets=one cpus=1 remote=1 iters=200 "
	"median_ns=18434 p90_ns=20539 p99_ns=3119984 min_ns=16471 "
	"max_ns=3883778 mean_ns=81300 cpu_samples=200 remote_samples=200 "
	"ipi_handler_runs=200 native_calls=0 ops_issued_single=0 "
	"ops_issued_range=0 dispatches=0 ipis_sent=0 ipis_received=0 "
	"local_flushes=0 pages_invalidated=0 full_flushes=0 syncs=0 "
	"lazy_flushes=0 model=ok";

static void t_parse_mode_line(void)
{
	struct tb_record r;

	CHECK_EQ(tb_parse_mode_line(line_ipi, &r), 0);
	check(!strcmp(r.mode, "ipi"), "mode %s", r.mode);
	check(!strcmp(r.targets, "one"), "targets %s", r.targets);
	CHECK_EQ(r.available, 1);
	CHECK_EQ(r.pages, 8);
	CHECK_EQ(r.cpus, 1);
	CHECK_EQ(r.st.n, 200);
	CHECK_EQ(r.st.median, 18434);
	CHECK_EQ(r.st.p90, 20539);
	CHECK_EQ(r.st.p99, 3119984);
	CHECK_EQ(r.st.min, 16471);
	CHECK_EQ(r.st.max, 3883778);
	CHECK_EQ(r.ctr[TB_C_IPI_HANDLER_RUNS], 200);
	CHECK_EQ(r.ctr[TB_C_REMOTE_SAMPLES], 200);
	check(!strcmp(r.model, "ok"), "model '%s'", r.model);
}

/* The kernel's model verdict: ok, differs (with what), or none at all. */
static void t_parse_model(void)
{
	struct tb_record r;
	char buf[1200];

	snprintf(buf, sizeof(buf), "%s", line_ipi);
	strcpy(strstr(buf, " model=ok"),
	       " model=differs model_diff=ipis_sent model_got=10 model_want=0");
	CHECK_EQ(tb_parse_mode_line(buf, &r), 0);
	check(!strcmp(r.model, "differs: ipis_sent got 10, model 0"),
	      "model '%s'", r.model);
	/* no verdict (an older module): parsed, no model */
	snprintf(buf, sizeof(buf), "%s", line_ipi);
	*strstr(buf, " model=ok") = '\0';
	CHECK_EQ(tb_parse_mode_line(buf, &r), 0);
	check(!r.model[0], "no model '%s'", r.model);
	/* differs without saying what, or an unknown verdict */
	snprintf(buf, sizeof(buf), "%s", line_ipi);
	strcpy(strstr(buf, " model=ok"), " model=differs");
	CHECK_EQ(tb_parse_mode_line(buf, &r), -1);
	snprintf(buf, sizeof(buf), "%s", line_ipi);
	strcpy(strstr(buf, " model=ok"), " model=maybe");
	CHECK_EQ(tb_parse_mode_line(buf, &r), -1);
}

static void t_parse_unavailable(void)
{
	struct tb_record r;

	CHECK_EQ(tb_parse_mode_line("mode=native available=0 reason=flush_tlb_kernel_range-sealed(IBT)",
				    &r), 0);
	CHECK_EQ(r.available, 0);
	check(!strcmp(r.reason, "flush_tlb_kernel_range-sealed(IBT)"),
	      "reason %s", r.reason);
	check(!strcmp(r.mode, "native"), "mode %s", r.mode);
}

static void t_parse_rejects(void)
{
	struct tb_record r;
	char buf[1024];

	/* not a mode line */
	CHECK_EQ(tb_parse_mode_line("before ipis_sent=1", &r), -1);
	CHECK_EQ(tb_parse_mode_line("", &r), -1);
	/* available mode missing a statistic */
	snprintf(buf, sizeof(buf), "%s", line_ipi);
	*strstr(buf, "p99_ns") = 'X';
	CHECK_EQ(tb_parse_mode_line(buf, &r), -1);
	/* non-numeric, negative, or junk after the number */
	CHECK_EQ(tb_parse_mode_line("mode=ipi available=yes", &r), -1);
	snprintf(buf, sizeof(buf), "%s", line_ipi);
	memcpy(strstr(buf, "median_ns=") + 10, "-1434", 5);
	CHECK_EQ(tb_parse_mode_line(buf, &r), -1);
	snprintf(buf, sizeof(buf), "%s", line_ipi);
	memcpy(strstr(buf, "median_ns=") + 10, "18a34", 5);
	CHECK_EQ(tb_parse_mode_line(buf, &r), -1);
	/* a word without '=' after the first one */
	CHECK_EQ(tb_parse_mode_line("mode=ipi oops available=0", &r), -1);
	/* empty key */
	CHECK_EQ(tb_parse_mode_line("=ipi available=0", &r), -1);
}

static void t_parse_kv(void)
{
	struct tb_kv kv[4];
	char tag[16];
	uint64_t v;
	int n;

	n = tb_parse_kv("  before  a=1\tb=22 c=x  \n", tag, sizeof(tag), kv, 4);
	CHECK_EQ(n, 3);
	check(!strcmp(tag, "before"), "tag %s", tag);
	CHECK_EQ(tb_kv_u64(kv, n, "b", &v), 0);
	CHECK_EQ(v, 22);
	CHECK_EQ(tb_kv_u64(kv, n, "c", &v), -1);
	CHECK_EQ(tb_kv_u64(kv, n, "d", &v), -1);
	check(tb_kv_str(kv, n, "c") && !strcmp(tb_kv_str(kv, n, "c"), "x"),
	      "c=x");
	/* too many pairs for the array */
	CHECK_EQ(tb_parse_kv("a=1 b=2 c=3 d=4 e=5", tag, sizeof(tag), kv, 4), -1);
	/* a value may be empty (reason=), a key may not */
	n = tb_parse_kv("a=", tag, sizeof(tag), kv, 4);
	CHECK_EQ(n, 1);
	CHECK_EQ(tb_kv_u64(kv, n, "a", &v), -1);
	/* 2^64 does not fit */
	n = tb_parse_kv("a=18446744073709551616", tag, sizeof(tag), kv, 4);
	CHECK_EQ(tb_kv_u64(kv, n, "a", &v), -1);
	n = tb_parse_kv("a=18446744073709551615", tag, sizeof(tag), kv, 4);
	CHECK_EQ(tb_kv_u64(kv, n, "a", &v), 0);
	CHECK_EQ(v, UINT64_MAX);
}

static void t_parse_list(void)
{
	unsigned int v[4];

	CHECK_EQ(tb_parse_uint_list("1,33,512", v, 4, 1, 512), 3);
	CHECK_EQ(v[0], 1);
	CHECK_EQ(v[1], 33);
	CHECK_EQ(v[2], 512);
	CHECK_EQ(tb_parse_uint_list("0", v, 4, 1, 512), -1);
	CHECK_EQ(tb_parse_uint_list("513", v, 4, 1, 512), -1);
	CHECK_EQ(tb_parse_uint_list("1,,2", v, 4, 1, 512), -1);
	CHECK_EQ(tb_parse_uint_list("1,2,", v, 4, 1, 512), -1);
	CHECK_EQ(tb_parse_uint_list("", v, 4, 1, 512), -1);
	CHECK_EQ(tb_parse_uint_list("1,2,3,4,5", v, 4, 1, 512), -1);
	CHECK_EQ(tb_parse_uint_list("4x", v, 4, 1, 512), -1);
	CHECK_EQ(tb_parse_uint_list(" 4", v, 4, 1, 512), -1);
}

static const char *line_phases =
	"phases mode=flusher-sync n=500 total_ns=7012 issue_ns=210 "
	"dispatch_ns=480 deliver_ns=2900 handler_ns=1300 wait_ns=900";

static void t_parse_phases(void)
{
	struct tb_phases p;

	CHECK_EQ(tb_parse_phases_line(line_phases, &p), 0);
	check(!strcmp(p.mode, "flusher-sync"), "mode %s", p.mode);
	CHECK_EQ(p.n, 500);
	CHECK_EQ(p.total, 7012);
	CHECK_EQ(p.ph[TB_P_ISSUE], 210);
	CHECK_EQ(p.ph[TB_P_DISPATCH], 480);
	CHECK_EQ(p.ph[TB_P_DELIVER], 2900);
	CHECK_EQ(p.ph[TB_P_HANDLER], 1300);
	CHECK_EQ(p.ph[TB_P_WAIT], 900);
	check(!p.reason[0], "no reason '%s'", p.reason);
	/* keys in another order and keys it does not know: ignored */
	CHECK_EQ(tb_parse_phases_line("phases wait_ns=5 future=x n=3 handler_ns=4 mode=flusher-async "
				      "deliver_ns=3 dispatch_ns=2 issue_ns=1 total_ns=20 p99_total_ns=99",
				      &p), 0);
	check(!strcmp(p.mode, "flusher-async"), "mode %s", p.mode);
	CHECK_EQ(p.n, 3);
	CHECK_EQ(p.total, 20);
	CHECK_EQ(p.ph[TB_P_ISSUE], 1);
	CHECK_EQ(p.ph[TB_P_WAIT], 5);
	/* n=0: no phase needed, the reason kept if given */
	CHECK_EQ(tb_parse_phases_line("phases mode=flusher-lazy n=0 reason=no-stamps", &p), 0);
	CHECK_EQ(p.n, 0);
	check(!strcmp(p.reason, "no-stamps"), "reason '%s'", p.reason);
	CHECK_EQ(tb_parse_phases_line("phases mode=flusher-lazy n=0", &p), 0);
	check(!p.reason[0], "no reason '%s'", p.reason);
}

static void t_parse_phases_rejects(void)
{
	struct tb_phases p;
	char buf[512];
	int k;

	/* another tag, no tag, a mode line */
	CHECK_EQ(tb_parse_phases_line("before ipis_sent=1", &p), -1);
	CHECK_EQ(tb_parse_phases_line(line_phases + 7, &p), -1);
	CHECK_EQ(tb_parse_phases_line(line_ipi, &p), -1);
	CHECK_EQ(tb_parse_phases_line("", &p), -1);
	CHECK_EQ(tb_parse_phases_line("phases", &p), -1);
	/* no mode, an empty mode, no n, n not a number */
	CHECK_EQ(tb_parse_phases_line("phases n=0", &p), -1);
	CHECK_EQ(tb_parse_phases_line("phases mode= n=0", &p), -1);
	CHECK_EQ(tb_parse_phases_line("phases mode=flusher-sync reason=x", &p), -1);
	CHECK_EQ(tb_parse_phases_line("phases mode=flusher-sync n=-1", &p), -1);
	CHECK_EQ(tb_parse_phases_line("phases mode=flusher-sync n=4294967296", &p), -1);
	/* a word that is not a pair after the tag */
	CHECK_EQ(tb_parse_phases_line("phases mode=flusher-sync oops n=0", &p), -1);
	/* n > 0: total and every phase must be there and be numbers */
	snprintf(buf, sizeof(buf), "%s", line_phases);
	*strstr(buf, "total_ns") = 'X';
	CHECK_EQ(tb_parse_phases_line(buf, &p), -1);
	for (k = 0; k < TB_NR_PHASES; k++) {
		char key[32];

		snprintf(buf, sizeof(buf), "%s", line_phases);
		snprintf(key, sizeof(key), " %s_ns=", tb_phase_names[k]);
		check(strstr(buf, key) != NULL, "%s in the line", key);
		if (!strstr(buf, key))
			continue;
		strstr(buf, key)[1] = 'X';
		CHECK_EQ(tb_parse_phases_line(buf, &p), -1);
		snprintf(buf, sizeof(buf), "%s", line_phases);
		memcpy(strstr(buf, key) + strlen(key), "1x", 2);
		CHECK_EQ(tb_parse_phases_line(buf, &p), -1);
	}
	/* a mode name too long for the record */
	snprintf(buf, sizeof(buf), "phases mode=%040d n=0", 7);
	CHECK_EQ(tb_parse_phases_line(buf, &p), -1);
}

/* -------------------------------------------------------------- output */

static void mk(struct tb_record *r, const char *mode, unsigned int pages,
	       const char *targets, uint64_t median)
{
	tb_record_init(r);
	snprintf(r->mode, sizeof(r->mode), "%s", mode);
	snprintf(r->targets, sizeof(r->targets), "%s", targets);
	r->pages = pages;
	r->available = 1;
	r->st.n = 100;
	r->st.median = median;
	r->st.p99 = median * 2;
	r->cpus = 1;
}

static void t_ratios(void)
{
	struct tb_record r[6];

	mk(&r[0], "ipi", 1, "one", 20000);
	mk(&r[1], "native", 1, "one", 40000);
	mk(&r[2], "flusher-sync", 1, "one", 30000);
	mk(&r[3], "flusher-sync", 2, "one", 30000);	/* no baseline here */
	mk(&r[4], "ipi", 1, "all", 10000);		/* other target set */
	mk(&r[5], "native", 1, "all", 0);
	r[5].available = 0;
	tb_compute_ratios(r, 6);
	check(fabs(r[2].ratio_native - 0.75) < 1e-9, "x native %f", r[2].ratio_native);
	check(fabs(r[2].ratio_ipi - 1.5) < 1e-9, "x ipi %f", r[2].ratio_ipi);
	check(fabs(r[0].ratio_ipi - 1.0) < 1e-9, "ipi x ipi %f", r[0].ratio_ipi);
	check(r[3].ratio_native < 0 && r[3].ratio_ipi < 0, "no baseline -> n/a");
	check(r[4].ratio_native < 0, "unavailable native -> n/a");
	check(fabs(r[4].ratio_ipi - 1.0) < 1e-9, "all-cell ipi");
	check(r[5].ratio_ipi < 0, "unavailable record has no ratio");
}

static char *render(void (*fn)(FILE *, const struct tb_record *, int),
		    const struct tb_record *r, int n)
{
	static char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	fn(f, r, n);
	fclose(f);
	return buf;
}

static void t_json(void)
{
	struct tb_record r[2];
	char *s;

	mk(&r[0], "ipi", 4, "others", 1234);
	mk(&r[1], "native", 4, "others", 0);
	r[1].available = 0;
	snprintf(r[1].reason, sizeof(r[1].reason), "a \"quoted\" reason");
	tb_compute_ratios(r, 2);
	s = render(tb_write_json, r, 2);
	check(s[0] == '[' && strstr(s, "]\n"), "a JSON list: %s", s);
	check(strstr(s, "\"mode\": \"ipi\", \"pages\": 4, \"targets\": \"others\", \"available\": true, \"targets_busy\": false, \"cpus\": 1") != NULL,
	      "ipi record: %s", s);
	check(strstr(s, "\"median_ns\": 1234") && strstr(s, "\"p99_ns\": 2468") &&
	      strstr(s, "\"iters\": 100"), "fields: %s", s);
	check(strstr(s, "\"available\": false, \"reason\": \"a \\\"quoted\\\" reason\"") != NULL,
	      "unavailable record escaped: %s", s);
	check(strstr(s, "\"ratio_native\": null") != NULL, "no native -> null");
}

static void t_csv(void)
{
	struct tb_record r[2];
	char *s, *second;

	mk(&r[0], "ipi", 1, "one", 20000);
	mk(&r[1], "native", 1, "one", 40000);
	snprintf(r[1].note, sizeof(r[1].note), "a, \"note\"");
	tb_compute_ratios(r, 2);
	s = render(tb_write_csv, r, 2);
	static const char hdr[] = "mode,pages,targets,cpus,remote,available,median_ns,";
	static const char row[] = "ipi,1,one,1,0,1,20000,0,40000,0,0,0,100,0.500,1.000,";

	check(!strncmp(s, hdr, strlen(hdr)), "header: %s", s);
	second = strchr(s, '\n') + 1;
	check(!strncmp(second, row, strlen(row)), "ipi row: %s", second);
	check(strstr(s, ",\"a, \"\"note\"\"\",\"\",,,-,,,\n") != NULL,
	      "quoted note, no model, no interval: %s", s);
	check(strstr(s, ",note,model,ci_native_lo,ci_native_hi,verdict_native,ci_ipi_lo,ci_ipi_hi,spread_native\n") != NULL,
	      "model and interval columns: %s", s);
}

static void t_table(void)
{
	struct tb_record r[3];
	char *s;

	mk(&r[0], "ipi", 1, "one", 20000);
	mk(&r[1], "native", 1, "one", 40000);
	mk(&r[2], "batched", 1, "one", 0);
	r[2].available = 0;
	snprintf(r[2].reason, sizeof(r[2].reason), "why");
	tb_compute_ratios(r, 3);
	s = render(tb_write_table, r, 3);
	check(strstr(s, "targets=one") != NULL, "group header: %s", s);
	check(strstr(s, "ipi") && strstr(s, "20.00") && strstr(s, "0.50"),
	      "ipi row: %s", s);
	check(strstr(s, "batched            unavailable: why") != NULL,
	      "unavailable row: %s", s);
	check(!strstr(s, "* target CPUs busy"), "no footnote without busy rows");

	/* a busy row among idle ones is starred and explained */
	r[1].busy = 1;
	s = render(tb_write_table, r, 3);
	check(strstr(s, "native*") != NULL, "busy row starred: %s", s);
	check(strstr(s, "ipi*") == NULL, "idle row not starred: %s", s);
	check(strstr(s, "* target CPUs busy") != NULL, "footnote: %s", s);
}

/* The model column and the summary under the table: it must fire. */
static void t_table_model(void)
{
	struct tb_record r[3];
	FILE *null;
	char *s;

	mk(&r[0], "ipi", 1, "one", 20000);
	mk(&r[1], "flusher-lazy", 1, "one", 40000);
	mk(&r[2], "mprotect", 1, "one", 50000);
	strcpy(r[0].model, "ok");
	strcpy(r[1].model, "ok");
	s = render(tb_write_table, r, 3);
	check(strstr(s, "  model\n") != NULL, "model column: %s", s);
	check(strstr(s, "100  ok\n") != NULL, "ok cell: %s", s);
	check(strstr(s, "100  -\n") != NULL, "no check: '-': %s", s);
	check(strstr(s, "model: the counters of all 2 checked rows agree with their model") != NULL,
	      "agree: %s", s);

	snprintf(r[1].model, sizeof(r[1].model),
		 "differs: ipis_sent got 10, model 0");
	s = render(tb_write_table, r, 3);
	check(strstr(s, "100  DIFFERS\n") != NULL, "DIFFERS cell: %s", s);
	check(strstr(s, "  targets=one pages=1 flusher-lazy: differs: ipis_sent got 10, model 0\n") != NULL,
	      "the row named: %s", s);
	check(strstr(s, "model: 1 of 2 checked rows differ") != NULL,
	      "count: %s", s);
	check(!strstr(s, "agree"), "no agreement claimed: %s", s);
	null = fopen("/dev/null", "w");
	CHECK_EQ(tb_write_model_summary(null, r, 3), 1);
	fclose(null);

	r[0].model[0] = r[1].model[0] = '\0';
	s = render(tb_write_table, r, 3);
	check(strstr(s, "model: no row was checked") != NULL,
	      "nothing checked is no agreement: %s", s);
}


/* --------------------------------------------------- intervals, verdicts */

static uint64_t test_rng = 88172645463325252ull;

static uint64_t xorshift(void)
{
	test_rng ^= test_rng << 13;
	test_rng ^= test_rng >> 7;
	test_rng ^= test_rng << 17;
	return test_rng;
}

/* tb_median (quickselect) agrees with tb_summarize (sort) everywhere. */
static void t_median(void)
{
	static uint64_t a[257], b[257];
	struct tb_summary s;
	unsigned int n, i, trial;

	for (n = 1; n <= 257; n += (n < 20 ? 1 : 17)) {
		for (trial = 0; trial < 20; trial++) {
			for (i = 0; i < n; i++) {
				/* few distinct values in half the trials */
				a[i] = xorshift() % (trial & 1 ? 5 : 100000);
				b[i] = a[i];
			}
			tb_summarize(b, n, &s);
			if (tb_median(a, n) != s.median) {
				check(0, "n=%u trial %u: median differs", n,
				      trial);
				return;
			}
		}
	}
	CHECK_EQ(tb_median(a, 0), 0);
}

/* The median of a resample from counts = the median of the resample itself. */
static void t_counted_median(void)
{
	static uint64_t v[301], g[301];
	static unsigned int count[301];
	static struct tb_pair sorted[301];
	unsigned int n, i, trial, m;

	for (n = 1; n <= 301; n += (n < 12 ? 1 : 29)) {
		for (trial = 0; trial < 30; trial++) {
			for (i = 0; i < n; i++) {
				v[i] = xorshift() % (trial & 1 ? 4 : 10000);
				count[i] = 0;
			}
			tb_sort_pairs(v, n, sorted);
			for (i = 0; i < n; i++) {
				m = (unsigned int)(xorshift() % n);
				count[m]++;
				g[i] = v[m];
			}
			if (tb_counted_median(sorted, count, n) !=
			    tb_median(g, n)) {
				check(0, "n=%u trial %u", n, trial);
				return;
			}
		}
	}
}

static void set_samples(struct tb_record *r, unsigned int n,
			uint64_t (*f)(unsigned int i, uint64_t base),
			const uint64_t *base)
{
	unsigned int i;

	free(r->samples);
	r->samples = calloc(n, sizeof(uint64_t));
	r->st.n = n;
	for (i = 0; i < n; i++)
		r->samples[i] = f(i, base[i]);
}

static uint64_t same(unsigned int i, uint64_t b) { (void)i; return b; }
static uint64_t twice(unsigned int i, uint64_t b) { (void)i; return 2 * b; }
static uint64_t half(unsigned int i, uint64_t b) { (void)i; return b / 2; }
/* as noisy as the base, but independent of it: no real difference */
static uint64_t other(unsigned int i, uint64_t b)
{
	(void)i;
	(void)b;
	return 1000 + xorshift() % 200;
}

static void t_bootstrap(void)
{
	enum { N = 400 };
	struct tb_record r[5], *p[5];
	uint64_t base[N];
	unsigned int i;
	int k;

	for (i = 0; i < N; i++)
		base[i] = 1000 + xorshift() % 200;	/* noisy, 1000..1199 */
	mk(&r[0], "ipi", 1, "one", 0);
	mk(&r[1], "native", 1, "one", 0);
	mk(&r[2], "flusher-sync", 1, "one", 0);
	mk(&r[3], "flusher-slow", 1, "one", 0);
	mk(&r[4], "flusher-fast", 1, "one", 0);
	set_samples(&r[0], N, half, base);
	set_samples(&r[1], N, same, base);
	set_samples(&r[2], N, other, base);
	set_samples(&r[3], N, twice, base);
	set_samples(&r[4], N, half, base);
	for (k = 0; k < 5; k++)
		p[k] = &r[k];
	CHECK_EQ(tb_bootstrap_cell(p, 5, 500, 1), 0);
	/*
	 * paired and proportional: the interval is the ratio itself (up to
	 * the rounding of an even-sized median)
	 */
	check(fabs(r[3].ci_native[0] - 2.0) < 0.002 &&
	      fabs(r[3].ci_native[1] - 2.0) < 0.002,
	      "2x native: [%f, %f]", r[3].ci_native[0], r[3].ci_native[1]);
	check(!strcmp(tb_verdict(r[3].ci_native), "slower"), "2x: slower");
	check(fabs(r[4].ci_native[1] - 0.5) < 0.01, "half: %f",
	      r[4].ci_native[1]);
	check(!strcmp(tb_verdict(r[4].ci_native), "faster"), "half: faster");
	check(!strcmp(tb_verdict(r[1].ci_native), "same"), "native: same");
	/* independent draws of the same distribution: the interval holds 1 */
	check(r[2].ci_native[0] < 1.0 && r[2].ci_native[1] > 1.0 &&
	      r[2].ci_native[1] - r[2].ci_native[0] < 0.1,
	      "same distribution: [%f, %f]", r[2].ci_native[0],
	      r[2].ci_native[1]);
	check(!strcmp(tb_verdict(r[2].ci_native), "same"), "noise: same");
	check(fabs(r[3].ci_ipi[0] - 4.0) < 0.01, "x ipi [%f, ..]",
	      r[3].ci_ipi[0]);
	/* reproducible from the seed */
	{
		double lo = r[2].ci_native[0];

		CHECK_EQ(tb_bootstrap_cell(p, 5, 500, 1), 0);
		check(r[2].ci_native[0] == lo, "same seed, same interval");
	}
	/* records not from the same iterations */
	r[2].st.n = N - 1;
	CHECK_EQ(tb_bootstrap_cell(p, 5, 500, 1), -1);
	/* no baseline with samples: no interval */
	r[2].st.n = N;
	free(r[1].samples);
	free(r[0].samples);
	r[0].samples = r[1].samples = NULL;
	CHECK_EQ(tb_bootstrap_cell(p, 5, 500, 1), 0);
	check(r[3].ci_native[0] < 0 && !strcmp(tb_verdict(r[3].ci_native), "-"),
	      "no baseline: n/a");
	for (k = 2; k < 5; k++)
		free(r[k].samples);
}

static void t_attach_samples(void)
{
	struct tb_record r[3];
	int k;

	mk(&r[0], "ipi", 1, "one", 0);
	mk(&r[1], "native", 1, "one", 0);
	mk(&r[2], "batched", 1, "one", 0);
	r[2].available = 0;
	for (k = 0; k < 3; k++)
		r[k].st.n = 3;
	CHECK_EQ(tb_attach_samples("# iter ipi native\n0 10 20\n1 11 21\n2 12 22\n",
				   r, 3), 0);
	check(r[0].samples && r[1].samples && !r[2].samples, "columns");
	if (r[0].samples && r[1].samples) {
		CHECK_EQ(r[0].samples[2], 12);
		CHECK_EQ(r[1].samples[0], 20);
	}
	/* a row short, a row too many, rows out of order, a bad number */
	CHECK_EQ(tb_attach_samples("# iter ipi native\n0 10 20\n1 11 21\n", r, 3), -1);
	CHECK_EQ(tb_attach_samples("# iter ipi native\n0 1 2\n1 1 2\n2 1 2\n3 1 2\n", r, 3), -1);
	CHECK_EQ(tb_attach_samples("# iter ipi native\n0 1 2\n2 1 2\n1 1 2\n", r, 3), -1);
	CHECK_EQ(tb_attach_samples("# iter ipi native\n0 1 2\n1 1 x\n2 1 2\n", r, 3), -1);
	CHECK_EQ(tb_attach_samples("# iter ipi native\n0 1 2\n1 1\n2 1 2\n", r, 3), -1);
	/* a column without an available record, no header */
	CHECK_EQ(tb_attach_samples("# iter ipi batched\n0 1 2\n1 1 2\n2 1 2\n", r, 3), -1);
	CHECK_EQ(tb_attach_samples("0 1 2\n", r, 3), -1);
	for (k = 0; k < 3; k++)
		free(r[k].samples);
}

static void t_spread_and_summary(void)
{
	struct tb_record r[8];
	char *s;
	int k;

	mk(&r[0], "flusher-sync", 1, "one", 0);
	mk(&r[1], "flusher-sync", 2, "one", 0);
	mk(&r[2], "flusher-sync", 1, "all", 0);
	r[0].ratio_native = 1.20;
	r[0].ratio_ipi = 1.60;
	r[0].ci_native[0] = 1.10;
	r[0].ci_native[1] = 1.30;
	r[1].ratio_native = 0.95;
	r[1].ratio_ipi = 1.40;
	r[1].ci_native[0] = 0.90;
	r[1].ci_native[1] = 1.05;
	r[2].ratio_native = 0.80;
	r[2].ratio_ipi = 1.10;
	r[2].ci_native[0] = 0.70;
	r[2].ci_native[1] = 0.85;
	/* two more sweeps of the first cell, one of the second */
	for (k = 3; k < 6; k++) {
		mk(&r[k], "flusher-sync", k == 5 ? 2 : 1, "one", 0);
		r[k].run = k == 4 ? 2 : 1;
	}
	r[3].ratio_native = 1.27;
	r[4].ratio_native = 1.15;
	r[5].ratio_native = 0.97;
	mk(&r[6], "ipi", 1, "one", 0);
	mk(&r[7], "flusher-sync", 4, "others", 0);
	r[7].available = 0;
	tb_compute_spread(r, 8);
	check(fabs(r[0].spread_native - 0.12) < 1e-9, "spread %f",
	      r[0].spread_native);
	check(fabs(r[1].spread_native - 0.02) < 1e-9, "spread %f",
	      r[1].spread_native);
	check(r[2].spread_native < 0, "a single sweep: no spread");
	check(r[3].spread_native < 0, "spread only on the first sweep");

	{
		static char buf[4096];
		FILE *f = fmemopen(buf, sizeof(buf), "w");

		tb_write_summary(f, r, 8, "flusher-sync");
		fclose(f);
		s = buf;
	}
	check(strstr(s, "- targets=one, 2 cells: x native 0.95 to 1.20, x ipi 1.40 to 1.60; over 1.00 x native beyond noise: pages 1.\n") != NULL,
	      "targets=one: %s", s);
	check(strstr(s, "- targets=all, 1 cells: x native 0.80 to 0.80, x ipi 1.10 to 1.10; over 1.00 x native beyond noise: none.\n") != NULL,
	      "targets=all: %s", s);
	check(!strstr(s, "targets=others"), "no available cell, no line: %s", s);
	check(strstr(s, "moved by at most 0.12 in a cell") != NULL,
	      "spread quoted: %s", s);
	/* the table shows the first sweep only, with its spread */
	s = render(tb_write_table, r, 8);
	check(strstr(s, "1.27") == NULL && strstr(s, "0.12") != NULL,
	      "first sweep and spread: %s", s);
}

/* ------------------------------------------------------------ counters */

static char *render_counters(const struct tb_kv *b, int nb,
			     const struct tb_kv *a, int na)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	tb_write_counters(f, b, nb, a, na);
	fclose(f);
	return buf;
}

/* Split @s into lines (in place); return their number. */
static int lines_of(char *s, char **line, int max)
{
	int n = 0;
	char *save = NULL, *l;

	for (l = strtok_r(s, "\n", &save); l && n < max;
	     l = strtok_r(NULL, "\n", &save))
		line[n++] = l;
	return n;
}

static void t_parse_counters(void)
{
	struct tb_kv kv[TB_MAX_COUNTERS];
	int n;

	n = tb_parse_counter_line("before ipis_sent=1 syncs=22", "before", kv,
				  TB_MAX_COUNTERS);
	CHECK_EQ(n, 2);
	check(!strcmp(kv[1].key, "syncs") && !strcmp(kv[1].val, "22"),
	      "second pair %s=%s", kv[1].key, kv[1].val);
	/* the wrong tag, no tag, a bare word later on */
	CHECK_EQ(tb_parse_counter_line("after ipis_sent=1", "before", kv, 4), -1);
	CHECK_EQ(tb_parse_counter_line("ipis_sent=1", "before", kv, 4), -1);
	CHECK_EQ(tb_parse_counter_line("before a=1 b", "before", kv, 4), -1);

	n = tb_parse_stats_text("ipis_sent 5\n\nframes_in_use 0\n  syncs\t7",
				kv, TB_MAX_COUNTERS);
	CHECK_EQ(n, 3);
	check(!strcmp(kv[0].key, "ipis_sent") && !strcmp(kv[0].val, "5"),
	      "first %s %s", kv[0].key, kv[0].val);
	check(!strcmp(kv[2].key, "syncs") && !strcmp(kv[2].val, "7"),
	      "last line without newline: %s %s", kv[2].key, kv[2].val);
	CHECK_EQ(tb_parse_stats_text("", kv, 4), 0);
	CHECK_EQ(tb_parse_stats_text("ipis_sent\n", kv, 4), -1);
	CHECK_EQ(tb_parse_stats_text("ipis_sent 1 2\n", kv, 4), -1);
	CHECK_EQ(tb_parse_stats_text("a 1\nb 2\nc 3\n", kv, 2), -1);
}

static void t_counters_table(void)
{
	struct tb_kv b[TB_MAX_COUNTERS], a[TB_MAX_COUNTERS];
	char *line[16], *s;
	int nb, na, n, i;
	const char *hdr;

	nb = tb_parse_counter_line("before ipis_sent=10 pages_invalidated=0 syncs=7 frames_in_use=3 gone=1",
				   "before", b, TB_MAX_COUNTERS);
	na = tb_parse_counter_line("after ipis_sent=12345 pages_invalidated=800 syncs=7 frames_in_use=1 new_one=4",
				   "after", a, TB_MAX_COUNTERS);
	CHECK_EQ(nb, 5);
	CHECK_EQ(na, 5);
	s = render_counters(b, nb, a, na);
	n = lines_of(s, line, 16);
	/* a header, then one row per counter: before's order, then after's */
	CHECK_EQ(n, 7);
	if (n != 7)
		return;
	hdr = "counter            before  after  delta";
	check(!strcmp(line[0], hdr), "header '%s'", line[0]);
	check(!strcmp(line[1], "ipis_sent              10  12345  12335"),
	      "row '%s'", line[1]);
	check(!strcmp(line[2], "pages_invalidated       0    800    800"),
	      "row '%s'", line[2]);
	check(!strcmp(line[3], "syncs                   7      7      0"),
	      "unchanged '%s'", line[3]);
	check(!strcmp(line[4], "frames_in_use           3      1     -2"),
	      "went down '%s'", line[4]);
	check(!strcmp(line[5], "gone                    1      -      -"),
	      "only before '%s'", line[5]);
	check(!strcmp(line[6], "new_one                 -      4      -"),
	      "only after '%s'", line[6]);
	/* every row as wide as the header; the words only in the header */
	for (i = 0; i < n; i++) {
		check(strlen(line[i]) == strlen(hdr), "width of '%s'", line[i]);
		if (i)
			check(!strstr(line[i], "before") &&
			      !strstr(line[i], "after") &&
			      !strstr(line[i], "delta"),
			      "a word in row '%s'", line[i]);
	}

	/* no counters: just the header */
	s = render_counters(b, 0, a, 0);
	check(!strcmp(s, "counter  before  after  delta\n"), "empty: '%s'", s);
}

static void mkphases(struct tb_phases *p, const char *line, int run,
		     const char *targets, unsigned int pages)
{
	if (tb_parse_phases_line(line, p))
		check(0, "cannot parse '%s'", line);
	p->run = run;
	p->pages = pages;
	snprintf(p->targets, sizeof(p->targets), "%s", targets);
}

static char *render_phases(const struct tb_phases *p, int n,
			   unsigned int repeat, int bad, int csv)
{
	static char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	if (csv)
		tb_write_phases_csv(f, p, n);
	else
		tb_write_phases_txt(f, p, n, repeat, bad);
	fclose(f);
	return buf;
}

static void t_phases_output(void)
{
	struct tb_phases p[3];
	const char *hdr;
	char *s, *row;

	mkphases(&p[0], line_phases, 0, "one", 1);
	mkphases(&p[1], "phases mode=flusher-lazy n=0 reason=no-stamps", 0,
		 "one", 1);
	mkphases(&p[2], "phases mode=flusher-sync n=10 total_ns=1234567 issue_ns=1 dispatch_ns=5 deliver_ns=15 handler_ns=1000000 wait_ns=0",
		 1, "all", 512);

	s = render_phases(p, 3, 1, 0, 0);
	check(strstr(s, "#   issue     tlbf_flusher_issue()\n") != NULL,
	      "each phase explained: %s", s);
	check(strstr(s, "median") && strstr(s, "in us") &&
	      strstr(s, "need not add"), "medians in us, not a sum: %s", s);
	check(!strstr(s, "could not be parsed"), "no parse note: %s", s);
	check(strstr(s, "\ntargets pages  mode                    n     total     issue  dispatch   deliver   handler      wait  note\n") != NULL,
	      "column header without run: %s", s);
	check(strstr(s, "\none         1  flusher-sync          500      7.01      0.21      0.48      2.90      1.30      0.90\n") != NULL,
	      "sync row in us, 2 decimals: %s", s);
	check(strstr(s, "\none         1  flusher-lazy            0         -         -         -         -         -         -  no-stamps\n") != NULL,
	      "n=0 row: '-' and the reason: %s", s);
	/* a new run or target set: a blank line before it */
	check(strstr(s, "no-stamps\n\nall       512  flusher-sync           10   1234.57      0.00      0.01      0.01   1000.00      0.00\n") != NULL,
	      "512-page row after a blank line: %s", s);

	s = render_phases(p, 3, 2, 2, 0);
	check(strstr(s, "# 2 phases line(s) of debugfs bench could not be parsed (see raw.txt)\n") != NULL,
	      "parse failures said: %s", s);
	check(strstr(s, "\nrun  targets pages  mode ") != NULL,
	      "run column with --repeat: %s", s);
	check(strstr(s, "\n  1  one         1  flusher-sync ") != NULL &&
	      strstr(s, "\n  2  all       512  flusher-sync ") != NULL,
	      "runs counted from 1: %s", s);

	s = render_phases(p, 3, 1, 0, 1);
	hdr = "run,targets,pages,mode,n,total_ns,issue_ns,dispatch_ns,deliver_ns,handler_ns,wait_ns,reason\n";
	check(!strncmp(s, hdr, strlen(hdr)), "csv header: %s", s);
	row = s + strlen(hdr);
	hdr = "1,one,1,flusher-sync,500,7012,210,480,2900,1300,900,\"\"\n";
	check(!strncmp(row, hdr, strlen(hdr)), "csv row in ns: %s", row);
	check(strstr(s, "\n1,one,1,flusher-lazy,0,,,,,,,\"no-stamps\"\n") != NULL,
	      "csv n=0 row: empty fields: %s", s);
	check(strstr(s, "\n2,all,512,flusher-sync,10,1234567,1,5,15,1000000,0,\"\"\n") != NULL,
	      "csv second run: %s", s);
}

/* The summary's floor and batched-32 lines, from hand-made cells. */
static void t_summary_floors(void)
{
	static char buf[4096];
	struct tb_record r[6];
	FILE *f;

	mk(&r[0], "flusher-sync", 1, "one", 6000);
	mk(&r[1], "ipi-flush", 1, "one", 5000);
	r[1].ratio_ipi = 1.25;
	mk(&r[2], "batched", 32, "one", 20000);
	mk(&r[3], "native", 1, "one", 10000);
	mk(&r[4], "batched", 32, "all", 40000);	/* no native row: no line */
	mk(&r[5], "flusher-sync", 1, "others", 7000);	/* no floor row */
	f = fmemopen(buf, sizeof(buf), "w");
	tb_write_summary(f, r, 6, "flusher-sync");
	fclose(f);
	check(strstr(buf, "- 1 page, x ipi-flush (the floor of a correct shootdown): one 1.20 (ipi-flush x ipi 1.25).\n") != NULL,
	      "floor line: %s", buf);
	check(strstr(buf, "- batched-32 vs 32 single-page native flushes (goal >= 8x): one 16.0x.\n") != NULL,
	      "batched line: %s", buf);
	check(!strstr(buf, "others 1.") && !strstr(buf, "all 8."),
	      "cells without their pair left out: %s", buf);
	/* without any pair, neither line */
	f = fmemopen(buf, sizeof(buf), "w");
	tb_write_summary(f, r + 4, 2, "flusher-sync");
	fclose(f);
	check(!strstr(buf, "ipi-flush") && !strstr(buf, "batched-32"),
	      "no pairs, no lines: %s", buf);
}

int main(void)
{
	printf("TAP version 13\n");
	run("summary of an odd number of samples", t_summary_odd);
	run("summary of an even number of samples", t_summary_even);
	run("percentiles of 1..100", t_percentiles_1_to_100);
	run("p99 ignores the slowest 1%", t_percentiles_1000);
	run("summary edge cases (1, 0, huge samples)", t_summary_edge);
	run("N2 difference with/without helpers", t_diff);
	run("parse an available mode line", t_parse_mode_line);
	run("parse an unavailable mode line", t_parse_unavailable);
	run("reject malformed mode lines", t_parse_rejects);
	run("parse the model verdict", t_parse_model);
	run("key=value splitting", t_parse_kv);
	run("comma-separated number lists", t_parse_list);
	run("ratios to native and ipi per cell", t_ratios);
	run("JSON output", t_json);
	run("CSV output", t_csv);
	run("table output", t_table);
	run("table: model column and summary", t_table_model);
	run("median by selection = median by sorting", t_median);
	run("median of a resample from its counts", t_counted_median);
	run("paired bootstrap intervals and verdicts", t_bootstrap);
	run("attach bench_samples to records", t_attach_samples);
	run("spread between sweeps, summary paragraph", t_spread_and_summary);
	run("parse counter lines and debugfs stats", t_parse_counters);
	run("counters table: one row per counter, words only in the header",
	    t_counters_table);
	run("parse phases lines", t_parse_phases);
	run("reject malformed phases lines", t_parse_phases_rejects);
	run("phases.txt and phases.csv", t_phases_output);
	run("summary: the ipi-flush floor and batched-32 lines", t_summary_floors);
	printf("1..%d\n", tests);
	printf("# %d passed, %d failed\n", tests - failures, failures);
	return failures ? 1 : 0;
}
