#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM for make scale (tools/vm/testbed scale), once per
# CPU count, with tlbflush.ko loaded (on the debug kernel the KUnit suites
# have already run in the same boot). Counts, not timings:
#
#   1. footprint   debugfs footprint, checked against /proc/modules
#   2. oracle      the live oracle: one scenario per strategy, every CPU a
#                  target, and one with a target offlined (SCALE_ORACLE=full:
#                  all of tools/vm/scenarios/oracle.sh)
#   3. workload    fixed work through debugfs cmd from cpu0: every strategy x
#                  targets one (the last CPU) / half (cpu0..N/2-1) / all x
#                  1 / 32 / 512 pages, SCALE_ROUNDS map+unmap sessions each,
#                  the counters of each cell after a quiesce ("wait off":
#                  async sessions do not sync, so IPIs may coalesce; a
#                  quiesce every 4 rounds keeps the pending frames within
#                  the pool)
#   4. native      the same rounds through flush_tlb_kernel_range (debugfs
#                  bench, mode native) with /proc/interrupts CAL and TLB
#                  before and after
#   5. hotplug     SCALE_VICTIMS CPUs (default min(8, N/4)) offlined at once
#                  and brought back while cpu0 flushes at every CPU; the
#                  debugfs invariants after
#
# SCALE_ORACLE=none|short|full, SCALE_TARGETS, SCALE_PAGES narrow a run (a
# quick look at a large CPU count); make scale runs the full set.
#
# Every check prints "ok N - ..." or "not ok N - ..."; the counts go to
# files between TLBF-FILE markers (workload.txt, native.txt, footprint.txt,
# hotplug.txt) that tools/scale/report turns into the scaling report. Wall
# times are /proc/uptime deltas, labelled emulated.

D=/sys/kernel/debug/tlbflush
ROUNDS=${SCALE_ROUNDS:-4}
VA=0x100000000
checks=0
fail=0

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }
st() { awk -v n="$1" '$1 == n { print $2 }' $D/stats; }
fp() { awk -v n="$1" '$1 == n { print $2 }' /tmp/footprint.txt; }
uptime_cs() { awk '{ split($1, a, "."); print a[1] * 100 + a[2] }' /proc/uptime; }
cmd() { printf '%s\n' "$@" > $D/cmd; }
# Sum of a /proc/interrupts row (CAL, TLB) over all CPUs.
irqs() { awk -v r="$1:" '$1 == r { s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s }' /proc/interrupts; }
step() { echo "# vm-scale: step $* at $(cut -d' ' -f1 /proc/uptime) s"; }
file_begin() { echo "===TLBF-FILE-BEGIN $1==="; }
file_end() { echo "===TLBF-FILE-END $1==="; }

ncpu=$(grep -c ^processor /proc/cpuinfo)
last=$((ncpu - 1))
echo "# vm-scale: $ncpu CPUs, kernel $(uname -r), possible $(cat /sys/devices/system/cpu/possible), rounds $ROUNDS"

invariants() { # where
	cmd quiesce
	s=$(st ipis_sent); r=$(st ipis_received); o=$(st queues_drained_offline)
	d=$(st frames_deferred); rel=$(st frames_released); p=$(st frames_pending)
	if [ "$s" -eq $((r + o)) ] && [ "$d" -eq $((rel + p)) ] && [ "$p" -eq 0 ]; then
		ok "$1: invariants (ipis_sent $s = received $r + drained $o; frames_deferred $d = released $rel + pending $p)"
	else
		not_ok "$1: invariants broken: ipis_sent $s received $r drained $o; frames_deferred $d released $rel pending $p"
	fi
}

# ---- 1. footprint
step footprint
cat $D/footprint > /tmp/footprint.txt
modsize=$(awk '$1 == "tlbflush" { print $2 }' /proc/modules)
echo "proc_modules_bytes $modsize" >> /tmp/footprint.txt
percpu_info=$(awk '$1 == "Percpu:" { print $2 }' /proc/meminfo)
echo "meminfo_percpu_kb $percpu_info" >> /tmp/footprint.txt
file_begin footprint.txt; cat /tmp/footprint.txt; file_end footprint.txt
if [ -n "$modsize" ] && [ "$(fp module_core_bytes)" = "$modsize" ]; then
	ok "footprint: module_core_bytes $(fp module_core_bytes) = /proc/modules size"
else
	not_ok "footprint: module_core_bytes $(fp module_core_bytes) != /proc/modules size $modsize"
fi
pc=$(fp percpu_bytes_per_cpu)
acc=$(fp percpu_accounted_per_cpu)
nobj=$(grep -c '^percpu_.*_bytes ' /tmp/footprint.txt)
# Each object may be padded up to a cache line in the section.
if [ "$pc" -ge "$acc" ] && [ "$pc" -lt $((acc + 64 * nobj)) ]; then
	ok "footprint: per-CPU section $pc bytes, accounted $acc (+ alignment)"
else
	not_ok "footprint: per-CPU section $pc bytes, accounted $acc: an object is missing from footprint.c"
fi
if [ "$(fp percpu_total_bytes)" -eq $((pc * $(fp possible_cpus))) ]; then
	ok "footprint: per-CPU total $(fp percpu_total_bytes) = $pc x $(fp possible_cpus) possible CPUs ($ncpu online; NR_CPUS $(fp nr_cpus_kernel_max) plays no part)"
else
	not_ok "footprint: per-CPU total $(fp percpu_total_bytes) is not $pc x $ncpu"
fi

if [ "${SCALE_ONLY:-}" = footprint ]; then
	echo "# vm-scale: $checks checks, $fail failed (footprint only)"
	[ $fail -eq 0 ]
	exit
fi

# ---- 2. oracle scenarios
step oracle
# The full tools/vm/scenarios/oracle.sh (SCALE_ORACLE=full: 122 scenarios)
# takes about 25 min at 2 vCPUs on a busy 2-core host; by default one
# scenario per strategy with every CPU a target (33 pages, remap, global
# leaves) and one with a target going offline between dispatch and sync.
# The KUnit suites (tlbflush_oracle, tlbflush_conformance) ran the rest.
if [ "${SCALE_ORACLE:-short}" = none ]; then
	echo "# oracle step skipped (SCALE_ORACLE=none)"
elif [ "${SCALE_ORACLE:-short}" = full ] && [ -f /root/oracle.sh ]; then
	{ sh /root/oracle.sh; echo "rc=$?" > /tmp/oracle.rc; } 2>&1 |
		tee /tmp/oracle.out | sed 's/^/# oracle: /'
	if [ "$(cat /tmp/oracle.rc)" = rc=0 ]; then
		ok "oracle.sh: $(grep -c '^ok' /tmp/oracle.out) checks, 0 failed"
	else
		not_ok "oracle.sh: $(grep -c '^not ok' /tmp/oracle.out) failed"
	fi
else
	field() { echo "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
	for s in $(awk '{ print $1 }' $D/strategies); do
		for off in 0 1; do
			[ "$off" = 1 ] && [ "$ncpu" -lt 3 ] && continue
			line="strategy=$s targets=all change=remap pages=33 range=1 global=1 rounds=2 offline=$off"
			if ! echo "$line" > $D/oracle; then
				not_ok "oracle refused: $line"
				continue
			fi
			r=$(cat $D/oracle)
			bad=$(($(field stale_reads "$r") + $(field stale_writes "$r") + $(field oracle_violations "$r")))
			if [ "$bad" -eq 0 ] && [ "$(field err "$r")" = 0 ] &&
			   [ "$(field reads_checked "$r")" -gt 0 ]; then
				ok "oracle $line: $r"
			else
				not_ok "oracle $line: $r"
			fi
		done
	done
fi

# ---- 3. workload
step workload
strategies=$(awk '{ print $1 }' $D/strategies)
one=$last
half="0-$((ncpu / 2 - 1))"
[ "$ncpu" -eq 1 ] && half=0
cmd "on 0" "wait off"
: > /tmp/workload.txt
for s in $strategies; do
	for tn in ${SCALE_TARGETS:-one half all}; do
		case $tn in
		one) tg=$one ;;
		half) tg=$half ;;
		all) tg=all ;;
		esac
		for pages in ${SCALE_PAGES:-1 32 512}; do
			cmd quiesce
			echo reset > $D/stats
			t0=$(uptime_cs)
			i=0
			err=0
			while [ $i -lt "$ROUNDS" ]; do
				cmd "strategy $s" "targets $tg" "map $VA $pages" \
				    "unmap $VA $pages" || err=$((err + 1))
				i=$((i + 1))
				# The pool (4096 frames) holds 4 rounds of 512
				# pages + tables still pending, not 8.
				[ $((i % 4)) -eq 0 ] && [ $i -lt "$ROUNDS" ] &&
					cmd quiesce
			done
			t1=$(uptime_cs)
			peak=$(st frames_pending)
			cmd quiesce
			t2=$(uptime_cs)
			# One read of stats per cell: each awk costs at 64 vCPUs.
			line="strategy=$s targets=$tn cpus=$ncpu pages=$pages rounds=$ROUNDS errors=$err pending_after_rounds=$peak emulated_cs=$((t1 - t0)) quiesce_cs=$((t2 - t1))"
			line="$line $(awk 'BEGIN { split("dispatches ipis_sent ipis_received ipis_coalesced local_flushes lazy_flushes pages_invalidated full_flushes frames_deferred frames_released frames_pending slow_cpu_reports syncs queues_drained_offline", w); for (i in w) want[w[i]] = 1 }
				want[$1] { printf "%s=%s ", $1, $2 }' $D/stats)"
			echo "$line" >> /tmp/workload.txt
			disp=$(echo "$line" | sed 's/.* dispatches=\([0-9]*\).*/\1/')
			if [ "$err" -eq 0 ] && [ "$disp" = "$ROUNDS" ]; then
				ok "workload $s/$tn/$pages: $ROUNDS dispatches"
			else
				not_ok "workload $s/$tn/$pages: $err failed commands, $disp dispatches (want $ROUNDS)"
			fi
		done
	done
done
cmd "wait on" "on any"
file_begin workload.txt; cat /tmp/workload.txt; file_end workload.txt
invariants workload

# ---- 4. native flush_tlb_kernel_range, same rounds
step native
: > /tmp/native.txt
for pages in 1 32 512; do
	cal0=$(irqs CAL); tlb0=$(irqs TLB)
	echo "modes=native pages=$pages targets=all iters=$ROUNDS warmup=0 touch=0" > $D/bench
	cal1=$(irqs CAL); tlb1=$(irqs TLB)
	r=$(grep '^mode=native' $D/bench)
	echo "native cpus=$ncpu pages=$pages rounds=$ROUNDS cal_delta=$((cal1 - cal0)) tlb_delta=$((tlb1 - tlb0)) $r" >> /tmp/native.txt
	case $r in
	*available=1*) ok "native $pages pages: $ROUNDS calls, CAL +$((cal1 - cal0)), TLB +$((tlb1 - tlb0))" ;;
	*) echo "# native $pages pages: $r" ;;
	esac
done
file_begin native.txt; cat /tmp/native.txt; file_end native.txt

# ---- 5. hotplug: several CPUs down at once under load
step hotplug
victims=""
nv=${SCALE_VICTIMS:-$((ncpu / 4))}
[ "$nv" -gt 8 ] && nv=8
if [ "$nv" -ge 1 ] && [ -w /sys/devices/system/cpu/cpu$last/online ]; then
	# Spread over 1..last: the i-th victim is 1 + i * last / nv.
	i=0
	while [ $i -lt "$nv" ]; do
		victims="$victims $((1 + i * (last - 1) / nv + (last - 1) / nv / 2))"
		i=$((i + 1))
	done
	echo reset > $D/stats
	rm -f /tmp/stop
	(
		n=0
		while [ ! -f /tmp/stop ]; do
			for s in async sync linux; do
				printf '%s\n' "strategy $s" "targets all" "on 0" \
					"map 0x200000000 8" "unmap 0x200000000 8" \
					"on any" > $D/cmd 2>/dev/null
			done
			n=$((n + 1))
		done
		echo "$n" > /tmp/load_rounds
	) &
	bg=$!
	# Let the load start: wait for its first dispatches (work, not time).
	while [ "$(st dispatches)" -lt 3 ] && kill -0 $bg 2>/dev/null; do
		sleep 1
	done
	pids=""
	for v in $victims; do
		(echo 0 > /sys/devices/system/cpu/cpu$v/online) &
		pids="$pids $!"
	done
	wait $pids
	down=0
	for v in $victims; do
		[ "$(cat /sys/devices/system/cpu/cpu$v/online)" = 0 ] && down=$((down + 1))
	done
	if [ "$down" -eq "$nv" ]; then
		ok "hotplug: $nv CPUs offline at once under load:$victims"
	else
		not_ok "hotplug: only $down of $nv CPUs went offline:$victims"
	fi
	cmd "strategy sync" "targets all" "map 0x300000000 4" "unmap 0x300000000 4" &&
		ok "hotplug: a sync flush with $nv targets offline returns" ||
		not_ok "hotplug: a sync flush with $nv targets offline failed"
	pids=""
	for v in $victims; do
		(echo 1 > /sys/devices/system/cpu/cpu$v/online) &
		pids="$pids $!"
	done
	wait $pids
	up=0
	for v in $victims; do
		[ "$(cat /sys/devices/system/cpu/cpu$v/online)" = 1 ] && up=$((up + 1))
	done
	if [ "$up" -eq "$nv" ]; then
		ok "hotplug: $nv CPUs back online at once"
	else
		not_ok "hotplug: only $up of $nv CPUs came back"
	fi
	touch /tmp/stop
	wait $bg
	cmd "targets all" "strategy sync" "map 0x300000000 4" "unmap 0x300000000 4" ||
		not_ok "hotplug: flush after the CPUs came back"
	invariants hotplug
	{
		echo "cpus=$ncpu victims=$nv list=$(echo $victims | tr ' ' ',') load_rounds=$(cat /tmp/load_rounds)"
		for k in dispatches ipis_sent ipis_received queues_drained_offline \
			 frames_deferred frames_released slow_cpu_reports; do
			echo "$k $(st $k)"
		done
	} > /tmp/hotplug.txt
	file_begin hotplug.txt; cat /tmp/hotplug.txt; file_end hotplug.txt
else
	echo "# hotplug step skipped ($ncpu CPUs, $nv victims)"
fi

step end
echo "# vm-scale: $checks checks, $fail failed"
[ $fail -eq 0 ]
