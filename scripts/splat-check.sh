#!/usr/bin/env bash
# splat-check.sh LOG - exit 1 (and print the lines) if a kernel log holds an
# Oops, WARN, BUG, lockdep, RCU, KASAN/UBSAN, DEBUG_OBJECTS, list-corruption,
# sleep-in-atomic (also what PREEMPT_RT reports: "scheduling while atomic", a
# sleep inside an RCU read section), kmemleak or hung-task report.
#
# Injected faults (selftests/vm/faults.sh) are not splats: the stack
# dump of "FAULT_INJECTION: forcing a failure" and the allocation-failure
# warning that follows one (warn_alloc: "page allocation failure",
# "vmalloc error"; a slab cache or sysctl directory that could not be made
# says so with a stack too) are let through; any report header inside them
# is not.
#
# kmemleak: vm-guest.sh sets kmemleak's "verbose", so each new entry is
# logged ("kmemleak: unreferenced object ..." with its hex dump and
# backtrace) before the scan's "kmemleak: N new suspected memory leaks".
# One kind of entry is excused, 6.1's SLUB leaking the name of a cache it
# failed to make: an injected fault inside sysfs_slab_add() fails
# kmem_cache_create() ("kmem_cache_create_usercopy(NAME) failed with
# error"), and the kobject's name (kstrdup_const from
# kobject_set_name_vargs, kobject_init_and_add, sysfs_slab_add) is never
# freed (mm/slub.c's error path has no kobject_put()). An entry is excused
# only with that backtrace and its hex dump holding the NAME of such a
# failure earlier in the log, one entry per failure. The summary line is
# excused only when it counts exactly the entries logged since the previous
# one and every one of them was excused: any other leak (the module's, the
# kernel's) fails, and so does a summary whose entries are not in the log.
set -u
awk '
BEGIN {
	splat = "Oops|WARNING:|BUG:|kernel BUG|general protection fault|" \
		"possible circular locking|possible recursive locking|" \
		"inconsistent lock state|suspicious RCU usage|" \
		"lock held when returning to user space|bad unlock balance|" \
		"DEBUG_LOCKS_WARN_ON|KASAN|UBSAN|ODEBUG:|" \
		"INFO: task .* blocked|Kernel panic|unreferenced object|" \
		"new suspected memory leak|refcount_t:|" \
		"list_(add|del) corruption|list corruption|" \
		"sleeping function called from invalid context|" \
		"scheduling while atomic|Voluntary context switch within RCU"
	injected = "FAULT_INJECTION: forcing a failure"
	allocfail = "page allocation failure|vmalloc error:|SLUB: Unable to allocate|" \
		"kmem_cache_create(_usercopy)?\\(.*\\) failed with error|" \
		"sysctl could not get directory"
	excused = 0	# a Call Trace here belongs to an injected fault
	bad = 0
	for (i = 0; i < 256; i++) byte[sprintf("%02x", i)] = sprintf("%c", i)
}
function fail(nr, line, why) {
	print nr ": " (why != "" ? why ": " : "") line
	bad = 1
}
# the entry being read (leak_line: its header line, 0 when none)
function leak_start() {
	leak_end()
	leak_line = NR; leak_text = $0
	leak_bytes = 0; leak_name = ""; leak_name_done = 0
	nframes = 0; delete frame
}
function leak_end(   i, chain, why) {
	if (!leak_line) return
	pending++
	chain = 0
	for (i = 1; i + 3 <= nframes; i++)
		if (frame[i] == "kstrdup_const" && frame[i + 1] == "kobject_set_name_vargs" &&
		    frame[i + 2] == "kobject_init_and_add" && frame[i + 3] == "sysfs_slab_add")
			chain = 1
	if (!chain)
		why = "kmemleak entry (not a slab cache name SLUB leaked)"
	else if (!(leak_name in slub_failed) || slub_failed[leak_name] < 1)
		why = "kmemleak entry (a slab cache name, \"" leak_name "\", with no failed kmem_cache_create() of it under an injected fault in sysfs_slab_add before)"
	if (why != "") {
		fail(leak_line, leak_text, why)
	} else {
		slub_failed[leak_name]--
		pending_excused++
	}
	leak_line = 0
}
# the cache name: the object'"'"'s bytes up to the first NUL
function leak_hex(s,   n, i, b) {
	n = split(s, b, / +/)
	for (i = 1; i <= n && leak_bytes < leak_len; i++) {
		if (b[i] !~ /^[0-9a-f][0-9a-f]$/) break
		leak_bytes++
		if (leak_name_done) continue
		if (b[i] == "00") leak_name_done = 1
		else leak_name = leak_name byte[b[i]]
	}
}
# kmemleak, verbose: an entry and its lines, then the summary
/kmemleak: unreferenced object 0x[0-9a-f]+ \(size [0-9]+\):$/ { leak_start(); next }
leak_line && /kmemleak:   hex dump \(first [0-9]+ bytes\):$/ {
	s = $0; sub(/.*first /, "", s); leak_len = s + 0; next
}
leak_line && /kmemleak:     [0-9a-f][0-9a-f]( |$)/ { s = $0; sub(/.*kmemleak:     /, "", s); leak_hex(s); next }
leak_line && /kmemleak:     \[<[0-9a-f]+>\] / {
	s = $0; sub(/.*\] /, "", s); sub(/[+ ].*/, "", s); frame[++nframes] = s; next
}
leak_line && /kmemleak:   (comm "|backtrace:$)/ { next }
/kmemleak: [0-9]+ new suspected memory leaks? / {
	leak_end()
	s = $0; sub(/.*kmemleak: /, "", s); n = s + 0
	if (n != pending || pending_excused != pending)
		fail(NR, $0, n " new leaks, " pending + 0 " entries logged before, " pending_excused + 0 " of them excused")
	pending = pending_excused = 0
	next
}
$0 ~ injected { excused = 1; last_fi = NR; fi_sysfs = 0; next }
excused && / sysfs_slab_add\+/ { fi_sysfs = 1 }
$0 ~ allocfail {
	if (last_fi && NR - last_fi < 400) {
		excused = 1
		if (fi_sysfs && match($0, /kmem_cache_create(_usercopy)?\(.*\) failed with error/)) {
			s = substr($0, RSTART, RLENGTH)
			sub(/^[^(]*\(/, "", s); sub(/\) failed with error$/, "", s)
			slub_failed[s]++
		}
		fi_sysfs = 0
		next
	}
	fail(NR, $0); next
}
$0 ~ splat { excused = 0; fail(NR, $0); next }
/Call Trace:/ {
	if (!excused) fail(NR, $0)
	next
}
/<\/TASK>/ { excused = 0 }
END { leak_end(); exit bad }
' "$1"
