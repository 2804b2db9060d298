# SPDX-License-Identifier: GPL-2.0
#
# nfsketch top-level build.
#
#   make            module (for KVER, default the running kernel) + tools
#   make check      deps, unit tests (plain and ASan/UBSan), VM selftests
#                   (with NFSK_CHECK_DEBUG=1 also a subset on the debug
#                   kernel, scripts/check.sh); ends with "N passed,
#                   N failed"
#   make check-fuzz libFuzzer on the tunables and the CLI's reply parsing
#   make check-stress  an hour of selftests/vm/stress.sh (not in CI)
#   make check-scale   routes at full-table scale: 500k IPv4 + 100k IPv6,
#                   insmod time and bytes per route (not in CI)
#   make demo       deps, build, boot the VM and show what the module reports
#   make check-debug  the VM suite on the debug kernel (KASAN, lockdep,
#                   kmemleak, fault injection; built once, cached in build/)
#   make check-faults  faults.sh alone on the debug kernel (FAULT_OPS=...)
#   make lint       checkpatch.pl --strict and sparse (C=1) on the kernel code
#   make bench      native benchmark of the portable core: speed (ns and
#                   callgrind instructions per packet, ratios) and accuracy
#   make bench-callgrind  only the instructions per packet (valgrind)
#   make bench-vm   the module's in-kernel cost in the VM, indicative (TCG):
#                   pktgen through a veth, phases no module / nfsketch /
#                   conntrack / both alternated in one boot per kernel
#                   (BENCH_VM_KERNELS, default 6.1); table printed and
#                   in build/bench-vm/result.md (not in make check)
#   make eval       detection quality on labelled generated traffic and
#                   route events: build/eval/table.md and an SVG per
#                   scenario (selftests/eval/; EVAL_RUNS, EVAL_WINDOWS)
#   make install    module into $(DESTDIR)/lib/modules/$(KVER)/extra, CLI,
#                   man pages, completion, systemd units under
#                   $(DESTDIR)$(PREFIX) (install.mk); make uninstall
#   make deb        nfsketch and nfsketch-dkms packages into build/deb/
#
# KVER is the running kernel (a router building for itself); the test
# targets (check, check-vm, demo, lint) build for the VM's kernel,
# scripts/guest-kver.sh, unless KVER is given on the command line.
# CFLAGS, CPPFLAGS and LDFLAGS from the environment reach the userspace
# build; WERROR=1 (CI) turns warnings into errors.

SHELL		:= /bin/bash
BUILD		?= $(CURDIR)/build
KVER		?= $(shell uname -r)
KDIR		?= /lib/modules/$(KVER)/build
# The kernel the VM boots: what the test targets build the module for.
GUEST_KVER	= $(shell scripts/guest-kver.sh 2>/dev/null)
PREFIX		?= /usr/local

CC		?= gcc
CORE_SRCS	:= $(wildcard kmod/core/*.c)
CORE_HDRS	:= $(wildcard include/nfsketch/*.h include/uapi/linux/*.h)
# Distribution rebuilds get no -Werror (a newer compiler's new warning must
# not fail them); CI sets WERROR=1.
WERROR		?= 0
WARN		:= -Wall -Wextra -Wno-unused-parameter $(if $(filter 1,$(WERROR)),-Werror)
CFLAGS		?= -O2 -g
CFLAGS_USER	= -std=gnu11 $(WARN) -Iinclude -Iinclude/uapi $(CPPFLAGS) $(CFLAGS)
LDFLAGS_USER	= $(LDFLAGS)
ASAN_FLAGS	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

# kselftest harness, taken at build time from Debian's kernel source package.
KSRC_TAR	:= $(firstword $(shell ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V -r))
KSFT_DIR	:= $(BUILD)/ksft
KSFT_HDR	:= $(KSFT_DIR)/kselftest_harness.h
CHECKPATCH	:= $(KSFT_DIR)/scripts/checkpatch.pl

CORE_TESTS	:= $(patsubst selftests/core/%.c,$(BUILD)/tests/%,$(wildcard selftests/core/test_*.c))
ASAN_TESTS	:= $(patsubst selftests/core/%.c,$(BUILD)/tests-asan/%,$(wildcard selftests/core/test_*.c))

.PHONY: all module tools test-tools deps check check-core check-asan check-vm check-stress check-scale \
	check-debug check-faults demo lint bench bench-callgrind bench-vm clean install uninstall ksft eval check-eval

all: module tools

deps:
	@scripts/deps.sh

module:
	@test -f "$(KDIR)/Makefile" || { echo "no kernel headers for '$(KVER)' in $(KDIR):" \
		"apt-get install linux-headers-$(KVER), or make KVER=<version>" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# The test targets build for the VM's kernel unless KVER is given.
check-vm lint: KVER = $(if $(filter command line,$(origin KVER)),$(KVER),$(GUEST_KVER))

-include userspace/tools.mk
-include userspace/bench/bench.mk
-include selftests/vm/libnl.mk
-include man/man.mk
-include install.mk
-include selftests/fuzz/fuzz.mk

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
# the flap tests keep their entries in the replay's store (flap_hash.c)
FLAP_STORE	:= userspace/replay/flap_hash.c
$(foreach t,test_flap test_route_event,$(BUILD)/tests/$(t) $(BUILD)/tests-asan/$(t)): \
	TEST_EXTRA := $(FLAP_STORE)
$(foreach t,test_flap test_route_event,$(BUILD)/tests/$(t) $(BUILD)/tests-asan/$(t)): \
	$(FLAP_STORE) userspace/replay/flap_hash.h
$(BUILD)/tests/%: selftests/core/%.c $(CORE_SRCS) $(CORE_HDRS) $(wildcard selftests/core/*.h userspace/gen/*.h) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -I$(KSFT_DIR) -Iselftests/core -Iuserspace/gen -Iuserspace/replay $(LDFLAGS_USER) -o $@ $< $(TEST_EXTRA) $(CORE_SRCS) -lm

$(BUILD)/tests-asan/%: selftests/core/%.c $(CORE_SRCS) $(CORE_HDRS) $(wildcard selftests/core/*.h userspace/gen/*.h) $(KSFT_HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(ASAN_FLAGS) -I$(KSFT_DIR) -Iselftests/core -Iuserspace/gen -Iuserspace/replay $(LDFLAGS_USER) -o $@ $< $(TEST_EXTRA) $(CORE_SRCS) -lm

# the CLI's JSON writer, driven by selftests/cli/test_json.sh
$(BUILD)/tests-cli/json_emit: selftests/cli/json_emit.c userspace/lib/json.c userspace/lib/json.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iuserspace/lib $(LDFLAGS_USER) -o $@ $< userspace/lib/json.c

$(BUILD)/tests-cli-asan/json_emit: selftests/cli/json_emit.c userspace/lib/json.c userspace/lib/json.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(ASAN_FLAGS) -Iuserspace/lib $(LDFLAGS_USER) -o $@ $< userspace/lib/json.c

# exporter --netns all's regrouping, driven by selftests/cli/test_prommerge.sh
PROM_MERGE_SRCS := selftests/cli/prom_merge_run.c userspace/nfsketch/prommerge.c
$(BUILD)/tests-cli/prom_merge_run: $(PROM_MERGE_SRCS) userspace/nfsketch/promtext.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iuserspace/lib -Iuserspace/nfsketch $(LDFLAGS_USER) -o $@ $(PROM_MERGE_SRCS)

$(BUILD)/tests-cli-asan/prom_merge_run: $(PROM_MERGE_SRCS) userspace/nfsketch/promtext.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(ASAN_FLAGS) -Iuserspace/lib -Iuserspace/nfsketch $(LDFLAGS_USER) \
		-o $@ $(PROM_MERGE_SRCS)

# watch's screen from fixtures, driven by selftests/cli/test_watch.sh
$(BUILD)/tests-cli/watch_render: selftests/cli/watch_render.c $(CLI_SRCS) $(NL_LIB_SRCS) \
		$(CORE_SRCS) $(CORE_HDRS) $(CLI_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iuserspace/lib -Iuserspace/nfsketch -Iuserspace/replay \
		'-D_GNU_SOURCE=' -DNFSKETCH_CLI_VERSION='"test"' $(LDFLAGS_USER) -o $@ $< $(NL_LIB_SRCS) \
		userspace/replay/*.c $(CORE_SRCS) -lmnl -lpcap -lsystemd -lm

check-core: $(CORE_TESTS) $(BUILD)/tests-cli/json_emit $(BUILD)/tests-cli/watch_render \
		$(BUILD)/nfsketch $(BUILD)/tests-cli/prom_merge_run
	@NFSK_JSON_EMIT=$(BUILD)/tests-cli/json_emit \
		NFSK_WATCH_RENDER=$(BUILD)/tests-cli/watch_render \
		NFSK=$(BUILD)/nfsketch NFSK_PROM_MERGE=$(BUILD)/tests-cli/prom_merge_run \
		scripts/run-tap.sh core $(CORE_TESTS) selftests/cli/test_json.sh \
		selftests/cli/test_watch.sh selftests/cli/test_merge.sh \
		selftests/cli/test_prommerge.sh selftests/harness/test_splat_check.sh

check-asan: $(ASAN_TESTS) $(BUILD)/tests-cli-asan/json_emit $(BUILD)/nfsketch-asan \
		$(BUILD)/tests-cli-asan/prom_merge_run
	@NFSK_JSON_EMIT=$(BUILD)/tests-cli-asan/json_emit NFSK=$(BUILD)/nfsketch-asan \
		NFSK_PROM_MERGE=$(BUILD)/tests-cli-asan/prom_merge_run \
		scripts/run-tap.sh asan $(ASAN_TESTS) selftests/cli/test_json.sh \
		selftests/cli/test_merge.sh selftests/cli/test_prommerge.sh

check-vm: module tools $(BUILD)/nfsk_libnl_client
	@NFSK_KVER=$(KVER) scripts/vm-run.sh

# check.sh names the kernel of each of its builds; KVER in its environment
# is the default (the VM's kernel, found after deps installed it).
check: deps
	@KVER="$(if $(filter command line,$(origin KVER)),$(KVER),$$(scripts/guest-kver.sh))" scripts/check.sh

# An hour of selftests/vm/stress.sh (not in `make check`): the guest
# gets no environment from the host, so a wrapper in build/ (shared with the
# guest) sets the sizes and runs the test. STRESS_SECONDS to change.
STRESS_SECONDS	?= 3600
check-stress: module tools
	@mkdir -p $(BUILD)/stress $(BUILD)/results
	@printf '#!/bin/bash\nexport NFSK_STRESS_SECONDS=%s NFSK_STRESS_CYCLES=50 NFSK_STRESS_NS=200 NFSK_STRESS_STORMS=3\nexec bash %s/selftests/vm/stress.sh\n' \
		$(STRESS_SECONDS) $(CURDIR) >$(BUILD)/stress/test_stress_long.sh
	set -o pipefail; NFSK_TEST_TIMEOUT=$$(($(STRESS_SECONDS) + 1800)) \
		NFSK_VM_TIMEOUT=$$(($(STRESS_SECONDS) + 2100)) \
		scripts/vm-run.sh $(BUILD)/stress/test_stress_long.sh | tee $(BUILD)/results/stress.tap

# Issue 14's table at full scale (not in `make check`): test_route_scale.sh
# with SCALE_V4 IPv4 + SCALE_V4/5 IPv6 routes in a VM of SCALE_MEM MiB; it
# prints the insmod time with the table present and the bytes per route
# (numbers in the README). The guest gets no environment from the host: a
# wrapper in build/ (shared with the guest) sets the size.
SCALE_V4	?= 500000
SCALE_MEM	?= 3072
check-scale: tools
	@mkdir -p $(BUILD)/scale $(BUILD)/results
	@printf '#!/bin/bash\nexport NFSK_SCALE_V4=%s NFSK_SCALE_WINDOW_MS=10000\nexec bash %s/selftests/vm/test_route_scale.sh\n' \
		$(SCALE_V4) $(CURDIR) >$(BUILD)/scale/test_route_scale_big.sh
	set -o pipefail; NFSK_VM_MEM=$(SCALE_MEM) NFSK_TEST_TIMEOUT=5400 NFSK_VM_TIMEOUT=5700 \
		scripts/vm-run.sh $(BUILD)/scale/test_route_scale_big.sh | tee $(BUILD)/results/scale.tap

# The VM suite, faults.sh and the bounded stress on the debug kernel
# (scripts/vm-run.sh -k debug), TAP in build/results/vm-debug.tap.
check-debug: tools $(BUILD)/nfsk_libnl_client
	@mkdir -p $(BUILD)/results
	@set -o pipefail; scripts/vm-run.sh -k debug selftests/vm/test_*.sh \
		selftests/vm/faults.sh selftests/vm/stress.sh | tee $(BUILD)/results/vm-debug.tap

# faults.sh alone on the debug kernel (docs/fault-injection.md), TAP in
# build/results/faults.tap, the injected faults in the run's faults.jsonl;
# FAULT_OPS picks the operations (default all). The guest gets no
# environment from the host: a wrapper in build/ sets them.
FAULT_OPS	?= insmod netns config_set dumps events
check-faults: tools
	@mkdir -p $(BUILD)/faults $(BUILD)/results
	@printf '#!/bin/bash\nexport NFSK_FAULT_OPS="%s"\nexec bash %s/selftests/vm/faults.sh\n' \
		"$(FAULT_OPS)" $(CURDIR) >$(BUILD)/faults/faults.sh
	set -o pipefail; NFSK_TEST_TIMEOUT=7000 scripts/vm-run.sh -k debug -t 7200 \
		$(BUILD)/faults/faults.sh | tee $(BUILD)/results/faults.tap

# deps first, then a new make: KVER and KSRC_TAR are read when make starts,
# and on a fresh machine the kernel packages arrive with deps.
demo: deps
	@$(MAKE) --no-print-directory all \
		KVER="$(if $(filter command line,$(origin KVER)),$(KVER),$$(scripts/guest-kver.sh))"
	@scripts/demo.sh

lint: $(KSFT_HDR)
	@scripts/lint.sh "$(KDIR)" "$(CHECKPATCH)"

bench: $(BUILD)/bench
	$(BUILD)/bench
	@userspace/bench/callgrind.sh $(BUILD)/bench

bench-callgrind: $(BUILD)/bench
	@userspace/bench/callgrind.sh $(BUILD)/bench

# scripts/bench-vm.sh builds the module for each kernel (vm-run.sh); the
# guest needs the CLI (the module's own count is one of the oracles).
# Sizes: BENCH_VM_PKTS, BENCH_VM_ROUNDS, BENCH_VM_FLOWS.
BENCH_VM_KERNELS ?= 6.1
bench-vm: tools
	@scripts/bench-vm.sh $(BENCH_VM_KERNELS)

# ---- detection evaluation (not in make check; check-eval is its short form)
EVAL_RUNS	?= 5
EVAL_WINDOWS	?= 300
$(BUILD)/eval-gen: selftests/eval/gen.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -o $@ $< -lm

$(BUILD)/entropy-error: selftests/eval/entropy_error.c $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -o $@ $< $(CORE_SRCS) -lm

eval: $(BUILD)/nfsketch $(BUILD)/eval-gen $(BUILD)/entropy-error
	@mkdir -p $(BUILD)/eval
	$(BUILD)/entropy-error | tee $(BUILD)/eval/entropy.md
	python3 selftests/eval/eval.py --runs $(EVAL_RUNS) --windows $(EVAL_WINDOWS) --out $(BUILD)/eval

check-eval: $(BUILD)/nfsketch $(BUILD)/eval-gen
	@mkdir -p $(BUILD)/results
	@set -o pipefail; selftests/eval/test_eval_short.sh | tee $(BUILD)/results/eval.tap

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(BUILD)
