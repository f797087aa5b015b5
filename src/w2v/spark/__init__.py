"""w2v on Apache Spark: ``from w2v.spark import Word2Vec`` in place of
``from pyspark.ml.feature import Word2Vec``. Needs pyspark (``pip install 'w2v[spark]'``) and
Java. See docs/spark.md."""

try:
    import pyspark  # noqa: F401
except ImportError as e:  # pragma: no cover - exercised where pyspark is missing
    raise ImportError("w2v.spark needs pyspark: pip install 'w2v[spark]' (and Java 17 or later)") from e

from .estimator import Word2Vec, Word2VecModel
from .training import SparkInputError

__all__ = ["Word2Vec", "Word2VecModel", "SparkInputError"]
