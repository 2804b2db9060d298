#!/usr/bin/env bash
# Install everything nfsketch needs to build, test and demo, with apt-get.
# Idempotent: when every package is already installed it only checks
# (dpkg-query) and returns in well under a second.
#
# The guest kernel is Debian's generic linux-image-amd64 (what Debian routers
# run); the module is built against the matching linux-headers-amd64, never
# against the host's `uname -r`, which cannot load modules here.
set -euo pipefail

pkgs=(
	# build
	build-essential make gcc pkg-config bc xz-utils
	libmnl-dev libnl-genl-3-dev libpcap-dev
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
)

missing=()
for p in "${pkgs[@]}"; do
	[[ $p == \#* ]] && continue
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root to install" >&2
	exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine.
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
