"""The ``presslens`` command line.

    presslens summarize seeds/            # 3 sentences per article, 5 across all of them
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


def cmd_summarize(args: argparse.Namespace) -> None:
    from .pipeline import Pipeline

    docs = list(iter_text_files(args.paths))
    ids = [doc_id for doc_id, _ in docs]
    texts = [text for _, text in docs]
    pipeline = Pipeline(args.models, threads=args.threads)
    summaries = pipeline.summarize_many(texts, max_sentences=args.sentences, show_progress=sys.stderr.isatty())
    corpus = pipeline.summarize_corpus(texts, ids, max_sentences=args.corpus_sentences) if len(texts) > 1 else None
    out = sys.stdout
    if args.format == "json":
        payload = {
            "articles": [
                {"doc_id": i, "summary": [s.__dict__ for s in summary.sentences]} for i, summary in zip(ids, summaries)
            ],
            "corpus": None if corpus is None else [{**s.__dict__, "sources": list(s.sources)} for s in corpus.sentences],
        }
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    for doc_id, summary in zip(ids, summaries):
        out.write(f"## {doc_id}\n\n")
        for s in summary.sentences:
            out.write(f"- {' '.join(s.text.split())}\n")
        out.write("\n")
    if corpus is not None:
        out.write(f"## Across all {len(texts)} articles\n\n{corpus}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="presslens", description="Summaries and per-actor stance for news articles.")
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sentences = commands.add_parser("sentences", help="split articles into sentences with offsets")
    sentences.add_argument("paths", nargs="+", metavar="PATH", help="text files, or folders of .txt files")
    sentences.add_argument("--format", choices=["text", "jsonl"], default="text")
    sentences.set_defaults(run=cmd_sentences)
    summarize = commands.add_parser("summarize", help="a summary per article and one across all of them")
    summarize.add_argument("paths", nargs="+", metavar="PATH", help="text files, or folders of .txt files")
    summarize.add_argument("--sentences", type=int, default=3, help="sentences per article summary (default 3)")
    summarize.add_argument("--corpus-sentences", type=int, default=5, help="sentences in the summary across articles (default 5)")
    summarize.add_argument("--format", choices=["md", "json"], default="md")
    summarize.add_argument("--models", default=None, help="models folder (default: $PRESSLENS_MODELS)")
    summarize.add_argument("--threads", type=int, default=None)
    summarize.set_defaults(run=cmd_summarize)
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
