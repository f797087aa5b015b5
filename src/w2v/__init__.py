"""w2v: word2vec whose math is checked, from the CS224n derivations to a real tool."""

__version__ = "0.1.0"

from .corpus import BuiltinCorpus, TextCorpus  # noqa: E402
from .io import FormatError  # noqa: E402
from .model import Word2Vec  # noqa: E402
from .vectors import KeyedVectors  # noqa: E402

__all__ = ["BuiltinCorpus", "FormatError", "KeyedVectors", "TextCorpus", "Word2Vec", "__version__"]
