"""References and speakers (issue 28) against the actor-mention development annotations: 12 BBC
business and tech articles, two independent annotation passes (`../shared/data/actor_mentions/`).

    PRESSLENS_MODELS=../shared/models python bench/references.py [--json out.json] [--given]

One presslens run over the 12 articles (public API: `Pipeline.analyze_many`, each actor's
`mentions` with `via`, and `Analysis.quotes`), discovery mode unless `--given` (each pass's actors
passed as `actors=` with their name aliases: pronoun and description aliases are dropped, since
the whole-word matcher would find every "its"). Scored against each pass:

- A link is (actor, body sentence): the sentence refers to the actor by name, pronoun or
  description. A presslens actor stands for the annotated actor that shares the most of its
  name-mention surfaces (accent- and case-blind, a leading "the" ignored), else its name; links of
  presslens actors that stand for no annotated actor (the annotations list only actors referred to
  at least twice) are counted apart and left out of precision.
- Recall by type: each annotated link falls under the best way the sentence refers to the actor
  (name, else description, else pronoun).
- The links of annotated actors that presslens found at all (discovery), and the recall within
  them: what the resolver misses, apart from what discovery misses.
- Speakers: the speaker presslens gives the sentence (its `Quote.speaker`) against the pass's;
  precision over the sentences where presslens names a speaker, recall over those where the pass
  does; accuracy over the sentences where both passes name the same speaker.

Sentences are aligned by the annotation's "start" (the sentence's first words): a presslens
mention or quote belongs to the annotated sentence its offset falls in.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
TYPES = ("name", "description", "pronoun")


def key(text: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower().strip()
    folded = folded.replace("\u2019", "'")
    if folded.endswith("'s"):
        folded = folded[:-2]
    return folded[4:] if folded.startswith("the ") else folded


def load_pass(n: int) -> dict[str, dict]:
    return {row["article"]: row for row in map(json.loads, (DATA / "actor_mentions" / f"dev_pass{n}.jsonl").read_text().splitlines())}


def article_text(name: str) -> str:
    category, file = name.split("/")
    return (DATA / "bbc" / category / "articles" / file).read_text(encoding="utf-8", errors="replace")


def sentence_starts(text: str, sentences: list[dict]) -> list[int]:
    """Offset of each annotated sentence in the text (searched in order; -1 when not found)."""
    out, at = [], 0
    for s in sentences:
        probe = s["start"].strip()
        found = text.find(probe, at)
        if found < 0:
            found = text.find(" ".join(probe.split()[:4]), at)
        out.append(found)
        if found >= 0:
            at = found + 1
    return out


def sentence_of(starts: list[int], offset: int) -> int | None:
    best = None
    for i, s in enumerate(starts):
        if 0 <= s <= offset:
            best = i
    return best


def match_actors(analysis, gold_actors: list[dict]) -> dict[str, str]:
    """presslens actor name -> annotated actor name."""
    surfaces = {g["name"]: {key(g["name"]), *(key(a) for a in g.get("aliases", []))} for g in gold_actors}
    out = {}
    for actor in analysis.actors:
        forms = Counter(key(m.text) for m in actor.mentions if m.via == "name")
        forms[key(actor.name)] += 1
        scored = [(sum(c for f, c in forms.items() if f in keys), name) for name, keys in surfaces.items()]
        best = max(scored, default=(0, None))
        if best[0] > 0:
            out[actor.name] = best[1]
    return out


def gold_links(row: dict, starts: list[int]) -> dict[tuple[str, int], str]:
    """(actor, sentence) -> the best way the sentence refers to the actor."""
    out: dict[tuple[str, int], str] = {}
    for i, s in enumerate(row["sentences"]):
        if starts[i] < 0:
            continue
        for ref in s["refs"]:
            k = (ref["actor"], i)
            t = ref["type"] if ref["type"] in TYPES else "pronoun"
            if k not in out or TYPES.index(t) < TYPES.index(out[k]):
                out[k] = t
    return out


def score_pass(analyses, texts, gold: dict[str, dict], names: list[str]) -> dict:
    recall_by = Counter()
    total_by = Counter()
    tp = fp = 0
    unmatched_links = 0
    reachable = 0
    predicted_by = Counter()
    correct_by = Counter()
    sp_tp = sp_pred = sp_gold = 0
    speakers: dict[tuple[str, int], str | None] = {}
    for name, analysis, text in zip(names, analyses, texts):
        row = gold[name]
        starts = sentence_starts(text, row["sentences"])
        matched = match_actors(analysis, row["actors"])
        links = gold_links(row, starts)
        predicted: dict[tuple[str, int], str] = {}
        for actor in analysis.actors:
            for m in actor.mentions:
                i = sentence_of(starts, m.start)
                if i is None:
                    continue
                if actor.name not in matched:
                    unmatched_links += 1
                    continue
                k = (matched[actor.name], i)
                if k not in predicted or TYPES.index(m.via) < TYPES.index(predicted[k]):
                    predicted[k] = m.via
        for k, via in predicted.items():
            predicted_by[via] += 1
            if k in links:
                tp += 1
                correct_by[via] += 1
            else:
                fp += 1
        found_actors = set(matched.values())
        for k, t in links.items():
            total_by[t] += 1
            reachable += k[0] in found_actors
            if k in predicted:
                recall_by[t] += 1
        said = {}
        for q in analysis.quotes:
            i = sentence_of(starts, q.start)
            if i is not None and q.speaker is not None and i not in said:
                said[i] = matched.get(q.speaker, f"(unmatched) {q.speaker}")
        for i, s in enumerate(row["sentences"]):
            if starts[i] < 0:
                continue
            got, want = said.get(i), s.get("speaker")
            speakers[(name, i)] = got
            sp_pred += got is not None
            sp_gold += want is not None
            sp_tp += got is not None and got == want
    total = sum(total_by.values())
    found = sum(recall_by.values())
    return {
        "links": total,
        "recall": round(found / total, 4),
        "precision": round(tp / max(1, tp + fp), 4),
        "links_of_actors_presslens_found": reachable,
        "recall_within_those": round(found / max(1, reachable), 4),
        "recall_by_type": {t: f"{recall_by[t]}/{total_by[t]} = {recall_by[t] / max(1, total_by[t]):.3f}" for t in TYPES},
        "precision_by_via": {t: f"{correct_by[t]}/{predicted_by[t]} = {correct_by[t] / max(1, predicted_by[t]):.3f}" for t in TYPES},
        "links_of_actors_not_annotated": unmatched_links,
        "speaker_precision": round(sp_tp / max(1, sp_pred), 4),
        "speaker_recall": round(sp_tp / max(1, sp_gold), 4),
        "speaker_counts": {"correct": sp_tp, "predicted": sp_pred, "annotated": sp_gold},
        "_speakers": speakers,
    }


def agreed_speaker_accuracy(passes: list[dict[str, dict]], predicted: dict, texts: dict[str, str]) -> dict:
    right = total = 0
    for name, row in passes[0].items():
        other = passes[1][name]
        s1 = sentence_starts(texts[name], row["sentences"])
        s2 = sentence_starts(texts[name], other["sentences"])
        by_offset = {s: sent.get("speaker") for s, sent in zip(s2, other["sentences"]) if s >= 0}
        for i, (s, sent) in enumerate(zip(s1, row["sentences"])):
            want = sent.get("speaker")
            if s < 0 or want is None or by_offset.get(s) != want:
                continue
            total += 1
            right += predicted.get((name, i)) == want
    return {"sentences": total, "accuracy": round(right / max(1, total), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--given", action="store_true", help="pass each pass's annotated actors instead of discovering them")
    args = parser.parse_args(argv)
    import presslens

    passes = [load_pass(1), load_pass(2)]
    names = sorted(passes[0])
    texts = {n: article_text(n) for n in names}
    pipeline = presslens.Pipeline()
    report: dict = {"presslens": presslens.__version__, "articles": len(names), "mode": "given" if args.given else "discovery", "passes": {}}
    started = time.perf_counter()
    for p, gold in enumerate(passes, 1):
        if args.given or p == 1:
            if args.given:
                analyses = []
                for n in names:
                    actors = {
                        g["name"]: [a for a in g.get("aliases", []) if a[:1].isupper() and key(a) not in {"he", "she", "it", "its", "his", "her"}]
                        for g in gold[n]["actors"]
                    }
                    analyses.extend(pipeline.analyze_many([texts[n]], actors=actors))
            else:
                analyses = pipeline.analyze_many([texts[n] for n in names])
        scores = score_pass(analyses, [texts[n] for n in names], gold, names)
        report["passes"][f"pass{p}"] = scores
    report["seconds"] = round(time.perf_counter() - started, 2)
    report["speaker_accuracy_where_passes_agree"] = agreed_speaker_accuracy(passes, report["passes"]["pass1"]["_speakers"], texts)
    for scores in report["passes"].values():
        scores.pop("_speakers")
    print(json.dumps(report, indent=1))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    if not os.environ.get("PRESSLENS_MODELS"):
        sys.exit("set PRESSLENS_MODELS to the models folder (../shared/models)")
    raise SystemExit(main())
