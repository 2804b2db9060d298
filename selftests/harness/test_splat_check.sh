#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/splat-check.sh against hand-made kernel logs (the shapes of the
# debug kernel's, 6.1: an injected fault's stack, SLUB's report of a cache
# it failed to make, kmemleak's verbose entries and summary line). The
# verdict each log must get is written here, not taken from the script:
# kmemleak's summary passes only when every entry it counts is in the log
# and is 6.1's SLUB leak of a cache name after an injected fault in
# sysfs_slab_add(); a leak of nfsketch, any other leak, a summary without
# its entries, more leaks than such failures, or a name that did not fail
# all fail. TAP on stdout.
set -u
shopt -s lastpipe
top=$(cd "$(dirname "$0")/../.." && pwd)
SPLAT=$top/scripts/splat-check.sh
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }

t=100
ts() { t=$((t + 1)); printf '[  %d.000001] ' "$t"; }
say() { local l; for l in "$@"; do echo "$(ts)$l"; done; }

# fault_in [sysfs|other]: an injected failslab fault, its stack inside
# kmem_cache_create() of nfsk_route_entry (in sysfs_slab_add, or in the
# allocation of the cache itself), then SLUB's failure report
fault_in() {
	say "FAULT_INJECTION: forcing a failure." \
		"CPU: 0 PID: 75 Comm: python3 Tainted: G           O       6.1.192-nfsk-debug #1" \
		"Call Trace:" " <TASK>" " dump_stack_lvl+0x4c/0x5f" " should_fail_ex.cold+0x1a/0x1f" \
		" should_failslab+0x5/0x10" " __kmalloc_node_track_caller+0x43/0xe0"
	if [ "${1:-sysfs}" = sysfs ]; then
		say " kobject_add_internal+0x2db/0x6d0" " kobject_init_and_add+0xbb/0x120" \
			" sysfs_slab_add+0x18a/0x200" " __kmem_cache_create+0x406/0x530"
	else
		say " kmem_cache_alloc+0x46/0x290" " create_cache+0x5e/0x1a0"
	fi
	say " kmem_cache_create_usercopy+0x167/0x330" " kmem_cache_create+0xd/0x10" \
		" nfsk_route_cache_init+0x1b/0x30 [nfsketch]" " nfsk_init+0x16/0x1000 [nfsketch]" \
		" do_one_initcall+0xc0/0x320" " </TASK>" \
		"kmem_cache_create_usercopy(${2:-nfsk_route_entry}) failed with error -12" \
		"CPU: 0 PID: 75 Comm: python3 Tainted: G           O       6.1.192-nfsk-debug #1" \
		"Call Trace:" " <TASK>" " dump_stack_lvl+0x4c/0x5f" \
		" kmem_cache_create_usercopy.cold+0x21/0x5d" " kmem_cache_create+0xd/0x10" \
		" nfsk_route_cache_init+0x1b/0x30 [nfsketch]" " </TASK>"
}
# hexrow STRING: the 16 bytes of a kmemleak hex dump row (NUL padded)
hexrow() {
	local s=$1 i out="" asc=""
	for ((i = 0; i < 16; i++)); do
		if [ $i -lt ${#s} ]; then
			out+=$(printf '%02x ' "'${s:i:1}"); asc+=${s:i:1}
		else
			out+="00 "; asc+=.
		fi
	done
	echo "${out% }  $asc"
}
entry_head() {
	say "kmemleak: unreferenced object 0xff11000008121f00 (size 32):" \
		"kmemleak:   comm \"python3\", pid 75, jiffies 4295035427" \
		"kmemleak:   hex dump (first 32 bytes):" "kmemleak:     $(hexrow "${1:0:16}")" \
		"kmemleak:     $(hexrow "${1:16:16}")" "kmemleak:   backtrace:"
}
frame() { say "kmemleak:     [<00000000288dc890>] $1"; }
# a cache name SLUB leaked (entry_slub [NAME])
entry_slub() {
	entry_head "${1:-nfsk_route_entry}"
	frame __kmalloc_node_track_caller+0x43/0xe0
	frame kstrdup_const+0x43/0x70
	frame kobject_set_name_vargs+0x3f/0x110
	frame kobject_init_and_add+0xbb/0x120
	frame sysfs_slab_add+0x18a/0x200
	frame __kmem_cache_create+0x406/0x530
	frame kmem_cache_create_usercopy+0x167/0x330
	frame 0xffffffffa0017ffb
	frame do_one_initcall+0xc0/0x320
}
# nfsketch's own leak (its frames bare after the rmmod, or named)
entry_nfsk() {
	entry_head "nfsk"
	frame kmalloc_trace+0x26/0x60
	frame "${1:-nfsk_hist_buf_alloc+0x2f/0x90 [nfsketch]}"
	frame nfsk_ns_init+0x52/0x1e0
}
# a leak of the kernel's, elsewhere
entry_kernel() {
	entry_head "net"
	frame __kmalloc+0x4a/0xd0
	frame __register_sysctl_table+0xa5/0x10a0
	frame neigh_sysctl_register+0x2a1/0x4b0
}
# the same shape as SLUB's, from a cache name not in sysfs_slab_add
entry_kstrdup() {
	entry_head "nfsk_route_entry"
	frame __kmalloc_node_track_caller+0x43/0xe0
	frame kstrdup_const+0x43/0x70
	frame kobject_set_name_vargs+0x3f/0x110
	frame kobject_add+0x9b/0x120
}
summary() { say "kmemleak: $1 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"; }
boot() { say "Linux version 6.1.192-nfsk-debug" "kmemleak: Kernel memory leak detector initialized (mem pool available: 11770)"; }

# expect pass|fail DESC: the log on stdin must get that verdict
expect() {
	local want=$1 desc=$2 got out
	cat >"$tmp/log"
	if out=$("$SPLAT" "$tmp/log"); then got=pass; else got=fail; fi
	if [ "$got" = "$want" ]; then
		ok "$desc: $want"
		[ -z "$out" ] || sed 's/^/#   /' <<<"$out" | cut -c1-200
	else
		not_ok "$desc: $want expected, got $got"
		sed 's/^/# /' <<<"$out"
	fi
	[ "$got" = pass ] || [ -n "$out" ] || not_ok "$desc: a failure names no line"
}

{ boot; } | expect pass "a clean boot"
{ boot; fault_in; } | expect pass "an injected fault's stack and SLUB's failure report"
{ boot; say "WARNING: CPU: 1 PID: 9 at net/core/dev.c:1 foo+0x1/0x2" "Call Trace:" " <TASK>" " </TASK>"; } |
	expect fail "a WARNING"
{ boot; say "kmem_cache_create_usercopy(nfsk_route_entry) failed with error -12"; } |
	expect fail "SLUB's failure report without an injected fault"
{ boot; fault_in; entry_slub; summary 1; } |
	expect pass "one cache name SLUB leaked after a fault in sysfs_slab_add"
{ boot; fault_in; fault_in other; fault_in; entry_slub; entry_slub; summary 2; } |
	expect pass "two cache names after two faults in sysfs_slab_add"
{ boot; fault_in; entry_slub; entry_nfsk; summary 2; } |
	expect fail "SLUB's leak and one of nfsketch (named frame)"
{ boot; fault_in; entry_slub; entry_nfsk "0xffffffffa0017ffb"; summary 2; } |
	expect fail "SLUB's leak and one of nfsketch (bare frame after the rmmod)"
{ boot; fault_in; entry_slub; entry_kernel; summary 2; } |
	expect fail "SLUB's leak and another of the kernel's"
{ boot; fault_in; summary 1; } |
	expect fail "a summary whose entries are not in the log (kmemleak not verbose)"
{ boot; fault_in; entry_slub; summary 2; } |
	expect fail "a summary counting more than the entries logged"
{ boot; fault_in; entry_slub; entry_slub; summary 2; } |
	expect fail "two cache names after one failure"
{ boot; fault_in other; entry_slub; summary 1; } |
	expect fail "a cache name after a failure outside sysfs_slab_add"
{ boot; fault_in sysfs nfsk_other; entry_slub; summary 1; } |
	expect fail "a cache name that did not fail"
{ boot; entry_slub; summary 1; } |
	expect fail "a cache name with no fault at all"
{ boot; fault_in; entry_kstrdup; summary 1; } |
	expect fail "a name kstrdup'd elsewhere than sysfs_slab_add"
{ boot; fault_in; entry_slub; summary 1; fault_in; entry_slub; summary 1; } |
	expect pass "two scans, one SLUB leak each"
{ boot; fault_in; entry_slub; summary 1; entry_nfsk; summary 1; } |
	expect fail "a later scan's leak of nfsketch"
# a 31-character name fills the dump's 32 bytes with its NUL
long=nfsk_a_cache_name_of_31_chars__
{ boot; fault_in sysfs "$long"; entry_slub "$long"; summary 1; } |
	expect pass "a 31-character cache name"

echo "1..$n"
[ "$failed" -eq 0 ]
