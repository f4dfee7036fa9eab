#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The stale-translation oracle's live scenarios through debugfs `oracle`,
# for kernels without KUnit (Debian's stock kernel): every registered
# strategy (debugfs strategies), page
# counts 1, 31, 32, 33, 512, every change (remap, unmap with
# unmap_parents, protect), target sets one / others / all, single and
# range ops, global and non-global leaves, and a target taken offline
# between dispatch and sync. Each scenario must report 0 stale reads,
# 0 stale writes and 0 oracle violations, and each strategy at least
# MIN_READS checked reads. Then the injection points: listed, or said to
# be unavailable (CONFIG_FAULT_INJECTION off).
#
#   tools/vm/testbed run --kernel stock --cpus 4 \
#       --script tools/vm/scenarios/oracle.sh --out DIR

D=/sys/kernel/debug/tlbflush
MIN_READS=10000
fail=0
checks=0

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }
field() { echo "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# run LINE: one scenario; prints its result; returns its reads in $reads.
run() {
	reads=0
	if ! echo "$1" > $D/oracle; then
		not_ok "oracle refused: $1 -> $(cat $D/oracle)"
		return
	fi
	r=$(cat $D/oracle)
	reads=$(field reads_checked "$r")
	bad=$(($(field stale_reads "$r") + $(field stale_writes "$r") + \
	       $(field oracle_violations "$r")))
	if [ "$bad" -eq 0 ] && [ "$(field err "$r")" = 0 ] && [ "$reads" -gt 0 ]; then
		ok "$1: $r"
	else
		not_ok "$1: $r"
	fi
}

if [ ! -w $D/oracle ]; then
	not_ok "debugfs oracle exists"
	echo "# $checks checks, $fail failed"
	exit 1
fi
dmesg | grep "tlbflush: live window" | sed 's/^/# /'

strategies=$(awk '{ print $1 }' $D/strategies)
if [ "$(echo $strategies | wc -w)" -ge 7 ]; then
	ok "debugfs strategies lists $(echo $strategies | wc -w): $(echo $strategies)"
else
	not_ok "debugfs strategies lists only: $strategies"
fi
for s in $strategies; do
	total=0
	n=0
	for pages in 1 31 32 33 512; do
		for ch in remap unmap protect; do
			case $((n % 3)) in
			0) t=one ;; 1) t=others ;; *) t=all ;;
			esac
			run "strategy=$s targets=$t change=$ch pages=$pages range=$((n % 2)) global=$((n / 2 % 2)) rounds=2"
			total=$((total + reads))
			n=$((n + 1))
		done
	done
	if [ "$(grep -c ^processor /proc/cpuinfo)" -ge 3 ]; then
		run "strategy=$s targets=all change=remap pages=33 global=1 rounds=2 offline=1"
		total=$((total + reads))
	fi
	if [ "$total" -ge $MIN_READS ]; then
		ok "$s: $total reads checked over $n scenarios (>= $MIN_READS), 0 stale"
	else
		not_ok "$s: only $total reads checked (< $MIN_READS)"
	fi
done

if echo "strategy=nosuch" > $D/oracle 2>/dev/null; then
	not_ok "oracle accepted strategy=nosuch"
else
	ok "oracle refuses a bad line"
fi
pts=$(cat $D/inject/points)
if echo "$pts" | grep -q "^skip_ops [0-9]" ||
   echo "$pts" | grep -q "^unavailable: "; then
	ok "inject/points: $(echo "$pts" | tr '\n' ';')"
else
	not_ok "inject/points says neither points nor unavailable: $pts"
fi
echo "# $checks checks, $fail failed"
[ $fail -eq 0 ]
