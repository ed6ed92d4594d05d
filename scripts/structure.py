#!/usr/bin/env python3
"""Structure report of src/main/java: which package imports which, cycles, the longest files and methods
(signatures over several lines included).

Usage: python3 scripts/structure.py [SRC_ROOT]   (default src/main/java)
"""
import os
import re
import sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else "src/main/java"
files = {}
for d, _, names in os.walk(root):
    for n in names:
        if n.endswith(".java"):
            p = os.path.join(d, n)
            files[p] = open(p, encoding="utf-8").read()

def package(text):
    m = re.search(r"^package ([\w.]+);", text, re.M)
    return m.group(1) if m else ""

classes = {}
for p, t in files.items():
    classes[package(t) + "." + os.path.basename(p)[:-5]] = package(t)
pkgs = sorted(set(classes.values()))
deps = defaultdict(set)
for p, t in files.items():
    me = package(t)
    used = set(re.findall(r"^import (?:static )?([\w.]+)\.[\w*]+;", t, re.M))
    used |= set(re.findall(r"\b(org\.slime4j(?:\.[a-z]\w*)+)\.[A-Z]\w*", t))
    for u in used:
        while u and u not in pkgs:
            u = u.rsplit(".", 1)[0] if "." in u else ""
        if u and u != me:
            deps[me].add(u)

short = lambda s: s.replace("org.slime4j.", "") or s
print("## Package imports")
for k in pkgs:
    print(f"- {short(k)} -> {', '.join(short(d) for d in sorted(deps[k])) or '(none)'}")

# cycles: strongly connected components with more than one package
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in deps[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(comp)
for v in pkgs:
    if v not in index:
        strong(v)
print("\n## Package cycles")
print("\n".join("- " + " <-> ".join(sorted(short(c) for c in comp)) for comp in sccs) or "- none")

print("\n## Longest files (lines)")
for p in sorted(files, key=lambda p: -files[p].count("\n"))[:5]:
    print(f"- {files[p].count(chr(10))} {os.path.relpath(p, root)}")

# a method's signature may span lines: its start (modifiers, type, name, '('), then up to its '{'
start = re.compile(r"^(\s+)(?:(?:public|private|protected|static|final|synchronized|default|abstract)\s+)*"
                   r"(?:<[^>]+>\s+)?[\w.<>\[\], ?]+\s+(\w+)\s*\(")
methods = []
for p, t in files.items():
    lines = t.split("\n")
    for i, line in enumerate(lines):
        m = start.match(line)
        if not m or m.group(2) in ("if", "for", "while", "switch", "catch", "try", "synchronized", "return", "new") \
                or re.search(r"\b(record|class|interface|enum|new|return)\s", line) or "=" in line.split("(")[0]:
            continue
        end = i
        while end < len(lines) and not lines[end].rstrip().endswith("{") and ";" not in lines[end] \
                and end - i < 8:
            end += 1
        if end >= len(lines) or not lines[end].rstrip().endswith("{") or ";" in "".join(lines[i:end + 1]):
            continue
        indent = m.group(1)
        for j in range(end + 1, len(lines)):
            if lines[j].startswith(indent + "}"):
                methods.append((j - i + 1, os.path.relpath(p, root), m.group(2)))
                break
print("\n## Longest methods (lines, with signature and braces)")
for n, p, name in sorted(methods, reverse=True)[:12]:
    print(f"- {n} {p}#{name}")
