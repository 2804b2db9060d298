#!/usr/bin/env bash
# fault-table.sh FAULTS.jsonl - the markdown table of docs/fault-injection.md
# from what selftests/vm/faults.sh observed (one JSON object per
# injected fault): operation, injection point, error the caller saw, state
# after, and how many allocations in turn gave that row.
set -euo pipefail
jq -r -s '
	def op: if .arg != "" and .op != "insmod" then "\(.op) \(.arg)" else .op end;
	group_by([op, .in_module, .site, .error, (.extack // ""), .state]) |
	sort_by([.[0].n]) | sort_by([(.[0] | op)]) | .[] |
	"| \(.[0] | op) | `\(.[0].site)`\(if .[0].in_module then " (nfsketch)" else "" end) | " +
	"\(.[0].error)\(if .[0].extack then " \"\(.[0].extack)\"" else "" end) | \(.[0].state) | \(length) |"
' "$1"
