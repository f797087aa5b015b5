"""w2v: word2vec whose math is checked, from the CS224n derivations to a real tool.

The public names below are loaded on first use (PEP 562), so ``import w2v``
and the ``w2v`` command start without importing NumPy or the engine until
they are needed (and the command can handle Ctrl-C from its first line).
"""

import importlib

from ._version import __version__

_EXPORTS = {  # public name: the module that defines it
    "BuiltinCorpus": "corpus",
    "TextCorpus": "corpus",
    "FormatError": "io",
    "Word2Vec": "model",
    "KeyedVectors": "vectors",
    "Phrases": "phrases",
    "FrozenPhrases": "phrases",
    "Phraser": "phrases",
    "ENGLISH_CONNECTOR_WORDS": "phrases",
    "explore": "explorer",
}

__all__ = [
    "ENGLISH_CONNECTOR_WORDS",
    "BuiltinCorpus",
    "FormatError",
    "FrozenPhrases",
    "KeyedVectors",
    "Phraser",
    "Phrases",
    "TextCorpus",
    "Word2Vec",
    "__version__",
    "explore",
]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'w2v' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__():
    return sorted([*globals(), *_EXPORTS])
