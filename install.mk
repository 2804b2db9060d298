# SPDX-License-Identifier: GPL-2.0
# Installing: included by the top-level Makefile.
#
#   make install [KVER=...] [DESTDIR=...] [PREFIX=/usr/local]
#       install-module: nfsketch.ko into $(DESTDIR)/lib/modules/$(KVER)/extra
#           (kbuild's modules_install), then depmod unless DESTDIR is set
#       install-tools: the CLI, man pages, bash completion, systemd units, the
#           configuration script under $(DESTDIR)$(PREFIX); the commented-out
#           examples /etc/modprobe.d/nfsketch.conf and
#           /etc/nfsketch/nfsketch.conf under $(DESTDIR), unless present
#   make uninstall      the same files (the /etc files only when unchanged)
#   make install-dkms   the module's source for DKMS into
#                       $(DESTDIR)/usr/src/nfsketch-$(NFSK_VERSION)
#   make deb            dpkg-buildpackage of a copy of the tree in
#                       build/deb/src: the .debs land in build/deb/
#
# /lib/modules and /etc do not move with PREFIX: the kernel, modprobe and
# systemd look there.
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
LIBEXECDIR	?= $(PREFIX)/libexec/nfsketch
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSCONFDIR	?= /etc
MODDIR		= /lib/modules/$(KVER)/extra
DKMSSRCDIR	?= /usr/src/nfsketch-$(NFSK_VERSION)
UNITS		:= nfsketch-config.service nfsketch-monitor.service
DKMS_SRCS	= Kbuild dkms.conf $(wildcard kmod/*.c kmod/*.h kmod/core/*.c) \
		  $(wildcard include/nfsketch/*.h include/uapi/linux/*.h)
DEB_DIR		:= $(BUILD)/deb

.PHONY: install-module install-tools install-dkms deb

install: install-module install-tools

install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=extra \
		modules_install
	@# kbuild skips depmod without the kernel's System.map (Debian's headers
	@# have none): the live system needs it for modprobe, a DESTDIR does not
	$(if $(DESTDIR),,depmod -a $(KVER))

install-tools: tools man
	install -D -m 0755 $(BUILD)/nfsketch $(DESTDIR)$(SBINDIR)/nfsketch
	install -D -m 0644 $(MAN_DIR)/nfsketch.8 $(DESTDIR)$(MANDIR)/man8/nfsketch.8
	install -D -m 0644 $(MAN_DIR)/nfsketch-tunables.7 $(DESTDIR)$(MANDIR)/man7/nfsketch-tunables.7
	install -D -m 0644 contrib/bash-completion/nfsketch $(DESTDIR)$(BASHCOMPDIR)/nfsketch
	install -D -m 0755 contrib/nfsketch-apply-config $(DESTDIR)$(LIBEXECDIR)/nfsketch-apply-config
	install -D -m 0755 contrib/nfsketch-alert-hook $(DESTDIR)$(LIBEXECDIR)/nfsketch-alert-hook
	install -d $(DESTDIR)$(UNITDIR)
	for u in $(UNITS); do \
		sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
			contrib/systemd/$$u.in >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	@# an administrator's configuration is never overwritten
	test -e $(DESTDIR)$(SYSCONFDIR)/modprobe.d/nfsketch.conf || \
		install -D -m 0644 contrib/etc/modprobe.conf $(DESTDIR)$(SYSCONFDIR)/modprobe.d/nfsketch.conf
	test -e $(DESTDIR)$(SYSCONFDIR)/nfsketch/nfsketch.conf || \
		install -D -m 0644 contrib/etc/nfsketch.conf $(DESTDIR)$(SYSCONFDIR)/nfsketch/nfsketch.conf

install-dkms:
	install -d $(DESTDIR)$(DKMSSRCDIR)
	for f in $(DKMS_SRCS); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMSSRCDIR)/$$f || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/nfsketch.ko $(DESTDIR)$(MODDIR)/nfsketch.ko.*
	$(if $(DESTDIR),,test ! -d $(MODDIR)/.. || depmod -a $(KVER))
	rm -f $(DESTDIR)$(SBINDIR)/nfsketch \
		$(DESTDIR)$(MANDIR)/man8/nfsketch.8 \
		$(DESTDIR)$(MANDIR)/man7/nfsketch-tunables.7 \
		$(DESTDIR)$(BASHCOMPDIR)/nfsketch \
		$(DESTDIR)$(LIBEXECDIR)/nfsketch-apply-config \
		$(DESTDIR)$(LIBEXECDIR)/nfsketch-alert-hook \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	-rmdir $(DESTDIR)$(LIBEXECDIR) 2>/dev/null
	cmp -s contrib/etc/modprobe.conf $(DESTDIR)$(SYSCONFDIR)/modprobe.d/nfsketch.conf && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/modprobe.d/nfsketch.conf || true
	cmp -s contrib/etc/nfsketch.conf $(DESTDIR)$(SYSCONFDIR)/nfsketch/nfsketch.conf && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/nfsketch/nfsketch.conf && \
		rmdir $(DESTDIR)$(SYSCONFDIR)/nfsketch 2>/dev/null || true

# dpkg-buildpackage writes next to the tree it builds: build a copy (the
# files git would track, found by .gitignore also without git) so the
# packages land in build/deb/.
deb:
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	rsync -a --exclude=.git --exclude=/build/ $(if $(wildcard .gitignore),--exclude-from=.gitignore) \
		./ $(DEB_DIR)/src/
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b
	@ls -1 $(DEB_DIR)/*.deb
