# SPDX-License-Identifier: GPL-2.0
#
# nfsketch top-level build.
#
#   make            module (against the guest kernel's headers) + tools
#   make check      deps, unit tests (plain and ASan/UBSan), VM selftests;
#                   ends with "N passed, N failed"
#   make demo       deps, build, boot the VM and show what the module reports
#   make check-debug  the VM suite on the debug kernel (KASAN, lockdep,
#                   kmemleak, fault injection; built once, cached in build/)
#   make lint       checkpatch.pl --strict and sparse (C=1) on the kernel code
#   make bench      native benchmark of the portable core
#   make install    module into /lib/modules/$(uname -r)/extra, tools into
#                   /usr/local (on a real router: run there with KDIR unset)

SHELL		:= /bin/bash
BUILD		:= $(CURDIR)/build
KVER		?= $(shell scripts/guest-kver.sh 2>/dev/null)
KDIR		?= /lib/modules/$(KVER)/build
PREFIX		?= /usr/local

CC		?= gcc
CORE_SRCS	:= $(wildcard kmod/core/*.c)
CORE_HDRS	:= $(wildcard include/nfsketch/*.h include/uapi/linux/*.h)
WARN		:= -Wall -Wextra -Werror -Wno-unused-parameter
CFLAGS_USER	:= -O2 -g -std=gnu11 $(WARN) -Iinclude -Iinclude/uapi
ASAN_FLAGS	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

# kselftest harness, taken at build time from Debian's kernel source package.
KSRC_TAR	:= $(firstword $(shell ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V -r))
KSFT_DIR	:= $(BUILD)/ksft
KSFT_HDR	:= $(KSFT_DIR)/kselftest_harness.h
CHECKPATCH	:= $(KSFT_DIR)/scripts/checkpatch.pl

CORE_TESTS	:= $(patsubst selftests/core/%.c,$(BUILD)/tests/%,$(wildcard selftests/core/test_*.c))
ASAN_TESTS	:= $(patsubst selftests/core/%.c,$(BUILD)/tests-asan/%,$(wildcard selftests/core/test_*.c))

.PHONY: all module tools test-tools deps check check-core check-asan check-vm check-debug \
	demo lint bench clean install ksft

all: module tools

deps:
	@scripts/deps.sh

module:
	@test -n "$(KVER)" -o "$(origin KDIR)" = "command line" || \
		{ echo "no kernel headers found: run scripts/deps.sh" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

-include userspace/tools.mk
-include userspace/bench/bench.mk
-include selftests/vm/libnl.mk

# ---- kselftest harness and checkpatch from the kernel source package -------
$(KSFT_HDR):
	@test -n "$(KSRC_TAR)" || { echo "linux-source not installed: run scripts/deps.sh" >&2; exit 1; }
	@mkdir -p $(KSFT_DIR)
	tar -xJf $(KSRC_TAR) -C $(KSFT_DIR) --strip-components=1 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	cp $(KSFT_DIR)/tools/testing/selftests/kselftest_harness.h \
	   $(KSFT_DIR)/tools/testing/selftests/kselftest.h $(KSFT_DIR)/
	@touch $@

ksft: $(KSFT_HDR)

# ---- portable core unit tests ---------------------------------------------
$(BUILD)/tests/%: selftests/core/%.c $(CORE_SRCS) $(CORE_HDRS) $(wildcard selftests/core/*.h) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -I$(KSFT_DIR) -Iselftests/core -o $@ $< $(CORE_SRCS) -lm

$(BUILD)/tests-asan/%: selftests/core/%.c $(CORE_SRCS) $(CORE_HDRS) $(wildcard selftests/core/*.h) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(ASAN_FLAGS) -I$(KSFT_DIR) -Iselftests/core -o $@ $< $(CORE_SRCS) -lm

check-core: $(CORE_TESTS)
	@scripts/run-tap.sh core $(CORE_TESTS)

check-asan: $(ASAN_TESTS)
	@scripts/run-tap.sh asan $(ASAN_TESTS)

check-vm: module tools $(BUILD)/nfsk_libnl_client
	@scripts/vm-run.sh

check: deps
	@scripts/check.sh

# The VM suite and test_faults.sh on the debug kernel, TAP in
# build/results/vm-debug.tap (scripts/vm-debug.sh).
check-debug: tools $(BUILD)/nfsk_libnl_client
	@mkdir -p $(BUILD)/results
	@set -o pipefail; scripts/vm-debug.sh | tee $(BUILD)/results/vm-debug.tap

# deps first, then a new make: KVER and KSRC_TAR are read when make starts,
# and on a fresh machine the kernel packages arrive with deps.
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh

lint: $(KSFT_HDR)
	@scripts/lint.sh "$(KDIR)" "$(CHECKPATCH)"

bench: $(BUILD)/bench
	$(BUILD)/bench

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	install -D -m 0755 $(BUILD)/nfsketch $(DESTDIR)$(PREFIX)/sbin/nfsketch
	depmod -a $(KVER)

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(BUILD)
