#!/usr/bin/env bash
# guest-kver.sh [SERIES] - print the version of the newest installed Debian
# kernel of SERIES (default 6.1; e.g. 6.12, or 6.12-rt for the PREEMPT_RT
# flavour) that has both an image in /boot and its headers: the kernel the
# VM boots and the module is built against. Never the host's `uname -r`:
# this host cannot load modules.
set -euo pipefail
series=${1:-6.1}
flavour=amd64
case $series in
*-rt) flavour=rt-amd64; series=${series%-rt} ;;
esac
for img in $(ls -1 /boot/vmlinuz-"$series".* 2>/dev/null | sort -V -r); do
	kver=${img#/boot/vmlinuz-}
	case $kver in
	*-rt-amd64 | *-cloud-amd64) [ "$flavour" = rt-amd64 ] && [[ $kver == *-rt-amd64 ]] || continue ;;
	*-amd64) [ "$flavour" = amd64 ] || continue ;;
	*) continue ;;
	esac
	if [ -e "/lib/modules/$kver/build/Makefile" ]; then
		echo "$kver"
		exit 0
	fi
done
echo "guest-kver.sh: no ${1:-6.1} kernel with headers installed (run scripts/deps.sh)" >&2
exit 1
