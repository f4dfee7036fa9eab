#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The out-of-tree example strategy (examples/strategy), debug kernel: load
# tlbf_example.ko next to tlbflush, run the KUnit conformance suite on it
# (every case must pass), then the same with tlbf_example_broken.ko, which
# forgets its remote targets: the suite must fail it, and the oracle must
# say why.
#
#   tools/vm/testbed run --kernel debug --cpus 4 \
#       --script tools/vm/scenarios/example_strategy.sh \
#       --add build/example/tlbf_example.ko \
#       --add build/example/tlbf_example_broken.ko --out DIR

D=/sys/kernel/debug/tlbflush
fail=0
checks=0

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }

# conformance NAME: the conformance suite on strategy NAME; KTAP in $log.
conformance() {
	log=/tmp/conformance.$1
	# Not dmesg -c: the testbed's verdict reads the whole log at the end.
	seen=$(dmesg | wc -l)
	# No newline: the parameter keeps it, and the glob would not match.
	printf '%s' tlbflush_conformance > /sys/module/kunit/parameters/filter_glob
	if ! insmod "$TLBFLUSH_KUNIT_KO" strategy="$1"; then
		not_ok "insmod tlbflush_kunit.ko strategy=$1"
		return
	fi
	rmmod tlbflush_kunit
	dmesg | tail -n +$((seen + 1)) > "$log"
	passed=$(grep -cE "^\[ *[0-9.]+\]     ok [0-9]+ tlbf_conf_" "$log")
	failed=$(grep -cE "^\[ *[0-9.]+\]     not ok [0-9]+ tlbf_conf_" "$log")
	reports=$(grep -c "tlbflush: oracle: " "$log")
	grep -E "^\[ *[0-9.]+\]     (not )?ok [0-9]+ tlbf_conf_" "$log" |
		sed 's/^\[ *[0-9.]*\] */# /'
}

if [ -z "$TLBFLUSH_KUNIT_KO" ]; then
	not_ok "tlbflush_kunit.ko present (debug kernel)"
	exit 1
fi

# 1. The example registers, is listed, and passes every conformance case.
if insmod /root/tlbf_example.ko && grep -q "^example " $D/strategies; then
	ok "tlbf_example.ko loads; debugfs strategies lists it"
else
	not_ok "tlbf_example.ko loads and registers"
fi
conformance example
if [ "$failed" -eq 0 ] && [ "$passed" -ge 4 ]; then
	ok "example passes the conformance suite ($passed cases, 0 failed, $reports oracle reports)"
else
	not_ok "example: $passed passed, $failed failed, $reports oracle reports"
fi
if echo "strategy=example targets=all change=remap pages=33 rounds=2" > $D/oracle &&
   grep -q " stale_reads=0 stale_writes=0 oracle_violations=0 " $D/oracle; then
	ok "oracle on example through debugfs: $(cat $D/oracle)"
else
	not_ok "oracle on example through debugfs: $(cat $D/oracle)"
fi
rmmod tlbf_example || not_ok "rmmod tlbf_example"

# 2. The broken twin must fail it, with the oracle's report.
insmod /root/tlbf_example_broken.ko || not_ok "insmod tlbf_example_broken.ko"
conformance example-broken
if [ "$failed" -gt 0 ] && [ "$reports" -gt 0 ]; then
	ok "example-broken fails the conformance suite ($failed cases failed, $reports oracle reports)"
	grep -m 1 "tlbflush: oracle: " "$log" | sed 's/^\[ *[0-9.]*\] */# /'
else
	not_ok "example-broken was not caught: $passed passed, $failed failed, $reports oracle reports"
fi
rmmod tlbf_example_broken || not_ok "rmmod tlbf_example_broken"
echo "# $checks checks, $fail failed"
[ $fail -eq 0 ]
