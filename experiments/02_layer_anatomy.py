"""Layer anatomy: every shape and parameter count, Bidirectional plainly, and the PyTorch mapping.

Sources: shared/seeds/000_8bfcafdf4a3936b9.txt (a PyTorch Q&A on using an LSTM's
outputs: the last step, a bidirectional sum, a concatenation) and
shared/seeds/003_1c9e4ff5f7572158.txt (nn.RNN shapes, one and two layers). Both are
PyTorch; here each claim is checked on the Keras 3 equivalent, batch-major, and on
PyTorch itself where torch is installed (pip install -e ".[torch]"; a torch that is
installed but fails to import makes those claims errors). The shape table asserts every
cell against rules stated in lstm_lab/probes/anatomy.py. Each claim's control is the same
probe on a configuration whose outcome is known to be the opposite.

Claims: those of experiment 02 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/02_layer_anatomy.py                  # full, about 30 s
    python experiments/02_layer_anatomy.py --profile quick
"""

from lstm_lab.claims.compare import same_error, within
from lstm_lab.experiment import Experiment, run
from lstm_lab.probes import anatomy, bidirectional
from lstm_lab.references import torch_mapping
from lstm_lab.report.markdown import markdown_table

TITLE = "Layer anatomy: shapes, parameters, Bidirectional, and the PyTorch mapping"
LINEAR = 1e-6  # a least-squares residual, relative: float32 outputs fitted in float64
PROFILES = {"full": {"kinds": anatomy.KINDS}, "quick": {"kinds": ("LSTM",)}}


def main(argv=None):
    lab = Experiment(__doc__, "02_layer_anatomy", TITLE, PROFILES, argv)
    report = lab.report
    try:
        torch, torch_missing = torch_mapping.torch_or_reason()
        without_torch = report.not_run
    except torch_mapping.TorchBroken as error:  # installed, yet failing: an error, not a skip
        torch, torch_missing, without_torch = None, str(error), report.failed

    # ## 1. The shape table and the parameter formulas
    kinds = lab.settings["kinds"]
    lab.progress(f"1/4 the shape table: {', '.join(kinds)} x wrappers x flags x 1-2 layers")
    rows = anatomy.shape_table(kinds=kinds, seed=lab.reseed("shape table"))
    agreeing_shapes = sum(row["shapes_agree"] for row in rows)
    report.check("L-02-01", documented=0, observed=len(rows) - agreeing_shapes,
                 control=sum(row["observed"] != row["swapped_expected"] for row in rows),
                 evidence="combinations whose outputs and states differ from the predicted "
                 f"shapes, of {len(rows)} built and run (units 3, batch 2, 7 steps, 5 features): "
                 "the table below", control_evidence=f"rows that differ, of {len(rows)}")
    parameter_rows = anatomy.parameter_table()
    differing = sum(r["formula"] != r["count_params"] for r in parameter_rows)
    differing += sum(not row["parameters_agree"] for row in rows)
    without_bias = anatomy.parameter_table(use_bias=False)
    report.check("L-02-02", documented=0, observed=differing,
                 control=sum(r["formula"] != r["count_params"] for r in without_bias),
                 evidence="count_params() different from the formula: SimpleRNN u(f+u+1), LSTM "
                 "4u(f+u+1), GRU 3u(f+u+1) + 3u with reset_after=True (second bias row), "
                 f"Bidirectional twice its layer; {len(parameter_rows)} single layers of several "
                 f"sizes and the {len(rows)} models of the shape table",
                 control_evidence=f"single layers that differ, of {len(without_bias)}")
    # C000-08's control: the lower LSTM returns sequences, and no layer returns its state.
    stacking, stacked = (same_error(report.expected_error("C000-08"), anatomy.stacking_error(below))
                         for below in (False, True))
    states, stateless = (anatomy.state_counts(return_state=flag) for flag in (True, False))
    raises = "an LSTM on an LSTM(return_sequences=False) raises"
    documented = {raises: True, "GRU states": 1, "LSTM states": 2}

    def read(error, counts):
        return {raises: error.agrees, "GRU states": counts["GRU"], "LSTM states": counts["LSTM"]}
    if stacking.failed:  # another error than the one documented
        report.failed("C000-08", stacking.failed, documented)
    else:
        report.check("C000-08", documented=documented, observed=read(stacking, states),
                     control=read(stacked, stateless),
                     evidence=f"an LSTM on top of an LSTM without return_sequences: "
                     f"{stacking.detail}; states counted on GRU(3) and LSTM(3), return_state=True")

    # ## 2. What the last step holds: plain, bidirectional, concatenated
    lab.progress("2/4 the last step of plain, bidirectional and concatenated outputs")
    seed = lab.seed_for("C000-05 probe")  # the control: a nonlinear head on the last output
    plain, tanh_head = (bidirectional.probe_linear_map(head=f, seed=seed) for f in (None, "tanh"))
    report.check("C000-05", documented=0.0, observed=plain["relative residual"],
                 compare=within(LINEAR), control=tanh_head["relative residual"],
                 evidence="least squares of sequence[:, -1] on [final h, 1] over 256 random "
                 "sequences, largest residual / the output's standard deviation; the fitted map "
                 f"is the identity (|W - I| {plain['map - identity']:.2g}, |b| "
                 f"{plain['bias']:.2g}): the last output is h itself, and a Dense layer comes only "
                 "if you add one")
    bi = bidirectional.probe_bidirectional(seed=lab.seed_for("C000-06 probe"))
    backward_moves = bi["earlier tokens changed: backward half, last step moves by"]
    first_step_moves = bi["earlier tokens changed: backward half, first step moves by"]
    report.check(
        "C000-06",
        documented={"output width": 8, "last step's backward half summarises the sentence": True},
        observed={"output width": bi["output width"],
                  "last step's backward half summarises the sentence": backward_moves > 0},
        control={"output width": bi["output width"],
                 "last step's backward half summarises the sentence": first_step_moves > 0},
        control_evidence=f"the backward half read at step 0 moves by {first_step_moves:.3g}",
        evidence="Bidirectional(LSTM(4)): changing every token but the last moves the backward "
        f"half of the last step by {backward_moves:.3g} (the forward half by "
        f"{bi['earlier tokens changed: forward half, last step moves by']:.3g}): it has seen one "
        "token. The backward summary is at step 0 (backward half, first step - backward final "
        f"h: {bi['backward half, first step - backward final h']:.3g}); forward half, last step "
        f"- forward final h: {bi['forward half, last step - forward final h']:.3g}; states come "
        "back as [forward h, forward c, backward h, backward c]",
    )
    joined = bidirectional.probe_concatenation(seed=lab.seed_for("C000-07 probe"))
    first_gap = joined["along time: last step - first branch's last step"]
    both_gap = joined["along features: last step - both branches' last steps"]
    claim = "joined along time: last step is the second branch's"
    report.check(
        "C000-07", documented={claim: True},
        observed={claim: joined["along time: last step is the second branch's"]},
        control={claim: joined["along features: last step is the second branch's"]},
        evidence="Keras equivalent, batch-major: Concatenate(axis=1) of two (2, 6, 4) outputs is "
        f"{tuple(joined['along time: shape'])} and its last step is the second branch's (it "
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
            without_torch(claim_id, f"{torch_missing}; {keras_equivalent}", documented)
            continue
        seed = lab.seed_for(claim_id)
        report.check(claim_id, documented=documented,
                     observed=torch_mapping.torch_rnn_shapes(layers, seed=seed),
                     control=torch_mapping.torch_rnn_shapes(layers, seed=seed, batch_first=True),
                     evidence=f"torch {torch.__version__} nn.RNN(100, 20, num_layers={layers}), "
                     f"time-major; {keras_equivalent}")
    counts = anatomy.parameters_by_sequence_length()
    unshared = anatomy.parameters_by_sequence_length(lengths=(5, 50), recurrent=False)
    report.check("C003-03", documented=True, observed=len(set(counts.values())) == 1,
                 control=len(set(unshared.values())) == 1,
                 evidence="SimpleRNN(20) on 100 features, count_params() by sequence length: "
                 + ", ".join(f"{length}: {count}" for length, count in counts.items())
                 + f" (= 20 x (100 + 20 + 1) = {anatomy.parameter_count('SimpleRNN', 20, 100)})",
                 control_evidence="Flatten + Dense(20) instead: "
                 + ", ".join(f"{length}: {count}" for length, count in unshared.items()))

    # ## 4. Keras weights in PyTorch
    lab.progress("4/4 mapping Keras weights into PyTorch")
    mapping = {}
    if torch is None:
        without_torch("L-02-03", torch_missing, documented=0.0)
    else:
        seed = lab.seed_for("L-02-03 weights and inputs")
        mapping = {
            "LSTM": torch_mapping.compare_single_layer("LSTM", seed=seed),
            "GRU (reset_after=True)": torch_mapping.compare_single_layer("GRU", seed=seed),
            "2 x Bidirectional(LSTM)": torch_mapping.compare_bidirectional_stack(seed=seed),
        }
        differences = {name: r["max abs difference"] for name, r in mapping.items()}
        unordered = torch_mapping.compare_single_layer("GRU", seed=seed, reorder_gates=False)
        report.check("L-02-03", documented=0.0, observed=max(differences.values()),
                     compare=within(torch_mapping.TOLERANCE),
                     control=unordered["max abs difference"],
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
