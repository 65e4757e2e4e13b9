#!/bin/bash
# top --textfile against the real consumers: Debian's node_exporter serves
# the file (its /metrics holds the values of the same interval's top
# --json), promtool checks it, and a Prometheus server scraping that
# node_exporter sees kmemscope_lost_events_total and a slab counter rise
# under tests/progs/openclose. Both servers are stopped on every exit path.
. "$TESTLIB"
need_live
set -o pipefail
NODE_EXPORTER=${NODE_EXPORTER:-/usr/bin/prometheus-node-exporter}
[ -x "$NODE_EXPORTER" ] || skip "no $NODE_EXPORTER (Debian package prometheus-node-exporter)"
command -v promtool >/dev/null || skip "no promtool (Debian package prometheus)"
command -v prometheus >/dev/null || skip "no prometheus (Debian package prometheus)"
command -v curl >/dev/null || skip "no curl"
cd "$WORK" || exit 1
mkdir tf

SERVERS=
stop_servers() {
	local p
	for p in $SERVERS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SERVERS=
}
trap 'stop_servers; cleanup' EXIT

free_port() {
	perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1,
		LocalAddr => "127.0.0.1:0", ReuseAddr => 1)->sockport, "\n"'
}
wait_http() {	# url, what
	local i
	for i in $(seq 100); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	fail "$2 did not answer on $1"
}

NE_PORT=$(free_port) || fail "no free port"
"$NODE_EXPORTER" --web.listen-address="127.0.0.1:$NE_PORT" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$WORK/tf" >ne.log 2>&1 &
SERVERS="$SERVERS $!"
wait_http "http://127.0.0.1:$NE_PORT/metrics" node_exporter

# 1. One run: its last JSON snapshot and the file it left are one interval.
"$PROGS/openclose" 200000 >/dev/null &
"$KMS" top -r slab -d 1 -n 3 --json --textfile "$WORK/tf" --textfile-top 1000 >top.json 2>top.err ||
	fail "top --textfile exited $?: $(cat top.err)"
wait $!
[ -f tf/kmemscope.prom ] || fail "no tf/kmemscope.prom"
ls -A tf | grep -v '^kmemscope.prom$' && fail "temporary files left in the textfile dir"
promtool check metrics <tf/kmemscope.prom >promtool.out 2>&1 || fail "promtool check metrics: $(cat promtool.out)"
grep -qE '^[a-z_]+(\{.*\})? [0-9.e+-]+ [0-9]+$' tf/kmemscope.prom && fail "a sample carries a timestamp"
curl -sf "http://127.0.0.1:$NE_PORT/metrics" >metrics.txt || fail "curl /metrics"
grep -q '^node_textfile_scrape_error 0' metrics.txt || fail "node_exporter could not read the file: $(grep textfile metrics.txt)"
tail -1 top.json | perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
	my ($f) = grep { $_->{cache} eq "filp" } @{$d->{tables}{slab}};
	print "$d->{lost_events} ", ($f ? $f->{allocs} : -1), "\n"' >want.txt || fail "top --json unreadable"
read -r want_lost want_filp <want.txt
[ "$want_filp" -gt 0 ] || fail "top --json has no filp allocations under openclose"
# node_exporter prints large values as 3.85732e+06: compare as numbers.
same() { [ -n "$1" ] && perl -e 'exit !($ARGV[0] == $ARGV[1])' "$1" "$2"; }
got_lost=$(sed -n 's/^kmemscope_lost_events_total \(.*\)$/\1/p' metrics.txt)
got_filp=$(sed -n 's/^kmemscope_slab_allocs_total{cache="filp"} \(.*\)$/\1/p' metrics.txt)
same "$got_lost" "$want_lost" || fail "lost events: node_exporter '$got_lost', top --json $want_lost"
same "$got_filp" "$want_filp" || fail "filp allocs: node_exporter '$got_filp', top --json $want_filp"
ok "node_exporter serves the interval top --json printed (filp allocs $got_filp, lost $got_lost); promtool passes"
grep '^kmemscope_' metrics.txt | grep -E 'lost|events_total|cache="filp"|meminfo_bytes\{field="MemFree"' >sample.txt
sed 's/^/  /' sample.txt

# A comm with a quote and a backslash: escaped, and promtool still passes.
mkdir esc && cp "$PROGS/openclose" 'esc/o"pen\cl'
"$KMS" top -r faults -d 1 -n 2 --textfile "$WORK/esc" -- 'esc/o"pen\cl' 300000 >/dev/null 2>esc.err ||
	fail "top -r faults --textfile exited $?: $(cat esc.err)"
promtool check metrics <esc/kmemscope.prom >promtool.out 2>&1 || fail "promtool on escaped labels: $(cat promtool.out)"
grep -qF 'kmemscope_page_faults_total{comm="o\"pen\\cl"}' esc/kmemscope.prom ||
	fail "no escaped comm label: $(grep page_faults_total esc/kmemscope.prom | head -3)"
ok "label values are escaped (comm o\"pen\\cl)"

# 2. Prometheus scraping that node_exporter while top runs on: the series are
# there and rise. A 8 KiB buffer per CPU makes the kernel drop events.
printf 'event kmem:kmem_cache_alloc\nevent kmem:kmem_cache_free\nevent kmem:kmalloc\nevent kmem:kfree\nbuffer 8\ntable slab\n' >tiny.recipe
P_PORT=$(free_port) || fail "no free port"
cat >prom.yml <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$NE_PORT']
EOC
prometheus --config.file=prom.yml --web.listen-address="127.0.0.1:$P_PORT" \
	--storage.tsdb.path="$WORK/tsdb" >prometheus.log 2>&1 &
SERVERS="$SERVERS $!"
wait_http "http://127.0.0.1:$P_PORT/-/ready" prometheus
"$KMS" top -r ./tiny.recipe -d 1 --textfile "$WORK/tf" >/dev/null 2>top2.err &
TOP=$!
query() {	# PromQL -> the value, or nothing
	curl -sf -G "http://127.0.0.1:$P_PORT/api/v1/query" --data-urlencode "query=$1" |
		perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>);
			my $r = $d->{data}{result}[0]; print $r->{value}[1], "\n" if $r'
}
wait_value() {	# PromQL, above -> the first value above it within 20 s
	local i v
	for i in $(seq 40); do
		v=$(query "$1")
		if [ -n "$v" ] && perl -e 'exit !($ARGV[0] > $ARGV[1])' "$v" "$2"; then
			echo "$v"
			return 0
		fi
		sleep 0.5
	done
	return 1
}
"$PROGS/openclose" 100000 >/dev/null
l1=$(wait_value kmemscope_lost_events_total -1) || fail "prometheus has no kmemscope_lost_events_total"
s1=$(wait_value 'kmemscope_slab_allocs_total{cache="filp"}' 0) || fail "prometheus has no filp slab counter"
for i in 1 2 3; do "$PROGS/openclose" 200000 >/dev/null; done
s2=$(wait_value 'kmemscope_slab_allocs_total{cache="filp"}' "$s1") || fail "filp allocs did not rise from $s1"
l2=$(wait_value kmemscope_lost_events_total "$l1") || fail "lost events did not rise from $l1 with 8 KiB buffers"
kill -INT $TOP
wait $TOP || fail "top exited $? on SIGINT: $(cat top2.err)"
stop_servers
no_instances_left
ok "prometheus: filp allocs $s1 -> $s2, lost events $l1 -> $l2"
