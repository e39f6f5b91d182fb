"""Layer anatomy: every shape and parameter count, Bidirectional plainly, and the PyTorch mapping.

Sources: shared/seeds/000_8bfcafdf4a3936b9.txt (a PyTorch Q&A on using an LSTM's
outputs: the last step, a bidirectional sum, a concatenation) and
shared/seeds/003_1c9e4ff5f7572158.txt (nn.RNN shapes, one and two layers). Both are
PyTorch; here each claim is checked on the Keras 3 equivalent, batch-major, and on
PyTorch itself where torch is installed (pip install -e ".[torch]"). The shape table
asserts every cell against rules stated in lstm_lab/anatomy.py.

Claims: C000-05 … C000-08, C003-01 … C003-03, L-02-01 … L-02-03 (shared/claims.md).

    python experiments/02_layer_anatomy.py                  # full, about 30 s
    python experiments/02_layer_anatomy.py --profile quick
"""

import numpy as np

from lstm_lab import anatomy, bidirectional, torch_mapping
from lstm_lab.backend import keras
from lstm_lab.claims import check, check_failed, exactly, within
from lstm_lab.cli import experiment_parser, run_experiment
from lstm_lab.errors import error_summary
from lstm_lab.report import Report, markdown_table

EXPERIMENT = "02_layer_anatomy"
TITLE = "Layer anatomy: shapes, parameters, Bidirectional, and the PyTorch mapping"

PROFILES = {"full": {"kinds": anatomy.KINDS}, "quick": {"kinds": ("LSTM",)}}


def main(argv=None):
    args = experiment_parser(__doc__).parse_args(argv)
    settings = PROFILES[args.profile]
    report = Report(EXPERIMENT, TITLE, profile=args.profile, seed=args.seed, results_dir=args.results_dir)
    torch, torch_missing = torch_mapping.torch_or_reason()

    # ## 1. The shape table and the parameter formulas
    kinds = settings["kinds"]
    print(f"1/4 building the shape table: {', '.join(kinds)} x wrappers x flags x 1-2 layers", flush=True)
    keras.utils.set_random_seed(args.seed)
    rows = anatomy.shape_table(kinds=kinds, seed=args.seed)
    report.add(
        check(
            "L-02-01",
            documented=len(rows),
            observed=sum(row["shapes_agree"] for row in rows),
            compare=exactly,
            evidence=f"combinations whose outputs and states have exactly the predicted shapes, of "
            f"{len(rows)} built and run (units 3, batch 2, 7 steps, 5 features): the table below",
        )
    )
    parameter_rows = anatomy.parameter_table()
    agreeing = sum(r["formula"] == r["count_params"] for r in parameter_rows) + sum(
        row["parameters_agree"] for row in rows
    )
    report.add(
        check(
            "L-02-02",
            documented=len(parameter_rows) + len(rows),
            observed=agreeing,
            compare=exactly,
            evidence="count_params() equal to the formula: SimpleRNN u(f+u+1), LSTM 4u(f+u+1), "
            "GRU 3u(f+u+1) + 3u with reset_after=True (second bias row), Bidirectional twice its "
            f"layer; {len(parameter_rows)} single layers of several sizes and the {len(rows)} models "
            "of the shape table",
        )
    )
    single_layer = {
        (r["layer"], r["return_state"]): r
        for r in rows
        if r["wrapper"] == "–" and r["layers"] == 1 and not r["return_sequences"]
    }
    states = {kind: len(single_layer[(kind, True)]["observed"]) - 1 for kind in kinds}
    report.add(
        check(
            "C000-08",
            documented={"stacking needs return_sequences=True below": True}
            | {f"{kind} states": anatomy.STATES[kind] for kind in kinds},
            observed={"stacking needs return_sequences=True below": stacking_needs_sequences()}
            | {f"{kind} states": count for kind, count in states.items()},
            compare=exactly,
            evidence=f"an LSTM on top of an LSTM without return_sequences: {stacking_error()}; "
            "states counted from the shape table (single layer, return_state=True)",
        )
    )

    # ## 2. What the last step holds: plain, bidirectional, concatenated
    print("2/4 the last step of plain, bidirectional and concatenated outputs", flush=True)
    last = bidirectional.probe_last_output(seed=args.seed)
    report.add(
        check(
            "C000-05",
            documented="a linear map of the last h",
            observed="the last h itself" if last["last output - final h"] == 0 else "not the last h",
            compare=exactly,
            expect="refuted",
            evidence=f"max abs difference between sequence[:, -1] and the final h: "
            f"{last['last output - final h']:.3g}; a Dense layer comes only if you add one",
        )
    )
    bi = bidirectional.probe_bidirectional(seed=args.seed)
    report.add(
        check(
            "C000-06",
            documented={"output width": 8, "last step's backward half summarises the sentence": True},
            observed={
                "output width": bi["output width"],
                "last step's backward half summarises the sentence": bi[
                    "earlier tokens changed: backward half, last step moves by"
                ]
                > 0,
            },
            compare=exactly,
            expect="refuted",
            evidence="Bidirectional(LSTM(4)): changing every token but the last moves the backward half "
            f"of the last step by {bi['earlier tokens changed: backward half, last step moves by']:.3g} "
            f"(the forward half by {bi['earlier tokens changed: forward half, last step moves by']:.3g}): "
            "it has seen one token. The backward summary is at step 0 "
            f"(backward half, first step - backward final h: {bi['backward half, first step - backward final h']:.3g}); "
            f"forward half, last step - forward final h: {bi['forward half, last step - forward final h']:.3g}; "
            "states come back as [forward h, forward c, backward h, backward c]",
        )
    )
    joined = bidirectional.probe_concatenation(seed=args.seed)
    from_first_branch = joined["along time: last step - first branch's last step"]
    from_both_branches = joined["along features: last step - both branches' last steps"]
    report.add(
        check(
            "C000-07",
            documented={"joined along time: last step is the second branch's": True},
            observed={
                "joined along time: last step is the second branch's": joined[
                    "along time: last step - second branch's last step"
                ]
                == 0
            },
            compare=exactly,
            evidence="Keras equivalent, batch-major: Concatenate(axis=1) of two (2, 6, 4) outputs is "
            f"{tuple(joined['along time: shape'])} and its last step equals the second branch's (it "
            f"differs from the first's by {from_first_branch:.3g}); "
            f"Concatenate(axis=-1) is {tuple(joined['along features: shape'])} and its last step holds both "
            f"(difference {from_both_branches:.3g})",
        )
    )

    # ## 3. The seed's PyTorch shapes, and weight sharing
    print("3/4 PyTorch nn.RNN shapes and the Keras equivalents", flush=True)
    keras_shapes = keras_rnn_shapes()
    for claim_id, layers, documented in [
        ("C003-01", 1, {"out": [10, 3, 20], "h": [1, 3, 20]}),
        ("C003-02", 2, {"out": [10, 3, 20], "h": [2, 3, 20]}),
    ]:
        keras_equivalent = (
            f"Keras equivalent, batch-major: {layers} x SimpleRNN(20, return_sequences=True, "
            f"return_state=True) on (3, 10, 100) gives {keras_shapes[layers]}"
        )
        if torch is None:
            report.add(check_failed(claim_id, f"{torch_missing}; {keras_equivalent}", documented))
            continue
        report.add(
            check(
                claim_id,
                documented=documented,
                observed=torch_mapping.torch_rnn_shapes(layers, seed=args.seed),
                compare=exactly,
                evidence=f"torch {torch.__version__} nn.RNN(100, 20, num_layers={layers}), time-major; "
                + keras_equivalent,
            )
        )
    counts = anatomy.parameters_by_sequence_length()
    report.add(
        check(
            "C003-03",
            documented=True,
            observed=len(set(counts.values())) == 1,
            compare=exactly,
            evidence="SimpleRNN(20) on 100 features, count_params() by sequence length: "
            + ", ".join(f"{length}: {count}" for length, count in counts.items())
            + f" (= 20 x (100 + 20 + 1) = {anatomy.parameter_count('SimpleRNN', 20, 100)})",
        )
    )

    # ## 4. Keras weights in PyTorch
    print("4/4 mapping Keras weights into PyTorch", flush=True)
    mapping = {}
    if torch is None:
        report.add(check_failed("L-02-03", torch_missing, documented=0.0))
    else:
        mapping = {
            "LSTM": torch_mapping.compare_single_layer("LSTM", seed=args.seed),
            "GRU (reset_after=True)": torch_mapping.compare_single_layer("GRU", seed=args.seed),
            "2 x Bidirectional(LSTM)": torch_mapping.compare_bidirectional_stack(seed=args.seed),
        }
        report.add(
            check(
                "L-02-03",
                documented=0.0,
                observed=max(result["max abs difference"] for result in mapping.values()),
                compare=within(torch_mapping.TOLERANCE),
                evidence="outputs and final states on random inputs (batch 3, 7 steps, 4 features, "
                "5 units), largest difference: "
                + "; ".join(f"{name} {r['max abs difference']:.2g}" for name, r in mapping.items()),
            )
        )

    # ## Report
    report.section("The shape table", shape_markdown(rows))
    report.section("Parameter formulas", parameter_markdown(parameter_rows))
    report.section("PyTorch and Keras side by side", pytorch_markdown(keras_shapes, mapping, torch_missing))
    report.metric("shape_table_rows", len(rows))
    report.metric("shape_table_rows_agreeing", sum(row["shapes_agree"] for row in rows))
    report.metric("torch", torch.__version__ if torch is not None else None)
    report.metric(
        "torch_max_abs_difference", {name: r["max abs difference"] for name, r in mapping.items()}
    )
    report.note(anatomy.__doc__.split("\n\n", 1)[1].strip().replace("\n", " "))
    return report.write()


def stacking_error():
    """What Keras says when the lower of two stacked LSTMs returns only its last output."""
    inputs = keras.Input(shape=(7, 5))
    try:
        keras.layers.LSTM(3)(keras.layers.LSTM(3)(inputs))
    except ValueError as error:
        return error_summary(error)
    return "no error"


def stacking_needs_sequences():
    return stacking_error() != "no error"


def keras_rnn_shapes():
    """Shapes of 1 and 2 stacked SimpleRNN(20, return_sequences, return_state) on (3, 10, 100)."""
    shapes = {}
    for layers in (1, 2):
        inputs = keras.Input(shape=(10, 100), batch_size=3)
        x, outputs = inputs, []
        for _ in range(layers):
            x, h = keras.layers.SimpleRNN(20, return_sequences=True, return_state=True)(x)
            outputs.append(h)
        shapes[layers] = "out " + str(tuple(x.shape)) + ", " + ", ".join(f"h {tuple(h.shape)}" for h in outputs)
    return shapes


def shape_markdown(rows):
    table = markdown_table(
        ["layer", "wrapper", "return_sequences", "return_state", "layers", "shapes", "params", "✓"],
        [
            [
                r["layer"], r["wrapper"], r["return_sequences"], r["return_state"], r["layers"],
                ", ".join(str(s) for s in r["observed"]),
                f"{r['observed_parameters']} / {r['expected_parameters']}",
                "✓" if r["shapes_agree"] and r["parameters_agree"] else "✗",
            ]
            for r in rows
        ],
    )
    return (
        "Each row was built and run; a cell shows the shapes Keras returned (output(s), then "
        "states). ✓: equal to the rules' prediction. Parameter counts: count_params() / formula.\n\n"
        + table
    )


def parameter_markdown(rows):
    return markdown_table(
        ["layer", "features f", "units u", "formula", "count_params()"],
        [[r["layer"], r["features"], r["units"], r["formula"], r["count_params"]] for r in rows],
    )


def pytorch_markdown(keras_shapes, mapping, torch_missing):
    side_by_side = markdown_table(
        ["", "PyTorch (time-major)", "Keras 3 (batch-major)"],
        [
            ["1 layer, x (10, 3, 100) / (3, 10, 100)", "out (10, 3, 20), h (1, 3, 20)", keras_shapes[1]],
            ["2 layers", "out (10, 3, 20), h (2, 3, 20)", keras_shapes[2]],
            ["states of a 2-layer bidirectional LSTM", "h_n, c_n: (layers x directions, batch, units)",
             "[fwd h, fwd c, bwd h, bwd c] per layer, each (batch, units)"],
            ["LSTM gate order", "i, f, g, o", "i, f, c, o (same)"],
            ["GRU gate order", "r, z, n", "z, r, h"],
            ["LSTM biases", "bias_ih + bias_hh (4u each)", "one bias (4u)"],
        ],
    )
    if not mapping:
        return side_by_side + f"\n\nThe numeric mapping check did not run: {torch_missing}."
    checked = markdown_table(
        ["mapped model", "max abs difference", "Keras parameters", "PyTorch parameters", "h_n shape"],
        [
            [name, f"{r['max abs difference']:.2g}", r["keras parameters"], r["torch parameters"],
             tuple(r["torch h_n shape"])]
            for name, r in mapping.items()
        ],
    )
    return side_by_side + "\n\n" + checked


if __name__ == "__main__":
    run_experiment(main)
