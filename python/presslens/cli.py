"""The ``presslens`` command line.

    presslens analyze seeds/                      # summaries + actor stance, as Markdown
    presslens summarize seeds/ --format json      # 3 sentences per article, 5 across all of them
    presslens stance articles.csv --text-column body --id-column url --format csv -o stance.csv
    presslens stance seeds/ --actors actors.json  # {"United States": ["US", "Washington"], ...}
    presslens sentences seeds/                    # each article's sentences with their offsets
    presslens stories articles.jsonl              # articles grouped into stories, each summarised

Inputs: text files, folders of ``*.txt`` files, JSONL files (one object per line) and CSV files
with a text column. Rows whose text is missing or empty stay in the output, flagged. Errors in the
input are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from . import __version__
from ._inputs import Unusable, check_unique_columns
from .exceptions import PresslensError
from .text import segment


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


# ---------------------------------------------------------------- inputs

# One text (a file, or a CSV or JSONL cell) holds at most this many characters; a longer one is that
# row's error (status "too long ..."), not the run's. Far above any article: the analysis reads the
# first `max_article_sentences` sentences of a text anyway.
MAX_TEXT_CHARS = 10_000_000


def warn(message: str) -> None:
    print(f"presslens: warning: {_one_line(message)}", file=sys.stderr)


def _read(path: Path, what: str = "") -> str:
    """A file's text: UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8" writes one)."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise UsageError(f"{what}{path} is not UTF-8 text ({e.reason} at byte {e.start})") from None


def _parse_json(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UsageError(f"{where} is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    except RecursionError:
        raise UsageError(f"{where} nests arrays or objects too deeply to read") from None
    except ValueError as e:  # Python refuses to read an int of more than 4,300 digits
        raise UsageError(f"{where} cannot be read ({e}); write very long numbers as strings") from None


def _within_limit(text: object) -> object:
    """A text over :data:`MAX_TEXT_CHARS` becomes that row's error; anything else stays as read."""
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        return Unusable(f"too long ({len(text):,} characters; the limit is {MAX_TEXT_CHARS:,})")
    return text


def _check_id(doc_id: object, where: str, id_column: str) -> None:
    if doc_id is None or isinstance(doc_id, str) or (isinstance(doc_id, (int, float)) and math.isfinite(doc_id)):
        return
    # Lists and objects cannot name an article; NaN and Infinity cannot be written back as JSON.
    shown = json.dumps(doc_id)[:40]
    raise UsageError(f"{where}: {id_column!r} is {shown}; ids must be strings or finite numbers (or pass --id-column)")


def _jsonl_rows(path: Path, text_column: str, id_column: str) -> Iterator[tuple[object, object]]:
    checked = False
    # JSONL lines end at "\n" only: str.splitlines() also splits at U+2028, U+2029, U+0085 and
    # friends, which json.dumps(..., ensure_ascii=False) leaves raw inside strings.
    for number, line in enumerate(_read(path).split("\n"), 1):
        if not line.strip():
            continue
        row = _parse_json(line, f"{path}:{number}")
        if not isinstance(row, dict):
            raise UsageError(f"{path}:{number} must be a JSON object with a {text_column!r} field")
        if not checked and text_column not in row:
            raise UsageError(f"{path}:{number} has no {text_column!r} field (fields: {sorted(row)}); pass --text-column")
        checked = True
        doc_id = row.get(id_column, f"{path.stem}:{number}")
        _check_id(doc_id, f"{path}:{number}", id_column)
        yield doc_id, _within_limit(row.get(text_column))


@contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    # The csv module refuses fields over 131,072 characters by default, failing the whole file.
    old = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _csv_problem(error: csv.Error, start: int, reached: int) -> str:
    """What is wrong with the record that starts on line ``start``, the reader having got to line
    ``reached`` when ``error`` came."""
    message = str(error)
    # A quote that never closes runs on to the end of the file, or to the next quote, which closes it
    # with the following row's text right after: either way the record ran past its own line.
    if "unexpected end of data" in message or ("expected after" in message and reached > start):
        return f'opens a quoted field that never closes (it runs on to line {reached}): close it, and double each quote inside it ("")'
    if "expected after" in message:
        return 'has text after a closing quote: a quote inside a quoted field must be doubled ("")'
    return f"is not valid CSV ({message})"


def _csv_rows(path: Path, text_column: str, id_column: str) -> Iterator[tuple[object, object]]:
    text = _read(path)
    # strict: a quote that never closes fails (at the end of the file) instead of silently
    # swallowing every row after it into one text.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    with _csv_field_limit(len(text) + 1):  # no field is longer than the file: long texts are read, then judged
        number, start = 0, 1  # the last complete row, and the line the next one starts on
        try:
            header = next(reader, None) or []
            check_unique_columns(header, [text_column, id_column], str(path))
            if text_column not in header:
                raise UsageError(f"{path} has no column {text_column!r} (columns: {header}); pass --text-column")
            start = reader.line_num + 1
            for cells in reader:
                if cells:  # a blank line is no row (as csv.DictReader reads it)
                    number += 1
                    row = dict(zip(header, cells))
                    yield row.get(id_column) or f"{path.stem}:{number}", _within_limit(row.get(text_column))
                start = reader.line_num + 1
        except csv.Error as e:
            where = f"row {number + 1} (line {start})" if start > 1 else "the header (line 1)"
            raise UsageError(f"{path}: {where} {_csv_problem(e, start, reader.line_num)}") from None


def _records(path: Path, text_column: str, id_column: str) -> Iterator[tuple[object, object]]:
    """(id, text) rows of a JSONL or CSV file; the text may be missing (reported downstream)."""
    if path.suffix.lower() == ".jsonl":
        return _jsonl_rows(path, text_column, id_column)
    return _csv_rows(path, text_column, id_column)


def _folder_files(folder: Path) -> list[Path]:
    """The ``*.txt`` files of a folder, in name order. Entries so named that are not regular files
    (dangling or looping links, FIFOs, devices, folders) are skipped, and one warning says how many."""
    named = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt")
    files = [p for p in named if p.is_file()]
    if len(files) < len(named):
        skipped = [p.name for p in named if p not in files]
        warn(
            f"skipped {len(skipped)} entries of {folder} that are not readable files (dangling or looping links, FIFOs, devices, folders): {', '.join(skipped[:5])}{' ...' if len(skipped) > 5 else ''}"
        )
    if not files:
        raise UsageError(f"{folder} has no .txt files")
    return files


def iter_inputs(paths: Sequence[str], text_column: str = "text", id_column: str = "id") -> Iterator[tuple[object, object]]:
    """(id, text) for each text file, each ``*.txt`` of each folder (name order), each JSONL/CSV row.
    A path named explicitly is read whatever it is (a FIFO, ``/dev/stdin``); a text over
    :data:`MAX_TEXT_CHARS` comes as that row's error."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in _folder_files(path):
                yield file.stem, _within_limit(_read(file))
        elif not path.exists():
            raise UsageError(f"{path} does not exist")
        elif path.suffix.lower() in (".jsonl", ".csv"):
            yield from _records(path, text_column, id_column)
        else:
            yield path.stem, _within_limit(_read(path))


def iter_text_files(paths: Sequence[str]) -> Iterator[tuple[str, str]]:
    for doc_id, text in iter_inputs(paths):
        yield str(doc_id), text if isinstance(text, str) else ""


def load_actors(path: str | None) -> dict[str, list[str]] | None:
    if path is None:
        return None
    try:
        data = _parse_json(_read(Path(path), "actors file "), f"actors file {path}")
    except FileNotFoundError:
        raise UsageError(f"actors file {path} does not exist") from None
    if not isinstance(data, dict) or not all(isinstance(v, list) and all(isinstance(a, str) for a in v) for v in data.values()):
        raise UsageError(f"actors file {path} must be a JSON object mapping each actor to a list of aliases")
    return data


# ---------------------------------------------------------------- outputs


@contextmanager
def output(path: str | None) -> Iterator[IO[str]]:
    """Where a command writes, opened before it does any work: a folder or a missing parent fails at
    once, not after the analysis. What the command writes is kept in memory and replaces the file's
    content only when the command succeeds; a file the command created is removed if it fails."""
    if path is None:
        yield sys.stdout
        return
    if os.path.isdir(path):
        raise UsageError(f"-o {path} is a folder; give a file name")
    existed = os.path.lexists(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)  # no O_TRUNC: old results stay until new ones are ready
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            pending = io.StringIO(newline="")
            yield pending
            if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # not for /dev/stdout, a FIFO, ...
                handle.truncate(0)
            handle.write(pending.getvalue())
    except BaseException:
        if not existed:
            with suppress(OSError):
                os.unlink(path)
        raise


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...), +cmd|...).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV cell that no spreadsheet runs as a formula: text starting with ``= + - @``, tab or
    carriage return gets a leading ``'`` (OWASP's advice); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_rows(out: IO[str], rows: list[dict[str, Any]], fmt: str, columns: list[str]) -> None:
    """Rows as JSON (one array), JSONL or CSV (lists joined with ' | ', text cells neutralised
    by :func:`csv_safe`)."""
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_safe(" | ".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for k, v in row.items()})


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md_table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:+.2f}"
        text = _one_line(str(v if v is not None else ""))
        return (text if len(text) <= 160 else text[:159] + "…").replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- commands


def _pipeline(args: argparse.Namespace):
    from .pipeline import Pipeline

    return Pipeline(args.models, threads=args.threads, device=args.device, precision=args.precision)


def _load(args: argparse.Namespace) -> tuple[list[object], list[object]]:
    rows = list(iter_inputs(args.paths, args.text_column, args.id_column))
    return [r[0] for r in rows], [r[1] for r in rows]


def cmd_sentences(args: argparse.Namespace, out: IO[str]) -> None:
    for doc_id, text in iter_text_files(args.paths):
        doc = segment(text)
        if args.format == "jsonl":
            for s in doc.sentences:
                out.write(json.dumps({"doc_id": doc_id, **s.to_dict()}, ensure_ascii=False) + "\n")
            continue
        out.write(f"## {doc_id} ({len(doc.sentences)} sentences, {len(doc.removed)} spans removed)\n")
        for s in doc.sentences:
            out.write(f"{s.index:>3} [{s.start}:{s.end}] {s.kind:<8} {_one_line(s.text)}\n")
        for r in doc.removed:
            out.write(f"    removed [{r.start}:{r.end}] {r.reason}: {_one_line(text[r.start : r.end])!r}\n")
        out.write("\n")


def cmd_summarize(args: argparse.Namespace, out: IO[str]) -> None:
    from ._inputs import bounded_int, limit
    from .frames import text_status

    bounded_int(args.corpus_sentences, "--corpus-sentences", 0, limit("max_sentences"))
    ids, values = _load(args)
    statuses = [text_status(v) for v in values]
    texts = [v if s == "ok" else "" for v, s in zip(values, statuses)]
    pipeline = _pipeline(args)
    summaries = pipeline.summarize_many(texts, max_sentences=args.sentences, show_progress=sys.stderr.isatty())
    good = [(i, t) for i, t, s in zip(ids, texts, statuses) if s == "ok"]
    # Past Pipeline's corpus limit this is made story by story (best sentence of each largest story).
    corpus = pipeline.summarize_corpus([t for _, t in good], [i for i, _ in good], max_sentences=args.corpus_sentences) if len(good) > 1 else None
    rows: list[dict[str, Any]] = [
        {"doc_id": i, "status": s, "summary": str(summary), "sentences": [x.to_dict() for x in summary.sentences]}
        for i, s, summary in zip(ids, statuses, summaries)
    ]
    if args.format == "md":
        for row in rows:
            out.write(f"## {row['doc_id']}\n\n")
            if row["status"] != "ok":
                out.write(f"_({row['status']})_\n\n")
            out.write("".join(f"- {_one_line(x['text'])}\n" for x in row["sentences"]) + "\n")
        if corpus is not None:
            out.write(f"## Across all {len(good)} articles\n\n")
            for s in corpus.sentences:
                also = f" (also: {', '.join(map(str, s.sources))})" if s.sources else ""
                out.write(f"- {_one_line(s.text)} [{s.doc_id}]{also}\n")
    elif args.format == "json":
        corpus_rows = (
            None
            if corpus is None
            else [{**s.to_dict(), "sources": list(s.sources), "source_sentences": [x.text for x in s.source_sentences]} for s in corpus.sentences]
        )
        json.dump({"articles": rows, "corpus": corpus_rows}, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif args.format == "jsonl":
        write_rows(out, rows, "jsonl", [])
    else:
        write_rows(out, [{**r, "sentences": len(r["sentences"])} for r in rows], "csv", ["doc_id", "status", "summary", "sentences"])


def _analyze(args: argparse.Namespace):
    from .frames import analyze_texts

    actors = load_actors(args.actors)
    ids, values = _load(args)
    if len(set(map(str, ids))) != len(ids):
        raise UsageError("article ids are not unique; pass --id-column with a unique column")
    return analyze_texts(_pipeline(args), values, ids, actors, show_progress=sys.stderr.isatty())


STANCE_MD = ["actor", "kind", "score", "label", "mentions", "evidence"]
CORPUS_MD = ["actor", "score", "label", "mentions", "articles", "evidence"]


def cmd_stance(args: argparse.Namespace, out: IO[str]) -> None:
    from .analysis import ACTOR_COLUMNS, actor_rows, corpus_actor_rows

    corpus, statuses = _analyze(args)
    if args.format == "md":
        for art, status in zip(corpus, statuses):
            out.write(f"## {art.doc_id}\n\n")
            out.write(_md_table(actor_rows(art), STANCE_MD) + "\n" if art.actors else f"_no actors ({status})_\n\n")
        out.write(f"## Across all {len(corpus)} articles\n\n" + _md_table(corpus_actor_rows(corpus), CORPUS_MD))
    elif args.format == "json":
        payload = {
            "articles": [{"doc_id": a.doc_id, "status": s, "actors": actor_rows(a)} for a, s in zip(corpus, statuses)],
            "corpus": corpus_actor_rows(corpus),
        }
        json.dump(payload, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    else:
        write_rows(out, [r for a in corpus for r in actor_rows(a)], args.format, ACTOR_COLUMNS)


def cmd_analyze(args: argparse.Namespace, out: IO[str]) -> None:
    from .analysis import actor_rows, corpus_actor_rows
    from .frames import ARTICLE_COLUMNS, article_rows

    corpus, statuses = _analyze(args)
    articles = article_rows(corpus, statuses)
    if args.format == "md":
        for art, row in zip(corpus, articles):
            out.write(f"## {art.doc_id}\n\n")
            if row["status"] != "ok":
                out.write(f"_({row['status']})_\n\n")
                continue
            out.write("".join(f"- {_one_line(s.text)}\n" for s in art.summary.sentences) + "\n")
            if art.actors:
                out.write(_md_table(actor_rows(art), STANCE_MD) + "\n")
        out.write(f"## Actors across all {len(corpus)} articles\n\n" + _md_table(corpus_actor_rows(corpus), CORPUS_MD))
    elif args.format in ("json", "jsonl"):
        rows = [
            {**row, "summary_sentences": [s.to_dict() for s in art.summary.sentences], "actor_stance": actor_rows(art)} for art, row in zip(corpus, articles)
        ]
        if args.format == "jsonl":
            write_rows(out, rows, "jsonl", [])
        else:
            json.dump({"articles": rows, "corpus": corpus_actor_rows(corpus)}, out, ensure_ascii=False, indent=2, default=str)
            out.write("\n")
    else:
        write_rows(out, articles, "csv", ARTICLE_COLUMNS)


STORY_MD = ["story", "name", "articles", "top_actors"]


def cmd_stories(args: argparse.Namespace, out: IO[str]) -> None:
    from ._inputs import bounded_int, limit
    from .analysis import corpus_actor_rows, story_rows
    from .frames import text_status

    bounded_int(args.sentences, "--sentences", 0, limit("max_sentences"))
    ids, values = _load(args)
    if len(set(map(str, ids))) != len(ids):
        raise UsageError("article ids are not unique; pass --id-column with a unique column")
    statuses = [text_status(v) for v in values]
    texts = [v if isinstance(v, str) and s in ("ok", "empty") else "" for v, s in zip(values, statuses)]
    result = _pipeline(args).stories(texts, ids, max_sentences=args.sentences, show_progress=sys.stderr.isatty())
    rows = story_rows(result)
    status_of = dict(zip(map(str, ids), statuses))
    if args.format == "md":
        multi = [r for r in rows if r["articles"] > 1]
        out.write(f"{len(rows)} stories in {len(ids)} articles ({len(multi)} of two or more).\n\n")
        for story, row in zip(result.stories, rows):
            if row["articles"] < 2 and not args.all:
                continue
            out.write(f"## Story {row['story']}: {row['name']} ({row['articles']} articles)\n\n")
            out.write(
                "Articles: " + ", ".join(f"{d}" + ("" if status_of.get(str(d)) == "ok" else f" ({status_of.get(str(d))})") for d in row["doc_ids"]) + "\n\n"
            )
            out.write("".join(f"- {_one_line(x.text)} [{x.doc_id}]\n" for x in story.summary.sentences) + "\n")
            if story.actors:
                out.write(_md_table(corpus_actor_rows(story)[:10], CORPUS_MD) + "\n")
        if not args.all and len(multi) < len(rows):
            out.write(f"_{len(rows) - len(multi)} stories of one article not shown (--all shows them)._\n")
    elif args.format in ("json", "jsonl"):
        full = [
            {**row, "summary_sentences": [x.to_dict() for x in story.summary.sentences], "actors": corpus_actor_rows(story)}
            for story, row in zip(result.stories, rows)
        ]
        if args.format == "jsonl":
            write_rows(out, full, "jsonl", [])
        else:
            articles = [{"doc_id": d, "status": st, "story": sid} for d, st, sid in zip(ids, statuses, result.story_ids)]
            json.dump({"stories": full, "articles": articles}, out, ensure_ascii=False, indent=2, default=str)
            out.write("\n")
    else:
        write_rows(
            out,
            [{**r, "doc_ids": json.dumps(r["doc_ids"], default=str), "top_actors": "; ".join(r["top_actors"])} for r in rows],
            "csv",
            list(rows[0]) if rows else STORY_MD,
        )


def cmd_models_quantize(args: argparse.Namespace, out: IO[str]) -> None:
    from .models import locate
    from .pipeline import CROSS_ENCODER_STANCE_MODEL, DEFAULT_EMBEDDING_MODEL
    from .quantize import int8_models

    sources = [locate(name, args.models) for name in (DEFAULT_EMBEDDING_MODEL, CROSS_ENCODER_STANCE_MODEL)]
    folder = int8_models(sources)
    for source in sources:
        before, after = (source / "model.onnx").stat().st_size, (folder / source.name / "model.onnx").stat().st_size
        print(f"{source.name}: {before / 1e6:.0f} MB -> {after / 1e6:.0f} MB int8 in {folder / source.name}")


def cmd_models_manifest(args: argparse.Namespace, out: IO[str]) -> None:
    from . import models

    previous = None
    if args.output is not None and Path(args.output).is_file() and Path(args.output).stat().st_size > 0:
        # Regenerating in place keeps that file's descriptive fields, not the build's embedded copy.
        previous = models.check_manifest(_parse_json(_read(Path(args.output)), args.output), args.output)
    data, notes = models.build_manifest(args.dir, previous)
    out.write(models.manifest_text(data))
    for note in notes:
        print(f"presslens: note: {note}", file=sys.stderr)


def _report(checks: list[Any]) -> int:
    for check in checks:
        print(check)
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} files match the manifest" + (f"; {len(failed)} do not" if failed else ""))
    return 1 if failed else 0


def cmd_models_verify(args: argparse.Namespace, out: IO[str]) -> int:
    from . import models

    if args.dir is not None and not Path(args.dir).is_dir():
        raise UsageError(f"{args.dir} is not a folder")
    return _report(models.verify(args.dir))


def cmd_models_package(args: argparse.Namespace, out: IO[str]) -> None:
    import time

    from . import models

    started = time.perf_counter()
    wheel = models.build_wheel(args.source, args.out)
    print(f"{wheel} ({wheel.stat().st_size / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s); install it with: pip install {wheel}")


def cmd_models_fetch(args: argparse.Namespace, out: IO[str]) -> None:
    from . import models

    target = models.fetch(args.source, args.to, force=args.force, timeout=args.timeout, log=lambda line: print(line, file=sys.stderr))
    print(target)


def cmd_models_list(args: argparse.Namespace, out: IO[str]) -> int:
    from . import models

    rows = models.status(args.models, verify_files=not args.no_verify)
    for row in rows:
        if row.folder is None:
            print(f"{row.name} {row.version}: {_one_line(row.source)}")  # the search's own message: where it looked, how to fix
            continue
        verdict = (
            "not checked"
            if args.no_verify
            else "verified"
            if row.verified
            else "DOES NOT VERIFY: " + "; ".join(f"{c.file}: {c.problem}" for c in row.checks if not c.ok)
        )
        print(f"{row.name} {row.version}: {row.folder} (from {row.source}), {verdict}")
    return 0 if all(r.folder is not None and (args.no_verify or r.verified) for r in rows) else 1


# ---------------------------------------------------------------- parser


def _add_common(parser: argparse.ArgumentParser, formats: list[str]) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="text files, folders of .txt files, .jsonl or .csv files")
    parser.add_argument("--text-column", default="text", help="JSONL field / CSV column holding the text (default: text)")
    parser.add_argument("--id-column", default="id", help="JSONL field / CSV column holding the id (default: id; else file:row)")
    parser.add_argument("--format", choices=formats, default="md", help="output format (default: md)")
    parser.add_argument("-o", "--output", default=None, metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--models", default=None, help="models folder (default: $PRESSLENS_MODELS, then ~/.cache/presslens/models)")
    parser.add_argument("--threads", type=int, default=None, help="CPU cores to use (default: all)")
    parser.add_argument(
        "--device", choices=["cpu", "cuda"], default="cpu", help="cuda: ONNX Runtime's CUDA provider (needs onnxruntime-gpu; else a warning and the CPU)"
    )
    parser.add_argument("--precision", choices=["fp32", "int8"], default="fp32", help="int8: quantised models, CPU only (made at first use and cached)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presslens",
        description="Summaries and per-actor stance for news articles.",
        epilog=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"presslens {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="summary and actor stance per article, actors across all")
    _add_common(analyze, ["md", "json", "jsonl", "csv"])
    analyze.add_argument("--actors", default=None, metavar="FILE", help="JSON {actor: [aliases]} (default: discover actors)")
    analyze.set_defaults(run=cmd_analyze)

    summarize = commands.add_parser("summarize", help="a summary per article and one across all of them")
    _add_common(summarize, ["md", "json", "jsonl", "csv"])
    summarize.add_argument("--sentences", type=int, default=3, help="sentences per article summary (default 3)")
    summarize.add_argument("--corpus-sentences", type=int, default=5, help="sentences in the summary across articles (default 5)")
    summarize.set_defaults(run=cmd_summarize)

    stories = commands.add_parser("stories", help="group articles into stories: a summary and an actor table per story")
    _add_common(stories, ["md", "json", "jsonl", "csv"])
    stories.add_argument("--sentences", type=int, default=5, help="sentences in each story's summary (default 5)")
    stories.add_argument("--all", action="store_true", help="md: show the stories of one article too")
    stories.set_defaults(run=cmd_stories)

    stance = commands.add_parser("stance", help="per-actor stance table with evidence")
    _add_common(stance, ["md", "json", "jsonl", "csv"])
    stance.add_argument("--actors", default=None, metavar="FILE", help="JSON {actor: [aliases]} (default: discover actors)")
    stance.set_defaults(run=cmd_stance)

    models = commands.add_parser("models", help="manage model files")
    model_commands = models.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    quantize = model_commands.add_parser("quantize", help="make the int8 copies that Pipeline(precision='int8') uses (cached)")
    quantize.add_argument("--models", default=None, help="models folder (default: $PRESSLENS_MODELS, then ~/.cache/presslens/models)")
    quantize.set_defaults(run=cmd_models_quantize)
    listing = model_commands.add_parser("list", help="each model: where it is found, its version, whether its files verify")
    listing.add_argument("--models", default=None, help="models folder (default: the same search as Pipeline)")
    listing.add_argument("--no-verify", action="store_true", help="skip hashing the files")
    listing.set_defaults(run=cmd_models_list)
    verify = model_commands.add_parser("verify", help="check a models folder against the manifest (sizes and sha256); exit 1 on a mismatch")
    verify.add_argument("dir", nargs="?", default=None, metavar="DIR", help="models folder (default: each model where Pipeline finds it)")
    verify.set_defaults(run=cmd_models_verify)
    fetch = model_commands.add_parser("fetch", help="download the models, verified, from <URL>/<model>/<file>")
    fetch.add_argument("--from", dest="source", default=None, metavar="URL", help="base URL (default: $PRESSLENS_MODELS_URL)")
    fetch.add_argument("--to", default=None, metavar="DIR", help="models folder to fill (default: the user cache, ~/.cache/presslens/models)")
    fetch.add_argument("--force", action="store_true", help="download even models already present and verified")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a connection or for more data (default 30)")
    fetch.set_defaults(run=cmd_models_fetch)
    package = model_commands.add_parser("package", help="build the presslens_models wheel (pure data) from a models folder")
    package.add_argument("source", nargs="?", default=None, metavar="SRC", help="models folder (default: each model where Pipeline finds it)")
    package.add_argument("--out", default=".", metavar="DIR", help="folder for the wheel (default: .)")
    package.set_defaults(run=cmd_models_package)
    manifest = model_commands.add_parser("manifest", help="write the manifest for a models folder (sizes, sha256; descriptive fields kept)")
    manifest.add_argument("dir", metavar="DIR", help="models folder, one subfolder per model")
    manifest.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="write here (e.g. src/data/models.json) instead of stdout; its descriptive fields are kept"
    )
    manifest.set_defaults(run=cmd_models_manifest)

    sentences = commands.add_parser("sentences", help="split articles into sentences with offsets")
    sentences.add_argument("paths", nargs="+", metavar="PATH", help="text files, or folders of .txt files")
    sentences.add_argument("--format", choices=["text", "jsonl"], default="text")
    sentences.set_defaults(run=cmd_sentences)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if sys.stdout is None and getattr(args, "output", None) is None:
        return 0  # stdout was closed (`presslens ... >&-`): nobody reads the output, as with `head`
    try:
        with output(getattr(args, "output", None)) as out:  # opened before any work: a bad -o fails at once
            status = args.run(args, out)
    except (UsageError, PresslensError) as e:
        print(f"presslens: error: {_one_line(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `presslens ... | head` is fine
        return 0
    except OSError as e:  # e.g. --output into a missing folder, or a full disk (no file name then)
        where = e.filename or getattr(args, "output", None) or "standard output"
        print(f"presslens: error: {e.strerror or e}: {where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("presslens: interrupted", file=sys.stderr)
        sys.stderr.flush()
        # A native call may still be finishing on its helper thread (pipeline._interruptible); a
        # normal exit would wait for it. Nothing is left to write: the output was not replaced.
        os._exit(130)
    return status if isinstance(status, int) else 0  # `models verify`/`list`: 1 when files do not match


if __name__ == "__main__":
    sys.exit(main())
