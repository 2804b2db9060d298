#!/bin/bash
# The alerting rules of contrib/prometheus/ natively: promtool's syntax
# check, their unit test (the alert fires one evaluation after a counter
# increase, and resolves), and the same unit test against a series that
# never increases, which must fail (the test can fail). TAP.
set -u
cd "$(dirname "$0")/../.."
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok "$d"; else not_ok "$d"; fi; }

rules=contrib/prometheus/nfsketch-rules.yml
unit=contrib/prometheus/nfsketch-rules.test.yml
if ! command -v promtool >/dev/null; then
	not_ok "promtool missing (scripts/deps.sh installs prometheus)"
	echo "1..$n"
	exit 1
fi
check "promtool check rules $rules" promtool check rules "$rules"
check "promtool test rules $unit" promtool test rules "$unit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$rules" "$unit" "$tmp/"
sed -i "s/values: '0 0 0 1 1 1 1 1 1'/values: '0 0 0 0 0 0 0 0 0'/" "$tmp/$(basename "$unit")"
if promtool test rules "$tmp/$(basename "$unit")" >/dev/null 2>&1; then
	not_ok "the unit test fails when the counter never increases"
else
	ok "the unit test fails when the counter never increases"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
