# SPDX-License-Identifier: GPL-2.0
# Native benchmark of the portable core: included by the top-level Makefile.
BENCH_SRCS	:= userspace/bench/bench.c

$(BUILD)/bench: $(BENCH_SRCS) $(CORE_SRCS) $(CORE_HDRS) userspace/gen/zipf.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iuserspace/gen $(LDFLAGS_USER) -o $@ $(BENCH_SRCS) $(CORE_SRCS) -lm
