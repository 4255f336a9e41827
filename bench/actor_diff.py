"""What a change to actor building does to real articles: dump the installed build's article actors,
then compare two dumps.

    PRESSLENS_MODELS=../shared/models python bench/actor_diff.py dump before.json [FILES...]
    # ... change the code, rebuild (make develop) ...
    PRESSLENS_MODELS=../shared/models python bench/actor_diff.py dump after.json [FILES...]
    python bench/actor_diff.py compare before.json after.json

FILES default to every BBC business and tech article in `../shared/data/bbc` (911). A dump is
{file: [[name, kind, mentions, label], ...]}. `compare` prints, per article whose actors differ, the
actors only in the first dump and only in the second, then counts: articles changed, articles whose
only change is an actor's kind, and each (name, kind before, kind after) change.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BBC = ROOT.parent / "shared" / "data" / "bbc"


def dump(out: Path, files: list[str], threads: int) -> None:
    import presslens

    paths = files or sorted(str(p) for p in BBC.glob("*/articles/*.txt"))
    if not paths:
        sys.exit(f"no articles: pass FILES or put the BBC data at {BBC}")
    pipeline = presslens.Pipeline(os.environ.get("PRESSLENS_MODELS"), threads=threads)
    texts = [Path(p).read_text(encoding="utf-8", errors="replace") for p in paths]
    corpus = pipeline.analyze_many(texts, ids=paths)
    result = {p: [[a.name, a.kind, len(a.mentions), a.label] for a in art.actors] for p, art in zip(paths, corpus.articles)}
    out.write_text(json.dumps(result))
    print(f"{len(paths)} articles, {sum(len(v) for v in result.values())} actors -> {out}")


def compare(before_path: Path, after_path: Path) -> None:
    before = json.loads(before_path.read_text())
    after = json.loads(after_path.read_text())
    changed = kind_only = 0
    kinds: collections.Counter = collections.Counter()
    for name in sorted(set(before) | set(after)):
        old = sorted(map(tuple, before.get(name, [])))
        new = sorted(map(tuple, after.get(name, [])))
        if old == new:
            continue
        changed += 1
        gone = [a for a in old if a not in new]
        added = [a for a in new if a not in old]
        old_kind = {a[0]: a[1] for a in old}
        for a in new:
            if a[0] in old_kind and old_kind[a[0]] != a[1]:
                kinds[(a[0], old_kind[a[0]], a[1])] += 1
        if len(gone) == len(added) and all(g[0] == a[0] and g[2:] == a[2:] for g, a in zip(sorted(gone), sorted(added))):
            kind_only += 1
        print(f"{name}\n  only before: {gone}\n  only after:  {added}")
    print(f"\n{changed} articles changed, {kind_only} of them only in an actor's kind")
    for (actor, old, new), n in kinds.most_common():
        print(f"  {actor}: {old} -> {new} in {n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("files", nargs="*")
    d.add_argument("--threads", type=int, default=2)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.out, args.files, args.threads)
    else:
        compare(args.before, args.after)


if __name__ == "__main__":
    main()
