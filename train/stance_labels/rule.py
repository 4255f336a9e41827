"""The article-level stance rule, in Python: the reference that `fit.py` fits, `bench/actor_stance.py`
measures, and `src/analysis/actor_stance.rs` implements (`stance_score`, `StanceLabel::from_score`,
constants `PRIOR_SENTENCES`, `POSITIVE_ABOVE`, `NEGATIVE_BELOW`). Keep the two in step: the bench
checks that presslens's own scores and labels equal `classify(...)` with `params.json`.

Per actor:
1. Mentions are grouped by sentence (one sentence is one piece of evidence, however many times it
   names the actor); a sentence's score is the mean of its mentions' scores P(pos) - P(neg).
2. A dead zone removes mild colour: e = sign(x) * max(|x| - dead_zone, 0) / (1 - dead_zone).
3. A sentence where the actor is the SPEAKER ("X said", "said X", "X, a director at Y, told",
   "according to X") reports the actor's words, not a judgement of it: its weight is speaker_weight
   (else 1).
4. score = sum(w * e) / (sum(w) + prior): `prior` neutral pseudo-sentences shrink thin evidence
   toward 0. The score is in (-1, 1) and increases with every mention's score.
5. label: positive if score > positive_above, negative if score < -negative_below, else neutral.

Steps 2 and 3 are candidates cross-validation did not keep: the fitted parameters (dead_zone 0,
speaker_weight 1) switch them off, and the Rust rule has neither.

Also here, for comparisons: `previous_rule`, the rule presslens shipped before issue 18 (mean of the
mention scores weighted by the model's confidence, positive above 0.15, negative below -0.15), and
`mention_label`, how a single mention reads on its own (the model's most probable class, neutral on a
tie), which is what a corpus actor's `positive_mentions`/`negative_mentions` count.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

PARAMS = Path(__file__).resolve().parent / "params.json"

SPEECH_VERBS = {
    "said",
    "says",
    "say",
    "told",
    "tells",
    "added",
    "adds",
    "explained",
    "explains",
    "argued",
    "argues",
    "warned",
    "warns",
    "claimed",
    "claims",
    "stated",
    "states",
    "insisted",
    "insists",
    "noted",
    "notes",
    "continued",
    "commented",
    "believes",
    "believed",
    "thinks",
    "reckons",
    "predicted",
    "predicts",
}
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Params:
    dead_zone: float
    prior: float
    speaker_weight: float
    positive_above: float
    negative_below: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def load_params(path: Path = PARAMS) -> Params:
    raw = json.loads(path.read_text())
    return Params(**{k: raw[k] for k in Params.__dataclass_fields__})


def is_speaker(sentence: str, start: int, end: int) -> bool:
    """Whether the mention at [start, end) of `sentence` (character offsets) is whose words the
    sentence reports: a speech verb right after it (skipping one appositive between commas, as in
    "Mike McGuire, a research director at Gartner, told ..."), or right before it ("... said David
    Learmount", "according to Mr McGuire")."""
    after = sentence[end:].lstrip()
    if after.startswith(","):
        close = after.find(",", 1)
        # An appositive is short; a long clause after a comma is a new statement.
        if 0 < close <= 100:
            after = after[close + 1 :]
        else:
            after = after[1:]
    first = _WORD.match(after.lstrip())
    if first and first.group(0).lower() in SPEECH_VERBS:
        return True
    before = _WORD.findall(sentence[:start])[-2:]
    before = [w.lower() for w in before]
    if before and before[-1] in SPEECH_VERBS:
        return True
    return before == ["according", "to"]


def sentence_evidence(mentions: list[dict]) -> list[tuple[float, bool]]:
    """One (mean score, any mention is the speaker) per sentence, in first-mention order. A mention
    is a dict with `score`, `sentence_key` (any hashable: sentence index, or (doc, index) across a
    corpus), `sentence`, `offset_in_sentence`, `text`."""
    order: list = []
    groups: dict = {}
    for m in mentions:
        key = m["sentence_key"]
        if key not in groups:
            order.append(key)
            groups[key] = []
        groups[key].append(m)
    out = []
    for key in order:
        ms = groups[key]
        score = sum(m["score"] for m in ms) / len(ms)
        speaker = any(is_speaker(m["sentence"], m["offset_in_sentence"], m["offset_in_sentence"] + len(m["text"])) for m in ms)
        out.append((score, speaker))
    return out


def dead_zone(x: float, width: float) -> float:
    if width >= 1.0:
        return 0.0
    magnitude = max(abs(x) - width, 0.0) / (1.0 - width)
    return magnitude if x > 0 else -magnitude


def score(evidence: list[tuple[float, bool]], p: Params) -> float:
    num = 0.0
    den = p.prior
    for s, speaker in evidence:
        w = p.speaker_weight if speaker else 1.0
        num += w * dead_zone(s, p.dead_zone)
        den += w
    return num / den if den > 0 else 0.0


def label(value: float, p: Params) -> str:
    if value > p.positive_above:
        return "positive"
    if value < -p.negative_below:
        return "negative"
    return "neutral"


def article_mentions(actor: dict) -> list[dict]:
    """An actor dumped by collect.py → mentions keyed by sentence index."""
    return [dict(m, sentence_key=m["sentence_index"]) for m in actor["mentions"]]


def classify(mentions: list[dict], p: Params) -> tuple[float, str]:
    value = score(sentence_evidence(mentions), p)
    return value, label(value, p)


PREVIOUS_THRESHOLD = 0.15


def previous_rule(mentions: list[dict]) -> tuple[float, str]:
    """The pre-issue-18 rule (presslens 822e487): confidence-weighted mean score, labels at +/-0.15."""
    weight = sum(m["confidence"] for m in mentions)
    value = sum(m["confidence"] * m["score"] for m in mentions) / weight if weight > 0 else 0.0
    value = min(max(value, -1.0), 1.0)
    lab = "positive" if value > PREVIOUS_THRESHOLD else "negative" if value < -PREVIOUS_THRESHOLD else "neutral"
    return value, lab


def mention_label(probabilities: list[float]) -> str:
    """(P(neg), P(neu), P(pos)) -> the most probable class; neutral on a tie."""
    neg, neu, pos = probabilities
    if pos > neg and pos > neu:
        return "positive"
    if neg > pos and neg > neu:
        return "negative"
    return "neutral"
