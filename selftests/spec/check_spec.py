#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""check_spec.py - hold Documentation/netlink/specs/nfsketch.yaml against
everything else that describes the nfsketch family, and print TAP.

  check_spec.py [TOP]      TOP: the checkout (default: two levels up)

What it checks, and how (so what it does not):
 - the spec's own consistency: names unique, every referenced set, enum and
   group exists, attribute types are YNL's (a subset of the kernel's
   genetlink-legacy.yaml schema, which is not in Debian's linux-source);
 - include/uapi/linux/nfsketch.h: every enum the spec renders exists with
   exactly the names, order and values YNL would generate (values read back
   through the C compiler, names by parsing the header), the family, version
   and group defines, and the type in each attribute's comment when it has
   one;
 - the table of tunables (kmod/core/tunables.c, compiled and run): the
   config set's checks are its ranges, attribute by attribute;
 - the module (kmod/*.c, by parsing the source): each command's do/dump
   handler, its policy (accepted attributes = the spec's request attributes,
   types and checks the spec's, nested policies a subset of the nested
   set), the admin check for uns-admin-perm, the multicast group's flag, and
   the type of every attribute written with nla_put_*() or listed in a
   writer's table;
 - the CLI (userspace/) and the libnl client: the type of every attribute
   they put or read with a typed accessor, the attributes each request
   carries against the command's request list, and do vs dump.
Attributes written or read through a variable (the CLI's config keys use the
tunables table) are covered by the tunables check only.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(os.path.dirname(__file__), "..", ".."))
SPEC = os.path.join(TOP, "Documentation/netlink/specs/nfsketch.yaml")
HDR = os.path.join(TOP, "include/uapi/linux/nfsketch.h")

n_test = 0
n_fail = 0


def tap(ok, name, problems=()):
    global n_test, n_fail
    n_test += 1
    if not ok:
        n_fail += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n_test, name))
    for p in problems:
        print("#   %s" % p)


def check(name, problems):
    tap(not problems, name, problems)


def c_upper(s):
    return s.upper().replace("-", "_")


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


spec = yaml.safe_load(open(SPEC))
INT_TYPES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s32": 4, "s64": 8}
YNL_TYPES = {"unused", "pad", "flag", "binary", "u8", "u16", "u32", "u64",
             "s32", "s64", "string", "nest"}
LIMITS = {"u8-max": 0xFF, "u16-max": 0xFFFF, "u32-max": 0xFFFFFFFF,
          "u8-min": 0, "u16-min": 0, "u32-min": 0}

# ---- the spec's model -----------------------------------------------------

sets = {}       # set name -> list of attr dicts with 'value', 'cname'
by_cname = {}   # C name -> (set name, attr)
for aset in spec["attribute-sets"]:
    val = 1
    attrs = []
    for a in aset["attributes"]:
        a = dict(a)
        if "value" in a:
            val = a["value"]
        a["value"] = val
        a["cname"] = c_upper(aset["name-prefix"] + a["name"])
        val += 1
        attrs.append(a)
        by_cname[a["cname"]] = (aset["name"], a)
    sets[aset["name"]] = attrs
defs = {d["name"]: d for d in spec.get("definitions", [])}
groups = {g["name"]: g for g in spec.get("mcast-groups", {}).get("list", [])}
ops = []
val = 1
for op in spec["operations"]["list"]:
    op = dict(op)
    if "value" in op:
        val = op["value"]
    op["value"] = val
    op["cname"] = c_upper(spec["operations"]["name-prefix"] + op["name"])
    val += 1
    ops.append(op)
ops_by_cname = {op["cname"]: op for op in ops}


def attr_of(setname, name):
    for a in sets[setname]:
        if a["name"] == name:
            return a
    return None


def limit(v):
    return LIMITS.get(v, v)


# ---- 1. the spec itself ---------------------------------------------------

def spec_self():
    p = []
    for key in ("name", "doc", "attribute-sets", "operations"):
        if key not in spec:
            p.append("no %s" % key)
    if spec.get("protocol") not in ("genetlink", "genetlink-c", "genetlink-legacy"):
        p.append("protocol %r" % spec.get("protocol"))
    if spec.get("kernel-policy") != "per-op":
        p.append("kernel-policy is %r, the module has per-op policies" %
                 spec.get("kernel-policy"))
    seen = set()
    for name, attrs in sets.items():
        vals = set()
        for a in attrs:
            if a.get("type") not in YNL_TYPES:
                p.append("%s.%s: type %r" % (name, a["name"], a.get("type")))
            if a["value"] in vals:
                p.append("%s.%s: value %d twice" % (name, a["name"], a["value"]))
            vals.add(a["value"])
            if a["cname"] in seen:
                p.append("C name %s twice" % a["cname"])
            seen.add(a["cname"])
            if a.get("type") == "nest" and a.get("nested-attributes") not in sets:
                p.append("%s.%s: nested set %r" % (name, a["name"],
                                                    a.get("nested-attributes")))
            if "enum" in a and a["enum"] not in defs:
                p.append("%s.%s: enum %r" % (name, a["name"], a["enum"]))
            if a.get("type") not in ("unused", "pad") and not a.get("doc") and \
                    not a.get("type") in INT_TYPES and a.get("type") != "binary":
                pass
    for op in ops:
        if op["name"] == "unspec":
            continue
        if op.get("attribute-set") not in sets:
            p.append("op %s: set %r" % (op["name"], op.get("attribute-set")))
            continue
        for mode in ("do", "dump"):
            for way in ("request", "reply"):
                for an in (op.get(mode) or {}).get(way, {}).get("attributes", []):
                    if not attr_of(op["attribute-set"], an):
                        p.append("op %s %s %s: no attribute %s" %
                                 (op["name"], mode, way, an))
        if "event" in op:
            if op.get("mcgrp") not in groups:
                p.append("op %s: group %r" % (op["name"], op.get("mcgrp")))
            for an in op["event"].get("attributes", []):
                if not attr_of(op["attribute-set"], an):
                    p.append("op %s event: no attribute %s" % (op["name"], an))
        if not ("do" in op or "dump" in op or "event" in op):
            p.append("op %s: neither do, dump nor event" % op["name"])
    check("spec: names unique, references resolve, types are YNL's", p)


# ---- 2. the UAPI header ---------------------------------------------------

def header_enums():
    """enum name -> list of (C name, comment) in order."""
    text = open(HDR).read()
    out = {}
    for m in re.finditer(r"enum\s+(\w+)\s*\{(.*?)\};", text, re.S):
        entries = []
        for line in m.group(2).split("\n"):
            e = re.match(r"\s*(\w+)\s*(?:=[^,/]*)?,?\s*(?:/\*\s*(.*?)(?:\*/)?\s*)?$",
                         line)
            if e and e.group(1):
                entries.append((e.group(1), e.group(2) or ""))
        out[m.group(1)] = entries
    return out


def c_values(exprs, includes=("linux/nfsketch.h",), incdirs=("include/uapi",)):
    """Values of C constant expressions, as the compiler sees them."""
    exprs = list(exprs)
    if not exprs:
        return {}
    src = "#include <stdio.h>\n"
    src += "".join("#include <%s>\n" % i for i in includes)
    src += "int main(void)\n{\n"
    for e in exprs:
        src += '\tprintf("%%lld\\n", (long long)(%s));\n' % e
    src += "\treturn 0;\n}\n"
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, "v.c")
        exe = os.path.join(d, "v")
        with open(c, "w") as f:
            f.write(src)
        cc = os.environ.get("CC", "cc")
        args = [cc, "-o", exe, c] + ["-I" + os.path.join(TOP, i) for i in incdirs]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError("cc failed: %s" % r.stderr[-2000:])
        vals = subprocess.run([exe], capture_output=True, text=True,
                              check=True).stdout.split()
    return dict(zip(exprs, (int(v) for v in vals)))


def expected_enums():
    """enum name -> list of (C name, value, attr or None) as YNL renders."""
    exp = {}
    for aset in spec["attribute-sets"]:
        attrs = sets[aset["name"]]
        cnt = c_upper(aset.get("attr-cnt-name", "__" + aset["name-prefix"] + "max"))
        mx = c_upper(aset.get("attr-max-name", aset["name-prefix"] + "max"))
        last = attrs[-1]["value"]
        exp[aset["enum-name"]] = [(a["cname"], a["value"], a) for a in attrs] + \
            [(cnt, last + 1, None), (mx, last, None)]
    for d in defs.values():
        if d["type"] not in ("enum", "flags"):
            continue
        pfx = d.get("name-prefix", spec["name"] + "-" + d["name"] + "-")
        start = d.get("value-start", 0)
        rows = []
        for i, e in enumerate(d["entries"]):
            name = e if isinstance(e, str) else e["name"]
            if d["type"] == "flags":
                v = 1 << (start + i)
            else:
                v = e.get("value", start + i) if isinstance(e, dict) else start + i
            rows.append((c_upper(pfx + name), v, None))
        if d.get("render-max"):
            if d["type"] == "flags":
                rows.append((c_upper(pfx + "mask"),
                             sum(r[1] for r in rows), None))
            else:
                m = c_upper(pfx + "max")
                rows += [("__" + m, rows[-1][1] + 1, None), (m, rows[-1][1], None)]
        exp[d.get("enum-name") or d["name"]] = rows
    opx = spec["operations"]
    rows = [(op["cname"], op["value"], None) for op in ops]
    m = c_upper(opx["name-prefix"] + "max")
    rows += [("__" + m, ops[-1]["value"] + 1, None), (m, ops[-1]["value"], None)]
    exp[opx["enum-name"]] = rows
    return exp


COMMENT_TYPE = re.compile(r"^(u8|u16|u32|u64|s64|nest|binary)(\[(\d+)\])?\b")


def spec_header():
    hdr = header_enums()
    exp = expected_enums()
    in_header = {n for rows in hdr.values() for n, _ in rows}
    # only names the header has: a missing one is reported, not compiled
    vals = c_values([n for rows in exp.values() for n, _, _ in rows
                     if n in in_header])
    for ename, rows in exp.items():
        p = []
        got = hdr.get(ename)
        if got is None:
            check("header: enum %s" % ename, ["not in the header"])
            continue
        want_names = [r[0] for r in rows]
        got_names = [g[0] for g in got]
        if want_names != got_names:
            p.append("names: header %s" % " ".join(got_names))
            p.append("       spec   %s" % " ".join(want_names))
        for n, v, a in rows:
            if n in vals and vals[n] != v:
                p.append("%s = %d in the header, %d in the spec" % (n, vals[n], v))
        comments = dict(got)
        for n, v, a in rows:
            m = COMMENT_TYPE.match(comments.get(n, ""))
            if not a or not m:
                continue
            t, ln = m.group(1), m.group(3)
            if t != a["type"]:
                p.append("%s: header comment says %s, spec %s" % (n, t, a["type"]))
            elif ln and int(ln) != a.get("checks", {}).get("exact-len"):
                p.append("%s: header comment says %s bytes, spec %r" %
                         (n, ln, a.get("checks", {}).get("exact-len")))
        check("header: enum %s (%d names, values, types)" % (ename, len(rows)), p)
    extra = set(hdr) - set(exp)
    check("header: no enum the spec does not describe", sorted(extra))

    text = open(HDR).read()
    p = []
    for key, want in (("c-family-name", '"%s"' % spec["name"]),
                      ("c-version-name", str(spec.get("version", 1)))):
        d = c_upper(spec[key])
        m = re.search(r"#define\s+%s\s+(\S+)" % d, text)
        if not m or m.group(1) != want:
            p.append("%s: header %s, spec %s" % (d, m and m.group(1), want))
    for g in groups.values():
        d = c_upper(g.get("c-define-name", spec["name"] + "-mcgrp-" + g["name"]))
        m = re.search(r"#define\s+%s\s+(\S+)" % d, text)
        if not m or m.group(1) != '"%s"' % g["name"]:
            p.append("%s: header %s, spec \"%s\"" % (d, m and m.group(1), g["name"]))
    check("header: family name, version and multicast group defines", p)


# ---- 3. the table of tunables --------------------------------------------

def spec_tunables():
    build = os.path.join(TOP, "build", "spec")
    os.makedirs(build, exist_ok=True)
    exe = os.path.join(build, "tunables_dump")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O1", "-I" + os.path.join(TOP, "include"),
                    "-I" + os.path.join(TOP, "include/uapi"), "-o", exe,
                    os.path.join(TOP, "selftests/spec/tunables_dump.c"),
                    os.path.join(TOP, "kmod/core/tunables.c")], check=True)
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    p = []
    seen = set()
    for line in out.split("\n"):
        if not line:
            continue
        attr, lo, hi, _def, _pow2, name = line.split()
        attr, lo, hi = int(attr), int(lo), int(hi)
        a = next((x for x in sets["config"] if x["value"] == attr), None)
        if not a:
            p.append("tunable %s: config attribute %d not in the spec" % (name, attr))
            continue
        seen.add(a["name"])
        if a["name"] != name.replace("_", "-"):
            p.append("tunable %s is attribute %d, the spec's %s" % (name, attr, a["name"]))
        if a["type"] != "u32":
            p.append("%s: spec type %s, the module parses u32" % (a["name"], a["type"]))
        ch = a.get("checks", {})
        if limit(ch.get("min")) != lo or limit(ch.get("max")) != hi:
            p.append("%s: spec range [%s, %s], table [%d, %d]" %
                     (a["name"], ch.get("min"), ch.get("max"), lo, hi))
    for a in sets["config"]:
        if a["type"] not in ("unused", "pad", "binary") and a["name"] not in seen \
                and not a.get("doc", "").startswith("Read-only"):
            p.append("config.%s is in no tunable" % a["name"])
    check("tunables: every config attribute's type and range are the table's", p)


# ---- 4. the module --------------------------------------------------------

def c_functions(text):
    """name -> body, for functions whose body opens with '{' at column 0
    (the name's line starts at column 0 too: not a comment's mention)."""
    out = {}
    for m in re.finditer(r"\n((?:[A-Za-z_][^\n(]*?)?)(\w+)\(([^;{]*?)\)\s*\n\{\n(.*?)\n\}\n",
                         text, re.S):
        out[m.group(2)] = m.group(4)
    return out


def simple_defines():
    vals = {}
    for d in ("kmod", "include/nfsketch"):
        for f in os.listdir(os.path.join(TOP, d)):
            if f.endswith(".h"):
                for m in re.finditer(r"#define\s+(\w+)\s+(\d+)\b", read(os.path.join(d, f))):
                    vals[m.group(1)] = int(m.group(2))
    return vals


def resolve(expr, defines):
    expr = expr.strip()
    if re.fullmatch(r"\d+", expr):
        return int(expr)
    if expr in defines:
        return defines[expr]
    return c_values([expr])[expr]


NLA = {"NLA_U8": "u8", "NLA_U16": "u16", "NLA_U32": "u32", "NLA_U64": "u64",
       "NLA_S64": "s64", "NLA_NESTED": "nest", "NLA_BINARY": "binary",
       "NLA_FLAG": "flag", "NLA_NUL_STRING": "string", "NLA_STRING": "string"}


def parse_policy(expr, defines):
    """(type, checks, nested policy name) of a kernel policy entry."""
    e = expr.strip()
    m = re.fullmatch(r"\{\s*\.type\s*=\s*(NLA_\w+)\s*\}", e)
    if m:
        return NLA.get(m.group(1)), {}, None
    m = re.fullmatch(r"NLA_POLICY_EXACT_LEN\((\w+)\)", e)
    if m:
        return "binary", {"exact-len": resolve(m.group(1), defines)}, None
    m = re.fullmatch(r"NLA_POLICY_NESTED\((\w+)\)", e)
    if m:
        return "nest", {}, m.group(1)
    m = re.fullmatch(r"NLA_POLICY_(MIN|MAX)\((NLA_\w+),\s*(\w+)\)", e)
    if m:
        return NLA.get(m.group(2)), {m.group(1).lower(): resolve(m.group(3), defines)}, None
    m = re.fullmatch(r"NLA_POLICY_RANGE\((NLA_\w+),\s*(\w+),\s*(\w+)\)", e)
    if m:
        return NLA.get(m.group(1)), {"min": resolve(m.group(2), defines),
                                     "max": resolve(m.group(3), defines)}, None
    return None, {}, None


def kernel_policies(text):
    # a policy without initializer takes no attribute
    pols = {m.group(1): {} for m in
            re.finditer(r"struct nla_policy (\w+)\[[^\]]*\];", text)}
    for m in re.finditer(r"struct nla_policy (\w+)\[[^\]]*\]\s*(?:__ro_after_init\s*)?"
                         r"=\s*\{(.*?)\n\};", text, re.S):
        entries = {}
        for e in re.finditer(r"\[(NFSKETCH_A_\w+)\]\s*=\s*(.*?),?\s*(?:/\*.*?\*/)?\n",
                             m.group(2) + "\n"):
            entries[e.group(1)] = e.group(2).rstrip(",")
        pols[m.group(1)] = entries
    return pols


def kernel_ops(text):
    out = {}
    for m in re.finditer(r"\{\s*\n(\s*\.cmd\s*=\s*(NFSKETCH_CMD_\w+),.*?)\n\s*\}", text, re.S):
        fields = dict(re.findall(r"\.(\w+)\s*=\s*(\w+)", m.group(1)))
        out[m.group(2)] = fields
    return out


def check_attr(setname, cname, ktype, kchecks, where, p):
    ent = by_cname.get(cname)
    if not ent or ent[0] != setname:
        p.append("%s: %s is not an attribute of the spec's set %s" % (where, cname, setname))
        return None
    a = ent[1]
    if ktype != a["type"]:
        p.append("%s: %s is %s, the spec says %s" % (where, cname, ktype, a["type"]))
    sch = {k: limit(v) for k, v in a.get("checks", {}).items()}
    if kchecks != sch:
        p.append("%s: %s checks %s, the spec's %s" % (where, cname, kchecks, sch))
    return a


def spec_kernel():
    genl = read("kmod/genl.c")
    alltext = "".join(read(os.path.join("kmod", f)) for f in sorted(os.listdir(os.path.join(TOP, "kmod")))
                      if f.endswith(".c"))
    defines = simple_defines()
    pols = kernel_policies(alltext)
    kops = kernel_ops(genl)
    funcs = c_functions(genl)
    # nfsk_dump_begin(.., .., ADMIN) counts as the check only while it
    # makes it: through nfsk_dump_check_admin(), which calls the one check
    dump_begin_checks = ("nfsk_dump_check_admin(" in funcs.get("nfsk_dump_begin", "") and
                         "nfsk_check_admin(" in funcs.get("nfsk_dump_check_admin", ""))
    for op in ops:
        if op["name"] == "unspec":
            continue
        p = []
        k = kops.get(op["cname"])
        if "event" in op:
            if k:
                p.append("a notification with a handler")
            if not re.search(r"nfsk_genl_put_ntf\(\s*\w+,\s*%s\b|cmd\s*=\s*%s;" %
                             (op["cname"], op["cname"]), alltext):
                p.append("the module never sends %s" % op["cname"])
            check("kernel: %s is a notification on group %s" % (op["cname"], op["mcgrp"]), p)
            continue
        if not k:
            check("kernel: %s" % op["cname"], ["no genl_ops entry"])
            continue
        for mode, field in (("do", "doit"), ("dump", "dumpit")):
            if (mode in op) != (field in k):
                p.append("spec %s %s, ops .%s %s" % (mode, "yes" if mode in op else "no",
                                                      field, k.get(field)))
        if k.get("maxattr") != "NFSKETCH_A_MAX":
            p.append(".maxattr %s (types this family knows but the command does not "
                     "take are refused as unsupported only up to NFSKETCH_A_MAX)" %
                     k.get("maxattr"))
        pol = pols.get(k.get("policy"))
        if pol is None:
            p.append("no policy (%s)" % k.get("policy"))
            pol = {}
        mode = "do" if "do" in op else "dump"
        want = set(c_upper(op["attribute-set"] == "main" and "nfsketch-a-" + n or n)
                   for n in (op.get(mode) or {}).get("request", {}).get("attributes", []))
        if set(pol) != want:
            p.append("policy accepts %s, the spec's request %s" %
                     (sorted(pol), sorted(want)))
        for cname, expr in pol.items():
            t, ch, nested = parse_policy(expr, defines)
            a = check_attr("main", cname, t, ch, "policy %s" % k["policy"], p)
            if a and nested:
                npol = pols.get(nested)
                if npol is None:
                    p.append("nested policy %s not found" % nested)
                    continue
                for ncname, nexpr in npol.items():
                    nt, nch, _ = parse_policy(nexpr, defines)
                    check_attr(a["nested-attributes"], ncname, nt, nch,
                               "policy %s" % nested, p)
        handler = k.get("doit") or k.get("dumpit")
        body = funcs.get(handler, "")
        # directly, or through nfsk_dump_begin(nn, cb, ADMIN): true always,
        # another expression when the request asks (with-topk)
        m = re.search(r"nfsk_dump_begin\(\s*\w+\s*,\s*\w+\s*,\s*(\w+)\s*\)", body)
        begin_admin = m.group(1) if m and dump_begin_checks else "false"
        admin = "nfsk_check_admin(" in body or begin_admin == "true"
        admin_if_asked = admin or begin_admin != "false"
        # a request attribute documented as needing CAP_NET_ADMIN (with-topk)
        # makes an otherwise open command check it, for that attribute
        cond = [n for n in (op.get(mode) or {}).get("request", {}).get("attributes", [])
                if "needs CAP_NET_ADMIN" in (attr_of("main", n) or {}).get("doc", "")]
        if cond and not admin_if_asked:
            p.append("request attribute(s) %s need CAP_NET_ADMIN, handler %s does not "
                     "call nfsk_check_admin()" % (cond, handler))
        elif cond and "uns-admin-perm" not in op.get("flags", []):
            pass
        elif ("uns-admin-perm" in op.get("flags", [])) != admin:
            p.append("spec flags %s, handler %s %s nfsk_check_admin()" %
                     (op.get("flags", []), handler, "calls" if admin else "does not call"))
        if "admin-perm" in op.get("flags", []):
            p.append("admin-perm: the module checks the namespace's user namespace")
        check("kernel: %s handler, policy and permission" % op["cname"], p)

    p = []
    for g in groups.values():
        m = re.search(r"\{\s*\.name\s*=\s*%s,\s*\.flags\s*=\s*(\w+)" %
                      c_upper(g.get("c-define-name", "")), genl)
        kflag = m and m.group(1)
        if ("uns-admin-perm" in g.get("flags", [])) != (kflag == "GENL_MCAST_CAP_NET_ADMIN"):
            p.append("group %s: spec flags %s, module %s" % (g["name"], g.get("flags"), kflag))
    check("kernel: multicast groups and their permission", p)

    # writers
    p = []
    written = set()
    pats = [(r"nla_put_(u8|u16|u32|s64)\(\s*\w+,\s*(NFSKETCH_A_\w+)\b", None),
            (r"nla_put_u64_64bit\(\s*\w+,\s*(NFSKETCH_A_\w+)\b", "u64"),
            (r"nla_put\(\s*\w+,\s*(NFSKETCH_A_\w+),", "binary"),
            (r"nla_nest_start\(\s*\w+,\s*(NFSKETCH_A_\w+)\)", "nest"),
            (r"nla_put_flag\(\s*\w+,\s*(NFSKETCH_A_\w+)\)", "flag"),
            (r"(?:\{|\w+\()\s*(NFSKETCH_A_\w+),\s*NLA_(U8|U16|U32|U64|S64)\b", "table")]
    for pat, fixed in pats:
        for m in re.finditer(pat, alltext):
            if fixed is None:
                t, cname = m.group(1), m.group(2)
            elif fixed == "table":
                cname, t = m.group(1), m.group(2).lower()
            else:
                t, cname = fixed, m.group(1)
            written.add(cname)
            ent = by_cname.get(cname)
            if not ent:
                p.append("writes %s, not in the spec" % cname)
            elif ent[1]["type"] != t:
                p.append("writes %s as %s, the spec says %s" % (cname, t, ent[1]["type"]))
    for m in re.finditer(r"nfsk_(flow|route|rseries)_put(?:_all)?\(\s*\w+,\s*(NFSKETCH_A_\w+)\b", alltext):
        ent = by_cname.get(m.group(2))
        written.add(m.group(2))
        if not ent or ent[1].get("nested-attributes") != m.group(1):
            p.append("nfsk_%s_put() as %s, whose spec is %s" %
                     (m.group(1), m.group(2), ent and ent[1].get("nested-attributes")))
    # the score nest is written as a run from its first attribute
    if "NFSKETCH_A_SCORE_PACKETS" in written:
        written |= {a["cname"] for a in sets["score"]}
    # config attributes go out through the table of tunables
    written |= {a["cname"] for a in sets["config"] if a["type"] == "u32"}
    accepted = {c for pol in pols.values() for c in pol}
    dead = [a["cname"] for s in sets.values() for a in s
            if a["type"] not in ("unused", "pad") and a["cname"] not in written
            and a["cname"] not in accepted]
    if dead:
        p.append("neither written nor accepted by the module: %s" % " ".join(dead))
    check("kernel: every attribute written with the spec's type (%d written)" %
          len(written), p)


# ---- 5. userspace -----------------------------------------------------------

def uses(text, where, p, typed_get, int_get, put_typed, put_bin, nest_put):
    """Typed reads and writes of attributes in @text."""
    for m in re.finditer(typed_get, text):
        t, cname = m.group(1), m.group(2)
        ent = by_cname.get(cname)
        if not ent or ent[1]["type"] != t:
            p.append("%s reads %s as %s, the spec says %s" %
                     (where, cname, t, ent and ent[1]["type"]))
    if int_get:
        for m in re.finditer(int_get, text):
            ent = by_cname.get(m.group(1))
            if not ent or ent[1]["type"] not in INT_TYPES:
                p.append("%s reads %s as an integer, the spec says %s" %
                         (where, m.group(1), ent and ent[1]["type"]))
    for m in re.finditer(put_typed, text):
        t, cname = m.group(1), m.group(2)
        ent = by_cname.get(cname)
        if not ent or ent[1]["type"] != t:
            p.append("%s writes %s as %s, the spec says %s" %
                     (where, cname, t, ent and ent[1]["type"]))
    for m in re.finditer(put_bin, text):
        cname, ln = m.group(1), m.group(2)
        ent = by_cname.get(cname)
        if ent and ent[1]["type"] == "flag" and ln == "0":
            continue        # a flag is an attribute without payload
        if not ent or ent[1]["type"] != "binary":
            p.append("%s writes %s as binary, the spec says %s" %
                     (where, cname, ent and ent[1]["type"]))
        elif re.fullmatch(r"\d+", ln) and \
                int(ln) != ent[1].get("checks", {}).get("exact-len", int(ln)):
            p.append("%s writes %s of %s bytes, the spec's %s" %
                     (where, cname, ln, ent[1]["checks"]))
    for m in re.finditer(nest_put, text):
        ent = by_cname.get(m.group(1))
        if not ent or ent[1]["type"] != "nest":
            p.append("%s opens %s as a nest, the spec says %s" %
                     (where, m.group(1), ent and ent[1]["type"]))
    for m in re.finditer(r"\b(NFSKETCH_A_\w+)", text):
        n = m.group(1)
        if n not in by_cname and not n.endswith("_MAX"):
            p.append("%s uses %s, not in the spec" % (where, n))


def requests(text, where, req_re, put_re, p):
    """Main-set attributes each request carries, against its command."""
    funcs = c_functions(text)
    n = 0
    for fname, body in funcs.items():
        parts = re.split(req_re, body)
        # parts: before, cmd, flags, after, cmd, flags, after...
        for i in range(1, len(parts) - 2, 3):
            cmd, flags, after = parts[i], parts[i + 1], parts[i + 2]
            op = ops_by_cname.get(cmd)
            n += 1
            if not op:
                p.append("%s %s: command %s not in the spec" % (where, fname, cmd))
                continue
            dump = "NLM_F_DUMP" in flags
            if dump and "dump" not in op or not dump and "do" not in op:
                p.append("%s %s: %s as %s, the spec has %s" %
                         (where, fname, cmd, "dump" if dump else "do",
                          [k for k in ("do", "dump") if k in op]))
                continue
            want = {c_upper("nfsketch-a-" + a) for a in
                    op["dump" if dump else "do"].get("request", {}).get("attributes", [])}
            for m in re.finditer(put_re, after):
                ent = by_cname.get(m.group(1))
                if ent and ent[0] == "main" and m.group(1) not in want:
                    p.append("%s %s: %s carries %s, not in its request" %
                             (where, fname, cmd, m.group(1)))
    return n


def spec_userspace():
    p = []
    nreq = 0
    files = []
    for d, _, fs in os.walk(os.path.join(TOP, "userspace")):
        files += [os.path.join(d, f) for f in fs if f.endswith((".c", ".h"))]
    for f in sorted(files):
        text = open(f).read()
        where = os.path.relpath(f, TOP)
        uses(text, where, p,
             r"mnl_attr_get_(u8|u16|u32|u64)\(\s*\w+\[(NFSKETCH_A_\w+)\]",
             r"nfsk_nl_u64\(\s*\w+\[(NFSKETCH_A_\w+)\]",
             r"(?:mnl_attr|nfsk_nl)_put_(u8|u16|u32|u64|s64)\(\s*\w+,\s*(NFSKETCH_A_\w+)\b",
             r"mnl_attr_put\(\s*\w+,\s*(NFSKETCH_A_\w+),\s*([^,]+),",
             r"mnl_attr_nest_start\(\s*\w+,\s*(NFSKETCH_A_\w+)\)")
        for m in re.finditer(r"mnl_attr_get_payload\(\s*\w+\[(NFSKETCH_A_\w+)\]\)", text):
            ent = by_cname.get(m.group(1))
            if not ent or ent[1]["type"] != "binary":
                p.append("%s reads %s as binary, the spec says %s" %
                         (where, m.group(1), ent and ent[1]["type"]))
        nreq += requests(text, where,
                         r"nfsk_nl_request\(\s*[^,]+,\s*(NFSKETCH_CMD_\w+),\s*([^)]*)\)",
                         r"mnl_attr_(?:put\w*|nest_start)\(\s*\w+,\s*(NFSKETCH_A_\w+)", p)
    if nreq < 10:
        p.append("only %d requests found: the parser lost track of the CLI" % nreq)
    check("CLI: attribute types and per-command requests (%d requests)" % nreq, p)

    p = []
    f = "selftests/vm/nfsk_libnl_client.c"
    text = read(f)
    uses(text, f, p,
         r"nla_get_(u8|u16|u32|u64)\(\s*\w+\[(NFSKETCH_A_\w+)\]", None,
         r"nla_put_(u8|u16|u32|u64)\(\s*\w+,\s*(NFSKETCH_A_\w+)\b",
         r"nla_put\(\s*\w+,\s*(NFSKETCH_A_\w+),\s*([^,]+),",
         r"nla_nest_start\(\s*\w+,\s*(NFSKETCH_A_\w+)\)")
    npol = 0
    for m in re.finditer(r"\[(NFSKETCH_A_\w+)\]\s*=\s*\{\s*\.type\s*=\s*(NLA_\w+)"
                         r"(?:,\s*\.minlen\s*=\s*(\d+),\s*\.maxlen\s*=\s*(\d+))?", text):
        npol += 1
        ent = by_cname.get(m.group(1))
        t = NLA.get(m.group(2))
        if not ent or ent[1]["type"] != t:
            p.append("%s policy: %s is %s, the spec says %s" %
                     (f, m.group(1), t, ent and ent[1]["type"]))
        elif m.group(3) and t in INT_TYPES and \
                not int(m.group(3)) == int(m.group(4)) == INT_TYPES[t]:
            p.append("%s policy: %s length %s..%s, a %s is %d" %
                     (f, m.group(1), m.group(3), m.group(4), t, INT_TYPES[t]))
    if npol < 10:
        p.append("only %d policy entries found: the parser lost track" % npol)
    check("libnl client: policy (%d entries) and typed reads match the spec" % npol, p)


def main():
    print("TAP version 13")
    spec_self()
    spec_header()
    spec_tunables()
    spec_kernel()
    spec_userspace()
    print("1..%d" % n_test)
    return 1 if n_fail else 0


if __name__ == "__main__":
    sys.exit(main())
