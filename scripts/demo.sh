#!/usr/bin/env bash
# demo.sh - boot the VM and run scripts/demo-guest.sh in it.
set -euo pipefail
cd "$(dirname "$0")/.."
NFSK_TEST_TIMEOUT=240 exec scripts/vm-run.sh scripts/demo-guest.sh
