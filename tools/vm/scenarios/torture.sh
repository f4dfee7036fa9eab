#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make torture (tools/vm/testbed torture): tlbflush's torture mode, the
# kernel's smp_call_function torture (scftorture) and a native TLB-shootdown
# load (tlbload) at the same time, then CYCLES insmod/rmmod cycles with
# flushes (and torture runs) in flight, then a kmemleak scan. With SELFTEST
# the torture is also made to fail on purpose, once per checker it has
# (a corrupted model entry; an injected flusher bug the oracle must see),
# and each such run must end FAILURE (ARCHITECTURE.md T3).
#
# Settings come from /root/torture.env (written by testbed torture):
#   TORTURE_SECONDS  duration of the stress phase (default 60)
#   TORTURE_ONOFF_MS CPU offline/online interval of the torture (default 500)
#   TORTURE_CYCLES   insmod/rmmod cycles afterwards (default 100)
#   TORTURE_SELFTEST 1: the failing runs too (default 1)
#   TORTURE_STRATEGIES  comma-separated strategy names (default: every
#                    registered one)
#   TORTURE_STALL    seconds without a completed operation that count as
#                    a hang (default 180)
#   TORTURE_KMEMLEAK 0: no kmemleak scan here (the testbed's /init scans
#                    at the end of every run anyway; default 1)
# Every check prints "ok N - ..." or "not ok N - ..."; exit 0 if all passed.

D=/sys/kernel/debug/tlbflush
SECS=${TORTURE_SECONDS:-60}
ONOFF=${TORTURE_ONOFF_MS:-500}
CYCLES=${TORTURE_CYCLES:-100}
SELFTEST=${TORTURE_SELFTEST:-1}
# tlbload's work: loops every thread must do (about 0.7 a second each on
# the debug kernel under TCG next to the torture; 100 at most)
LOAD_LOOPS=$((SECS / 3))
[ $LOAD_LOOPS -gt 100 ] && LOAD_LOOPS=100
[ $LOAD_LOOPS -lt 10 ] && LOAD_LOOPS=10
fail=0
checks=0

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }
check() { # cond-status what
	if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; fi
}
st() { awk -v n="$1" '$1 == n { print $2 }' $D/stats; }

# torture_run WHAT PARAMS...: load tlbflush with a torture run, wait for
# its end (bounded by the run's own work; the VM timeout is the backstop),
# leave the module loaded. The result is in $D/torture.
torture_run() {
	what=$1
	shift
	grep -q '^tlbflush ' /proc/modules && rmmod tlbflush
	if ! insmod "$TLBFLUSH_KO" torture=1 "$@"; then
		not_ok "$what: insmod tlbflush torture=1 $*"
		return 1
	fi
	# Work-bounded: no deadline here. A run whose operation count stops
	# moving for STALL seconds is hung (a flush that never completes):
	# say so and end the VM now, since rmmod would wait for it too.
	last=-1
	still=0
	while ! grep -q '^state done' $D/torture; do
		sleep 5
		ops=$(awk '$1 == "ops" { print $2 }' $D/torture)
		if [ "$ops" = "$last" ]; then
			still=$((still + 5))
		else
			still=0
			last=$ops
		fi
		[ $still -ge "${TORTURE_STALL:-180}" ] &&
			hang "$what: hung: no operation completed for ${still}s (ops $ops)"
	done
	sed "s/^/# $what: /" $D/torture
}

# hang WHAT: report a hang and end the VM at once (rmmod or poweroff
# would wait for what hangs: a flush that never completes holds the
# torture's threads, and they hold the CPU hotplug lock).
hang() {
	not_ok "$1"
	sed 's/^/# queues: /' $D/queues 2>/dev/null
	dmesg | grep "tlbflush" | tail -n 20 | sed 's/^/# /'
	echo "# $checks checks, $fail failed"
	echo "TLBF-TESTBED: SCRIPT rc=1"
	echo "TLBF-TESTBED: DONE rc=1"
	# SysRq b resets at once (QEMU runs with -no-reboot: the VM ends).
	echo b > /proc/sysrq-trigger 2>/dev/null
	poweroff -f
}

# rmmod_watched: rmmod tlbflush, or report a hang after STALL seconds.
rmmod_watched() {
	rmmod tlbflush &
	rpid=$!
	waited=0
	while [ -d /proc/$rpid ]; do
		sleep 1
		waited=$((waited + 1))
		[ $waited -ge "${TORTURE_STALL:-180}" ] &&
			hang "rmmod tlbflush hung for ${waited}s (cycle $i)"
	done
	wait $rpid
}

end_field() { # NAME: a key=value of the torture's end lines
	tr ' ' '\n' < $D/torture | awk -F= -v k="$1" '$1 == k { print $2 }' | head -n1
}

# phase NAME: the time since the last phase mark, for tuning (make check)
t_last=$(cut -d. -f1 /proc/uptime)
phase() {
	t_now=$(cut -d. -f1 /proc/uptime)
	echo "# phase $1: $((t_now - t_last)) s"
	t_last=$t_now
}

ncpu=$(grep -c ^processor /proc/cpuinfo)
echo "# cpus $ncpu, torture ${SECS}s, onoff ${ONOFF}ms, $CYCLES cycles, selftest $SELFTEST"

# ---- 1. the kernel's scftorture (debug kernel: built as a module) ----
scf=0
if [ -f /root/torture.ko ] && [ -f /root/scftorture.ko ]; then
	# weight_single=0: on 6.12 scftorture kfree()s in its IPI handler for
	# that primitive, which lockdep's PROVE_RAW_LOCK_NESTING (our debug
	# config) reports as "BUG: Invalid wait context" in put_cpu_partial;
	# upstream later moved that free out of the handler. Every other
	# primitive keeps its default weight.
	if insmod /root/torture.ko &&
	   insmod /root/scftorture.ko stat_interval=60 weight_single=0; then
		scf=1
		ok "scftorture loaded"
	else
		not_ok "insmod torture.ko scftorture.ko"
	fi
else
	echo "# no scftorture.ko here (stock kernel): the kernel's own torture is skipped"
fi

# ---- 2. the native load, in the background ----
load=0
if [ -x /root/tlbload ]; then
	/root/tlbload --seconds "$SECS" --min-loops "$LOAD_LOOPS" > /tmp/tlbload.out 2>&1 &
	load=$!
fi

# ---- 3. tlbflush's torture, same time ----
torture_run torture torture_duration="$SECS" \
	torture_onoff_interval="$ONOFF" torture_stat_interval=30 \
	${TORTURE_STRATEGIES:+torture_strategies=$TORTURE_STRATEGIES}
grep -q "^End of test: SUCCESS" $D/torture
check $? "torture: $(grep '^End of test' $D/torture)"
echo "# torture: $(grep '^ops per cpu' $D/torture)"
echo "# counters: $(grep -E '^(dispatches|ipis_sent|lazy_flushes|lazy_kicks|queues_drained_offline|slow_cpu_reports) ' $D/stats | tr '\n' ' ')"
[ "$(end_field stale_reads)" = 0 ] && [ "$(end_field stale_writes)" = 0 ] &&
	[ "$(end_field oracle_violations)" = 0 ] && [ "$(end_field oracle_runs)" -gt 0 ]
check $? "torture: oracle ran and saw nothing stale: $(grep '^oracle_runs' $D/torture)"
[ "$(end_field invariants)" = ok ] && [ "$(end_field leaked_frames)" = 0 ]
check $? "torture: invariants hold, no frame leaked: $(grep '^refused' $D/torture)"
if [ "$ONOFF" -gt 0 ] && [ "$ncpu" -ge 2 ]; then
	[ "$(end_field hotplug_cycles)" -gt 0 ]
	check $? "torture: CPU hotplug: $(grep '^hotplug_cycles' $D/torture)"
fi

if [ "$load" != 0 ]; then
	wait $load
	rc=$?
	sed 's/^/# /' /tmp/tlbload.out
	[ $rc = 0 ] && grep -q "End of test: SUCCESS" /tmp/tlbload.out
	check $? "tlbload: $(grep 'loops=' /tmp/tlbload.out)"
fi
if [ $scf = 1 ]; then
	rmmod scftorture
	rmmod torture
	line=$(dmesg | grep "scftorture.*End of test" | tail -n1)
	echo "# $line"
	case "$line" in
	*"End of test: SUCCESS"*) ok "scftorture: End of test: SUCCESS" ;;
	*) not_ok "scftorture: ${line:-no end line}" ;;
	esac
fi

phase "stress (torture, scftorture, tlbload)"

# ---- 4. the checkers of the torture fire (T3) ----
expect_fail=0
if [ "$SELFTEST" = 1 ]; then
	expect_fail=1
	torture_run "selftest model" torture_duration=1 torture_min_ops=50 \
		torture_inject=model \
		${TORTURE_STRATEGIES:+torture_strategies=$TORTURE_STRATEGIES}
	grep -q "^End of test: FAILURE" $D/torture &&
		dmesg | grep -q "torture: FAIL: worker 0 .*in the model"
	check $? "torture: a corrupted model entry ends FAILURE"
	if grep -q "^skip_ops " $D/inject/points 2>/dev/null; then
		expect_fail=2
		torture_run "selftest skip_ops" torture_duration=1 \
			torture_min_ops=20 torture_inject=skip_ops \
			torture_weights=oracle=20 torture_strategies=async
		grep -q "^End of test: FAILURE" $D/torture &&
			[ "$(end_field stale_reads)$(end_field oracle_violations)" != 00 ]
		check $? "torture: an injected flusher bug (skip_ops) ends FAILURE with oracle reports: $(grep '^oracle_runs' $D/torture)"
		# FL4 under CPU hotplug: frames released before any target
		# flushed must be reported by the shadow TLB's check (b),
		# which asks only the online CPUs.
		expect_fail=3
		torture_run "selftest early_release" torture_duration=1 \
			torture_min_ops=20 torture_inject=early_release \
			torture_weights=oracle=20 torture_strategies=async \
			torture_onoff_interval=100
		grep -q "^End of test: FAILURE" $D/torture &&
			[ "$(end_field oracle_violations)" != 0 ] &&
			dmesg | grep -q "released (FL4) while cpu"
		check $? "torture: frames released early (early_release) under CPU hotplug end FAILURE with FL4 reports: $(grep '^oracle_runs' $D/torture) $(grep '^hotplug_cycles' $D/torture)"
	else
		echo "# no fault injection here: the skip_ops self-test is skipped"
	fi
fi

phase self-tests

# ---- 5. insmod/rmmod cycles with flushes and torture runs in flight ----
grep -q '^tlbflush ' /proc/modules && rmmod tlbflush
i=0
bad=0
while [ $i -lt "$CYCLES" ]; do
	i=$((i + 1))
	if [ $((i % 2)) = 0 ]; then
		insmod "$TLBFLUSH_KO" torture=1 torture_duration=0 \
			torture_min_ops=$((i % 7 * 10)) torture_stat_interval=0 \
			${TORTURE_STRATEGIES:+torture_strategies=$TORTURE_STRATEGIES} ||
			{ bad=$((bad + 1)); echo "# cycle $i: insmod failed"; continue; }
	else
		insmod "$TLBFLUSH_KO" ||
			{ bad=$((bad + 1)); echo "# cycle $i: insmod failed"; continue; }
	fi
	printf '%s\n' "wait off" "strategy async" "targets all" \
		"map 0x100000000 40" "unmap 0x100000000 40" \
		"strategy broadcast" "map 0x200000000 3" "unmap 0x200000000 2" \
		> $D/cmd || { bad=$((bad + 1)); echo "# cycle $i: cmd failed"; }
	rmmod_watched || { bad=$((bad + 1)); echo "# cycle $i: rmmod failed"; break; }
done
leaks=$(dmesg | grep -c "tlbflush: .*frames in use (leak)")
failed_runs=$(dmesg | grep -c "torture: --- End of test: FAILURE")
[ $bad = 0 ] && [ $leaks = 0 ]
check $? "$i insmod/rmmod cycles with flushes in flight: $bad failed, $leaks leak reports"
echo "# torture runs that ended FAILURE: $failed_runs, self-tests that must: $expect_fail"
[ "$failed_runs" = "$expect_fail" ]
check $? "no torture run but the self-tests ended FAILURE"

phase "$i insmod/rmmod cycles"

# ---- 6. kmemleak ----
K=/sys/kernel/debug/kmemleak
if [ "${TORTURE_KMEMLEAK:-1}" = 0 ]; then
	echo "# kmemleak: no scan here; the VM's end-of-run scan reports leaks"
elif [ -w $K ]; then
	sleep 6	# kmemleak ignores objects younger than 5 s
	echo scan > $K
	echo scan > $K
	n=$(grep -c "unreferenced object" $K)
	[ "$n" = 0 ]
	# (not the kernel's own "kmemleak: N new suspected" wording, which
	# the console checker counts as a leak report)
	check $? "kmemleak scan: $n unreferenced objects"
else
	echo "# no kmemleak here"
fi

phase kmemleak
echo "# $checks checks, $fail failed"
[ $fail = 0 ]
