"""The Stanford CS224n word2vec assignment's API, as a drop-in for its ``word2vec.py`` and ``sgd.py``.

The function names, argument orders and return shapes are the handout's, so
the assignment's ``run.py`` and its ``word2vec_sgd_wrapper`` test harness can
import from here unchanged. None of the math lives in this module: the losses
and their gradients are :mod:`w2v.reference`'s
(:func:`~w2v.reference.naive_softmax_loss_and_gradient`,
:func:`~w2v.reference.neg_sampling_loss_and_gradient`,
:func:`~w2v.reference.scatter_rows`, :func:`~w2v.reference.sigmoid`). What is
here is the handout's plumbing around them: shape adaptation, drawing
negative samples from the ``dataset`` object, summing a skip-gram window and
the plain SGD loop.

Handout terms: ``V`` is the vocabulary size, ``d`` the word-vector length;
``centerWordVectors`` are the v vectors (V, d), ``outsideVectors`` the u
vectors (the handout's U), (V, d). ``dataset`` is any object with a
``sampleTokenIdx()`` method returning a word index (the handout's
``StanfordSentiment`` or its test's dummy).
"""

from __future__ import annotations

import numpy as np

from w2v.reference import (
    naive_softmax_loss_and_gradient,
    neg_sampling_loss_and_gradient,
    scatter_rows,
)
from w2v.reference import sigmoid as _sigmoid

__all__ = [
    "getNegativeSamples",
    "naiveSoftmaxLossAndGradient",
    "negSamplingLossAndGradient",
    "sgd",
    "sigmoid",
    "skipgram",
]

ANNEAL_EVERY = 20000  # sgd halves the step every this many iterations, as in the handout


def sigmoid(x):
    """The logistic sigmoid, elementwise.

    Arguments:
    x -- A scalar or numpy array.

    Return:
    s -- sigmoid(x), same shape as x (a float64 scalar for a scalar x).
    This is :func:`w2v.reference.sigmoid` (stable for large |x|).
    """
    return _sigmoid(x)


def naiveSoftmaxLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    """Naive-softmax loss and gradients for one (centre, outside) pair.

    Implements the softmax loss and gradients between a center word's
    embedding and an outside word's embedding: J = -log softmax(U v_c)[o].

    Arguments:
    centerWordVec -- numpy ndarray, center word's embedding v_c, shape (d,)
    outsideWordIdx -- integer, the index o of the outside word
    outsideVectors -- outside vectors U, one row per word, shape (V, d)
    dataset -- needed for negative sampling, unused here.

    Return:
    loss -- naive softmax loss (a float)
    gradCenterVec -- the gradient with respect to the center word vector, shape (d,)
    gradOutsideVecs -- the gradient with respect to all the outside word vectors, shape (V, d)

    The math is :func:`w2v.reference.naive_softmax_loss_and_gradient`.
    """
    return naive_softmax_loss_and_gradient(centerWordVec, outsideWordIdx, outsideVectors)


def getNegativeSamples(outsideWordIdx, dataset, K):
    """Draw K negative word indices, none equal to outsideWordIdx.

    Arguments:
    outsideWordIdx -- integer, the index of the outside word, never returned
    dataset -- an object whose ``sampleTokenIdx()`` draws one word index
    K -- the number of negative samples

    Return:
    negSampleWordIndices -- list of K word indices, in draw order. Exactly the
    handout's loop: each draw equal to outsideWordIdx is thrown away and
    redrawn, so ``dataset.sampleTokenIdx()`` is called at least K times.
    Other repeats are kept.
    """
    negSampleWordIndices = [None] * K
    for k in range(K):
        newidx = dataset.sampleTokenIdx()
        while newidx == outsideWordIdx:
            newidx = dataset.sampleTokenIdx()
        negSampleWordIndices[k] = newidx
    return negSampleWordIndices


def negSamplingLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset, K=10):
    """Negative-sampling loss and gradients for one (centre, outside) pair.

    J = -log σ(u_o·v_c) - Σ_{k=1..K} log σ(-u_k·v_c), with the K negatives
    drawn by :func:`getNegativeSamples` (one fresh set of draws per call).

    Arguments/Return Specifications: same as naiveSoftmaxLossAndGradient, plus
    K -- the number of negative samples (default 10).

    Return:
    loss -- negative sampling loss (a float)
    gradCenterVec -- gradient with respect to v_c, shape (d,)
    gradOutsideVecs -- dense gradient with respect to U, shape (V, d). A
    negative drawn m times contributes its term m times to its row, as in
    the handout (repeated indices accumulate).

    The math is :func:`w2v.reference.neg_sampling_loss_and_gradient`; the
    rows are added into the dense matrix by :func:`w2v.reference.scatter_rows`.
    """
    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)
    indices = [outsideWordIdx] + negSampleWordIndices
    loss, gradCenterVec, grad_u_o, grad_u_k = neg_sampling_loss_and_gradient(
        centerWordVec, outsideWordIdx, outsideVectors, negSampleWordIndices
    )
    gradOutsideVecs = scatter_rows(np.shape(outsideVectors), indices, np.vstack([grad_u_o, grad_u_k]))
    return loss, gradCenterVec, gradOutsideVecs


def skipgram(
    currentCenterWord,
    windowSize,
    outsideWords,
    word2Ind,
    centerWordVectors,
    outsideVectors,
    dataset,
    word2vecLossAndGradient=naiveSoftmaxLossAndGradient,
):
    """Skip-gram loss and gradients over one window.

    Arguments:
    currentCenterWord -- a string of the current center word
    windowSize -- integer, context window size (accepted and unused, as in the handout)
    outsideWords -- list of no more than 2*windowSize strings, the outside words
    word2Ind -- a dictionary that maps words to their indices in the word vector list
    centerWordVectors -- center word vectors (as rows), shape (V, d)
    outsideVectors -- outside word vectors (as rows), shape (V, d)
    dataset -- passed through to word2vecLossAndGradient
    word2vecLossAndGradient -- the loss and gradient function for a
        prediction vector given the outsideWordIdx word vectors, with the
        signature of naiveSoftmaxLossAndGradient or negSamplingLossAndGradient

    Return:
    loss -- the loss function value for the skip-gram model, the sum of
        word2vecLossAndGradient's losses over outsideWords
    gradCenterVecs -- the gradient with respect to the center word vectors, shape (V, d);
        only the center word's row is non-zero
    gradOutsideVectors -- the gradient with respect to the outside word vectors, shape (V, d)

    word2vecLossAndGradient is called once per outside word, in the order of
    outsideWords (so a sampling loss draws its negatives from ``dataset`` in
    that order, as the handout's does). Repeated outside words count each time.
    """
    loss = 0.0
    gradCenterVecs = np.zeros(np.shape(centerWordVectors))
    gradOutsideVectors = np.zeros(np.shape(outsideVectors))
    centerWordIdx = word2Ind[currentCenterWord]
    centerWordVec = centerWordVectors[centerWordIdx]
    for outsideWord in outsideWords:
        pairLoss, gradCenterVec, gradOutsideVecs = word2vecLossAndGradient(
            centerWordVec, word2Ind[outsideWord], outsideVectors, dataset
        )
        loss += pairLoss
        gradCenterVecs[centerWordIdx] += gradCenterVec
        gradOutsideVectors += gradOutsideVecs
    return loss, gradCenterVecs, gradOutsideVectors


def sgd(f, x0, step, iterations, postprocessing=None, useSaved=False, PRINT_EVERY=10):
    """Stochastic Gradient Descent, as the handout's ``sgd.py``.

    Arguments:
    f -- the function to optimize, it should take a single argument and
         yield two outputs, a loss and the gradient with respect to the arguments
    x0 -- the initial point to start SGD from
    step -- the step size for SGD
    iterations -- total iterations to run SGD for
    postprocessing -- postprocessing function for the parameters if necessary.
         In the case of word2vec we will need to normalize the word vectors
         to have unit length. Applied after every update.
    useSaved -- accepted for the handout's positional call
         ``sgd(f, x0, step, iterations, None, True, PRINT_EVERY=10)`` and
         ignored: the handout's pickle save/load of parameters (and of the
         random state) every SAVE_PARAMS_EVERY iterations is not implemented
         here, so every call starts from x0 at iteration 1, which is what the
         handout does when no saved parameters exist.
    PRINT_EVERY -- specifies how many iterations to output loss

    Return:
    x -- the parameter value after SGD finishes, same shape as x0.

    Each iteration: ``loss, grad = f(x)``; ``x = x - step * grad``;
    ``x = postprocessing(x)``. Every PRINT_EVERY iterations the exponential
    moving average ``exploss = .95 * exploss + .05 * loss`` (started at the
    first printed loss) is updated and printed as ``iter N: exploss``. The
    step is halved every ANNEAL_EVERY = 20000 iterations. Unlike the handout,
    which updates with ``x -= step * grad``, x0 itself is not modified.
    """
    del useSaved  # saving/loading parameters is not implemented (see above)
    if postprocessing is None:
        postprocessing = lambda x: x  # noqa: E731

    x = x0
    exploss = None
    for iter in range(1, iterations + 1):
        loss, grad = f(x)
        x = x - step * grad
        x = postprocessing(x)

        if iter % PRINT_EVERY == 0:
            if exploss is None:
                exploss = loss
            else:
                exploss = 0.95 * exploss + 0.05 * loss
            print(f"iter {iter:d}: {exploss:f}")

        if iter % ANNEAL_EVERY == 0:
            step *= 0.5

    return x
