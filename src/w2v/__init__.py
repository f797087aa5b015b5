"""w2v: word2vec whose math is checked, from the CS224n derivations to a real tool."""

from ._version import __version__
from .corpus import BuiltinCorpus, TextCorpus
from .io import FormatError
from .model import Word2Vec
from .vectors import KeyedVectors

__all__ = ["BuiltinCorpus", "FormatError", "KeyedVectors", "TextCorpus", "Word2Vec", "__version__"]
