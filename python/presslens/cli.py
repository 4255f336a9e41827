"""The ``presslens`` command line.

    presslens sentences seeds/            # each article's sentences with their offsets
    presslens sentences a.txt --format jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from . import __version__
from .exceptions import PresslensError
from .text import segment


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


def iter_text_files(paths: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(id, text) for each file, and for each ``*.txt`` file of each folder in name order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".txt")
            if not files:
                raise UsageError(f"{path} has no .txt files")
        elif path.is_file():
            files = [path]
        else:
            raise UsageError(f"{path} does not exist")
        for file in files:
            try:
                yield file.stem, file.read_text(encoding="utf-8")
            except UnicodeDecodeError as e:
                raise UsageError(f"{file} is not UTF-8 text ({e.reason} at byte {e.start})") from None


def cmd_sentences(args: argparse.Namespace) -> None:
    out = sys.stdout
    for doc_id, text in iter_text_files(args.paths):
        doc = segment(text)
        if args.format == "jsonl":
            for s in doc.sentences:
                out.write(json.dumps({"doc_id": doc_id, **s.__dict__}, ensure_ascii=False) + "\n")
            continue
        out.write(f"## {doc_id} ({len(doc.sentences)} sentences, {len(doc.removed)} spans removed)\n")
        for s in doc.sentences:
            out.write(f"{s.index:>3} [{s.start}:{s.end}] {s.kind:<8} {' '.join(s.text.split())}\n")
        for r in doc.removed:
            out.write(f"    removed [{r.start}:{r.end}] {r.reason}: {' '.join(text[r.start:r.end].split())!r}\n")
        out.write("\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="presslens", description="Summaries and per-actor stance for news articles.")
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sentences = commands.add_parser("sentences", help="split articles into sentences with offsets")
    sentences.add_argument("paths", nargs="+", metavar="PATH", help="text files, or folders of .txt files")
    sentences.add_argument("--format", choices=["text", "jsonl"], default="text")
    sentences.set_defaults(run=cmd_sentences)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (UsageError, PresslensError) as e:
        print(f"presslens: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `presslens ... | head` is fine
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
