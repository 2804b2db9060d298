#!/bin/bash
# Stress: what a router does to the module, hard, with an oracle for each.
#   1. load/unload cycles with traffic in 3 namespaces (IPv4, IPv6,
#      fragments), a `monitor` and a dump running at every rmmod
#   2. namespaces created and destroyed under traffic, with dumps in them
#   3. CONFIG_SET of the sizes at their min and max (the tunables table)
#      under traffic
#   4. a million distinct flows: memory unchanged (mem_bytes, slab)
#   5. hostile packets through a veth (bogus IHL and lengths, long IPv6
#      extension chains, fragments)
#   6. stalled and churning event listeners during route storms
#   7. rmmod during a dump and during `monitor`
# Oracles: module refcount and presence, mem_bytes back to its value, slab
# growth bounded, packet counts against nft counters at the same hooks and
# route changes against what was sent. Any splat fails the VM run.
#
# Sizes (environment): NFSK_STRESS_CYCLES (3), NFSK_STRESS_NS (30),
# NFSK_STRESS_FLOWS (1000000; 0: phase 4 not run, said in a comment line),
# NFSK_STRESS_STORMS (1); NFSK_STRESS_SECONDS
# (0: one round) repeats rounds of 1-6 until that many seconds have passed
# (`make check-stress`: an hour).
. "$(dirname "$0")/lib.sh"

CYCLES=${NFSK_STRESS_CYCLES:-3}
NSN=${NFSK_STRESS_NS:-30}
FLOWS=${NFSK_STRESS_FLOWS:-1000000}
STORMS=${NFSK_STRESS_STORMS:-1}
DURATION=${NFSK_STRESS_SECONDS:-0}
d=/sys/kernel/nfsketch

modprobe -q veth
modprobe -q dummy
tmp=$(mktemp -d)
on_exit rm -rf "$tmp"
echo "# stress: cycles $CYCLES, namespaces $NSN, flows $FLOWS, storms $STORMS, seconds $DURATION"

# the module's memory: all namespaces (sysfs), one namespace (its stats);
# `nfsketch stats` alone is the initial namespace's, which the namespaces,
# sizes and flows below never touch
mem_bytes() { cat $d/mem_bytes; }
ns_mem() { ip netns exec "$1" "$NFSK" -j stats | jq -r .mem_bytes; }
refcnt() { cat /sys/module/nfsketch/refcnt 2>/dev/null; }
# bytes of all slab objects in use
slab_bytes() { awk 'NR > 2 { s += $2 * $4 } END { printf "%d\n", s }' /proc/slabinfo; }
loaded() { grep -q '^nfsketch ' /proc/modules; }
phase_start() { phase_t0=$SECONDS; echo "# phase: $*"; }
phase_end() { echo "# phase took $((SECONDS - phase_t0)) s: $*"; }

# PID has its SIGINT/SIGTERM handlers in place (the CLI is up)
catching() {
	local m
	m=$(awk '/^SigCgt:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$m" ] && [ $((16#$m & 0x4002)) -eq $((0x4002)) ]
}

# ---- traffic in 3 namespaces, for the whole test ----------------------------
# IPv4 pings, IPv6 pings, IPv4 pings of 3000 bytes (fragments on a 1500 MTU).
# Bounded by count; ended by PID.
p4a=$(make_ns p4a) p4b=$(make_ns p4b)
p6a=$(make_ns p6a) p6b=$(make_ns p6b)
pfa=$(make_ns pfa) pfb=$(make_ns pfb)
veth_pair "$p4a" 10.91.0.1/24 "$p4b" 10.91.0.2/24
for ns in "$p6a" "$p6b"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.default.dad_transmits=0
done
veth_pair "$p6a" fd91::1/64 "$p6b" fd91::2/64
veth_pair "$pfa" 10.92.0.1/24 "$pfb" 10.92.0.2/24
traffic() {
	ip netns exec "$p4a" ping -q -c 500000 -i 0.01 -W 1 10.91.0.2 >/dev/null 2>&1 &
	echo $!
	ip netns exec "$p6a" ping -q -c 500000 -i 0.01 -W 1 fd91::2 >/dev/null 2>&1 &
	echo $!
	ip netns exec "$pfa" ping -q -c 500000 -i 0.02 -W 1 -s 3000 10.92.0.2 >/dev/null 2>&1 &
	echo $!
}
pingers=$(traffic)
on_exit kill $pingers
check "traffic in 3 namespaces (IPv4, IPv6, fragments)" kill -0 $pingers

# ---- 1. load/unload cycles ------------------------------------------------
cycles() {
	local i good=0 mon dump c0 bad="" t0 t1 t2
	phase_start "$CYCLES load/unload cycles"
	for i in $(seq 1 "$CYCLES"); do
		t0=$SECONDS
		insmod "$NFSK_KO" || { bad="$bad insmod#$i"; continue; }
		t1=$SECONDS
		echo 200 >$d/window_ms
		c0=$(refcnt)
		ip netns exec "$p4a" "$NFSK" monitor >/dev/null 2>&1 &
		mon=$!
		(for _ in $(seq 1 50); do
			ip netns exec "$p6a" "$NFSK" -j windows >/dev/null 2>&1
			ip netns exec "$pfa" "$NFSK" -j stats >/dev/null 2>&1
		done) &
		dump=$!
		wait_for 30 catching $mon || bad="$bad monitor#$i"
		# the hooks see the traffic of this load
		wait_for 30 eval '[ "$(stat "$pfa" packets)" -gt 0 ]' || bad="$bad traffic#$i"
		t2=$SECONDS
		unload_module || bad="$bad rmmod#$i"
		# where a slow cycle spends its time (rmmod waits a grace period
		# per monitored namespace: unregister_fib_notifier)
		echo "# cycle $i: insmod $((t1 - t0)) s, monitor and traffic seen $((t2 - t1)) s, rmmod $((SECONDS - t2)) s"
		if loaded; then
			bad="$bad still-loaded#$i"
		else
			good=$((good + 1))
		fi
		kill $mon $dump 2>/dev/null
		wait $mon $dump 2>/dev/null
		[ "${c0:-x}" = 0 ] || bad="$bad refcnt-at-load=$c0#$i"
	done
	check_eq "load/unload cycles under traffic, monitor and dump: all unloaded ($bad)" "$CYCLES" "$good"
	phase_end "$CYCLES cycles"
}

# ---- 2. namespaces created and destroyed under traffic --------------------
one_ns() {
	local ns=nfsk-s$1-$NFSK_ID
	ip netns add "$ns" || return 1
	ip -n "$ns" link set lo up
	ip netns exec "$ns" ping -q -c 20 -i 0.01 -W 1 127.0.0.1 >/dev/null 2>&1 &
	local p=$!
	ip netns exec "$ns" "$NFSK" -j windows >/dev/null || echo "dump failed in $ns"
	ip netns exec "$ns" "$NFSK" -j stats >/dev/null || echo "stats failed in $ns"
	# deleted while its ping may still run
	ip netns del "$ns"
	wait $p 2>/dev/null
	return 0
}
namespaces() {
	local m0 i j errs
	phase_start "$NSN namespaces"
	m0=$(mem_bytes)
	: >"$tmp/ns.err"
	for ((i = 0; i < NSN; i += 10)); do
		pids=()
		for ((j = i; j < i + 10 && j < NSN; j++)); do
			one_ns $j >>"$tmp/ns.err" 2>&1 &
			pids+=($!)
		done
		wait "${pids[@]}"
	done
	errs=$(grep -c . "$tmp/ns.err")
	check_eq "$NSN namespaces created and destroyed under traffic, dumps in each: no error" 0 "$errs"
	[ "$errs" = 0 ] || sed -n '1,5s/^/# /p' "$tmp/ns.err"
	left=$(ip netns list | grep -c "^nfsk-s[0-9]*-$NFSK_ID")
	check_eq "no namespace of them left" 0 "$left"
	# namespaces are freed by a workqueue after the last reference goes
	mem_back() { [ "$(mem_bytes)" = "$m0" ]; }
	wait_for 60 mem_back
	check_eq "mem_bytes back to its value after the namespaces" "$m0" "$(mem_bytes)"
	phase_end "$NSN namespaces"
}

# ---- 3. sizes at their min and max under traffic ----------------------------
sizes() {
	local m0 t lo hi def v got rc w mem_lo mem_hi
	phase_start "CONFIG_SET sizes at min and max"
	ip netns exec "$p4a" "$NFSK" config set window_ms=200
	m0=$(mem_bytes)
	for t in cms_width cms_depth sah_entries history; do
		# the range from the one table, as the CLI's help prints it
		read -r lo hi def <<<"$("$NFSK" config -h | awk -v n="$t" '$1 == n {
			for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+\.\.[0-9]+,$/) { split($i, r, /\.\.|,/); lo = r[1]; hi = r[2] }
			  else if ($i == "default") { d = $(i + 1); gsub(/[^0-9]/, "", d) }
			print lo, hi, d }')"
		for v in "$lo" "$hi" "$def"; do
			w=$(windows_closed "$p4a")
			ip netns exec "$p4a" "$NFSK" config set "$t=$v" 2>"$tmp/cfg.err"
			rc=$?
			if [ $rc -ne 0 ]; then
				# refused (memory): a clean error with the kernel's reason
				check "$t=$v refused cleanly ($(head -c 120 "$tmp/cfg.err"))" \
					grep -q '^Error: ' "$tmp/cfg.err"
				continue
			fi
			# applied at the next window boundary
			wait_for 60 windows_at_least "$p4a" $((w + 2))
			got=$(ip netns exec "$p4a" "$NFSK" -j config get | jq -r ".$t")
			check_eq "$t=$v under traffic" "$v" "$got"
			[ "$v" = "$lo" ] && mem_lo=$(ns_mem "$p4a")
			[ "$v" = "$hi" ] && mem_hi=$(ns_mem "$p4a")
		done
		if [ -n "${mem_lo:-}" ] && [ -n "${mem_hi:-}" ]; then
			check "$t: more memory at max ($mem_hi) than at min ($mem_lo)" test "$mem_hi" -gt "$mem_lo"
		fi
		unset mem_lo mem_hi
	done
	check_eq "mem_bytes back to its value at the defaults" "$m0" "$(mem_bytes)"
	check "windows still close in the resized namespace" wait_windows "$p4a" 2
	phase_end "sizes"
}

# ---- 4. a million distinct flows ------------------------------------------
# pktgen in fb sends FLOWS UDP packets to fa: source addresses run through
# 65536 values and source ports through 17, so every packet is a new flow
# (lcm 1114112). fa has no such address and does not forward: nothing comes
# back. The oracle: an nft counter at fa's PRE_ROUTING.
flows() {
	local fa fb mac m0 s0 p0 n0 m1 s1 p1 n1 t0 pg dev
	if [ "$FLOWS" -eq 0 ]; then
		echo "# phase: distinct flows not run (NFSK_STRESS_FLOWS=0)"
		return
	fi
	phase_start "$FLOWS flows"
	if ! modprobe -q pktgen; then
		not_ok "modprobe pktgen"
		return
	fi
	fa=$(make_ns fa) fb=$(make_ns fb)
	no_ipv6 "$fa"
	no_ipv6 "$fb"
	veth_pair "$fa" 10.93.0.1/24 "$fb" 10.93.0.2/24
	dev=vb$NFSK_ID
	dev=${dev:0:15}
	mac=$(ip -n "$fa" -j link show "va$NFSK_ID" | jq -r '.[0].address')
	ip netns exec "$fa" nft -f - <<NFT
table ip nfsk_stress { chain pre { type filter hook prerouting priority 0; counter; } }
NFT
	pg=/proc/net/pktgen
	ip netns exec "$fb" sh -c "
		echo rem_device_all >$pg/kpktgend_0 &&
		echo 'add_device $dev' >$pg/kpktgend_0 &&
		for c in 'count $FLOWS' 'pkt_size 64' 'delay 0' 'dst 10.93.0.99' \
			'dst_mac $mac' 'src_min 10.200.0.0' 'src_max 10.200.255.255' \
			'udp_src_min 1000' 'udp_src_max 1016' 'udp_dst_min 9' 'udp_dst_max 9'; do
			echo \"\$c\" >$pg/$dev || exit 1
		done" || { not_ok "pktgen setup"; return; }
	m0=$(mem_bytes) s0=$(slab_bytes)
	p0=$(stat "$fa" packets)
	n0=$(ip netns exec "$fa" nft -j list table ip nfsk_stress | jq '[.. | .packets? // empty] | add')
	t0=$SECONDS
	ip netns exec "$fb" timeout 900 sh -c "echo start >$pg/pgctrl"
	echo "# pktgen: $(ip netns exec "$fb" sed -n 's/^Result: //p' $pg/$dev) in $((SECONDS - t0)) s"
	sent=$(ip netns exec "$fb" awk '/pkts-sofar/ { print $2 }' $pg/$dev)
	check_eq "pktgen sent $FLOWS packets" "$FLOWS" "$sent"
	p1=$(stat "$fa" packets)
	n1=$(ip netns exec "$fa" nft -j list table ip nfsk_stress | jq '[.. | .packets? // empty] | add')
	m1=$(mem_bytes) s1=$(slab_bytes)
	check_eq "every packet that reached fa's PRE_ROUTING counted (nft counter)" $((n1 - n0)) $((p1 - p0))
	echo "# flows: $((n1 - n0)) packets reached fa of $sent sent (the rest dropped at the veth backlog)"
	check "at least 90% of the $FLOWS flows reached the hooks" test $((n1 - n0)) -ge $((FLOWS * 9 / 10))
	check_eq "mem_bytes unchanged by $FLOWS flows" "$m0" "$m1"
	echo "# slab in use: $s0 -> $s1 bytes ($((s1 - s0)))"
	check "slab growth under 4 MiB for $FLOWS flows ($((s1 - s0)) bytes)" test $((s1 - s0)) -lt $((4 << 20))
	ip netns exec "$fb" sh -c "echo rem_device_all >$pg/kpktgend_0"
	phase_end "$FLOWS flows"
}

# ---- 5. hostile packets ----------------------------------------------------
hostile() {
	local ha hb mac n0 p0 n1 p1 tr0 tr1
	phase_start "hostile packets"
	ha=$(make_ns ha) hb=$(make_ns hb)
	for ns in "$ha" "$hb"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_ra=0 \
			net.ipv6.conf.default.dad_transmits=0 \
			net.ipv6.conf.default.router_solicitations=0
	done
	veth_pair "$ha" 10.94.0.1/24 "$hb" 10.94.0.2/24
	add_addr "$ha" "va$NFSK_ID" fd94::1/64
	mac=$(ip -n "$ha" -j link show "va$NFSK_ID" | jq -r '.[0].address')
	# the oracle: nft counters at the same hooks as the module's
	ip netns exec "$ha" nft -f - <<NFT
table inet nfsk_stress {
	chain pre { type filter hook prerouting priority 0; counter; }
	chain out { type filter hook output priority 0; counter; }
}
NFT
	cnt() { ip netns exec "$ha" nft -j list table inet nfsk_stress | jq '[.. | .packets? // empty] | add'; }
	n0=$(cnt) p0=$(stat "$ha" packets) tr0=$(stat "$ha" truncated)
	ip netns exec "$hb" python3 "$NFSK_TOP/selftests/vm/hostile.py" "vb$NFSK_ID" "$mac" 20 >"$tmp/hostile.out" 2>&1
	rc=$?
	check "hostile.py sent its set ($(tail -n 1 "$tmp/hostile.out"))" test $rc -eq 0
	# replies (ICMP errors) are local output: wait until nothing moves
	settled() {
		local a b
		a=$(cnt)
		sleep 0.5
		b=$(cnt)
		[ "$a" = "$b" ]
	}
	wait_for 30 settled
	n1=$(cnt) p1=$(stat "$ha" packets) tr1=$(stat "$ha" truncated)
	check_eq "hostile set: packets counted = nft counters at the same hooks" $((n1 - n0)) $((p1 - p0))
	echo "# hostile: $((p1 - p0)) packets crossed the hooks, $((tr1 - tr0)) truncated"
	check "the module still counts in ha" eval '[ "$(stat "$ha" packets)" -ge "$p1" ]'
	phase_end "hostile"
}

# ---- 6. stalled and churning listeners during route storms ------------------
storms() {
	local ra w2 i churn listener total=0 ev lost
	phase_start "$STORMS route storms with listeners"
	ra=$(make_ns ra)
	no_ipv6 "$ra"
	ip -n "$ra" link add dummy0 type dummy
	ip -n "$ra" link set dummy0 up
	ip -n "$ra" addr add 10.50.0.1/24 dev dummy0
	ip netns exec "$ra" "$NFSK" config set window_ms=500
	ip netns exec "$ra" python3 "$NFSK_TOP/selftests/vm/nl_listen.py" stall >"$tmp/listen" &
	listener=$!
	on_exit kill $listener
	check "stalled listener joined" wait_for 30 grep -q joined "$tmp/listen"
	# churning: monitors that come and go, bounded
	(for i in $(seq 1 200); do
		ip netns exec "$ra" "$NFSK" monitor >/dev/null 2>&1 &
		m=$!
		for _ in $(seq 1 20); do catching $m && break; sleep 0.05; done
		kill -INT $m 2>/dev/null
		wait $m
	done) &
	churn=$!
	on_exit kill $churn
	wait_quiet "$ra" 30
	w2=$(windows_closed "$ra")
	for i in $(seq 1 "$STORMS"); do
		for j in $(seq 1 200); do
			echo "route add 10.80.$((j % 8)).0/24 via 10.50.0.2"
			echo "route del 10.80.$((j % 8)).0/24"
		done >"$tmp/storm"
		ip -n "$ra" -batch "$tmp/storm"
		total=$((total + 400))
	done
	kill $churn 2>/dev/null
	wait $churn 2>/dev/null
	check "windows closed after the storms" wait_quiet "$ra" 30
	check_eq "every route change of the storms counted" "$total" \
		"$(ip netns exec "$ra" "$NFSK" -j windows |
			jq "[.[] | select(.id > $w2) | .route_add4 + .route_del4 + .route_replace4] | add")"
	ev=$(ip netns exec "$ra" "$NFSK" -j stats)
	lost=$(echo "$ev" | jq '.events_coalesced + .events_dropped')
	check "events lost to the stalled listener are counted ($(echo "$ev" | jq -c '{events_sent,events_coalesced,events_dropped}'))" \
		test "$lost" -gt 0
	kill $listener 2>/dev/null
	wait $listener 2>/dev/null
	ip netns del "$ra"
	phase_end "storms"
}

# ---- 7. rmmod during a dump and during monitor ------------------------------
rmmod_busy() {
	local mon dump st
	phase_start "rmmod during a dump and monitor"
	ip netns exec "$p4a" "$NFSK" config set cms_width=65536
	wait_windows "$p4a" 2
	ip netns exec "$p4a" "$NFSK" monitor >/dev/null 2>&1 &
	mon=$!
	(for _ in $(seq 1 500); do
		ip netns exec "$p4a" "$NFSK" -j sketch >/dev/null 2>&1 || true
	done) &
	dump=$!
	check "monitor running" wait_for 30 catching $mon
	check "a sketch dump running" kill -0 $dump
	check "rmmod during a dump and monitor" unload_module
	check "module gone" sh -c "! grep -q '^nfsketch ' /proc/modules"
	check "sysfs gone" test ! -e $d
	kill $dump 2>/dev/null
	wait $dump 2>/dev/null
	kill -INT $mon 2>/dev/null
	wait $mon
	st=$?
	echo "# monitor after rmmod: exit status $st"
	check "monitor ended without a crash (status $st)" test $st -lt 128 -o $st -eq 130
}

# ---- rounds -----------------------------------------------------------------
load_module || { not_ok "insmod"; tap_done; exit 1; }
unload_module
round=0
t_start=$SECONDS
while :; do
	round=$((round + 1))
	echo "# round $round"
	cycles
	insmod "$NFSK_KO" || { not_ok "insmod after the cycles"; break; }
	echo 500 >$d/window_ms
	m_start=$(mem_bytes)
	s_start=$(slab_bytes)
	r_start=$(refcnt)
	namespaces
	sizes
	flows
	hostile
	storms
	check_eq "module refcount back to its value" "$r_start" "$(refcnt)"
	echo "# mem_bytes $m_start -> $(mem_bytes); slab $s_start -> $(slab_bytes)"
	[ "$DURATION" -gt 0 ] && [ $((SECONDS - t_start)) -lt "$DURATION" ] || break
	unload_module
done
rmmod_busy
echo "# stress: $round round(s) in $((SECONDS - t_start)) s"
kill $pingers 2>/dev/null
tap_done
