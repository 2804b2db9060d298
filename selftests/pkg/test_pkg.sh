#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# test_pkg.sh - installing nfsketch like any out-of-tree module, checked
# from outside: DKMS builds against the 6.1 and 6.12 headers (a DKMS tree
# under build/, signed with a throw-away MOK key), `make deb` with the files
# of both packages and lintian, `make install DESTDIR=` writing nothing
# outside DESTDIR, the man pages (mandoc/man lint, every CLI command and
# option documented), the hardening flags of the packaged binary, the
# systemd units, the bash completion and the configuration script.
# Prints TAP (make check tees it into build/results/pkg.tap). Needs root
# (dkms, strace, a find over /).
set -uo pipefail
cd "$(dirname "$0")/../.."
top=$PWD
work=$top/build/pkg
rm -rf "$work"
mkdir -p "$work"

PLAN=13
n=0
echo "1..$PLAN"
tap() { # tap RC DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
# A test that never ran is a failure.
finish() {
	while [ $n -lt $PLAN ]; do tap 1 "not run (the script stopped early)"; done
}
trap finish EXIT
diag() { sed 's/^/# /'; }

version=$(sed -n 's/^#define NFSKETCH_VERSION[^"]*"\(.*\)"/\1/p' kmod/nfsketch.h)

# ---- 1: one version everywhere ---------------------------------------------
(
	rc=0
	v=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
	[ "$v" = "$version" ] || { echo "dkms.conf PACKAGE_VERSION $v != $version"; rc=1; }
	v=$(dpkg-parsechangelog -l debian/changelog -S Version)
	[ "$v" = "$version" ] || { echo "debian/changelog $v != $version"; rc=1; }
	grep -q '^AUTOINSTALL="yes"' dkms.conf || { echo "dkms.conf: no AUTOINSTALL=yes"; rc=1; }
	exit $rc
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "dkms.conf and debian/changelog carry NFSKETCH_VERSION $version, AUTOINSTALL=yes"

slow() { [ -z "${NFSK_PKG_SKIP_SLOW:-}" ]; }

# ---- 2-3: DKMS builds in a tree under build/ ---------------------------------
# dkms reads the signing key from the environment when framework.conf does
# not set it: a throw-away key here, so the live /var/lib/dkms is not
# touched, and the signer proves DKMS signed the module.
dk=$work/dkms
mkdir -p "$dk/tmp" "$dk/modules" "$dk/tree"
make --no-print-directory -s install-dkms DESTDIR="$dk/src" DKMSSRCDIR=/nfsketch-$version
openssl req -new -x509 -nodes -days 2 -subj "/CN=nfsketch test MOK $$/" \
	-newkey rsa:2048 -keyout "$dk/mok.key" -outform DER -out "$dk/mok.pub" >/dev/null 2>&1
dkms_run() {
	TMPDIR=$dk/tmp mok_signing_key=$dk/mok.key mok_certificate=$dk/mok.pub \
		dkms "$@" -m nfsketch -v "$version" \
		--dkmstree "$dk/tree" --sourcetree "$dk/src" --installtree "$dk/modules"
}
if ! slow; then
	tap 0 "dkms build against 6.1 headers # SKIP NFSK_PKG_SKIP_SLOW"
	tap 0 "dkms build against 6.12 headers # SKIP NFSK_PKG_SKIP_SLOW"
else
dkms_run add >"$dk/add.log" 2>&1 || diag <"$dk/add.log"
for series in 6.1 6.12; do
	kver=$(scripts/guest-kver.sh "$series" 2>/dev/null)
	start=$SECONDS
	rc=1
	if [ -z "$kver" ]; then
		echo "# no $series kernel with headers installed"
	elif dkms_run build -k "$kver" >"$dk/build-$series.log" 2>&1; then
		ko=$(find "$dk/tree/nfsketch/$version/$kver" -name 'nfsketch.ko*' | head -1)
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
		signer=$(modinfo -F signer "$ko" 2>/dev/null)
		mv=$(modinfo -F version "$ko" 2>/dev/null)
		echo "# $series: $ko vermagic $vm, version $mv, signer '$signer'"
		[ "$vm" = "$kver" ] && [ "$mv" = "$version" ] &&
			[ "$signer" = "nfsketch test MOK $$" ] && rc=0
	else
		tail -20 "$dk/build-$series.log" | diag
		tail -20 "$dk/tree/nfsketch/$version/build/make.log" 2>/dev/null | diag
	fi
	echo "# dkms build for $series took $((SECONDS - start)) s"
	tap $rc "dkms build against $series headers ($kver): module for that kernel, signed with the MOK key"
done

fi

# ---- 4-6: make deb ---------------------------------------------------------
if ! slow; then
	for t in "make deb" "dpkg-deb -c" "lintian" "hardening flags"; do
		tap 0 "$t # SKIP NFSK_PKG_SKIP_SLOW"
	done
else
start=$SECONDS
make --no-print-directory deb >"$work/deb.log" 2>&1
rc=$?
echo "# make deb took $((SECONDS - start)) s"
[ $rc -eq 0 ] || tail -30 "$work/deb.log" | diag
tap $rc "make deb"

deb_dir=$top/build/deb
list() { dpkg-deb -c "$1" 2>/dev/null | awk '{print $6}' | sed 's|^\./|/|; s|/$||' | sort; }
(
	rc=0
	cli=$(ls "$deb_dir"/nfsketch_"$version"_*.deb 2>/dev/null)
	src=$(ls "$deb_dir"/nfsketch-dkms_"$version"_all.deb 2>/dev/null)
	[ -n "$cli" ] && [ -n "$src" ] || { echo "packages missing"; exit 1; }
	# listings captured first (grep -q on a pipe and pipefail do not mix)
	cli_files=$(list "$cli")
	src_files=$(list "$src")
	depends=$(dpkg-deb -f "$src" Depends)
	postinst=$(dpkg-deb -I "$src" postinst 2>/dev/null)
	for f in /usr/sbin/nfsketch /usr/share/man/man8/nfsketch.8.gz \
		/usr/share/man/man7/nfsketch-tunables.7.gz \
		/usr/share/bash-completion/completions/nfsketch \
		/lib/systemd/system/nfsketch-config.service \
		/lib/systemd/system/nfsketch-monitor.service \
		/usr/libexec/nfsketch/nfsketch-apply-config \
		/etc/modprobe.d/nfsketch.conf /etc/nfsketch/nfsketch.conf \
		/usr/share/doc/nfsketch/copyright; do
		grep -qx "$f" <<<"$cli_files" || { echo "nfsketch: no $f"; rc=1; }
	done
	# the module source: every file kbuild needs, the same as in the tree
	s=/usr/src/nfsketch-$version
	for f in Kbuild dkms.conf kmod/*.c kmod/*.h kmod/core/*.c include/nfsketch/*.h \
		include/uapi/linux/*.h; do
		grep -qx "$s/$f" <<<"$src_files" || { echo "nfsketch-dkms: no $s/$f"; rc=1; }
	done
	grep -qx /usr/share/doc/nfsketch-dkms/copyright <<<"$src_files" || { echo "nfsketch-dkms: no copyright"; rc=1; }
	grep -q dkms <<<"$depends" || { echo "nfsketch-dkms does not depend on dkms"; rc=1; }
	grep -q common.postinst <<<"$postinst" || { echo "nfsketch-dkms: no DKMS postinst"; rc=1; }
	# the examples in /etc change nothing: comments only
	x=$work/x
	rm -rf "$x" && mkdir -p "$x" && dpkg-deb -x "$cli" "$x"
	for f in etc/modprobe.d/nfsketch.conf etc/nfsketch/nfsketch.conf; do
		grep -qvE '^[[:space:]]*(#|$)' "$x/$f" && { echo "$f has an active line"; rc=1; }
	done
	exit $rc
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "dpkg-deb -c: nfsketch has the CLI, man pages, completion, units, /etc examples (comments only); nfsketch-dkms the module source and DKMS scripts"

start=$SECONDS
lintian --fail-on error --tag-display-limit 0 "$deb_dir"/*.changes >"$work/lintian.log" 2>&1
rc=$?
diag <"$work/lintian.log"
errors=$(grep -c '^E: ' "$work/lintian.log")
[ "$errors" -eq 0 ] || rc=1
echo "# lintian took $((SECONDS - start)) s, $errors errors, $(grep -c '^W: ' "$work/lintian.log") warnings"
tap $rc "lintian reports no error"

# ---- 7: hardening flags reached the packaged binary ------------------------
# readelf on the binary dpkg-buildflags built, and on one built without them
# (CFLAGS=-O2, no LDFLAGS): the same check must refuse the latter.
hardened() {
	# outputs captured first: grep -q closing a pipe early would fail
	# the pipeline under pipefail
	local d l h s
	d=$(readelf -d "$1") && l=$(readelf -lW "$1") && h=$(readelf -h "$1") &&
		s=$(readelf --dyn-syms -W "$1") || return 1
	grep -q 'BIND_NOW' <<<"$d" && grep -q 'GNU_RELRO' <<<"$l" && grep -q 'DYN' <<<"$h" &&
		grep -q '__stack_chk_fail' <<<"$s" && grep -qE '__[a-z]+_chk\b' <<<"$s"
}
(
	b=$work/x/usr/sbin/nfsketch
	[ -x "$b" ] || { echo "no packaged binary"; exit 1; }
	hardened "$b" || { echo "packaged binary not hardened"; exit 1; }
	make --no-print-directory -s tools BUILD="$work/plain" CFLAGS=-O2 LDFLAGS= CPPFLAGS= >/dev/null 2>&1
	[ -x "$work/plain/nfsketch" ] || { echo "plain build failed"; exit 1; }
	if hardened "$work/plain/nfsketch"; then
		echo "the check passes a binary built without the flags"
		exit 1
	fi
	exit 0
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "dpkg-buildflags reached the packaged binary (BIND_NOW, RELRO, PIE, stack protector, _FORTIFY_SOURCE); a plain build fails the same check"

fi

# ---- 8: make install DESTDIR writes nothing outside DESTDIR -----------------
# A copy of the tree without git (also proves `make install` needs none), a
# fresh DESTDIR; then every file changed on / since the stamp (outside the
# copy, /tmp, /proc, /sys, /dev, /run and the other worktrees) that an
# install could have written is a failure, and strace lists every absolute
# path the install wrote to.
kver=$(scripts/guest-kver.sh 6.1 2>/dev/null)
tree=$work/tree
rsync -a --exclude=.git --exclude=/build/ --exclude-from=.gitignore ./ "$tree/"
dest=$(mktemp -d /tmp/nfsk-destdir.XXXXXX)
(
	cd "$tree" || exit 1
	# build first, as a router would: the install itself then only copies
	make --no-print-directory KVER="$kver" all man >"$work/install-build.log" 2>&1 ||
		{ tail -20 "$work/install-build.log"; exit 1; }
	stamp=$work/stamp
	touch "$stamp"
	strace -f -qq -o "$work/install.strace" -e trace=%file -e status=successful \
		make --no-print-directory install KVER="$kver" DESTDIR="$dest" >"$work/install.log" 2>&1 ||
		{ tail -20 "$work/install.log"; exit 1; }
	rc=0
	changed=$(find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run \
		-o -path /tmp -o -path /work -o -path /var/tmp -o -path "$top" \) -prune \
		-o -newer "$stamp" -print 2>/dev/null)
	# attributable to an install: its names and its directories
	bad=$(grep -E 'nfsketch|^/lib/modules|^/usr/lib/modules|^/usr/local|^/etc/(modprobe\.d|nfsketch|systemd)|systemd/system|^/usr/share/(man|bash-completion)|^/usr/(s?bin|libexec)' <<<"$changed")
	if [ -n "$bad" ]; then
		echo "changed outside DESTDIR:"
		echo "$bad"
		rc=1
	fi
	# every absolute path written, created, renamed or removed by the install
	writes=$(grep -E '^[0-9]+ +((open|openat)\(.*O_(WRONLY|RDWR|CREAT)|(creat|mkdir|mkdirat|unlink|unlinkat|rename|renameat|renameat2|rmdir|link|linkat|symlink|symlinkat|chmod|fchmodat|chown|lchown|fchownat|utimensat|truncate)\()' "$work/install.strace" |
		grep -oE '"/[^"]*"' | tr -d '"' | sort -u)
	outside=$(grep -vE "^($dest|$tree|/tmp/|/dev/null$|/proc/)" <<<"$writes" | grep -v '^$')
	if [ -n "$outside" ]; then
		echo "install wrote outside DESTDIR:"
		echo "$outside"
		rc=1
	fi
	for f in /usr/local/sbin/nfsketch /usr/local/share/man/man8/nfsketch.8 \
		/usr/local/share/man/man7/nfsketch-tunables.7 \
		/usr/local/share/bash-completion/completions/nfsketch \
		/usr/local/libexec/nfsketch/nfsketch-apply-config \
		/usr/local/lib/systemd/system/nfsketch-config.service \
		/usr/local/lib/systemd/system/nfsketch-monitor.service \
		/etc/modprobe.d/nfsketch.conf /etc/nfsketch/nfsketch.conf; do
		[ -f "$dest$f" ] || { echo "missing $dest$f"; rc=1; }
	done
	ko=$(ls "$dest/lib/modules/$kver/extra/"nfsketch.ko* 2>/dev/null | head -1)
	if [ -z "$ko" ] || [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" != "$kver" ]; then
		echo "no module for $kver under $dest/lib/modules"
		rc=1
	fi
	grep -q "ExecStart=/usr/local/sbin/nfsketch monitor" \
		"$dest/usr/local/lib/systemd/system/nfsketch-monitor.service" ||
		{ echo "monitor unit does not run /usr/local/sbin/nfsketch"; rc=1; }
	# uninstall removes every file it installed
	make --no-print-directory uninstall KVER="$kver" DESTDIR="$dest" >>"$work/install.log" 2>&1 ||
		{ echo "make uninstall failed"; rc=1; }
	left=$(find "$dest" -type f ! -path "*/lib/modules/$kver/modules.*")
	[ -z "$left" ] || { echo "left after uninstall:"; echo "$left"; rc=1; }
	exit $rc
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "make install DESTDIR= (PREFIX=/usr/local) writes every file inside DESTDIR and nothing outside; make uninstall removes them"
rm -rf "$dest"

# ---- 9-10: man pages ---------------------------------------------------------
make --no-print-directory -s man >/dev/null 2>&1
(
	rc=0
	for p in build/man/nfsketch.8 build/man/nfsketch-tunables.7; do
		[ -s "$p" ] || { echo "no $p"; rc=1; continue; }
		out=$(mandoc -T lint -W all "$p" 2>&1)
		[ -z "$out" ] || { echo "$out"; rc=1; }
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		[ -z "$out" ] || { echo "$out"; rc=1; }
	done
	exit $rc
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "mandoc -T lint and man --warnings: both pages clean"

# Every command of `nfsketch --help` has its section in nfsketch(8), every
# long option of every command's help is in it, and every tunable of
# `nfsketch config --help` (the module's table) has its entry in
# nfsketch-tunables(7) with that table's range and default.
(
	rc=0
	cli=build/nfsketch
	make --no-print-directory -s tools >/dev/null 2>&1
	page=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' build/man/nfsketch.8)
	# an option is documented when it is the tag of a .TP entry
	tags=$(grep -A1 '^\.TP' <<<"$page" | grep -v '^\.TP\|^--$')
	cmds=$($cli --help | sed -n '/^Commands:/,$s/^  \([a-z]\+\).*/\1/p')
	[ "$(wc -w <<<"$cmds")" -ge 10 ] || { echo "cannot read the commands"; exit 1; }
	for c in $cmds; do
		grep -q "^\.SS $c\b" <<<"$page" || { echo "nfsketch(8): no section for $c"; rc=1; }
		for o in $($cli "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
			grep -qE -- "$o\b" <<<"$tags" || { echo "nfsketch(8): $c $o undocumented"; rc=1; }
		done
	done
	for o in $($cli --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qE -- "$o\b" <<<"$tags" || { echo "nfsketch(8): $o undocumented"; rc=1; }
	done
	tun=$(sed 's/\\-/-/g' build/man/nfsketch-tunables.7)
	while read -r key rest; do
		range=$(grep -oE '[0-9]+\.\.[0-9]+, default [0-9]+' <<<"$rest")
		min=${range%%..*}
		max=${range#*..}
		max=${max%%,*}
		def=${range##* }
		grep -A3 -x ".B $key" <<<"$tun" | grep -qx "Range $min to $max, default $def." ||
			{ echo "nfsketch-tunables(7): $key not 'Range $min to $max, default $def.'"; rc=1; }
	done < <($cli config --help | grep -E '^  [a-z_0-9]+ +.*default [0-9]+')
	exit $rc
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "nfsketch(8) documents every command and option of the CLI; nfsketch-tunables(7) every tunable with the table's range and default"

# ---- 11: systemd units -----------------------------------------------------
# Installed with PREFIX in build/ so that their ExecStart programs exist.
(
	u=$work/units
	make --no-print-directory -s install-tools PREFIX="$u/usr" SYSCONFDIR="$u/etc" >/dev/null 2>&1 ||
		{ echo "install-tools failed"; exit 1; }
	if ! command -v systemd-analyze >/dev/null; then
		echo "systemd-analyze not installed"
		exit 1
	fi
	out=$(systemd-analyze verify --man=no "$u"/usr/lib/systemd/system/nfsketch-*.service 2>&1)
	[ -z "$out" ] || { echo "$out"; exit 1; }
	grep -q '^Type=oneshot' "$u/usr/lib/systemd/system/nfsketch-config.service" &&
		grep -q "^ExecStart=$u/usr/sbin/nfsketch monitor" "$u/usr/lib/systemd/system/nfsketch-monitor.service"
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "systemd-analyze verify: nfsketch-config.service (oneshot) and nfsketch-monitor.service"

# ---- 12: the configuration script ------------------------------------------
# A fake /sys/kernel/nfsketch and a fake CLI that logs its arguments; -n
# prints the namespace commands. Oracle: the file written by hand below.
(
	c=$work/conf
	mkdir -p "$c/sys"
	for k in window_ms cms_width history version mem_bytes; do echo 0 >"$c/sys/$k"; done
	mkdir -p "$c/bin"
	printf '#!/bin/sh\necho "nfsketch $*" >>%s\n' "$c/log" >"$c/cli"
	# ip netns exec NAME CMD...: logged, then CMD runs here
	printf '#!/bin/sh\necho "ip $1 $2 $3" >>%s\nshift 3\nexec "$@"\n' "$c/log" >"$c/bin/ip"
	chmod +x "$c/cli" "$c/bin/ip"
	export PATH=$c/bin:$PATH
	cat >"$c/good.conf" <<-'EOF'
		# comment
		  # indented comment

		init window_ms=1000
		netns blue cms_width=1024 history=120
		default cms_width=512 history=60
	EOF
	rc=0
	NFSKETCH_SYSFS=$c/sys NFSKETCH_CLI=$c/cli contrib/nfsketch-apply-config "$c/good.conf" ||
		{ echo "good file refused"; rc=1; }
	[ "$(cat "$c/sys/cms_width") $(cat "$c/sys/history")" = "512 60" ] ||
		{ echo "defaults not written"; rc=1; }
	want=$(printf '%s\n' "nfsketch config set window_ms=1000" "ip netns exec blue" \
		"nfsketch config set cms_width=1024 history=120")
	[ "$(cat "$c/log")" = "$want" ] || { echo "init/netns lines:"; cat "$c/log"; rc=1; }
	out=$(NFSKETCH_SYSFS=$c/sys NFSKETCH_CLI=nfsketch contrib/nfsketch-apply-config -n "$c/good.conf")
	want=$(printf '%s\n' "echo 512 > $c/sys/cms_width" "echo 60 > $c/sys/history" \
		"nfsketch config set window_ms=1000" \
		"ip netns exec blue nfsketch config set cms_width=1024 history=120")
	[ "$out" = "$want" ] || { echo "dry run:"; echo "$out"; rc=1; }
	# a bad line fails the run with its number; the good lines still apply
	printf '%s\n' "default window_ms=2000" "default nosuch=1" "bogus x=1" \
		"default mem_bytes=1" "init window_ms" >"$c/bad.conf"
	err=$(NFSKETCH_SYSFS=$c/sys NFSKETCH_CLI=$c/cli contrib/nfsketch-apply-config "$c/bad.conf" 2>&1)
	[ $? -eq 1 ] || { echo "bad file accepted"; rc=1; }
	for l in 2 3 4 5; do
		grep -q "bad.conf:$l:" <<<"$err" || { echo "line $l not reported: $err"; rc=1; }
	done
	[ "$(cat "$c/sys/window_ms")" = 2000 ] || { echo "good line of a bad file not applied"; rc=1; }
	[ "$(cat "$c/sys/mem_bytes")" = 0 ] || { echo "wrote a read-only file"; rc=1; }
	exit $rc
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "nfsketch-apply-config: default lines to sysfs first, init/netns through the CLI, bad lines reported by number"

# ---- 13: bash completion ---------------------------------------------------
(
	[ -r /usr/share/bash-completion/bash_completion ] || { echo "bash-completion not installed"; exit 1; }
	PATH=$top/build:$PATH bash -c '
		. /usr/share/bash-completion/bash_completion
		. contrib/bash-completion/nfsketch
		comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			COMPREPLY=(); _nfsketch; echo "${COMPREPLY[*]}"; }
		rc=0
		r=$(comp nfsketch co); [ "$r" = config ] || { echo "command: $r"; rc=1; }
		r=$(comp nfsketch -j to); [ "$r" = top ] || { echo "after -j: $r"; rc=1; }
		r=$(comp nfsketch config set cms_); [ "$r" = "cms_width= cms_depth=" ] || { echo "keys: $r"; rc=1; }
		r=$(comp nfsketch top --by p); [ "$r" = packets ] || { echo "top --by: $r"; rc=1; }
		r=$(comp nfsketch replay --window); [ "$r" = --window-ms ] || { echo "replay: $r"; rc=1; }
		exit $rc'
) 2>&1 | diag
tap "${PIPESTATUS[0]}" "bash completion: commands, config keys from the table, options"
