"""presslens: what news articles say, and where each actor in them stands.

>>> import presslens
>>> nlp = presslens.Pipeline()                     # models from $PRESSLENS_MODELS
>>> doc = presslens.segment("Mr. Rubio spoke. Maduro listened.")
>>> [s.text for s in doc.sentences]
['Mr. Rubio spoke.', 'Maduro listened.']
>>> nlp.embed(["a sentence", "another"]).shape
(2, 384)
"""

from __future__ import annotations

from collections.abc import Sequence as _Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from . import _native
from .analysis import ActorStance, Analysis, ArticleStance, CorpusActor, CorpusAnalysis, MentionStance, Quote, Stories, Story
from .exceptions import InputError, ModelError, ModelNotFoundError, PresslensError, RuntimeLibraryError
from .frames import Frames, analyze_frame
from .pipeline import Pipeline
from .summary import CorpusSentence, CorpusSummary, Summary, SummarySentence
from .text import MAX_SENTENCE_BYTES, Document, RemovedSpan, Sentence, segment

__version__: str = _native.__version__

# A corpus analysis is a read-only sequence of article analyses; stories, of stories.
_Sequence.register(CorpusAnalysis)
_Sequence.register(Stories)

try:  # A stale build next to newer Python sources gives confusing errors; say so at import.
    if _version("presslens") != __version__:
        raise ImportError(f"presslens Python sources are version {_version('presslens')} but the native module is {__version__}; rebuild with `make develop`.")
except PackageNotFoundError:
    pass

__all__ = [
    "MAX_SENTENCE_BYTES",
    "ActorStance",
    "Analysis",
    "ArticleStance",
    "CorpusActor",
    "CorpusAnalysis",
    "CorpusSentence",
    "CorpusSummary",
    "Document",
    "Frames",
    "InputError",
    "MentionStance",
    "ModelError",
    "ModelNotFoundError",
    "Pipeline",
    "PresslensError",
    "Quote",
    "RemovedSpan",
    "RuntimeLibraryError",
    "Sentence",
    "Stories",
    "Story",
    "Summary",
    "SummarySentence",
    "__version__",
    "analyze_frame",
    "segment",
]
