"""Masks, dropout and unrolling: what people ask about padding, masking and dropout in recurrent
layers.

Sources: the questions of results/questions.md on dropout (Q07), padding (Q08), Embedding's
mask_zero (Q23), unroll (Q25) and TimeDistributed with a mask (Q30), each a Q&A page or issue
thread cited by its address in its claim. Is the dropout mask the same at every step, and
does inference drop anything? Do pre- and post-padding under a mask give the same answer?
Why input_dim = vocabulary + 1 with mask_zero=True? Does unroll change the numbers? Does
TimeDistributed check its mask? Each is measured on small layers whose weights make the
answer readable, beside a control whose answer is known to be the other one.

Claims: those of experiment 11 in lstm_lab/claims/catalogue/ (each beside its control).

    python experiments/11_masks_and_dropout.py              # a few seconds
    python experiments/11_masks_and_dropout.py --backend torch
"""

from lstm_lab.claims.compare import same_error, within
from lstm_lab.experiment import Experiment, run
from lstm_lab.probes import masks
from lstm_lab.report.markdown import format_named

TITLE = "Masks, dropout and unrolling: dropout masks over time, padding sides, mask_zero, unroll"
PROFILES = {"full": {}, "quick": {}}  # no training: both profiles measure the same
EQUAL = masks.EQUAL
TOLERANCE = f"equal: max abs difference <= {EQUAL:g}"
VOCABULARY = 10


def described(error):
    """What a call raised, in one line; "" if it ran."""
    return "" if error is None else f"{error['type']}: {error['message'][:160]}"


def main(argv=None):
    lab = Experiment(__doc__, "11_masks_and_dropout", TITLE, PROFILES, argv)
    report = lab.report

    # ## 1. dropout: one input mask per sequence, nothing dropped at inference (Q07-01)
    lab.progress("1/6 dropout masks over the steps, in training and at inference")
    seed = lab.seed_for("Q07-01 probe")
    inside, in_front = masks.dropout_masks(seed), masks.dropout_masks(seed, before=True)
    report.check("Q07-01", documented=dict.fromkeys(inside, True), observed=inside,
                 control=in_front,
                 evidence="SimpleRNN(8, dropout=0.5) and LSTM(8, dropout=0.5), weights set so "
                 "that a dropped input gives an output of zero, on ones: " + format_named(inside),
                 control_evidence="Dropout(0.5) in front of the layer instead: "
                 + format_named(in_front))

    # ## 2. pre- and post-padding under a mask (Q08-01)
    lab.progress("2/6 padding at the front and at the back, with and without a mask")
    seed = lab.seed_for("Q08-01 probe")
    masked, unmasked = masks.padding_sides(seed), masks.padding_sides(seed, masked=False)
    report.check("Q08-01", documented=[0.0, 0.0], observed=list(masked.values()),
                 control=list(unmasked.values()), compare=within(EQUAL), tolerance=TOLERANCE,
                 evidence="LSTM(5) final output on 3 steps padded with 3 zero steps, against the 3 "
                 "steps alone, with Masking(0.0): " + format_named(masked),
                 control_evidence="the same without the mask: " + format_named(unmasked))

    # ## 3. Embedding(mask_zero=True): indices 1..V need input_dim V + 1 (Q23-01)
    lab.progress("3/6 Embedding(mask_zero=True) fed indices 1..V")
    seed = lab.seed_for("Q23-01 probe")
    short = masks.embedding_index_range(seed, VOCABULARY)
    enough = masks.embedding_index_range(seed, VOCABULARY, input_dim=VOCABULARY + 1)
    read = "NaN" if short["nan"] else f"row {short['row']}"
    outcome = described(short["error"]) or f"accepted, index {VOCABULARY} read {read}"
    report.check("Q23-01", documented=True, observed=short["error"] is not None,
                 control=enough["error"] is not None,
                 evidence=f"Embedding({VOCABULARY}, 3, mask_zero=True) fed indices "
                 f"1..{VOCABULARY}: {outcome}",
                 control_evidence=f"Embedding({VOCABULARY + 1}, ...): "
                 + (described(enough["error"]) or "accepted"))

    # ## 4. unroll=True: the loop's numbers (Q25-01)
    lab.progress("4/6 unroll=True against the loop")
    seed = lab.seed_for("Q25-01 probe")
    found = masks.unrolled(seed)
    report.check("Q25-01", documented=0.0, observed=found["difference"],
                 control=found["on the reversed input"], compare=within(EQUAL),
                 tolerance=TOLERANCE,
                 evidence=f"LSTM(4, unroll=True) with the loop's weights on 5 steps: largest "
                 f"difference {found['difference']:.2g}",
                 control_evidence="the unrolled layer on the input reversed in time: largest "
                 f"difference {found['on the reversed input']:.2g}")

    # ## 5. unroll=True on an input of unknown length (Q25-02)
    lab.progress("5/6 unroll=True on an input of unknown length, fed 5, 7 and 9 steps")
    (unrolled, at), (looped, _) = masks.unknown_length(), masks.unknown_length(unroll=False)
    when = "at the build" if at is None else f"predicting on {at} steps"
    report.check("Q25-02", documented=report.expected_error("Q25-02"), observed=unrolled,
                 control=looped, compare=same_error,
                 evidence="LSTM(4, unroll=True) on Input(shape=(None, 3)), predicting on 5, 7 "
                 "and 9 steps: " + (f"{when}, {described(unrolled)}" if unrolled else "all ran"),
                 control_evidence=f"unroll=False: {described(looped) or 'all ran'}")

    # ## 6. TimeDistributed checks its mask against its input (Q30-01)
    lab.progress("6/6 TimeDistributed given a mask of the wrong number of steps")
    wrong, right = masks.time_distributed_mask(6), masks.time_distributed_mask(5)
    report.check("Q30-01", documented=report.expected_error("Q30-01"), observed=wrong,
                 control=right, compare=same_error,
                 evidence="TimeDistributed(Dense(2)) on 5 steps with a mask of 6: "
                 + (described(wrong) or "accepted"),
                 control_evidence=f"with a mask of 5 steps: {described(right) or 'accepted'}")
    return lab.finish()


if __name__ == "__main__":
    run(main)
