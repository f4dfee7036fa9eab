#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CYCLES (default 20) rmmod/insmod cycles of tlbflush.ko, each unloading
# with flushes in flight (async dispatches not synced, frames PENDING, pages
# still mapped)
# and while a CPU-heavy load keeps the IPIs busy. Every unload must drain
# them: no "leak" report from the pool, no misuse report, no splat (the
# testbed's console check), and every reload starts with the invariants.
# Live mode is on (the default): each cycle first runs an oracle scenario
# on the live window, which must see nothing stale, and after each rmmod
# the window's vmap area must be gone (/proc/vmallocinfo): no stale window
# mapping is left behind.
#
#   tools/vm/testbed run --kernel stock --cpus 4 \
#       --script tools/vm/scenarios/flusher_unload.sh --out DIR

D=/sys/kernel/debug/tlbflush
# 20: the torture (make torture) does 100 more on the debug kernel
CYCLES=${CYCLES:-20}
fail=0

st() { awk -v n="$1" '$1 == n { print $2 }' $D/stats; }

base=$(st frames_in_use)	# the scenario mapper's root table
i=0
while [ $i -lt $CYCLES ]; do
	i=$((i + 1))
	if ! printf '%s\n' "wait off" "strategy async" "targets all" \
		"on $((i % 4))" "map 0x100000000 48" "unmap 0x100000000 40" \
		"strategy broadcast" "protect 0x100028000 5 ro" \
		"on any" "map 0x200000000 3" "unmap 0x200000000 2" > $D/cmd; then
		echo "not ok cycle $i: cmd failed: $(tail -n 1 $D/cmd)"
		fail=$((fail + 1))
	fi
	if ! echo "strategy=async targets=all change=remap pages=33 global=$((i % 2)) rounds=1" > $D/oracle; then
		echo "not ok cycle $i: oracle scenario refused"
		fail=$((fail + 1))
	fi
	r=$(cat $D/oracle)
	case "$r" in
	*" stale_reads=0 stale_writes=0 oracle_violations=0 "*) ;;
	*) echo "not ok cycle $i: oracle: $r"; fail=$((fail + 1)) ;;
	esac
	if [ "$(grep -c tlbf_live_ /proc/vmallocinfo)" != 1 ]; then
		echo "not ok cycle $i: live window not in /proc/vmallocinfo"
		fail=$((fail + 1))
	fi
	if [ $i -eq 1 ]; then
		echo "# at first unload: frames_in_use $(st frames_in_use) frames_pending $(st frames_pending) dispatches $(st dispatches)"
	fi
	if ! rmmod tlbflush; then
		echo "not ok cycle $i: rmmod failed"
		fail=$((fail + 1))
		break
	fi
	if grep -q tlbf_live_ /proc/vmallocinfo ||
	   grep -q "\[tlbflush\]" /proc/vmallocinfo; then
		echo "not ok cycle $i: a tlbflush vmap area outlived rmmod"
		grep "tlbf\|tlbflush" /proc/vmallocinfo
		fail=$((fail + 1))
	fi
	if ! insmod "$TLBFLUSH_KO"; then
		echo "not ok cycle $i: insmod failed"
		fail=$((fail + 1))
		break
	fi
	s=$(st ipis_sent)
	if [ "$s" != 0 ] || [ "$(st frames_in_use)" != "$base" ] ||
	   [ "$(st frames_pending)" != 0 ]; then
		echo "not ok cycle $i: fresh module not clean"
		fail=$((fail + 1))
	fi
done
echo "cycles: $i"
leaks=$(dmesg | grep -c "tlbflush: .*leak")
misuse=$(dmesg | grep -c "tlbflush: misuse")
loaded=$(dmesg | grep -c "tlbflush: loaded")
unloaded=$(dmesg | grep -c "tlbflush: unloaded")
echo "loads $loaded unloads $unloaded leak reports $leaks misuse reports $misuse"
[ "$leaks" = 0 ] || { echo "not ok: leak reports"; dmesg | grep "tlbflush: .*leak"; fail=$((fail + 1)); }
[ "$misuse" = 0 ] || { echo "not ok: misuse reports"; fail=$((fail + 1)); }
[ "$unloaded" = "$CYCLES" ] || { echo "not ok: $unloaded unloads for $CYCLES cycles"; fail=$((fail + 1)); }
echo "--- $i cycles, $fail failures"
[ $fail -eq 0 ]
