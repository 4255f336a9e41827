//! Actor discovery and matching on the seed articles (no models needed).

use _native::text::segment;
use _native::{discover, find_mentions, ActorKind, Matcher};

fn seed(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn actors_of(name: &str) -> Vec<(String, ActorKind, Vec<String>)> {
    let text = seed(name);
    let doc = segment(&text);
    let actors = discover(&doc.sentences);
    let mentions = find_mentions(&doc.sentences, &Matcher::new(&actors));
    for m in &mentions {
        assert_eq!(&text[m.start..m.end], m.text, "mention offsets must slice the text");
    }
    actors.iter().enumerate().map(|(i, a)| (a.name.clone(), a.kind, mentions.iter().filter(|m| m.actor == i).map(|m| m.text.clone()).collect())).collect()
}

fn find<'a>(actors: &'a [(String, ActorKind, Vec<String>)], name: &str) -> &'a (String, ActorKind, Vec<String>) {
    actors.iter().find(|a| a.0 == name).unwrap_or_else(|| panic!("{name} not found in {:?}", actors.iter().map(|a| &a.0).collect::<Vec<_>>()))
}

#[test]
fn people_are_merged_by_surname_and_titles_are_stripped() {
    let actors = actors_of("000_1c1e0acb47fc644c.txt");
    let rubio = find(&actors, "Marco Rubio");
    assert_eq!(rubio.1, ActorKind::Person);
    assert!(rubio.2.contains(&"Rubio".to_owned()) && rubio.2.contains(&"Marco Rubio".to_owned()), "{:?}", rubio.2);
    let rodriguez = find(&actors, "Delcy Rodríguez");
    assert!(rodriguez.2.contains(&"Rodríguez".to_owned()));
    assert!(!actors.iter().any(|a| a.0.contains("Secretary") || a.0.starts_with("US ")), "titles and countries are not part of names");
}

#[test]
fn gazetteer_maps_capitals_demonyms_and_short_forms() {
    let actors = actors_of("002_9de3c3074fccd660.txt");
    let us = find(&actors, "United States");
    assert!(us.2.contains(&"Washington".to_owned()) && us.2.contains(&"US".to_owned()));
    assert_eq!(us.1, ActorKind::Country);
    for (name, form) in [("Venezuela", "Caracas"), ("Iran", "Iranian"), ("China", "Chinese"), ("Russia", "Russian")] {
        assert!(find(&actors, name).2.contains(&form.to_owned()), "{name} via {form}");
    }
    let machado = find(&actors, "María Corina Machado");
    assert!(machado.2.contains(&"Machado".to_owned()));
}

#[test]
fn accents_fold_and_datelines_match() {
    let actors = actors_of("001_c9976f1908a870ae.txt");
    assert!(find(&actors, "Venezuela").2.contains(&"CARACAS".to_owned()), "dateline in capitals");
    let maduro = find(&actors, "Nicolás Maduro");
    assert!(maduro.2.len() >= 5);
    let headings = ["Why It Matters", "Key Developments", "Full Report", "Context", "Previous Events"];
    assert!(!actors.iter().any(|a| headings.iter().any(|h| a.0.contains(h))), "{:?}", actors.iter().map(|a| &a.0).collect::<Vec<_>>());
}

#[test]
fn sentence_starters_months_and_lone_capitalised_words_are_not_actors() {
    let text = "Speaking on Monday, Ana Lopez said the Caribbean was calm. Despite that, Lopez left. January was cold.";
    let doc = segment(text);
    let names: Vec<String> = discover(&doc.sentences).into_iter().map(|a| a.name).collect();
    assert_eq!(names, vec!["Ana Lopez".to_owned()]);
}
