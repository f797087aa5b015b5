"""Spark ML persistence for w2v.spark: ``save``/``load``, ``write().overwrite().save`` and
``Pipeline`` saving work as for MLlib's classes, on any file system Spark writes to.

The Estimator stores only its Params (``metadata/``, Spark's own layout). The Model also
stores its vocabulary and vectors as Parquet, as MLlib does: ``data/`` holds (index, word,
count, vector) rows and ``output/`` the output layers' rows (matrix, index, vector), so the
w2v.Word2Vec on the driver comes back whole (it can go on training); the w2v parameters and
training history travel in the metadata's ``w2v`` field.
"""

from __future__ import annotations

import math
import os

import numpy as np
from pyspark.ml.util import (
    DefaultParamsReadable,
    DefaultParamsReader,
    DefaultParamsWritable,
    DefaultParamsWriter,
    MLReadable,
    MLReader,
    MLWritable,
    MLWriter,
)
from pyspark.sql.types import ArrayType, FloatType, IntegerType, LongType, StringType, StructField, StructType

from ..model import Word2Vec as W2VModel
from ..vocab import Vocabulary

FORMAT = 1
_DATA = StructType(
    [
        StructField("index", IntegerType(), False),
        StructField("word", StringType(), False),
        StructField("count", LongType(), False),
        StructField("vector", ArrayType(FloatType(), False), False),
    ]
)
_OUTPUT = StructType(
    [
        StructField("matrix", StringType(), False),
        StructField("index", IntegerType(), False),
        StructField("vector", ArrayType(FloatType(), False), False),
    ]
)


class ParamsReadable(DefaultParamsReadable):
    """The Estimator's ``load``/``read`` (Spark's default for Params-only classes)."""


class ParamsWritable(DefaultParamsWritable):
    """The Estimator's ``save``/``write``."""


class ModelWritable(MLWritable):
    def write(self):
        return ModelWriter(self)


class ModelReadable(MLReadable):
    @classmethod
    def read(cls):
        return ModelReader(cls)


def _finite(values):
    return [None if v is None or not math.isfinite(v) else float(v) for v in values]


class ModelWriter(MLWriter):
    def __init__(self, instance):
        super().__init__()
        self.instance = instance

    def saveImpl(self, path):
        model = self.instance.to_w2v()
        spark = self.sparkSession
        extra = {
            "w2v": {
                "format": FORMAT,
                "params": model.get_params(),  # every Word2Vec parameter (plain values)
                "total_words": int(model.vocab_.total_words),
                "loss_history": _finite(model.loss_history_),
                "eval_loss_history": _finite(model.eval_loss_history_),
                "epochs_trained": int(model.epochs_trained_),
                "words_trained": int(model.words_trained_),
                "tokenizer": model.tokenizer_,
            }
        }
        # the SparkContext: what every pyspark from 3.5 on takes here
        DefaultParamsWriter.saveMetadata(self.instance, path, spark.sparkContext, extraMetadata=extra)
        wv = model.wv
        rows = [
            (i, w, int(c), v.tolist())
            for i, (w, c, v) in enumerate(
                zip(wv.index_to_key, model.vocab_.counts.tolist(), wv.vectors, strict=True)
            )
        ]
        spark.createDataFrame(rows, _DATA).write.parquet(os.path.join(path, "data"))
        out = [
            (name, i, v.tolist())
            for name in ("w_out_ns", "w_out_hs")
            if getattr(model, name) is not None
            for i, v in enumerate(getattr(model, name))
        ]
        spark.createDataFrame(out, _OUTPUT).write.parquet(os.path.join(path, "output"))


class ModelReader(MLReader):
    def __init__(self, cls):
        super().__init__()
        self.cls = cls

    def load(self, path):
        spark = self.sparkSession
        metadata = DefaultParamsReader.loadMetadata(path, spark.sparkContext)
        if not str(metadata.get("class", "")).endswith(self.cls.__name__) or "w2v" not in metadata:
            raise ValueError(
                f"{path!r} is not a saved w2v.spark {self.cls.__name__} (it holds {metadata.get('class')})"
            )
        info = metadata["w2v"]
        if info.get("format") != FORMAT:
            raise ValueError(f"{path!r} was saved by a newer w2v (format {info.get('format')}); upgrade w2v")
        data = sorted(spark.read.parquet(os.path.join(path, "data")).collect(), key=lambda r: r["index"])
        if [r["index"] for r in data] != list(range(len(data))):
            raise ValueError(f"{path!r}: the saved vocabulary is incomplete")
        model = W2VModel(**info["params"], progress=False)
        counts = np.array([r["count"] for r in data], dtype=np.int64)
        model._install_vocab(Vocabulary([r["word"] for r in data], counts, int(info["total_words"])))
        model.wv.vectors[:] = np.array([r["vector"] for r in data], dtype=np.float32).reshape(len(data), -1)
        outputs = spark.read.parquet(os.path.join(path, "output")).collect()
        for name in ("w_out_ns", "w_out_hs"):
            rows = sorted((r["index"], r["vector"]) for r in outputs if r["matrix"] == name)
            target = getattr(model, name)
            if target is None:
                continue
            if len(rows) != len(target):
                raise ValueError(f"{path!r}: the saved {name} has {len(rows)} rows, expected {len(target)}")
            target[:] = np.array([v for _, v in rows], dtype=np.float32)
        nan = float("nan")
        model.loss_history_ = [nan if v is None else v for v in info["loss_history"]]
        model.eval_loss_history_ = [nan if v is None else v for v in info["eval_loss_history"]]
        model.epochs_trained_ = int(info["epochs_trained"])
        model.words_trained_ = int(info["words_trained"])
        model.tokenizer_ = info.get("tokenizer")
        model.wv.reset_norms()
        instance = self.cls(model)
        instance._resetUid(metadata["uid"])
        DefaultParamsReader.getAndSetParams(instance, metadata)
        return instance
