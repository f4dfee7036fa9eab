#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bad input for every writable file of /sys/kernel/debug/tlbflush/ (issue
# 12): random and malformed writes, partial writes (one input cut into
# several write(2) calls), writes at offsets, and concurrent writers on
# several CPUs. Every write must be refused with an errno or applied as
# documented, never half-applied; the counters' invariants hold after.
#
# The model of each file (what the module documents):
#   flush_all_threshold, slow_cpu_ms, reset
#            the kernel's simple_attr: each write(2) is one number
#            (kstrtoull base 0: decimal, 0x hex, 0 octal, one optional
#            '+' and one trailing newline, at most 23 characters used),
#            in range 1..64, 0..3600000, exactly 1. Else EINVAL (ERANGE
#            past 2^64) and no change. They cannot seek: a write at an
#            offset is ESPIPE.
#   stats    "reset" (surrounding blanks allowed, under 16 bytes) zeroes
#            the counters; else EINVAL.
#   cmd      lines of commands (debugfs.c tlbf_cmd_line()); each write
#            runs its lines in order and stops at the first error, which
#            it returns: lines before it are applied, none after. A
#            mapper command is all or nothing (M2): EEXIST, ENOENT,
#            EINVAL leave the table as it was.
#   oracle   one scenario line; a bad line, an offset or 256 bytes and
#            more are EINVAL and run nothing.
#   bench    one parameter line; a bad one is EINVAL and runs nothing.
# Files the module adds later are written random bytes: they must refuse
# or accept, and the invariants must hold after. inject/ holds the
# kernel's own fault-attribute knobs (Documentation/fault-injection):
# not ours, and writing them would arm injected bugs, so they are left out.
#
# Needs /root/pwrite (tools/tlbload/pwrite.c). Prints "ok N - ..." per
# check; the last lines count the writes and their outcomes.
#
#   tools/vm/testbed run --kernel stock --cpus 4 --add build/tlbload/pwrite \
#       --script tools/vm/scenarios/debugfs_fuzz.sh --out DIR

D=${TLBF_DEBUGFS:-/sys/kernel/debug/tlbflush}
PW=${PWRITE:-/root/pwrite}
OUTCOMES=/tmp/fuzz.outcomes
fail=0
checks=0
unexpected=0
: > $OUTCOMES

ok() { checks=$((checks + 1)); echo "ok $checks - $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "not ok $checks - $*"; }
st() { awk -v n="$1" '$1 == n { print $2 }' $D/stats; }

# w FILE [OFFSET [CHUNK]] < input: the write(2) calls; $res is "ok" if all
# took their whole chunk, else the errno name (or "short"). Every call is
# recorded in $OUTCOMES. Builtins only, besides pwrite: under TCG every
# exec costs milliseconds.
w() {
	out=$($PW "$@")
	res=ok
	while read -r a b; do
		if [ "$a" = ok ]; then
			echo "${1##*/} applied" >> $OUTCOMES
		else
			echo "${1##*/} $b" >> $OUTCOMES
			res=$b
		fi
	done <<EOF_OUT
$out
EOF_OUT
}

# val FILE: its first line, in $val (no cat).
val() { read -r val < "$1"; }

# expect WHAT WANT GOT: one model check.
expect() {
	if [ "$2" != "$3" ]; then
		unexpected=$((unexpected + 1))
		[ $unexpected -le 30 ] && echo "# unexpected: $1: expected $2, got $3"
	fi
}

# ws INPUT FILE [OFFSET [CHUNK]]: w with INPUT (wsn: and a newline). Not
# through a pipe: the last command of a pipeline runs in a subshell, and
# $res would be lost.
ws() {
	printf '%s' "$1" > /tmp/fuzz.in
	shift
	w "$@" < /tmp/fuzz.in
}
wsn() {
	printf '%s\n' "$1" > /tmp/fuzz.in
	shift
	w "$@" < /tmp/fuzz.in
}

# rnd N: a random number 0..N-1, from a pool read once (fd 3 is shared
# with the $(rnd N) subshells, so each call takes the next number).
od -An -v -tu4 -N400000 /dev/urandom | tr -s ' ' '\n' | grep . > /tmp/rnd.pool
exec 3< /tmp/rnd.pool
rnd() {
	read -r x <&3 || { exec 3< /tmp/rnd.pool; read -r x <&3; }
	echo $((x % $1))
}

# ---- the checker of the checker (T3): a wrong expectation is caught ----
u0=$unexpected
ws 65 $D/flush_all_threshold
expect "self-check" ok "$res"
if [ $unexpected = $((u0 + 1)) ]; then
	ok "fuzz checker fires on a wrong expectation (65 into flush_all_threshold: $res)"
else
	not_ok "fuzz checker missed a wrong expectation"
fi
unexpected=$u0

echo quiesce > $D/cmd
base_in_use=$(st frames_in_use)

# ---- 1. numeric tunables (simple_attr) ----
# gen LO HI: an input in $in, the expected outcome in $want (a value or an
# errno name).
gen_num() {
	lo=$1
	hi=$2
	v=$((lo + $(rnd $((hi - lo + 1)))))
	case $(rnd 13) in
	0) in="$v" want=$v ;;
	1) in=$(printf '0x%x' $v) want=$v ;;
	2) in=$(printf '0%o' $v) want=$v ;;
	3) in="+$v" want=$v ;;
	4) in="$v
" want=$v ;;
	5) v=$((hi + 1 + $(rnd 1000))); in="$v" want=EINVAL ;;
	6) in="-$v" want=EINVAL ;;
	7) in="$v $(rnd 9)" want=EINVAL ;;
	8) in=" $v" want=EINVAL ;;
	9) in="${v}x" want=EINVAL ;;
	10) in="99999999999999999999" want=ERANGE ;;
	11) in="" want=EINVAL ;;
	*) in="$v

" want=EINVAL ;;
	esac
	if [ "$want" != ERANGE ] && [ "$want" != EINVAL ] &&
	   { [ "$want" -lt "$lo" ] || [ "$want" -gt "$hi" ]; }; then
		want=EINVAL
	fi
}

tunable() { # FILE LO HI ROUNDS
	f=$D/$1
	n=0
	while [ $n -lt "$4" ]; do
		n=$((n + 1))
		val "$f"
		before=$val
		gen_num "$2" "$3"
		off=0
		[ $(rnd 4) = 0 ] && off=$((1 + $(rnd 100)))
		[ $off != 0 ] && want=ESPIPE	# simple_attr cannot seek
		ws "$in" "$f" $off
		case $want in
		E*) val "$f"; expect "$1 <- '$in' @$off" "$want $before" "$res $val" ;;
		*) val "$f"; expect "$1 <- '$in' @$off" "ok $want" "$res $val" ;;
		esac
	done
	# Partial writes: one digit per write(2); each is a whole number.
	n=0
	while [ $n -lt 20 ]; do
		n=$((n + 1))
		v=$((10 + $(rnd 90)))
		ws "$v" "$f" 0 1
		last=${v#?}
		first=${v%?}
		if [ "$first" -ge "$2" ] && [ "$last" -ge "$2" ]; then
			val "$f"
			expect "$1 <- '$v' 1 byte per write" "ok $last" "$res $val"
		fi
	done
}

u0=$unexpected
tunable flush_all_threshold 1 64 250
tunable slow_cpu_ms 0 3600000 100
echo 32 > $D/flush_all_threshold
echo 1000 > $D/slow_cpu_ms
expect "threshold restored" 32 "$(cat $D/flush_all_threshold)"
u=$((unexpected - u0))
[ $u = 0 ] && ok "tunables: every write refused or applied as documented" ||
	not_ok "tunables: $u writes not as documented"

# ---- 2. stats and reset ----
u0=$unexpected
n=0
while [ $n -lt 80 ]; do
	n=$((n + 1))
	printf '%s\n' "map 0x500000000 2" "unmap 0x500000000 2" quiesce > $D/cmd
	case $(rnd 8) in
	0) in="reset" want=ok ;;
	1) in=" reset
" want=ok ;;
	2) in="reset	" want=ok ;;
	3) in="RESET" want=EINVAL ;;
	4) in="resetx" want=EINVAL ;;
	5) in="reset           x" want=EINVAL ;;
	6) in="" want=EINVAL ;;
	*) in="res" want=EINVAL ;;
	esac
	before=$(st dispatches)
	ws "$in" $D/stats $(rnd 3)
	if [ $want = ok ]; then
		expect "stats <- '$in'" "ok 0" "$res $(st dispatches)"
	else
		expect "stats <- '$in'" "$want $before" "$res $(st dispatches)"
	fi
	case $(rnd 5) in
	0) in=1 want=ok ;;
	1) in=0x1 want=ok ;;
	2) in=2 want=EINVAL ;;
	3) in=0 want=EINVAL ;;
	*) in=yes want=EINVAL ;;
	esac
	printf '%s\n' "map 0x500000000 2" "unmap 0x500000000 2" quiesce > $D/cmd
	before=$(st dispatches)
	ws "$in" $D/reset
	if [ $want = ok ]; then
		expect "reset <- '$in'" "ok 0" "$res $(st dispatches)"
	else
		expect "reset <- '$in'" "$want $before" "$res $(st dispatches)"
	fi
done
# A partial "reset": the first piece is refused, nothing after is written.
ws reset $D/stats 0 2
expect "stats <- 'reset' 2 bytes per write" EINVAL "$res"
u=$((unexpected - u0))
[ $u = 0 ] && ok "stats, reset: every write refused or applied as documented" ||
	not_ok "stats, reset: $u writes not as documented"

# ---- 3. cmd: a model of the mapped pages of an area ----
AREA=$((0x300000000))
NPAGES=48
# The model: m0..m47 are 1 for a mapped page of the area (no fork: eval).
i=0
while [ $i -lt $NPAGES ]; do eval "m$i=0"; i=$((i + 1)); done
is_mapped() { eval "[ \$m$1 = 1 ]"; }
all_state() { # FIRST N STATE(1 mapped, 0 not): 0 if all pages are
	i=$1
	while [ $i -lt $(($1 + $2)) ]; do
		eval "[ \$m$i = $3 ]" || return 1
		i=$((i + 1))
	done
}
set_state() { # FIRST N STATE
	i=$1
	while [ $i -lt $(($1 + $2)) ]; do
		eval "m$i=$3"
		i=$((i + 1))
	done
}
va() { printf '0x%x' $((AREA + $1 * 4096)); }

# gen_cmd: one command line in $line, its outcome in $want; $apply is
# what it does to the model when it is applied ("FIRST N STATE" or "").
gen_cmd() {
	p=$(rnd $NPAGES)
	n=$((1 + $(rnd 6)))
	[ $((p + n)) -gt $NPAGES ] && n=$((NPAGES - p))
	apply=""
	case $(rnd 14) in
	0 | 1)	line="map $(va $p) $n rw"
		if all_state $p $n 0; then want=ok apply="$p $n 1"; else want=EEXIST; fi ;;
	2)	line="map $(va $p)"
		if all_state $p 1 0; then want=ok apply="$p 1 1"; else want=EEXIST; fi ;;
	3 | 4)	line="unmap $(va $p) $n"
		if all_state $p $n 1; then want=ok apply="$p $n 0"; else want=ENOENT; fi ;;
	5)	line="protect $(va $p) $n ro"
		if all_state $p $n 1; then want=ok; else want=ENOENT; fi ;;
	6)	line="flush range $(va $p) $n" want=ok ;;
	7)	line="flush page $(va $p)" want=ok ;;
	8)	line="map $(printf '0x%x' $((AREA + p * 4096 + 1 + $(rnd 4095)))) 1" want=EINVAL ;;
	9)	line="map $(va $p) 0" want=EINVAL ;;
	10)	line="flush range $(va $p) 0" want=EINVAL ;;
	11)	case $(rnd 8) in
		0) line="bogus" ;;
		1) line="map" ;;
		2) line="map $(va $p) 1 rw extra" ;;
		3) line="protect $(va $p) 1 rwx" ;;
		4) line="targets 0-99999" ;;
		5) line="on 99999" ;;
		6) line="wait maybe" ;;
		*) line="strategy nosuch-$(rnd 100)" ;;
		esac
		want=EINVAL
		# cpulist_parse(): a CPU number past nr_cpu_ids is ERANGE
		[ "$line" = "targets 0-99999" ] && want=ERANGE ;;
	12)	line="# a comment $(rnd 100)" want=ok ;;
	*)	case $(rnd 4) in
		0) line="targets all" ;;
		1) line="targets 0" ;;
		2) line="wait off" ;;
		*) line="wait on" ;;
		esac
		want=ok ;;
	esac
}

u0=$unexpected
echo "targets all" > $D/cmd
rounds=0
while [ $rounds -lt 500 ]; do
	rounds=$((rounds + 1))
	# Flushes of "wait off" sessions may still hold frames: settle first.
	echo quiesce > $D/cmd
	in_use=$(st frames_in_use)
	gen_cmd
	l1=$line w1=$want a1=$apply
	case $(rnd 6) in
	0)	# two lines: the second runs only if the first succeeded
		[ $w1 = ok ] && [ -n "$a1" ] && set_state $a1
		gen_cmd	# against the model after the first line
		wsn "$l1
$line" $D/cmd $(rnd 50)
		if [ $w1 = ok ]; then
			expect "cmd <- '$l1' / '$line'" $want "$res"
			[ "$res" = ok ] && [ -n "$apply" ] && set_state $apply
			in_use=""	# the first line changed the table
		else
			expect "cmd <- '$l1' / '$line'" $w1 "$res"
		fi ;;
	1)	# a partial write cut inside the first word: refused, nothing done
		cut=$((1 + $(rnd 2)))
		wsn "$l1" $D/cmd 0 $cut
		case "$l1" in
		\#*) ;;
		*) expect "cmd <- '$l1' $cut bytes per write" EINVAL "$res" ;;
		esac ;;
	*)	wsn "$l1" $D/cmd $(rnd 3)
		expect "cmd <- '$l1'" $w1 "$res"
		[ "$res" = ok ] && [ -n "$a1" ] && set_state $a1 ;;
	esac
	if [ "$res" != ok ] && [ -n "$in_use" ]; then
		echo quiesce > $D/cmd
		expect "cmd refused: frames_in_use unchanged" "$in_use" "$(st frames_in_use)"
	fi
done
# Every page the model says is mapped must be mapped, and no other.
i=0
while [ $i -lt $NPAGES ]; do
	if printf 'unmap %s\n' "$(va $i)" | $PW $D/cmd > /dev/null; then got=1; else got=0; fi
	is_mapped $i && want=1 || want=0
	expect "page $i of the area mapped" $want $got
	i=$((i + 1))
done
echo quiesce > $D/cmd
expect "cmd area unmapped: frames_in_use at baseline" "$base_in_use" "$(st frames_in_use)"
u=$((unexpected - u0))
[ $u = 0 ] && ok "cmd: every write refused or applied as documented, model agrees" ||
	not_ok "cmd: $u writes not as documented"

# ---- 4. oracle and bench: bad lines run nothing; a few good ones run ----
strategies=async
[ -r $D/strategies ] && strategies=$(awk '{ print $1 }' $D/strategies | head -n1)
u0=$unexpected
n=0
while [ $n -lt 100 ]; do
	n=$((n + 1))
	case $(rnd 16) in
	0) in="strategy=nosuch" ;;
	1) in="pages=0" ;;
	2) in="pages=99999999" ;;
	3) in="rounds=0" ;;
	4) in="targets=some" ;;
	5) in="change=swap" ;;
	6) in="range=2" ;;
	7) in="global=-1" ;;
	8) in="offline=3" ;;
	9) in="foo=1" ;;
	10) in="pages" ;;
	11) in="=" ;;
	12) in="pages=1 $(head -c 300 /dev/zero | tr '\0' x)" ;;
	13) in="pages=0x" ;;
	14) in="pages=1 rounds=1 strategy=$strategies" ;;
	*) in="pages=$((1 + $(rnd 4))) rounds=1 targets=all strategy=$strategies" ;;
	esac
	case "$in" in
	"pages=1 rounds=1 strategy="* | "pages="?" rounds=1 targets=all "*)
		off=0
		[ $(rnd 3) = 0 ] && off=$((1 + $(rnd 10)))
		wsn "$in" $D/oracle $off
		if [ $off = 0 ]; then
			expect "oracle <- '$in'" ok "$res"
			r=$(cat $D/oracle)
			case "$r" in
			*" stale_reads=0 stale_writes=0 oracle_violations=0 "*) ;;
			*) expect "oracle result of '$in'" "nothing stale" "$r" ;;
			esac
		else
			expect "oracle <- '$in' @$off" EINVAL "$res"
		fi ;;
	*)	before=$(cat $D/oracle)
		wsn "$in" $D/oracle
		expect "oracle <- '$(echo "$in" | cut -c1-40)'" EINVAL "$res"
		# Nothing ran: the figures are the last run's, or (a line
		# that parses but fails validation) a record of the refusal.
		r=$(cat $D/oracle)
		case "$r" in
		"$before" | "reads_checked=0 "*" rounds=0 "*" err=-22") ;;
		*) expect "oracle <- '$in' ran nothing" "no run" "$r" ;;
		esac ;;
	esac
done
n=0
while [ $n -lt 60 ]; do
	n=$((n + 1))
	case $(rnd 12) in
	0) in="modes=nosuch" want=EINVAL ;;
	1) in="pages=0" want=EINVAL ;;
	2) in="pages=513" want=EINVAL ;;
	3) in="iters=0" want=EINVAL ;;
	4) in="iters=100001" want=EINVAL ;;
	5) in="warmup=10001" want=EINVAL ;;
	6) in="targets=every" want=EINVAL ;;
	7) in="touch=maybe" want=EINVAL ;;
	8) in="modes=" want=EINVAL ;;
	9) in="iters=-1" want=EINVAL ;;
	10) in="frobnicate" want=EINVAL ;;
	*) in="modes=ipi pages=1 iters=$((1 + $(rnd 3))) warmup=0 targets=one" want=ok ;;
	esac
	wsn "$in" $D/bench $(rnd 3)
	expect "bench <- '$in'" $want "$res"
	if [ $want = ok ]; then
		grep -q "^mode=ipi " $D/bench || expect "bench result" "mode=ipi line" none
	fi
done
u=$((unexpected - u0))
[ $u = 0 ] && ok "oracle, bench: every write refused or applied as documented" ||
	not_ok "oracle, bench: $u writes not as documented"

# ---- 5. random bytes into every writable file of ours ----
u0=$unexpected
files=$(find $D -maxdepth 1 -type f -perm -200 | sort)
echo "# writable files: $(echo $files | sed "s#$D/##g")"
echo 32 > $D/flush_all_threshold
for f in $files; do
	n=0
	while [ $n -lt 30 ]; do
		n=$((n + 1))
		len=$(rnd 300)
		# Random bytes; for bench and oracle without '=' and blanks,
		# so they can never name a (long) run.
		case ${f##*/} in
		bench | oracle) head -c $len /dev/urandom | tr -d '= \t\n' ;;
		*) head -c $len /dev/urandom ;;
		esac > /tmp/rnd
		w "$f" $(rnd 2) $((1 + $(rnd 400))) < /tmp/rnd
	done
done
t=$(cat $D/flush_all_threshold)
[ "$t" -ge 1 ] && [ "$t" -le 64 ] || expect "threshold after random bytes" "1..64" "$t"
echo 32 > $D/flush_all_threshold
echo 1000 > $D/slow_cpu_ms
printf '%s\n' "on any" "wait on" "targets all" "quiesce" > $D/cmd
u=$((unexpected - u0))
[ $u = 0 ] && ok "random bytes into every writable file: refused or applied, tunables in range" ||
	not_ok "random bytes: $u writes not as documented"

# ---- 6. concurrent writers on several CPUs ----
ncpu=$(grep -c ^processor /proc/cpuinfo)
echo reset > $D/stats
# One writer: 60 rounds of its own map/protect/unmap script, a threshold
# value and a bad command; each write's outcome is appended to $OUTCOMES
# (O_APPEND: whole lines), a wrong one to /tmp/writer.CPU.bad.
cat > /tmp/writer.sh <<'WRITER'
c=$1 D=$2 PW=$3 OUT=$4
va=$(printf '0x%x' $((0x700000000 + c * 0x10000000)))
k=0
while [ $k -lt 60 ]; do
	k=$((k + 1))
	if printf '%s\n' "map $va 8" "protect $va 8 ro" "unmap $va 8" |
		$PW $D/cmd $k > /dev/null; then
		echo "cmd applied" >> $OUT
	else
		echo "cmd $k refused" >> /tmp/writer.$c.bad
	fi
	if printf '%s' $((1 + (k + c) % 64)) | $PW $D/flush_all_threshold > /dev/null; then
		echo "flush_all_threshold applied" >> $OUT
	else
		echo "threshold $k refused" >> /tmp/writer.$c.bad
	fi
	if r=$(printf 'bogus %s\n' $k | $PW $D/cmd); then
		echo "bogus $k accepted" >> /tmp/writer.$c.bad
	else
		echo "cmd ${r##*err }" >> $OUT
	fi
done
WRITER
c=0
pids=""
while [ $c -lt "$ncpu" ]; do
	rm -f /tmp/writer.$c.bad
	taskset -c $c sh /tmp/writer.sh $c $D $PW $OUTCOMES &
	pids="$pids $!"
	c=$((c + 1))
done
wait $pids
cw=$((ncpu * 60 * 3))
bad=$(cat /tmp/writer.*.bad 2>/dev/null | wc -l)
echo quiesce > $D/cmd
s=$(st ipis_sent); r=$(st ipis_received); o=$(st queues_drained_offline)
d=$(st frames_deferred); rel=$(st frames_released); p=$(st frames_pending)
t=$(cat $D/flush_all_threshold)
if [ "$bad" = 0 ] && [ "$s" = $((r + o)) ] && [ "$d" = $((rel + p)) ] && [ "$p" = 0 ] &&
   [ "$(st frames_in_use)" = "$base_in_use" ] && [ "$t" -ge 1 ] && [ "$t" -le 64 ]; then
	ok "$ncpu concurrent writers ($cw writes): all as documented; ipis_sent $s = received $r + drained $o, frames_deferred $d = released $rel + pending $p, frames_in_use at baseline"
else
	cat /tmp/writer.*.bad 2>/dev/null | head -n 10 | sed 's/^/# /'
	not_ok "concurrent writers: $bad bad, ipis $s/$r/$o, frames $d/$rel/$p, in use $(st frames_in_use) (base $base_in_use), threshold $t"
fi
echo 32 > $D/flush_all_threshold

# ---- the invariants after everything, and the counts ----
echo quiesce > $D/cmd
s=$(st ipis_sent); r=$(st ipis_received); o=$(st queues_drained_offline)
[ "$s" = $((r + o)) ] && [ "$(st frames_pending)" = 0 ] &&
	[ "$(st frames_in_use)" = "$base_in_use" ]
[ $? = 0 ] && ok "invariants hold after the fuzz" || not_ok "invariants broken after the fuzz"
total=$(wc -l < $OUTCOMES)
applied=$(grep -c " applied$" $OUTCOMES)
echo "# outcomes per file:"
sort $OUTCOMES | uniq -c | sed 's/^/#   /'
echo "fuzz: $total writes: $applied applied, $((total - applied)) refused ($(grep -v ' applied$' $OUTCOMES | awk '{ print $2 }' | sort | uniq -c | awk '{ printf "%s%s %s", s, $2, $1; s = ", " }')), $unexpected not as documented"
[ "$total" -ge 2000 ] && [ $unexpected = 0 ]
[ $? = 0 ] && ok "fuzz: $total writes (>= 2000), every one refused or applied as documented" ||
	not_ok "fuzz: $total writes, $unexpected not as documented"
echo "# $checks checks, $fail failed"
[ $fail = 0 ]
