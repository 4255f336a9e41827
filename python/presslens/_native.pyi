# Hand-written stub of the native extension (src/python/); keep in step with it.
from os import PathLike

import numpy as np
import numpy.typing as npt

__version__: str
build_profile: str

SentenceTuple = tuple[str, int, int, int, int, str]
PickTuple = tuple[int, str, int, int, float, str]
MentionTuple = tuple[str, int, int, int, float, float, float, float, float]
ActorTuple = tuple[str, str, float, str, list[MentionTuple], list[int], list[int]]

def segment(text: str) -> tuple[list[SentenceTuple], list[tuple[int, int, str]]]: ...
def locate_model(name: str, root: str | None = None) -> str: ...
def cuda_available(ort_dylib: str) -> bool: ...
def merge_actors(
    per_doc: list[list[tuple[str, str, list[tuple[int, float, float]]]]],
) -> list[tuple[str, str, float, str, int, list[tuple[int, int, float, str, int]], list[tuple[int, int, int]], list[tuple[int, int, int]]]]: ...

class NativePipeline:
    def __init__(
        self,
        models: str | PathLike[str] | None = None,
        *,
        threads: int = 0,
        lanes: int = 0,
        batch_size: int = 0,
        max_article_sentences: int = 1000,
        device: str = "cpu",
        embedding_model: str | None = None,
        stance_model: str | None = None,
        ort_dylib: str | PathLike[str] | None = None,
    ) -> None: ...
    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]: ...
    def target_sentiment(self, targets: list[str], sentences: list[str]) -> npt.NDArray[np.float32]: ...
    @property
    def stance_labels(self) -> list[str]: ...
    @property
    def onnx_run_seconds(self) -> float: ...
    @property
    def threads(self) -> int: ...
    @property
    def lanes(self) -> int: ...
    @property
    def batch_size(self) -> int: ...
    @property
    def runtime_library(self) -> str: ...
    @property
    def model_dirs(self) -> tuple[str, str]: ...
    def summarize_many(self, texts: list[str], budget: str, value: float) -> list[tuple[list[PickTuple], bool]]: ...
    def summarize_corpus(
        self, texts: list[str], max_sentences: int
    ) -> list[tuple[int, int, str, int, int, float, list[tuple[int, int]]]]: ...
    def analyze_many(
        self, texts: list[str], actors: list[tuple[str, list[str]]] | None, budget: str, value: float
    ) -> list[tuple[list[SentenceTuple], list[PickTuple], list[ActorTuple], bool]]: ...
