#!/usr/bin/env bash
# lint.sh KDIR CHECKPATCH - checkpatch.pl --strict and sparse on the kernel
# code (kmod/, include/). Fails on any checkpatch message or sparse warning.
set -uo pipefail
cd "$(dirname "$0")/.."
kdir=$1
checkpatch=$2
rc=0

files=$(ls kmod/*.c kmod/*.h kmod/core/*.c include/nfsketch/*.h include/uapi/linux/*.h 2>/dev/null |
	grep -vx -e kmod/compat.h -e kmod/params.c)
echo "== checkpatch --strict"
if ! perl "$checkpatch" --strict --no-tree --quiet --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES -f $files; then
	rc=1
fi
# kmod/compat.h is the one file allowed to test the kernel version (an
# out-of-tree module's compat header): only that rule is relaxed there.
if ! perl "$checkpatch" --strict --no-tree --quiet --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f kmod/compat.h; then
	rc=1
fi

# kmod/params.c expands the table into module parameters, file-scope
# declarations that name the parameter three times (module_param_cb,
# its type, MODULE_PARM_DESC) and must end with ';': only those two rules
# are relaxed there.
if ! perl "$checkpatch" --strict --no-tree --quiet --show-types \
	--ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES,MACRO_ARG_REUSE,TRAILING_SEMICOLON \
	-f kmod/params.c; then
	rc=1
fi

echo "== sparse (make C=2)"
command -v sparse >/dev/null || { echo "sparse not installed (scripts/deps.sh)"; exit 1; }
log=$(mktemp)
make --no-print-directory -C "$kdir" M="$PWD" C=2 modules >"$log" 2>&1 || { cat "$log"; rc=1; }
if grep -E "^$PWD/.*(warning|error):" "$log"; then
	rc=1
fi
rm -f "$log"
[ $rc -eq 0 ] && echo "lint: clean"
exit $rc
