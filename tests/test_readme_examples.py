"""The Python examples in README.md and docs/gensim.md run as written, one after another
(later blocks use what earlier ones defined), in a scratch folder."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", (ROOT / path).read_text(encoding="utf-8"), flags=re.S)


def test_readme_python_examples_run(tmp_path, monkeypatch):
    blocks = python_blocks("README.md")
    assert len(blocks) >= 3
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the project's own docs
    assert (tmp_path / "model.w2v").exists() and (tmp_path / "vectors.bin").exists()


def test_the_gensim_page_example_runs(tmp_path, monkeypatch, gensim_models):
    from gensim.test.utils import common_texts

    (block,) = python_blocks("docs/gensim.md")[:1]
    monkeypatch.chdir(tmp_path)
    namespace = {"common_texts": common_texts, "more_sentences": common_texts[:4]}
    exec(compile(block, "docs/gensim.md", "exec"), namespace)  # noqa: S102
    assert namespace["vector"].shape == (100,) and len(namespace["sims"]) == 10


@pytest.mark.parametrize(
    "path",
    ["README.md", "docs/gensim.md", "docs/vectors.md", "docs/engine.md", "docs/spark.md", "docs/explore.md"],
)
def test_linked_documents_exist(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+\.md)\)", text):
        assert (ROOT / path).parent.joinpath(target).exists(), target
