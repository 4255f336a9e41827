//! Actors: who is in the story. Given actors (name → aliases) or discovered ones, and every
//! mention of each with byte offsets.
//!
//! Matching is whole-word on tokens, case-aware ("US" is not "us") and accent-blind
//! ("Rodriguez" = "Rodríguez"). Headlines are not searched: in scraped news they are as often
//! teasers for other stories as the story's own title.

mod discover;
mod entities;
pub(crate) mod lexicon;
mod matcher;
pub mod ner;
pub mod references;
pub mod tokens;

use serde::Serialize;

pub use discover::discover;
pub use entities::{actors_from_entities, EntitySpan};
pub use matcher::{find_mentions, Matcher};
pub use references::{Quote, References};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    Person,
    Country,
    Organization,
    /// A city, region or other place that is not a country.
    Place,
    /// Passed in by the user: presslens does not guess what it is.
    Given,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Person => "person",
            ActorKind::Country => "country",
            ActorKind::Organization => "organization",
            ActorKind::Place => "place",
            ActorKind::Given => "given",
        }
    }

    /// A kind name as [`ActorKind::as_str`] writes it; anything else is a given actor.
    pub fn parse(text: &str) -> Self {
        match text {
            "person" => ActorKind::Person,
            "country" => ActorKind::Country,
            "organization" | "organisation" => ActorKind::Organization,
            "place" => ActorKind::Place,
            _ => ActorKind::Given,
        }
    }
}

/// An actor to look for: its display name and the surface forms that refer to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorSpec {
    pub name: String,
    pub kind: ActorKind,
    /// Surface forms; the name itself always counts as one.
    pub aliases: Vec<String>,
    /// What the article calls the actor besides its name ("foreign secretary"), when it says.
    pub role: Option<String>,
}

impl ActorSpec {
    pub fn given(name: impl Into<String>, aliases: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self { name: name.into(), kind: ActorKind::Given, aliases: aliases.into_iter().map(Into::into).collect(), role: None }
    }
}

/// One mention of an actor in a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Index into the actor list the matcher was built from.
    pub actor: usize,
    /// Index of the sentence in the document.
    pub sentence: usize,
    /// Byte offsets into the original document text.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// How the mention refers to the actor.
    pub via: Via,
}

/// How a mention refers to its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// Its name or one of its aliases ("Rubio", "the US").
    Name,
    /// A pronoun (he, its, it; I/we inside its own quotation).
    Pronoun,
    /// A description standing for it ("the minister", "the company").
    Description,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Name => "name",
            Via::Pronoun => "pronoun",
            Via::Description => "description",
        }
    }

    /// A `via` as [`Via::as_str`] writes it.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "name" => Some(Via::Name),
            "pronoun" => Some(Via::Pronoun),
            "description" => Some(Via::Description),
            _ => None,
        }
    }
}
