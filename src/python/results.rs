//! The result types users see (`presslens.Sentence`, `presslens.Analysis`, ...): frozen pyclasses
//! with public attributes, built here from the core's structs. Offsets are code points (Python
//! `str` indices); article ids are whatever Python object the caller passed.
//!
//! Every class comes from one macro, so each gets the same keyword constructor (which checks the
//! items of list fields and that offsets do not run backwards, so a hand-built result fails where
//! it is built, not later with an AttributeError), `__reduce__`
//! (results pickle: Dask and multiprocessing send them between processes), value equality and a
//! dataclass-style `__repr__`. What is Python's stays in Python and is called from here: the pandas
//! frames (`presslens.analysis`).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple, PyType};
use pyo3::IntoPyObjectExt;

fn is_nan(value: &Bound<'_, PyAny>) -> bool {
    value.cast::<pyo3::types::PyFloat>().is_ok_and(|f| f.value().is_nan())
}

/// Field-by-field equality in which NaN equals NaN: an unscored mention (all NaN) equals itself
/// and its pickled copy, as a result object should.
fn fields_equal(a: &Bound<'_, PyTuple>, b: &Bound<'_, PyTuple>) -> PyResult<bool> {
    if a.len() != b.len() {
        return Ok(false);
    }
    for (x, y) in a.iter().zip(b.iter()) {
        let both_nan = is_nan(&x) && is_nan(&y);
        if !both_nan && !x.eq(&y)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The fields with NaN replaced by None, so that equal objects (NaN equal to NaN) hash alike.
fn hashable_fields<'py>(fields: &Bound<'py, PyTuple>) -> PyResult<Bound<'py, PyTuple>> {
    let py = fields.py();
    PyTuple::new(py, fields.iter().map(|f| if is_nan(&f) { py.None().into_bound(py) } else { f }))
}

/// Every item of `items` (a list or tuple field of `class`) must be a `T`.
fn check_items<T: pyo3::PyTypeInfo>(items: &Bound<'_, PyAny>, class: &str, field: &str) -> PyResult<()> {
    for (i, item) in items.try_iter()?.enumerate() {
        let item = item?;
        if !item.is_instance_of::<T>() {
            let article = if T::NAME.starts_with(['A', 'E', 'I', 'O', 'U']) { "an" } else { "a" };
            return Err(PyTypeError::new_err(format!("{class}.{field}[{i}] must be {article} {}, got {}", T::NAME, item.get_type().name()?)));
        }
    }
    Ok(())
}

/// Offsets into a text run forwards: `start <= end`.
fn check_offsets(class: &str, start: usize, end: usize) -> PyResult<()> {
    if start > end {
        return Err(PyValueError::new_err(format!("{class}: start {start} is after end {end}")));
    }
    Ok(())
}

/// `name { field: Type [of Item] [= default], ... } [check(this) { ... }] [methods { ... }]`: a
/// frozen pyclass in module `presslens` whose attributes are the fields, in constructor order. `of
/// Item`: each element of that list or tuple field must be an `Item`; `check`: a test of the whole
/// value that the constructor runs.
macro_rules! result_class {
    (
        $(#[$meta:meta])*
        $rust:ident as $name:literal {
            $( $(#[$fmeta:meta])* $field:ident : $ty:ty $([of $item:ty])? $(= $default:expr)? ),* $(,)?
        }
        $( check($this:ident) $check:block )?
        $( methods { $($methods:tt)* } )?
    ) => {
        $(#[$meta])*
        #[pyclass(frozen, get_all, name = $name, module = "presslens")]
        pub struct $rust {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        #[pymethods]
        impl $rust {
            // One argument per attribute, as a dataclass constructor has.
            #[new]
            #[pyo3(signature = ($($field $(= $default)?),*))]
            #[allow(clippy::too_many_arguments)]
            fn __new__(py: Python<'_>, $($field: $ty),*) -> PyResult<Self> {
                $( $( check_items::<$item>($field.bind(py).as_any(), $name, stringify!($field))?; )? )*
                let value = Self { $($field),* };
                $( let $this = &value; $check?; )?
                let _ = py;
                Ok(value)
            }

            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, Bound<'py, PyTuple>)> {
                Ok((slf.get_type(), slf.get().fields(slf.py())?))
            }

            fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
                let values = slf.get().fields(slf.py())?;
                let names = [$(stringify!($field)),*];
                let mut parts = Vec::with_capacity(names.len());
                for (name, value) in names.iter().zip(values.iter()) {
                    parts.push(format!("{name}={}", value.repr()?));
                }
                Ok(format!("{}({})", $name, parts.join(", ")))
            }

            fn __eq__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
                match other.cast::<Self>() {
                    Ok(other) => fields_equal(&slf.get().fields(slf.py())?, &other.get().fields(slf.py())?),
                    Err(_) => Ok(false),
                }
            }

            fn __hash__(slf: &Bound<'_, Self>) -> PyResult<isize> {
                hashable_fields(&slf.get().fields(slf.py())?)?.hash()
            }

            /// The attributes as a dict (shallow: nested results stay objects).
            fn to_dict<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
                let dict = pyo3::types::PyDict::new(slf.py());
                for (name, value) in [$(stringify!($field)),*].iter().zip(slf.get().fields(slf.py())?.iter()) {
                    dict.set_item(name, value)?;
                }
                Ok(dict)
            }

            $($($methods)*)?
        }

        impl $rust {
            /// The attributes in constructor order, as Python objects.
            fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
                PyTuple::new(py, [$( (&self.$field).into_bound_py_any(py)? ),*])
            }
        }
    };
}

result_class! {
    /// One sentence: ``original[start:end] == text`` (offsets are ``str`` indices).
    Sentence as "Sentence" {
        text: String,
        start: usize,
        end: usize,
        /// Position among the document's sentences, from 0.
        index: usize,
        /// Paragraph number from 0; a heading or list item is a paragraph of its own.
        paragraph: usize,
        /// ``body`` (running text), ``headline`` (a line without closing punctuation) or ``bullet``.
        kind: String,
    }
    check(this) { check_offsets("Sentence", this.start, this.end) }
}

result_class! {
    /// A stretch of the original that cleaning left out (boilerplate, dateline, bullet marker).
    RemovedSpan as "RemovedSpan" {
        start: usize,
        end: usize,
        reason: String,
    }
    check(this) { check_offsets("RemovedSpan", this.start, this.end) }
}

result_class! {
    /// A cleaned and segmented text.
    Document as "Document" {
        text: String,
        sentences: Py<PyList> [of Sentence],
        /// What cleaning left out, and why.
        removed: Py<PyList> [of RemovedSpan],
    }
    methods {
        fn __len__(&self, py: Python<'_>) -> usize {
            self.sentences.bind(py).len()
        }
    }
}

result_class! {
    /// A sentence chosen for a summary.
    SummarySentence as "SummarySentence" {
        text: String,
        /// Offsets into the article's text (``str`` indices).
        start: usize,
        end: usize,
        /// Position of the sentence in the article (see :func:`presslens.segment`).
        index: usize,
        /// Salience, higher first; comparable within one summary only. Up to three sentences: the
        /// log of the gain the sentence brings on its own (chance a summary keeps it × its share of
        /// a summary's length); longer budgets: centrality on the lexical + embedding sentence
        /// graph plus lead prior.
        score: f32,
    }
    check(this) { check_offsets("SummarySentence", this.start, this.end) }
}

result_class! {
    /// An extractive summary of one article, sentences in document order.
    Summary as "Summary" {
        sentences: Py<PyList> [of SummarySentence],
        /// The article's id (its position unless ids were given).
        doc_id: Option<Py<PyAny>> = None,
        /// The article was longer than ``Pipeline(max_article_sentences=...)``: only its start was read.
        truncated: bool = false,
        /// Why this row could not be summarised (``errors="mark"``); None when it was.
        error: Option<String> = None,
    }
    methods {
        /// The summary as readable text: its sentences, whitespace collapsed, joined by spaces.
        fn __str__(&self, py: Python<'_>) -> PyResult<String> {
            let mut parts = Vec::new();
            for sentence in self.sentences.bind(py).iter() {
                let text: String = sentence.getattr("text")?.extract()?;
                parts.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
            }
            Ok(parts.join(" "))
        }

        fn __len__(&self, py: Python<'_>) -> usize {
            self.sentences.bind(py).len()
        }
    }
}

result_class! {
    /// A sentence of a summary across articles, attributed to its article.
    CorpusSentence as "CorpusSentence" {
        text: String,
        start: usize,
        end: usize,
        index: usize,
        score: f32,
        /// Id of the article the sentence is taken from.
        doc_id: Option<Py<PyAny>>,
        /// Ids of the other articles that report the same event or claim (corroborating sources).
        sources: Py<PyTuple>,
        /// For each source, the sentence of that article that reports it (a `Sentence`, offsets
        /// into that article's text).
        source_sentences: Py<PyTuple> [of Sentence],
    }
    check(this) { check_offsets("CorpusSentence", this.start, this.end) }
}

result_class! {
    /// A summary across articles, most central sentence first, each attributed to its article.
    CorpusSummary as "CorpusSummary" {
        sentences: Py<PyList> [of CorpusSentence],
    }
    methods {
        /// One bullet per sentence: ``- text [doc_id; also in other ids]``.
        fn __str__(&self, py: Python<'_>) -> PyResult<String> {
            let mut lines = Vec::new();
            for sentence in self.sentences.bind(py).iter() {
                let sentence = sentence.cast_into::<CorpusSentence>()?;
                let sentence = sentence.get();
                let text = sentence.text.split_whitespace().collect::<Vec<_>>().join(" ");
                let doc = match &sentence.doc_id {
                    Some(id) => id.bind(py).str()?.to_string(),
                    None => "None".to_owned(),
                };
                let sources = sentence.sources.bind(py);
                let also = if sources.is_empty() {
                    String::new()
                } else {
                    let names: PyResult<Vec<String>> = sources.iter().map(|s| Ok(s.str()?.to_string())).collect();
                    format!("; also in {}", names?.join(", "))
                };
                lines.push(format!("- {text} [{doc}{also}]"));
            }
            Ok(lines.join("\n"))
        }

        fn __len__(&self, py: Python<'_>) -> usize {
            self.sentences.bind(py).len()
        }
    }
}

result_class! {
    /// One mention of an actor and how its sentence portrays it.
    MentionStance as "MentionStance" {
        /// The mention as written.
        text: String,
        /// Offsets of the mention in the article (``str`` indices).
        start: usize,
        end: usize,
        sentence_index: usize,
        sentence: String,
        negative: f32,
        neutral: f32,
        positive: f32,
        /// P(positive) - P(negative).
        score: f32,
        /// The largest class probability (reported; the actor's score does not weight by it).
        confidence: f32,
        doc_id: Option<Py<PyAny>> = None,
        /// How the mention refers to its actor: ``name``, ``pronoun`` ("he", "its") or
        /// ``description`` ("the minister"). Only mentions by name weigh in the actor's score.
        via: String = String::from("name"),
    }
    check(this) {
        check_offsets("MentionStance", this.start, this.end)?;
        match crate::Via::parse(&this.via) {
            Some(_) => Ok(()),
            None => Err(PyValueError::new_err(format!("MentionStance.via is \"name\", \"pronoun\" or \"description\", got {:?}", this.via))),
        }
    }
}

result_class! {
    /// One statement an article reports: the reported words, who says them, and what marks them.
    Quote as "Quote" {
        sentence_index: usize,
        /// Offsets of the reported words in the article (``str`` indices): inside the quotation
        /// marks of a direct quote, the reported clause of "X said (that) ...".
        start: usize,
        end: usize,
        /// The reported words.
        text: String,
        /// The speaker: the name of an actor of the article, None when unnamed ("officials said").
        speaker: Option<String>,
        /// The reporting verb ("said", "told"), ``according to``, or ``quotation marks`` (a quotation
        /// with no attribution in its sentence).
        cue: String,
        /// The whole sentence.
        sentence: String,
        doc_id: Option<Py<PyAny>> = None,
    }
    check(this) { check_offsets("Quote", this.start, this.end) }
}

result_class! {
    /// An actor in one article: score in [-1, 1], label, every mention, and the evidence.
    ActorStance as "ActorStance" {
        name: String,
        /// ``person``, ``country``, ``organization`` or ``given`` (passed in by the caller).
        kind: String,
        score: f32,
        label: String,
        mentions: Py<PyTuple> [of MentionStance],
        /// The most positive mentions, one per sentence, strongest first.
        positive_evidence: Py<PyTuple> [of MentionStance],
        /// The most negative mentions, one per sentence, strongest first.
        negative_evidence: Py<PyTuple> [of MentionStance],
        /// The sentence that best justifies the label (strongest in its direction; for neutral, the
        /// mention read most confidently as neutral).
        evidence: Option<Py<MentionStance>> = None,
        /// What the article calls the actor besides its name ("foreign secretary"), when it says.
        role: Option<String> = None,
    }
    methods {
        #[getter]
        fn mention_count(&self, py: Python<'_>) -> usize {
            self.mentions.bind(py).len()
        }
    }
}

/// `self.actors`' member named `name`, or a KeyError listing the names.
fn actor_named<'py>(actors: &Bound<'py, PyTuple>, name: &str, place: &str) -> PyResult<Bound<'py, PyAny>> {
    let mut names = Vec::new();
    for actor in actors.iter() {
        let actor_name: String = actor.getattr("name")?.extract()?;
        if actor_name == name {
            return Ok(actor);
        }
        names.push(actor_name);
    }
    Err(pyo3::exceptions::PyKeyError::new_err(format!("no actor {name:?} in this {place}; actors: {names:?}")))
}

/// Call `presslens.analysis.<function>(result)`: the pandas side of a result lives in Python.
fn python_helper<'py>(result: &Bound<'py, PyAny>, function: &str) -> PyResult<Bound<'py, PyAny>> {
    result.py().import("presslens.analysis")?.call_method1(function, (result,))
}

result_class! {
    /// Everything presslens reads out of one article.
    Analysis as "Analysis" {
        doc_id: Option<Py<PyAny>>,
        sentences: Py<PyTuple> [of Sentence],
        summary: Py<Summary>,
        /// Actors with at least one mention, most mentioned by name first.
        actors: Py<PyTuple> [of ActorStance],
        /// Every statement the article reports, in text order.
        quotes: Py<PyTuple> [of Quote],
        /// The article was longer than ``Pipeline(max_article_sentences=...)``: only its start was read.
        truncated: bool = false,
        /// Why this row could not be analysed (``errors="mark"``); None when it was.
        error: Option<String> = None,
    }
    methods {
        /// The actor called ``name`` (exact display name).
        fn actor<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
            actor_named(self.actors.bind(py), name, "article")
        }

        /// One row per actor: doc_id, actor, kind, score, label, mentions, evidence, ...
        fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "analysis_frame")
        }

        /// One row per mention, with offsets, probabilities and its sentence.
        fn mentions_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "analysis_mentions_frame")
        }

        /// One row per reported statement: speaker, cue, the reported words and their sentence.
        fn quotes_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "analysis_quotes_frame")
        }

        /// Who says what about whom: one row per (speaker, target), the stance of the speaker's
        /// quotes toward each actor they mention.
        fn speaker_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "analysis_speaker_frame")
        }
    }
}

result_class! {
    /// One actor's standing in one article of a corpus.
    ArticleStance as "ArticleStance" {
        doc_id: Option<Py<PyAny>>,
        /// The actor's name in that article (it may be spelled differently there).
        name: String,
        score: f32,
        label: String,
        mentions: usize,
    }
}

result_class! {
    /// An actor across articles: mentions of all articles pooled (same weighting as per article).
    CorpusActor as "CorpusActor" {
        name: String,
        kind: String,
        score: f32,
        label: String,
        mentions: usize,
        articles: Py<PyTuple> [of ArticleStance],
        positive_evidence: Py<PyTuple> [of MentionStance],
        negative_evidence: Py<PyTuple> [of MentionStance],
        /// The sentence that best justifies the label, from any article.
        evidence: Option<Py<MentionStance>> = None,
        /// Mentions that read positive on their own (score above ``POSITIVE_ABOVE``).
        positive_mentions: usize = 0,
        /// Mentions that read negative on their own (score below ``NEGATIVE_BELOW``).
        negative_mentions: usize = 0,
    }
}

result_class! {
    /// Per-article analyses (indexable, iterable, in input order) and the corpus actor table.
    CorpusAnalysis as "CorpusAnalysis" {
        articles: Py<PyTuple> [of Analysis],
        /// Actors merged across articles, most mentioned by name first.
        actors: Py<PyTuple> [of CorpusActor],
    }
    methods {
        fn __len__(&self, py: Python<'_>) -> usize {
            self.articles.bind(py).len()
        }

        fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
            self.articles.bind(py).as_any().get_item(index)
        }

        fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            Ok(self.articles.bind(py).as_any().try_iter()?.into_any())
        }

        /// The corpus actor called ``name``.
        fn actor<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
            actor_named(self.actors.bind(py), name, "corpus")
        }

        /// (doc_id, actor name in that article) -> the actor's name across the corpus.
        fn corpus_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
            let names = pyo3::types::PyDict::new(py);
            for actor in self.actors.bind(py).iter() {
                let actor = actor.cast_into::<CorpusActor>()?;
                for part in actor.get().articles.bind(py).iter() {
                    let part = part.cast_into::<ArticleStance>()?;
                    let part = part.get();
                    let doc_id = part.doc_id.as_ref().map_or_else(|| py.None(), |d| d.clone_ref(py));
                    names.set_item((doc_id, &part.name), &actor.get().name)?;
                }
            }
            Ok(names)
        }

        /// One row per reported statement of every article.
        fn quotes_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "corpus_quotes_frame")
        }

        /// Who says what about whom across the corpus: one row per (speaker, target), actors
        /// under their corpus names.
        fn speaker_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "corpus_speaker_frame")
        }

        /// One row per (article, actor); ``corpus_actor`` is the merged name across articles.
        fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "corpus_frame")
        }

        /// One row per actor across the corpus: score, label, mentions, articles, evidence, and
        /// the score in each article (``per_article``).
        fn actors_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "corpus_actors_frame")
        }

        /// One row per mention; ``corpus_actor`` is the merged name across articles.
        fn mentions_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "corpus_mentions_frame")
        }
    }
}

result_class! {
    /// One story: articles that report the same specific event chain, with one summary across them
    /// and their actors merged.
    Story as "Story" {
        /// Position in :attr:`Stories.stories`, from 0 (largest story first).
        id: usize,
        /// A short name: the actors most of its articles share, else its first article's headline.
        name: String,
        /// Its articles' ids, by date when dates were given, else in input order.
        doc_ids: Py<PyTuple>,
        /// One summary across its articles, each sentence attributed to its article.
        summary: Py<CorpusSummary>,
        /// Its actors merged across its articles, most mentioned first.
        actors: Py<PyTuple> [of CorpusActor],
    }
    methods {
        fn __len__(&self, py: Python<'_>) -> usize {
            self.doc_ids.bind(py).len()
        }

        /// The story's actor called ``name``.
        fn actor<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
            actor_named(self.actors.bind(py), name, "story")
        }
    }
}

result_class! {
    /// Articles grouped into stories: the stories (largest first), every article's analysis in
    /// input order, and the story of each article.
    Stories as "Stories" {
        stories: Py<PyTuple> [of Story],
        articles: Py<PyTuple> [of Analysis],
        /// Per article, in input order: the id of its story.
        story_ids: Py<PyTuple>,
    }
    methods {
        fn __len__(&self, py: Python<'_>) -> usize {
            self.stories.bind(py).len()
        }

        fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
            self.stories.bind(py).as_any().get_item(index)
        }

        fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            Ok(self.stories.bind(py).as_any().try_iter()?.into_any())
        }

        /// One row per article, in input order: ``doc_id``, ``story``, ``story_name``,
        /// ``story_size``, its headline and summary.
        fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "stories_articles_frame")
        }

        /// One row per story: ``story``, ``name``, ``articles``, ``doc_ids``, ``summary``,
        /// ``top_actors``.
        fn stories_frame<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
            python_helper(slf.as_any(), "stories_frame")
        }
    }
}

/// Register every result class on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Sentence>()?;
    m.add_class::<RemovedSpan>()?;
    m.add_class::<Document>()?;
    m.add_class::<SummarySentence>()?;
    m.add_class::<Summary>()?;
    m.add_class::<CorpusSentence>()?;
    m.add_class::<CorpusSummary>()?;
    m.add_class::<MentionStance>()?;
    m.add_class::<Quote>()?;
    m.add_class::<ActorStance>()?;
    m.add_class::<Analysis>()?;
    m.add_class::<ArticleStance>()?;
    m.add_class::<CorpusActor>()?;
    m.add_class::<CorpusAnalysis>()?;
    m.add_class::<Story>()?;
    m.add_class::<Stories>()?;
    Ok(())
}
