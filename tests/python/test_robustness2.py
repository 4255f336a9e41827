"""Issue 21, second robustness pass: each test reproduces one failure an adversarial user found
(fork hang, abort on huge options, quadratic stance cost, CSV formula injection, lost output,
JSONL line splitting, tracebacks, None ids, small type holes)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import presslens
from subprocesses import cli, python

ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ 1. fork


@pytest.mark.parametrize(
    "call",
    [
        "p.embed(['hello world'] * 20).shape",
        "len(p.summarize_many(['One sentence here. Another sentence there. A third one.'] * 3))",
        "[a.name for a in p.analyze('Marco Rubio met Delcy Rodriguez in Caracas. Rubio praised her.').actors]",
    ],
)
def test_a_pipeline_made_before_fork_works_in_a_fork_child(call):
    run = python(
        f"""
        import multiprocessing, presslens
        p = presslens.Pipeline(threads=2, lanes=2)
        def f(_):
            return repr({call})
        parent = f(0)  # the parent's threads and sessions are running when it forks
        with multiprocessing.get_context("fork").Pool(2) as pool:
            children = pool.map(f, [0, 1], chunksize=1)
        assert children == [parent, parent], (children, parent)
        assert f(0) == parent  # and the parent still works
        print("ok", parent)
        """,
        timeout=180,
    )
    assert run.returncode == 0 and "ok" in run.stdout, run.stderr[-2000:]


# ------------------------------------------------------------------ 2. numeric ranges


@pytest.mark.parametrize(
    "options, message",
    [
        ("batch_size=10**10", r"batch_size must be .*4096"),
        ("batch_size=2**63", r"batch_size must be .*4096"),
        ("batch_size=10**30", r"batch_size must be .*4096"),
        ("lanes=30", r"lanes must be .*16"),
        ("threads=5000", r"threads must be .*"),
        ("threads=2**70", r"threads must be .*"),
        ("max_article_sentences=10**30", r"max_article_sentences must be"),
    ],
)
def test_out_of_range_options_are_input_errors_before_loading(options, message):
    run = python(
        f"""
        import presslens, re, sys
        try:
            presslens.Pipeline({options}).embed(["hi"])
        except presslens.InputError as e:
            assert re.search({message!r}, str(e)), str(e)
            print("InputError:", e)
            sys.exit(0)
        sys.exit("no error")
        """,
        timeout=60,
    )
    assert run.returncode == 0, (run.returncode, run.stdout, run.stderr[-1500:])


@pytest.mark.parametrize(
    "call",
    [
        "pipeline.summarize('A b c d e. F g h i j.', max_sentences=10**30)",
        "pipeline.summarize('A b c d e. F g h i j.', max_words=2**64)",
        "pipeline.summarize_many(['A b c d e.'], chunk_size=10**30)",
        "pipeline.summarize_corpus(['A b c d e.', 'F g h i j.'], max_sentences=10**30)",
        "pipeline.analyze('A b c d e.', max_sentences=2**65)",
    ],
)
def test_oversized_ints_are_input_errors(pipeline, call):
    with pytest.raises(presslens.InputError, match="must be"):
        eval(call)


def test_ranges_are_published_by_the_core():
    from presslens import _native

    limits = _native.LIMITS
    assert limits["batch_size"] == 4096 and limits["lanes"] == 16 and limits["threads"] == 256


# ------------------------------------------------------------------ 3. long sentences


def test_stance_on_one_long_sentence_is_linear_in_memory():
    """1,000 given actors in one 28 KB sentence took 14 s and 1.7 GB; a window around each
    mention keeps it to the cost of a short sentence per mention."""
    run = python(
        """
        import resource, time, presslens
        p = presslens.Pipeline(threads=2)
        names = [f"Zq{i:04d}" for i in range(1000)]
        sentence = " ".join(f"and {n} said this," for n in names)
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        a = p.analyze(sentence + " end.", actors=names)
        assert sum(x.mention_count for x in a.actors) == 1000
        print(len(sentence), time.perf_counter() - t, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
        """,
        timeout=240,
    )
    assert run.returncode == 0, run.stderr[-1500:]
    size, _seconds, grown_mb = run.stdout.split()
    assert int(size) > 20_000
    assert float(grown_mb) < 400, f"peak RSS grew {grown_mb} MB"


def test_a_mention_far_into_a_long_sentence_is_in_the_model_input(pipeline):
    """The model reads 128 pieces: before, a mention past them was scored on text that did not
    contain it, so far mentions all got the same score whatever was said about them."""
    filler = "the committee reviewed the annual budget figures " * 60
    good = filler + "and Zorblax was praised as a brilliant, honest and wonderful leader."
    bad = filler + "and Zorblax was condemned as a corrupt, dishonest and terrible criminal."
    # The mention's own reading (an actor's score is shrunk toward neutral by the article rule).
    scores = [pipeline.analyze(t, actors=["Zorblax"]).actors[0].mentions[0].score for t in (good, bad)]
    assert scores[0] > 0.3 and scores[1] < -0.3, scores


def test_discovery_on_one_huge_sentence_stays_small():
    run = python(
        """
        import resource, presslens
        p = presslens.Pipeline(threads=2)
        # 1,500 people with name-like names (issue 29: the unpunctuated 30 KB is read in 300-byte
        # pieces now, where the recogniser tags made-up tokens such as "Kq0001 Vux0001" erratically).
        first = "John Mary Peter Anna David Laura James Sofia Carlos Elena Ahmed Fatima Wei Yuki Ivan Olga Pierre Claire Hans Greta".split()
        first += "Tom Rosa Omar Nina Paul Lena Marco Alba Igor Vera Luis Ines Karl Hana Raj Mei Leo Zara Sam Ida".split()
        last = "Smith Garcia Muller Rossi Novak Tanaka Silva Kowalski Johnson Dubois Schmidt Moreno Petrov Okafor Larsen Costa Herrera".split()
        last += "Nakamura Fischer Brennan Walsh Ortega Weber Conti Horvat Sato Lopes Nowak Evans Lambert Wagner Rubio Ivanov Adeyemi".split()
        last += "Nielsen Ferreira Castillo Kimura Becker Quinn".split()
        words = " ".join(f"Mr. {first[i % 40]} {last[i // 40]} met" for i in range(1500))
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        a = p.analyze(words + " end.")
        print(len(a.actors), (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
        """,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-1500:]
    actors, grown_mb = run.stdout.split()
    assert int(actors) > 1000
    assert float(grown_mb) < 400, f"peak RSS grew {grown_mb} MB"


# ------------------------------------------------------------------ 4. CSV formula injection

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "=cmd.txt").write_text(
        '=HYPERLINK("http://evil","x") Marco Rubio visited Caracas on Monday to meet officials. Rubio praised the talks with Venezuela.\n', encoding="utf-8"
    )
    (folder / "@sum.txt").write_text(
        "+1 Marco Rubio said the United States would help Venezuela rebuild its economy. Rubio criticised Maduro.\n", encoding="utf-8"
    )
    (folder / "-x.txt").write_text(
        "-2 Delcy Rodriguez said Venezuela rejected the plan of the United States. Rodriguez blamed Rubio for the sanctions.\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize("command", ["analyze", "stance", "summarize"])
def test_csv_outputs_carry_no_formulas(hostile_folder, tmp_path, command):
    out = tmp_path / "out.csv"
    run = cli(command, str(hostile_folder), "--format", "csv", "-o", str(out))
    assert run.returncode == 0, run.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    cells = [c for row in rows[1:] for c in row]
    assert any(c.startswith("'=") for c in cells) or any(c.startswith("'@") for c in cells)
    for cell in cells:
        if cell[:1] in DANGEROUS:
            float(cell)  # only a number may start with + or -: it stays a number
    if command == "stance":
        header = rows[0]
        scores = [row[header.index("score")] for row in rows[1:]]
        assert all(isinstance(float(s), float) for s in scores)  # numbers are not prefixed


def test_csv_neutraliser_keeps_numbers():
    from presslens.cli import csv_safe

    assert csv_safe("=1+2") == "'=1+2" and csv_safe("\tx") == "'\tx" and csv_safe("\rx") == "'\rx"
    assert csv_safe(-0.5) == -0.5 and csv_safe(3) == 3 and csv_safe("Rubio") == "Rubio" and csv_safe(None) is None


# ------------------------------------------------------------------ 5. corpus limit


def test_summarize_past_the_corpus_limit_writes_the_articles(tmp_path):
    article = " ".join(f"Item {i} is here." for i in range(900))
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{k}", "text": article}) + "\n" for k in range(6)), encoding="utf-8")
    run = cli("summarize", str(path), "--format", "csv", "--threads", "2")
    assert run.returncode == 0, run.stderr
    # Past MAX_CORPUS_SENTENCES nothing is refused any more (issue 27: the corpus summary goes story
    # by story), so there is no warning to print.
    assert "warning" not in run.stderr and "error" not in run.stderr.lower(), run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [r["doc_id"] for r in rows] == [f"a{k}" for k in range(6)] and all(r["status"] == "ok" for r in rows)


# ------------------------------------------------------------------ 6. JSONL line separators


def test_jsonl_strings_may_hold_unicode_line_separators(tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "Rubio spoke\u2028in Caracas\u2029on Monday\u0085about oil and the economy."},
        {"id": "b", "text": "Maduro answered him on Tuesday in a long speech."},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    run = cli("summarize", str(path), "--format", "jsonl", "--threads", "2")
    assert run.returncode == 0, run.stderr
    got = [json.loads(line) for line in run.stdout.split("\n") if line]
    assert [r["doc_id"] for r in got] == ["a", "b"] and all(r["status"] == "ok" for r in got)


def test_jsonl_error_line_numbers_count_newlines_only(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"text": "a\u2028b"}, ensure_ascii=False) + "\n{bad\n", encoding="utf-8")
    run = cli("summarize", str(path))
    assert run.returncode == 2 and f"{path}:2 is not valid JSON" in run.stderr, run.stderr


# ------------------------------------------------------------------ 7. one line, not a traceback


def one_line_error(run: subprocess.CompletedProcess[str]) -> str:
    assert run.returncode == 2, (run.returncode, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("presslens: error:") and "Traceback" not in run.stderr, run.stderr
    return lines[0]


def test_unhashable_jsonl_ids_are_one_line(tmp_path):
    shared = "Marco Rubio met Delcy Rodriguez in Caracas on Monday to discuss oil."
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": [1, 2], "text": shared + " More words follow here."})
        + "\n"
        + json.dumps({"id": [3], "text": shared + " Other words follow there."})
        + "\n",
        encoding="utf-8",
    )
    for command in ("summarize", "analyze"):
        line = one_line_error(cli(command, str(path), "--threads", "2"))
        assert "id" in line


def test_unhashable_ids_in_the_api_are_input_errors(pipeline):
    with pytest.raises(presslens.InputError, match=r"ids\[0\]"):
        pipeline.summarize_corpus(["Rubio met Rodriguez in Caracas today.", "Rubio met Rodriguez in Caracas today."], ids=[[1], [2]])
    with pytest.raises(presslens.InputError, match=r"ids\[1\]"):
        pipeline.analyze_many(["Rubio spoke.", "Rubio left."], ids=["a", ["b"]])
    df = pd.DataFrame({"id": [[1], [2]], "text": ["Rubio spoke to the press.", "Rubio left the room."]})
    with pytest.raises(presslens.InputError, match=r"ids\[0\]"):
        presslens.analyze_frame(df, pipeline=pipeline)


def test_closed_stdout_exits_quietly(hostile_folder):
    run = subprocess.run(f"{sys.executable} -m presslens.cli sentences {hostile_folder} >&-", shell=True, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0 and run.stderr == "", run.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_is_one_clear_line(hostile_folder):
    line = one_line_error(cli("summarize", str(hostile_folder), "--format", "csv", "--threads", "2", "-o", "/dev/full"))
    assert "No space left on device" in line and "/dev/full" in line and "None" not in line


def test_blank_first_jsonl_line_still_checks_the_text_field(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n" + json.dumps({"body": "Rubio spoke."}) + "\n", encoding="utf-8")
    line = one_line_error(cli("summarize", str(path)))
    assert "no 'text' field" in line and ":2" in line


# ------------------------------------------------------------------ 8. None / NaN ids


def test_none_and_nan_ids_keep_their_corpus_actor_and_come_back_as_given(pipeline):
    texts = [
        "Secretary of State Marco Rubio visited Caracas. Marco Rubio met officials there.",
        "Senator Rubio praised the talks on Monday.",
        "Mr. Rubio left on Tuesday after the talks.",
        "Senator Rubio said more on Wednesday.",
    ]
    ids = ["a", None, float("nan"), 7]
    df = pd.DataFrame({"id": pd.Series(ids, dtype=object), "text": texts})
    out = presslens.analyze_frame(df, pipeline=pipeline)
    rubio = out.actors[out.actors["actor"] == "Rubio"]
    assert len(rubio) == 3
    assert set(rubio["corpus_actor"]) == {"Marco Rubio"}, rubio[["doc_id", "actor", "corpus_actor"]]
    assert set(out.mentions.loc[out.mentions["actor"] == "Rubio", "corpus_actor"]) == {"Marco Rubio"}
    for table in (out.articles, out.actors, out.mentions):
        got = list(dict.fromkeys(map(repr, table["doc_id"])))
        assert got == [repr(i) for i in ids], got
    assert out.articles["doc_id"].iloc[1] is None


# ------------------------------------------------------------------ 9. smaller ones


def test_lone_surrogate_in_an_alias_is_an_input_error(pipeline):
    with pytest.raises(presslens.InputError, match="surrogate"):
        pipeline.analyze("Rubio spoke.", actors={"Rubio": ["Ru\ud800bio"]})
    with pytest.raises(presslens.InputError, match="surrogate"):
        pipeline.analyze("Rubio spoke.", actors=["Ru\udfffbio"])


def test_a_mapping_is_not_a_list_of_texts(pipeline):
    with pytest.raises(presslens.InputError, match="mapping"):
        pipeline.embed({"a": 1})
    with pytest.raises(presslens.InputError, match="mapping"):
        pipeline.summarize_many({"a": "Some text here."})


def test_upper_case_txt_files_in_a_folder_are_read(tmp_path):
    (tmp_path / "A.TXT").write_text("First article.", encoding="utf-8")
    (tmp_path / "b.Txt").write_text("Second article.", encoding="utf-8")
    run = cli("sentences", str(tmp_path), "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    assert {json.loads(line)["doc_id"] for line in run.stdout.splitlines()} == {"A", "b"}
