"""``w2v similar | analogy | eval | info | convert | plot``: everything after training."""

from __future__ import annotations

import os
from pathlib import Path

from ..run_state import json_float
from .common import (
    UserError,
    add_common_flags,
    add_json_flag,
    check_input,
    check_output,
    check_outputs,
    load_vectors,
    print_json,
)

ANALOGY_RESTRICT_VOCAB = 30000  # the usual analogy protocol (gensim's default is 300000)
PAIRS_RESTRICT_VOCAB = 300000  # gensim's default for word pairs


def add_parsers(sub):
    p = sub.add_parser(
        "similar",
        help="nearest words by cosine similarity",
        description="Nearest words to each WORD; with no WORD, one query a line from standard input (the "
        "words of a line summed, as word2vec.c's distance does), until EXIT or the end of the input.",
    )
    p.add_argument("model", help="a model or vectors file")
    p.add_argument("words", nargs="*", metavar="WORD", help="one query per word (none: read standard input)")
    p.add_argument("--topn", type=int, default=10, help="how many neighbours (default 10)")
    p.add_argument("--restrict-vocab", type=int, help="search only the N most frequent words")
    add_json_flag(p)
    add_common_flags(p)
    p.set_defaults(func=similar)

    p = sub.add_parser(
        "analogy",
        help="A is to B as C is to ?  (B - A + C)",
        description="A is to B as C is to ?; with no words, one 'A B C' a line from standard input, as "
        "word2vec.c's word-analogy reads them, until EXIT or the end of the input.",
    )
    p.add_argument("model", help="a model or vectors file")
    p.add_argument("a", nargs="?")
    p.add_argument("b", nargs="?")
    p.add_argument("c", nargs="?")
    p.add_argument("--topn", type=int, default=5, help="how many answers (default 5)")
    p.add_argument("--method", choices=["3cosadd", "3cosmul"], default="3cosadd", help="default 3cosadd")
    add_json_flag(p)
    add_common_flags(p)
    p.set_defaults(func=analogy)

    p = sub.add_parser("eval", help="score on the standard benchmarks")
    p.add_argument("model", help="a model or vectors file")
    p.add_argument(
        "--dataset",
        nargs="+",
        default=["google", "wordsim353", "simlex999"],
        metavar="NAME_OR_PATH",
        help="google, wordsim353, simlex999 (shipped; default all three) or files in their formats",
    )
    p.add_argument(
        "--restrict-vocab",
        type=int,
        default=ANALOGY_RESTRICT_VOCAB,
        help="analogies: the most frequent N words (30000, the usual protocol; gensim's default is 300000)",
    )
    p.add_argument("--method", choices=["3cosadd", "3cosmul"], default="3cosadd", help="analogies (3cosadd)")
    p.add_argument("--case-sensitive", action="store_true", help="do not fold case (default: fold)")
    p.add_argument("--sections", action="store_true", help="also print each analogy section")
    add_json_flag(p)
    add_common_flags(p)
    p.set_defaults(func=evaluate)

    p = sub.add_parser("info", help="what a model or vectors file holds")
    p.add_argument("model", help="a model or vectors file")
    add_json_flag(p)
    add_common_flags(p)
    p.set_defaults(func=info)

    p = sub.add_parser("convert", help="convert between vector formats")
    p.add_argument("input", help="a model or vectors file (format detected)")
    p.add_argument("output", help="the file to write")
    p.add_argument(
        "--to",
        choices=["native", "word2vec-binary", "word2vec-text", "glove-text"],
        help="output format (default: by suffix: .bin binary, .txt/.vec text, otherwise native)",
    )
    p.add_argument(
        "--from-gensim",
        action="store_true",
        help="INPUT is a gensim Word2Vec saved with gensim's save(): a Python pickle, which runs code "
        "when loaded, so only for files you trust; a native OUTPUT keeps the whole model (training "
        "continues in w2v), other formats its vectors",
    )
    add_common_flags(p)
    p.set_defaults(func=convert)

    p = sub.add_parser("plot", help="draw words in 2-D (PCA), or a model's loss curve")
    p.add_argument("model", help="a model or vectors file")
    p.add_argument("-o", "--output", required=True, help="the PNG file to write")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--words", nargs="+", metavar="WORD", help="the words to draw")
    what.add_argument("--top", type=int, metavar="N", help="draw the N most frequent words (default 40)")
    what.add_argument("--loss", action="store_true", help="draw the training loss per epoch instead")
    add_common_flags(p)
    p.set_defaults(func=plot)


def _positive(name, value):
    if value is not None and value < 1:
        raise UserError(f"--{name} {value} is invalid: must be an integer >= 1")


def _rows(pairs):
    return [{"word": w, "similarity": round(s, 6)} for w, s in pairs]


def _folding(path):
    """``str.lower`` if the model in ``path`` was trained on lower-cased text (its tokenizer record),
    else the identity: queries are read the way the corpus was."""
    from ..io.native import load_native

    try:
        kind, meta, _ = load_native(path, mmap=True, verify=False)
    except Exception:  # not a native model (word2vec files and the like): no record to follow
        return lambda word: word
    record = (meta.get("state") or {}).get("tokenizer") if kind == "model" else None
    if isinstance(record, dict) and record.get("lowercase") is True:
        return str.lower
    return lambda word: word


def _stdin_queries(prompt):
    """The lines of standard input, split into words, until EXIT or the end (a prompt on a terminal)."""
    import sys

    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            print(prompt, end="", flush=True)
        line = sys.stdin.readline()
        if not line or line.strip() == "EXIT":
            return
        if line.strip():
            yield line.split()


def _print_pairs(title, pairs):
    print(title)
    width = max((len(w) for w, _ in pairs), default=0)
    for rank, (w, s) in enumerate(pairs, 1):
        print(f"  {rank:2d}. {w:<{width}}  {s:.4f}")


def _each_query(queries, answer, show):
    """Answer each query; an unknown word (or a malformed line) on standard input is reported
    on that line and the next query follows, as word2vec.c's distance does."""
    from .common import one_line

    for query in queries:
        try:
            result = answer(query)
        except (KeyError, ValueError) as exc:
            print(f"w2v: {one_line(exc)}", flush=True)
            continue
        show(query, result)


def similar(args):
    _positive("topn", args.topn)
    _positive("restrict-vocab", args.restrict_vocab)
    kv, fold = load_vectors(args.model), _folding(args.model)

    def answer(words):
        words = [fold(w) for w in words]
        return kv.most_similar(positive=words, topn=args.topn, restrict_vocab=args.restrict_vocab)

    if not args.words:

        def show(words, pairs):
            if args.json:
                print_json({"query": " ".join(words), "neighbours": _rows(pairs)})
            else:
                _print_pairs(f"nearest to {' '.join(words)!r}:", pairs)
            print(flush=True)

        _each_query(_stdin_queries("Enter word or sentence (EXIT to break): "), answer, show)
        return 0
    answers = {w: answer([w]) for w in args.words}
    if args.json:
        print_json([{"query": w, "neighbours": _rows(pairs)} for w, pairs in answers.items()])
        return 0
    for i, (word, pairs) in enumerate(answers.items()):
        _print_pairs(("\n" if i else "") + f"nearest to {word!r}:", pairs)
    return 0


def analogy(args):
    _positive("topn", args.topn)
    given = [w for w in (args.a, args.b, args.c) if w is not None]
    if len(given) not in (0, 3):
        raise UserError(
            "give three words A B C (A is to B as C is to ?), or none to read them from standard input"
        )
    kv, fold = load_vectors(args.model), _folding(args.model)

    def answer(words):
        if len(words) != 3:
            raise ValueError(f"give three words a line (A B C), not {len(words)}")
        a, b, c = (fold(w) for w in words)
        query = {"positive": [b, c], "negative": [a], "topn": args.topn}
        return kv.most_similar(**query) if args.method == "3cosadd" else kv.most_similar_cosmul(**query)

    def show(words, pairs):
        a, b, c = words
        if args.json:
            print_json({"a": a, "b": b, "c": c, "method": args.method, "answers": _rows(pairs)})
        else:
            _print_pairs(f"{a} : {b} :: {c} : ?   ({args.method})", pairs)

    if not given:
        _each_query(_stdin_queries("Enter three words (EXIT to break): "), answer, show)
        return 0
    show(given, answer(given))
    return 0


def _is_analogy_file(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                return line.startswith(": ")
    return False


def evaluate(args):
    from ..evaluate import DATASETS, accuracy, dataset_path

    _positive("restrict-vocab", args.restrict_vocab)
    kv = load_vectors(args.model)
    results = []
    for name in args.dataset:
        path = dataset_path(name)
        label = name if name in DATASETS else os.path.basename(name)
        if _is_analogy_file(path):
            score, sections = kv.evaluate_word_analogies(
                path,
                restrict_vocab=args.restrict_vocab,
                case_insensitive=not args.case_sensitive,
                method=args.method,
            )
            total = sections[-1]
            used = len(total["correct"]) + len(total["incorrect"])
            results.append(
                {
                    "dataset": label,
                    "kind": "analogy",
                    "method": args.method,
                    "restrict_vocab": args.restrict_vocab,
                    "accuracy": score,
                    "correct": len(total["correct"]),
                    "questions": used,
                    "skipped": total["skipped"],
                    "sections": [
                        {
                            "section": s["section"],
                            "accuracy": accuracy(s) if s["correct"] or s["incorrect"] else None,
                            "correct": len(s["correct"]),
                            "questions": len(s["correct"]) + len(s["incorrect"]),
                            "skipped": s["skipped"],
                        }
                        for s in sections[:-1]
                    ],
                }
            )
        else:
            r = kv.evaluate_word_pairs(
                path, restrict_vocab=PAIRS_RESTRICT_VOCAB, case_insensitive=not args.case_sensitive
            )
            results.append(
                {
                    "dataset": label,
                    "kind": "word-pairs",
                    "restrict_vocab": PAIRS_RESTRICT_VOCAB,
                    "spearman": r.spearman.correlation,
                    "spearman_pvalue": r.spearman.pvalue,
                    "pearson": r.pearson.statistic,
                    "pearson_pvalue": r.pearson.pvalue,
                    "pairs": r.pairs,
                    "skipped": r.oov,
                    "oov_ratio": r.oov_ratio,
                }
            )
    if args.json:
        print_json(
            [{k: (json_float(v) if isinstance(v, float) else v) for k, v in r.items()} for r in results]
        )
        return 0
    kinds = {r["kind"] for r in results}
    if "analogy" in kinds:
        usual = " (the usual protocol)" if args.restrict_vocab == ANALOGY_RESTRICT_VOCAB else ""
        print(f"analogies: restrict_vocab={args.restrict_vocab}{usual}; gensim's default is 300000")
    if "word-pairs" in kinds:
        print(f"word pairs: restrict_vocab={PAIRS_RESTRICT_VOCAB} (gensim's default)")
    print(f"{'dataset':<14} {'measure':<22} {'score':>8} {'scored':>8} {'skipped':>8}")
    for r in results:
        if r["kind"] == "analogy":
            print(
                f"{r['dataset']:<14} {'accuracy (' + r['method'] + ')':<22} {100 * r['accuracy']:7.2f}% "
                f"{r['questions']:8d} {r['skipped']:8d}"
            )
            if args.sections:
                for s in r["sections"]:
                    acc = "     n/a" if s["accuracy"] is None else f"{100 * s['accuracy']:7.2f}%"
                    print(f"  {s['section']:<34} {acc} {s['questions']:8d} {s['skipped']:8d}")
        else:
            print(
                f"{r['dataset']:<14} {'Spearman':<22} {r['spearman']:8.4f} {r['pairs']:8d} {r['skipped']:8d}"
            )
            print(f"{'':<14} {'Pearson':<22} {r['pearson']:8.4f}")
    return 0


def info(args):
    from ..io import sniff_format
    from ..model import Word2Vec

    path = check_input(args.model)
    fmt = sniff_format(path)
    report = {"file": str(path), "format": fmt, "bytes": path.stat().st_size}
    model = Word2Vec.load(path) if _holds_model(path) else None
    kv = model.wv if model is not None else load_vectors(path)
    report.update(kind="model" if model is not None else "vectors", words=len(kv), dimensions=kv.vector_size)
    if model is not None:
        report["parameters"] = model.get_params()
        report["corpus"] = model.corpus_
        report["epochs_trained"] = model.epochs_trained_
        report["train_seconds"] = round(model.train_seconds_, 3)
        report["loss_per_epoch"] = [json_float(x) for x in model.loss_history_]
        report["frozen_loss_per_epoch"] = [json_float(x) for x in model.eval_loss_history_]
        report["interrupted"] = None
        if model.interrupted:
            run = model.run_state
            report["interrupted"] = {"epoch": run.epoch + 1, "epochs": run.epochs, "block": run.block}
    if args.json:
        print_json(report)
        return 0
    print(f"file:        {report['file']} ({report['format']}, {report['bytes']:,} bytes)")
    print(f"holds:       {report['kind']}: {report['words']:,} words x {report['dimensions']} dimensions")
    if model is None:
        return 0
    p = report["parameters"]
    arch = "skip-gram" if p["sg"] else f"CBOW ({'mean' if p['cbow_mean'] else 'sum'})"
    objective = " + ".join(
        x
        for x in (
            f"negative sampling (k={p['negative']})" if p["negative"] else "",
            "hierarchical softmax" if p["hs"] else "",
        )
        if x
    )
    print(f"model:       {arch}, {objective}")
    print("parameters:  " + " ".join(f"{k}={v}" for k, v in p.items()))
    print(f"corpus:      {report['corpus'] or 'not recorded'}")
    print(f"trained:     {report['epochs_trained']} epoch(s) in {report['train_seconds']:.1f} s")
    for i, (loss, frozen) in enumerate(
        zip(report["loss_per_epoch"], report["frozen_loss_per_epoch"], strict=True)
    ):
        print(f"  epoch {i + 1}: loss {_fmt(loss)} (frozen-weights loss {_fmt(frozen)})")
    if report["interrupted"]:
        r = report["interrupted"]
        print(
            f"stopped:     in epoch {r['epoch']} of {r['epochs']} "
            f"(resume with: w2v train --resume {path} -o MODEL)"
        )
    return 0


def _holds_model(path):
    """True for a native file of kind "model" (not just vectors)."""
    from ..io import load_native, sniff_format

    return sniff_format(path) == "native" and load_native(path, verify=False)[0] == "model"


def _fmt(x):
    return "n/a" if x is None else f"{x:.4f}"


def convert(args):
    from ..storage import format_for_output

    source = check_input(args.input)
    (out,) = check_outputs([("output", args.output)], [("input", source)])
    fmt = format_for_output(out, args.to)
    if args.from_gensim:
        from ..model import Word2Vec

        model = Word2Vec.from_gensim(source)
        kv = model.wv
        if fmt == "native":
            model.save(out)
            if not args.quiet:
                print(f"wrote {out} (a w2v model, {len(kv):,} words x {kv.vector_size} dimensions)")
            return 0
    else:
        kv = load_vectors(source)
    kv.save(out, fmt=fmt)
    if not args.quiet:
        print(f"wrote {out} ({fmt}, {len(kv):,} words x {kv.vector_size} dimensions)")
    return 0


def plot(args):
    from ..plot import plot_loss, plot_words

    out = check_output(args.output, "picture")
    if args.loss:
        from ..model import Word2Vec

        path = check_input(args.model)
        if not _holds_model(path):
            raise UserError(f"{path} holds word vectors only, no training history: give a model file")
        model = Word2Vec.load(path)
        if not model.loss_history_:
            raise UserError(f"{path} has no completed epoch to draw")
        plot_loss(model.loss_history_, model.eval_loss_history_, out)
    else:
        kv = load_vectors(args.model)
        _positive("top", args.top)
        words = args.words or kv.index_to_key[: args.top or 40]
        missing = [w for w in words if w not in kv]
        if missing:
            raise KeyError(kv.unknown_word_message(missing[0]))
        if len(words) < 2:
            raise UserError("a 2-D picture needs at least two words")
        plot_words(kv, words, out, title=f"{Path(args.model).name}: {len(words)} words, PCA")
    if not args.quiet:
        print(f"wrote {out}")
    return 0
