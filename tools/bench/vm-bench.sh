#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (tools/vm/testbed bench): tlbflush.ko is loaded,
# debugfs is mounted, tlbbench is in /root. Environment: TLBBENCH_QUICK=1
# for a short run, TLBBENCH_ARGS for extra tlbbench options. The result
# files are printed between TLBF-FILE markers; the harness writes them to
# the host's output directory, where tools/bench/report draws the plot.

OUT=/tmp/tlbbench
BIN=/root/tlbbench
[ -x "$BIN" ] || { echo "vm-bench: $BIN missing"; exit 1; }

set -- --out "$OUT"
[ "${TLBBENCH_QUICK:-0}" = 1 ] && set -- "$@" --quick
# shellcheck disable=SC2086
"$BIN" "$@" ${TLBBENCH_ARGS:-}
rc=$?

for f in table.txt bench.csv bench.json counters.txt meta.txt raw.txt; do
	[ -f "$OUT/$f" ] || continue
	echo "===TLBF-FILE-BEGIN $f==="
	cat "$OUT/$f"
	echo "===TLBF-FILE-END $f==="
done
exit $rc
