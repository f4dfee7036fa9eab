#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Drive the flusher through /sys/kernel/debug/tlbflush/cmd with every
# strategy and several target sets, take a CPU offline and back under load,
# and check after each step that the debugfs counters obey the invariants of
# ARCHITECTURE.md "debugfs":
#   ipis_sent == ipis_received + queues_drained_offline
#   frames_deferred == frames_released + frames_pending
# plus frames_pending == 0 and frames_in_use back at its baseline once the
# scenario's pages are unmapped and the flushes quiesced.
#
#   tools/vm/testbed run --kernel stock --cpus 4 \
#       --script tools/vm/scenarios/flusher_cmd.sh --out DIR

D=/sys/kernel/debug/tlbflush
fail=0
checks=0

st() { awk -v n="$1" '$1 == n { print $2 }' $D/stats; }

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }

expect_eq() { # A B what
	if [ "$1" = "$2" ]; then ok "$3 ($1)"; else not_ok "$3: $1 != $2"; fi
}

cmd() { # lines...; fails the check if the write fails
	if ! printf '%s\n' "$@" > $D/cmd; then
		not_ok "cmd failed: $* -> $(cat $D/cmd | tail -n 1)"
		return 1
	fi
}

cmd_fails() { # lines... must be refused
	if printf '%s\n' "$@" > $D/cmd 2>/dev/null; then
		not_ok "cmd accepted bad input: $*"
	else
		ok "cmd refused: $* -> $(tail -n 1 $D/cmd)"
	fi
}

invariants() { # where
	cmd quiesce
	s=$(st ipis_sent); r=$(st ipis_received); o=$(st queues_drained_offline)
	expect_eq "$s" "$((r + o))" "$1: ipis_sent == ipis_received + queues_drained_offline"
	d=$(st frames_deferred); rel=$(st frames_released); p=$(st frames_pending)
	expect_eq "$d" "$((rel + p))" "$1: frames_deferred == frames_released + frames_pending"
	expect_eq "$p" 0 "$1: frames_pending after quiesce"
}

ncpu=$(grep -c ^processor /proc/cpuinfo)
last=$((ncpu - 1))
echo "cpus: $ncpu"
for f in stats cpu_stats reset flush_all_threshold slow_cpu_ms \
	 hist_sync_wait_ns hist_dispatch_ns queues cmd; do
	if [ -e $D/$f ]; then ok "debugfs file $f"; else not_ok "debugfs file $f missing"; fi
done

# The histograms are filled only with histograms=1 (a static key): a
# dispatch and a sync with it off leave them empty, then it is turned on.
hist_n() { awk '{ s += $3 } END { print s + 0 }' $D/$1; }
P=/sys/module/tlbflush/parameters
expect_eq "$(cat $P/histograms)" N "histograms off by default"
cmd "targets all" "strategy sync" "map 0x2f0000000 1" "unmap 0x2f0000000 1"
for h in hist_sync_wait_ns hist_dispatch_ns; do
	expect_eq "$(hist_n $h)" 0 "$h empty with histograms=0"
done
echo 1 > $P/histograms
expect_eq "$(cat $P/histograms)" Y "histograms on through sysfs"

echo reset > $D/stats
base_in_use=$(st frames_in_use)
expect_eq "$(st ipis_sent)" 0 "reset zeroes ipis_sent"

# Tunables: good values are taken, bad ones refused and change nothing.
expect_eq "$(cat $D/flush_all_threshold)" 32 "default flush_all_threshold"
for bad in 0 65 -1 abc ""; do
	if echo "$bad" > $D/flush_all_threshold 2>/dev/null; then
		not_ok "flush_all_threshold accepted '$bad'"
	else
		ok "flush_all_threshold refused '$bad'"
	fi
done
expect_eq "$(cat $D/flush_all_threshold)" 32 "flush_all_threshold unchanged"
echo 8 > $D/flush_all_threshold
expect_eq "$(cat $D/flush_all_threshold)" 8 "flush_all_threshold set to 8"

# Bad commands change nothing.
cmd_fails "bogus"
cmd_fails "strategy nosuch"
cmd_fails "targets 0-99999"
cmd_fails "map 0x1001"
cmd_fails "unmap 0x7770000000"
cmd_fails "flush range 0x1000 0"
cmd_fails "protect 0x1000 1 rx"
expect_eq "$(st frames_in_use)" "$base_in_use" "bad commands leave the pool alone"

VA=0x100000000
i=0
for strat in async sync broadcast; do
	for tg in all 0 $last "0-$last" none "1-$last"; do
		i=$((i + 1))
		before=$(st dispatches)
		ipis=$(st ipis_sent)
		lf=$(st local_flushes)
		cmd "strategy $strat" "targets $tg" "on $((i % ncpu))" \
		    "map $VA 16" \
		    "protect $VA 4 ro" \
		    "protect $VA 16 rw" \
		    "flush page $VA" \
		    "flush range $VA 5" \
		    "flush all" \
		    "unmap $VA 6" \
		    "unmap 0x100006000 10" \
		    "on any"
		after=$(st dispatches)
		if [ "$tg" = none ] && [ $strat != broadcast ]; then
			expect_eq "$after" "$before" "$strat/$tg: empty target set dispatches nothing"
			expect_eq "$(st ipis_sent)" "$ipis" "$strat/$tg: no IPI"
			expect_eq "$(st local_flushes)" "$lf" "$strat/$tg: no local flush"
		elif [ "$after" -gt "$before" ]; then
			ok "$strat/$tg: $((after - before)) dispatches"
		else
			not_ok "$strat/$tg: no dispatch counted"
		fi
		invariants "$strat/$tg"
	done
done
expect_eq "$(st frames_in_use)" "$base_in_use" "every scenario page unmapped: frames_in_use at baseline"

# Threshold: 8 singles fit, the 9th page makes one full flush per target.
cmd "strategy sync" "targets all" "map $VA 9"
ff=$(st full_flushes)
cmd "unmap $VA 9"
ff2=$(st full_flushes)
expect_eq "$((ff2 - ff))" "$ncpu" "unmap of 9 pages over threshold 8: one full flush per CPU"
echo 32 > $D/flush_all_threshold
invariants threshold

# Offline a CPU while flushes target it from the other CPUs.
if [ -w /sys/devices/system/cpu/cpu$last/online ]; then
	(
		n=0
		while [ $n -lt 40 ]; do
			printf '%s\n' "strategy async" "targets all" "on 0" \
				"map 0x200000000 8" "unmap 0x200000000 8" \
				"on any" > $D/cmd 2>/dev/null
			n=$((n + 1))
		done
	) &
	bg=$!
	echo 0 > /sys/devices/system/cpu/cpu$last/online && ok "cpu$last offline under load" || not_ok "offlining cpu$last"
	cmd "strategy sync" "targets all" "map 0x300000000 4" "unmap 0x300000000 4"
	echo 1 > /sys/devices/system/cpu/cpu$last/online && ok "cpu$last back online" || not_ok "onlining cpu$last"
	wait $bg
	invariants hotplug
	cmd "targets all" "strategy sync" "map 0x300000000 4" "unmap 0x300000000 4"
	invariants "after hotplug"
else
	echo "# cpu$last cannot be offlined here; hotplug step skipped"
fi

expect_eq "$(st frames_in_use)" "$base_in_use" "frames_in_use at baseline at the end"
for h in hist_sync_wait_ns hist_dispatch_ns; do
	n=$(hist_n $h)
	if [ "$n" -gt 0 ]; then ok "$h has $n samples"; else not_ok "$h is empty"; fi
done
echo 0 > $P/histograms
echo "--- stats"
cat $D/stats
echo "--- $checks checks, $fail failed"
[ $fail -eq 0 ]
