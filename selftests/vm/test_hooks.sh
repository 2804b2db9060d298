#!/bin/bash
# monitor's alert hooks and its life across rmmod/insmod:
# - --exec runs the hook exactly once per alert the kernel sent (an
#   independent raw-netlink listener, nl_listen.py, is the oracle: the same
#   multiset of window ids), the alert's JSON on stdin agrees with its
#   NFSK_* environment, --exec-max 1 never overlaps two hooks;
# - --exec-timeout kills a hook that hangs (by PID: none is left);
# - --syslog sends journald fields when journald listens, syslog(3) when not;
# - rmmod: monitor without --follow exits 1; with --follow it resubscribes
#   after insmod and prints the next window.
. "$(dirname "$0")/lib.sh"

load_module || { not_ok "insmod"; tap_done; exit 1; }
d=/sys/kernel/nfsketch
echo 1000 >$d/window_ms
echo 10 >$d/min_route_events
T=/tmp/hooks.$NFSK_ID
mkdir -p $T
on_exit rm -rf $T

a=$(make_ns a)
ip -n "$a" link add dummy0 type dummy 2>/dev/null || { modprobe -q dummy; ip -n "$a" link add dummy0 type dummy; }
ip -n "$a" link set dummy0 up
ip -n "$a" addr add 10.50.0.1/24 dev dummy0

# the hook under test: records env and JSON, detects an overlap with mkdir
cat >$T/hook <<HOOK
#!/bin/sh
mkdir $T/lock 2>/dev/null || echo overlap >>$T/overlap
json=\$(cat)
echo "\$NFSK_WINDOW_ID \$NFSK_FLAG \$(printf '%s' "\$json" | jq -r '"\(.alert.window_id) \(.alert.flag)"')" >>$T/runs
# hold the slot a little: a second hook started meanwhile would overlap
sleep 0.2
rmdir $T/lock
HOOK
# a hook that hangs: only the timeout ends it
cat >$T/hang <<HOOK
#!/bin/sh
echo \$\$ >>$T/hang.pids
exec sleep 600
HOOK
chmod +x $T/hook $T/hang

# a fake journald (native protocol: KEY=value lines) and a fake /dev/log
cat >$T/sink.py <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "ab", buffering=0)
while True:
    out.write(s.recv(65536).replace(b"\n", b"|") + b"\n")
PY
mkdir -p /run/systemd/journal
python3 $T/sink.py /run/systemd/journal/socket $T/journal &
on_exit kill $!
on_exit rm -f /run/systemd/journal/socket
have_journal() { test -S /run/systemd/journal/socket; }
check "fake journald listening" wait_for 10 have_journal

ip netns exec "$a" python3 "$NFSK_TOP/selftests/vm/nl_listen.py" alerts >$T/oracle 2>&1 &
oracle=$!
on_exit kill $oracle
ip netns exec "$a" "$NFSK" monitor --exec $T/hook --exec-max 1 --exec-timeout 60 \
	>$T/mon1.out 2>$T/mon1.err &
mon1=$!
on_exit kill $mon1
ip netns exec "$a" "$NFSK" monitor -f -e $T/hang -m 2 -T 5 >$T/mon2.out 2>$T/mon2.err &
mon2=$!
on_exit kill $mon2
ip netns exec "$a" "$NFSK" -j monitor --syslog >$T/mon3.out 2>$T/mon3.err &
mon3=$!
on_exit kill $mon3
listening() {
	grep -q joined $T/oracle && grep -q listening $T/mon1.err && grep -q listening $T/mon2.err
}
check "oracle and monitors listening" wait_for 30 listening

# route flap storm: ROUTE_FLAP (per prefix) and ROUTE_CHURN alerts
for i in $(seq 1 100); do
	echo "route add 10.80.$((i % 4)).0/24 via 10.50.0.2"
	echo "route del 10.80.$((i % 4)).0/24"
done >$T/storm
ip -n "$a" -batch $T/storm
check "windows closed after the storm" wait_quiet "$a" 30
n_alerts() { grep -c '^alert ' $T/oracle; }
n_runs() { wc -l <$T/runs 2>/dev/null || echo 0; }
runs_done() { [ "$(n_runs)" -ge "$(n_alerts)" ] && [ "$(n_alerts)" -gt 0 ]; }
check "the storm raised alerts ($(n_alerts))" test "$(n_alerts)" -gt 0
check "the hook ran for each" wait_for 60 runs_done
sleep_runs=$(n_alerts)
check_eq "one hook run per alert" "$(n_alerts)" "$(n_runs)"
check_eq "the hooks saw the oracle's window ids" \
	"$(awk '/^alert /{print $2}' $T/oracle | sort -n | tr '\n' ' ')" \
	"$(awk '{print $1}' $T/runs | sort -n | tr '\n' ' ')"
check_eq "NFSK_* and JSON agree in every run" 0 "$(awk '$1 != $3 || $2 != $4' $T/runs | wc -l)"
check "ROUTE_FLAP among the hook runs" grep -q ' ROUTE_FLAP ' $T/runs
check "--exec-max 1: no two hooks at once" test ! -e $T/overlap
head -3 $T/runs | sed 's/^/# run: /'

# the hanging hooks: every one killed at its timeout
killed() { [ "$(grep -c 'killed after its timeout' $T/mon2.err)" -ge "$sleep_runs" ]; }
check "every hanging hook killed after 5 s" wait_for 60 killed
check_eq "hanging hooks started, one per alert" "$sleep_runs" "$(wc -l <$T/hang.pids)"
left=0
for p in $(cat $T/hang.pids); do kill -0 "$p" 2>/dev/null && left=$((left + 1)); done
check_eq "no hanging hook left" 0 "$left"

# --syslog: window and alert events with their fields in the journal
check "journal: a window event" grep -q 'MESSAGE={"type":"window".*PRIORITY=6.*NFSK_EVENT=window' $T/journal
check "journal: an alert with NFSK_FLAG at warning" \
	grep -q 'PRIORITY=4|SYSLOG_IDENTIFIER=nfsketch|NFSK_EVENT=alert|NFSK_FLAG=' $T/journal
check_eq "--syslog: nothing on stdout" 0 "$(wc -c <$T/mon3.out)"

# without journald: syslog(3) to /dev/log
kill $mon3
python3 $T/sink.py /dev/log $T/syslog &
on_exit kill $!
on_exit rm -f /dev/log
have_log() { test -S /dev/log; }
wait_for 10 have_log
rm -f /run/systemd/journal/socket
ip netns exec "$a" "$NFSK" monitor --syslog >$T/mon4.out 2>$T/mon4.err &
mon4=$!
on_exit kill $mon4
syslogged() { grep -q 'nfsketch\[[0-9]*\]: \[window\] ' $T/syslog; }
check "syslog(3) without journald: a window line" wait_for 30 syslogged
sed -n 1p $T/syslog | sed 's/^/# syslog: /'

# rmmod: mon1 exits 1, mon2 (--follow) waits
check "rmmod under the monitors" unload_module
exited() { ! kill -0 $mon1 2>/dev/null; }
check "monitor noticed the family going away" wait_for 30 exited
wait $mon1
check_eq "and exited with status 1" 1 $?
check "it said why" grep -q 'module removed' $T/mon1.err
check "--follow: waiting" grep -q 'waiting for it' $T/mon2.err
check "--follow: still running" kill -0 $mon2
before=$(grep -c '^\[window\]' $T/mon2.out)
insmod "$NFSK_KO" || not_ok "insmod again"
echo 1000 >$d/window_ms
again() { grep -q 'listening again' $T/mon2.err; }
check "--follow: resubscribed after insmod" wait_for 30 again
new_window() { [ "$(grep -c '^\[window\]' $T/mon2.out)" -gt "$before" ]; }
check "--follow: a window after the reload" wait_for 30 new_window
grep '^\[window\]' $T/mon2.out | tail -1 | sed 's/^/# /'
kill $mon2
wait $mon2
check_eq "--follow monitor ends 0 on SIGTERM" 0 $?
sed 's/^/# mon2: /' $T/mon2.err | grep -v 'killed after' | head
tap_done
