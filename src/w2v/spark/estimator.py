"""``w2v.spark.Word2Vec`` and ``Word2VecModel``: a ``pyspark.ml`` Estimator and Model with
MLlib's Word2Vec interface (same Params, defaults, methods and persistence), trained by w2v's
kernel on the executors (``w2v.spark.training``).

Swap ``from pyspark.ml.feature import Word2Vec`` for ``from w2v.spark import Word2Vec``: the
same calls run. w2v's own Params (``sg``, ``hs``, ``negative``, ``sample``, ...) are extra,
and the model's ``wv`` / ``to_w2v()`` give the ordinary w2v KeyedVectors / Word2Vec on the
driver.
"""

from __future__ import annotations

import numpy as np
from pyspark import keyword_only
from pyspark.ml import Estimator, Model
from pyspark.ml.linalg import DenseVector, SparseVector, Vector, VectorUDT
from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

from . import training
from .params import Word2VecParams, check_all
from .persistence import ModelReadable, ModelWritable, ParamsReadable, ParamsWritable


class Word2Vec(Estimator, Word2VecParams, ParamsReadable, ParamsWritable):
    """Word2Vec on Spark, trained by w2v's kernel (see the module's docstring and docs/spark.md).

    MLlib's Params with MLlib's defaults: skip-gram with hierarchical softmax, ``maxIter=1``
    epoch, ``stepSize=0.025``, ``numPartitions=1``, ``maxSentenceLength=1000``. w2v's Params:
    ``sg``, ``hs``, ``negative``, ``sample`` (1e-3: w2v subsamples frequent words, MLlib does
    not), ``minStepSize``, ``nsExponent``, ``cbowMean``, ``batched``, ``shuffle``, ``maxVocabSize``,
    ``maxFinalVocab``, ``syncRounds`` (synchronisations per epoch), ``syncScheme``, and for a
    string column ``lowercase`` and ``tokenizer``.
    """

    @keyword_only
    def __init__(self, **kwargs):
        super().__init__()
        self._fault = None  # tests: (epoch, round, shard) whose first attempt is killed
        self._set(**self._input_kwargs)

    @keyword_only
    def setParams(self, **kwargs):
        """Set any of the Params by name (MLlib's and w2v's)."""
        return self._set(**self._input_kwargs)

    def _fit(self, dataset):
        params = check_all(self)
        sc = dataset.sparkSession.sparkContext
        threads = int(sc.getConf().get("spark.task.cpus", "1"))
        model = training.fit(
            dataset,
            self.getInputCol(),
            params,
            n_shards=self.getNumPartitions(),
            threads=threads,
            fault=self._fault,
            progress=params["progress"],
        )
        if params["tokenizer"] != "whitespace" or params["lowercase"]:
            model.tokenizer_ = {"lowercase": params["lowercase"], "tokenizer": params["tokenizer"]}
        result = Word2VecModel(model)
        return self._copyValues(result)


class Word2VecModel(Model, Word2VecParams, ModelReadable, ModelWritable):
    """The fitted model: MLlib's Word2VecModel methods over a w2v.Word2Vec held on the driver."""

    def __init__(self, w2v_model=None):
        super().__init__()
        self._model = w2v_model

    # -- w2v's view ---------------------------------------------------------------------------

    def to_w2v(self):
        """The trained w2v.Word2Vec (queries, evaluation, file formats, further training)."""
        return self._model

    @property
    def wv(self):
        """The word vectors as w2v.KeyedVectors."""
        return self._model.wv

    # -- MLlib's methods ------------------------------------------------------------------------

    def setInputCol(self, value):
        return self._set(inputCol=value)

    def setOutputCol(self, value):
        return self._set(outputCol=value)

    def getVectors(self):
        """A DataFrame of (word, vector), as MLlib's."""
        wv = self.wv
        rows = [
            (w, DenseVector(v)) for w, v in zip(wv.index_to_key, wv.vectors.astype(np.float64), strict=True)
        ]
        schema = StructType([StructField("word", StringType()), StructField("vector", VectorUDT())])
        return _session().createDataFrame(rows, schema)

    def findSynonymsArray(self, word, num):
        """The ``num`` words closest to ``word`` (a word, left out of the answer, or a vector) by
        cosine similarity: a list of (word, similarity)."""
        if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 0:
            raise ValueError(f"num must be a whole number >= 0, got {num!r}")
        if num == 0:
            return []
        wv = self.wv
        if isinstance(word, str):
            if word not in wv.key_to_index:
                raise KeyError(f"{word!r} is not in the vocabulary")  # MLlib: "... not in vocabulary"
            found = wv.most_similar(positive=[word], topn=int(num))
        else:
            vector = np.asarray(word.toArray() if isinstance(word, Vector) else word, dtype=np.float64)
            if vector.shape != (wv.vector_size,):
                raise ValueError(f"the vector has {vector.size} dimensions, the model {wv.vector_size}")
            found = wv.similar_by_vector(vector.astype(np.float32), topn=int(num))
        return [(str(w), float(s)) for w, s in found]

    def findSynonyms(self, word, num):
        """findSynonymsArray as a DataFrame of (word, similarity), as MLlib's."""
        schema = StructType([StructField("word", StringType()), StructField("similarity", DoubleType())])
        return _session().createDataFrame(self.findSynonymsArray(word, num), schema)

    def _transform(self, dataset):
        """Each row's document vector in ``outputCol``: the sum of its words' vectors divided by
        its number of words (words outside the vocabulary add nothing but count; an empty row
        gives zeros), as MLlib. A string column is split as ``fit`` split it."""
        column = self.getInputCol()
        wv = self.wv
        table = dataset.sparkSession.sparkContext.broadcast((wv.key_to_index, wv.vectors.astype(np.float64)))
        d = wv.vector_size
        split = None
        lowercase = bool(self.getOrDefault("lowercase"))
        if isinstance(dataset.schema[column].dataType, StringType):
            split = training.Splitter(lowercase, self.getOrDefault("tokenizer"))

        def document(sentence):
            if split is not None:
                sentence = split(sentence)
            elif lowercase and sentence:  # tokens folded as fit folded them
                sentence = [w.lower() if w is not None else w for w in sentence]
            if not sentence:
                return SparseVector(d, [], [])
            index, vectors = table.value
            total = np.zeros(d)
            for word in sentence:
                i = index.get(word)
                if i is not None:
                    total += vectors[i]
            return DenseVector(total / len(sentence))

        vectors = F.udf(document, VectorUDT(), useArrow=False)
        return dataset.withColumn(self.getOutputCol(), vectors(F.col(column)))


def _session():
    session = SparkSession.getActiveSession()
    if session is None:
        raise RuntimeError("no active SparkSession: start one (SparkSession.builder.getOrCreate())")
    return session
