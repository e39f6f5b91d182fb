"""States handed over and carried: what people ask about a recurrent layer's state.

Sources: the questions of results/questions.md on states (Q11, Q16, Q18-Q22), each a
Q&A page or issue thread cited by its address in its claim. Does handing an encoder's final
states to the next call continue the sequence? What does an explicit initial_state do to
a stateful layer, and what does reset_state() bring back? Do predict and evaluate move a
stateful layer's state, and does fit's validation pass? Where is the cell state c at every
step, and what can it hold with ReLU in place of tanh? How does Bidirectional split an
initial_state, and what does Keras 3 say to Keras 2's stateful spellings? Each is measured
on random inputs and weights, beside a control whose answer is known to be the other one.

Claims: those of experiment 10 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/10_states_carried.py                 # a few seconds
    python experiments/10_states_carried.py --backend jax
"""

from lstm_lab.claims.compare import within
from lstm_lab.experiment import Experiment, run
from lstm_lab.probes import states
from lstm_lab.probes.keras2_calls import REMOVED, outcome, probe_keras2_calls, unknown_errors
from lstm_lab.report.markdown import format_named

TITLE = ("States handed over and carried: initial_state, reset, predict, validation, c, "
         "Bidirectional")
PROFILES = {"full": {}, "quick": {}}  # no training: both profiles measure the same
EQUAL = states.EQUAL
TOLERANCE = f"equal: max abs difference <= {EQUAL:g}"


def main(argv=None):
    lab = Experiment(__doc__, "10_states_carried", TITLE, PROFILES, argv)
    report = lab.report

    # ## 1. An encoder's states handed to the next call continue the sequence (Q11-01)
    lab.progress("1/8 states handed over against one pass over the whole sequence")
    seed = lab.seed_for("Q11-01 probe")
    carried, from_zeros = states.hand_over(seed), states.hand_over(seed, carry=False)
    report.check("Q11-01", documented=0.0, observed=carried, control=from_zeros,
                 compare=within(EQUAL), tolerance=TOLERANCE,
                 evidence=f"LSTM(4) on 7 steps of 3 features, batch 2: steps 5-7 from the states "
                 f"after steps 1-4 against steps 5-7 of one pass: largest difference {carried:.2g}",
                 control_evidence=f"steps 5-7 from zero states: largest difference "
                 f"{from_zeros:.2g}")

    # ## 2. A stateful layer with an explicit initial_state, then without, then reset (Q19-01)
    lab.progress("2/8 a stateful layer called with and without initial_state, then reset")
    seed = lab.seed_for("Q19-01 probe")
    given, without = states.stateful_calls(seed), states.stateful_calls(seed, initial_state=False)
    report.check("Q19-01", documented=dict.fromkeys(given, True), observed=given,
                 control=without, tolerance=TOLERANCE,
                 evidence="LSTM(4, stateful=True, return_state=True) on a batch of 2: "
                 + format_named(given),
                 control_evidence="the same calls without initial_state: " + format_named(without))

    # ## 3. predict and evaluate move a stateful layer's states (Q20-01)
    lab.progress("3/8 a stateful model's states after predict and after evaluate")
    seed = lab.seed_for("Q20-01 probe")
    moved, reset = states.loops_move_states(seed), states.loops_move_states(seed, reset_after=True)
    report.check("Q20-01", documented=dict.fromkeys(moved, True), observed=moved, control=reset,
                 tolerance=TOLERANCE,
                 evidence="Sequential([Input(shape=(5, 3), batch_size=2), LSTM(4, "
                 "stateful=True)]), each loop from zero states on one batch, its states against "
                 "those a call on the batch leaves: " + format_named(moved),
                 control_evidence="each loop followed by reset_state(): " + format_named(reset))

    # ## 4. c at every step: the layer's own cell in a loop (Q18-01)
    lab.progress("4/8 the layer's own cell stepped in a loop against the layer")
    seed = lab.seed_for("Q18-01 probe")
    lstm, gru = states.cell_state_every_step(seed), states.cell_state_every_step(seed, "GRU")
    documented = {name: not name.endswith("last state at every step") for name in lstm}
    report.check("Q18-01", documented=documented, observed=lstm, control=gru,
                 tolerance=TOLERANCE,
                 evidence="LSTM(4, return_sequences=True, return_state=True) on 7 steps against "
                 "layer.cell called step by step: " + format_named(lstm),
                 control_evidence="GRU(4) in its place: " + format_named(gru))

    # ## 5. What h and c can hold with ReLU in place of tanh (Q22-01)
    lab.progress("5/8 the range of h and c with activation='relu' and with tanh")
    seed = lab.seed_for("Q22-01 probe")
    relu, tanh = states.activation_range(seed), states.activation_range(seed, "tanh")
    report.check("Q22-01", documented=dict.fromkeys(relu, True), observed=relu, control=tanh,
                 evidence="LSTM(8, activation='relu') on 20 steps of inputs 10 times a standard "
                 "normal: " + format_named(relu),
                 control_evidence="the same with tanh: " + format_named(tanh))

    # ## 6. fit's validation pass moves a stateful layer's states (Q20-02)
    lab.progress("6/8 a stateful model's states after fit with and without validation data")
    seed = lab.seed_for("Q20-02 probe")
    (validated, error), (trained, _) = (states.validation_moves_states(seed),
                                        states.validation_moves_states(seed, validation=False))
    report.check("Q20-02", documented=dict.fromkeys(validated, True), observed=validated,
                 control=trained, tolerance=TOLERANCE,
                 evidence="Sequential([Input(shape=(5, 3), batch_size=2), LSTM(4, stateful="
                 "True)]) fit one epoch on one batch at learning rate 0 with validation_data of "
                 "one batch, its states against a call on the training batch, then one on the "
                 "validation batch: " + format_named(validated)
                 + (f"; fit raised {error['type']}: {error['message'][:160]}" if error else ""),
                 control_evidence="the same fit without validation_data: "
                 + format_named(trained))

    # ## 7. Bidirectional: initial_state split in halves, and a mask (Q16-01)
    lab.progress("7/8 Bidirectional with an initial_state of four and with a mask")
    seed = lab.seed_for("Q16-01 probe")
    given = states.bidirectional_states(seed)
    swapped = states.bidirectional_states(seed, swapped=True, masked=False)
    report.check("Q16-01", documented=dict.fromkeys(given, True), observed=given,
                 control=swapped, tolerance=TOLERANCE,
                 evidence="Bidirectional(LSTM(4, return_state=True)) against two LSTM(4) with "
                 "its halves' weights (the second go_backwards=True); the mask on 4 steps "
                 "padded with 2 zero steps: " + format_named(given),
                 control_evidence="initial_state given backward half first, and no mask: "
                 + format_named(swapped))

    # ## 8. The Keras 2 spellings Keras 3 removed, each on its own (Q21-01)
    lab.progress("8/8 batch_input_shape, model.reset_states() and time_major on this Keras")
    calls = probe_keras2_calls(REMOVED)
    if unknown_errors(calls):
        report.failed("Q21-01", "; ".join(unknown_errors(calls)))
    else:
        report.check("Q21-01", documented={row["call"]: True for row in calls},
                     observed={row["call"]: row["raised"] is not None for row in calls},
                     control={row["call"]: row["keras3 raised"] is not None for row in calls},
                     evidence="; ".join(f"{row['call']}: {outcome(row['raised'])}"
                                        for row in calls),
                     control_evidence="; ".join(f"{row['keras3']}: {outcome(row['keras3 raised'])}"
                                                for row in calls))
    return lab.finish()


if __name__ == "__main__":
    run(main)
