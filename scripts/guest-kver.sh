#!/usr/bin/env bash
# Print the version of the newest installed Debian kernel that has both an
# image in /boot and its headers, i.e. the kernel the VM boots and the module
# is built against. Never the host's `uname -r`: this host cannot load modules.
set -euo pipefail
for img in $(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V -r); do
	kver=${img#/boot/vmlinuz-}
	if [ -e "/lib/modules/$kver/build/Makefile" ]; then
		echo "$kver"
		exit 0
	fi
done
echo "guest-kver.sh: no kernel with headers installed (run scripts/deps.sh)" >&2
exit 1
