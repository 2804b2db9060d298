#!/bin/bash
# Per-command policies: every attribute a command does not take, according
# to Documentation/netlink/specs/nfsketch.yaml, is refused with EINVAL and
# the extack "Unsupported attribute" (e.g. LAST_N on QUERY), each request
# attribute's range and length as the spec says (selftests/vm/nl_policy.py).
# The oracle is the spec and the netlink core's documented answers, not the
# module's code.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
SPEC=$NFSK_TOP/Documentation/netlink/specs/nfsketch.yaml

load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

tmp=$(mktemp -d)
on_exit rm -rf "$tmp"

a=$(make_ns a)
# QUERY, TOPK_GET and SKETCH_GET answer only once a window has closed
check "a window closed in a" wait_windows "$a" 1
ip netns exec "$a" timeout 600 "$PY" "$NFSK_TOP/selftests/vm/nl_policy.py" \
	"$SPEC" >"$tmp/py.out" 2>&1
rc=$?
tap_from_py "$tmp/py.out"
check_eq "nl_policy.py exit status" "$(grep -q '^FAIL ' "$tmp/py.out" && echo 1 || echo 0)" "$rc"
check_eq "cases run" 1 "$([ "$(grep -c '^PASS \|^FAIL ' "$tmp/py.out")" -ge 90 ] && echo 1 || echo 0)"
check "rmmod" rmmod nfsketch
tap_done
