//! Actors from learned entity spans: the names of one article grouped the way a reader groups them.
//!
//! Input: the entity recogniser's spans (PER, ORG, LOC, MISC) over the sentences (see `is_read`). Rules:
//! - PER: titles at the start of a span come off and, with a title just before it ("Foreign
//!   Secretary Jack Straw", "Mr Kennedy"), are kept as the actor's role. A short form joins the
//!   full name it ends (the one mentioned most recently, else the first after): a surname ("Howard")
//!   or a surname with its particles ("von der Leyen", "bin Salman", "De Gaulle"), unless its
//!   title's gender contradicts that person ("Mrs Howard" is not Michael Howard when he is "Mr
//!   Howard" elsewhere): then it is an actor of its own. A one-word name with no full name and no
//!   title that the article describes as an organisation ("oil giant Yukos", "analysts Gartner":
//!   `src/data/organisation_descriptors.txt`) is an organisation, whatever the model typed it.
//! - ORG and LOC: the gazetteer (`src/data/gazetteer.tsv`) gives canonical names and kinds ("US",
//!   "Washington" -> United States; "Tories" -> Conservative Party); an acronym joins the long form
//!   whose initials it is ("NHS" = "National Health Service"); a one-word organisation joins the one
//!   longer organisation it starts ("Pernod" = "Pernod Ricard"). Other LOC are places.
//! - MISC (nationalities, events, products) is never an actor.
//!
//! Mentions are the spans themselves, plus other occurrences of the same surface forms the model
//! missed, except inside another entity ("Ireland" in "Northern Ireland Assembly" is not Ireland).

use std::collections::HashMap;

use super::lexicon::{lexicon, Lexicon};
use super::matcher::{find_mentions, Matcher};
use super::ner::EntityKind;
use super::tokens::{fold, tokenize, Token};
use super::{ActorKind, ActorSpec, Mention, Via};
use crate::text::{Sentence, SentenceKind};

/// One entity span in an article: byte offsets into the article's text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntitySpan {
    /// Index of the sentence in the document.
    pub sentence: usize,
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
}

/// Words that end a name with their abbreviation dot ("Barnett Banks Inc.", "Kenneth Lay Jr.").
const NAME_ABBREVIATIONS: [&str; 10] = ["inc", "corp", "co", "ltd", "bros", "jr", "sr", "plc", "cos", "st"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
}

fn title_gender(title: &str) -> Option<Gender> {
    match title.trim_end_matches('.') {
        "mr" | "sir" | "lord" | "king" | "prince" | "mister" => Some(Gender::Male),
        "mrs" | "ms" | "miss" | "madam" | "madame" | "lady" | "dame" | "baroness" | "queen" | "princess" => Some(Gender::Female),
        _ => None,
    }
}

/// A name as the article writes it, after titles came off.
#[derive(Debug, Clone)]
struct Surface {
    span: usize,
    /// Accent-folded, lower-cased words of the name.
    words: Vec<String>,
    /// The name as written (title-free), for display.
    text: String,
    /// Byte offsets of the title-free name in the article.
    start: usize,
    end: usize,
    /// The title just before (or at the start of) the name, lower-cased, as written in the lexicon.
    title: Option<String>,
    /// Written right after a noun that describes an organisation ("oil giant Yukos").
    described_as_organisation: bool,
}

/// The longest lexicon title that ends at token `end` (exclusive) of `keys`.
fn title_before(lex: &Lexicon, keys: &[String], end: usize) -> Option<(usize, String)> {
    lex.titles.iter().filter(|t| t.len() <= end).find(|t| keys[end - t.len()..end] == t[..]).map(|t| (end - t.len(), t.join(" ")))
}

/// The longest lexicon title that starts at token `begin` of `keys` and leaves at least one word.
fn title_at(lex: &Lexicon, keys: &[String], begin: usize, end: usize) -> Option<usize> {
    lex.titles.iter().find(|t| begin + t.len() < end && keys[begin..begin + t.len()] == t[..]).map(Vec::len)
}

fn surface(lex: &Lexicon, sentence: &Sentence, span: &EntitySpan, index: usize) -> Option<Surface> {
    let tokens: Vec<Token<'_>> = tokenize(&sentence.text);
    let local = (span.start.checked_sub(sentence.start)?, span.end.checked_sub(sentence.start)?);
    let inside: Vec<usize> = (0..tokens.len()).filter(|&i| tokens[i].start >= local.0 && tokens[i].end <= local.1).collect();
    let (&first, &last) = (inside.first()?, inside.last()?);
    let keys: Vec<String> = tokens.iter().map(|t| t.key().trim_end_matches('.').to_owned()).collect();
    let mut begin = first;
    let mut title = None;
    if span.kind == EntityKind::Person {
        if let Some(len) = title_at(lex, &keys, first, last + 1) {
            title = Some(keys[first..first + len].join(" "));
            begin = first + len;
        } else if let Some((_, found)) = title_before(lex, &keys, first) {
            title = Some(found);
        }
    }
    // "The Party of Democratic Action", "August National Association of ...": an article or a
    // calendar word at the start is not part of the name.
    while begin < last && (keys[begin] == "the" || lex.not_actors.contains(&keys[begin])) {
        begin += 1;
    }
    let mut end = tokens[last].end;
    // "First Albany Corp.": a closing abbreviation dot the model included stays; a full stop does not.
    if local.1 > end && sentence.text[end..].starts_with('.') && NAME_ABBREVIATIONS.contains(&keys[last].as_str()) {
        end += 1;
    }
    let start = tokens[begin].start;
    let text = sentence.text.get(start..end)?.to_owned();
    let words = keys[begin..=last].to_vec();
    let described_as_organisation = title.is_none() && begin > 0 && lex.organisation_descriptors.contains(&keys[begin - 1]);
    Some(Surface { span: index, words, text, start: sentence.start + start, end: sentence.start + end, title, described_as_organisation })
}

/// The gazetteer entry one of whose aliases is exactly this name (accent- and case-blind).
fn gazetteer_entry<'l>(lex: &'l Lexicon, text: &str) -> Option<&'l super::lexicon::GazetteerEntry> {
    let key = fold(text).to_lowercase();
    lex.gazetteer.iter().find(|e| e.aliases.iter().any(|a| fold(a).to_lowercase() == key))
}

/// Initials of the capitalised words of a name ("National Health Service" -> "nhs").
fn initials(text: &str) -> String {
    tokenize(text).iter().filter(|t| t.is_capitalised()).filter_map(|t| t.folded.chars().next()).flat_map(char::to_lowercase).collect()
}

fn is_acronym(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    (2..=6).contains(&letters.len()) && letters.iter().all(|c| c.is_uppercase()) && !text.contains(' ')
}

struct Group {
    kind: ActorKind,
    /// Canonical name, when the gazetteer gives one.
    canonical: Option<String>,
    members: Vec<usize>,
    role: Option<String>,
    /// The group this one's members moved to (`merge_groups`): later names with this group's key
    /// join that one. Groups are never removed, so indices into `groups` stay valid.
    merged_into: Option<usize>,
}

/// The group that now holds group `id`'s members.
fn resolve(groups: &[Group], mut id: usize) -> usize {
    while let Some(next) = groups[id].merged_into {
        id = next;
    }
    id
}

/// Actors and their mentions from the entity spans of one article (`sentences` are the article's
/// sentences, `spans` its entities in text order). Actors come in order of first mention.
pub fn actors_from_entities(sentences: &[Sentence], spans: &[EntitySpan]) -> (Vec<ActorSpec>, Vec<Mention>) {
    let lex = lexicon();
    let readable = |i: usize| sentences.get(i).filter(|s| is_read(s));
    let spans: Vec<EntitySpan> = spans.iter().flat_map(|span| split_span(lex, sentences, span)).collect();
    let spans = split_coordinated(lex, sentences, spans);
    let spans = extend_organisations(lex, sentences, spans);
    let spans = leaders_named_by_their_government(lex, sentences, spans);
    let spans = one_sense_per_article(sentences, spans);
    let spans = spans.as_slice();
    let surfaces: Vec<Surface> = spans
        .iter()
        .enumerate()
        .filter(|(_, span)| span.kind != EntityKind::Misc)
        .filter_map(|(index, span)| surface(lex, readable(span.sentence)?, span, index))
        .filter(|s| !s.words.is_empty() && !lex.not_actors.contains(&s.words.join(" ")))
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    let mut join = |key: String, kind: ActorKind, canonical: Option<String>, member: usize, groups: &mut Vec<Group>| {
        let id = *group_of.entry(key).or_insert_with(|| {
            groups.push(Group { kind, canonical, members: Vec::new(), role: None, merged_into: None });
            groups.len() - 1
        });
        let id = resolve(groups, id);
        groups[id].members.push(member);
        id
    };

    // Places, countries and organisations: the gazetteer first, then the name itself.
    for (i, s) in surfaces.iter().enumerate() {
        let kind = spans[s.span].kind;
        if kind == EntityKind::Person {
            continue;
        }
        match gazetteer_entry(lex, &s.text) {
            Some(entry) => {
                join(format!("gazetteer:{}", entry.name), entry.kind, Some(entry.name.clone()), i, &mut groups);
            }
            None => {
                let kind = if kind == EntityKind::Location { ActorKind::Place } else { ActorKind::Organization };
                join(format!("name:{}", s.words.join(" ")), kind, None, i, &mut groups);
            }
        }
    }
    merge_short_organisation_names(&surfaces, &mut groups);

    // People: full names first, then short forms (the tail of a longer name: "Howard", "von der
    // Leyen") by the full name they end.
    let people: Vec<usize> = (0..surfaces.len()).filter(|&i| spans[surfaces[i].span].kind == EntityKind::Person).collect();
    let is_short_form = |i: usize| surfaces[i].words.len() == 1 || people.iter().any(|&f| ends_name(&surfaces[f].words, &surfaces[i].words));
    let (singles, full): (Vec<usize>, Vec<usize>) = people.iter().partition(|&&i| is_short_form(i));
    let mut person_group: HashMap<String, usize> = HashMap::new();
    for &i in &full {
        let key = surfaces[i].words.join(" ");
        let id = join(format!("person:{key}"), ActorKind::Person, None, i, &mut groups);
        person_group.insert(key, id);
    }
    let gender_of_group = |groups: &[Group], id: usize| -> Option<Gender> {
        groups[id].members.iter().filter_map(|&m| surfaces[m].title.as_deref().and_then(title_gender)).next()
    };
    // A surname used with a gendered title, when one full name owns that surname, tells that
    // person's gender; as for a reader, the first such use in the text decides ("Mr Howard" then
    // "Mrs Howard": the second is someone else).
    let mut told: HashMap<usize, Gender> = HashMap::new();
    let mut by_position = singles.clone();
    by_position.sort_by_key(|&i| surfaces[i].start);
    for &i in &by_position {
        let mut owners: Vec<usize> = full
            .iter()
            .filter(|&&f| ends_name(&surfaces[f].words, &surfaces[i].words))
            .filter_map(|&f| person_group.get(&surfaces[f].words.join(" ")).copied())
            .collect();
        owners.sort_unstable();
        owners.dedup();
        if let ([owner], Some(gender)) = (owners.as_slice(), surfaces[i].title.as_deref().and_then(title_gender)) {
            told.entry(*owner).or_insert(gender);
        }
    }
    let gender = |groups: &[Group], id: usize| -> Option<Gender> { gender_of_group(groups, id).or_else(|| told.get(&id).copied()) };
    for &i in &singles {
        let s = &surfaces[i];
        let wanted = s.title.as_deref().and_then(title_gender);
        // "Sir Anthony", "Dame Judi": a knight or dame is named by title and first name.
        let knighted = matches!(s.title.as_deref().map(|t| t.trim_end_matches('.')), Some("sir" | "dame"));
        let mut owners: Vec<(usize, usize)> = full
            .iter()
            .filter(|&&f| ends_name(&surfaces[f].words, &s.words) || (knighted && surfaces[f].words.first() == s.words.first()))
            .filter_map(|&f| person_group.get(&surfaces[f].words.join(" ")).map(|&g| (f, g)))
            .filter(|&(_, g)| wanted.is_none() || gender(&groups, g).is_none_or(|known| Some(known) == wanted))
            .collect();
        owners.dedup_by_key(|(_, g)| *g);
        // The full name mentioned most recently before this one, else the first one after.
        let before = owners.iter().filter(|&&(f, _)| surfaces[f].start < s.start).max_by_key(|&&(f, _)| surfaces[f].start);
        let chosen = before.or_else(|| owners.iter().min_by_key(|&&(f, _)| surfaces[f].start)).map(|&(_, g)| g);
        let metonym = gazetteer_entry(lex, &s.text).filter(|e| e.kind == ActorKind::Country && s.title.is_none());
        match (chosen, metonym) {
            (Some(g), _) => {
                let g = resolve(&groups, g);
                groups[g].members.push(i);
            }
            // "Yukos claims...", "Gartner said": a one-word name with no full name and no title,
            // described somewhere in the article as an organisation ("oil giant Yukos").
            (None, None) if s.title.is_none() && s.words.len() == 1 && surfaces.iter().any(|o| o.words == s.words && o.described_as_organisation) => {
                join(format!("name:{}", s.words[0]), ActorKind::Organization, None, i, &mut groups);
            }
            // "Washington" tagged as a person, with no full name it could be the surname of.
            (None, Some(entry)) => {
                join(format!("gazetteer:{}", entry.name), entry.kind, Some(entry.name.clone()), i, &mut groups);
            }
            (None, None) => {
                // A surname alone, or a surname whose title rules out every full name: keep the
                // title in the key so "Mrs Howard" stays apart from "Howard".
                let key = match wanted.zip(s.title.as_deref()) {
                    Some((_, title)) if full.iter().any(|&f| ends_name(&surfaces[f].words, &s.words)) => format!("person:{title} {}", s.words.join(" ")),
                    _ => format!("person:{}", s.words.join(" ")),
                };
                join(key, ActorKind::Person, None, i, &mut groups);
            }
        }
    }

    merge_names_mistyped_as_organisations(&surfaces, &mut groups);

    let mut specs = Vec::new();
    let mut mentions = Vec::new();
    let mut order: Vec<(usize, usize)> =
        groups.iter().enumerate().filter_map(|(g, group)| group.members.iter().map(|&m| surfaces[m].start).min().map(|first| (first, g))).collect();
    order.sort_unstable();
    for (_, g) in order {
        let group = &mut groups[g];
        group.role = role(&surfaces, &group.members);
        let name = group.canonical.clone().unwrap_or_else(|| display_name(&surfaces, &group.members, group.kind, group.role.as_deref()));
        let mut aliases: Vec<String> = group.members.iter().map(|&m| surfaces[m].text.clone()).collect();
        aliases.sort();
        aliases.dedup();
        let actor = specs.len();
        for &m in &group.members {
            let s = &surfaces[m];
            mentions.push(Mention { actor, sentence: spans[s.span].sentence, start: s.start, end: s.end, text: s.text.clone(), via: Via::Name });
        }
        specs.push(ActorSpec { name, kind: group.kind, aliases, role: group.role.clone() });
    }
    // Other occurrences of the same surface forms, outside every entity the model found.
    let matcher = Matcher::new(&specs);
    let readable_sentences: Vec<Sentence> = sentences.iter().filter(|s| is_read(s)).cloned().collect();
    for m in find_mentions(&readable_sentences, &matcher) {
        let overlaps = |a: usize, b: usize| m.start < b && a < m.end;
        if !spans.iter().any(|s| overlaps(s.start, s.end)) && !mentions.iter().any(|k| overlaps(k.start, k.end)) {
            mentions.push(m);
        }
    }
    mentions.sort_by_key(|m| (m.start, m.end));
    (specs, mentions)
}

/// Whether the name `short` is the tail of the longer name `full` (lowercase words): "howard" of
/// "michael howard", "von der leyen" of "ursula von der leyen".
fn ends_name(full: &[String], short: &[String]) -> bool {
    full.len() > short.len() && full.ends_with(short)
}

/// Whether actors are read in this sentence: body and bullet sentences, and lines without closing
/// punctuation that carry figures (results tables, "Hove : Sussex 363 ( W. Athey 111 )", "May 17 v
/// Northampton"). Other such lines are titles, section headings ("Key Developments") and teasers
/// for other stories, as for given actors.
fn is_read(sentence: &Sentence) -> bool {
    sentence.kind != SentenceKind::Headline || (sentence.index > 0 && sentence.text.chars().any(|c| c.is_ascii_digit()))
}

/// The text of an entity span within its sentence (None for a span that does not fit it).
fn span_text<'s>(sentences: &'s [Sentence], span: &EntitySpan) -> Option<&'s str> {
    sentences.get(span.sentence).and_then(|s| s.text.get(span.start.checked_sub(s.start)?..span.end.checked_sub(s.start)?))
}

/// An organisation's name that the model stopped one word short of ("InSight Crime, ...": it
/// tagged "InSight" alone) is extended over the next word when that word is capitalised, is not a
/// title, calendar word or another entity, and closes the clause (a comma, full stop, semicolon,
/// colon or bracket follows, or the sentence ends).
fn extend_organisations(lex: &Lexicon, sentences: &[Sentence], mut spans: Vec<EntitySpan>) -> Vec<EntitySpan> {
    let starts: std::collections::HashSet<(usize, usize)> = spans.iter().map(|s| (s.sentence, s.start)).collect();
    for span in spans.iter_mut().filter(|s| s.kind == EntityKind::Organization) {
        let Some(sentence) = sentences.get(span.sentence) else { continue };
        let Some(after) = span.end.checked_sub(sentence.start).and_then(|at| sentence.text.get(at..)) else { continue };
        let Some(rest) = after.strip_prefix(' ') else { continue };
        let word_len = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        let word = &rest[..word_len];
        let mut chars = word.chars();
        let capitalised = chars.next().is_some_and(char::is_uppercase) && word.chars().count() >= 3 && chars.all(char::is_lowercase);
        let closes = rest[word_len..].trim_start_matches(' ').chars().next().is_none_or(|c| matches!(c, ',' | '.' | ';' | ':' | ')'));
        let key = word.to_lowercase();
        let word_start = span.end + 1;
        let known = lex.not_actors.contains(&key) || lex.titles.iter().any(|t| t.len() == 1 && t[0] == key) || starts.contains(&(span.sentence, word_start));
        if capitalised && closes && !known {
            span.end = word_start + word_len;
        }
    }
    spans
}

/// "The Donald Trump administration", "the Maduro government": a name typed as an organisation that
/// is followed by a government word (`src/data/government_words.txt`) is the leader's name, a
/// person, unless the gazetteer knows it or it holds an organisation word.
fn leaders_named_by_their_government(lex: &Lexicon, sentences: &[Sentence], mut spans: Vec<EntitySpan>) -> Vec<EntitySpan> {
    for span in spans.iter_mut().filter(|s| s.kind == EntityKind::Organization) {
        let Some(sentence) = sentences.get(span.sentence) else { continue };
        let Some(after) = span.end.checked_sub(sentence.start).and_then(|at| sentence.text.get(at..)) else { continue };
        let next = after.split_whitespace().next().unwrap_or("").trim_end_matches(|c: char| !c.is_alphanumeric());
        if next.is_empty() || !next.chars().all(char::is_lowercase) || !lex.government_words.contains(next) {
            continue;
        }
        let Some(name) = span_text(sentences, span) else { continue };
        let organisational = tokenize(name).iter().any(|t| lex.organisation_words.contains(&t.key()));
        if gazetteer_entry(lex, name).is_none() && !organisational {
            span.kind = EntityKind::Person;
        }
    }
    spans
}

/// Words that end a company's name after "and" ("Morgan Stanley and Co"): the span is one name.
const NAME_ENDINGS: [&str; 8] = ["co", "co.", "company", "sons", "partners", "inc", "ltd", "associates"];

/// An entity span that joins two names with "and" ("Siemens and Ericsson", "Nortel Networks and
/// Motorola") is cut in two when the article names one side on its own elsewhere, or the gazetteer
/// knows both; a name that holds "and" ("Securities and Exchange Commission", "Trinidad and
/// Tobago") is left whole, since neither side stands alone.
fn split_coordinated(lex: &Lexicon, sentences: &[Sentence], spans: Vec<EntitySpan>) -> Vec<EntitySpan> {
    let text_of = |span: &EntitySpan| span_text(sentences, span);
    let key = |text: &str| fold(text).to_lowercase();
    let alone: std::collections::HashSet<String> = spans.iter().filter_map(&text_of).filter(|t| !t.contains(" and ")).map(key).collect();
    let looks_like_name = |part: &str| part.chars().next().is_some_and(char::is_uppercase) && part.chars().count() >= 2;
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let cut = text_of(&span).and_then(|text| {
            let (left, right) = text.split_once(" and ")?;
            let standalone = |part: &str| alone.contains(&key(part));
            let ok = looks_like_name(left)
                && looks_like_name(right)
                && !right.contains(" and ")
                && !NAME_ENDINGS.contains(&right.to_lowercase().as_str())
                && (standalone(left) || standalone(right) || (gazetteer_entry(lex, left).is_some() && gazetteer_entry(lex, right).is_some()));
            ok.then(|| (left.len(), text.len() - right.len()))
        });
        match cut {
            Some((left_end, right_start)) => {
                out.push(EntitySpan { end: span.start + left_end, ..span });
                out.push(EntitySpan { start: span.start + right_start, ..span });
            }
            None => out.push(span),
        }
    }
    out
}

/// The same name keeps one type through an article (the type the model gave it most often; the
/// model's own on a tie): "Kent" the county side is not a person in one sentence of the report.
fn one_sense_per_article(sentences: &[Sentence], mut spans: Vec<EntitySpan>) -> Vec<EntitySpan> {
    let text_of = |span: &EntitySpan| span_text(sentences, span).map(|t| fold(t).to_lowercase());
    let mut votes: HashMap<String, HashMap<EntityKind, usize>> = HashMap::new();
    for span in spans.iter().filter(|s| s.kind != EntityKind::Misc) {
        if let Some(key) = text_of(span) {
            *votes.entry(key).or_default().entry(span.kind).or_default() += 1;
        }
    }
    for span in spans.iter_mut().filter(|s| s.kind != EntityKind::Misc) {
        let Some(counts) = text_of(span).and_then(|key| votes.get(&key)) else { continue };
        let own = counts.get(&span.kind).copied().unwrap_or(0);
        if let Some((&kind, _)) = counts.iter().filter(|&(_, &n)| n > own).max_by_key(|&(kind, &n)| (n, *kind as u8)) {
            span.kind = kind;
        }
    }
    spans
}

/// Characters a bracketed piece of an entity span needs to be a name of its own ("OSI" has three).
const MIN_BRACKETED_NAME: usize = 3;

/// Entity spans as the model gave them, cut where they hold more than one name: at commas and
/// semicolons ("Iran, China"), at brackets ("Open Society Institute (OSI": the name and its
/// acronym, which then join as one actor), and at hyphens between gazetteer names ("US-Venezuela").
/// A bracketed piece shorter than `MIN_BRACKETED_NAME` characters is dropped unless the gazetteer
/// knows it: in "Proleter (Z)" the letter is a town's initial in a results table, not an actor.
fn split_span(lex: &Lexicon, sentences: &[Sentence], span: &EntitySpan) -> Vec<EntitySpan> {
    let Some(text) = span_text(sentences, span) else {
        return vec![*span];
    };
    let hyphenated = text.contains('-') && gazetteer_entry(lex, text).is_none() && text.split('-').all(|part| gazetteer_entry(lex, part.trim()).is_some());
    // (begin, end, whether the piece follows an opening bracket)
    let mut parts = Vec::new();
    let mut begin = 0;
    let mut bracketed = false;
    for (at, c) in text.char_indices() {
        if matches!(c, ',' | ';' | '(' | ')' | '[' | ']') || (hyphenated && c == '-') {
            parts.push((begin, at, bracketed));
            begin = at + c.len_utf8();
            bracketed = matches!(c, '(' | '[');
        }
    }
    parts.push((begin, text.len(), bracketed));
    parts
        .into_iter()
        .filter_map(|(a, b, bracketed)| {
            let piece = &text[a..b];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            let too_short = bracketed && trimmed.chars().count() < MIN_BRACKETED_NAME && gazetteer_entry(lex, trimmed).is_none();
            (!trimmed.is_empty() && !too_short).then(|| EntitySpan { start: span.start + a + lead, end: span.start + a + lead + trimmed.len(), ..*span })
        })
        .collect()
}

/// An organisation or place that is a person's name in this article ("the Donald Trump
/// administration" tagged as an organisation, "Maduro" as one): the model confused the type, the
/// reader does not.
fn merge_names_mistyped_as_organisations(surfaces: &[Surface], groups: &mut [Group]) {
    let people: Vec<(usize, Vec<String>)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == ActorKind::Person)
        .filter_map(|(i, g)| g.members.iter().map(|&m| &surfaces[m].words).max_by_key(|w| w.len()).map(|w| (i, w.clone())))
        .collect();
    let mut moves = Vec::new();
    for (i, group) in groups.iter().enumerate().filter(|(_, g)| g.canonical.is_none() && matches!(g.kind, ActorKind::Organization | ActorKind::Place)) {
        let Some(&first) = group.members.first() else { continue };
        let words = &surfaces[first].words;
        let owners: Vec<usize> =
            people.iter().filter(|(_, full)| full == words || (words.len() == 1 && full.len() > 1 && full.last() == words.last())).map(|(p, _)| *p).collect();
        if let [owner] = owners.as_slice() {
            moves.push((i, *owner));
        }
    }
    merge_groups(groups, &moves);
}

/// "Pernod" joins "Pernod Ricard", "NHS" joins "National Health Service", "Pacific" joins "Pacific
/// Ocean": a one-word organisation or place joins the one longer name of its kind that it starts or
/// whose initials it is.
fn merge_short_organisation_names(surfaces: &[Surface], groups: &mut [Group]) {
    for kind in [ActorKind::Organization, ActorKind::Place] {
        merge_short_names(surfaces, groups, kind);
    }
}

fn merge_short_names(surfaces: &[Surface], groups: &mut [Group], kind: ActorKind) {
    let names: Vec<(usize, String)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == kind && g.canonical.is_none())
        .filter_map(|(i, g)| g.members.first().map(|&m| (i, surfaces[m].text.clone())))
        .collect();
    let mut moves: Vec<(usize, usize)> = Vec::new();
    for (short, text) in &names {
        if text.split_whitespace().count() != 1 {
            continue;
        }
        let key = fold(text).to_lowercase();
        let targets: Vec<usize> = names
            .iter()
            .filter(|(long, long_text)| long != short && long_text.split_whitespace().count() > 1)
            .filter(|(_, long_text)| {
                let first = long_text.split_whitespace().next().map(|w| fold(w).to_lowercase());
                first.as_deref() == Some(key.as_str()) || (is_acronym(text) && initials(long_text) == key)
            })
            .map(|(long, _)| *long)
            .collect();
        if let [target] = targets.as_slice() {
            moves.push((*short, *target));
        }
    }
    merge_groups(groups, &moves);
}

/// Move the members of group `from` into group `to` for each (from, to). The emptied group stays
/// (as a pointer to where its members went) so that group indices held elsewhere stay valid.
fn merge_groups(groups: &mut [Group], moves: &[(usize, usize)]) {
    for &(from, to) in moves {
        let (from, to) = (resolve(groups, from), resolve(groups, to));
        if from == to {
            continue;
        }
        let members = std::mem::take(&mut groups[from].members);
        groups[to].members.extend(members);
        groups[from].merged_into = Some(to);
    }
}

/// The title used most with a person's names, as the article writes it ("Foreign Secretary").
fn role(surfaces: &[Surface], members: &[usize]) -> Option<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for title in members.iter().filter_map(|&m| surfaces[m].title.as_deref()) {
        // Courtesy titles say little about what a person does.
        if title_gender(title).is_none() {
            *counts.entry(title).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|&(title, n)| (n, title.len())).map(|(title, _)| title.to_owned())
}

/// A group's display name: the longest form (accents kept where the article has them); a person
/// known only by a surname used with a gendered title keeps the title ("Mrs Howard").
fn display_name(surfaces: &[Surface], members: &[usize], kind: ActorKind, _role: Option<&str>) -> String {
    let best =
        members.iter().map(|&m| &surfaces[m]).max_by_key(|s| (s.words.len(), s.text.chars().filter(|c| !c.is_ascii()).count(), std::cmp::Reverse(s.start)));
    let Some(best) = best else { return String::new() };
    if kind == ActorKind::Person && best.words.len() == 1 {
        if let Some(title) = members.iter().filter_map(|&m| surfaces[m].title.as_deref()).find(|t| title_gender(t) == Some(Gender::Female)) {
            let mut chars = title.chars();
            let capitalised: String = chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default();
            return format!("{capitalised} {}", best.text);
        }
    }
    best.text.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment;

    /// Entity spans for the given (surface, kind) pairs, found by text search in order.
    fn spans_for(text: &str, doc: &crate::text::Document, wanted: &[(&str, EntityKind)]) -> Vec<EntitySpan> {
        let mut from = 0;
        let mut out = Vec::new();
        for &(surface, kind) in wanted {
            let start = from + text[from..].find(surface).unwrap_or_else(|| panic!("{surface} not found after {from}"));
            let end = start + surface.len();
            let sentence = doc.sentences.iter().position(|s| s.start <= start && end <= s.end).unwrap_or_else(|| panic!("{surface} crosses sentences"));
            out.push(EntitySpan { sentence, start, end, kind });
            from = end;
        }
        out
    }

    /// The actors and mentions of `text` when the model finds exactly the `wanted` spans.
    fn actors_in(text: &str, wanted: &[(&str, EntityKind)]) -> (Vec<ActorSpec>, Vec<Mention>) {
        let doc = segment(text);
        actors_from_entities(&doc.sentences, &spans_for(text, &doc, wanted))
    }

    #[test]
    fn a_government_named_after_its_leader_is_a_mention_of_the_leader() {
        use EntityKind::*;
        let text = "The Donald Trump administration praised the deal. The Labour government objected. The State Department administration said nothing.";
        let (actors, _) = actors_in(text, &[("Donald Trump", Organization), ("Labour", Organization), ("State Department", Organization)]);
        let kinds: Vec<(&str, ActorKind)> = actors.iter().map(|a| (a.name.as_str(), a.kind)).collect();
        assert!(kinds.contains(&("Donald Trump", ActorKind::Person)), "{kinds:?}");
        assert!(kinds.iter().all(|(name, kind)| *name != "Labour Party" || *kind == ActorKind::Organization), "{kinds:?}");
        assert!(kinds.contains(&("State Department", ActorKind::Organization)), "{kinds:?}");
    }

    #[test]
    fn people_merge_by_surname_and_titles_become_roles() {
        use EntityKind::*;
        let text = "Opposition leader.\n\nForeign Secretary Jack Straw met Michael Howard in London. Mr Howard said the NHS \
                    needed money. Mrs Howard disagreed. Straw said the National Health Service was fine. The Northern Ireland Assembly met.";
        let (actors, mentions) = actors_in(
            text,
            &[
                ("Jack Straw", Person),
                ("Michael Howard", Person),
                ("London", Location),
                ("Howard", Person),
                ("NHS", Organization),
                ("Howard", Person),
                ("Straw", Person),
                ("National Health Service", Organization),
                ("Northern Ireland Assembly", Organization),
            ],
        );
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        // A capital stands for its country (the gazetteer's metonyms); the acronym joins its long form.
        assert_eq!(names, ["Jack Straw", "Michael Howard", "United Kingdom", "National Health Service", "Mrs Howard", "Northern Ireland Assembly"]);
        let straw = &actors[0];
        assert_eq!(straw.role.as_deref(), Some("foreign secretary"));
        let count = |actor: usize| mentions.iter().filter(|m| m.actor == actor).count();
        assert_eq!((count(0), count(1), count(3), count(4)), (2, 2, 2, 1), "{mentions:?}");
        assert_eq!(actors[2].kind, ActorKind::Country);
        assert!(!names.contains(&"Ireland"), "a name inside a longer entity is not a mention of something else");
    }

    #[test]
    fn joined_spans_are_cut_and_mistyped_names_rejoin_their_person() {
        use EntityKind::*;
        let text = "Nicolas Maduro met envoys from Iran, China and Russia. The Maduro camp and US-Venezuela talks went on. Washington said no.";
        let (actors, _) = actors_in(
            text,
            &[
                ("Nicolas Maduro", Person),
                ("Iran, China", Location),
                ("Russia", Location),
                ("Maduro", Organization),
                ("US-Venezuela", Location),
                ("Washington", Person),
            ],
        );
        let got: Vec<(&str, ActorKind)> = actors.iter().map(|a| (a.name.as_str(), a.kind)).collect();
        assert_eq!(
            got,
            [
                ("Nicolas Maduro", ActorKind::Person),
                ("Iran", ActorKind::Country),
                ("China", ActorKind::Country),
                ("Russia", ActorKind::Country),
                ("United States", ActorKind::Country),
                ("Venezuela", ActorKind::Country),
            ]
        );
    }

    #[test]
    fn a_name_and_its_bracketed_acronym_are_one_actor() {
        use EntityKind::*;
        let text = "The Open Society Institute (OSI) has accused officials of closing its office. OSI said it would appeal.";
        // The model's span runs into the bracket, as it did on BBC business/357.
        let (actors, mentions) = actors_in(text, &[("Open Society Institute (OSI", Organization), ("OSI", Organization)]);
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Open Society Institute"]);
        assert_eq!(mentions.len(), 3, "{mentions:?}");

        let text = "Proleter (Z) beat Rad (B) 2-1 on Sunday.";
        let (actors, _) = actors_in(text, &[("Proleter (Z", Organization), ("Rad (B", Organization)]);
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Proleter", "Rad"], "a bracketed initial is not an actor");
    }

    #[test]
    fn two_names_joined_by_and_are_two_actors_when_one_stands_alone() {
        use EntityKind::*;
        let text = "Siemens and Ericsson showed faster networks. Siemens said so. The Securities and Exchange Commission and Morgan Stanley and Co declined to comment.";
        let (actors, _) = actors_in(
            text,
            &[
                ("Siemens and Ericsson", Organization),
                ("Siemens", Organization),
                ("Securities and Exchange Commission", Organization),
                ("Morgan Stanley and Co", Organization),
            ],
        );
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Siemens", "Ericsson", "Securities and Exchange Commission", "Morgan Stanley and Co"]);
    }

    #[test]
    fn a_surname_with_particles_joins_the_full_name_it_ends() {
        use EntityKind::*;
        let text = "Ursula von der Leyen met Mohammed bin Salman and Kim Jong Un. Von der Leyen said talks went well. \
                    Later, bin Salman agreed. Jong Un did not.";
        let (actors, mentions) = actors_in(
            text,
            &[
                ("Ursula von der Leyen", Person),
                ("Mohammed bin Salman", Person),
                ("Kim Jong Un", Person),
                ("Von der Leyen", Person),
                ("bin Salman", Person),
                ("Jong Un", Person),
            ],
        );
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Ursula von der Leyen", "Mohammed bin Salman", "Kim Jong Un"]);
        let count = |actor: usize| mentions.iter().filter(|m| m.actor == actor).count();
        assert_eq!((count(0), count(1), count(2)), (2, 2, 2), "{mentions:?}");
    }

    #[test]
    fn a_one_word_name_described_as_an_organisation_is_one_whatever_its_type() {
        use EntityKind::*;
        let text = "A judge ruled against Russian oil giant Yukos. Yukos said it would appeal. Gartner said sales rose, \
                    according to analyst Brown. Brown said so. Technology analysts Gartner agreed.";
        // The model types each one-word name as a person; "analyst" (singular) describes a person.
        let (actors, mentions) =
            actors_in(text, &[("Yukos", Person), ("Yukos", Organization), ("Gartner", Person), ("Brown", Person), ("Brown", Person), ("Gartner", Person)]);
        let kinds: Vec<(&str, ActorKind)> = actors.iter().map(|a| (a.name.as_str(), a.kind)).collect();
        assert_eq!(kinds, [("Yukos", ActorKind::Organization), ("Gartner", ActorKind::Organization), ("Brown", ActorKind::Person)]);
        let count = |actor: usize| mentions.iter().filter(|m| m.actor == actor).count();
        assert_eq!((count(0), count(1), count(2)), (2, 2, 2), "{mentions:?}");
    }

    #[test]
    fn names_joined_after_a_merge_reach_their_own_actor() {
        use EntityKind::*;
        // "Pernod" joins "Pernod Ricard" first; "Washington" (typed a person) then joins the United
        // States, and "Yukos" (described as an organisation) its own group: neither may land in
        // whichever group took the merged group's place.
        let text = "Pernod rose. Pernod Ricard is French. The US agreed. Acme Corp said no. Oil giant Yukos fell. \
                    Washington said yes. Yukos said no.";
        let (actors, mentions) = actors_in(
            text,
            &[
                ("Pernod", Organization),
                ("Pernod Ricard", Organization),
                ("US", Location),
                ("Acme Corp", Organization),
                ("Yukos", Organization),
                ("Washington", Person),
                ("Yukos", Person),
            ],
        );
        let texts = |name: &str| -> Vec<&str> {
            let actor = actors.iter().position(|a| a.name == name).unwrap_or_else(|| panic!("{name} missing: {actors:?}"));
            mentions.iter().filter(|m| m.actor == actor).map(|m| m.text.as_str()).collect()
        };
        assert_eq!(texts("Pernod Ricard"), ["Pernod", "Pernod Ricard"]);
        assert_eq!(texts("United States"), ["US", "Washington"]);
        assert_eq!(texts("Acme Corp"), ["Acme Corp"]);
        assert_eq!(texts("Yukos"), ["Yukos", "Yukos"]);
        assert_eq!(actors.len(), 4, "{actors:?}");
    }

    #[test]
    fn a_knight_named_by_title_and_first_name_is_the_full_name() {
        use EntityKind::*;
        let text = "Sir Anthony O'Reilly chairs the group. Sir Anthony said the deal was good. Anthony Smith disagreed.";
        // The model leaves the honorific out of the span; it is read as the title before the name.
        let (actors, mentions) = actors_in(text, &[("Anthony O'Reilly", Person), ("Anthony", Person), ("Anthony Smith", Person)]);
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["Anthony O'Reilly", "Anthony Smith"]);
        assert_eq!(mentions.iter().filter(|m| m.actor == 0).count(), 2, "{mentions:?}");
    }

    #[test]
    fn an_organisation_cut_one_word_short_is_extended_to_the_end_of_its_clause() {
        use EntityKind::*;
        let text = "In an interview with InSight Crime, Rodriguez spoke. He told the Miami Herald Tuesday, that it was over. Apple Computer said no.";
        let (actors, _) = actors_in(text, &[("InSight", Organization), ("Rodriguez", Person), ("Miami Herald", Organization), ("Apple", Organization)]);
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        // "Tuesday" is a calendar word; "Computer said" does not close a clause.
        assert_eq!(names, ["InSight Crime", "Rodriguez", "Miami Herald", "Apple"]);
    }

    #[test]
    fn a_place_outside_the_gazetteer_is_a_place() {
        use EntityKind::*;
        let text = "Protesters gathered in Springfield on Monday.";
        let (actors, _) = actors_in(text, &[("Springfield", Location)]);
        assert_eq!((actors[0].name.as_str(), actors[0].kind), ("Springfield", ActorKind::Place));
    }

    #[test]
    fn gazetteer_canonicalises_and_misc_is_not_an_actor() {
        use EntityKind::*;
        let text = "Washington and the US pressed Venezuelan officials. The U.S. embassy said the Olympics go on.";
        let (actors, mentions) = actors_in(text, &[("Washington", Location), ("US", Location), ("Venezuelan", Misc), ("U.S.", Location), ("Olympics", Misc)]);
        assert_eq!(actors.len(), 1, "{actors:?}");
        assert_eq!((actors[0].name.as_str(), actors[0].kind), ("United States", ActorKind::Country));
        assert_eq!(mentions.len(), 3);
    }

    #[test]
    fn a_missed_occurrence_of_a_known_name_is_still_a_mention() {
        use EntityKind::*;
        let text = "Marco Rubio spoke on Monday. Later Rubio left.";
        let (actors, mentions) = actors_in(text, &[("Marco Rubio", Person)]);
        assert_eq!(actors.len(), 1);
        assert_eq!(mentions.len(), 1, "only surface forms the model tagged are swept: {mentions:?}");
        let (_, mentions) = actors_in(text, &[("Marco Rubio", Person), ("Rubio", Person)]);
        assert_eq!(mentions.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), ["Marco Rubio", "Rubio"]);
    }
}
