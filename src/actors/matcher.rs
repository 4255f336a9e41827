//! Find every mention of a set of actors: aliases as token sequences, longest match first.

use std::collections::HashMap;

use super::tokens::{tokenize, Token};
use super::{ActorSpec, Mention, Via};
use crate::text::{Sentence, SentenceKind};

struct Pattern {
    /// Accent-folded tokens, case kept.
    tokens: Vec<String>,
    actor: usize,
}

/// Aliases compiled for matching, indexed by their first token (folded, lower-cased).
pub struct Matcher {
    by_first_token: HashMap<String, Vec<Pattern>>,
}

/// Does a sentence token stand for a pattern token? Same folded form; or the sentence writes it in
/// capitals (datelines: "CARACAS"); or the alias word is lower case and the sentence capitalises
/// it (sentence start: "Administration officials").
fn token_matches(pattern: &str, token: &Token<'_>) -> bool {
    if pattern == token.folded {
        return true;
    }
    let same_letters = pattern.to_lowercase() == token.folded.to_lowercase();
    let pattern_lower = !pattern.chars().any(char::is_uppercase);
    same_letters && ((token.is_all_caps() && token.text.chars().count() > 1 && !pattern.chars().all(|c| c.is_uppercase() || c == '.')) || pattern_lower)
}

impl Matcher {
    pub fn new(actors: &[ActorSpec]) -> Self {
        let mut by_first_token: HashMap<String, Vec<Pattern>> = HashMap::new();
        for (actor, spec) in actors.iter().enumerate() {
            let mut forms: Vec<&str> = vec![spec.name.as_str()];
            forms.extend(spec.aliases.iter().map(String::as_str));
            for form in forms {
                let tokens: Vec<String> = tokenize(form).into_iter().map(|t| t.folded).collect();
                let Some(first) = tokens.first() else { continue };
                let key = first.to_lowercase();
                let list = by_first_token.entry(key).or_default();
                if !list.iter().any(|p| p.tokens == tokens) {
                    list.push(Pattern { tokens, actor });
                }
            }
        }
        for list in by_first_token.values_mut() {
            list.sort_by_key(|p| std::cmp::Reverse(p.tokens.len()));
        }
        Self { by_first_token }
    }

    /// Mentions in one sentence, as (actor, first token, token count), left to right, not overlapping.
    pub fn match_tokens(&self, tokens: &[Token<'_>]) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let hit = self.by_first_token.get(&tokens[i].key()).and_then(|patterns| {
                patterns.iter().find(|p| {
                    let n = p.tokens.len();
                    i + n <= tokens.len()
                        && p.tokens.iter().zip(&tokens[i..i + n]).all(|(want, got)| token_matches(want, got))
                        && tokens[i..i + n - 1].iter().all(|t| t.joined_to_next)
                })
            });
            match hit {
                Some(pattern) => {
                    found.push((pattern.actor, i, pattern.tokens.len()));
                    i += pattern.tokens.len();
                }
                None => i += 1,
            }
        }
        found
    }
}

/// Every mention of `actors` in the body and bullet sentences of a document, in text order.
pub fn find_mentions(sentences: &[Sentence], matcher: &Matcher) -> Vec<Mention> {
    let mut mentions = Vec::new();
    for sentence in sentences.iter().filter(|s| s.kind != SentenceKind::Headline) {
        let tokens = tokenize(&sentence.text);
        for (actor, first, count) in matcher.match_tokens(&tokens) {
            let (start, end) = (tokens[first].start, tokens[first + count - 1].end);
            mentions.push(Mention {
                actor,
                sentence: sentence.index,
                start: sentence.start + start,
                end: sentence.start + end,
                text: sentence.text[start..end].to_owned(),
                via: Via::Name,
            });
        }
    }
    mentions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::segment;

    #[test]
    fn whole_word_case_aware_accent_blind_longest_first() {
        let actors = vec![
            ActorSpec::given("United States", ["US", "U.S.", "Trump administration"]),
            ActorSpec::given("Delcy Rodríguez", ["Rodríguez"]),
            ActorSpec::given("Donald Trump", ["Trump"]),
        ];
        let text = "The Trump administration told us that the US and Rodriguez agree. Trump, not USA, spoke.";
        let doc = segment(text);
        let mentions = find_mentions(&doc.sentences, &Matcher::new(&actors));
        let got: Vec<(&str, usize)> = mentions.iter().map(|m| (&text[m.start..m.end], m.actor)).collect();
        assert_eq!(got, vec![("Trump administration", 0), ("US", 0), ("Rodriguez", 1), ("Trump", 2)]);
    }
}
