#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (tools/vm/testbed bench): tlbflush.ko is loaded,
# debugfs is mounted, tlbbench is in /root, and so is tlbf_example.ko (the
# out-of-tree example strategy), which is loaded first so that the bench
# has a strategy registered by another module among its flusher-NAME rows.
# Environment: TLBBENCH_QUICK=1 for a short run, TLBBENCH_ARGS for extra
# tlbbench options. The result files are printed between TLBF-FILE markers;
# the harness writes them to the host's output directory, where
# tools/bench/report draws the plot.

OUT=/tmp/tlbbench
BIN=/root/tlbbench
EXAMPLE=/root/tlbf_example.ko
[ -x "$BIN" ] || { echo "vm-bench: $BIN missing"; exit 1; }

example=0
if [ -f "$EXAMPLE" ]; then
	if insmod "$EXAMPLE"; then
		example=1
		echo "vm-bench: tlbf_example.ko loaded (strategy example)"
	else
		echo "vm-bench: insmod $EXAMPLE failed"
		exit 1
	fi
fi

set -- --out "$OUT"
[ "${TLBBENCH_QUICK:-0}" = 1 ] && set -- "$@" --quick
# shellcheck disable=SC2086
"$BIN" "$@" ${TLBBENCH_ARGS:-}
rc=$?

for f in table.txt bench.csv bench.json counters.txt meta.txt raw.txt \
	phases.txt phases.csv; do
	[ -f "$OUT/$f" ] || continue
	echo "===TLBF-FILE-BEGIN $f==="
	cat "$OUT/$f"
	echo "===TLBF-FILE-END $f==="
done
if [ $example = 1 ] && ! rmmod tlbf_example; then
	echo "vm-bench: rmmod tlbf_example failed"
	rc=1
fi
exit $rc
