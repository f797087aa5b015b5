"""Files: word2vec.c's text and binary formats, GloVe text, and w2v's own native format.

Every loader raises :class:`FormatError` (a ValueError naming the file and
the line or row) for any problem with a file's content, and nothing else;
a missing or unreadable file raises the usual OSError. Every writer goes
through :func:`atomic_write`, so a file is either the old one or the
complete new one, never half of each.
"""

from .atomic import atomic_write
from .errors import FormatError
from .native import NATIVE_VERSION, load_native, pack_strings, save_native, unpack_strings
from .word2vec_format import load_word2vec_format, save_word2vec_format, sniff_format

__all__ = [
    "NATIVE_VERSION",
    "FormatError",
    "atomic_write",
    "load_native",
    "load_word2vec_format",
    "pack_strings",
    "save_native",
    "save_word2vec_format",
    "sniff_format",
    "unpack_strings",
]
