#!/usr/bin/env bash
# fault-table.sh FAULTS.jsonl - the markdown table of docs/fault-injection.md
# from what selftests/vm/faults.sh observed (one JSON object per
# injected fault): operation, injection point, error the caller saw, state
# after, and how many allocations in turn gave that row; then the count of
# injection points per operation.
#
# An empty site ("?"): the failed allocation carried __GFP_NOWARN, for which
# 6.1's fault injection logs no stack (mm/failslab.c, FAULT_NOWARN), e.g.
# kvmalloc's kmalloc try before its vmalloc fallback.
set -euo pipefail
jq -r -s '
	def op: if .arg != "" and .op != "insmod" then "\(.op) \(.arg)" else .op end;
	def site: if .site == "?" then "(no stack: a `__GFP_NOWARN` allocation)" else "`\(.site)`" end;
	# the function the allocation failed in, called by the site
	def via: (.site as $s | (.frames | index($s)) as $i |
		if $i != null and $i > 0 then " via `\(.frames[$i - 1])`" else "" end);
	"| operation | injection point | error returned to the user | state after | faults |",
	"|---|---|---|---|---|",
	(group_by([op, .in_module, .site, via, .error, (.extack // ""), .state]) |
	sort_by([.[0].n]) | sort_by([(.[0] | op)]) | .[] |
	"| \(.[0] | op) | \(.[0] | site)\(if .[0].in_module then " (nfsketch)" else "" end)\(.[0] | via) | " +
	"\(.[0].error)\(if .[0].extack then " \"\(.[0].extack)\"" else "" end) | \(.[0].state) | \(length) |"),
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
' "$1"
