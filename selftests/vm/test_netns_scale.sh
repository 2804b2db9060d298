#!/bin/bash
# vm-timeout: 1200
# netns_scale.sh at a size make check affords: 50 namespaces under none,
# on-demand (10 of them read) and all, 5 s of CPU sampling each. The
# 1,000-namespace figures of the README come from netns_scale.sh itself.
NFSK_SCALE_N=${NFSK_SCALE_N:-50} NFSK_SCALE_SECS=${NFSK_SCALE_SECS:-5} \
NFSK_SCALE_READS=${NFSK_SCALE_READS:-10} \
NFSK_SCALE_RUNS=${NFSK_SCALE_RUNS:-none on-demand all} \
	exec "$(dirname "$0")/netns_scale.sh"
