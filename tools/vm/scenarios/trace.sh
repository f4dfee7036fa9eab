#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tracepoints (include/trace/events/tlbflush.h) with plain tracefs:
# record one async flush from CPU 0 to every CPU (an unmap, so frames wait
# for it) and check each event's fields and their order; a CPU going
# offline (offline_drain); the oracle's reports with the broken example
# strategy and a deliberate misuse (helper modules, from tools/check-trace);
# nothing is recorded once the events are off.
#
#   tools/check-trace     (builds the helpers, runs this on the stock kernel)

D=/sys/kernel/debug/tlbflush
T=/sys/kernel/tracing
EVENTS="tlbflush_issue tlbflush_dispatch tlbflush_dispatch_done
	tlbflush_ipi_enter tlbflush_ipi_exit tlbflush_sync_begin
	tlbflush_sync_end tlbflush_frame_deferred tlbflush_frame_released
	tlbflush_offline_drain tlbflush_misuse tlbflush_oracle_report"
VA=0x100000000
fail=0
checks=0

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }
expect_eq() { # A B what
	if [ "$1" = "$2" ]; then ok "$3 ($1)"; else not_ok "$3: '$1' != '$2'"; fi
}
st() { awk -v n="$1" '$1 == n { print $2 }' $D/stats; }

# ev NAME: the recorded lines of event NAME, as "LINENO CPU fields...".
ev() {
	grep -n " $1: " /tmp/trace |
		sed -E 's/^([0-9]+):.*\[([0-9]+)\][^:]*: [a-z_]+: /\1 \2 /'
}
first() { ev "$1" | head -n 1 | cut -d' ' -f1; }
last() { ev "$1" | tail -n 1 | cut -d' ' -f1; }
count() { ev "$1" | grep -c .; }
# before A B what: line A comes before line B.
before() {
	if [ -n "$1" ] && [ -n "$2" ] && [ "$1" -lt "$2" ]; then
		ok "order: $3"
	else
		not_ok "order: $3 (lines '$1' '$2')"
	fi
}
snapshot() { cat $T/trace | grep -v '^#' > /tmp/trace; }

mountpoint -q $T 2>/dev/null || mount -t tracefs nodev $T
if [ ! -d $T/events/tlbflush ]; then
	not_ok "tracefs: no events/tlbflush at $T"
	exit 1
fi
for e in $EVENTS; do
	if [ -f $T/events/tlbflush/$e/format ]; then ok "event tlbflush:$e"; else not_ok "event tlbflush:$e missing"; fi
done

ncpu=$(grep -c ^processor /proc/cpuinfo)
last_cpu=$((ncpu - 1))
echo 0 > $T/tracing_on
echo global > $T/trace_clock		# one clock for the order across CPUs
echo > $T/trace
echo 1 > $T/events/tlbflush/enable
echo 1 > $T/tracing_on

# 1. One flush: unmap one page from CPU 0, async, every CPU a target.
printf '%s\n' "strategy async" "targets all" "on 0" "map $VA 1" > $D/cmd
echo > $T/trace
printf '%s\n' "unmap $VA 1" "on any" "quiesce" > $D/cmd
# The frames go back after an RCU grace period.
n=0
while [ $n -lt 50 ]; do
	snapshot
	[ "$(count tlbflush_frame_released)" -ge 1 ] &&
		[ "$(count tlbflush_frame_released)" = "$(count tlbflush_frame_deferred)" ] && break
	sleep 0.2
	n=$((n + 1))
done
echo "===TLBF-FILE-BEGIN trace-flush.txt==="
cat /tmp/trace
echo "===TLBF-FILE-END trace-flush.txt==="

expect_eq "$(count tlbflush_issue)" 1 "one issue"
expect_eq "$(ev tlbflush_issue | cut -d' ' -f2-)" \
	"000 va=$VA pages=1 all=0 global=0 stack_pages=1 stack_all=0" "issue: cpu 0, the page"
expect_eq "$(count tlbflush_dispatch)" 1 "one dispatch"
d=$(ev tlbflush_dispatch | cut -d' ' -f2-)
case $d in
"000 strategy=async targets=$ncpu remote="*" local=1 pages=1 all=0 global=0 frames=1")
	ok "dispatch: $d" ;;
*) not_ok "dispatch fields: $d" ;;
esac
expect_eq "$(ev tlbflush_dispatch_done | cut -d' ' -f2-)" \
	"000 ipis_sent=$last_cpu ipis_coalesced=0 err=0" "dispatch_done: an IPI to each other CPU"
expect_eq "$(ev tlbflush_ipi_enter | grep -c ' kind=queue$')" "$last_cpu" "ipi_enter kind=queue on each other CPU"
expect_eq "$(ev tlbflush_ipi_exit | grep -c ' kind=queue ops=1 pages=1 all=0 global=0$')" \
	"$last_cpu" "ipi_exit: one op, one page performed on each other CPU"
expect_eq "$(ev tlbflush_ipi_exit | cut -d' ' -f2 | sort -u | tr '\n' ' ')" \
	"$(seq 1 $last_cpu | awk '{ printf "%03d ", $1 }')" "ipi_exit CPUs"
expect_eq "$(ev tlbflush_sync_begin | cut -d' ' -f2-)" \
	"000 strategy=async waiting=$last_cpu" "sync_begin waits on the other CPUs"
expect_eq "$(ev tlbflush_sync_end | cut -d' ' -f2-)" "000 err=0" "sync_end"
nd=$(count tlbflush_frame_deferred)
if [ "$nd" -ge 1 ]; then ok "frame_deferred: $nd frames (data + emptied tables)"; else not_ok "no frame_deferred"; fi
expect_eq "$(ev tlbflush_frame_released | awk '{ print $3 }' | sort | tr '\n' ' ')" \
	"$(ev tlbflush_frame_deferred | awk '{ print $3 }' | sort | tr '\n' ' ')" \
	"frame_released: the deferred pfns"
before "$(last tlbflush_frame_deferred)" "$(first tlbflush_issue)" "frames deferred, then the op issued"
before "$(first tlbflush_issue)" "$(first tlbflush_dispatch)" "issue, then dispatch"
before "$(first tlbflush_dispatch)" "$(first tlbflush_ipi_enter)" "dispatch, then the first ipi_enter"
before "$(first tlbflush_dispatch)" "$(first tlbflush_dispatch_done)" "dispatch, then dispatch_done"
for c in $(seq 1 $last_cpu); do
	c3=$(printf '%03d' "$c")
	before "$(ev tlbflush_ipi_enter | awk -v c="$c3" '$2 == c { print $1; exit }')" \
		"$(ev tlbflush_ipi_exit | awk -v c="$c3" '$2 == c { print $1; exit }')" \
		"cpu$c: ipi_enter, then ipi_exit"
done
before "$(first tlbflush_sync_begin)" "$(first tlbflush_sync_end)" "sync_begin, then sync_end"
before "$(last tlbflush_ipi_exit)" "$(first tlbflush_sync_end)" "every ipi_exit before sync_end (FL9)"
before "$(last tlbflush_ipi_exit)" "$(first tlbflush_frame_released)" "every ipi_exit before the first frame_released (FL4)"

# 2. A CPU going offline: its queue is completed without a flush.
if [ -w /sys/devices/system/cpu/cpu$last_cpu/online ]; then
	echo > $T/trace
	echo 0 > /sys/devices/system/cpu/cpu$last_cpu/online
	echo 1 > /sys/devices/system/cpu/cpu$last_cpu/online
	snapshot
	l=$(ev tlbflush_offline_drain | cut -d' ' -f3-)
	case $l in
	"cpu=$last_cpu pages=0 all=0 inflight=0") ok "offline_drain: $l" ;;
	*) not_ok "offline_drain of cpu$last_cpu: '$l'" ;;
	esac
else
	not_ok "cpu$last_cpu cannot go offline"
fi

# 3. The oracle's reports: every one traced (the log prints the first few).
if [ -f /root/tlbf_example_broken.ko ] && insmod /root/tlbf_example_broken.ko; then
	echo > $T/trace
	r0=$(($(st stale_reads) + $(st stale_writes) + $(st oracle_violations)))
	echo "strategy=example-broken targets=others change=remap pages=4 rounds=4" > $D/oracle
	cat $D/oracle | sed 's/^/# oracle: /'
	r1=$(($(st stale_reads) + $(st stale_writes) + $(st oracle_violations)))
	snapshot
	n=$(count tlbflush_oracle_report)
	if [ $((r1 - r0)) -gt 0 ]; then
		expect_eq "$n" "$((r1 - r0))" "oracle_report: one event per report counted"
	else
		not_ok "the broken strategy made no oracle report"
	fi
	l=$(ev tlbflush_oracle_report | head -n 1 | cut -d' ' -f3-)
	case $l in
	"kind=stale_reads msg=cpu"* | "kind=stale_writes msg=cpu"* | \
	"kind=oracle_violations msg=frame pfn "*)
		ok "oracle_report fields: $l" ;;
	*) not_ok "oracle_report fields: '$l'" ;;
	esac
	rmmod tlbf_example_broken || not_ok "rmmod tlbf_example_broken"
else
	not_ok "insmod /root/tlbf_example_broken.ko (tools/check-trace builds it)"
fi

# 4. A misuse: sync with IRQs disabled, as a counted report, not a WARN.
if [ -f /root/tlbf_trace_misuse.ko ]; then
	echo > $T/trace
	echo 0 > /sys/module/tlbflush/parameters/warn_on_misuse
	m0=$(st sync_refused_irqs_off)
	if insmod /root/tlbf_trace_misuse.ko; then
		rmmod tlbf_trace_misuse
		snapshot
		expect_eq "$(($(st sync_refused_irqs_off) - m0))" 1 "the misuse is counted once"
		l=$(ev tlbflush_misuse | cut -d' ' -f3-)
		case $l in
		"kind=sync_refused_irqs_off msg=sync with IRQs disabled on cpu"*) ok "misuse: $l" ;;
		*) not_ok "misuse event: '$l'" ;;
		esac
	else
		not_ok "insmod tlbf_trace_misuse.ko"
	fi
	echo 1 > /sys/module/tlbflush/parameters/warn_on_misuse
else
	not_ok "/root/tlbf_trace_misuse.ko missing (tools/check-trace builds it)"
fi

# 5. Off: nothing recorded.
echo 0 > $T/events/tlbflush/enable
echo > $T/trace
printf '%s\n' "strategy sync" "targets all" "map $VA 2" "unmap $VA 2" > $D/cmd
snapshot
expect_eq "$(grep -c 'tlbflush_' /tmp/trace)" 0 "events off: a flush records nothing"

echo "# trace: $checks checks, $fail failed"
[ $fail -eq 0 ]
