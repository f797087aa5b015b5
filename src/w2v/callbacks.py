"""Callbacks during training, with gensim's protocol.

Any object with some of the methods ``on_train_begin``, ``on_epoch_begin``,
``on_epoch_end`` and ``on_train_end`` works (each is called with the model),
so gensim's ``CallbackAny2Vec`` subclasses run unchanged. :class:`CallbackAny2Vec`
here is the same base class, for code that imports it from w2v.

When they are called: ``on_train_begin`` once per ``train`` call, then
``on_epoch_begin`` / ``on_epoch_end`` around each epoch (after its frozen
evaluation, so ``model.eval_loss_history_[-1]`` is that epoch's), and
``on_train_end`` once training has finished. A run stopped early (a stop
event, Ctrl-C) calls no ``on_train_end``; when it is resumed, its epochs go
on where they stopped.
"""

from __future__ import annotations

HOOKS = ("on_train_begin", "on_epoch_begin", "on_epoch_end", "on_train_end")


class CallbackAny2Vec:
    """Base class for training callbacks: override the hooks you need (they do nothing here)."""

    def on_epoch_begin(self, model):
        """Called at the start of each epoch."""

    def on_epoch_end(self, model):
        """Called at the end of each epoch."""

    def on_train_begin(self, model):
        """Called at the start of a ``train`` call."""

    def on_train_end(self, model):
        """Called at the end of a ``train`` call."""


def check_callbacks(callbacks):
    """A tuple of callbacks: each must have at least one of the hooks (a clear TypeError otherwise)."""
    callbacks = tuple(callbacks or ())
    for cb in callbacks:
        if not any(callable(getattr(cb, hook, None)) for hook in HOOKS):
            raise TypeError(
                f"callback {cb!r} has none of the methods {', '.join(HOOKS)} "
                "(subclass w2v.callbacks.CallbackAny2Vec)"
            )
    return callbacks


def call(callbacks, hook, model):
    """Call ``hook`` (one of HOOKS) on every callback that has it."""
    for cb in callbacks:
        method = getattr(cb, hook, None)
        if method is not None:
            method(model)
