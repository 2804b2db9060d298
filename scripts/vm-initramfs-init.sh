#!/bin/sh
# /init of the tiny busybox initramfs (see vm-run.sh): load the 9p modules,
# mount the host's root read-only, give it writable tmpfs where the system
# expects to write, mount the checkout read-only and the run directory
# read-write at their host paths, then switch_root and hand over to the
# guest script of the checkout.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

for m in $(cat /modules.order); do
	insmod "$m" || echo "vm-init: insmod $m failed"
done

for w in $(cat /proc/cmdline); do
	case $w in
	nfsk.run=*) run=${w#nfsk.run=} ;;
	nfsk.guest=*) guest=${w#nfsk.guest=} ;;
	nfsk.top=*) top=${w#nfsk.top=} ;;
	esac
done

die() {
	echo "vm-init: $*"
	reboot -f	# QEMU -no-reboot: exits
}

mkdir -p /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /newroot ||
	die "cannot mount the host root"
for d in tmp run var; do
	mount -t tmpfs -o mode=0755 tmpfs "/newroot/$d" || die "tmpfs on /$d"
done
chmod 1777 /newroot/tmp
# The checkout again, at its own path: it may lie under /tmp or /var, now
# hidden by the tmpfs (mkdir fails harmlessly where the path exists).
mkdir -p "/newroot$top" 2>/dev/null
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose top "/newroot$top" ||
	die "cannot mount the checkout $top"
mount -t 9p -o trans=virtio,version=9p2000.L,rw,msize=512000 out "/newroot$run" ||
	die "cannot mount the run directory $run"
for d in proc sys dev; do
	mount --move "/$d" "/newroot/$d"
done
exec switch_root /newroot "$guest" "$run"
