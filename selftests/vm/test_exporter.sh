#!/bin/bash
# Prometheus exporter: a real Prometheus server scrapes `nfsketch exporter`
# in a test namespace; the exposition passes promtool's lint; the alerting
# rule (contrib/prometheus/nfsketch-rules.yml, unit-tested natively by
# selftests/prometheus/test_rules.sh) fires on the live server when a flood
# between two test namespaces raises VOLUME_SPIKE; the event counters equal
# what the kernel's window history says (packets per protocol and family,
# flagged windows, route events, window sizes).
# vm-timeout: 600
. "$(dirname "$0")/lib.sh"

rules=$NFSK_TOP/contrib/prometheus/nfsketch-rules.yml
command -v prometheus >/dev/null && command -v promtool >/dev/null ||
	{ not_ok "prometheus/promtool missing (scripts/deps.sh)"; tap_done; exit 1; }

modprobe -q veth
load_module || { not_ok "insmod"; tap_done; exit 1; }
a=$(make_ns a)
b=$(make_ns b)
no_ipv6 "$a"
no_ipv6 "$b"
veth_pair "$a" 10.96.0.1/24 "$b" 10.96.0.2/24
tmp=/tmp/exporter.$NFSK_ID
mkdir -p "$tmp"
on_exit rm -rf "$tmp"
# one-second windows; a history of 3 windows is enough to judge, and a
# spike needs 1000 packets: the scrapes over a's loopback (tens of packets a
# second) never make one
ip netns exec "$a" "$NFSK" config set window_ms=1000 min_history=3 min_packets=1000 \
	min_bytes=200000 || not_ok "config set"

# the setup's route events and packets in closed windows before the
# exporter starts: the windows it may miss from w1 on are quiet
wait_windows "$a" 2 30
w1=$(open_window_id "$a")
port=9917
ip netns exec "$a" "$NFSK" exporter --listen 127.0.0.1:$port 2>"$tmp/exporter.err" &
exp=$!
on_exit kill $exp
scrape() { ip netns exec "$a" curl -sf "http://127.0.0.1:$port/metrics"; }
# metric NAME{LABELS}: its value in a scrape
metric() { scrape | awk -v m="$1" '$1 == m { print $2 }'; }
serving() { scrape >/dev/null; }
check "exporter serves /metrics" wait_for 60 serving
scrape >"$tmp/scrape1.txt"
check "promtool check metrics: the exposition lints clean" \
	sh -c "promtool check metrics <'$tmp/scrape1.txt'"
version=$("$NFSK" -V | awk '{ print $2 }')
check_eq "nfsketch_build_info carries the CLI's version" 1 \
	"$(awk -v m="nfsketch_build_info{version=\"$version\"}" '$1 == m { print $2 }' "$tmp/scrape1.txt")"
check_eq "nfsketch_up" 1 "$(awk '$1 == "nfsketch_up" { print $2 }' "$tmp/scrape1.txt")"
check "one HELP and one TYPE per metric family" \
	test "$(grep -c '^# TYPE' "$tmp/scrape1.txt")" = "$(grep '^# TYPE' "$tmp/scrape1.txt" | awk '{ print $3 }' | sort -u | wc -l)"
check_eq "an unknown path is 404" 404 \
	"$(ip netns exec "$a" curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")"

# the server, scraping every second, evaluating every second
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["$rules"]
scrape_configs:
  - job_name: nfsketch
    static_configs:
      - targets: ["127.0.0.1:$port"]
EOF
ip netns exec "$a" prometheus --config.file="$tmp/prometheus.yml" \
	--storage.tsdb.path="$tmp/data" --web.listen-address=127.0.0.1:9090 \
	>"$tmp/prometheus.log" 2>&1 &
prom=$!
on_exit kill $prom
api() { ip netns exec "$a" curl -sf "http://127.0.0.1:9090/api/v1/$1"; }
prom_ready() { ip netns exec "$a" curl -sf http://127.0.0.1:9090/-/ready >/dev/null; }
check "prometheus is ready" wait_for 120 prom_ready ||
	tail -n 20 "$tmp/prometheus.log" | sed 's/^/# prometheus: /'
target_up() {
	[ "$(api 'query?query=up%7Bjob%3D%22nfsketch%22%7D' | jq -r '.data.result[0].value[1]')" = 1 ]
}
check "prometheus scrapes the exporter (up == 1)" wait_for 120 target_up
spike_in_tsdb() {
	[ "$(api 'query?query=nfsketch_alerts_total%7Bflag%3D%22volume_spike%22%7D' |
		jq -r '.data.result[0].value[1]')" = 0 ]
}
check "the server holds nfsketch_alerts_total{flag=\"volume_spike\"} = 0" wait_for 60 spike_in_tsdb
firing() {
	api alerts | jq -e '[.data.alerts[] | select(.labels.alertname == "NfsketchVolumeSpike"
		and .state == "firing")] | length > 0' >/dev/null
}
no_alert() { api alerts >"$tmp/alerts.json" && ! grep -q NfsketchVolumeSpike "$tmp/alerts.json"; }

# a history of scrapes only, then a flood from b to a (bounded: 3000
# datagrams)
wait_windows "$a" 4 30
check "no alert before the flood" no_alert
wf=$(open_window_id "$a")
ip -n "$a" route add 10.96.5.0/24 via 10.96.0.2
ip netns exec "$b" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000): s.sendto(b"f" * 200, ("10.96.0.1", 7000))'
spiked() { ip netns exec "$a" "$NFSK" -j windows |
	jq -e "[.[] | select(.id >= $wf and (.flag_names | index(\"VOLUME_SPIKE\")))] | length > 0" >/dev/null; }
check_eq "no VOLUME_SPIKE before the flood" 0 \
	"$(ip netns exec "$a" "$NFSK" -j windows | jq "[.[] | select(.id < $wf and (.flag_names | index(\"VOLUME_SPIKE\")))] | length")"
check "the flood raised VOLUME_SPIKE in the kernel's window history" wait_for 60 spiked
check "the rule fires on the live server" wait_for 120 firing
api alerts | jq -c '.data.alerts[]' | sed 's/^/# alert: /'

# counters against the kernel's own history: scrapes stopped, a quiet
# window closed (nothing in flight), then one scrape whose
# nfsketch_exporter_last_window_id says up to which window it counted
kill $prom
wait $prom 2>/dev/null
wait_quiet "$a"
scrape >"$tmp/scrape2.txt"
m() { awk -v m="$1" '$1 == m { print $2 }' "$tmp/scrape2.txt"; }
last=$(m nfsketch_exporter_last_window_id)
ip netns exec "$a" "$NFSK" -j windows |
	jq "[.[] | select(.id >= $w1 and .id <= ${last:-0})]" >"$tmp/windows.json"
hist() { jq "$1" "$tmp/windows.json"; }
check_eq "nfsketch_protocol_packets_total{protocol=\"udp\"} = the windows' UDP packets" \
	"$(hist '[.[].udp] | add')" "$(m 'nfsketch_protocol_packets_total{protocol="udp"}')"
check "the flood is in it (>= 3000)" test "$(m 'nfsketch_protocol_packets_total{protocol="udp"}')" -ge 3000
check_eq "nfsketch_protocol_packets_total{protocol=\"tcp\"} = the windows' TCP packets (the scrapes)" \
	"$(hist '[.[].tcp] | add')" "$(m 'nfsketch_protocol_packets_total{protocol="tcp"}')"
check_eq "nfsketch_family_packets_total{family=\"ipv4\"} = the windows' IPv4 packets" \
	"$(hist '[.[].ipv4] | add')" "$(m 'nfsketch_family_packets_total{family="ipv4"}')"
check_eq "nfsketch_flagged_windows_total{flag=\"volume_spike\"} = flagged windows in the history" \
	"$(hist '[.[] | select(.flag_names | index("VOLUME_SPIKE"))] | length')" \
	"$(m 'nfsketch_flagged_windows_total{flag="volume_spike"}')"
check "nfsketch_alerts_total{flag=\"volume_spike\"} >= 1" \
	test "$(m 'nfsketch_alerts_total{flag="volume_spike"}')" -ge 1
check_eq "nfsketch_route_events_total{family=\"ipv4\",event=\"add\"} = the history's" \
	"$(hist '[.[].route_add4] | add')" \
	"$(m 'nfsketch_route_events_total{family="ipv4",event="add"}')"
check_eq "the route add, one by one, with its protocol (ip route: boot)" 1 \
	"$(m 'nfsketch_route_notifications_total{family="ipv4",event="add",protocol="boot"}')"
check_eq "nfsketch_window_size_packets_sum = the windows' packets" \
	"$(hist '[.[].packets] | add')" "$(m nfsketch_window_size_packets_sum)"
grep -E '^nfsketch_(alerts|protocol_packets|family_packets|route_notifications)_total' \
	"$tmp/scrape2.txt" | sed 's/^/# /'

tap_done
