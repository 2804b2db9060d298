# SPDX-License-Identifier: GPL-2.0
# Native benchmark of the portable core: included by the top-level Makefile.
BENCH_SRCS	:= userspace/bench/bench.c

$(BUILD)/bench: $(BENCH_SRCS) $(CORE_SRCS) $(CORE_HDRS) selftests/core/zipf.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_USER) -Iselftests/core $(LDFLAGS_USER) -o $@ $(BENCH_SRCS) $(CORE_SRCS) -lm
