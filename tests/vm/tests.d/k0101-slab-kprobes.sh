# Guest: slab-kprobes records the seed's __kmalloc* probe points; the hits
# kmemscope reports equal the probe lines trace-cmd report lists.
run sk "$KMS" record -q -r slab-kprobes -o /tmp/sk.dat -- /openclose 300 /tmp/sk.prog
if [ "$rc" != 0 ]; then
	fail slab-kprobes-record "exit $rc: $(head_of /tmp/sk.err)"
	return 0
fi
run skr "$KMS" report -r slab-kprobes --csv --table probes /tmp/sk.dat
km=$(awk -F, 'NR > 1 && $1 ~ /^kmalloc/ { s += $4 } END { print s + 0 }' /tmp/skr.out)
run skt trace-cmd report -i /tmp/sk.dat
tc=$(grep -c -E ' kmalloc(_large|_node|_cache)?: +\(' /tmp/skt.out)
if [ "$km" -gt 0 ] && [ "$km" = "$tc" ]; then
	pass slab-kprobes-hits "__kmalloc* hits: kmemscope $km, trace-cmd $tc; $(grep -m1 -E ' kmalloc(_cache)?: ' /tmp/skt.out | sed 's/^ *//')"
else
	fail slab-kprobes-hits "kmemscope $km, trace-cmd $tc: $(head_of /tmp/skr.out 4) $(head_of /tmp/skt.err)"
fi
kca=$(awk -F, 'NR > 1 && $1 == "kmem_cache_alloc" { s += $4 } END { print s + 0 }' /tmp/skr.out)
[ "$kca" -gt 0 ] && pass slab-kprobes-cache "kmem_cache_alloc hits $kca" ||
	fail slab-kprobes-cache "no kmem_cache_alloc hits: $(head_of /tmp/skr.out 6)"
run sks "$KMS" report -r slab-kprobes --csv --table slab /tmp/sk.dat
info "slab-kprobes slab table: $(head_of /tmp/sks.out 6)"
