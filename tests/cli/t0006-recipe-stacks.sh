#!/bin/bash
# The stack directive (kmemscope-recipe(5)): what parses, and the errors,
# each at its file and line; report's stack options on the command line.
. "$TESTLIB"
cd "$WORK"

rc() { printf 'description t\nevent kmem:kmalloc\nevent kmem:kfree\n%b' "$1" >t.recipe; }
# A recipe that parses: report reads it (and fails only on the missing file).
expect_ok() {
	rc "$1"
	"$KMS" report -r ./t.recipe missing.dat >out 2>&1
	grep -q 't.recipe:' out && fail "'$1' should parse: $(cat out)"
	true
}
expect_err() {
	rc "$1"
	"$KMS" report -r ./t.recipe missing.dat >out 2>&1 && fail "'$1' was accepted"
	grep -q "t.recipe:$2: .*$3" out || fail "'$1': want line $2 '$3', got: $(cat out)"
}
expect_ok 'stack kmem:kmalloc\n'
expect_ok 'stack kmem:kmalloc depth 8\n'
expect_ok 'stack kmem:kmalloc if bytes_alloc > 256\n'
expect_ok 'stack kmem:kmalloc if bytes_alloc > 256 depth 4\n'
expect_ok 'stack kmem:kmalloc depth 4 if bytes_alloc > 256\n'
expect_err 'stack kmem:kfree\n' 4 'only allocation and fault events take stacks'
expect_err 'stack kmem:kmem_cache_alloc\n' 4 'not an event of this recipe'
expect_err 'stack kmem:kmalloc depth 0\n' 4 'depth needs a number'
expect_err 'stack kmem:kmalloc if bytes_alloc > 1 depth x\n' 4 'depth needs a number'
expect_err 'stack kmem:kmalloc if\n' 4 "'if' needs a filter"
expect_err 'stack kmem:kmalloc\nstack kmem:kmalloc\n' 5 'duplicate stack'
expect_err 'stack kmalloc\n' 4 'bad event name'
expect_err 'stack kmem:kmalloc now\n' 4 "unexpected 'now'"
ok "stack lines parse, and their errors name the line"

"$KMS" report --weight lines x.dat >out 2>&1; [ $? = 2 ] || fail "--weight lines: $(cat out)"
grep -q "not bytes, objects, pages or count" out || fail "--weight lines: $(cat out)"
"$KMS" report --older-than soon x.dat >out 2>&1; [ $? = 2 ] || fail "--older-than soon: $(cat out)"
ok "report's stack options are checked"
