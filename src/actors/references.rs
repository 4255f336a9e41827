//! References and speakers within one article: "he", "its", "the company", "the minister" linked
//! to the actor they stand for, and the speaker of every sentence that reports someone's words.
//!
//! Rules over words and recency, seeded with the name mentions the matcher or the entity
//! recogniser found; the word lists are data (`src/data/references.txt`). Sentence by sentence,
//! headlines skipped:
//!
//! 1. Expressions, left to right, never overlapping a name mention:
//!    - he/him/his, she/her: a person (of that gender when a title such as "Mr" or "Ms" says so);
//!    - its/itself, and `it` as a clause's subject that is not pleonastic ("it is likely that"): an
//!      organisation or a country;
//!    - "the [up to three modifiers] HEAD" with a lower-case head from the lists ("the company", "the
//!      German carmaker", "the chief executive"): an actor whose name holds the head word ("the
//!      government" for "Kazakh government"), else the latest actor of the head's kind;
//!    - I/me/my/we/us/our inside a quotation: the sentence's speaker.
//! 2. The antecedent is the nearest compatible reference earlier in the sentence, else the first
//!    compatible reference (the subject) of the latest earlier sentence that has one, at most
//!    [`NEUTER_WINDOW`] sentences back for it/its and [`PERSON_WINDOW`] for he/she; descriptions
//!    look back through the whole article. A resolved reference and a sentence's speaker count as
//!    references for the sentences after it, so chains ("Mr X ... He ... His ...") carry on.
//! 3. The speaker: a reference right next to a speech verb ("X said", "said X", "X, an analyst at
//!    Y, told", "according to X"), else the nearest reference before the sentence's first speech
//!    or reporting verb (at most 12 words, no quotation mark between) or right after it; a sentence
//!    that only continues a quotation keeps the previous sentence's speaker.
//!
//! Written on the 12 development articles of `data/actor_mentions` (issue 18's experiment, then
//! issue 28): there, with discovered actors, 0.97 of the links are right and 0.81 of the annotated
//! links of the actors discovery finds are made; 0.81 of the agreed speakers are found
//! (`bench/references.py`, `bench/results/references.json`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Serialize;

use super::{ActorKind, ActorSpec, Mention, Via};
use crate::text::{Sentence, SentenceKind};

const WORD_LISTS: &str = include_str!("../data/references.txt");

/// How many sentences back `it`/`its` look for an organisation or country.
pub const NEUTER_WINDOW: usize = 2;
/// How many sentences back `he`/`she` look for a person.
pub const PERSON_WINDOW: usize = 3;
/// Words between a speaker and the verb that reports it ("Mr X, who ..., said"), at most.
const SPEAKER_GAP_WORDS: usize = 12;
/// A quotation of fewer words is a scare quote ('the "nuclear option"'), not a statement.
const MIN_QUOTED_WORDS: usize = 4;

const QUOTE_MARKS: [char; 3] = ['"', '\u{201c}', '\u{201d}'];

struct WordLists {
    speech_verbs: HashSet<String>,
    reporting_verbs: HashSet<String>,
    inverted_speech_verbs: HashSet<String>,
    speaker_gap_words: HashSet<String>,
    attribution_nouns: HashSet<String>,
    male_pronouns: HashSet<String>,
    female_pronouns: HashSet<String>,
    neuter_pronouns: HashSet<String>,
    first_person: HashSet<String>,
    male_titles: HashSet<String>,
    female_titles: HashSet<String>,
    other_titles: HashSet<String>,
    clause_openers: HashSet<String>,
    be_verbs: HashSet<String>,
    pleonastic_next: HashSet<String>,
    organisation_heads: HashSet<String>,
    government_heads: HashSet<String>,
    country_heads: HashSet<String>,
    person_heads: HashSet<String>,
    stop_modifiers: HashSet<String>,
}

fn parse_sections(data: &str) -> HashMap<String, HashSet<String>> {
    let mut sections: HashMap<String, HashSet<String>> = HashMap::new();
    let mut current = String::new();
    for line in data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.to_owned();
            continue;
        }
        sections.entry(current.clone()).or_default().extend(line.split_whitespace().map(str::to_owned));
    }
    sections
}

fn word_lists() -> &'static WordLists {
    static LISTS: OnceLock<WordLists> = OnceLock::new();
    LISTS.get_or_init(|| {
        let mut s = parse_sections(WORD_LISTS);
        let mut take = |name: &str| s.remove(name).unwrap_or_default();
        WordLists {
            speech_verbs: take("speech_verbs"),
            reporting_verbs: take("reporting_verbs"),
            inverted_speech_verbs: take("inverted_speech_verbs"),
            speaker_gap_words: take("speaker_gap_words"),
            attribution_nouns: take("attribution_nouns"),
            male_pronouns: take("male_pronouns"),
            female_pronouns: take("female_pronouns"),
            neuter_pronouns: take("neuter_pronouns"),
            first_person: take("first_person"),
            male_titles: take("male_titles"),
            female_titles: take("female_titles"),
            other_titles: take("other_titles"),
            clause_openers: take("clause_openers"),
            be_verbs: take("be_verbs"),
            pleonastic_next: take("pleonastic_next"),
            organisation_heads: take("organisation_heads"),
            government_heads: take("government_heads"),
            country_heads: take("country_heads"),
            person_heads: take("person_heads"),
            stop_modifiers: take("stop_modifiers"),
        }
    })
}

/// One statement an article reports: where its words are, who says them, and what says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// Index of the sentence in the document.
    pub sentence: usize,
    /// Byte offsets of the reported words in the document (inside the quotation marks for a
    /// direct quote; the reported clause otherwise).
    pub start: usize,
    pub end: usize,
    /// The speaker's name (as in the article's actor list), None when unnamed ("officials said").
    pub speaker: Option<String>,
    /// What marks the statement: the reporting verb ("said", "told"), "according to", or
    /// "quotation marks" (a quotation with no attribution in its sentence).
    pub cue: String,
}

/// What [`resolve`] adds to an article's name mentions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    /// Pronoun and description mentions, in text order.
    pub mentions: Vec<Mention>,
    /// Reported statements, one per sentence that reports speech, in text order.
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Person,
    Organisation,
    Country,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadKind {
    Class(Class),
    Government,
}

/// A reference inside one sentence (byte offsets into the sentence).
#[derive(Debug, Clone, Copy)]
struct Ref {
    actor: usize,
    start: usize,
    end: usize,
    via: Via,
    /// An I/we inside a quotation, linked to the speaker.
    first_person: bool,
}

struct Word<'a> {
    text: &'a str,
    lower: String,
    start: usize,
    end: usize,
}

impl Word<'_> {
    fn is_lower(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_lowercase)
    }
}

/// Words: a letter, then letters, apostrophes and hyphens ("company's", "63-year-old").
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphabetic() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(at, next)) = chars.peek() {
            if next.is_alphabetic() || next == '\'' || next == '\u{2019}' || next == '-' {
                end = at + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let word = &text[start..end];
        out.push(Word { text: word, lower: word.to_lowercase().replace('\u{2019}', "'"), start, end });
    }
    out
}

fn count_words(text: &str) -> usize {
    words(text).len()
}

fn has_quote_mark(text: &str) -> bool {
    text.contains(QUOTE_MARKS)
}

fn quote_marks_before(text: &str, at: usize) -> usize {
    text[..at].matches(QUOTE_MARKS).count()
}

fn class_of(kind: ActorKind) -> Option<Class> {
    match kind {
        ActorKind::Person => Some(Class::Person),
        ActorKind::Organization => Some(Class::Organisation),
        ActorKind::Country | ActorKind::Place => Some(Class::Country),
        // Given actors: presslens does not guess what they are, so no pronoun is linked to them.
        ActorKind::Given => None,
    }
}

/// US, UK, German, Japanese, British, Swiss...: a capitalised modifier that describes rather than names.
fn is_nationality(word: &str) -> bool {
    let w = word.trim_end_matches("'s");
    let short_caps = w.chars().count() <= 3 && w.chars().all(char::is_uppercase);
    short_caps || (w.chars().count() > 3 && ["an", "ian", "ese", "ish", "ch", "ss", "i"].iter().any(|end| w.ends_with(end)))
}

/// Whether the mention at `start..end` of `sentence` is whose words the sentence reports: a speech
/// verb right after it (past one appositive between commas: "Mike McGuire, a director at Gartner,
/// told"), or right before it ("said David Learmount", "according to Mr McGuire").
fn is_speaker(sentence: &str, start: usize, end: usize) -> bool {
    let lists = word_lists();
    let mut after = sentence[end..].trim_start();
    if let Some(rest) = after.strip_prefix(',') {
        // An appositive is short; a long clause after a comma is a new statement.
        after = match rest.find(',') {
            Some(close) if close < 100 => &rest[close + 1..],
            _ => rest,
        };
    }
    if words(after.trim_start()).first().is_some_and(|w| after.trim_start().starts_with(w.text) && lists.speech_verbs.contains(&w.lower)) {
        return true;
    }
    let mut before = words(&sentence[..start]);
    // "according to the Financial Times" when the mention is "Financial Times".
    if before.last().is_some_and(|w| w.lower == "the") {
        before.pop();
    }
    // "said Mr Flynn" when the mention is "Flynn".
    if before.last().is_some_and(|w| !w.is_lower() && [&lists.male_titles, &lists.female_titles, &lists.other_titles].iter().any(|t| t.contains(&w.lower))) {
        before.pop();
    }
    let last_two: Vec<&str> = before.iter().rev().take(2).rev().map(|w| w.lower.as_str()).collect();
    let inverted = last_two.last().is_some_and(|w| lists.inverted_speech_verbs.contains(*w)) && {
        // "..., said X" or "“...,” said X": the verb closes a reported clause.
        let verb_at = before[before.len() - 1].start;
        sentence[..verb_at].trim_end().ends_with([',', '"', '\u{201d}'])
    };
    inverted || last_two == ["according", "to"]
}

/// Whether the words between a speaker and its verb let the verb be the speaker's: nothing,
/// auxiliaries and adverbs ("has also said"), or one clause between commas ("X, head of Y, said").
fn speaker_gap(gap: &str) -> bool {
    let lists = word_lists();
    let mut trimmed = gap.trim();
    if has_quote_mark(gap) || count_words(gap) > SPEAKER_GAP_WORDS {
        return false;
    }
    // "The Open Society Institute (OSI), financed by ..., has accused": past the bracket.
    if let Some(rest) = trimmed.strip_prefix('(').and_then(|t| t.split_once(')')).map(|(_, rest)| rest.trim_start()) {
        trimmed = rest;
    }
    let only_gap_words = |text: &str| words(text).iter().all(|w| lists.speaker_gap_words.contains(&w.lower));
    // One clause between commas, then nothing but auxiliaries: "X, head of Y, (has) said".
    if let Some(after_aside) = trimmed.strip_prefix(',').and_then(|t| t.rsplit_once(',')).map(|(_, tail)| tail) {
        return only_gap_words(after_aside);
    }
    // "a Holcim statement said", "the Sunday Telegraph report added", "Yukos's spokesman told".
    let possessor = trimmed.trim_start_matches(['\'', '\u{2019}']).strip_prefix('s').filter(|_| trimmed.starts_with(['\'', '\u{2019}'])).unwrap_or(trimmed);
    let spoken = words(possessor).iter().all(|w| lists.speaker_gap_words.contains(&w.lower) || lists.attribution_nouns.contains(&w.lower));
    !possessor.contains([',', '\'', '\u{2019}']) && spoken
}

/// `it` at word `j` refers (it is a clause's subject and not "it is likely", "it was time to").
fn it_refers(words: &[Word<'_>], j: usize) -> bool {
    let lists = word_lists();
    // "..., it has confirmed", "it said": a subject whatever comes before it.
    let speaks = words[j + 1..].iter().take(2).any(|w| lists.speech_verbs.contains(&w.lower) || lists.reporting_verbs.contains(&w.lower));
    let subject = j == 0 || lists.clause_openers.contains(&words[j - 1].lower) || speaks;
    if !subject {
        return false;
    }
    let next: Vec<&str> = words[j + 1..].iter().take(7).map(|w| w.lower.as_str()).collect();
    let Some(first) = next.first() else { return false };
    if lists.be_verbs.contains(*first) {
        if next.get(1).is_some_and(|w| lists.pleonastic_next.contains(*w)) {
            return false;
        }
        if next.iter().skip(1).take(5).any(|w| *w == "to" || *w == "that") {
            return false;
        }
    }
    true
}

/// How many words from `at` make a capitalised title of `src/data/titles.txt` ("Secretary of
/// State", "President") that no capitalised word (a name) follows; None if they do not.
fn capitalised_title(words: &[Word<'_>], at: usize) -> Option<usize> {
    let first = words.get(at)?;
    if first.is_lower() {
        return None;
    }
    let titles = &crate::actors::lexicon::lexicon().titles;
    let n = titles.iter().map(Vec::len).find(|&n| {
        words
            .get(at..at + n)
            .is_some_and(|run| titles.iter().any(|t| t.len() == n && run.iter().zip(t).all(|(w, key)| crate::actors::tokens::fold(&w.lower) == *key)))
    })?;
    let named_after = words.get(at + n).is_some_and(|w| !w.is_lower());
    (!named_after).then_some(n)
}

/// The head kind of a description's head word, when it is one.
fn head_kind(base: &str) -> Option<HeadKind> {
    let lists = word_lists();
    if lists.government_heads.contains(base) {
        Some(HeadKind::Government)
    } else if lists.organisation_heads.contains(base) {
        Some(HeadKind::Class(Class::Organisation))
    } else if lists.country_heads.contains(base) {
        Some(HeadKind::Class(Class::Country))
    } else if lists.person_heads.contains(base) {
        Some(HeadKind::Class(Class::Person))
    } else {
        None
    }
}

struct Actors {
    class: Vec<Option<Class>>,
    gender: Vec<Option<Gender>>,
    /// Lower-cased words of every name and surface form of each actor.
    name_words: Vec<HashSet<String>>,
}

impl Actors {
    fn new(specs: &[ActorSpec], names: &[Mention]) -> Self {
        let lists = word_lists();
        let mut surfaces: Vec<Vec<&str>> =
            specs.iter().map(|s| std::iter::once(s.name.as_str()).chain(s.aliases.iter().map(String::as_str)).collect()).collect();
        for m in names {
            if let Some(list) = surfaces.get_mut(m.actor) {
                list.push(&m.text);
            }
        }
        let gender = surfaces
            .iter()
            .map(|forms| {
                forms.iter().find_map(|form| {
                    let first = form.split_whitespace().next()?.trim_end_matches('.').to_lowercase();
                    if lists.male_titles.contains(&first) {
                        Some(Gender::Male)
                    } else if lists.female_titles.contains(&first) {
                        Some(Gender::Female)
                    } else {
                        None
                    }
                })
            })
            .collect();
        // The role counts as a name for descriptions: "the prime minister" is the actor the article
        // introduced as "Prime Minister Ephraim Inoni".
        let name_words = surfaces
            .iter()
            .zip(specs)
            .map(|(forms, spec)| forms.iter().copied().chain(spec.role.as_deref()).flat_map(words).map(|w| w.lower).collect())
            .collect();
        Self { class: specs.iter().map(|s| class_of(s.kind)).collect(), gender, name_words }
    }
}

/// What was resolved in one sentence, kept for the sentences after it.
#[derive(Default)]
struct SentenceState {
    /// References in text order, plus the speaker first when it is not referred to otherwise.
    salient: Vec<Ref>,
    speaker: Option<usize>,
    has_quote: bool,
    /// A quotation is still open at the sentence's end (it runs on into the next sentence).
    open_after: bool,
    paragraph: usize,
}

/// Link the pronouns and descriptions of an article to its actors and find the speaker of every
/// sentence that reports speech. `names` are the article's name mentions (document byte offsets,
/// any order); `sentences` the document's sentences.
pub fn resolve(sentences: &[Sentence], actors: &[ActorSpec], names: &[Mention]) -> References {
    let info = Actors::new(actors, names);
    let mut by_sentence: HashMap<usize, Vec<&Mention>> = HashMap::new();
    for m in names {
        by_sentence.entry(m.sentence).or_default().push(m);
    }
    let mut history: Vec<SentenceState> = Vec::with_capacity(sentences.len());
    let mut out = References::default();
    for (i, sentence) in sentences.iter().enumerate() {
        let mut refs: Vec<Ref> = by_sentence
            .get(&sentence.index)
            .into_iter()
            .flatten()
            .filter(|m| m.start >= sentence.start && m.end <= sentence.end)
            .map(|m| Ref { actor: m.actor, start: m.start - sentence.start, end: m.end - sentence.start, via: Via::Name, first_person: false })
            .collect();
        refs.sort_by_key(|r| r.start);
        if sentence.kind == SentenceKind::Headline {
            history.push(SentenceState { salient: refs, paragraph: sentence.paragraph, ..SentenceState::default() });
            continue;
        }
        let resolver = SentenceResolver { text: &sentence.text, index: i, info: &info, history: &history, actors };
        let state = resolver.resolve(refs, &mut out, sentence);
        history.push(state);
    }
    out.mentions.sort_by_key(|m| (m.start, m.actor));
    out
}

struct SentenceResolver<'a> {
    text: &'a str,
    /// Position of the sentence in `sentences` (and in `history`).
    index: usize,
    info: &'a Actors,
    history: &'a [SentenceState],
    actors: &'a [ActorSpec],
}

impl SentenceResolver<'_> {
    fn resolve(&self, mut refs: Vec<Ref>, out: &mut References, sentence: &Sentence) -> SentenceState {
        let lists = word_lists();
        let text = self.text;
        let words = words(text);
        let previous = self.history.last();
        // The sentence starts inside a quotation opened earlier in its paragraph (and does not
        // open one of its own: straight quotation marks do not say which way they face).
        // A sentence without quotation marks that reports speech itself ("All companies said ...")
        // is not inside one either: the quotation before it was left unclosed.
        let reports = || !has_quote_mark(text) && words.iter().any(|w| w.is_lower() && lists.speech_verbs.contains(&w.lower));
        let open_before =
            previous.is_some_and(|p| p.open_after && p.paragraph == sentence.paragraph) && !text.trim_start().starts_with(QUOTE_MARKS) && !reports();
        let mut pending_first_person: Vec<(usize, usize)> = Vec::new();
        let mut j = 0;
        while j < words.len() {
            let word = &words[j];
            if !free(&refs, word.start, word.end) {
                j += 1;
                continue;
            }
            // "He's", "she'd": the pronoun without its clitic (offsets from the text as written:
            // its apostrophe may be the three-byte ’).
            let (lower, word_end) = match (word.lower.split_once('\''), word.text.find(['\'', '\u{2019}'])) {
                (Some((head, _)), Some(at)) if !head.is_empty() => (head, word.start + at),
                _ => (word.lower.as_str(), word.end),
            };
            let mut found: Option<Ref> = None;
            let quoted = in_quotation(text, word.start, open_before);
            // Inside a quotation "he" is not the person quoted (the previous sentence's speaker,
            // when the quotation runs on), and "it" is rarely an actor ("it's all about ...").
            let quoting = previous.and_then(|p| p.speaker).filter(|_| quoted);
            if lists.male_pronouns.contains(lower) || lists.female_pronouns.contains(lower) {
                let gender = if lists.male_pronouns.contains(lower) { Gender::Male } else { Gender::Female };
                let ok = |a: usize| self.info.class[a] == Some(Class::Person) && self.info.gender[a].is_none_or(|g| g == gender) && quoting != Some(a);
                found = self.antecedent(&refs, &ok, word.start, PERSON_WINDOW).map(|actor| pronoun(actor, word.start, word_end));
            } else if !quoted && (lists.neuter_pronouns.contains(lower) || (lower == "it" && it_refers(&words, j))) {
                let ok = |a: usize| matches!(self.info.class[a], Some(Class::Organisation | Class::Country));
                found = self.antecedent(&refs, &ok, word.start, NEUTER_WINDOW).map(|actor| pronoun(actor, word.start, word_end));
            } else if lists.first_person.contains(lower) && quoted {
                pending_first_person.push((word.start, word_end));
            } else if lower == "the" {
                if let Some((description, last_word, head_start)) = self.description(&words, j, &refs) {
                    // A name among the modifiers stays a mention of its own ("The US official":
                    // the United States, and the official).
                    let clear =
                        refs.iter().all(|r| r.end <= description.start || r.start >= description.end || (r.start > description.start && r.end <= head_start));
                    if clear {
                        found = Some(description);
                        j = last_word;
                    }
                }
            }
            if let Some(reference) = found {
                refs.push(reference);
                refs.sort_by_key(|r| r.start);
            }
            j += 1;
        }
        let (speaker, attribution) = self.speaker(&refs, &words, previous, open_before);
        if let Some(speaker) = speaker {
            for (start, end) in pending_first_person {
                if free(&refs, start, end) {
                    refs.push(Ref { actor: speaker, start, end, via: Via::Pronoun, first_person: true });
                }
            }
            refs.sort_by_key(|r| r.start);
        }
        for r in refs.iter().filter(|r| r.via != Via::Name) {
            out.mentions.push(Mention {
                actor: r.actor,
                sentence: sentence.index,
                start: sentence.start + r.start,
                end: sentence.start + r.end,
                text: text[r.start..r.end].to_owned(),
                via: r.via,
            });
        }
        if let Some((start, end, cue)) = reported_words(text, &words, &refs, speaker, attribution, open_before) {
            let speaker = speaker.and_then(|a| self.actors.get(a)).map(|a| a.name.clone());
            out.quotes.push(Quote { sentence: sentence.index, start: sentence.start + start, end: sentence.start + end, speaker, cue });
        }
        // The speaker comes first: the next sentence's "he" is most likely the person who spoke.
        let mut salient = refs;
        if let Some(speaker) = speaker {
            salient.insert(0, Ref { actor: speaker, start: 0, end: 0, via: Via::Name, first_person: false });
        }
        let marks = text.matches(QUOTE_MARKS).count();
        SentenceState { salient, speaker, has_quote: marks > 0, open_after: open_before != (marks % 2 == 1), paragraph: sentence.paragraph }
    }

    /// The actor a pronoun at `at` stands for: the nearest compatible reference before it in this
    /// sentence, else the first compatible one (the subject) of the latest of the `window`
    /// sentences before that has one.
    fn antecedent(&self, refs: &[Ref], ok: &dyn Fn(usize) -> bool, at: usize, window: usize) -> Option<usize> {
        if let Some(r) = refs.iter().rev().find(|r| r.start < at && ok(r.actor)) {
            return Some(r.actor);
        }
        (1..=window)
            .take_while(|back| *back <= self.index)
            .find_map(|back| self.history[self.index - back].salient.iter().find(|r| ok(r.actor)).map(|r| r.actor))
    }

    /// "the [modifiers] HEAD" starting at word `j` ("the"): the reference and the index of its last word.
    /// "the [modifiers] HEAD" starting at word `j` ("the"): the reference, the index of its last
    /// word and where its head starts.
    fn description(&self, words: &[Word<'_>], j: usize, refs: &[Ref]) -> Option<(Ref, usize, usize)> {
        let lists = word_lists();
        // "NM Rothschild, the investment bank, ...": an appositive describes the name before it,
        // whichever actor (if any) that is.
        let before = self.text[..words[j].start].trim_end();
        if let Some(stem) = before.strip_suffix(',') {
            if j > 0 && !words[j - 1].is_lower() && stem.ends_with(words[j - 1].text) {
                return None;
            }
        }
        // "The Secretary of State", "The President": a capitalised title with no name after it.
        if let Some(n) = capitalised_title(words, j + 1) {
            let last = j + n;
            let actor = self.described(&words[j + 1].lower, HeadKind::Class(Class::Person), words[j].start, refs)?;
            return Some((Ref { actor, start: words[j].start, end: words[last].end, via: Via::Description, first_person: false }, last, words[j + 1].start));
        }
        let mut k = j + 1;
        let mut modifiers = 0;
        while k < words.len() && modifiers <= 3 {
            let word = &words[k];
            let base = word.lower.strip_suffix("'s").unwrap_or(&word.lower);
            let next_is_of = words.get(k + 1).is_some_and(|w| w.lower == "of");
            if let Some(kind) = head_kind(base) {
                if word.is_lower() && !(next_is_of && kind != HeadKind::Class(Class::Person)) {
                    // "the chief executive": the longest run of person heads.
                    let mut last = k;
                    while kind == HeadKind::Class(Class::Person) && words.get(last + 1).is_some_and(|w| lists.person_heads.contains(&w.lower)) {
                        last += 1;
                    }
                    let end = words[last].start + words[last].text.trim_end_matches(['s', 'S']).trim_end_matches(['\'', '\u{2019}']).len().max(1);
                    let end = if words[last].lower.ends_with("'s") { end } else { words[last].end };
                    let base = words[last].lower.strip_suffix("'s").unwrap_or(&words[last].lower).to_owned();
                    let actor = self.described(&base, kind, words[j].start, refs)?;
                    return Some((Ref { actor, start: words[j].start, end, via: Via::Description, first_person: false }, last, word.start));
                }
            }
            if lists.stop_modifiers.contains(base) || (!word.is_lower() && !is_nationality(word.text)) {
                return None;
            }
            // Anything but spaces or a comma between two words ends the phrase.
            let gap = self.text[words[k - 1].end..word.start].trim();
            if !(gap.is_empty() || gap == ",") {
                return None;
            }
            modifiers += 1;
            k += 1;
        }
        None
    }

    /// The actor a description with head word `base` stands for: an actor whose name or role
    /// holds the word (the latest referred to, else the only one for "the government"), else the
    /// most referred-to actor of the head's kind in the sentences before (the latest among
    /// equals). Actors named earlier in the same sentence are passed over: "Shareholders United
    /// urged the club" is not about Shareholders United.
    fn described(&self, base: &str, kind: HeadKind, at: usize, refs: &[Ref]) -> Option<usize> {
        let named = |a: usize| self.info.name_words[a].contains(base);
        // Earlier references, latest first (a sentence's speaker, put first in its salient list,
        // counts only where the sentence refers to it).
        let earlier: Vec<usize> = self.history.iter().rev().flat_map(|s| s.salient.iter().rev().filter(|r| r.end > r.start).map(|r| r.actor)).collect();
        let here: Vec<usize> = refs.iter().filter(|r| r.start < at).map(|r| r.actor).collect();
        if let Some(&a) = here.iter().rev().chain(&earlier).find(|&&a| named(a)) {
            return Some(a);
        }
        let all_named: Vec<usize> = (0..self.info.name_words.len()).filter(|&a| named(a)).collect();
        if kind == HeadKind::Government {
            if let [only] = all_named.as_slice() {
                return Some(*only);
            }
        }
        let want = match kind {
            HeadKind::Government => Class::Country,
            HeadKind::Class(class) => class,
        };
        let fits = |a: usize| {
            self.info.class[a] == Some(want) && !here.contains(&a) && !(want == Class::Organisation && self.info.name_words[a].contains("government"))
        };
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for &a in earlier.iter().filter(|&&a| fits(a)) {
            *counts.entry(a).or_default() += 1;
        }
        // `earlier` runs latest first, so the first of the most referred-to is the latest of them.
        let most = counts.values().copied().max()?;
        earlier.into_iter().find(|a| counts.get(a) == Some(&most))
    }

    /// The sentence's speaker and, when a reference in it is the speaker, that reference and the
    /// verb that reports it (a word index into `words`).
    fn speaker(&self, refs: &[Ref], words: &[Word<'_>], previous: Option<&SentenceState>, open_before: bool) -> (Option<usize>, Option<(Ref, Option<usize>)>) {
        let text = self.text;
        let next_to_verb = refs.iter().find(|r| !r.first_person && is_speaker(text, r.start, r.end)).map(|r| (*r, None));
        // Of a speaker right next to its verb and one found through the verb, the earlier: "Fred
        // Hasson, head of Tiga, which represents developers, said" is Hasson's, not Tiga's.
        let found = match (next_to_verb, self.verb_speaker(refs, words, open_before)) {
            (Some(a), Some(b)) => Some(if b.0.start < a.0.start { b } else { a }),
            (a, b) => a.or(b),
        };
        if let Some((r, verb)) = found {
            return (Some(r.actor), Some((r, verb)));
        }
        // A sentence inside a quotation, or one that only continues the previous sentence's
        // quotation, keeps that sentence's speaker.
        let continues = open_before || (only_quotes(text) && previous.is_some_and(|p| p.has_quote || text.trim_start().starts_with(QUOTE_MARKS)));
        (previous.and_then(|p| p.speaker).filter(|_| continues), None)
    }

    /// The speaker found through a speech or reporting verb, and the verb (a word index).
    fn verb_speaker(&self, refs: &[Ref], words: &[Word<'_>], open_before: bool) -> Option<(Ref, Option<usize>)> {
        let lists = word_lists();
        let text = self.text;
        // Each speech or reporting verb outside quotation marks, in order: the earliest reference
        // before it that it can belong to ("X, head of Y, said" is X's), else the reference right
        // after an inverted one ("..., said X").
        let outside = |w: &Word<'_>| !in_quotation(text, w.start, open_before);
        for (v, verb) in words.iter().enumerate() {
            if !(verb.is_lower() && (lists.speech_verbs.contains(&verb.lower) || lists.reporting_verbs.contains(&verb.lower)) && outside(verb)) {
                continue;
            }
            // The sentence's subject keeps its verbs across "and": "Motorola has run trials and says".
            let subject = |r: &Ref| {
                count_words(&text[..r.start]) <= 1 && text[r.end..verb.start].trim_end().ends_with(" and") && !has_quote_mark(&text[r.end..verb.start])
            };
            if let Some(r) = refs.iter().find(|r| r.end <= verb.start && !r.first_person && (speaker_gap(&text[r.end..verb.start]) || subject(r))) {
                return Some((*r, Some(v)));
            }
            // "..., said X" with X not right after the verb ("said Dr Alastair Brydon, author").
            if lists.inverted_speech_verbs.contains(&verb.lower) && text[..verb.start].trim_end().ends_with([',', '"', '\u{201d}']) {
                if let Some(r) =
                    refs.iter().find(|r| r.start >= verb.end && count_words(&text[verb.end..r.start]) <= 2 && !has_quote_mark(&text[verb.end..r.start]))
                {
                    return Some((*r, Some(v)));
                }
            }
        }
        None
    }
}

fn pronoun(actor: usize, start: usize, end: usize) -> Ref {
    Ref { actor, start, end, via: Via::Pronoun, first_person: false }
}

/// No reference of `refs` overlaps `start..end`.
fn free(refs: &[Ref], start: usize, end: usize) -> bool {
    refs.iter().all(|r| end <= r.start || start >= r.end)
}

/// Whether byte `at` of `text` lies inside a quotation: an odd number of quotation marks before
/// it, or an even number when the sentence starts inside a quotation (`open_before`).
fn in_quotation(text: &str, at: usize, open_before: bool) -> bool {
    (quote_marks_before(text, at) % 2 == 1) != open_before
}

/// A sentence that starts with a quotation mark and has no attribution of its own.
fn only_quotes(text: &str) -> bool {
    let t = text.trim();
    // The words outside the quotation marks (every other stretch between marks).
    let outside: String = t.split(QUOTE_MARKS).step_by(2).collect::<Vec<_>>().join(" ");
    t.starts_with(QUOTE_MARKS) && !words(&outside).iter().any(|w| matches!(w.lower.as_str(), "said" | "says" | "told" | "added" | "according"))
}

/// Where the reported words of a sentence are, and the cue, when the sentence reports speech: a
/// quotation of at least [`MIN_QUOTED_WORDS`] words (its inside), else the clause on the other side
/// of the attribution ("X said [that] ...", "..., X said", "according to X, ...").
fn reported_words(
    text: &str,
    words: &[Word<'_>],
    refs: &[Ref],
    speaker: Option<usize>,
    attribution: Option<(Ref, Option<usize>)>,
    open_before: bool,
) -> Option<(usize, usize, String)> {
    let lists = word_lists();
    let verb = |w: &Word<'_>| w.is_lower() && lists.speech_verbs.contains(&w.lower) && !in_quotation(text, w.start, open_before);
    let according = words.windows(2).position(|p| p[0].lower == "according" && p[1].lower == "to");
    let cue_verb = match attribution {
        Some((_, Some(v))) => Some(v),
        _ => words.iter().position(verb).or_else(|| {
            // `is_speaker` matched: the verb next to the speaker.
            attribution
                .and_then(|(r, _)| words.iter().position(|w| (w.start >= r.end || w.end <= r.start) && lists.speech_verbs.contains(&w.lower) && w.is_lower()))
        }),
    };
    let quotation = longest_quotation(text, open_before);
    let cue = match (cue_verb, according) {
        (Some(v), _) => words[v].lower.clone(),
        (None, Some(_)) => "according to".to_owned(),
        (None, None) if quotation.is_some() || speaker.is_some() => "quotation marks".to_owned(),
        (None, None) => return None,
    };
    if let Some((start, end)) = quotation {
        return Some((start, end, cue));
    }
    // The attribution: the speaker's reference, the verb or "according to", and what lies between.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if let Some((r, _)) = attribution {
        spans.push((r.start, r.end));
    }
    if let Some(v) = cue_verb {
        spans.push((words[v].start, words[v].end));
        // An unnamed speaker after the clause ("..., analysts said"): from the comma on.
        if let Some(comma) = text[..words[v].start].rfind(',').filter(|&c| count_words(&text[c..words[v].start]) <= 4) {
            spans.push((comma, words[v].end));
        }
    }
    if let Some(a) = according.filter(|_| cue_verb.is_none()) {
        spans.push((words[a].start, words[a + 1].end));
        if let Some(r) = refs.iter().find(|r| r.start >= words[a + 1].end) {
            spans.push((r.start, r.end));
        }
    }
    let from = spans.iter().map(|s| s.0).min()?;
    let to = spans.iter().map(|s| s.1).max()?;
    let before = trim_clause(text, 0, from);
    let after = trim_clause(text, to, text.len());
    let (start, end) = if after.1 - after.0 >= before.1 - before.0 { after } else { before };
    (end > start).then_some((start, end, cue))
}

/// The stretch `from..to` of `text` without the spaces, commas, "that" and end punctuation at its edges.
fn trim_clause(text: &str, from: usize, to: usize) -> (usize, usize) {
    let edge = |c: char| c.is_whitespace() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '-' | '\u{2013}' | '\u{2014}');
    let part = &text[from..to];
    let trimmed_start = part.len() - part.trim_start_matches(edge).len();
    let mut start = from + trimmed_start;
    let rest = &text[start..to];
    if let Some(after_that) = rest.strip_prefix("that ") {
        start = to - after_that.len();
    }
    let end = from + part.trim_end_matches(edge).len();
    (start, end.max(start))
}

/// The inside of the longest quotation of at least [`MIN_QUOTED_WORDS`] words (pairs of marks in
/// order; a last unpaired mark runs to the end of the sentence; a sentence that starts inside a
/// quotation, or whose first mark is a closing curly one, is quoted from its beginning).
fn longest_quotation(text: &str, open_before: bool) -> Option<(usize, usize)> {
    let marks: Vec<(usize, char)> = text.char_indices().filter(|(_, c)| QUOTE_MARKS.contains(c)).collect();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut rest: &[(usize, char)] = &marks;
    if open_before || matches!(marks.first(), Some((_, '\u{201d}'))) {
        spans.push((0, marks.first().map_or(text.len(), |&(at, _)| at)));
        rest = marks.get(1..).unwrap_or_default();
    }
    for pair in rest.chunks(2) {
        let open = pair[0].0 + pair[0].1.len_utf8();
        let close = pair.get(1).map_or(text.len(), |&(at, _)| at);
        spans.push((open, close));
    }
    spans.into_iter().filter(|&(s, e)| count_words(&text[s..e]) >= MIN_QUOTED_WORDS).max_by_key(|&(s, e)| e - s).map(|(s, e)| {
        let part = &text[s..e];
        let start = s + (part.len() - part.trim_start().len());
        (start, s + part.trim_end().len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{find_mentions, Matcher};
    use crate::text::segment;

    fn spec(name: &str, kind: ActorKind, aliases: &[&str]) -> ActorSpec {
        ActorSpec { name: name.into(), kind, aliases: aliases.iter().map(|a| a.to_string()).collect(), role: None }
    }

    /// (mention text, actor, via) per reference; (reported words, speaker, cue) per quote.
    type Links = Vec<(String, String, Via)>;
    type Quotes = Vec<(String, Option<String>, String)>;

    fn run(text: &str, actors: &[ActorSpec]) -> (Links, Quotes) {
        let doc = segment(text);
        let names = find_mentions(&doc.sentences, &Matcher::new(actors));
        let found = resolve(&doc.sentences, actors, &names);
        let links = found.mentions.iter().map(|m| (m.text.clone(), actors[m.actor].name.clone(), m.via)).collect();
        let quotes = found.quotes.iter().map(|q| (text[q.start..q.end].to_owned(), q.speaker.clone(), q.cue.clone())).collect();
        (links, quotes)
    }

    #[test]
    fn every_section_of_the_word_lists_is_there() {
        let sections = parse_sections(WORD_LISTS);
        for name in [
            "speech_verbs",
            "reporting_verbs",
            "inverted_speech_verbs",
            "speaker_gap_words",
            "attribution_nouns",
            "male_pronouns",
            "female_pronouns",
            "neuter_pronouns",
            "first_person",
            "male_titles",
            "female_titles",
            "other_titles",
            "clause_openers",
            "be_verbs",
            "pleonastic_next",
            "organisation_heads",
            "government_heads",
            "country_heads",
            "person_heads",
            "stop_modifiers",
        ] {
            assert!(sections.get(name).is_some_and(|s| !s.is_empty()), "section {name} is missing or empty");
        }
        assert_eq!(sections.len(), 20, "a section the code does not read: {:?}", sections.keys().collect::<Vec<_>>());
    }

    #[test]
    fn pronouns_follow_the_subject_and_respect_kind_and_gender() {
        let actors = [
            spec("Michael Howard", ActorKind::Person, &["Mr Howard"]),
            spec("Yukos", ActorKind::Organization, &[]),
            spec("Ruth Kelly", ActorKind::Person, &["Ms Kelly"]),
        ];
        let text = "Michael Howard met Yukos and Ruth Kelly in Moscow. He said its debts were a worry. She disagreed. It is likely that talks go on.";
        let (links, _) = run(text, &actors);
        assert_eq!(
            links,
            vec![
                ("He".to_owned(), "Michael Howard".to_owned(), Via::Pronoun),
                ("its".to_owned(), "Yukos".to_owned(), Via::Pronoun),
                ("She".to_owned(), "Ruth Kelly".to_owned(), Via::Pronoun),
            ],
            "'It is likely' is pleonastic; 'She' skips the male subject only because the title says Ms"
        );
    }

    #[test]
    fn descriptions_take_the_actor_whose_name_holds_the_head_else_the_latest_of_its_kind() {
        let actors = [
            spec("Kazakh government", ActorKind::Organization, &[]),
            spec("Siemens", ActorKind::Organization, &[]),
            spec("Ivan Petrov", ActorKind::Person, &[]),
        ];
        let text = "Siemens sued the Kazakh government in a court on Monday, and Ivan Petrov spoke. The German company wants money. The government refused. The chief executive was upset.";
        let (links, _) = run(text, &actors);
        assert!(links.contains(&("The German company".into(), "Siemens".into(), Via::Description)), "{links:?}");
        assert!(links.contains(&("The government".into(), "Kazakh government".into(), Via::Description)), "{links:?}");
        assert!(links.contains(&("The chief executive".into(), "Ivan Petrov".into(), Via::Description)), "{links:?}");
        assert!(!links.iter().any(|l| l.0 == "a court"), "only definite descriptions");
        let actors = [
            ActorSpec { role: Some("Secretary of State".into()), ..spec("Marco Rubio", ActorKind::Person, &[]) },
            spec("United States", ActorKind::Country, &["US"]),
        ];
        let text = "Marco Rubio spoke in Caracas. The Secretary of State met envoys. The US official explained that talks went well.";
        let (links, quotes) = run(text, &actors);
        assert!(links.contains(&("The Secretary of State".into(), "Marco Rubio".into(), Via::Description)), "{links:?}");
        assert!(links.contains(&("The US official".into(), "Marco Rubio".into(), Via::Description)), "a name among the modifiers: {links:?}");
        assert_eq!(quotes.last().and_then(|q| q.1.clone()).as_deref(), Some("Marco Rubio"), "{quotes:?}");
    }

    #[test]
    fn speakers_named_described_unnamed_and_continued() {
        let actors = [spec("Gordon Brown", ActorKind::Person, &["Mr Brown"]), spec("Yukos", ActorKind::Organization, &[])];
        let text = "Gordon Brown, the chancellor, said growth would stay strong. \"We will not waver on this point,\" he added. \
                    \"Nor will we raise taxes before the vote.\" Shares in Yukos fell 5%, analysts said. \
                    According to Yukos, the sale was illegal.";
        let (links, quotes) = run(text, &actors);
        let speakers: Vec<Option<&str>> = quotes.iter().map(|q| q.1.as_deref()).collect();
        assert_eq!(speakers, vec![Some("Gordon Brown"), Some("Gordon Brown"), Some("Gordon Brown"), None, Some("Yukos")], "{quotes:?}");
        assert_eq!(quotes[0].0, "growth would stay strong");
        assert_eq!(quotes[0].2, "said");
        assert_eq!(quotes[1].0, "We will not waver on this point,");
        assert_eq!(quotes[2].2, "quotation marks");
        assert_eq!(quotes[3].0, "Shares in Yukos fell 5%");
        assert_eq!(quotes[4].0, "the sale was illegal");
        assert_eq!(quotes[4].2, "according to");
        assert!(links.contains(&("We".into(), "Gordon Brown".into(), Via::Pronoun)), "I/we inside a quotation are the speaker: {links:?}");
        assert!(links.contains(&("he".into(), "Gordon Brown".into(), Via::Pronoun)));
    }

    #[test]
    fn curly_apostrophes_keep_offsets_on_char_boundaries() {
        let actors = [spec("Yukos", ActorKind::Organization, &[]), spec("Ivan Petrov", ActorKind::Person, &[])];
        let text = "Ivan Petrov praised Yukos. He’s sure the company’s debts will fall, he said. It’s a “good day”.";
        let (links, _) = run(text, &actors);
        assert!(links.contains(&("He".into(), "Ivan Petrov".into(), Via::Pronoun)), "{links:?}");
        assert!(links.contains(&("the company".into(), "Yukos".into(), Via::Description)), "{links:?}");
    }

    #[test]
    fn given_actors_get_no_pronouns_and_headlines_are_skipped() {
        let actors = [ActorSpec::given("Rubio", ["Rubio"])];
        let text = "Rubio he said\n\nRubio arrived on Monday. He said the talks went well.";
        let (links, quotes) = run(text, &actors);
        assert!(links.is_empty(), "a given actor's kind is unknown: {links:?}");
        assert_eq!(quotes.len(), 1, "the headline reports nothing: {quotes:?}");
        assert_eq!(quotes[0].1, None, "'He' is not linked, so the speaker is unknown");
    }
}
