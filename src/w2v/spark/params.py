"""The Params of w2v.spark.Word2Vec: MLlib Word2Vec's (same names, meanings and defaults) and
w2v's, each checked before any work starts, with the message one machine gives."""

from __future__ import annotations

from pyspark.ml.param import Param, Params, TypeConverters
from pyspark.ml.param.shared import HasInputCol, HasMaxIter, HasOutputCol, HasSeed, HasStepSize

from ..corpus import token_pattern
from ..distributed.sync import SCHEMES
from ..params import check_param

_EXTRA = {  # name: (doc, converter, default)
    "sg": ("1 for skip-gram (MLlib's only architecture), 0 for CBOW", TypeConverters.toInt, 1),
    "hs": ("1 for hierarchical softmax (MLlib's only objective), 0 for none", TypeConverters.toInt, 1),
    "negative": (
        "negative samples per prediction (0: none; w2v's default elsewhere is 5)",
        TypeConverters.toInt,
        0,
    ),
    "sample": ("threshold for subsampling frequent words (0: none, as MLlib)", TypeConverters.toFloat, 1e-3),
    "minStepSize": (
        "the learning rate at the end of training (it falls linearly)",
        TypeConverters.toFloat,
        1e-4,
    ),
    "nsExponent": ("exponent of the negative-sampling distribution", TypeConverters.toFloat, 0.75),
    "cbowMean": ("CBOW: 1 for the mean of the context vectors, 0 for their sum", TypeConverters.toInt, 1),
    "shrinkWindows": (
        "draw each window's reach in 1..windowSize (word2vec.c, MLlib)",
        TypeConverters.toBoolean,
        True,
    ),
    "batched": ("skip-gram with negative sampling: one step per window", TypeConverters.toBoolean, True),
    "shuffle": (
        "visit each partition's blocks in a new random order each epoch",
        TypeConverters.toBoolean,
        True,
    ),
    "maxVocabSize": ("bound on distinct words held while counting a partition (None: none)", None, None),
    "maxFinalVocab": ("keep at most this many words (None: no limit)", None, None),
    "syncRounds": (
        "synchronisations of the partitions' weights per epoch (0: enough for one machine's quality)",
        TypeConverters.toInt,
        0,
    ),
    "syncScheme": (
        "how the partitions' changes combine: " + ", ".join(SCHEMES) + " (docs/spark.md)",
        TypeConverters.toString,
        "hybrid",
    ),
    "lowercase": ("string column: fold the text to lower case", TypeConverters.toBoolean, False),
    "tokenizer": (
        "string column: 'whitespace', 'simple' or a regular expression",
        TypeConverters.toString,
        "whitespace",
    ),
    "progress": (
        "'auto' (a bar on a terminal, else log lines), 'bar', 'log', or '' for none",
        TypeConverters.toString,
        "auto",
    ),
}


class Word2VecParams(HasStepSize, HasMaxIter, HasSeed, HasInputCol, HasOutputCol):
    """MLlib's Word2Vec Params and w2v's, with their getters and setters."""

    vectorSize = Param(
        Params._dummy(), "vectorSize", "the dimension of the word vectors", TypeConverters.toInt
    )
    numPartitions = Param(
        Params._dummy(), "numPartitions", "number of partitions trained in parallel", TypeConverters.toInt
    )
    minCount = Param(
        Params._dummy(),
        "minCount",
        "the minimum number of times a token must appear to be included in the vocabulary",
        TypeConverters.toInt,
    )
    windowSize = Param(
        Params._dummy(),
        "windowSize",
        "the window size (context words from [-window, window])",
        TypeConverters.toInt,
    )
    maxSentenceLength = Param(
        Params._dummy(),
        "maxSentenceLength",
        "sentences longer than this are cut into pieces of this many words",
        TypeConverters.toInt,
    )

    def __init__(self, *args):
        super().__init__(*args)
        self._setDefault(
            vectorSize=100,
            minCount=5,
            numPartitions=1,
            stepSize=0.025,
            maxIter=1,
            windowSize=5,
            maxSentenceLength=1000,
            seed=1,
            **{name: default for name, (_, _, default) in _EXTRA.items()},
        )


def _accessors(cls, name):
    """MLlib's getX / setX methods for Param ``name`` (setters return the instance)."""
    title = name[0].upper() + name[1:]

    def getter(self):
        return self.getOrDefault(name)

    def setter(self, value):
        return self._set(**{name: value})

    getter.__doc__, setter.__doc__ = f"The value of {name} or its default.", f"Set {name}."
    getter.__name__, setter.__name__ = f"get{title}", f"set{title}"
    setattr(cls, getter.__name__, getter)
    setattr(cls, setter.__name__, setter)


for _name, (_doc, _conv, _) in _EXTRA.items():
    setattr(Word2VecParams, _name, Param(Params._dummy(), _name, _doc, _conv))
for _name in (
    "vectorSize",
    "numPartitions",
    "minCount",
    "windowSize",
    "maxSentenceLength",
    "stepSize",
    "maxIter",
    "seed",
    "inputCol",
    "outputCol",
    *_EXTRA,
):
    _accessors(Word2VecParams, _name)


def check_all(instance):
    """The Params as w2v's parameter names, checked (ValueError naming the Param and the range)."""
    get = instance.getOrDefault
    if not instance.isDefined(instance.inputCol):
        raise ValueError("inputCol is not set: Word2Vec(inputCol='tokens', ...)")
    p = {
        "vector_size": get("vectorSize"),
        "window": get("windowSize"),
        "min_count": get("minCount"),
        "max_final_vocab": get("maxFinalVocab"),
        "max_vocab_size": get("maxVocabSize"),
        "sg": get("sg"),
        "hs": get("hs"),
        "negative": get("negative"),
        "ns_exponent": get("nsExponent"),
        "sample": get("sample"),
        "alpha": get("stepSize"),
        "min_alpha": get("minStepSize"),
        "epochs": get("maxIter"),
        "seed": get("seed"),
        "cbow_mean": get("cbowMean"),
        "max_sentence_length": get("maxSentenceLength"),
        "shuffle": int(get("shuffle")),
        "shrink_windows": int(get("shrinkWindows")),
        "batched": int(get("batched")),
    }
    spark_names = {
        "vector_size": "vectorSize",
        "window": "windowSize",
        "min_count": "minCount",
        "max_final_vocab": "maxFinalVocab",
        "max_vocab_size": "maxVocabSize",
        "alpha": "stepSize",
        "min_alpha": "minStepSize",
        "epochs": "maxIter",
        "ns_exponent": "nsExponent",
        "cbow_mean": "cbowMean",
        "max_sentence_length": "maxSentenceLength",
        "shrink_windows": "shrinkWindows",
    }
    for name, value in p.items():
        try:
            check_param(name, value)
        except ValueError as e:
            raise ValueError(str(e).replace(f"{name}=", f"{spark_names.get(name, name)}=", 1)) from None
    if p["min_alpha"] > p["alpha"]:
        raise ValueError(f"minStepSize={p['min_alpha']!r} is invalid: must be <= stepSize={p['alpha']!r}")
    if not p["negative"] and not p["hs"]:
        raise ValueError("negative=0 and hs=0 leave nothing to train: set hs=1 or negative > 0")
    partitions, rounds = get("numPartitions"), get("syncRounds")
    for name, value, low in (("numPartitions", partitions, 1), ("syncRounds", rounds, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 100_000:
            raise ValueError(f"{name}={value!r} is invalid: must be an integer >= {low} and <= 100000")
    if get("syncScheme") not in SCHEMES:
        raise ValueError(f"syncScheme={get('syncScheme')!r} is invalid: must be one of {', '.join(SCHEMES)}")
    if get("progress") not in ("auto", "bar", "log", ""):
        raise ValueError(f"progress={get('progress')!r} is invalid: must be 'auto', 'bar', 'log' or ''")
    token_pattern(get("tokenizer"))
    p.update(
        rounds=rounds,
        sync=get("syncScheme"),
        block_words=10_000,
        lowercase=bool(get("lowercase")),
        tokenizer=get("tokenizer"),
        progress=get("progress"),
    )
    return p
