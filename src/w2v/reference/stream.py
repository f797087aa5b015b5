"""The engine's random stream, turned into explicit draws.

The compiled kernel draws all its randomness for one block of sentences from
a splitmix64 stream seeded by the block's seed (``w2v.schedule.block_seed``),
in this order, sentence by sentence:

1. subsampling: for each in-vocabulary token whose keep probability is
   below 1, one uniform draw in [0, 1) (53 bits); the token is kept if the
   draw is below it. Unknown words (id -1) are dropped without a draw;
2. then for each kept position, in order: one 64-bit draw r for the window,
   ``reach = window - r % window`` (so 1..window), the context being the
   kept positions within ``reach`` on either side (with ``shrink_windows``
   off, no draw: the reach is always ``window``);
3. and for each prediction of that position: K negatives, each an
   alias-table draw (bucket = high 32 bits × V >> 32, then the low 32 bits
   against the bucket's threshold), redrawn while equal to the target (at
   most 64 times; then the target stands as its own negative).
   Skip-gram makes one prediction per context word (that word's input
   vector predicts the centre word), CBOW one per window with at least one
   context word (the mean of the context vectors predicts the centre word).
   Batched skip-gram (``batched``) draws the K negatives once per window with
   at least one context word, and the window is one prediction whose context
   words each predict the centre word against them (``separate``).

Each sentence trains at one learning rate, interpolated in float32 from the
block's ``lr_start`` to ``lr_end`` by the sentence's start within the block.

None of this depends on the weights, so a block's draws can be made before
any math is done: :func:`block_draws` returns them as a list of
:class:`Prediction` (inputs, target, negatives, learning rate), which the
reference trainer feeds to :mod:`w2v.reference`'s objectives. That is the
oracle the engine is tested against (house rule: randomness comes in as an
argument).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


class SplitMix64:
    """The kernel's random stream, from its definition (Steele, Lea and Flood 2014)."""

    def __init__(self, seed):
        self.state = int(seed) & MASK64

    def next_u64(self):
        self.state = (self.state + GOLDEN) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_unit(self):
        """Uniform in [0, 1): the top 53 bits of a draw."""
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)


MAX_REDRAWS = 64


def draw_negative(rng, threshold, alias, target):
    """One negative from an alias table (``threshold`` uint32, ``alias`` int32). A draw equal to
    ``target`` is redrawn, up to MAX_REDRAWS times; then the target is its own negative (a
    distribution with all its mass on the target cannot loop forever)."""
    n, w = len(threshold), target
    for _ in range(MAX_REDRAWS):
        r = rng.next_u64()
        bucket = ((r >> 32) * n) >> 32
        t = int(threshold[bucket])
        w = bucket if ((r & 0xFFFFFFFF) < t or t == 0xFFFFFFFF) else int(alias[bucket])
        if w != target:
            return w
    return w


@dataclass(frozen=True)
class Prediction:
    """One prediction: the input rows (one for skip-gram, the window for CBOW, with repeats),
    the target word, the K negatives as drawn (repeats kept; empty without negative sampling),
    and the learning rate. ``separate``: each input row predicts the target on its own (the
    batched skip-gram window: the sum of the pair losses, one step)."""

    inputs: tuple
    target: int
    negatives: tuple
    lr: float
    separate: bool = False


@dataclass
class BlockDraws:
    predictions: list
    words: int  # in-vocabulary tokens read
    kept: int  # tokens left after subsampling


def sentence_lr(lr_start, lr_end, start, total):
    """The kernel's float32 learning rate for a sentence ``start`` tokens into a block of ``total``."""
    lr0, lr1 = np.float32(lr_start), np.float32(lr_end)
    progress = np.float32(start) / np.float32(total) if total > 0 else np.float32(0)
    return float(lr0 + (lr1 - lr0) * progress)


def block_draws(
    ids,
    offsets,
    lr_start,
    lr_end,
    seed,
    *,
    keep,
    alias,
    window,
    negative,
    sg,
    shrink_windows=True,
    batched=False,
):
    """Every draw the kernel makes for one block, in its order.

    ``ids`` are the block's token ids (-1 for unknown words) and ``offsets``
    its sentences' absolute offsets (sentence s is ``ids[offsets[s] -
    offsets[0] : offsets[s + 1] - offsets[0]]``); ``keep`` (V,) the keep
    probabilities; ``alias`` the (threshold, alias) table; ``negative`` K.
    """
    rng = SplitMix64(seed)
    threshold, alias_index = alias
    base, total = int(offsets[0]), int(offsets[-1]) - int(offsets[0])
    predictions, words, kept = [], 0, 0  # (a batched window counts its pairs: see block_draws' result)
    for s in range(len(offsets) - 1):
        start, stop = int(offsets[s]) - base, int(offsets[s + 1]) - base
        lr = sentence_lr(lr_start, lr_end, start, total)
        sentence = []
        for w in ids[start:stop]:
            w = int(w)
            if w < 0:
                continue
            words += 1
            if keep[w] < 1.0 and rng.next_unit() >= keep[w]:
                continue
            sentence.append(w)
        kept += len(sentence)

        def negatives(target):
            return tuple(draw_negative(rng, threshold, alias_index, target) for _ in range(negative))

        for pos, center in enumerate(sentence):
            reach = window - rng.next_u64() % window if shrink_windows else window
            lo, hi = max(pos - reach, 0), min(pos + reach + 1, len(sentence))
            contexts = tuple(sentence[j] for j in range(lo, hi) if j != pos)
            if sg and batched:
                if contexts:
                    predictions.append(Prediction(contexts, center, negatives(center), lr, separate=True))
            elif sg:
                for c in contexts:
                    predictions.append(Prediction((c,), center, negatives(center), lr))
            elif contexts:
                predictions.append(Prediction(contexts, center, negatives(center), lr))
    return BlockDraws(predictions, words, kept)
