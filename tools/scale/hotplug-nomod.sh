#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CPU hotplug under load with tlbflush NOT loaded, for telling a kernel or
# emulator problem from a module one (issue 14: "Dying CPU not properly
# vacated!" at 128 vCPUs). The init script has inserted tlbflush.ko; this
# script removes it first, then runs tools/tlbload (threads pinned on every
# CPU making Linux shoot down TLBs: madvise(MADV_DONTNEED), mprotect) while
# it takes HP_CPUS (default: the last CPU, as flusher_cmd.sh does, and 7
# more spread over the rest) offline at once and back, HP_CYCLES times.
#
#   tools/vm/testbed run --kernel stock --cpus 128 \
#       --script tools/scale/hotplug-nomod.sh \
#       --add build/tlbload/tlbload --out DIR
#
# The kernel's own warnings are what this looks for: the testbed's console
# checker fails the run on any WARNING, naming the line.

checks=0
fail=0
ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }

ncpu=$(grep -c ^processor /proc/cpuinfo)
last=$((ncpu - 1))
if rmmod tlbflush && ! grep -q '^tlbflush' /proc/modules; then
	ok "tlbflush removed: no module of ours is loaded"
else
	not_ok "could not remove tlbflush"
	exit 1
fi
cpus=${HP_CPUS:-"$last $((last / 8)) $((last / 4)) $((3 * last / 8)) $((last / 2)) $((5 * last / 8)) $((3 * last / 4)) $((7 * last / 8))"}
cycles=${HP_CYCLES:-5}
/root/tlbload --seconds 1 --min-loops 1000000000 > /tmp/tlbload.out 2>&1 &
load=$!
i=0
while [ $i -lt "$cycles" ]; do
	pids=""
	for c in $cpus; do
		(echo 0 > /sys/devices/system/cpu/cpu$c/online) &
		pids="$pids $!"
	done
	wait $pids
	down=0
	for c in $cpus; do
		[ "$(cat /sys/devices/system/cpu/cpu$c/online)" = 0 ] && down=$((down + 1))
	done
	pids=""
	for c in $cpus; do
		(echo 1 > /sys/devices/system/cpu/cpu$c/online) &
		pids="$pids $!"
	done
	wait $pids
	up=0
	for c in $cpus; do
		[ "$(cat /sys/devices/system/cpu/cpu$c/online)" = 1 ] && up=$((up + 1))
	done
	n=$(echo $cpus | wc -w)
	if [ "$down" -eq "$n" ] && [ "$up" -eq "$n" ]; then
		ok "cycle $i: CPUs $(echo $cpus | tr ' ' ',') offline at once and back, under tlbload"
	else
		not_ok "cycle $i: $down of $n went down, $up came back"
	fi
	i=$((i + 1))
done
kill $load 2>/dev/null
wait $load 2>/dev/null
tail -n 3 /tmp/tlbload.out | sed 's/^/# /'
dmesg | grep -A 12 "not properly vacated" | sed 's/^/# /'
echo "# hotplug-nomod: $checks checks, $fail failed"
[ $fail -eq 0 ]
