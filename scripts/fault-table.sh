#!/usr/bin/env bash
# fault-table.sh FAULTS.jsonl... - the markdown table of
# docs/fault-injection.md from what selftests/vm/faults.sh observed (one
# JSON object per injected fault; one file per run): operation, injection
# point, error the caller saw, state after, the leak check and how many
# allocations in turn gave that row; then the count of injection points per
# operation. The leak check is the run's: kmemleak after its final rmmod
# (kmemleak-faults-after the final rmmod, beside the file), the entries that
# point at nfsketch.
#
# An empty site ("?"): the failed allocation carried __GFP_NOWARN, for which
# 6.1's fault injection logs no stack (mm/failslab.c, FAULT_NOWARN), e.g.
# kvmalloc's kmalloc try before its vmalloc fallback.
set -euo pipefail
for f in "$@"; do
	km="$(dirname "$f")/kmemleak-faults-after the final rmmod"
	if [ -r "$km" ]; then
		# SLUB's own leak of a cache's name apart (faults.sh, nfsk_leaks)
		leak=$(awk 'function flush() { if (bad && slub) k++; else if (bad) c++ }
		/^unreferenced object/ { flush(); bad = 0; slub = 0 }
		/\[nfsketch\]/ || /\] 0xffffffff[a-f][0-9a-f]+$/ { bad = 1 }
		/ sysfs_slab_add\+/ { slub = 1 }
		END { flush(); printf "%d of nfsketch", c; if (k) printf " (+%d cache names SLUB leaked)", k }' "$km")
	else
		leak="not run"
	fi
	jq -c --arg leak "$leak" '. + {leak: $leak}' "$f"
done | jq -r -s '
	def op: if .arg != "" and .op != "insmod" then "\(.op) \(.arg)" else .op end;
	def site: if .site == "?" then "(no stack: a `__GFP_NOWARN` allocation)" else "`\(.site)`" end;
	# the function the allocation failed in, called by the site
	def via: (.site as $s | (.frames | index($s)) as $i |
		if $i != null and $i > 0 then " via `\(.frames[$i - 1])`" else "" end);
	"| operation | injection point | error returned to the user | state after | leak check (kmemleak) | faults |",
	"|---|---|---|---|---|---|",
	(group_by([op, .in_module, .site, via, .error, (.extack // ""), .state, .leak]) |
	sort_by([.[0].n]) | sort_by([(.[0] | op)]) | .[] |
	"| \(.[0] | op) | \(.[0] | site)\(if .[0].in_module then " (nfsketch)" else "" end)\(.[0] | via) | " +
	"\(.[0].error)\(if .[0].extack then " \"\(.[0].extack)\"" else "" end) | \(.[0].state) | \(.[0].leak) | \(length) |"),
	"",
	"| operation | faults injected | in nfsketch | distinct nfsketch functions | operation failed (error) | operation succeeded |",
	"|---|---:|---:|---:|---:|---:|",
	(group_by(op) | .[] |
	"| \(.[0] | op) | \(length) | \([.[] | select(.in_module)] | length) | " +
	"\([.[] | select(.in_module) | .site] | unique | length) | " +
	"\([.[] | select(.error != "0")] | length) | \([.[] | select(.error == "0")] | length) |"),
	"| **all** | **\(length)** | **\([.[] | select(.in_module)] | length)** | " +
	"**\([.[] | select(.in_module) | .site] | unique | length)** | " +
	"**\([.[] | select(.error != "0")] | length)** | **\([.[] | select(.error == "0")] | length)** |"
'
