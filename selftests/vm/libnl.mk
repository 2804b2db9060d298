# The libnl-genl-3 client of the VM selftests (selftests/vm/test_libnl.sh):
# a second, independent implementation of the nfsketch UAPI. Included by the
# top-level Makefile; built by `make test-tools` (make check) and before
# `make check-vm`, not by `make all`: a router needs no libnl.
LIBNL_FLAGS	:= $(shell pkg-config --cflags --libs libnl-genl-3.0 2>/dev/null)

test-tools: $(BUILD)/nfsk_libnl_client

$(BUILD)/nfsk_libnl_client: selftests/vm/nfsk_libnl_client.c include/uapi/linux/nfsketch.h
	@mkdir -p $(@D)
	@test -n "$(LIBNL_FLAGS)" || { echo "libnl-genl-3.0 not found (libnl-genl-3-dev): run scripts/deps.sh" >&2; exit 1; }
	$(CC) $(CFLAGS_USER) $(LDFLAGS_USER) -o $@ $< $(LIBNL_FLAGS)
