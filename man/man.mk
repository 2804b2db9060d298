# SPDX-License-Identifier: GPL-2.0
# Man pages: included by the top-level Makefile. nfsketch-tunables(7) gets
# its list of tunables from gen-tunables, linked with the core's one table.
MAN_DIR		:= $(BUILD)/man
MAN_PAGES	:= $(MAN_DIR)/nfsketch.8 $(MAN_DIR)/nfsketch-tunables.7
NFSK_VERSION	:= $(shell sed -n 's/^\#define NFSKETCH_VERSION[^"]*"\(.*\)"/\1/p' kmod/nfsketch.h)
# Reproducible: the date of SOURCE_DATE_EPOCH (dpkg-buildpackage sets it
# from debian/changelog), else of the version header.
MAN_DATE	= $(shell date -u -d "@$${SOURCE_DATE_EPOCH:-$$(stat -c %Y kmod/nfsketch.h)}" +%Y-%m-%d)

.PHONY: man
man: $(MAN_PAGES)

$(MAN_DIR)/gen-tunables: man/gen-tunables.c kmod/core/tunables.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(LDFLAGS_USER) -o $@ man/gen-tunables.c kmod/core/tunables.c

$(MAN_DIR)/nfsketch-tunables.7: man/nfsketch-tunables.7.in $(MAN_DIR)/gen-tunables kmod/nfsketch.h
	@mkdir -p $(@D)
	$(MAN_DIR)/gen-tunables >$@.rows
	sed -e 's/@VERSION@/$(NFSK_VERSION)/' -e 's/@DATE@/$(MAN_DATE)/' \
		-e '/^@TUNABLES@$$/{r $@.rows' -e 'd}' $< >$@.tmp
	rm -f $@.rows
	mv $@.tmp $@

$(MAN_DIR)/nfsketch.8: man/nfsketch.8.in kmod/nfsketch.h
	@mkdir -p $(@D)
	sed -e 's/@VERSION@/$(NFSK_VERSION)/' -e 's/@DATE@/$(MAN_DATE)/' $< >$@.tmp
	mv $@.tmp $@
