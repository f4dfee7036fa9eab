#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Module parameter conventions: every parameter of tlbflush.ko (but the
# torture mode's) is in /sys/module/tlbflush/parameters and echoed in the
# one "tlbflush: parameters:" line at load; flush_all_threshold goes through
# its setter at insmod and through sysfs (bad values refused, nothing
# changed, the debugfs tunable sees the same value).
#
#   tools/vm/testbed run --kernel stock --cpus 2 \
#       --script tools/vm/scenarios/params.sh --out DIR

D=/sys/kernel/debug/tlbflush
P=/sys/module/tlbflush/parameters
PARAMS="warn_on_misuse pool_frames flush_all_threshold slow_cpu_ms live live_window_mb histograms"
fail=0
checks=0

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }
expect_eq() { # A B what
	if [ "$1" = "$2" ]; then ok "$3 ($1)"; else not_ok "$3: '$1' != '$2'"; fi
}

# The last "parameters:" line of the kernel log.
params_line() { dmesg | grep 'tlbflush: parameters: ' | tail -n 1; }

for p in $PARAMS; do
	if [ -e $P/$p ]; then ok "sysfs parameter $p"; else not_ok "sysfs parameter $p missing"; fi
	if params_line | grep -q " $p=[0-9]"; then
		ok "load line echoes $p"
	else
		not_ok "load line does not echo $p: $(params_line)"
	fi
done

expect_eq "$(cat $P/flush_all_threshold)" 32 "flush_all_threshold default (sysfs)"
for bad in 0 65 -1 abc; do
	if echo "$bad" > $P/flush_all_threshold 2>/dev/null; then
		not_ok "sysfs flush_all_threshold accepted '$bad'"
	else
		ok "sysfs flush_all_threshold refused '$bad'"
	fi
done
expect_eq "$(cat $D/flush_all_threshold)" 32 "debugfs flush_all_threshold unchanged"
echo 12 > $P/flush_all_threshold
expect_eq "$(cat $D/flush_all_threshold)" 12 "sysfs write reaches the tunable"
echo 20 > $D/flush_all_threshold
expect_eq "$(cat $P/flush_all_threshold)" 20 "debugfs write shows in sysfs"

rmmod tlbflush || not_ok "rmmod tlbflush"
if insmod "$TLBFLUSH_KO" flush_all_threshold=65 2>/dev/null; then
	not_ok "insmod flush_all_threshold=65 accepted"
	rmmod tlbflush
else
	ok "insmod flush_all_threshold=65 refused"
fi
if insmod "$TLBFLUSH_KO" flush_all_threshold=16 live=0 slow_cpu_ms=250; then
	ok "insmod flush_all_threshold=16 live=0 slow_cpu_ms=250"
	expect_eq "$(cat $D/flush_all_threshold)" 16 "insmod value reaches the tunable"
	l=$(params_line)
	case $l in
	*" flush_all_threshold=16 slow_cpu_ms=250 live=0 "*) ok "load line: ${l#*tlbflush: }" ;;
	*) not_ok "load line does not show the values: $l" ;;
	esac
else
	not_ok "insmod flush_all_threshold=16 live=0 slow_cpu_ms=250"
fi

echo "# params: $checks checks, $fail failed"
[ $fail -eq 0 ]
