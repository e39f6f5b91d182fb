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

from lstm_lab.claims.compare import within
from lstm_lab.experiment import Experiment, run
from lstm_lab.probes import anatomy, bidirectional
from lstm_lab.references import torch_mapping
from lstm_lab.report.markdown import markdown_table

TITLE = "Layer anatomy: shapes, parameters, Bidirectional, and the PyTorch mapping"
PROFILES = {"full": {"kinds": anatomy.KINDS}, "quick": {"kinds": ("LSTM",)}}


def main(argv=None):
    lab = Experiment(__doc__, "02_layer_anatomy", TITLE, PROFILES, argv)
    report = lab.report
    torch, torch_missing = torch_mapping.torch_or_reason()

    # ## 1. The shape table and the parameter formulas
    kinds = lab.settings["kinds"]
    lab.progress(f"1/4 the shape table: {', '.join(kinds)} x wrappers x flags x 1-2 layers")
    rows = anatomy.shape_table(kinds=kinds, seed=lab.reseed("shape table"))
    agreeing_shapes = sum(row["shapes_agree"] for row in rows)
    report.check("L-02-01", documented=len(rows), observed=agreeing_shapes,
                 evidence="combinations whose outputs and states have exactly the predicted "
                 f"shapes, of {len(rows)} built and run (units 3, batch 2, 7 steps, 5 features): "
                 "the table below")
    parameter_rows = anatomy.parameter_table()
    agreeing = sum(r["formula"] == r["count_params"] for r in parameter_rows)
    agreeing += sum(row["parameters_agree"] for row in rows)
    report.check("L-02-02", documented=len(parameter_rows) + len(rows), observed=agreeing,
                 evidence="count_params() equal to the formula: SimpleRNN u(f+u+1), LSTM "
                 "4u(f+u+1), GRU 3u(f+u+1) + 3u with reset_after=True (second bias row), "
                 f"Bidirectional twice its layer; {len(parameter_rows)} single layers of several "
                 f"sizes and the {len(rows)} models of the shape table")
    single_layer = {(r["layer"], r["return_state"]): r for r in rows
                    if r["wrapper"] == "–" and r["layers"] == 1 and not r["return_sequences"]}
    states = {kind: len(single_layer[(kind, True)]["observed"]) - 1 for kind in kinds}
    stacking_error = anatomy.stacking_error()
    report.check(
        "C000-08",
        documented={"stacking needs return_sequences=True below": True}
        | {f"{kind} states": anatomy.STATES[kind] for kind in kinds},
        observed={"stacking needs return_sequences=True below": stacking_error != "no error"}
        | {f"{kind} states": count for kind, count in states.items()},
        evidence=f"an LSTM on top of an LSTM without return_sequences: {stacking_error}; "
        "states counted from the shape table (single layer, return_state=True)",
    )

    # ## 2. What the last step holds: plain, bidirectional, concatenated
    lab.progress("2/4 the last step of plain, bidirectional and concatenated outputs")
    last = bidirectional.probe_last_output(seed=lab.seed_for("C000-05 probe"))
    gap = last["last output - final h"]
    report.check("C000-05", documented="a linear map of the last h",
                 observed="the last h itself" if gap == 0 else "not the last h",
                 evidence=f"max abs difference between sequence[:, -1] and the final h: {gap:.3g}; "
                 "a Dense layer comes only if you add one")
    bi = bidirectional.probe_bidirectional(seed=lab.seed_for("C000-06 probe"))
    backward_moves = bi["earlier tokens changed: backward half, last step moves by"]
    report.check(
        "C000-06",
        documented={"output width": 8, "last step's backward half summarises the sentence": True},
        observed={"output width": bi["output width"],
                  "last step's backward half summarises the sentence": backward_moves > 0},
        evidence="Bidirectional(LSTM(4)): changing every token but the last moves the backward "
        f"half of the last step by {backward_moves:.3g} (the forward half by "
        f"{bi['earlier tokens changed: forward half, last step moves by']:.3g}): it has seen one "
        "token. The backward summary is at step 0 (backward half, first step - backward final "
        f"h: {bi['backward half, first step - backward final h']:.3g}); forward half, last step "
        f"- forward final h: {bi['forward half, last step - forward final h']:.3g}; states come "
        "back as [forward h, forward c, backward h, backward c]",
    )
    joined = bidirectional.probe_concatenation(seed=lab.seed_for("C000-07 probe"))
    second_gap = joined["along time: last step - second branch's last step"]
    first_gap = joined["along time: last step - first branch's last step"]
    both_gap = joined["along features: last step - both branches' last steps"]
    report.check(
        "C000-07",
        documented={"joined along time: last step is the second branch's": True},
        observed={"joined along time: last step is the second branch's": second_gap == 0},
        evidence="Keras equivalent, batch-major: Concatenate(axis=1) of two (2, 6, 4) outputs is "
        f"{tuple(joined['along time: shape'])} and its last step equals the second branch's (it "
        f"differs from the first's by {first_gap:.3g}); Concatenate(axis=-1) is "
        f"{tuple(joined['along features: shape'])} and its last step holds both (difference "
        f"{both_gap:.3g})",
    )

    # ## 3. The source's PyTorch shapes, and weight sharing
    lab.progress("3/4 PyTorch nn.RNN shapes and the Keras equivalents")
    keras_shapes = anatomy.stacked_simple_rnn_shapes()
    for claim_id, layers, documented in [
        ("C003-01", 1, {"out": [10, 3, 20], "h": [1, 3, 20]}),
        ("C003-02", 2, {"out": [10, 3, 20], "h": [2, 3, 20]}),
    ]:
        keras_equivalent = (f"Keras equivalent, batch-major: {layers} x SimpleRNN(20, "
                            "return_sequences=True, return_state=True) on (3, 10, 100) gives "
                            f"{keras_shapes[layers]}")
        if torch is None:
            report.not_run(claim_id, f"{torch_missing}; {keras_equivalent}", documented)
            continue
        report.check(claim_id, documented=documented,
                     observed=torch_mapping.torch_rnn_shapes(layers, seed=lab.seed_for(claim_id)),
                     evidence=f"torch {torch.__version__} nn.RNN(100, 20, num_layers={layers}), "
                     f"time-major; {keras_equivalent}")
    counts = anatomy.parameters_by_sequence_length()
    report.check("C003-03", documented=True, observed=len(set(counts.values())) == 1,
                 evidence="SimpleRNN(20) on 100 features, count_params() by sequence length: "
                 + ", ".join(f"{length}: {count}" for length, count in counts.items())
                 + f" (= 20 x (100 + 20 + 1) = {anatomy.parameter_count('SimpleRNN', 20, 100)})")

    # ## 4. Keras weights in PyTorch
    lab.progress("4/4 mapping Keras weights into PyTorch")
    mapping = {}
    if torch is None:
        report.not_run("L-02-03", torch_missing, documented=0.0)
    else:
        seed = lab.seed_for("L-02-03 weights and inputs")
        mapping = {
            "LSTM": torch_mapping.compare_single_layer("LSTM", seed=seed),
            "GRU (reset_after=True)": torch_mapping.compare_single_layer("GRU", seed=seed),
            "2 x Bidirectional(LSTM)": torch_mapping.compare_bidirectional_stack(seed=seed),
        }
        differences = {name: r["max abs difference"] for name, r in mapping.items()}
        report.check("L-02-03", documented=0.0, observed=max(differences.values()),
                     compare=within(torch_mapping.TOLERANCE),
                     evidence="outputs and final states on random inputs (batch 3, 7 steps, 4 "
                     "features, 5 units), largest difference: "
                     + "; ".join(f"{name} {value:.2g}" for name, value in differences.items()))

    # ## Report
    report.section("The shape table", SHAPE_TABLE_INTRO + markdown_table(
        ["layer", "wrapper", "return_sequences", "return_state", "layers", "shapes", "params", "✓"],
        [[r["layer"], r["wrapper"], r["return_sequences"], r["return_state"], r["layers"],
          ", ".join(str(s) for s in r["observed"]),
          f"{r['observed_parameters']} / {r['expected_parameters']}",
          "✓" if r["shapes_agree"] and r["parameters_agree"] else "✗"] for r in rows],
    ))
    report.section("Parameter formulas", markdown_table(
        ["layer", "features f", "units u", "formula", "count_params()"],
        [[r["layer"], r["features"], r["units"], r["formula"], r["count_params"]]
         for r in parameter_rows],
    ))
    side_by_side = markdown_table(["", "PyTorch (time-major)", "Keras 3 (batch-major)"], [
        ["1 layer, x (10, 3, 100) / (3, 10, 100)", "out (10, 3, 20), h (1, 3, 20)",
         keras_shapes[1]],
        ["2 layers", "out (10, 3, 20), h (2, 3, 20)", keras_shapes[2]],
        ["states of a 2-layer bidirectional LSTM", "h_n, c_n: (layers x directions, batch, units)",
         "[fwd h, fwd c, bwd h, bwd c] per layer, each (batch, units)"],
        ["LSTM gate order", "i, f, g, o", "i, f, c, o (same)"],
        ["GRU gate order", "r, z, n", "z, r, h"],
        ["LSTM biases", "bias_ih + bias_hh (4u each)", "one bias (4u)"],
    ])
    checked = markdown_table(
        ["mapped model", "max abs difference", "Keras parameters", "PyTorch parameters",
         "h_n shape"],
        [[name, f"{r['max abs difference']:.2g}", r["keras parameters"], r["torch parameters"],
          tuple(r["torch h_n shape"])] for name, r in mapping.items()],
    ) if mapping else f"The numeric mapping check did not run: {torch_missing}."
    report.section("PyTorch and Keras side by side", side_by_side + "\n\n" + checked)
    report.metric("shape_table_rows", len(rows))
    report.metric("shape_table_rows_agreeing", agreeing_shapes)
    report.metric("torch", torch.__version__ if torch is not None else None)
    report.metric("torch_max_abs_difference",
                  {name: r["max abs difference"] for name, r in mapping.items()})
    report.note(anatomy.__doc__.split("\n\n", 1)[1].strip().replace("\n", " "))
    return lab.finish()


SHAPE_TABLE_INTRO = (
    "Each row was built and run; a cell shows the shapes Keras returned (output(s), then "
    "states). ✓: equal to the rules' prediction. Parameter counts: count_params() / formula.\n\n"
)

if __name__ == "__main__":
    run(main)
