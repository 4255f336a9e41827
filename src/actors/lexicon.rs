//! The word lists behind actor discovery, compiled in from `src/data/` (data, not code: extend
//! the files to teach presslens new countries, organisations and titles).

use std::collections::HashSet;
use std::sync::OnceLock;

use super::tokens::{fold, tokenize};
use super::ActorKind;

const GAZETTEER: &str = include_str!("../data/gazetteer.tsv");
const TITLES: &str = include_str!("../data/titles.txt");
const NOT_ACTORS: &str = include_str!("../data/not_actors.txt");
const ORGANISATION_WORDS: &str = include_str!("../data/organisation_words.txt");
const ORGANISATION_DESCRIPTORS: &str = include_str!("../data/organisation_descriptors.txt");
const STOPWORDS: &str = include_str!("../data/stopwords_en.txt");
const GEOGRAPHIC_FEATURES: &str = include_str!("../data/geographic_features.txt");
const GOVERNMENT_WORDS: &str = include_str!("../data/government_words.txt");

#[derive(Debug, Clone)]
pub struct GazetteerEntry {
    pub name: String,
    pub kind: ActorKind,
    /// Every surface form, the canonical name included.
    pub aliases: Vec<String>,
}

pub struct Lexicon {
    pub gazetteer: Vec<GazetteerEntry>,
    /// Titles as lower-cased, folded token sequences, longest first.
    pub titles: Vec<Vec<String>>,
    pub not_actors: HashSet<String>,
    pub organisation_words: HashSet<String>,
    /// Nouns that describe the one-word name right after them as an organisation ("oil giant Yukos").
    pub organisation_descriptors: HashSet<String>,
    pub stopwords: HashSet<String>,
    /// Words that make a longer name of the same place ("Sea" in "Caribbean Sea"), lower-cased.
    pub geographic_features: HashSet<String>,
    /// Words after a name that make it the name of the leader a government is called after.
    pub government_words: HashSet<String>,
}

fn lines(data: &'static str) -> impl Iterator<Item = &'static str> {
    data.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn token_keys(text: &str) -> Vec<String> {
    tokenize(text).iter().map(|t| t.key()).collect()
}

pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let gazetteer: Vec<GazetteerEntry> = lines(GAZETTEER)
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let name = fields.next()?.trim().to_owned();
                let kind = ActorKind::parse(fields.next()?.trim());
                let mut aliases = vec![name.clone()];
                aliases.extend(fields.next().unwrap_or("").split('|').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned));
                Some(GazetteerEntry { name, kind, aliases })
            })
            .collect();
        let mut titles: Vec<Vec<String>> = lines(TITLES).map(token_keys).filter(|t| !t.is_empty()).collect();
        titles.sort_by_key(|t| std::cmp::Reverse(t.len()));
        titles.dedup();
        Lexicon {
            gazetteer,
            titles,
            not_actors: lines(NOT_ACTORS).map(|l| fold(l).to_lowercase().trim_end_matches('.').to_owned()).collect(),
            organisation_words: lines(ORGANISATION_WORDS).map(|l| l.to_lowercase().trim_end_matches('.').to_owned()).collect(),
            organisation_descriptors: lines(ORGANISATION_DESCRIPTORS).map(str::to_lowercase).collect(),
            stopwords: lines(STOPWORDS).map(str::to_owned).collect(),
            geographic_features: lines(GEOGRAPHIC_FEATURES).map(str::to_lowercase).collect(),
            government_words: lines(GOVERNMENT_WORDS).map(str::to_lowercase).collect(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_files_parse() {
        let lex = lexicon();
        let us = lex.gazetteer.iter().find(|e| e.name == "United States").map(|e| e.aliases.clone()).unwrap_or_default();
        assert!(us.contains(&"Washington".to_owned()) && us.contains(&"U.S.".to_owned()));
        assert!(lex.gazetteer.iter().any(|e| e.name == "Venezuela" && e.aliases.contains(&"Caracas".to_owned())));
        assert!(lex.titles.windows(2).all(|w| w[0].len() >= w[1].len()), "longest titles first");
        assert!(lex.not_actors.contains("january") && lex.organisation_words.contains("department"));
        assert!(lex.organisation_descriptors.contains("firm") && !lex.organisation_descriptors.contains("analyst"));
    }
}
