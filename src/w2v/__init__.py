"""w2v: word2vec whose math is checked, from the CS224n derivations to a real tool."""

from .corpus import BuiltinCorpus, TextCorpus
from .model import Word2Vec
from .vectors import KeyedVectors

__version__ = "0.1.0"

__all__ = ["BuiltinCorpus", "KeyedVectors", "TextCorpus", "Word2Vec", "__version__"]
