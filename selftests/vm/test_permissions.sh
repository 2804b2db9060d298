#!/bin/bash
# Permissions and namespace scope: an unprivileged user reads the aggregate
# stats, windows and configuration, and is refused (exit 1, the kernel's
# "CAP_NET_ADMIN" extack) whatever reveals addresses or changes state; the
# same over raw netlink (EPERM). A request sees only its own namespace. In a
# user namespace of its own, root over a NEW network namespace is admin there
# (and sees only it), but not over a namespace owned by the initial one.
. "$(dirname "$0")/lib.sh"

FUZZ=$NFSK_TOP/selftests/vm/nl_fuzz.py
PY=/usr/bin/python3
N=10

tmp=$(mktemp -d)
chmod 755 "$tmp"
on_exit rm -rf "$tmp"

modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
echo 500 >/sys/kernel/nfsketch/window_ms

# nobody, no groups, no capabilities (setpriv works on the read-only root:
# runuser would want PAM state)
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
check_eq "setpriv runs as nobody" 65534 "$("${AS_NOBODY[@]}" id -u)"
check_eq "nobody has no effective capability" 0000000000000000 \
	"$("${AS_NOBODY[@]}" sh -c "sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status")"

a=$(make_ns a)
b=$(make_ns b)
c=$(make_ns c)
for n in "$a" "$b" "$c"; do no_ipv6 "$n"; done
veth_pair "$b" 10.95.0.1/24 "$c" 10.95.0.2/24
check "a window closed in a" wait_windows "$a" 1

# U NS ARGS...: nfsketch as nobody in NS; stdout/stderr in $tmp/out, err
U() { ip netns exec "$1" "${AS_NOBODY[@]}" "$NFSK" "${@:2}" >"$tmp/out" 2>"$tmp/err"; }

# ---- allowed to anyone ----------------------------------------------------
for cmd in "stats" "windows" "config get" "-j stats"; do
	# shellcheck disable=SC2086
	if U "$a" $cmd; then
		ok "nobody: nfsketch $cmd"
	else
		not_ok "nobody: nfsketch $cmd: exit $?, $(head -c 300 "$tmp/err")"
	fi
done

# ---- refused: exit 1 and the kernel's extack --------------------------------
refused() {
	local rc
	U "$a" "$@"
	rc=$?
	if [ $rc -eq 1 ] && grep -q "CAP_NET_ADMIN" "$tmp/err"; then
		ok "nobody: nfsketch $* refused ($(head -n 1 "$tmp/err"))"
	else
		not_ok "nobody: nfsketch $*: exit $rc (want 1), stderr: $(head -c 300 "$tmp/err")"
	fi
}
refused top
refused query proto udp src 10.95.0.1 dst 10.95.0.2
refused query --src 10.95.0.1
refused sketch
refused routes
refused bgp
refused config set window_ms=1000
refused reset
check_eq "the refused config set changed nothing" 500 \
	"$(ip netns exec "$a" "$NFSK" -j config get | jq .window_ms)"

# the same over raw netlink: errno EPERM with the extack, per command
ip netns exec "$a" "${AS_NOBODY[@]}" "$PY" "$FUZZ" perm deny >"$tmp/py" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"PASS "*) ok "raw netlink: ${line#PASS }" ;;
	"FAIL "*) not_ok "raw netlink: ${line#FAIL }" ;;
	*) echo "# $line" ;;
	esac
done <"$tmp/py"
check_eq "nl_fuzz.py perm deny exit status" "$(grep -q '^FAIL ' "$tmp/py" && echo 1 || echo 0)" "$rc"

# ---- every request sees its own namespace only ------------------------------
pa0=$(stat "$a" packets)
pb0=$(stat "$b" packets)
pings() { ip netns exec "$b" ping -q -c $N -i 0.05 -W 60 10.95.0.2 >/dev/null; }
check "$N pings from b to c" pings
check "a quiet window in b" wait_quiet "$b"
check_eq "b counted the pings (2 per ping)" $((2 * N)) $(($(stat "$b" packets) - pb0))
check_eq "a's packets did not move" "$pa0" "$(stat "$a" packets)"
U "$a" -j stats
check_eq "nobody in a sees a's packets" "$pa0" "$(jq .packets "$tmp/out")"
U "$b" -j stats
check_eq "nobody in b sees b's packets" "$((pb0 + 2 * N))" "$(jq .packets "$tmp/out")"

# ---- user namespaces ----------------------------------------------------------
if ! "${AS_NOBODY[@]}" unshare --user --map-root-user --net true 2>/dev/null; then
	ok "# SKIP unprivileged user namespaces not available"
	check "rmmod" rmmod nfsketch
	tap_done
	exit
fi

# Root of a new user namespace owning a new network namespace, started from
# b (which has traffic): admin there, and sees that namespace only.
cat >"$tmp/userns.sh" <<'INNER'
N=$1
echo "uid=$(id -u)"
for cmd in routes bgp "config set window_ms=1000" reset; do
	err=$($N $cmd 2>&1 >/dev/null)
	rc=$?
	echo "${cmd%% *}=$rc"
	[ -z "$err" ] || echo "stderr of $cmd: $err"
done
echo "window_ms=$($N -j config get | jq .window_ms)"
echo "packets=$($N -j stats | jq .packets)"
# memory is the host's: larger than its defaults needs the initial namespace
err=$($N config set cms_width=16384 2>&1 >/dev/null)
echo "grow=$?"
echo "stderr of grow: $err"
$N config set cms_width=1024 history=100 2>/dev/null
echo "shrink=$?"
INNER
ip netns exec "$b" "${AS_NOBODY[@]}" unshare --user --map-root-user --net \
	sh "$tmp/userns.sh" "$NFSK" >"$tmp/userns.out" 2>&1
sed 's/^/# /' "$tmp/userns.out"
field() { sed -n "s/^$1=//p" "$tmp/userns.out"; }
check_eq "own userns: uid 0 inside" 0 "$(field uid)"
check_eq "own userns + netns: routes allowed" 0 "$(field routes)"
check_eq "own userns + netns: bgp allowed" 0 "$(field bgp)"
check_eq "own userns + netns: config set allowed" 0 "$(field config)"
check_eq "own userns + netns: config applied there" 1000 "$(field window_ms)"
check_eq "own userns + netns: stats of the new namespace only" 0 "$(field packets)"
check_eq "own userns + netns: reset allowed" 0 "$(field reset)"
check_eq "own userns + netns: sizes above the host's defaults refused" 1 "$(field grow)"
check "own userns + netns: the refusal says why" \
	grep -q "stderr of grow: .*initial namespace" "$tmp/userns.out"
check_eq "own userns + netns: smaller sizes allowed" 0 "$(field shrink)"
check_eq "b's window_ms untouched" 500 "$(ip netns exec "$b" "$NFSK" -j config get | jq .window_ms)"
check "b's packets untouched" test "$(stat "$b" packets)" -ge $((pb0 + 2 * N))

ip netns exec "$b" "${AS_NOBODY[@]}" unshare --user --map-root-user --net \
	"$PY" "$FUZZ" perm allow >"$tmp/py" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"PASS "*) ok "raw netlink, own userns: ${line#PASS }" ;;
	"FAIL "*) not_ok "raw netlink, own userns: ${line#FAIL }" ;;
	*) echo "# $line" ;;
	esac
done <"$tmp/py"
check_eq "nl_fuzz.py perm allow exit status" "$(grep -q '^FAIL ' "$tmp/py" && echo 1 || echo 0)" "$rc"

# Root of a new user namespace, but still in b (owned by the initial user
# namespace): full capabilities in its own userns are not CAP_NET_ADMIN over b.
UN() {
	ip netns exec "$b" "${AS_NOBODY[@]}" unshare --user --map-root-user \
		"$NFSK" "$@" >"$tmp/out" 2>"$tmp/err"
}
for cmd in "routes" "config set window_ms=1000" "reset"; do
	# shellcheck disable=SC2086
	UN $cmd
	rc=$?
	if [ $rc -eq 1 ] && grep -q CAP_NET_ADMIN "$tmp/err"; then
		ok "root of a child userns in b: nfsketch $cmd refused"
	else
		not_ok "root of a child userns in b: nfsketch $cmd: exit $rc (want 1), stderr: $(head -c 300 "$tmp/err")"
	fi
done
UN -j stats
check_eq "root of a child userns in b: stats readable, b's" "$((pb0 + 2 * N))" "$(jq .packets "$tmp/out")"
check_eq "b's window_ms still untouched" 500 "$(ip netns exec "$b" "$NFSK" -j config get | jq .window_ms)"

check "rmmod" rmmod nfsketch
tap_done
