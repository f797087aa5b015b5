"""w2v.reference: the word2vec math in plain NumPy, float64.

One function per derivation, each pure: randomness (negative samples, window
sizes, subsampling draws) comes in as an argument. This package is the oracle
that every fast path in w2v is tested against; it is written to be read.
See ``docs/math.md`` for the derivations and the tests that check them.
"""

from .functions import log_sigmoid, log_softmax, sigmoid, sigmoid_grad, softmax
from .gradcheck import GradCheckResult, check_gradient
from .losses import (
    hierarchical_softmax_loss_and_gradient,
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    scatter_rows,
)
from .models import cbow, skipgram
from .objectives import HierarchicalSoftmax, naive_softmax, negative_sampling
from .tables import alias_table, huffman_codes, keep_probability, unigram_distribution

__all__ = [
    "GradCheckResult",
    "alias_table",
    "HierarchicalSoftmax",
    "cbow",
    "check_gradient",
    "hierarchical_softmax_loss_and_gradient",
    "huffman_codes",
    "keep_probability",
    "log_sigmoid",
    "log_softmax",
    "naive_softmax",
    "naive_softmax_loss_and_gradient",
    "neg_sampling_loss_and_gradient",
    "negative_sampling",
    "scatter_rows",
    "sigmoid",
    "sigmoid_grad",
    "skipgram",
    "softmax",
    "unigram_distribution",
]
