# Userspace tools: included by the top-level Makefile. CFLAGS_USER and
# LDFLAGS_USER carry the environment's CFLAGS/CPPFLAGS/LDFLAGS.
NL_LIB_SRCS	:= $(wildcard userspace/lib/*.c)
CLI_SRCS	:= $(wildcard userspace/nfsketch/*.c userspace/replay/*.c)
CLI_HDRS	:= $(wildcard userspace/lib/*.h userspace/nfsketch/*.h userspace/replay/*.h)
# exporter (libmicrohttpd), export --ipfix (libfixbuf, on glib), merge's
# reading of JSON dumps (jansson)
CLI_PKGS	:= libmicrohttpd libfixbuf jansson
CLI_PKG_CFLAGS	= $(shell pkg-config --cflags $(CLI_PKGS))
CLI_PKG_LIBS	= $(shell pkg-config --libs $(CLI_PKGS))
CLI_VERSION	:= $(shell sed -n 's/^\#define NFSKETCH_VERSION[^"]*"\(.*\)"/\1/p' kmod/nfsketch.h)

tools: $(BUILD)/nfsketch

# The CLI links the portable core itself: `nfsketch replay` runs the same
# code over a pcap as the module runs over live packets.
$(BUILD)/nfsketch: $(CLI_SRCS) $(NL_LIB_SRCS) $(CORE_SRCS) $(CORE_HDRS) $(CLI_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iuserspace/lib -Iuserspace/nfsketch -Iuserspace/replay \
		$(CLI_PKG_CFLAGS) -DNFSKETCH_CLI_VERSION='"$(CLI_VERSION)"' $(LDFLAGS_USER) \
		-o $@ $(CLI_SRCS) $(NL_LIB_SRCS) $(CORE_SRCS) -lmnl -lpcap -lsystemd -lm $(CLI_PKG_LIBS)

# The replay under ASan/UBSan, and the libFuzzer target of its frame parser
# (clang): both run by selftests/replay/test_replay.sh.
REPLAY_FUZZ_SRCS := selftests/replay/fuzz_parse.c userspace/replay/pcap_parse.c

test-tools: $(BUILD)/nfsketch-asan $(BUILD)/fuzz-replay-parse

$(BUILD)/nfsketch-asan: $(CLI_SRCS) $(NL_LIB_SRCS) $(CORE_SRCS) $(CORE_HDRS) $(CLI_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) $(ASAN_FLAGS) -Iuserspace/lib -Iuserspace/nfsketch -Iuserspace/replay \
		$(CLI_PKG_CFLAGS) -DNFSKETCH_CLI_VERSION='"$(CLI_VERSION)"' \
		-o $@ $(CLI_SRCS) $(NL_LIB_SRCS) $(CORE_SRCS) -lmnl -lpcap -lsystemd -lm $(CLI_PKG_LIBS)

$(BUILD)/fuzz-replay-parse: $(REPLAY_FUZZ_SRCS) userspace/replay/pcap_parse.h $(CORE_HDRS)
	@mkdir -p $(@D)
	clang -O1 -g -std=gnu11 -Iinclude -Iinclude/uapi -Iuserspace/replay \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $@ $(REPLAY_FUZZ_SRCS)
