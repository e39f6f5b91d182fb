"""What return_sequences and return_state return, proven number by number.

Source: shared/seeds/002_061ba2699a049bcc.txt, a blog post that feeds six 3-step
sequences (a (6, 3) array) to an LSTM(1) on Input(shape=(3, 1)) and prints what
comes back under four settings: the default, return_sequences, return_state and
both; 24 distinct numbers in all. Nobody can get them again by seeding, because
Keras's initialisers changed between versions. We recover the weights behind them
instead, by least squares, and reproduce every printed number on Keras 3. Then the
same relations for GRU and SimpleRNN, and the article's gate equations in NumPy.

Claims: C002-06 … C002-12, L-01-01, L-01-02 (shared/claims.md).

    python experiments/01_return_sequences_and_state.py                  # full, about 15 s
    python experiments/01_return_sequences_and_state.py --profile quick
"""

import numpy as np

from lstm_lab import reference
from lstm_lab.backend import keras
from lstm_lab.cells import compare_with_reference, probe_forced_gates
from lstm_lab.claims import check, exactly, max_abs_difference, same_shape, within
from lstm_lab.cli import experiment_parser, run_experiment
from lstm_lab.errors import error_summary
from lstm_lab.data import printed_002 as printed
from lstm_lab.models.probes import recurrent_probe
from lstm_lab.plots import printed_vs_reproduced
from lstm_lab.report import Report, markdown_table
from lstm_lab.weight_recovery import DEFAULT_BIAS, lstm1_weights, recover_lstm1_weights

EXPERIMENT = "01_return_sequences_and_state"
TITLE = "What return_sequences and return_state return, number by number"

PROFILES = {"full": {"recovery_starts": 20}, "quick": {"recovery_starts": 5}}
SETTINGS = {
    "default": {},
    "return_sequences=True": {"return_sequences": True},
    "return_state=True": {"return_state": True},
    "both": {"return_sequences": True, "return_state": True},
}
EQUAL = 1e-6  # float32 layer against float64 NumPy


def main(argv=None):
    args = experiment_parser(__doc__).parse_args(argv)
    settings = PROFILES[args.profile]
    report = Report(EXPERIMENT, TITLE, profile=args.profile, seed=args.seed, results_dir=args.results_dir)

    # ## 1. The four settings, on the seed's (6, 3) input
    # One LSTM(1) per setting, all with the same (freshly initialised) weights.
    print("1/5 the four settings of LSTM(1) on the seed's (6, 3) input", flush=True)
    keras.utils.set_random_seed(args.seed)
    models = {name: recurrent_probe("LSTM", units=1, **flags) for name, flags in SETTINGS.items()}
    share_weights(models.values())
    outputs = {name: predict(model, printed.INPUTS) for name, model in models.items()}
    try:
        keras.layers.LSTM(1)(printed.INPUTS)
        bare_layer = "the bare layer accepts it too"
    except ValueError as error:
        bare_layer = f"the bare layer does not: {error_summary(error)}"

    default = outputs["default"]
    report.add(
        check(
            "C002-06",
            documented=(6, 1),
            observed=default[0].shape,
            compare=same_shape,
            evidence="the functional model accepts the (6, 3) array: Keras 3 adds the missing last "
            "axis because the declared one is 1 (Functional._adjust_input_rank); "
            f"{bare_layer}. The printed values come from other weights: see C002-10",
        )
    )
    sequence = outputs["return_sequences=True"][0]
    report.add(
        check(
            "C002-07",
            documented={"shape": [6, 3, 1], "last step == default output": True, "shared input prefix -> shared output prefix": True},
            observed={
                "shape": list(sequence.shape),
                "last step == default output": bool(np.array_equal(sequence[:, -1], default[0])),
                "shared input prefix -> shared output prefix": shares_prefixes(sequence[..., 0]),
            },
            compare=exactly,
            tolerance="exact equality",
            evidence="the printed numbers obey both relations too: last column == printed default "
            f"output: {bool(np.array_equal(printed.SEQUENCES[:, -1], printed.FINAL_H))}; rows 2 and 5 "
            "(inputs 0.3, …) share step 1, rows 3 and 6 (0.2, 0.6, …) steps 1-2: "
            f"{shares_prefixes(printed.SEQUENCES)}",
        )
    )
    state_outputs = outputs["return_state=True"]
    _, numpy_h, numpy_c = reference.lstm(printed.INPUTS[..., None], models["default"].get_weights())
    report.add(
        check(
            "C002-08",
            documented={"arrays": 3, "output == h": True, "third array is c": True},
            observed={
                "arrays": len(state_outputs),
                "output == h": bool(np.array_equal(state_outputs[0], state_outputs[1])),
                "third array is c": bool(np.allclose(state_outputs[2], numpy_c, atol=EQUAL, rtol=0)),
            },
            compare=exactly,
            tolerance=f"c against the NumPy LSTM: max abs difference <= {EQUAL:g}",
            evidence="the third array is the final cell state of the NumPy LSTM with the same "
            f"weights (max abs difference {max_abs_difference(state_outputs[2], numpy_c):.2g}) and "
            f"differs from h by {max_abs_difference(state_outputs[2], state_outputs[1]):.3g}",
        )
    )
    both = outputs["both"]
    report.add(
        check(
            "C002-09",
            documented={"shapes": [[6, 3, 1], [6, 1], [6, 1]], "sequence[:, -1] == h": True},
            observed={
                "shapes": [list(array.shape) for array in both],
                "sequence[:, -1] == h": bool(np.array_equal(both[0][:, -1], both[1])),
            },
            compare=exactly,
            tolerance="exact equality",
            evidence="order [sequence, h, c]; " + ", ".join(f"{a.shape}" for a in both),
        )
    )

    # ## 2. The weights behind the printed numbers (C002-10)
    # 8 free numbers (kernel 1x4, recurrent kernel 1x4; the bias is [0, 1, 0, 0]), fitted
    # in float64 to the 24 printed numbers, then loaded into Keras 3 layers (float32).
    starts = settings["recovery_starts"]
    print(f"2/5 recovering the 8 weights by least squares from {starts} random starts", flush=True)
    fit = recover_lstm1_weights(
        printed.INPUTS.astype(np.float64), printed.SEQUENCES, printed.FINAL_C, starts=starts, seed=args.seed
    )
    recovered = [w.astype(np.float32) for w in lstm1_weights(fit["params"])]
    for model in models.values():
        model.set_weights(recovered)
    reproduced = {name: predict(model, printed.INPUTS) for name, model in models.items()}
    documented_arrays, reproduced_arrays = printed_and_reproduced(reproduced)
    kernel, recurrent_kernel, _ = recovered
    recurrent_norm = float(np.linalg.norm(recurrent_kernel))
    report.add(
        check(
            "C002-10",
            documented=documented_arrays,
            observed=np.round(reproduced_arrays, 9),
            compare=within(1e-7),
            evidence=f"all {documented_arrays.size} printed values of the four settings (24 distinct) "
            f"from Keras {keras.__version__} LSTM(1) layers loaded with the recovered weights; "
            f"kernel {fmt(kernel)}, recurrent kernel {fmt(recurrent_kernel)} (norm "
            f"{recurrent_norm:.4f}; an orthogonal 1x4 row has norm 1), bias {fmt(DEFAULT_BIAS)}; "
            f"float64 fit residual {fit['max_abs_residual']:.2g}; {fit['converged']} of "
            f"{fit['starts']} starts reached it, parameters within {fit['spread']:.1g}",
        )
    )
    report.figure(
        "printed_vs_reproduced",
        printed_vs_reproduced(
            printed.SEQUENCES,
            reproduced["both"][0][..., 0],
            printed.FINAL_C,
            reproduced["both"][2][:, 0],
        ),
        "The seed's printed h (per step) and c (final), and Keras 3 with the recovered weights",
    )

    # ## 3. The same relations for GRU and SimpleRNN
    print("3/5 GRU and SimpleRNN: what return_state returns", flush=True)
    for claim_id, kind in [("L-01-01", "GRU"), ("L-01-02", "SimpleRNN")]:
        keras.utils.set_random_seed(args.seed)
        plain = recurrent_probe(kind, units=1)
        full = recurrent_probe(kind, units=1, return_sequences=True, return_state=True)
        full.set_weights(plain.get_weights())
        output = predict(plain, printed.INPUTS)[0]
        arrays = predict(full, printed.INPUTS)
        report.add(
            check(
                claim_id,
                documented={"arrays": 2, "sequence[:, -1] == h": True, "default output == h": True},
                observed={
                    "arrays": len(arrays),
                    "sequence[:, -1] == h": bool(np.array_equal(arrays[0][:, -1], arrays[1])),
                    "default output == h": bool(np.array_equal(output, arrays[1])),
                },
                compare=exactly,
                tolerance="exact equality",
                evidence=f"{kind}(1, return_sequences=True, return_state=True) returns "
                + ", ".join(f"{a.shape}" for a in arrays)
                + ": one state, so no c",
            )
        )

    # ## 4. The gates, forced through the bias (C002-11)
    print("4/5 forcing the LSTM gates through the bias", flush=True)
    gates = probe_forced_gates(seed=args.seed)
    report.add(
        check(
            "C002-11",
            documented={"f=0, i=1: memory == candidate": True, "f=1, i=0: memory copied": True},
            observed={
                "f=0, i=1: memory == candidate": gates["f=0, i=1: c_t - candidate"] <= EQUAL,
                "f=1, i=0: memory copied": gates["f=1, i=0: c_t - c_(t-1)"] <= EQUAL,
            },
            compare=exactly,
            tolerance=f"equal: max abs difference <= {EQUAL:g}",
            evidence="gate biases ±50, one step of a Keras LSTM(3) from a random (h, c); max abs "
            "differences: " + "; ".join(f"{k}: {v:.2g}" for k, v in gates.items())
            + ". The cleared memory still depends on h_(t-1) through the candidate, as the article notes",
        )
    )

    # ## 5. The equations, in NumPy, against the layers (C002-12)
    print("5/5 the NumPy equations against the Keras layers", flush=True)
    differences = compare_with_reference(seed=args.seed)
    report.add(
        check(
            "C002-12",
            documented=0.0,
            observed=max(differences.values()),
            compare=within(EQUAL),
            evidence="largest difference over 7 steps, 4 sequences, random weights, lstm_lab.reference "
            "in float64 against the float32 layer: "
            + "; ".join(f"{k} {v:.2g}" for k, v in differences.items()),
        )
    )

    # ## Report
    report.section("What each setting returns (fresh weights, seed above)", returns_table(outputs))
    report.section("The recovered weights", weights_table(recovered))
    report.metric("recovered_kernel", kernel.ravel().tolist())
    report.metric("recovered_recurrent_kernel", recurrent_kernel.ravel().tolist())
    report.metric("recurrent_kernel_norm", recurrent_norm)
    report.metric("fit_max_abs_residual_float64", fit["max_abs_residual"])
    report.metric("reproduction_max_abs_error_float32", max_abs_difference(reproduced_arrays, documented_arrays))
    report.metric("numpy_vs_keras", differences)
    report.note(
        "The seed's printed numbers cannot be reproduced by seeding on any current Keras: its "
        "initialisers and random streams changed. Recovering the weights shows the numbers are "
        "consistent with one LSTM(1) and Keras's default equations (sigmoid gates, unit forget bias)."
    )
    return report.write()


def predict(model, x):
    """The model's outputs on ``x`` as a list of arrays, also for a single output.

    A direct call rather than ``model.predict``: the same computation (and the same input
    rank adjustment) without compiling a predict function for each of the tiny models.
    """
    result = model(x)
    return [np.asarray(a) for a in result] if isinstance(result, (list, tuple)) else [np.asarray(result)]


def share_weights(models):
    models = list(models)
    for model in models[1:]:
        model.set_weights(models[0].get_weights())


def shares_prefixes(sequences):
    """Do rows with a common input prefix have exactly equal outputs over that prefix?"""
    return all(np.array_equal(sequences[a, :n], sequences[b, :n]) for a, b, n in printed.SHARED_PREFIXES)


def fmt(values):
    return "[" + ", ".join(f"{v:.6f}" for v in np.ravel(values)) + "]"


def printed_and_reproduced(reproduced):
    """Every printed array of the four settings next to its reproduction, flattened."""
    pairs = [
        (printed.FINAL_H, reproduced["default"][0]),
        (printed.SEQUENCES, reproduced["return_sequences=True"][0]),
        (printed.FINAL_H, reproduced["return_state=True"][0]),
        (printed.FINAL_H, reproduced["return_state=True"][1]),
        (printed.FINAL_C, reproduced["return_state=True"][2]),
        (printed.SEQUENCES, reproduced["both"][0]),
        (printed.FINAL_H, reproduced["both"][1]),
        (printed.FINAL_C, reproduced["both"][2]),
    ]
    documented = np.concatenate([np.ravel(doc) for doc, _ in pairs])
    observed = np.concatenate([np.ravel(obs) for _, obs in pairs]).astype(np.float64)
    return documented, observed


def returns_table(outputs):
    return markdown_table(
        ["setting", "arrays", "shapes", "first row of each"],
        [
            [name, len(arrays), ", ".join(str(a.shape) for a in arrays), "; ".join(fmt(a[0]) for a in arrays)]
            for name, arrays in outputs.items()
        ],
    )


def weights_table(weights):
    kernel, recurrent_kernel, bias = (np.ravel(w) for w in weights)
    gates = ["input i", "forget f", "candidate c̃", "output o"]
    return markdown_table(
        ["gate", "kernel W", "recurrent kernel U", "bias b"],
        [[gate, f"{kernel[g]:.6f}", f"{recurrent_kernel[g]:.6f}", f"{bias[g]:g}"] for g, gate in enumerate(gates)],
    )


if __name__ == "__main__":
    run_experiment(main)
