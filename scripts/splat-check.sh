#!/usr/bin/env bash
# splat-check.sh LOG - exit 1 (and print the lines) if a kernel log holds an
# Oops, WARN, BUG, lockdep, KASAN/UBSAN or hung-task report, including what
# PREEMPT_RT reports ("BUG: sleeping function called from invalid context",
# "BUG: scheduling while atomic", a sleep inside an RCU read section).
set -u
pattern='Oops|WARNING:|BUG:|kernel BUG|general protection fault|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN|UBSAN|INFO: task .* blocked|Kernel panic|kmemleak|refcount_t:|list_(add|del) corruption|sleeping function called from invalid context|scheduling while atomic|Voluntary context switch within RCU'
if grep -E -n "$pattern" "$1"; then
	exit 1
fi
exit 0
