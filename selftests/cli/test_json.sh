#!/bin/bash
# The CLI's JSON writer against Python's json module: strings of arbitrary
# bytes (valid UTF-8, every kind of ill-formed sequence, control
# characters) give valid JSON whose value is what Python's own UTF-8
# decoder makes of the bytes (errors="replace": one U+FFFD per maximal
# subpart); fixed-point values read back as their exact decimal, doubles as
# themselves. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
exec /usr/bin/python3 - "${NFSK_JSON_EMIT:-$top/build/tests-cli/json_emit}" <<'PY'
import json, subprocess, sys

emit = sys.argv[1]
cases = [
    b"plain", b"", "naïve – ünïcödé €".encode(), "𝄞 clef".encode(),
    b"ns-\xff\xfe", b"\x80", b"\xbf\x80\x80", b"\xc0\xaf", b"\xc1\xbf",
    b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf5\x80",
    b"\xe2\x82", b"\xe2\x82x", b"\xf0\x9f\x98", b"tail\xf0\x9f",
    b"\xc3", b"a\xc3\x28b", b"quote\"back\\slash", b"ctl\x01\x1f\x7f\ttab\nnl",
    b"eth0\xa0\xa1", b"table \xe6\x97\xa5\xe6\x9c\xac",
]
n = 0
fails = 0
def tap(ok, what):
    global n, fails
    n += 1
    if not ok:
        fails += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))

# stdin is line based: no case has a newline except the one below, sent
# hex-encoded like all of them
inp = "".join(c.hex() + "\n" for c in cases)
out = subprocess.run([emit], input=inp.encode(), capture_output=True).stdout
try:
    doc = json.loads(out.decode("utf-8"))   # strict: the bytes must be UTF-8
    tap(True, "output is UTF-8 and valid JSON (%d bytes)" % len(out))
except Exception as e:
    tap(False, "output is UTF-8 and valid JSON: %s" % e)
    print("1..%d" % n)
    sys.exit(1)
strs = doc["strings"]
tap(len(strs) == len(cases), "one string per case (%d)" % len(strs))
for raw, obj in zip(cases, strs):
    want = raw.decode("utf-8", errors="replace")
    (k, v), = obj.items() if len(obj) == 1 else ((None, None),)
    tap(k == want and v == want, "%r -> %r" % (raw, v))
want_fixed = ["9.532", "-1.500", "0.007", "-0.007", "0.000", "0.123456", "42",
              "-9223372036854775.808"]
raw_fixed = out.decode().split('"fixed":[')[1].split("]")[0].split(",")
tap(raw_fixed == want_fixed, "fixed point written exactly: %s" % raw_fixed)
tap(doc["double"] == [0.5, 1.0 / 3, 2.3283064365386963e-10, 0, None],
    "doubles round-trip, infinity is null: %s" % doc["double"])
print("1..%d" % n)
sys.exit(1 if fails else 0)
PY
