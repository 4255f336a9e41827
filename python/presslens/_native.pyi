# Hand-written stub of the native extension (src/python/mod.rs); keep in step with it.
from os import PathLike

import numpy as np
import numpy.typing as npt

__version__: str
build_profile: str

def segment(
    text: str,
) -> tuple[list[tuple[str, int, int, int, int, str]], list[tuple[int, int, str]]]: ...

class NativePipeline:
    def __init__(
        self,
        models: str | PathLike[str] | None = None,
        *,
        threads: int = 0,
        batch_size: int = 32,
        embedding_model: str | None = None,
        stance_model: str | None = None,
        ort_dylib: str | PathLike[str] | None = None,
    ) -> None: ...
    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]: ...
    def target_sentiment(self, targets: list[str], sentences: list[str]) -> npt.NDArray[np.float32]: ...
    @property
    def stance_labels(self) -> list[str]: ...
    @property
    def threads(self) -> int: ...
    @property
    def batch_size(self) -> int: ...
    @property
    def runtime_library(self) -> str: ...
    @property
    def model_dirs(self) -> tuple[str, str]: ...
    def summarize_many(
        self, texts: list[str], budget: str, value: float
    ) -> list[list[tuple[int, str, int, int, float, str]]]: ...
    def summarize_corpus(
        self, texts: list[str], max_sentences: int
    ) -> list[tuple[int, int, str, int, int, float, list[tuple[int, int]]]]: ...
