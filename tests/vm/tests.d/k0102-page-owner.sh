# Guest: Debian builds no CONFIG_PAGE_OWNER, so page-owner must refuse with
# that reason, exit 6 (the documented code) and point to page-order.
run po "$KMS" record -q -r page-owner -o /tmp/po.dat -- /touchmem -m 1
if [ "$rc" = 6 ] && grep -q 'CONFIG_PAGE_OWNER is not set' /tmp/po.err && grep -q 'page-order' /tmp/po.err; then
	pass page-owner-refused "exit 6: $(head_of /tmp/po.err 1)"
else
	fail page-owner-refused "exit $rc: $(head_of /tmp/po.err 2)"
fi
