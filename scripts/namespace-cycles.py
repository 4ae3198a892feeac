#!/usr/bin/env python3
"""Namespace-level dependency cycles inside one ActorConnect project (source approximation).

For each .cs file: its namespace, and which of the project's other namespaces its code names a type of.
A type counts when its simple name appears as an identifier in the file (comments and strings stripped) and its
namespace is visible there: a `using`, the file's own namespace or one of its parents, or written fully qualified.
Names called or declared as methods (`Name(` without `new`) and member accesses (`x.Name`) are skipped, so a
method that shares a type's name does not count. This is a first approximation; tests/ActorConnect.Runtime.Tests/Architecture/NamespaceCycleTests.cs checks the
compiled assembly (signatures and IL) and is the authority.

usage: scripts/namespace-cycles.py src/ActorConnect.Runtime [--edges] [--why A B]
"""
import os
import re
import sys
from collections import defaultdict

DECL = re.compile(r'\b(?:class|struct|interface|enum|record(?:\s+(?:class|struct))?|delegate\s+[\w<>\[\],.? ]+?)\s+([A-Z]\w*)')
NS = re.compile(r'^\s*namespace\s+([\w.]+)', re.M)
USING = re.compile(r'^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;', re.M)
IDENT = re.compile(r'\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*\b')


def strip(src):
    src = re.sub(r'//[^\n]*', '', src)
    src = re.sub(r'/\*.*?\*/', '', src, flags=re.S)
    src = re.sub(r'@"(?:[^"]|"")*"', '""', src)
    src = re.sub(r'"""(?:.|\n)*?"""', '""', src)
    src = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', src)
    src = re.sub(r"'(?:\\.|[^'\\\n])'", "''", src)
    return src


def scan(root):
    files = {}
    for d, _, names in os.walk(root):
        if '/obj' in d or '/bin' in d:
            continue
        for n in names:
            if n.endswith('.cs'):
                p = os.path.join(d, n)
                with open(p, encoding='utf-8-sig') as f:
                    files[p] = strip(f.read())
    decls = defaultdict(set)  # type name -> namespaces declaring it
    info = {}
    for p, src in files.items():
        m = NS.search(src)
        if not m:
            continue
        ns = m.group(1)
        info[p] = (ns, src)
        for t in DECL.findall(src):
            decls[t].add(ns)
    return info, decls


def edges(info, decls, prefix):
    out = defaultdict(lambda: defaultdict(set))  # from -> to -> {(file, type)}
    for p, (ns, src) in info.items():
        visible = set(USING.findall(src))
        parts = ns.split('.')
        visible |= {'.'.join(parts[:i]) for i in range(1, len(parts) + 1)}
        body = src[NS.search(src).end():]
        for m in IDENT.finditer(body):
            word = m.group(0)
            # A name called or declared as a method (`Name(` without `new`, or `.Name(`) is a method, not the type.
            if body[m.end():m.end() + 1] == '(' and not body[:m.start()].rstrip().endswith('new'):
                continue
            if m.start() > 0 and body[m.start() - 1] == '.':
                continue
            segs = word.split('.')
            for i, seg in enumerate(segs):
                for tns in decls.get(seg, ()):
                    if tns == ns or not tns.startswith(prefix):
                        continue
                    qualifier = '.'.join(segs[:i])
                    if tns in visible or (qualifier and (tns == qualifier or tns.endswith('.' + qualifier))):
                        out[ns][tns].add((os.path.relpath(p), seg))
    return out


def cycles(graph):
    """Strongly connected components with more than one namespace (Tarjan)."""
    index, low, stack, on, comps, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return comps


def main():
    args = sys.argv[1:]
    root = args[0].rstrip('/')
    prefix = os.path.basename(root)
    info, decls = scan(root)
    out = edges(info, decls, prefix)
    if '--why' in args:
        a, b = args[args.index('--why') + 1:args.index('--why') + 3]
        for f, t in sorted(out[a][b]):
            print(f'{f}: {t}')
        return 0
    if '--edges' in args:
        for a in sorted(out):
            print(f'{a} -> {", ".join(sorted(out[a]))}')
    comps = cycles({a: set(bs) for a, bs in out.items()})
    for comp in comps:
        print('cycle among: ' + ', '.join(comp))
        for a in comp:
            for b in sorted(out[a]):
                if b in comp:
                    types = sorted({t for _, t in out[a][b]})
                    print(f'  {a} -> {b}: {", ".join(types[:8])}{" ..." if len(types) > 8 else ""}')
    if not comps:
        print(f'{prefix}: no namespace cycles')
    return 1 if comps else 0


if __name__ == '__main__':
    sys.exit(main())
