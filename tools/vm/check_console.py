#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a test VM's serial console log (tools/vm/testbed).

A run passes only if the VM finished (the init script's DONE marker is there
and no timeout marker), every module loaded and was unloaded, the kernel log
has no splat (BUG, WARNING, Oops, KASAN, UBSAN, lockdep, kmemleak, hung task,
RCU stall, CSD lock timeout, panic), and, in kunit mode, the KTAP output is
complete and every case passed.

Every "ok" rests on positive evidence (ARCHITECTURE.md T2): a marker or a
count that shows the thing happened, never only the absence of a failure
marker.
- "VM booted and ran /init": the init script's BOOTED marker.
- "VM finished": its DONE marker, and no timeout marker.
- "modules loaded": the init script's "INSMOD OK" marker for each module it
  inserts (insmod returned 0) and tlbflush's own "tlbflush: loaded" line
  after /init started; in kunit and scale mode also KTAP from a suite of
  module tlbflush_kunit.
- "modules unloaded": a "tlbflush: unloaded" line after the last "tlbflush:
  loaded" one, the init script's "MODULES AT END n=0" (no tlbflush module
  left in /proc/modules at the end), and in kunit mode its "RMMOD OK"
  marker for both modules.
- "no kernel splat": no splat in a log that is complete (the DONE marker is
  there): a log cut short may have lost the splat that ended it.
- "KTAP complete": results from module tlbflush_kunit, every plan met.
- "scenario script exited 0": the SCRIPT rc=0 marker.

Output: TAP-style lines "ok - what" / "not ok - what" (one per KUnit case
and one per harness check), which tools/check counts, then a verdict line.
Exit status 0 if everything passed, 1 otherwise.
"""

import argparse
import os
import re
import subprocess
import sys

TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
MARK = "TLBF-TESTBED: "

# Kernel splats. Each pattern is matched against a log line with its
# printk timestamp stripped.
SPLATS = [
    (re.compile(r"\bBUG: "), "BUG"),
    (re.compile(r"^\s*WARNING: "), "WARNING"),
    (re.compile(r"\bOops\b|general protection fault"), "Oops"),
    (re.compile(r"Kernel panic"), "kernel panic"),
    (re.compile(r"\bKASAN: "), "KASAN report"),
    (re.compile(r"\bUBSAN: "), "UBSAN report"),
    (re.compile(r"possible (circular|recursive) locking|inconsistent lock state"
                r"|DEBUG_LOCKS_WARN_ON|INFO: trying to register non-static key"
                r"|turning off the locking correctness validator"),
     "lockdep report"),
    (re.compile(r"unreferenced object 0x|kmemleak: \d+ new suspected"),
     "kmemleak report"),
    (re.compile(r"INFO: task .* blocked for more than"), "hung task"),
    (re.compile(r"rcu: INFO: .*detected stall|rcu_.*self-detected stall"
                r"|detected stalls on CPUs"), "RCU stall"),
    (re.compile(r"csd: Detected non-responsive CSD lock|csd: CSD lock .* stuck"),
     "CSD lock timeout"),
    (re.compile(r"\bcut here\b"), "WARN/BUG trace"),
]

# Module load problems the kernel reports even when insmod "succeeds".
LOAD_ERRORS = re.compile(
    r"Unknown symbol|disagrees about version of symbol|"
    r"module verification failed: .*required key missing.*ENFORC|"
    r"Invalid module format|version magic .* should be")

RESULT = re.compile(r"^(\s*)(not ok|ok) (\d+)(?: -)? ?([^#]*?)\s*(#.*)?$")
PLAN = re.compile(r"^(\s*)1\.\.(\d+)\s*$")
KTAP_LINE = re.compile(r"^\s*(KTAP version \d+|TAP version \d+|1\.\.\d+|"
                       r"(not )?ok \d+|# )")
SUBTEST = re.compile(r"^\s*# Subtest: (\S+)")
# What tlbflush_mod.c prints (pr_info) when its init and exit complete,
# and the line KUnit prints for a suite of a module, once the module's
# suites run at load.
MOD_LOADED = re.compile(r"^tlbflush: loaded$")
MOD_UNLOADED = re.compile(r"^tlbflush: unloaded$")
KUNIT_MOD_SUITE = re.compile(r"^\s*# module: tlbflush_kunit$")
MODULES_AT_END = re.compile(r"^" + MARK + r"MODULES AT END n=(\d+)$")
FILE_BEGIN = re.compile(r"^===TLBF-FILE-BEGIN (\S+)===$")
FILE_END = re.compile(r"^===TLBF-FILE-END (\S+)===$")


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read().decode("utf-8", errors="replace")
    return [TIMESTAMP.sub("", l.rstrip("\r")) for l in data.split("\n")]


class Verdict:
    def __init__(self):
        self.failed = 0
        self.passed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
            print(f"ok - {what}")
        else:
            self.failed += 1
            print(f"not ok - {what}")


def find_splats(lines):
    found = []
    for n, line in enumerate(lines, 1):
        if line.startswith(MARK):
            continue
        for pat, kind in SPLATS:
            if pat.search(line):
                found.append((n, kind, line.strip()))
                break
    return found


def console_only(lines):
    """The log without the DMESG dump the init script appends (it repeats
    what the console already showed)."""
    out, inside = [], False
    for l in lines:
        if l.startswith(MARK + "DMESG BEGIN"):
            inside = True
        elif l.startswith(MARK + "DMESG END"):
            inside = False
        elif not inside:
            out.append(l)
    return out


def after_init(lines):
    """The log from the init script's BOOTED marker on (empty if /init never
    ran): only there can the modules have been loaded."""
    for n, l in enumerate(lines):
        if l.startswith(MARK + "BOOTED"):
            return lines[n + 1:]
    return []


def boot_race(lines):
    """Did the VM die of the emulator's text-patching race before /init ran?
    Multi-threaded TCG can run a stale translation of the int3 that
    text_poke_bp() puts first (README, "At machine scale"): "Oops: int3"
    while the kernel is still booting. Before the BOOTED marker no module
    can have been loaded, so such a boot says nothing about tlbflush; make
    scale boots it again (tools/vm/testbed, scale_vm)."""
    if any(l.startswith(MARK + "BOOTED") for l in lines):
        return False
    return any("Oops: int3" in l for l in lines)


def module_events(lines):
    """tlbflush's "loaded"/"unloaded" lines after /init started, in order.

    In run mode the init script dumps dmesg at the end: it also holds what
    the console did not show (a scenario's own rmmod/insmod cycles run at
    console loglevel 5), so it is used when present; otherwise the console
    lines are."""
    rest = after_init(lines)
    dump, inside = [], False
    for l in rest:
        if l.startswith(MARK + "DMESG BEGIN"):
            inside = True
        elif l.startswith(MARK + "DMESG END"):
            inside = False
        elif inside:
            dump.append(l)
    src = dump if dump else console_only(rest)
    events = []
    for l in src:
        if MOD_LOADED.match(l):
            events.append("loaded")
        elif MOD_UNLOADED.match(l):
            events.append("unloaded")
    return events


def extract_ktap(lines):
    """The KTAP of the run as one document.

    The kernel prints one top-level KTAP document at boot (built-in suites,
    here "1..0") and one per module whose suites run at load. Empty
    documents are dropped; several non-empty ones are merged under one
    header with the top-level results renumbered."""
    ktap = [l for l in console_only(lines)
            if KTAP_LINE.match(l) and not l.startswith(MARK)]
    docs, cur = [], None
    for l in ktap:
        if l.startswith("KTAP version") or l.startswith("TAP version"):
            cur = []
            docs.append(cur)
            continue
        if cur is None:
            cur = []
            docs.append(cur)
        cur.append(l)
    body = []
    for doc in docs:
        if any(RESULT.match(l) for l in doc):
            body.extend(l for l in doc if not (PLAN.match(l) and not l.startswith(" ")))
    if not body:
        return []
    out, n = ["KTAP version 1", None], 0
    for l in body:
        m = RESULT.match(l)
        if m and not l.startswith(" "):
            n += 1
            l = re.sub(r"^(not ok|ok) \d+", lambda mm: f"{mm.group(1)} {n}", l)
        out.append(l)
    out[1] = f"1..{n}"
    return out


def ktap_cases(ktap):
    """Leaf results (cases, or parameters of parameterised cases) with their
    suite-qualified names, and the plans that were not met."""
    leaves = []
    deeper_seen = {}
    names = {}
    plans = {}
    counts = {}
    broken_plans = []

    def close_blocks(indent):
        for i in sorted(list(plans)):
            if i > indent:
                if counts.get(i, 0) != plans[i]:
                    broken_plans.append((names.get(i, "?"), plans[i], counts.get(i, 0)))
                del plans[i]
                counts.pop(i, None)

    for line in ktap:
        m = SUBTEST.match(line)
        if m:
            indent = len(line) - len(line.lstrip())
            names[indent] = m.group(1)
            continue
        m = PLAN.match(line)
        if m:
            indent = len(m.group(1))
            close_blocks(indent - 1)
            plans[indent] = int(m.group(2))
            counts[indent] = 0
            continue
        m = RESULT.match(line)
        if not m:
            continue
        indent = len(m.group(1))
        close_blocks(indent)
        counts[indent] = counts.get(indent, 0) + 1
        container = deeper_seen.get(indent, False)
        for i in list(deeper_seen):
            if i >= indent:
                deeper_seen[i] = False
        for i in range(0, indent):
            deeper_seen[i] = True
        if container:
            continue
        status = m.group(2)
        directive = (m.group(5) or "").upper()
        skipped = "SKIP" in directive
        parent = names.get(indent, "")
        name = m.group(4).strip()
        full = f"{parent}.{name}" if parent and indent > 0 else name
        leaves.append((full, status == "ok", skipped))
    close_blocks(-1)
    return leaves, broken_plans


def extract_files(lines, outdir):
    written = []
    current = None
    buf = []
    for line in lines:
        m = FILE_BEGIN.match(line)
        if m:
            current, buf = m.group(1), []
            continue
        m = FILE_END.match(line)
        if m and current == m.group(1):
            name = os.path.basename(current)
            with open(os.path.join(outdir, name), "w") as f:
                f.write("\n".join(buf) + "\n")
            written.append(name)
            current = None
            continue
        if current is not None:
            buf.append(line)
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=["kunit", "run", "scale"], required=True)
    ap.add_argument("--tap", help="write the extracted KTAP here (kunit mode)")
    ap.add_argument("--kunit-py", help="the kernel's tools/testing/kunit/kunit.py")
    ap.add_argument("--extract", help="write files the script printed here (run mode)")
    ap.add_argument("--boot-race", action="store_true",
                    help="only say whether the VM died of the emulator's int3 "
                    "race before /init (exit 0) or not (exit 1)")
    ap.add_argument("log")
    args = ap.parse_args()

    lines = read_lines(args.log)
    if args.boot_race:
        race = boot_race(lines)
        print(f"# boot race: {'yes' if race else 'no'}")
        return 0 if race else 1
    v = Verdict()
    label = os.path.basename(os.path.dirname(os.path.abspath(args.log))) or "vm"

    booted = any(l.startswith(MARK + "BOOTED") for l in lines)
    done = [l for l in lines if l.startswith(MARK + "DONE rc=")]
    timeout = any(l.startswith(MARK + "VM TIMEOUT") for l in lines)
    v.check(booted, f"{label}: VM booted and ran /init")
    if timeout:
        print("# the VM did not finish in time")
    v.check(bool(done) and not timeout,
            f"{label}: VM finished (DONE marker, no timeout)")

    kunit = args.mode in ("kunit", "scale")
    script = args.mode in ("run", "scale")
    rest = after_init(lines)
    insmod_ok = {l[len(MARK + "INSMOD OK "):].strip()
                 for l in rest if l.startswith(MARK + "INSMOD OK ")}
    rmmod_ok = {l[len(MARK + "RMMOD OK "):].strip()
                for l in rest if l.startswith(MARK + "RMMOD OK ")}
    insmod_fail = [l for l in lines if l.startswith(MARK + "INSMOD FAILED")]
    load_err = [l for l in lines if LOAD_ERRORS.search(l)]
    for l in insmod_fail + load_err:
        print(f"# {l}")
    events = module_events(lines)
    loads, unloads = events.count("loaded"), events.count("unloaded")
    print(f"# tlbflush: {loads} 'loaded' and {unloads} 'unloaded' lines after /init started")
    want = ["tlbflush.ko"] + (["tlbflush_kunit.ko"] if kunit else [])
    missing = [m for m in want if m not in insmod_ok]
    if missing:
        print(f"# no 'INSMOD OK' marker for {', '.join(missing)}")
    loaded = loads > 0 and not missing
    kunit_ran = False
    if kunit:
        # The init script inserts tlbflush_kunit after tlbflush; its suites
        # run at load, and KUnit names the module of each.
        kunit_ran = any(KUNIT_MOD_SUITE.match(l) for l in rest)
        if not kunit_ran:
            print("# no KTAP from a suite of module tlbflush_kunit")
        loaded = loaded and kunit_ran
    v.check(loaded and not insmod_fail and not load_err,
            f"{label}: modules loaded")

    # tlbflush_kunit holds references to tlbflush's symbols, so tlbflush's
    # "unloaded" line also shows that tlbflush_kunit was removed first.
    rmmod_fail = [l for l in lines if l.startswith(MARK + "RMMOD FAILED")]
    for l in rmmod_fail:
        print(f"# {l}")
    at_end = [int(m.group(1)) for m in map(MODULES_AT_END.match, rest) if m]
    if not at_end:
        print("# no 'MODULES AT END' marker")
    elif at_end[-1]:
        print(f"# {at_end[-1]} tlbflush module(s) still loaded at the end")
    unloaded = (loads > 0 and events[-1] == "unloaded" and bool(at_end)
                and at_end[-1] == 0)
    # The init script removes what it inserted (in run and scale mode the
    # script may remove tlbflush itself: MODULES AT END shows it is gone).
    need = {"kunit": ["tlbflush_kunit", "tlbflush"],
            "scale": ["tlbflush_kunit"], "run": []}[args.mode]
    gone = [m for m in need if m not in rmmod_ok]
    if gone:
        print(f"# no 'RMMOD OK' marker for {', '.join(gone)}")
    unloaded = unloaded and not gone
    v.check(unloaded and not rmmod_fail, f"{label}: modules unloaded")

    splats = find_splats(lines)
    for n, kind, line in splats[:20]:
        print(f"# line {n}: {kind}: {line}")
    if not done:
        print("# the log has no DONE marker: it may have lost a splat")
    v.check(not splats and bool(done),
            f"{label}: no kernel splat in the log (complete to DONE)")

    if kunit:
        ktap = extract_ktap(lines)
        if args.tap:
            with open(args.tap, "w") as f:
                f.write("\n".join(ktap) + ("\n" if ktap else ""))
        leaves, broken = ktap_cases(ktap)
        for name, ok, skipped in leaves:
            if skipped:
                print(f"ok - kunit: {name} # SKIP")
            else:
                v.check(ok, f"kunit: {name}")
        for name, plan, seen in broken:
            print(f"# suite {name}: planned {plan} results, saw {seen}")
        v.check(bool(leaves) and not broken and kunit_ran,
                f"{label}: KTAP complete ({len(leaves)} cases, plans met)")
        if args.kunit_py and os.path.exists(args.kunit_py) and args.tap:
            r = subprocess.run([sys.executable, args.kunit_py, "parse", args.tap],
                               capture_output=True, text=True)
            for l in (r.stdout + r.stderr).splitlines():
                print(f"# kunit.py: {l}")
            v.check(r.returncode == 0, f"{label}: kunit.py parse reports success")
    if script:
        marks = [l for l in lines if l.startswith(MARK + "SCRIPT rc=")]
        rc = int(marks[-1].split("=", 1)[1]) if marks else None
        v.check(rc == 0, f"{label}: scenario script exited 0 (rc={rc})")
        if args.extract:
            os.makedirs(args.extract, exist_ok=True)
            for name in extract_files(lines, args.extract):
                print(f"# wrote {os.path.join(args.extract, name)}")

    print(f"# {label}: {v.passed} passed, {v.failed} failed")
    return 0 if v.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
