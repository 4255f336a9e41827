"""Light, rule-based coreference for actor stance (issue 18 experiment): pronouns, definite
descriptions and first-person words in quotes resolved to the actors whose NAME mentions presslens
already found. No model; everything is a word list and a recency rule, so it ports to Rust directly.

Input per article: the sentences (text, kind) and, per sentence, the name mentions
(actor, start, end) in sentence offsets; each actor's kind (person / organisation / country / place).
Output per sentence: the resolved references (actor, expr, type, start, end), and the sentence's
speaker (an actor or None).

The algorithm (`resolve`), sentence by sentence in body order (headline skipped):
1. Candidate expressions, left to right, never overlapping a name mention:
   - he/him/his/himself, she/her/hers/herself  -> a person actor;
   - its/itself always, `it` only as a subject (sentence-initial or after `, and but that said as
     because while` ...) and not pleonastic ("it is/was ... to/that", "it is expected") -> a
     non-person actor (organisation, country);
   - optionally they/their/them (option `plural`) -> an organisation;
   - "the [up to 3 modifiers] HEAD" with HEAD in a small noun list (company, firm, bank, club,
     government, president, minister, country ...) -> the actor kind of that head; a head word
     that appears in an actor's name ("the government" -> "Kazakh government", "the bank" ->
     "Bank of Alexandria") picks that actor;
   - I/me/my/we/us/our inside a quotation -> the sentence's speaker (step 3).
2. Antecedent: among the compatible actors, the most recently referred one: refs earlier in the same
   sentence (the nearest one before the expression) and then the previous sentences (option
   `prefer`: the FIRST compatible ref of the most recent sentence that has one, i.e. its subject,
   or the last), at most `window` sentences back for pronouns; a description whose head word is in
   an actor's name takes that actor wherever it was named before. Resolved references count as
   refs for later sentences (chains: "Mr X ... He ... His ...").
3. Speaker: an actor ref (name or resolved he/she/it) right next to a speech verb (rule.is_speaker:
   "X said", "said X", "X, a director at Y, told", "according to X"); a quote-only sentence with no
   attribution inherits the speaker of the previous sentence when that one quoted too.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rule import SPEECH_VERBS, is_speaker  # noqa: E402

EXTRA_SPEECH = {
    "suggested", "suggests", "revealed", "reveals", "urged", "urges", "accused", "accuses", "denied", "denies",
    "announced", "announces", "confirmed", "confirms", "reported", "reports", "admitted", "admits", "disclosed",
    "pointed", "described", "asked", "asks", "maintained", "maintains", "stressed", "emphasised", "acknowledged",
    "conceded", "quoted", "spoken", "spoke", "forecast", "forecasts", "estimated", "estimates", "expects", "hopes",
}
VERBS = SPEECH_VERBS | EXTRA_SPEECH

PERSON = "person"
ORG = "organisation"
COUNTRY = "country"

MALE = {"he", "him", "his", "himself"}
FEMALE = {"she", "her", "hers", "herself"}
NEUTER_POSS = {"its", "itself"}
PLURAL = {"they", "them", "their", "theirs", "themselves"}
FIRST = {"i", "me", "my", "we", "us", "our", "ours"}

# Words after which a following `it` starts a clause (so it is a subject).
CLAUSE_OPENERS = {"and", "but", "that", "said", "says", "as", "because", "while", "although", "though", "after", "before", "when", "since", "if", "so", "where", "which", "added", "warned", "claimed", "told"}
# `it BE ... to/that`, `it BE expected`: pleonastic.
BE = {"is", "was", "'s", "will", "would", "has", "had", "seems", "seemed", "appears", "appeared", "remains", "remained", "may", "might", "could", "should", "must", "takes", "took", "makes", "made"}
PLEONASTIC_NEXT = {"likely", "unlikely", "expected", "thought", "understood", "believed", "unclear", "clear", "possible", "impossible", "hoped", "feared", "reported", "estimated", "important", "difficult", "hard", "easy", "time", "not", "now", "also", "still", "too", "a", "an", "the", "worth", "necessary", "true", "known", "said", "suggested", "feared", "anticipated", "understood"}

ORG_HEADS = {
    "company", "firm", "group", "bank", "club", "carrier", "airline", "operator", "exchange", "organisation",
    "organization", "institute", "institution", "business", "retailer", "giant", "maker", "manufacturer", "producer",
    "network", "agency", "chain", "board", "newspaper", "paper", "mill", "fund", "regulator", "watchdog", "union",
    "ministry", "department", "court", "centre", "center", "lab", "laboratory", "store", "supermarket", "insurer", "lender",
    "team", "party", "publisher", "developer", "studio", "broadcaster", "conglomerate", "corporation", "utility",
    "partnership", "foundation", "charity", "forum", "association", "federation", "body", "exchange",
    "steelmaker", "carmaker", "brewer", "distiller", "telecoms", "website", "site", "service", "office", "project",
}
GOVERNMENT_HEADS = {"government", "administration", "authorities", "regime", "cabinet", "executive"}
COUNTRY_HEADS = {"country", "nation", "state", "kingdom", "republic", "economy"}
PERSON_HEADS = {
    "president", "minister", "chairman", "chairwoman", "chief", "boss", "executive", "founder", "tycoon", "billionaire",
    "official", "director", "spokesman", "spokeswoman", "spokesperson", "businessman", "businesswoman", "entrepreneur",
    "leader", "premier", "chancellor", "secretary", "head", "owner", "judge", "lawyer", "prosecutor", "defendant",
    "man", "woman", "analyst", "economist", "governor", "mayor", "senator", "tycoon", "magnate", "investor",
    "banker", "manager", "designer", "programmer", "author", "researcher", "professor", "chair", "ceo", "dealmaker",
    "spammer", "sister", "brother", "client", "accused",
}
# Modifiers allowed between "the" and the head: not these.
STOP_MODIFIERS = {"of", "and", "or", "that", "which", "who", "in", "to", "for", "a", "an", "the", "is", "was", "are", "were", "be", "on", "at", "by", "with", "from", "as", "it", "its", "this", "other", "another", "rival", "new", "same", "whole", "entire", "first", "second", "last", "next", "previous", "two", "three", "four", "both", "all", "each", "every", "such", "own", "world", "world's"}

WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
QUOTES = "\"\u201c\u201d"


def kind_class(kind: str) -> str:
    k = (kind or "").lower()
    if k.startswith("person") or k == "per":
        return PERSON
    if k in ("country", "place", "location", "loc", "gpe"):
        return COUNTRY
    return ORG


@dataclass
class Ref:
    actor: str
    expr: str
    type: str  # name / pronoun / description / first
    start: int
    end: int


@dataclass
class Options:
    window: int = 2  # it/its: at most this many sentences back
    person_window: int = 3  # he/she: at most this many sentences back
    prefer: str = "first"  # "first" (subject of the previous sentence) or "last" (nearest)
    it_subject_only: bool = True
    plural: bool = False  # they/their/them -> organisation
    descriptions: bool = True
    first_person: bool = True
    pronouns: bool = True
    desc_window: int = 99
    speaker_salient: bool = True  # a sentence's speaker counts as referred to, for later pronouns
    speaker: str = "extended"  # "rule": rule.is_speaker next to a ref; "extended": see _speaker_extended


@dataclass
class SentenceOut:
    refs: list = field(default_factory=list)  # names + resolved
    speaker: str | None = None
    quote: bool = False


def _gender(actor_texts: list[str]) -> str | None:
    for t in actor_texts:
        w = t.split()[0].rstrip(".") if t.split() else ""
        if w in ("Mr", "Sir", "Lord"):
            return "m"
        if w in ("Ms", "Mrs", "Miss", "Lady", "Dame"):
            return "f"
    return None


def _pleonastic(words: list[tuple[str, int, int]], j: int) -> bool:
    nxt = [w.lower() for w, _, _ in words[j + 1 : j + 8]]
    if not nxt:
        return True
    if nxt[0] in BE:
        if len(nxt) > 1 and nxt[1] in PLEONASTIC_NEXT:
            return True
        # "it is ... to/that" within a few words
        for w in nxt[1:6]:
            if w in ("to", "that"):
                return True
    return False


def _it_is_subject(words, j) -> bool:
    if j == 0:
        return True
    prev = words[j - 1][0].lower()
    return prev in CLAUSE_OPENERS


def resolve(sentences: list[dict], names: list[list[tuple[str, int, int, str]]], kinds: dict[str, str], opt: Options = Options()) -> list[SentenceOut]:
    """sentences: [{"text", "kind"}]; names[i]: [(actor, start, end, surface)] name mentions of
    sentence i; kinds: actor -> kind. Returns one SentenceOut per sentence (headline: names only)."""
    classes = {a: kind_class(k) for a, k in kinds.items()}
    surfaces: dict[str, list[str]] = {a: [a] for a in kinds}
    for ns in names:
        for a, _, _, s in ns:
            surfaces.setdefault(a, []).append(s)
    gender = {a: _gender(s) for a, s in surfaces.items()}
    name_words = {a: {w.lower() for w in WORD.findall(" ".join(set(s)))} for a, s in surfaces.items()}
    history: list[list[Ref]] = []  # refs per sentence, in order
    outs: list[SentenceOut] = []
    for i, sent in enumerate(sentences):
        text = sent["text"]
        out = SentenceOut()
        refs = [Ref(a, s, "name", st, en) for a, st, en, s in sorted(names[i], key=lambda x: x[1])]
        if sent.get("kind") == "headline":
            out.refs = refs
            outs.append(out)
            history.append(refs)
            continue
        out.quote = any(q in text for q in QUOTES)
        words = [(m.group(0), m.start(), m.end()) for m in WORD.finditer(text)]
        taken = [(r.start, r.end) for r in refs]

        def free(st, en):
            return all(en <= a or st >= b for a, b in taken)

        def antecedent(ok, pos, window):
            here = [r for r in refs if r.start < pos and ok(r.actor)]
            if here:
                return here[-1].actor
            for back in range(1, window + 1):
                if i - back < 0:
                    break
                cand = [r for r in history[i - back] if ok(r.actor)]
                if cand:
                    return (cand[0] if opt.prefer == "first" else cand[-1]).actor
            return None

        pending_first = []
        j = 0
        while j < len(words):
            w, st, en = words[j]
            lw = w.lower().replace("\u2019", "'")
            if not free(st, en):
                j += 1
                continue
            found = None
            if opt.pronouns and (lw in MALE or lw in FEMALE):
                g = "m" if lw in MALE else "f"
                a = antecedent(lambda x: classes.get(x) == PERSON and gender.get(x) in (None, g), st, opt.person_window)
                if a:
                    found = Ref(a, w, "pronoun", st, en)
            elif opt.pronouns and (lw in NEUTER_POSS or (lw == "it" and (not opt.it_subject_only or (_it_is_subject(words, j) and not _pleonastic(words, j))))):
                a = antecedent(lambda x: classes.get(x) in (ORG, COUNTRY), st, opt.window)
                if a:
                    found = Ref(a, w, "pronoun", st, en)
            elif opt.plural and lw in PLURAL:
                a = antecedent(lambda x: classes.get(x) == ORG, st, 1)
                if a:
                    found = Ref(a, w, "pronoun", st, en)
            elif opt.first_person and lw in FIRST and _in_quote(text, st, i, outs):
                pending_first.append((w, st, en))
            elif opt.descriptions and lw == "the":
                k = j + 1
                mods = []
                while k < len(words) and len(mods) <= 3:
                    hw = words[k][0].lower().replace("\u2019", "'")
                    base = hw[:-2] if hw.endswith("'s") else hw
                    head_kind = None
                    if base in GOVERNMENT_HEADS:
                        head_kind = "gov"
                    elif base in ORG_HEADS:
                        head_kind = ORG
                    elif base in COUNTRY_HEADS:
                        head_kind = COUNTRY
                    elif base in PERSON_HEADS:
                        head_kind = PERSON
                    if head_kind and words[k][0][0].islower() and not (k + 1 < len(words) and words[k + 1][0].lower() == "of" and head_kind != PERSON):
                        # "the chief executive": take the longest head run
                        while k + 1 < len(words) and words[k + 1][0].lower() in PERSON_HEADS and head_kind == PERSON:
                            k += 1
                        e_end = words[k][2]
                        if hw.endswith("'s"):
                            e_end -= 2
                        a = _describe(base, head_kind, st, refs, history, i, classes, name_words, opt)
                        if a and free(st, e_end):
                            found = Ref(a, text[st:e_end], "description", st, e_end)
                            j = k
                        break
                    if base in STOP_MODIFIERS or words[k][0][0].isdigit():
                        break
                    if words[k][0][0].isupper() and not _nationality(words[k][0]):
                        break
                    # punctuation other than a comma/space between words ends the phrase
                    gap = text[words[k - 1][2] : words[k][1]]
                    if gap.strip() not in ("", ","):
                        break
                    mods.append(base)
                    k += 1
            if found:
                refs.append(found)
                refs.sort(key=lambda r: r.start)
                taken.append((found.start, found.end))
            j += 1
        # speaker
        speaker = None
        for r in refs:
            if r.type in ("name", "pronoun", "description") and is_speaker(text, r.start, r.end):
                speaker = r.actor
                break
        if speaker is None and opt.speaker == "extended":
            speaker = _speaker_extended(text, words, refs)
        if speaker is None and out.quote and i > 0 and outs and outs[-1].quote and outs[-1].speaker and _quote_only(text):
            speaker = outs[-1].speaker
        if speaker is None and opt.speaker == "extended" and outs and outs[-1].speaker and text.lstrip()[:1] in QUOTES and _quote_only(text):
            speaker = outs[-1].speaker
        out.speaker = speaker
        if speaker:
            for w, st, en in pending_first:
                if free(st, en):
                    refs.append(Ref(speaker, w, "first", st, en))
            refs.sort(key=lambda r: r.start)
        out.refs = refs
        outs.append(out)
        hist = list(refs)
        if speaker and opt.speaker_salient and all(r.actor != speaker for r in refs):
            hist = [Ref(speaker, "", "speaker", -1, -1)] + hist
        history.append(hist)
    return outs


def _describe(base, head_kind, pos, refs, history, i, classes, name_words, opt):
    # head word in an actor's name: that actor, if referred to before (here or earlier)
    named = [a for a, ws in name_words.items() if base in ws]
    # most recent first
    recent = [r.actor for r in refs if r.start < pos][::-1] + [r.actor for h in history[max(0, i - opt.desc_window) : i][::-1] for r in h[::-1]]
    for a in recent:
        if a in named:
            return a
    if len(named) == 1 and head_kind == "gov":
        return named[0]
    if head_kind == "gov":
        want = (COUNTRY,)
    else:
        want = (head_kind,)
    for a in recent:
        if classes.get(a) in want and not (head_kind == ORG and "government" in name_words.get(a, ())):
            return a
    return None


def _speaker_extended(text, words, refs):
    """The first speech verb outside quotes (said, says, told, revealed, suggested, denies, ...): the
    ref right after it ("said X", up to 2 words between), else the nearest ref before it with at most
    12 words and no quote mark in between."""
    for k, (w, st, en) in enumerate(words):
        if w.lower() not in VERBS:
            continue
        if sum(text[:st].count(q) for q in QUOTES) % 2 == 1:
            continue
        after = [r for r in refs if r.start >= en and len(WORD.findall(text[en : r.start])) <= 2 and not any(q in text[en : r.start] for q in QUOTES)]
        before = [r for r in refs if r.end <= st and r.type != "first"]
        if before:
            r = before[-1]
            gap = text[r.end : st]
            if len(WORD.findall(gap)) <= 12 and not any(q in gap for q in QUOTES):
                return r.actor
        if after:
            return after[0].actor
        return None
    return None


def _nationality(w: str) -> bool:
    """US, UK, EU, German, French, Indian, Japanese, British, Dutch, Swiss...: a modifier that
    describes rather than names."""
    w = w.rstrip("'s")
    return (w.isupper() and len(w) <= 3) or w.endswith(("an", "ian", "ese", "ish", "ch", "ss", "i")) and len(w) > 3


def _in_quote(text: str, pos: int, i: int, outs) -> bool:
    before = text[:pos]
    n = sum(before.count(q) for q in QUOTES)
    if n % 2 == 1:
        return True
    # a quote opened in an earlier sentence and not closed
    if n == 0 and not any(q in text[:pos] for q in QUOTES) and outs and outs[-1].quote:
        after = text[pos:]
        return any(q in after for q in QUOTES) and sum(after.count(q) for q in QUOTES) % 2 == 1
    return False


def _quote_only(text: str) -> bool:
    t = text.strip()
    return t[:1] in QUOTES and not re.search(r"\b(said|says|told|added|according)\b", t)
