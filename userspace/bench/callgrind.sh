#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Instructions per packet of each update loop of the bench, counted by
# callgrind (valgrind): exact and the same on a loaded machine, unlike
# nanoseconds. Only the loop function is collected (--toggle-collect), so
# trace generation and setup do not count.
#   userspace/bench/callgrind.sh build/bench
set -euo pipefail
bench=${1:?usage: callgrind.sh path/to/bench}
command -v valgrind >/dev/null || { echo "callgrind: valgrind not installed (scripts/deps.sh)" >&2; exit 1; }
out=$(mktemp -d /tmp/nfsk-callgrind.XXXXXX)
trap 'rm -rf "$out"' EXIT
printf '%-46s %12s %8s\n' "callgrind" "Ir/packet" "ratio"
base=
for mode in new cu old nitro textbook; do
	fn=ir_$mode
	[ "$mode" = cu ] && fn=ir_new	# the same loop, light CMS conservative
	valgrind --tool=callgrind --toggle-collect="$fn" \
		--callgrind-out-file="$out/$mode.out" "$bench" --ir "$mode" \
		>"$out/$mode.log" 2>"$out/$mode.err"
	pkts=$(awk '/ packets$/ { print $1 }' "$out/$mode.log")
	ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$out/$mode.out")
	per=$(awk -v i="$ir" -v p="$pkts" 'BEGIN { printf "%.1f", i / p }')
	base=${base:-$per}
	case $mode in
	new)	name="nfsk_bank_update (held flows out of the CMS)" ;;
	cu)	name="light CMS conservative update (CU)" ;;
	old)	name="before: every packet into the CMS" ;;
	nitro)	name="NitroSketch-sampled light CMS, p=1/8" ;;
	*)	name="textbook CMS (d hashes, %)" ;;
	esac
	printf '%-46s %12s %8s\n' "$name" "$per" \
		"$(awk -v a="$per" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
done
