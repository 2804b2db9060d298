#!/usr/bin/env bash
# Install everything nfsketch needs to build, test and demo, with apt-get.
# Idempotent: when every package is already installed it only checks
# (dpkg-query) and returns in well under a second.
#
# The guest kernels, each with its headers (the module is built against
# them, never against the host's `uname -r`, which cannot load modules here):
# - 6.1: Debian 12's generic linux-image-amd64 / linux-headers-amd64;
# - 6.12: the newest linux-image-6.12.*+deb12-amd64-unsigned of the archive
#   (what Debian 13 routers run), and the newest PREEMPT_RT flavour
#   (-rt-amd64-unsigned). These have no meta package in Debian 12: the
#   newest version is looked up with apt-cache and exactly that one installed
#   (a glob would install every version). A series counts as present when
#   any of its kernels is installed with its headers, so a machine that has
#   them never waits for apt.
set -euo pipefail

pkgs=(
	# build
	build-essential make gcc pkg-config bc xz-utils
	libmnl-dev libnl-genl-3-dev libpcap-dev libsystemd-dev
	# nfsketch exporter (HTTP), export --ipfix, merge (reads JSON dumps)
	libmicrohttpd-dev libfixbuf-dev libjansson-dev
	# the guest kernel, its headers, and its source (kselftest_harness.h,
	# checkpatch.pl)
	linux-image-amd64 linux-headers-amd64 linux-source
	# lint
	sparse perl
	# the debug kernel built from linux-source (scripts/debug-kernel/)
	flex bison libelf-dev libssl-dev
	# VM
	qemu-system-x86 busybox-static cpio kmod
	# tools the guest runs from the host's root over 9p
	iproute2 iputils-ping tcpdump conntrack nftables python3 jq
	procps util-linux bird2 prometheus
	# the exporter's and the IPFIX export's tests: curl, nfdump's nfcapd
	curl nfdump
	# packaging and installing (selftests/pkg): DKMS, make deb, lintian,
	# man page lint, unit verification, completion, install tracing
	dkms dh-dkms debhelper dpkg-dev fakeroot lintian mandoc man-db rsync
	strace openssl systemd bash-completion
	# the native fuzzers (libFuzzer, ASan, UBSan: replay parse path,
	# tunables, CLI reply parsing), the host load of the test of the tests
	clang libclang-rt-14-dev stress-ng
	# make bench: instructions per packet (callgrind)
	valgrind
	# the netlink spec check (selftests/spec)
	python3-yaml
)

# One dpkg-query for all of them: the fast path must stay fast.
installed=" $({ dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null || :; } |
	awk '$NF == "installed" { printf "%s ", $1 }')"
missing=()
for p in "${pkgs[@]}"; do
	[[ $installed == *" $p "* ]] || missing+=("$p")
done

# kernel_missing FLAVOUR: no 6.12 kernel of FLAVOUR (amd64, rt-amd64)
# installed together with its headers.
kernel_missing() {
	local img kver
	for img in $({ dpkg-query -W -f='${Package} ${Status}\n' \
		"linux-image-6.12.*+deb12-$1-unsigned" 2>/dev/null || :; } |
		awk '$NF == "installed" { print $1 }'); do
		kver=${img#linux-image-}
		kver=${kver%-unsigned}
		dpkg-query -W -f='${Status}' "linux-headers-$kver" 2>/dev/null |
			grep -q 'install ok installed' && return 1
	done
	return 0
}

# newest_kernel FLAVOUR: the newest 6.12 version of FLAVOUR the archive has.
newest_kernel() {
	apt-cache search --names-only "^linux-image-6\.12\.[0-9.]*\+deb12-$1-unsigned\$" |
		awk '{ print $1 }' | sed -e 's/^linux-image-//' -e 's/-unsigned$//' |
		sort -V | tail -n 1
}

flavours=()
for f in amd64 rt-amd64; do
	kernel_missing "$f" && flavours+=("$f")
done

if [ ${#missing[@]} -eq 0 ] && [ ${#flavours[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root to install" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine.
apt-get update -qq
for f in "${flavours[@]}"; do
	kver=$(newest_kernel "$f")
	[ -n "$kver" ] || { echo "deps.sh: no linux-image-6.12.*+deb12-$f-unsigned in the archive" >&2; exit 1; }
	missing+=("linux-image-$kver-unsigned" "linux-headers-$kver")
done
echo "deps.sh: installing ${missing[*]}" >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
