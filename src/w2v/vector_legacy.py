"""The names gensim 4 deprecated or retired, for KeyedVectors: old code keeps working or fails as in gensim.

- deprecated, working, with gensim's ``DeprecationWarning``: ``word_vec``,
  ``words_closer_than``, ``init_sims``;
- retired, with gensim's ``AttributeError``: ``index2word``, ``index2entity``,
  ``vocab``, ``vectors_norm``; ``similarity_unseen_docs`` (a Doc2Vec method)
  raises ``NotImplementedError``;
- ``add_lifecycle_event``, gensim's record of what happened to an object.
"""

from __future__ import annotations

import copy
import datetime
import logging
import platform
import sys
import warnings

from ._version import __version__

logger = logging.getLogger("w2v")

_MIGRATING = "See https://github.com/RaRe-Technologies/gensim/wiki/Migrating-from-Gensim-3.x-to-4"


def deprecated(name, reason):
    """gensim's DeprecationWarning for a retired name, pointing at the caller's line."""
    warnings.warn(f"Call to deprecated `{name}` ({reason}).", DeprecationWarning, stacklevel=3)


class GensimLegacy:
    """Mixin of KeyedVectors: gensim's deprecated and retired names."""

    def word_vec(self, *args, **kwargs):
        """Deprecated alias of ``get_vector``."""
        deprecated("word_vec", "Use get_vector instead")
        return self.get_vector(*args, **kwargs)

    def words_closer_than(self, word1, word2):
        """Deprecated alias of ``closer_than``."""
        deprecated("words_closer_than", "Use closer_than instead")
        return self.closer_than(word1, word2)

    def init_sims(self, replace=False):
        """Deprecated (gensim 4): use ``fill_norms()``; ``replace=True`` calls ``unit_normalize_all()``."""
        deprecated("init_sims", f"Use fill_norms() instead. {_MIGRATING}")
        self.fill_norms()
        if replace:
            logger.warning(
                "destructive init_sims(replace=True) deprecated & no longer required for space-efficiency"
            )
            self.unit_normalize_all()

    @property
    def vectors_norm(self):
        raise AttributeError(
            "The `.vectors_norm` attribute is computed dynamically since Gensim 4.0.0. "
            f"Use `.get_normed_vectors()` instead.\n{_MIGRATING}"
        )

    @vectors_norm.setter
    def vectors_norm(self, _):
        pass  # ignored, as gensim does

    @property
    def index2word(self):
        raise AttributeError(
            f"The index2word attribute has been replaced by index_to_key since Gensim 4.0.0.\n{_MIGRATING}"
        )

    @property
    def index2entity(self):
        raise AttributeError(
            f"The index2entity attribute has been replaced by index_to_key since Gensim 4.0.0.\n{_MIGRATING}"
        )

    @property
    def vocab(self):
        raise AttributeError(
            "The vocab attribute was removed from KeyedVector in Gensim 4.0.0.\n"
            "Use KeyedVector's .key_to_index dict, .index_to_key list, and methods "
            f".get_vecattr(key, attr) and .set_vecattr(key, attr, new_val) instead.\n{_MIGRATING}"
        )

    def similarity_unseen_docs(self, *args, **kwargs):
        raise NotImplementedError("Call similarity_unseen_docs on a Doc2Vec model instead.")

    def add_lifecycle_event(self, event_name, log_level=logging.INFO, **event):
        """Record an event (a dict with the time and versions) in ``lifecycle_events``, as gensim does."""
        event_dict = copy.deepcopy(event)
        event_dict["datetime"] = datetime.datetime.now().isoformat()
        event_dict["w2v"] = __version__
        event_dict["python"] = sys.version
        event_dict["platform"] = platform.platform()
        event_dict["event"] = event_name
        if not hasattr(self, "lifecycle_events"):
            self.lifecycle_events = []
        if log_level:
            logger.log(log_level, "%s lifecycle event %s", self.__class__.__name__, event_dict)
        if self.lifecycle_events is not None:
            self.lifecycle_events.append(event_dict)
