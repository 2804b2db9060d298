# Userspace tools: included by the top-level Makefile.
NL_LIB_SRCS	:= $(wildcard userspace/lib/*.c)
CLI_SRCS	:= $(wildcard userspace/nfsketch/*.c)
CLI_VERSION	:= $(shell sed -n 's/^\#define NFSKETCH_VERSION[^"]*"\(.*\)"/\1/p' kmod/nfsketch.h)

tools: $(BUILD)/nfsketch

$(BUILD)/nfsketch: $(CLI_SRCS) $(NL_LIB_SRCS) $(CORE_SRCS) $(CORE_HDRS) \
		   $(wildcard userspace/lib/*.h userspace/nfsketch/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iuserspace/lib -Iuserspace/nfsketch \
		-DNFSKETCH_CLI_VERSION='"$(CLI_VERSION)"' \
		-o $@ $(CLI_SRCS) $(NL_LIB_SRCS) $(CORE_SRCS) -lmnl
