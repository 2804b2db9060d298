#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail one operation at every allocation in turn (fault injection, fail-nth).

  fault_nth.py OUT OP [ARG]

For N = 1, 2, ...: write N to /proc/thread-self/fail-nth, run OP once; the
N-th allocation that reaches failslab / fail_page_alloc in this task fails.
Reading fail-nth back gives 0 when the fault was injected; the first N that
OP completes without reaching ends the loop. The injected site is read from
the stack dump the fault-injection core logs (verbose=2): the first frame in
[nfsketch], else the first kernel frame above the allocator.

After every failure the caller sees an error, not a hang or a success, and
the state is what it was: no module half-loaded, the config unchanged, the
module's mem_bytes back where it was, a fresh request answered as before.

OP: insmod KO | netns | config_set KEY=VALUE,... | dump_windows |
    dump_sketch | dump_routes | dump_bgp | topk | stats | config_get | events

events: the sender runs in a kworker, where fail-nth cannot reach: instead
failslab fails the next skbuff_head_cache allocation of a kworker
(make-it-fail on every kworker, task-filter, cache-filter, times=1) while a
listener receives WINDOW_NTF; the fault must hit nfsk_events_send, the
lost event is counted in events_dropped, at most that one window event is
missing, and the following ones arrive.

Sampling (make check; make check-faults tries every N): NFSK_FAULT_STRIDE=S
and NFSK_FAULT_OFFSET=O try only every S-th N, those with N mod S == O, in
every walk and in the scan's fill; the tail walk's stop after TAIL_STOP
kernel allocations in a row counts allocations, not tries. A run with
another O covers others: together the S offsets cover every N.

Prints "PASS ..."/"FAIL ..." lines, and appends one JSON object per injected
fault to OUT (op, n, site, in_module, error, extack, state).
"""
import ctypes
import errno
import json
import os
import re
import socket
import subprocess
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl as nl  # noqa: E402

MAX_N = int(os.environ.get("NFSK_FAULT_MAX_N", "5000"))
TAIL_STOP = int(os.environ.get("NFSK_FAULT_TAIL_STOP", "15"))
STRIDE = max(1, int(os.environ.get("NFSK_FAULT_STRIDE", "1")))
OFFSET = int(os.environ.get("NFSK_FAULT_OFFSET", "0")) % STRIDE
BIG = 1 << 30
CLONE_NEWNET = 0x40000000
SYS_finit_module = 313
MEM = "/sys/kernel/nfsketch/mem_bytes"
CFG_IDS = {"window_ms": 2, "history": 3, "cms_width": 4, "cms_depth": 5,
           "sah_entries": 6, "topk": 7, "route_track_max": 25, "bgp_sessions": 29}

libc = ctypes.CDLL(None, use_errno=True)
failures = 0


def report(ok, what):
    global failures
    if not ok:
        failures += 1
    print("%s %s" % ("PASS" if ok else "FAIL", what), flush=True)


def ename(e):
    if e is None:
        return "none"
    if e == 0:
        return "0"
    return "-" + errno.errorcode.get(abs(e), str(e))


class Kmsg:
    """The kernel log from now on, record by record."""

    def __init__(self, path):
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)
        self.keep = open(path, "a")

    def read(self):
        out = []
        while True:
            try:
                rec = os.read(self.fd, 8192)
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EPIPE:      # overwritten: go on
                    continue
                raise
            text = rec.decode(errors="replace").split(";", 1)[-1]
            line = text.split("\n", 1)[0]
            out.append(line)
            self.keep.write(line + "\n")
        self.keep.flush()
        return out


ALLOC = re.compile(r"^(should_fail|should_failslab|__should_failslab|"
                   r"should_fail_alloc_page|should_fail_ex|fail_dump|dump_stack|"
                   r"slab_pre_alloc_hook|kmem_cache_alloc|__kmem_cache_alloc|"
                   r"__kmalloc|kmalloc|kzalloc|kvmalloc|kvzalloc|kmemdup|"
                   r"__alloc_pages|alloc_pages|prepare_alloc_pages|"
                   r"__vmalloc|vmalloc|__get_vm_area|alloc_vmap_area|"
                   r"get_vm_area|__alloc_percpu|pcpu_|alloc_percpu|"
                   r"kasan_|__kasan|kmalloc_|__kmalloc_|krealloc|"
                   r"kstrdup|kobject_|kvasprintf|kasprintf|__kmem_cache|"
                   r"kmalloc_reserve|__alloc_skb|alloc_skb|"
                   r"slab_alloc|__slab_alloc|___slab_alloc|allocate_slab|"
                   r"new_slab|setup_object|alloc_slab_page|__kvmalloc_node|"
                   r"kvmalloc_node|__vmalloc_node|__vmalloc_area_node|"
                   r"vm_area_alloc_pages|alloc_pages_bulk|__alloc_pages_bulk|"
                   r"kvcalloc|kcalloc|kmalloc_array|kmalloc_node|"
                   r"kmalloc_large|kmalloc_order|__kmalloc_node|"
                   r"kmalloc_node_track_caller|__kmalloc_node_track_caller)")
FRAME = re.compile(r"^\s*(?:\? )?([A-Za-z0-9_.]+)\+0x[0-9a-f]+/0x[0-9a-f]+(?: \[(\w+)\])?")


def sites(lines):
    """Each injected fault's site in these log lines."""
    out = []
    cur = None
    for ln in lines:
        if "FAULT_INJECTION: forcing a failure" in ln:
            if cur is not None:
                out.append(cur)
            cur = {"frames": []}
            continue
        if cur is None:
            continue
        m = FRAME.match(ln)
        if m and not ln.lstrip().startswith("?"):
            cur["frames"].append((m.group(1), m.group(2)))
        if "</TASK>" in ln:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    res = []
    for c in out:
        fr = c["frames"]
        mod = [f for f, m in fr if m == "nfsketch"]
        if mod:
            res.append((mod[0], True, fr))
            continue
        ker = [f for f, m in fr if not ALLOC.match(f)]
        res.append((ker[0] if ker else (fr[0][0] if fr else "?"), False, fr))
    return res


class FailNth:
    """/proc/thread-self/fail-nth, opened before any fault is armed."""

    def __init__(self):
        self.w = os.open("/proc/thread-self/fail-nth", os.O_WRONLY)
        self.r = os.open("/proc/thread-self/fail-nth", os.O_RDONLY)

    def arm(self, n):
        os.write(self.w, b"%d" % n)

    def disarm(self):
        """The calls left before the fault: 0 when it was injected."""
        left = int(os.pread(self.r, 32, 0).decode().strip() or "0")
        os.write(self.w, b"0")
        return left


def mem_bytes():
    try:
        with open(MEM) as f:
            return int(f.read())
    except FileNotFoundError:
        return None


def module_loaded():
    with open("/proc/modules") as f:
        return any(ln.startswith("nfsketch ") for ln in f)


# ---- the operations: each returns (error, extack, detail) ------------------

def parse_config(ans):
    if ans.error or not ans.replies:
        return None
    top = nl.parse_attrs(ans.replies[0][1])
    return nl.parse_attrs(top.get(nl.A_CONFIG, b""))


def config_get(g=None):
    g = g or nl.Genl(timeout=30)
    return parse_config(g.nfsk(nl.CMD_CONFIG_GET))


def request(g, fn, cmd, payload=b"", dump=False):
    """Arm, send, read the answer, disarm: (injected, answer or errno)."""
    fn_arm, fn_disarm = fn
    flags = nl.NLM_F_REQUEST | nl.NLM_F_ACK | (nl.NLM_F_DUMP if dump else 0)
    raw = g.build(g.family, cmd, payload, flags)
    fn_arm()
    try:
        # the flags say that an ACK follows a doit's reply: read on to it
        ans = g.request(None, None, raw=raw, flags=flags)
        res = ans
    except socket.timeout:
        res = "timeout"
    except OSError as e:
        res = -e.errno
    return fn_disarm(), res


def dump_content(op, replies):
    """What a dump says, whatever its split into messages: the sketch's
    rows reassembled from their pieces (a failed allocation of the dump's
    skb makes netlink retry a smaller one: more messages, fewer columns
    each); of BGP_GET the number of sessions; of the other dumps, the
    messages (one object each)."""
    if op == "dump_bgp":
        # a session's ages and counters move with its traffic: its count
        return len(replies)
    if op != "dump_sketch":
        return [p for _, p in replies]
    rows = {}
    for _, p in replies:
        a = nl.parse_attrs(nl.parse_attrs(p).get(nl.A_SKETCH, b""))
        row = struct.unpack("=I", a[5])[0]          # NFSKETCH_A_SKETCH_ROW
        off = struct.unpack("=I", a[6])[0]          # NFSKETCH_A_SKETCH_OFFSET
        rows.setdefault(row, []).append((off, a.get(7, b""), a.get(8, b"")))
    return {r: (b"".join(pk for _, pk, _ in sorted(v)), b"".join(by for _, _, by in sorted(v)))
            for r, v in rows.items()}


def run(out, op, arg):
    fnth = FailNth()
    kmsg = Kmsg(os.environ.get("NFSK_FAULT_LOG", "/tmp/fault-kmsg.log"))
    payload = b""
    cmd = dump = None
    if op == "config_set":
        attrs = []
        for kv in arg.split(","):
            k, v = kv.split("=")
            attrs.append(nl.u32(CFG_IDS[k], int(v)))
        payload = nl.nest(nl.A_CONFIG, *attrs)
        cmd = nl.CMD_CONFIG_SET
    elif op in ("dump_windows", "dump_sketch", "dump_routes", "dump_bgp"):
        cmd = {"dump_windows": nl.CMD_WINDOW_GET, "dump_sketch": nl.CMD_SKETCH_GET,
               "dump_routes": nl.CMD_ROUTE_GET, "dump_bgp": nl.CMD_BGP_GET}[op]
        dump = True
    elif op == "topk":
        cmd = nl.CMD_TOPK_GET
    elif op == "stats":
        cmd = nl.CMD_STATS_GET
    elif op == "config_get":
        cmd = nl.CMD_CONFIG_GET

    if cmd is not None:
        g0 = nl.Genl(timeout=30)
        if op == "config_set":
            # the reference starts where every try starts: from UNDO
            back = g0.nfsk(nl.CMD_CONFIG_SET, ref_payload_undo)
            report(back.error == 0, "%s: the config before (%s)" % (op, ename(back.error)))
        ref = g0.nfsk(cmd, payload, dump=bool(dump))
        print("# %s: the reference answer: %s, %d messages" % (op, ename(ref.error), len(ref.replies)),
              flush=True)
        if op == "config_set":
            # the reference is the state before; the request must succeed
            report(ref.error == 0, "%s: succeeds without a fault (%s)" % (op, ename(ref.error)))
            want_after = config_get(g0)
    n_inj = 0
    n_module = 0
    seen = {}
    # Tail mode (insmod, netns: NFSK_FAULT_TAIL=1): the module's code runs
    # last (its init after load_module's allocations; its pernet init after
    # every built-in one), so walk N down from the total count of the
    # operation, and stop once TAIL_STOP faults in a row after the module's
    # hit the kernel's own allocations.
    #
    # Scan mode (netns: NFSK_FAULT_SCAN=S): the module's pernet init runs
    # among the subsystems', before the devices' (the loopback's are many),
    # so it is neither first nor last: every S-th N from the total down
    # finds where the module's allocations are, then every N from S below
    # the lowest such hit to S above the highest.
    tail = os.environ.get("NFSK_FAULT_TAIL") == "1"
    scan = int(os.environ.get("NFSK_FAULT_SCAN", "0"))
    if scan:
        tail = True
    todo = None
    fine = False
    hits = []
    tried_n = set()
    total = None
    streak = 0
    seen_mod = False
    tried = 0
    n = 0
    while True:
        tried += 1
        if tried > MAX_N:
            report(False, "%s: more than %d faults" % (op, MAX_N))
            break
        if scan and total is not None:
            if todo is None:
                todo = list(range(total, 0, -scan))
            if not todo:
                # every n within S of a hit, again while hits widen it
                if hits:
                    lo, hi = max(1, min(hits) - scan + 1), min(total, max(hits) + scan - 1)
                    todo = [m for m in range(hi, lo - 1, -1)
                            if m not in tried_n and m % STRIDE == OFFSET]
                    if todo:
                        print("# %s: the module's allocations seen between n=%d and n=%d of %d; "
                              "every n from %d to %d" % (op, min(hits), max(hits), total, lo, hi), flush=True)
                elif not fine:
                    report(False, "%s: no fault of every %d-th of %d allocations hit nfsketch"
                           % (op, scan, total))
                fine = True
            if not todo:
                print("# %s: scan done, %d of %d allocations tried" % (op, len(tried_n), total), flush=True)
                break
            n = todo.pop(0)
            tried_n.add(n)
        elif scan:
            n = BIG
        elif tail:
            if total is None:
                n = BIG
            elif n == BIG:
                # the first N below or at the total with N mod S == O
                n = total - (total - OFFSET) % STRIDE
            else:
                n -= STRIDE
            if n < 1 or (seen_mod and streak * STRIDE >= TAIL_STOP):
                print("# %s: tail walk stopped at n=%d of %s" % (op, n, total), flush=True)
                break
        else:
            n = (OFFSET or STRIDE) if n == 0 else n + STRIDE
        kmsg.read()
        base_mem = mem_bytes()
        if cmd is not None:
            before = config_get() if op == "config_set" else None
            if op == "config_set":
                # back to the other geometry, so that the request rebuilds
                g1 = nl.Genl(timeout=30)
                back = g1.nfsk(nl.CMD_CONFIG_SET, ref_payload_undo)
                if back.error:
                    report(False, "%s n=%d: cannot restore the config (%s)" % (op, n, back))
                    break
                before = config_get(g1)
                base_mem = mem_bytes()
            g = nl.Genl(timeout=30)
            left, res = request(g, (lambda: fnth.arm(n), fnth.disarm), cmd, payload, bool(dump))
            injected = left == 0
            err = res if isinstance(res, int) else (None if res == "timeout" else res.error)
            extack = res.msg if isinstance(res, nl.Answer) else None
            state = "ok"
            if res == "timeout":
                state = "no answer in 30 s"
            elif op == "config_set":
                after = config_get()
                if err == 0:
                    state = "applied" if after == want_after else "ack without the new config"
                elif err == -errno.ENOBUFS and after == want_after:
                    # the netlink core could not allocate the ACK: the
                    # request was done, the socket reports lost messages
                    state = "applied, the ACK lost (ENOBUFS on the socket)"
                elif after == before:
                    state = "unchanged"
                else:
                    state = "changed although the request failed"
                if err and mem_bytes() != base_mem:
                    state += "; mem_bytes %s -> %s" % (base_mem, mem_bytes())
            else:
                again = nl.Genl(timeout=30).nfsk(cmd, payload, dump=bool(dump))
                if again.error != ref.error or (cmd in (nl.CMD_CONFIG_GET,) and
                                                 parse_config(again) != parse_config(ref)):
                    state = "a fresh request answered differently (%s)" % again
                elif err == 0 and isinstance(res, nl.Answer) and dump and \
                        dump_content(op, res.replies) != dump_content(op, ref.replies):
                    state = "an answer (%d messages) unlike the reference (%d messages)" % (
                        len(res.replies), len(ref.replies))
        elif op == "insmod":
            fd = os.open(arg, os.O_RDONLY)
            fnth.arm(n)
            r = libc.syscall(SYS_finit_module, fd, b"", 0)
            e = ctypes.get_errno()
            left = fnth.disarm()
            injected = left == 0
            os.close(fd)
            err = 0 if r == 0 else -e
            extack = None
            loaded = module_loaded()
            if err == 0:
                state = "loaded" if loaded else "success but not loaded"
            else:
                state = "not loaded" if not loaded and not os.path.exists("/sys/module/nfsketch") \
                    else "failed but the module is there"
        elif op == "netns":
            rd, wr = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(rd)
                f = FailNth()
                f.arm(n)
                r = libc.unshare(CLONE_NEWNET)
                e = ctypes.get_errno()
                left = f.disarm()
                os.write(wr, b"%d %d" % (0 if r == 0 else -e, left))
                os._exit(0)
            os.close(wr)
            data = b""
            while True:
                chunk = os.read(rd, 64)
                if not chunk:
                    break
                data += chunk
            os.close(rd)
            os.waitpid(pid, 0)
            e_s, i_s = data.split()
            err, left = int(e_s), int(i_s)
            injected = left == 0
            extack = None
            # the namespace (created or not) is gone once its cleanup ran:
            # the module's memory must be back where it was
            deadline = time.time() + 60
            while mem_bytes() != base_mem and time.time() < deadline:
                time.sleep(0.05)
            state = "mem_bytes back" if mem_bytes() == base_mem else \
                "mem_bytes %s -> %s" % (base_mem, mem_bytes())
        else:
            raise SystemExit("unknown op %s" % op)

        logs = kmsg.read()
        st = sites(logs)
        if not injected:
            if tail and total is not None:
                # the count drifted (the first insmod allocates more than
                # the next ones): nothing failed, and a module that loaded
                # must go before the next try (else EEXIST); go on from
                # this try's own count, not one by one down to it
                if op == "insmod" and module_loaded():
                    os.system("rmmod nfsketch")
                if not scan:
                    # the next try is the first N below this count with
                    # N mod S == O (n - STRIDE after this assignment)
                    m = n - left
                    n = min(n, m - (m - OFFSET) % STRIDE + STRIDE)
                continue
            report(err == 0, "%s: completes when the %d-th allocation is not reached (%s, %d allocations)"
                   % (op, n, ename(err), n - left))
            if op == "insmod" and module_loaded():
                os.system("rmmod nfsketch")
            if tail:
                total = n - left
                continue
            break
        n_inj += 1
        site, in_mod, frames = st[0] if st else ("?", False, [])
        if in_mod:
            n_module += 1
            seen_mod = True
            streak = 0
            hits.append(n)
        elif seen_mod:
            streak += 1
        bad = []
        if err == 0 and op not in ("netns",):
            # an allocation that may fail without an error: allowed only
            # for a retried or optional allocation; reported for review
            pass
        if op == "insmod" and err == 0:
            bad.append("insmod succeeded with the fault injected" if state != "loaded" else "")
        if "unchanged" not in state and "applied" not in state and state not in (
                "ok", "not loaded", "loaded", "mem_bytes back"):
            bad.append(state)
        if err is None:
            bad.append("no answer")
        if in_mod and cmd is not None and err == -errno.ENOMEM and not extack:
            # the module's own allocation failed a request: say which
            bad.append("-ENOMEM without an extack message")
        bad = [b for b in bad if b]
        key = (site, ename(err), extack or "")
        seen[key] = seen.get(key, 0) + 1
        rec = {"op": op, "arg": arg, "n": n, "site": site, "in_module": in_mod,
               "error": ename(err), "extack": extack, "state": state,
               "frames": [f for f, _ in frames[:12]]}
        with open(out, "a") as f:
            f.write(json.dumps(rec) + "\n")
        report(not bad, "%s n=%d at %s%s: %s%s, %s" % (
            op, n, site, " [nfsketch]" if in_mod else "", ename(err),
            (" \"%s\"" % extack) if extack else "", "; ".join(bad) or state))
        if op == "insmod" and module_loaded():
            os.system("rmmod nfsketch")
    print("# %s: %d faults injected, %d in nfsketch, %d distinct (site, error)"
          % (op, n_inj, n_module, len(seen)), flush=True)
    return n_inj


DBG = "/sys/kernel/debug/failslab/"
HEAD_CACHE = "/sys/kernel/slab/skbuff_head_cache/failslab"
# the sender's frame: nfsk_events_send, or the work if it was inlined there
SENDER = ("nfsk_events_send", "nfsk_events_work")


def wr(path, val):
    with open(path, "w") as f:
        f.write(str(val))


def kworkers():
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if re.match(r"kworker/\d+:", comm):
            out.append(pid)
    return out


def stats(key):
    """One counter of STATS_GET in this namespace, read by the CLI."""
    cli = os.path.join(os.environ.get("NFSK_TOP", "."), "build", "nfsketch")
    r = subprocess.run([cli, "-j", "stats"], capture_output=True, text=True, timeout=60)
    return json.loads(r.stdout)[key]


def events(out):
    kmsg = Kmsg(os.environ.get("NFSK_FAULT_LOG", "/tmp/fault-kmsg.log"))
    # `ip netns exec` gives its command a fresh /sys without debugfs
    if not os.path.isdir(DBG) and os.system("mount -t debugfs debugfs /sys/kernel/debug") != 0:
        report(False, "events: no debugfs in this mount namespace")
        return 0
    sk = nl.listener()
    sk.settimeout(1.0)
    ids = []

    def receive(until):
        while time.time() < until:
            try:
                data = sk.recv(1 << 16)
            except socket.timeout:
                return
            for cmd, payload in nl.messages(data):
                if cmd != nl.CMD_WINDOW_NTF:
                    continue
                top = nl.parse_attrs(payload)
                w = nl.parse_attrs(top.get(nl.A_WINDOW, b""))
                if 2 in w:      # NFSKETCH_A_WINDOW_ID
                    ids.append(struct.unpack("=Q", w[2])[0])

    deadline = time.time() + 120
    while len(ids) < 2 and time.time() < deadline:
        receive(time.time() + 1)
    report(len(ids) >= 2, "events: window events arrive before the fault (%d)" % len(ids))
    dropped0 = stats("events_dropped")
    kmsg.read()
    hit = None
    for attempt in range(3):
        merged = False
        try:
            wr(HEAD_CACHE, 1)
            wr(DBG + "cache-filter", "Y")
        except OSError:
            merged = True       # a merged cache cannot be flagged
        wr(DBG + "task-filter", "Y")
        wr(DBG + "interval", 1)
        wr(DBG + "times", 1)
        pids = kworkers()
        for p in pids:
            try:
                wr("/proc/%s/make-it-fail" % p, 1)
            except OSError:
                pass
        wr(DBG + "probability", 100)
        deadline = time.time() + 60
        while time.time() < deadline:
            receive(time.time() + 0.2)
            with open(DBG + "times") as f:
                if int(f.read()) == 0:
                    break
        wr(DBG + "probability", 0)
        for p in pids:
            try:
                wr("/proc/%s/make-it-fail" % p, 0)
            except OSError:
                pass
        wr(DBG + "task-filter", "N")
        if not merged:
            wr(DBG + "cache-filter", "N")
            wr(HEAD_CACHE, 0)
        st = sites(kmsg.read())
        for site, in_mod, frames in st:
            with open(out, "a") as f:
                f.write(json.dumps({"op": "events", "arg": "", "n": attempt + 1,
                                    "site": site, "in_module": in_mod,
                                    "error": "-ENOMEM (not delivered)",
                                    "extack": None, "state": "pending",
                                    "frames": [f for f, _ in frames[:12]]}) + "\n")
            print("# events: fault %d hit %s%s" % (attempt + 1, site,
                                                   " [nfsketch]" if in_mod else ""))
            if site in SENDER:
                hit = ids[-1] if ids else 0
        if hit is not None:
            break
    report(hit is not None, "events: an injected fault hit the sender (nfsk_events_send)")
    if hit is None:
        return 0
    n_before = len(ids)
    deadline = time.time() + 120
    while len(ids) < n_before + 3 and time.time() < deadline:
        receive(time.time() + 1)
    report(len(ids) >= n_before + 3, "events: window events go on after the failed send (%d more)"
           % (len(ids) - n_before))
    missing = sorted(set(range(ids[0], ids[-1] + 1)) - set(ids)) if ids else []
    # The failed send lost one event, counted in events_dropped. Which type
    # it was is not in the fault's stack: a window event (then its id is
    # the one missing) or an alert or route event of the namespace.
    dropped = stats("events_dropped") - dropped0
    report(dropped == 1, "events: the failed send is counted in events_dropped (+%d)" % dropped)
    report(len(missing) <= 1 and len(ids) == len(set(ids)),
           "events: no window event missing but the failed one (ids %d..%d, %d received, missing %s)"
           % (ids[0], ids[-1], len(ids), missing[:10]))
    # the state column of the record: what the listener saw
    lines = open(out).read().splitlines()
    for i in range(len(lines) - 1, -1, -1):
        r = json.loads(lines[i])
        if r["op"] == "events" and r["site"] in SENDER:
            r["state"] = ("%s lost, counted as dropped (+%d); the next %d delivered" % (
                "that window event" if len(missing) == 1 else
                "an event other than a window" if not missing else "windows %s" % missing[:10],
                dropped, len(ids) - n_before))
            lines[i] = json.dumps(r)
            break
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 1


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, op = sys.argv[1], sys.argv[2]
    arg = sys.argv[3] if len(sys.argv) > 3 else ""
    ref_payload_undo = b""
    if op == "config_set":
        undo = os.environ.get("NFSK_FAULT_UNDO", "")
        ref_payload_undo = nl.nest(nl.A_CONFIG, *[nl.u32(CFG_IDS[k], int(v)) for k, v in
                                                   (kv.split("=") for kv in undo.split(","))])
    n = events(out) if op == "events" else run(out, op, arg)
    report(n > 0, "%s: at least one fault injected (%d)" % (op, n))
    sys.exit(1 if failures else 0)
