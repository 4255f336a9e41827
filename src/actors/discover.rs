//! Discover actors without an NER model: the gazetteer (countries, capitals, demonyms,
//! organisations) plus capitalised name spans, cleaned of titles and sentence starters and merged
//! by surname.
//!
//! What counts as a person: a capitalised span of two or more words that is introduced by a title
//! ("Secretary of State Marco Rubio", "opposition leader María Corina Machado"), or whose surname is
//! later used alone ("Rubio said"), or that recurs. One-word spans only count with a title
//! ("Mr. Smith"): alone they are too often sentence starters, places or products. A span with an
//! organisation word ("National Assembly", "State Department") is an organisation. Headlines are
//! not read (teasers and section titles: "Key Developments", "Why It Matters").

use std::collections::{HashMap, HashSet};

use super::lexicon::{lexicon, Lexicon};
use super::matcher::Matcher;
use super::tokens::{tokenize, Token};
use super::{ActorKind, ActorSpec};
use crate::text::{Sentence, SentenceKind};

/// Lower-case words that may sit inside a name ("Tren de Aragua", "Bank of America").
const NAME_CONNECTORS: &[&str] = &["de", "del", "la", "da", "dos", "das", "of", "y", "van", "von", "bin", "al"];

#[derive(Debug, Clone)]
struct Candidate {
    /// Surface text as written.
    text: String,
    /// Folded, lower-cased words.
    words: Vec<String>,
    titled: bool,
    organisation: bool,
}

fn starts_with_title(lex: &Lexicon, keys: &[String]) -> usize {
    lex.titles.iter().find(|t| t.len() <= keys.len() && keys[..t.len()] == t[..]).map_or(0, Vec::len)
}

fn ends_with_title(lex: &Lexicon, keys: &[String]) -> bool {
    lex.titles.iter().any(|t| t.len() <= keys.len() && keys[keys.len() - t.len()..] == t[..])
}

/// A capitalised word that is really an ordinary word: a stopword, a calendar word, or a word the
/// article also writes in lower case (sentence starters such as "Speaking", "Despite").
fn is_common_word(lex: &Lexicon, token: &Token<'_>, lowercase_vocabulary: &HashSet<String>) -> bool {
    let key = token.key();
    let bare = key.trim_end_matches('.');
    lex.stopwords.contains(bare) || lex.not_actors.contains(bare) || (lowercase_vocabulary.contains(bare) && !token.is_all_caps())
}

fn name_spans(tokens: &[Token<'_>], taken: &[bool]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if taken[i] || !tokens[i].is_capitalised() {
            i += 1;
            continue;
        }
        let begin = i;
        let mut end = i + 1;
        loop {
            let last = end - 1;
            if !tokens[last].joined_to_next || end >= tokens.len() || taken[end] {
                break;
            }
            if tokens[end].is_capitalised() {
                end += 1;
            } else if NAME_CONNECTORS.contains(&tokens[end].text)
                && tokens[end].joined_to_next
                && end + 1 < tokens.len()
                && !taken[end + 1]
                && tokens[end + 1].is_capitalised()
            {
                end += 2;
            } else {
                break;
            }
        }
        spans.push((begin, end));
        i = end;
    }
    spans
}

fn candidates_in(
    sentence: &Sentence,
    lex: &Lexicon,
    gazetteer: &Matcher,
    lowercase_vocabulary: &HashSet<String>,
    hits: &mut HashMap<usize, usize>,
) -> Vec<Candidate> {
    let tokens = tokenize(&sentence.text);
    let mut taken = vec![false; tokens.len()];
    for (entry, first, count) in gazetteer.match_tokens(&tokens) {
        *hits.entry(entry).or_insert(0) += 1;
        taken[first..first + count].iter_mut().for_each(|t| *t = true);
    }
    let keys: Vec<String> = tokens.iter().map(Token::key).collect();
    let mut found = Vec::new();
    for (mut begin, mut end) in name_spans(&tokens, &taken) {
        let mut titled = ends_with_title(lex, &keys[begin.saturating_sub(3)..begin]);
        loop {
            let title = starts_with_title(lex, &keys[begin..end]);
            if title > 0 {
                titled = true;
                begin += title;
            } else if begin < end && (is_common_word(lex, &tokens[begin], lowercase_vocabulary) || NAME_CONNECTORS.contains(&tokens[begin].text)) {
                begin += 1;
            } else {
                break;
            }
        }
        while end > begin && (is_common_word(lex, &tokens[end - 1], lowercase_vocabulary) || NAME_CONNECTORS.contains(&tokens[end - 1].text)) {
            end -= 1;
        }
        if begin >= end || tokens[begin..end].iter().any(|t| t.text.chars().all(|c| c.is_numeric())) {
            continue;
        }
        let words: Vec<String> = keys[begin..end].iter().map(|k| k.trim_end_matches('.').to_owned()).collect();
        if lex.not_actors.contains(&words.join(" ")) {
            continue;
        }
        let organisation = words.iter().any(|w| lex.organisation_words.contains(w));
        found.push(Candidate { text: sentence.text[tokens[begin].start..tokens[end - 1].end].to_owned(), words, titled, organisation });
    }
    found
}

/// The form to show for a person: the most frequent; on a tie the one with accents (writers who
/// drop them are usually fighting their keyboard), then the longest.
fn display_form(forms: &HashMap<String, usize>) -> String {
    forms
        .iter()
        .max_by_key(|(form, count)| (**count, form.chars().filter(|c| !c.is_ascii()).count(), form.len(), std::cmp::Reverse((*form).clone())))
        .map(|(form, _)| form.clone())
        .unwrap_or_default()
}

/// Actors named in a document, most mentioned first, each with the aliases to match.
pub fn discover(sentences: &[Sentence]) -> Vec<ActorSpec> {
    let lex = lexicon();
    let readable: Vec<&Sentence> = sentences.iter().filter(|s| s.kind != SentenceKind::Headline).collect();
    let lowercase_vocabulary: HashSet<String> = readable
        .iter()
        .flat_map(|s| tokenize(&s.text).into_iter().filter(|t| t.text.chars().next().is_some_and(char::is_lowercase)).map(|t| t.key()).collect::<Vec<_>>())
        .collect();
    let gazetteer_specs: Vec<ActorSpec> =
        lex.gazetteer.iter().map(|e| ActorSpec { name: e.name.clone(), kind: e.kind, aliases: e.aliases.clone(), role: None }).collect();
    let gazetteer = Matcher::new(&gazetteer_specs);
    let mut hits: HashMap<usize, usize> = HashMap::new();
    let candidates: Vec<Candidate> = readable.iter().flat_map(|s| candidates_in(s, lex, &gazetteer, &lowercase_vocabulary, &mut hits)).collect();

    // Words used alone somewhere (single-word candidates): surnames in later references.
    let single_words: HashSet<&str> = candidates.iter().filter(|c| c.words.len() == 1).map(|c| c.words[0].as_str()).collect();

    // Group multi-word names by their folded words.
    struct Group {
        forms: HashMap<String, usize>,
        words: Vec<String>,
        count: usize,
        titled: bool,
        organisation: bool,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut by_words: HashMap<Vec<String>, usize> = HashMap::new();
    for c in &candidates {
        let index = *by_words.entry(c.words.clone()).or_insert_with(|| {
            groups.push(Group { forms: HashMap::new(), words: c.words.clone(), count: 0, titled: false, organisation: c.organisation });
            groups.len() - 1
        });
        let group = &mut groups[index];
        *group.forms.entry(c.text.clone()).or_insert(0) += 1;
        group.count += 1;
        group.titled |= c.titled;
    }

    // A shorter person name whose words all appear, in order, in a longer one with the same
    // surname is the same person ("Maria Machado" in "María Corina Machado"): fold it in.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(groups[g].words.len()));
    let mut merged_into: Vec<Option<usize>> = vec![None; groups.len()];
    for (position, &small) in order.iter().enumerate() {
        if groups[small].organisation || groups[small].words.len() < 2 {
            continue;
        }
        let into = order[..position].iter().copied().find(|&big| {
            merged_into[big].is_none()
                && !groups[big].organisation
                && groups[big].words.last() == groups[small].words.last()
                && is_subsequence(&groups[small].words, &groups[big].words)
        });
        merged_into[small] = into;
    }
    for small in 0..groups.len() {
        if let Some(big) = merged_into[small] {
            let moved: Vec<(String, usize)> = groups[small].forms.drain().collect();
            let (count, titled) = (groups[small].count, groups[small].titled);
            let target = &mut groups[big];
            for (form, n) in moved {
                *target.forms.entry(form).or_insert(0) += n;
            }
            target.count += count;
            target.titled |= titled;
        }
    }

    let mut actors: Vec<(usize, ActorSpec)> = Vec::new();
    let mut surname_owner: HashMap<String, (usize, usize)> = HashMap::new(); // surname → (actor, count)
    for (g, group) in groups.iter().enumerate() {
        if merged_into[g].is_some() {
            continue;
        }
        let multi = group.words.len() >= 2;
        let surname = group.words.last().cloned().unwrap_or_default();
        let keep = if group.organisation {
            multi || group.count >= 2
        } else if multi {
            group.titled || group.count >= 2 || single_words.contains(surname.as_str())
        } else {
            group.titled
        };
        if !keep {
            continue;
        }
        let kind = if group.organisation { ActorKind::Organization } else { ActorKind::Person };
        let mut aliases: Vec<String> = group.forms.keys().cloned().collect();
        aliases.sort();
        if kind == ActorKind::Person && multi {
            let entry = surname_owner.entry(surname).or_insert((actors.len(), 0));
            if group.count > entry.1 {
                *entry = (actors.len(), group.count);
            }
        }
        actors.push((group.count, ActorSpec { name: display_form(&group.forms), kind, aliases, role: None }));
    }
    // A bare surname refers to the most mentioned person who carries it.
    for (surname, (owner, _)) in surname_owner {
        let form = capitalised_surname(&actors[owner].1, &surname);
        if let Some(form) = form {
            if !actors[owner].1.aliases.contains(&form) {
                actors[owner].1.aliases.push(form);
            }
        }
    }
    // Single-word titled names that are a known surname belong to that person.
    let persons_by_surname: HashMap<String, usize> = actors
        .iter()
        .enumerate()
        .filter(|(_, (_, a))| a.kind == ActorKind::Person && a.name.split_whitespace().count() > 1)
        .map(|(i, (_, a))| (super::tokens::fold(a.name.split_whitespace().last().unwrap_or("")).to_lowercase(), i))
        .collect();
    let mut absorbed = vec![false; actors.len()];
    for i in 0..actors.len() {
        let spec = &actors[i].1;
        if spec.kind == ActorKind::Person && spec.name.split_whitespace().count() == 1 {
            if let Some(&owner) = persons_by_surname.get(&super::tokens::fold(&spec.name).to_lowercase()) {
                absorbed[i] = owner != i;
            }
        }
    }

    let mut out: Vec<(usize, ActorSpec)> = actors.into_iter().zip(absorbed).filter(|(_, gone)| !gone).map(|(a, _)| a).collect();
    for (entry, count) in hits {
        let e = &lex.gazetteer[entry];
        out.push((count, ActorSpec { name: e.name.clone(), kind: e.kind, aliases: e.aliases.clone(), role: None }));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    out.into_iter().map(|(_, spec)| spec).collect()
}

fn is_subsequence(small: &[String], big: &[String]) -> bool {
    let mut rest = big.iter();
    small.iter().all(|w| rest.any(|b| b == w))
}

/// The surname as written in the actor's own forms ("Rodríguez", not "rodriguez").
fn capitalised_surname(spec: &ActorSpec, surname: &str) -> Option<String> {
    spec.aliases.iter().chain(std::iter::once(&spec.name)).find_map(|form| {
        let last = form.split_whitespace().last()?;
        (super::tokens::fold(last).to_lowercase().trim_end_matches('.') == surname).then(|| last.to_owned())
    })
}
