#!/bin/bash
# The netlink spec against the UAPI header, the table of tunables, the
# module's policies and writers, the CLI and the libnl client
# (check_spec.py says what exactly). TAP on stdout; Debian's python3 with
# python3-yaml (scripts/deps.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	echo "not ok 1 - spec check: python3-yaml missing (run scripts/deps.sh)"
	exit 1
fi
exec /usr/bin/python3 "$top/selftests/spec/check_spec.py" "$top"
