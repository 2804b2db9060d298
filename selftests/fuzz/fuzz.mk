# Coverage-guided fuzzing of the parsing and validation that userspace input
# and kernel replies reach natively (libFuzzer, clang): included by the
# top-level Makefile. `make check-fuzz` runs each target for
# FUZZ_SECONDS (default 30) from the corpus in the tree; TAP in
# build/results/fuzz.tap.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 30
FUZZ_FLAGS	:= -g -O1 -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer -std=gnu11 \
		   '-D_GNU_SOURCE=' -Iinclude -Iinclude/uapi -Iuserspace/lib \
		   -Iuserspace/nfsketch -Iuserspace/replay \
		   -DNFSKETCH_CLI_VERSION='"fuzz"'
FUZZ_CLI_SRCS	:= $(filter-out userspace/nfsketch/main.c,$(wildcard userspace/nfsketch/*.c))
FUZZ_TARGETS	:= $(BUILD)/fuzz/fuzz_tunables $(BUILD)/fuzz/fuzz_nl_reply

.PHONY: check-fuzz fuzz-build
fuzz-build: $(FUZZ_TARGETS)

$(BUILD)/fuzz/fuzz_tunables: selftests/fuzz/fuzz_tunables.c $(CORE_SRCS) $(CORE_HDRS) \
		userspace/nfsketch/config.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_CLI_SRCS) \
		userspace/nfsketch/main.c -Dmain=nfsk_cli_main \
		$(NL_LIB_SRCS) userspace/replay/*.c $(CORE_SRCS) -lmnl -lpcap -lsystemd -lm \
		$(CLI_PKG_CFLAGS) $(CLI_PKG_LIBS)

# the CLI's sources are included by the target (its callbacks are static)
$(BUILD)/fuzz/fuzz_nl_reply: selftests/fuzz/fuzz_nl_reply.c $(CLI_SRCS) $(NL_LIB_SRCS) \
		$(CORE_SRCS) $(CORE_HDRS) $(CLI_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(NL_LIB_SRCS) userspace/replay/*.c \
		$(CORE_SRCS) -lmnl -lpcap -lsystemd -lm

check-fuzz: $(FUZZ_TARGETS)
	@selftests/fuzz/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
