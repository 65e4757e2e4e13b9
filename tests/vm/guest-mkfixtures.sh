# Guest side of tests/vm/mkfixtures.sh (busybox sh): record small trace-cmd
# files on Debian's kernel, where trace-cmd records, and print them base64
# encoded between markers for the host to unpack into tests/fixtures/.
. /vmlib.sh
W=/tmp/fx
mkdir -p $W
# kmem and exceptions events only: kallsyms and saved cmdlines come along.
trace-cmd record -q --file-version 6 -e kmem -e exceptions -o $W/v6.dat -- /touchmem -m 2 >/dev/null 2>$W/v6.err
info "v6: exit $? $(head_of $W/v6.err)"
trace-cmd record -q --file-version 7 --compression zstd -e kmem -e exceptions -o $W/v7-zstd.dat -- /openclose 200 /dev/null >/dev/null 2>$W/v7.err
info "v7-zstd: exit $? $(head_of $W/v7.err)"
trace-cmd record -q --file-version 7 --compression zlib -e kmem:mm_page_alloc -e kmem:kmalloc -o $W/v7-zlib.dat -- /touchmem -m 1 >/dev/null 2>$W/v7z.err
info "v7-zlib: exit $? $(head_of $W/v7z.err)"
# two buffers: the top level and an instance "second" with other events
trace-cmd record -q -e kmem:mm_page_alloc -B second -e exceptions:page_fault_user -o $W/multi.dat -- /touchmem -m 1 >/dev/null 2>$W/multi.err
info "multi: exit $? $(head_of $W/multi.err)"
for f in v6 v7-zstd v7-zlib multi; do
	[ -s $W/$f.dat ] || continue
	trace-cmd report -i $W/$f.dat >$W/$f.report.txt 2>$W/$f.report.err
	trace-cmd report -R -t -i $W/$f.dat >$W/$f.report-R.txt 2>>$W/$f.report.err
	for x in dat report.txt report-R.txt; do
		echo "KMS-FILE-BEGIN $f.$x"
		gzip -9c $W/$f.$x | base64
		echo "KMS-FILE-END $f.$x"
	done
	pass "fixture-$f" "$(ls -l $W/$f.dat | oneline)"
done
