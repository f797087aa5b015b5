"""w2v.spark on a real local Spark (local[2], with task retries): the estimator as MLlib's
users call it, its persistence, its vocabulary against one machine's, its quality on text
with an obvious structure, a killed task, and bad input. pyspark and Java are needed: outside
CI their absence skips these tests, in CI it fails them (make test installs pyspark)."""

from __future__ import annotations

import importlib
import os
import shutil
import sys

import numpy as np
import pytest

from conftest import in_ci, require_peer

try:
    importlib.import_module("pyspark")
except ImportError:
    MISSING = "pyspark is missing: pip install 'w2v[spark]' (make test installs it)"
    if in_ci():
        pytest.fail(f"{MISSING} (CI=true: a missing peer is a failure, not a skip)", pytrace=False)
    pytest.skip(MISSING, allow_module_level=True)

from pyspark.ml.feature import Word2Vec as MLlibWord2Vec  # noqa: E402
from pyspark.ml.feature import Word2VecModel as MLlibWord2VecModel  # noqa: E402
from pyspark.ml.linalg import DenseVector, SparseVector  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql.types import ArrayType, StringType, StructField, StructType  # noqa: E402

from w2v import Word2Vec as OneMachine  # noqa: E402
from w2v.spark import SparkInputError, Word2Vec, Word2VecModel  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    require_peer(shutil.which("java"), "Java (Spark needs it)", "apt-get install openjdk-17-jre-headless")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors' Python: this one, which has w2v
    session = (
        SparkSession.builder.master("local[2,3]")  # 2 cores; a failed task is tried up to 3 times
        .appName("w2v tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def two_topics(n=400, seed=0, length=12):
    """Sentences drawn from one of two groups of words that never meet: an obvious structure."""
    rng = np.random.default_rng(seed)
    groups = [[f"cat{i}" for i in range(8)], [f"car{i}" for i in range(8)]]
    return [[str(w) for w in rng.choice(groups[i % 2], length)] for i in range(n)]


def token_frame(spark, sentences, slices=2):
    schema = StructType([StructField("tokens", ArrayType(StringType()))])
    rdd = spark.sparkContext.parallelize([(s,) for s in sentences], slices)
    return spark.createDataFrame(rdd, schema)


FAST = dict(vectorSize=16, minCount=1, maxIter=3, syncRounds=4, progress="")


def test_the_same_calls_run_with_mllibs_import_and_with_w2vs(spark, tmp_path):
    """A user's MLlib code, unchanged but for the import: every call and the shapes it returns."""
    df = token_frame(spark, two_topics(200))
    for estimator_class, model_class in ((MLlibWord2Vec, MLlibWord2VecModel), (Word2Vec, Word2VecModel)):
        w2v = estimator_class(vectorSize=8, minCount=1, inputCol="tokens", outputCol="vec", seed=42)
        w2v.setMaxIter(2).setNumPartitions(2).setStepSize(0.025).setWindowSize(3).setMaxSentenceLength(100)
        assert (w2v.getVectorSize(), w2v.getMinCount(), w2v.getMaxIter()) == (8, 1, 2)
        assert (w2v.getNumPartitions(), w2v.getWindowSize(), w2v.getMaxSentenceLength()) == (2, 3, 100)
        assert (w2v.getInputCol(), w2v.getOutputCol(), w2v.getSeed(), w2v.getStepSize()) == (
            "tokens",
            "vec",
            42,
            0.025,
        )
        model = w2v.fit(df)
        vectors = model.getVectors()
        assert vectors.columns == ["word", "vector"] and vectors.count() == 16
        assert len(vectors.first().vector) == 8
        synonyms = model.findSynonyms("cat1", 3)
        assert synonyms.columns == ["word", "similarity"] and synonyms.count() == 3
        pairs = model.findSynonymsArray("cat1", 3)
        assert len(pairs) == 3 and all(isinstance(w, str) and isinstance(s, float) for w, s in pairs)
        assert "cat1" not in [w for w, _ in pairs]
        by_vector = model.findSynonymsArray(vectors.first().vector, 2)
        assert len(by_vector) == 2
        out = model.transform(df).select("vec").first().vec
        assert isinstance(out, DenseVector) and len(out) == 8
        model.setOutputCol("other")
        assert "other" in model.transform(df).columns
        w2v.write().overwrite().save(str(tmp_path / estimator_class.__module__ / "est"))
        assert estimator_class.load(str(tmp_path / estimator_class.__module__ / "est")).getMaxIter() == 2
        model.write().overwrite().save(str(tmp_path / estimator_class.__module__ / "model"))
        loaded = model_class.load(str(tmp_path / estimator_class.__module__ / "model"))
        again = loaded.findSynonymsArray("cat1", 3)
        assert [w for w, _ in again] == [w for w, _ in pairs]
        assert [s for _, s in again] == pytest.approx([s for _, s in pairs], abs=1e-6)


def test_transform_averages_as_mllib_does(spark):
    """MLlib's document vector: the sum of the known words' vectors over the number of words
    (unknown ones count), and an empty document gives a zero vector. Checked on MLlib's own model
    first (the definition), then on w2v's."""
    df = token_frame(spark, two_topics(100))
    docs = spark.createDataFrame([(["cat1", "nowhere", "cat2"],), ([],)], "tokens: array<string>")
    for cls in (MLlibWord2Vec, Word2Vec):
        model = cls(vectorSize=6, minCount=1, inputCol="tokens", outputCol="vec", maxIter=1).fit(df)
        table = {r.word: np.array(r.vector) for r in model.getVectors().collect()}
        full, empty = [r.vec for r in model.transform(docs).collect()]
        assert np.allclose(full.toArray(), (table["cat1"] + table["cat2"]) / 3, atol=1e-7)
        assert isinstance(empty, SparseVector) and empty.size == 6 and empty.numNonzeros() == 0


def test_the_vocabulary_is_one_machines_on_the_same_text(spark, tmp_path):
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(300)]
    p = rng.zipf(1.3, 20_000) % 300  # ties in counts, words first seen at scattered places
    lines = [" ".join(words[j] for j in p[i : i + 37]) for i in range(0, len(p), 37)]
    path = tmp_path / "text.txt"
    path.write_text("\n".join(lines) + "\n")
    one = OneMachine(min_count=3, vector_size=4, progress=False).build_vocab(corpus_file=str(path))
    df = spark.createDataFrame(spark.sparkContext.parallelize([(x,) for x in lines], 3), "text: string")
    est = Word2Vec(
        inputCol="text", vectorSize=4, minCount=3, maxIter=1, numPartitions=2, syncRounds=1, progress=""
    )
    got = est.fit(df).to_w2v()
    assert got.wv.index_to_key == one.wv.index_to_key
    assert got.vocab_.counts.tolist() == one.vocab_.counts.tolist()
    assert got.vocab_.total_words == one.vocab_.total_words
    folded = est.copy({est.lowercase: True}).fit(df.selectExpr("upper(text) AS text")).to_w2v()
    assert folded.wv.index_to_key == one.wv.index_to_key  # UPPER CASE folded back, as one machine folds
    tokens = df.selectExpr("split(upper(text), ' ') AS tokens")
    folded = Word2Vec(inputCol="tokens", vectorSize=4, minCount=3, maxIter=1, lowercase=True, progress="")
    assert folded.fit(tokens).to_w2v().wv.index_to_key == one.wv.index_to_key
    capped = est.copy({est.maxFinalVocab: 40}).fit(df).to_w2v()
    one_capped = OneMachine(min_count=3, max_final_vocab=40, vector_size=4, progress=False)
    assert capped.wv.index_to_key == one_capped.build_vocab(corpus_file=str(path)).wv.index_to_key


@pytest.mark.parametrize("partitions", [1, 2, 4])
def test_an_obvious_structure_gives_the_expected_neighbours(spark, partitions):
    df = token_frame(spark, two_topics(600, seed=partitions), slices=3)
    est = Word2Vec(inputCol="tokens", numPartitions=partitions, sample=0.0, **{**FAST, "maxIter": 5})
    model = est.fit(df)
    for word in ("cat0", "car5"):
        near = [w for w, _ in model.findSynonymsArray(word, 5)]
        assert all(w[:3] == word[:3] for w in near), (partitions, word, near)


def test_the_model_round_trips_through_spark_ml_persistence(spark, tmp_path):
    df = token_frame(spark, two_topics(200))
    est = Word2Vec(inputCol="tokens", outputCol="vec", numPartitions=2, negative=3, **FAST)
    model = est.fit(df)
    path = str(tmp_path / "model")
    model.save(path)
    back = Word2VecModel.load(path)
    a, b = model.to_w2v(), back.to_w2v()
    assert b.wv.index_to_key == a.wv.index_to_key
    assert np.array_equal(b.wv.vectors, a.wv.vectors)
    assert np.array_equal(b.w_out_hs, a.w_out_hs) and np.array_equal(b.w_out_ns, a.w_out_ns)
    assert b.vocab_.counts.tolist() == a.vocab_.counts.tolist()
    assert b.loss_history_ == a.loss_history_
    assert (b.negative, b.hs, b.sg, b.epochs, b.window) == (3, 1, 1, 3, 5)
    assert back.getNumPartitions() == 2 and back.getOutputCol() == "vec" and back.getNegative() == 3
    assert back.transform(df).first().vec == model.transform(df).first().vec
    b.train(two_topics(50), total_examples=50, epochs=1)  # the model loaded whole: it trains on
    est.save(str(tmp_path / "est"))
    again = Word2Vec.load(str(tmp_path / "est"))
    assert again.extractParamMap() == {again.getParam(p.name): v for p, v in est.extractParamMap().items()}


def test_a_killed_and_retried_task_leaves_the_result_as_it_would_have_been(spark):
    df = token_frame(spark, two_topics(300))
    est = Word2Vec(inputCol="tokens", numPartitions=2, **FAST)
    clean = est.fit(df).to_w2v()
    est._fault = (1, 2, 1)  # epoch 2, round 3, shard 1: its first attempt's worker dies mid-task
    retried = est.fit(df).to_w2v()
    assert np.array_equal(retried.wv.vectors, clean.wv.vectors)
    assert np.array_equal(retried.w_out_hs, clean.w_out_hs)
    assert retried.loss_history_ == clean.loss_history_


def test_the_wiring_of_the_vectors_is_w2vs(spark):
    """to_w2v() and wv are the ordinary w2v objects: queries, evaluation and files work."""
    model = Word2Vec(inputCol="tokens", **FAST).fit(token_frame(spark, two_topics(200)))
    assert model.wv is model.to_w2v().wv
    assert model.wv.most_similar("cat1", topn=2)[0][0].startswith("cat")
    assert model.to_w2v().epochs_trained_ == 3


def test_bad_input_gives_one_clear_error_on_the_driver(spark):
    schema = StructType([StructField("tokens", ArrayType(StringType()))])
    empty = spark.createDataFrame([], schema)
    with pytest.raises(SparkInputError, match="no words"):
        Word2Vec(inputCol="tokens", **FAST).fit(empty)
    blank = spark.createDataFrame([([],), (None,)], schema)
    with pytest.raises(SparkInputError, match="no words"):
        Word2Vec(inputCol="tokens", **FAST).fit(blank)
    numbers = spark.createDataFrame([(1,), (2,)], "n: int")
    with pytest.raises(SparkInputError, match="holds int"):
        Word2Vec(inputCol="n", **FAST).fit(numbers)
    rare = token_frame(spark, [["a", "b", "c"], ["d", "e"]])
    with pytest.raises(SparkInputError, match="minCount=5"):
        Word2Vec(inputCol="tokens", **{**FAST, "minCount": 5}).fit(rare)
    with pytest.raises(SparkInputError, match="no column 'words'"):
        Word2Vec(inputCol="words", **FAST).fit(rare)
    with pytest.raises(ValueError, match="inputCol is not set"):
        Word2Vec(**FAST).fit(rare)
    with pytest.raises(ValueError, match="vectorSize=0 is invalid"):
        Word2Vec(inputCol="tokens", **{**FAST, "vectorSize": 0}).fit(rare)
    with pytest.raises(ValueError, match="minStepSize=0.1 is invalid"):
        Word2Vec(inputCol="tokens", minStepSize=0.1, **FAST).fit(rare)
    with pytest.raises(ValueError, match="syncScheme"):
        Word2Vec(inputCol="tokens", syncScheme="median", **FAST).fit(rare)
    with pytest.raises(KeyError, match="not in the vocabulary"):
        Word2Vec(inputCol="tokens", **FAST).fit(token_frame(spark, two_topics(50))).findSynonymsArray(
            "zzz", 2
        )
