"""Pictures of word vectors.

The figures are drawn on ``matplotlib.figure.Figure`` objects with their own Agg canvas: neither
pyplot's state (its current figure, its list of open figures) nor the user's backend is touched.
"""

from __future__ import annotations

import numpy as np


def project_2d(vectors):
    """Project rows to 2-D by PCA: centre them, then take the top two right
    singular vectors (the SVD the CS224n handout uses for word_vectors.png)."""
    x = np.asarray(vectors, dtype=np.float64)
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return centred @ vt[:2].T  # (n, 2)


def plot_words(kv, words, path, title=None):
    """Write a PNG of ``words`` projected to 2-D, each point labelled."""
    missing = [w for w in words if w not in kv]
    if missing:
        raise KeyError(f"not in the vocabulary: {', '.join(missing)}")
    coords = project_2d(np.stack([kv[w] for w in words]))
    fig = _figure(figsize=(8, 6), dpi=110)
    ax = fig.subplots()
    ax.scatter(coords[:, 0], coords[:, 1], s=18, color="tab:red")
    for (x, y), word in zip(coords, words, strict=True):
        ax.annotate(word, (x, y), xytext=(4, 3), textcoords="offset points", fontsize=10)
    ax.set_title(title or "word vectors, 2-D projection (PCA)")
    ax.set_xlabel("component 1")
    ax.set_ylabel("component 2")
    fig.tight_layout()
    _save_atomic(fig, path)
    return coords


def plot_loss(loss, frozen_loss, path, title=None):
    """Write a PNG of the training loss per epoch (and the frozen-weights loss, where measured)."""
    epochs = np.arange(1, len(loss) + 1)
    fig = _figure(figsize=(7, 4.5), dpi=110)
    ax = fig.subplots()
    ax.plot(epochs, loss, marker="o", label="mean loss while training")
    frozen = np.array([np.nan if v is None else v for v in frozen_loss], dtype=float)
    if np.isfinite(frozen).any():
        ax.plot(epochs, frozen, marker="s", label="loss with frozen weights (fixed sample)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss per prediction")
    ax.set_xticks(epochs)
    ax.set_title(title or "training loss")
    ax.legend()
    fig.tight_layout()
    _save_atomic(fig, path)


def _figure(**kwargs):
    """A Figure on its own Agg canvas, unknown to pyplot (nothing to close, no backend switched)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas
    return fig


def _save_atomic(fig, path):
    """Write to a temporary file beside ``path``, then rename it into place."""
    from .io import atomic_write

    with atomic_write(path) as f:
        fig.savefig(f, format="png")  # drawn by fig.canvas, its own Agg canvas
