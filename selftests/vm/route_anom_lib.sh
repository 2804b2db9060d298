# Shared by test_route_burst.sh and test_route_default.sh (sourced after
# lib.sh): the module loaded, namespace $s with a dummy device and
# addresses, `nsk` running the CLI in it, window_ms 1 s and the burst rule's
# share and minimum set, a JSON `monitor` writing $tmp/mon, and helpers.
# Usage: route_anom_setup NAME (NAME: the namespace's prefix).
route_anom_setup() {
	load_module || { not_ok "insmod"; tap_done; exit 1; }
	tmp=$(mktemp -d)
	on_exit rm -rf "$tmp"

	s=$(make_ns "$1")
	ip -n "$s" link add dummy0 type dummy
	ip -n "$s" link set dummy0 up
	ip -n "$s" addr add 10.60.0.1/24 dev dummy0
	ip -n "$s" addr add 2001:db8:60::1/64 dev dummy0 nodad
	nsk() { ip netns exec "$s" "$NFSK" "$@"; }
	check "config: burst share 500 per mille, at least 100" \
		nsk config set window_ms=1000 withdraw_burst_permille=500 withdraw_burst_min=100
	nsk -j monitor >"$tmp/mon" 2>"$tmp/mon.err" &
	on_exit kill $!
	check "monitor listening" wait_windows "$s" 2

	# alerts FLAG: the monitor's alerts of FLAG as "window family table
	# protocol value baseline reason" lines
	alerts() {
		jq -r --arg f "$1" 'select(.type == "alert" and .alert.flag == $f) |
			"\(.alert.window_id) \(.alert.route.family) \(.alert.route.table) \(.alert.route.protocol_name) \(.alert.value) \(.alert.baseline) \(.alert.reason // "-")"' \
			"$tmp/mon"
	}
	# flagged FLAG: ids of the closed windows whose flags have FLAG
	flagged() {
		nsk -j windows | jq -r --arg f "$1" '.[] | select(.flag_names | index($f)) | .id'
	}
	has_window() { nsk -j windows | jq -e --argjson w "$1" 'any(.[]; .id == $w)' >/dev/null; }
}
