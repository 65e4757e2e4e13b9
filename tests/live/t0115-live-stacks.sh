#!/bin/bash
# Live: kernel stacks (issue 13). A recipe's stack lines become stacktrace
# triggers in the private instance and go with it; trace-cmd report of the
# same recording is the oracle for the pairing (as many kernel_stack
# records, the event before each on its CPU of the kind kmemscope counted,
# sampled stacks' frames equal to trace-cmd's lines); folded bytes equal the
# slab table's bytes; go tool pprof's total equals; the flame graph parses
# and its root's children add up; a file-opening program's filp path, a
# fault-heavy program's anonymous-fault path, and a program that keeps N/2
# of its sockets open shows about N/2 in use, the young ones dropped by
# --older-than.
. "$TESTLIB"
need_live
need_tracecmd
command -v python3 >/dev/null || skip "python3 is needed to read trace-cmd's output"
cd "$WORK"
# Run record in the background and wait: its own instance (and triggers) must be gone
# (other instances may be other users' kmemscope runs).
record() {
	"$KMS" record "$@" 2>rec.err &
	local p=$!
	wait $p || fail "record $*: $(cat rec.err)"
	[ -e "$T/instances/kmemscope-$p" ] && fail "record left its instance kmemscope-$p behind"
	true
}
grep -q stacktrace "$T/README" 2>/dev/null || skip "this kernel has no stacktrace trigger"

"$KMS" check >check.out 2>&1
grep -q '^kernel_stacks  *yes  *trigger' check.out || fail "check does not report stacks by trigger: $(grep kernel_stacks check.out)"
ok "check: $(grep '^kernel_stacks' check.out)"

cat >slab.recipe <<'EOR'
description slab allocations with their stacks
event kmem:kmalloc
event kmem:kfree
event kmem:kmem_cache_alloc
event kmem:kmem_cache_free
stack kmem:kmalloc
stack kmem:kmem_cache_alloc
table slab
table slab_by_stack
EOR

# 1. Triggers are in our instance while recording, and gone with it.
"$KMS" record -q -r ./slab.recipe -o s.dat -- sh -c "sleep 1; exec $PROGS/openclose 2000 prog.out" 2>rec.err &
rec=$!
wait_instance $rec
inst=$T/instances/kmemscope-$rec
for i in $(seq 100); do
	grep -q '^stacktrace' "$inst/events/kmem/kmem_cache_alloc/trigger" 2>/dev/null && break
	sleep 0.1
done
grep -q '^stacktrace' "$inst/events/kmem/kmalloc/trigger" || fail "no stacktrace trigger on kmalloc in $inst"
grep -v "^#" "$T/events/kmem/kmalloc/trigger" | grep -q stacktrace && fail "a trigger was written at the top level"
wait $rec || fail "record: $(cat rec.err)"
[ -e "$inst" ] && fail "$inst was left behind"
ok "stacktrace triggers in the private instance, removed with it"
# SIGINT and kill -9 (then reset) take the triggers away with the instance.
"$KMS" record -q -T -o int.dat 2>rec.err &
rec=$!
wait_instance $rec
sleep 0.5
grep -q '^stacktrace' "$T/instances/kmemscope-$rec/events/kmem/kmalloc/trigger" || fail "-T set no kmalloc trigger"
kill -INT $rec
wait $rec || fail "record after SIGINT: $(cat rec.err)"
[ -e "$T/instances/kmemscope-$rec" ] && fail "SIGINT left kmemscope-$rec behind"
"$KMS" record -q -T -o k9.dat 2>rec.err &
rec=$!
wait_instance $rec
sleep 0.5
kill -KILL $rec
wait $rec 2>/dev/null
"$KMS" reset >/dev/null 2>&1 || fail "reset failed"
[ -e "$T/instances/kmemscope-$rec" ] && fail "reset left kmemscope-$rec behind"
ok "-T triggers gone after SIGINT, and after kill -9 and reset"

# 2. trace-cmd is the oracle for the pairing.
trace-cmd report -i s.dat >tc.txt 2>tc.err || fail "trace-cmd report: $(cat tc.err)"
"$KMS" report -r ./slab.recipe --folded --weight count s.dat >count.folded 2>fold.err || fail "folded: $(cat fold.err)"
"$KMS" report -r ./slab.recipe --json s.dat >s.json || fail "report --json"
python3 - tc.txt count.folded fold.err s.json <<'EOP' || fail "pairing differs from trace-cmd's"
import json, random, re, sys
tc, folded, err, js = sys.argv[1:5]
line = re.compile(r'^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+[\d.]+:\s+(\w+):')
stacks, last, kinds = [], {}, {'slab': 0}
cur = None
for l in open(tc):
    if l.startswith('=> '):
        if cur is not None:
            cur.append(l[3:].split(' (')[0].strip())
        continue
    m = line.match(l)
    if not m:
        continue
    cpu, ev = int(m.group(3)), m.group(4)
    if ev == 'kernel_stack':
        cur = []
        stacks.append(cur)
        if last.get(cpu) in ('kmalloc', 'kmem_cache_alloc'):
            kinds['slab'] += 1
            last[cpu] = None
    else:
        cur = None
        if ev in ('kmalloc', 'kmem_cache_alloc'):
            last[cpu] = ev
m = re.search(r'(\d+) kernel stacks paired with their events, (\d+) unpaired', open(err).read())
paired, unpaired = int(m.group(1)), int(m.group(2))
if paired + unpaired != len(stacks):
    sys.exit('trace-cmd lists %d kernel_stack records, kmemscope %d + %d' % (len(stacks), paired, unpaired))
if paired < 0.995 * len(stacks):
    sys.exit('only %d of %d stacks paired' % (paired, len(stacks)))
total = sum(int(l.rsplit(' ', 1)[1]) for l in open(folded))
if total != paired:
    sys.exit('folded count %d, paired %d' % (total, paired))
d = json.load(open(js))
allocs = sum(r['allocs'] for r in d['tables']['slab_by_stack'])
if allocs != kinds['slab']:
    sys.exit('trace-cmd: %d stacks after a slab allocation on its CPU, slab_by_stack %d' % (kinds['slab'], allocs))
# 100 sampled stacks: ours (innermost first) is the end of one of trace-cmd's
tails = set()
for s in stacks:
    for k in range(len(s)):
        tails.add(tuple(s[k:]))
ours = [tuple(reversed(l.rsplit(' ', 1)[0].split(';'))) for l in open(folded)]
random.seed(13)
sample = random.sample(ours, min(100, len(ours)))
bad = [s for s in sample if s not in tails]
if bad:
    sys.exit('%d of %d sampled stacks are not trace-cmd\'s frames, e.g. %s' % (len(bad), len(sample), ';'.join(bad[0])))
print('ok: %d stacks as trace-cmd lists them (%d unpaired), %d after slab allocations, %d sampled stacks match' % (paired, unpaired, allocs, len(sample)))
EOP

# 3. Folded bytes equal the slab table's, and go tool pprof's total.
"$KMS" report -r ./slab.recipe --folded s.dat 2>/dev/null >bytes.folded || fail "folded bytes"
fb=$(awk '{s += $NF} END {print s + 0}' bytes.folded)
tb=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(r["bytes_alloc"] for r in d["tables"]["slab"]))' s.json)
[ "$fb" = "$tb" ] || fail "folded bytes $fb, slab table $tb"
ok "folded total $fb bytes = the slab table's"
grep -q ';path_openat;alloc_empty_file ' bytes.folded || grep -q ';path_openat ' bytes.folded ||
	fail "no filp stack through path_openat/alloc_empty_file: $(grep -m3 openat bytes.folded)"
ok "openclose's filp stack: $(grep -m1 'alloc_empty_file ' bytes.folded | sed 's/.*;\([^;]*;[^;]*;[^;]*\) /\1 /')"
"$KMS" report -r ./slab.recipe --pprof s.pb.gz s.dat 2>pprof.err; rc=$?
if [ $rc = 6 ] && grep -q 'built without protobuf-c' pprof.err; then
	echo "note: this build has no --pprof (configure found no protobuf-c): pprof check skipped"
elif [ $rc != 0 ]; then
	fail "--pprof: $(cat pprof.err)"
elif ! command -v go >/dev/null; then
	echo "note: no go: go tool pprof check skipped"
else
	HOME=$WORK GOCACHE=$WORK/go go tool pprof -sample_index=alloc_space -unit=B -top s.pb.gz >pp.txt 2>pp.err ||
		fail "go tool pprof: $(cat pp.err)"
	pt=$(sed -n 's/.* of \([0-9]*\)B total.*/\1/p' pp.txt)
	[ "$pt" = "$tb" ] || fail "go tool pprof total $pt, slab table $tb: $(head -5 pp.txt)"
	ok "go tool pprof -top total $pt bytes"
fi

# 4. The SVG flame graph parses and its root's children add up.
"$KMS" report -r ./slab.recipe --flamegraph s.svg s.dat 2>/dev/null || fail "--flamegraph"
if command -v xmllint >/dev/null; then
	xmllint --noout s.svg || fail "the SVG does not parse"
fi
python3 - s.svg "$tb" <<'EOP' || fail "flame graph widths"
import sys, xml.etree.ElementTree as ET
ns = {'s': 'http://www.w3.org/2000/svg'}
gs = ET.parse(sys.argv[1]).getroot().findall('.//s:g', ns)
root = [g for g in gs if g.get('data-d') == '0'][0]
kids = [g for g in gs if g.get('data-d') == '1']
rw = float(root.find('s:rect', ns).get('width'))
kw = sum(float(g.find('s:rect', ns).get('width')) for g in kids)
if abs(rw - kw) > 0.01 * len(kids) + 0.01 or int(root.get('data-v')) != sum(int(g.get('data-v')) for g in kids):
    sys.exit('root %s wide (%s), children %s (%s)' % (rw, root.get('data-v'), kw, sum(int(g.get('data-v')) for g in kids)))
if int(root.get('data-v')) != int(sys.argv[2]):
    sys.exit('root weight %s, slab bytes %s' % (root.get('data-v'), sys.argv[2]))
t = root.find('s:title', ns).text
if 'bytes' not in t or 'objects' not in t or '%' not in t:
    sys.exit('root title %r lacks bytes, objects or percent' % t)
print('ok: root %.1f wide = %d children; title %r' % (rw, len(kids), t))
EOP

# 5. A fault-heavy program: faults_by_stack, and its pages' anonymous-fault path.
cat >faults.recipe <<'EOR'
description faults and pages with their stacks
event kmem:mm_page_alloc
event kmem:mm_page_free
event exceptions:page_fault_user
table faults_by_stack
table pages_by_stack
EOR
record -q -T -r ./faults.recipe -o f.dat -- "$TOUCHMEM"
"$KMS" report -r ./faults.recipe --json f.dat >f.json || fail "report faults"
python3 - f.json <<'EOP' || fail "fault stacks"
import json, sys
d = json.load(open(sys.argv[1]))['tables']
f = sorted(d['faults_by_stack'], key=lambda r: -r['faults'])
p = sorted(d['pages_by_stack'], key=lambda r: -r['pages'])
if not f or 'exc_page_fault' not in f[0]['stack']:
    sys.exit('top fault stack: %s' % (f[0]['stack'] if f else 'none'))
if not p or 'do_anonymous_page' not in p[0]['stack'] or 'handle_mm_fault' not in p[0]['stack']:
    sys.exit('top page stack: %s' % (p[0]['stack'] if p else 'none'))
print('ok: top fault stack %s (%d); its pages: %s (%d)' % (f[0]['stack'], f[0]['faults'], p[0]['stack'], p[0]['pages']))
EOP

# 6. Outstanding: N sockets made, every other one closed, old; M more kept,
# young. The whole system is recorded: a socket's inode is freed later, by
# an RCU callback in whatever task runs it, which a command's scope leaves out.
N=400 M=100
"$PROGS/halfopen" $N $M 2 3 5 prog.out &
hpid=$!
cat >sock.recipe <<EOR
description sockets in use
event kmem:kmem_cache_alloc
event kmem:kmem_cache_free
stack kmem:kmem_cache_alloc if name == "sock_inode_cache" && common_pid == $hpid
table inuse_by_stack
EOR
record -q -r ./sock.recipe -o o.dat -d 7
grep -q "old=$((N / 2)) young=$M" prog.out || fail "halfopen: $(cat prog.out)"
inuse() {
	"$KMS" report -r ./sock.recipe --json "$@" o.dat | python3 -c '
import json, sys
rows = json.load(sys.stdin)["tables"]["inuse_by_stack"]
print(sum(r["inuse"] for r in rows if "sock_alloc" in r["stack"] and "__sys_socket" in r["stack"]))'
}
all=$(inuse) old=$(inuse --older-than 3)
[ "$all" -ge $((N / 2 + M - 5)) ] && [ "$all" -le $((N / 2 + M + 5)) ] || fail "$all sockets in use, want about $((N / 2 + M))"
[ "$old" -ge $((N / 2 - 5)) ] && [ "$old" -le $((N / 2 + 5)) ] || fail "$old sockets older than 3 s in use, want about $((N / 2))"
ok "sockets in use at the end: $all (N/2 + M = $((N / 2 + M))), older than 3 s: $old (N/2 = $((N / 2)))"
"$KMS" report -r ./sock.recipe --folded --inuse --weight objects o.dat 2>/dev/null | grep -q __sys_socket || fail "--folded --inuse lacks the socket stack"
kill $hpid 2>/dev/null
wait $hpid 2>/dev/null
true
