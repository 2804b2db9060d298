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
}
$0 ~ injected { excused = 1; last_fi = NR; next }
$0 ~ allocfail {
	if (last_fi && NR - last_fi < 400) { excused = 1; next }
	print NR ": " $0; bad = 1; next
}
$0 ~ splat { excused = 0; print NR ": " $0; bad = 1; next }
/Call Trace:/ {
	if (!excused) { print NR ": " $0; bad = 1 }
	next
}
/<\/TASK>/ { excused = 0 }
END { exit bad }
' "$1"
