#!/bin/bash
# Module parameters: the defaults of the initial namespace and of every
# namespace created later, given at load time (insmod/modprobe arguments or
# `options nfsketch ...` in a modprobe.d file), validated like sysfs. The
# oracle is what the test passes and the documented ranges; a bad value
# fails the load with -EINVAL, a kernel log line naming the parameter and
# what it accepts, and no module left loaded.
. "$(dirname "$0")/lib.sh"

loaded() {
	grep -q '^nfsketch ' /proc/modules
}

# config_of NS KEY: one key of `nfsketch -j config get` in NS ("" = initial).
config_of() {
	if [ -n "$1" ]; then
		ip netns exec "$1" "$NFSK" -j config get | jq -r ".$2"
	else
		"$NFSK" -j config get | jq -r ".$2"
	fi
}

# Given in this order on purpose: flap_reuse=3000 is above the default
# flap_suppress (2000), so the cross rule must wait for every parameter.
declare -A want=([window_ms]=20000 [cms_width]=4096 [flap_reuse]=3000
	[flap_suppress]=5000 [min_bytes]=4294967295)
args="window_ms=20000 cms_width=4096 flap_reuse=3000 flap_suppress=5000 min_bytes=4294967295"

# The defaults of a load without parameters, to compare after the failed
# loads below.
check "insmod without parameters" load_module
declare -A plain
for k in window_ms cms_width flap_reuse flap_suppress min_bytes; do
	plain[$k]=$(cat /sys/kernel/nfsketch/$k)
done
check "a parameter differs from the default" test "${plain[window_ms]}" != 20000

check "insmod with parameters ($args)" load_module $args
early=$(make_ns early)
for k in window_ms cms_width flap_reuse flap_suppress min_bytes; do
	check_eq "/sys/kernel/nfsketch/$k" "${want[$k]}" "$(cat /sys/kernel/nfsketch/$k)"
	check_eq "/sys/module/nfsketch/parameters/$k" "${want[$k]}" \
		"$(cat /sys/module/nfsketch/parameters/$k)"
	check_eq "config get, initial namespace: $k" "${want[$k]}" "$(config_of "" $k)"
	check_eq "config get, namespace created after the load: $k" "${want[$k]}" \
		"$(config_of "$early" $k)"
done

# The parameter file reads the current default, changed through sysfs; it
# is read-only itself.
echo 30000 >/sys/kernel/nfsketch/window_ms
check_eq "parameter file follows a sysfs write" 30000 \
	"$(cat /sys/module/nfsketch/parameters/window_ms)"
check "parameter file is read-only" \
	bash -c '! echo 40000 2>/dev/null >/sys/module/nfsketch/parameters/window_ms' 2>/dev/null
late=$(make_ns late)
check_eq "namespace created after the sysfs write" 30000 "$(config_of "$late" window_ms)"
check_eq "the earlier namespace keeps its own" 20000 "$(config_of "$early" window_ms)"
check "rmmod" unload_module

# modprobe with a modprobe.d file, as a router is configured: a private
# module directory and configuration (the host's are read-only).
kver=$(uname -r)
modroot=$(mktemp -d)
on_exit rm -rf "$modroot"
mkdir -p "$modroot/lib/modules/$kver/extra" "$modroot/modprobe.d"
cp "$NFSK_KO" "$modroot/lib/modules/$kver/extra/"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	: >"$modroot/lib/modules/$kver/$f"
done
depmod -b "$modroot" "$kver"
echo "options nfsketch window_ms=25000 sah_entries=2048" >"$modroot/modprobe.d/nfsketch.conf"
check "modprobe with options from modprobe.d" \
	modprobe -d "$modroot" -C "$modroot/modprobe.d" nfsketch
ns=$(make_ns mp)
check_eq "modprobe.d window_ms, initial namespace" 25000 "$(config_of "" window_ms)"
check_eq "modprobe.d sah_entries, new namespace" 2048 "$(config_of "$ns" sah_entries)"
check "rmmod" unload_module

# Bad values: the load fails, the kernel log says which parameter and what
# it accepts, nothing stays loaded.
bad_load() {
	local desc=$1 msg=$2
	shift 2
	local mark out
	mark="nfsk-test-$NFSK_ID-$RANDOM"
	echo "$mark" >/dev/kmsg
	if insmod "$NFSK_KO" "$@" 2>/dev/null; then
		not_ok "$desc: insmod $* succeeded"
		unload_module
		return
	fi
	out=$(dmesg | sed -n "/$mark/,\$p")
	if loaded; then
		not_ok "$desc: module left loaded"
	elif ! grep -qF -- "$msg" <<<"$out"; then
		not_ok "$desc: no \"$msg\" in the kernel log: $(tail -n 3 <<<"$out" | tr '\n' '|')"
	else
		ok "$desc"
	fi
}
bad_load "cms_width=1000 refused (not a power of two)" \
	"cms_width=1000: must be a power of two in 64..1048576" cms_width=1000
bad_load "window_ms=10 refused (below the range)" \
	"window_ms=10: must be 100..3600000" window_ms=10
bad_load "window_ms=3600001 refused (above the range)" \
	"window_ms=3600001: must be 100..3600000" window_ms=3600001
bad_load "window_ms=abc refused (not a number)" \
	"window_ms=abc: must be 100..3600000" window_ms=abc
bad_load "flap_reuse above the default flap_suppress refused" \
	"flap_reuse must be below flap_suppress" flap_reuse=3000
bad_load "flap_reuse above a given flap_suppress refused" \
	"flap_reuse must be below flap_suppress" flap_suppress=4000 flap_reuse=5000
bad_load "min_history above a given history refused" \
	"min_history must not exceed history" history=10 min_history=20

# A good load after the failed ones starts from the table's defaults again
# (the failed loads left nothing behind).
check "insmod without parameters again" load_module
for k in window_ms cms_width flap_reuse flap_suppress min_bytes; do
	check_eq "$k as without parameters" "${plain[$k]}" "$(cat /sys/kernel/nfsketch/$k)"
done
check "rmmod" unload_module
tap_done
