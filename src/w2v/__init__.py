"""w2v: word2vec whose math is checked, from the CS224n derivations to a real tool."""

from .vectors import KeyedVectors

__version__ = "0.1.0"

__all__ = ["KeyedVectors", "__version__"]
