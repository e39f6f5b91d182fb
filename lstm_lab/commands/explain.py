"""``explain SPEC``: what a recurrent layer (or each one of a saved model) returns."""

import argparse
import json
import sys
from pathlib import Path

from lstm_lab import BACKENDS
from lstm_lab.errors import BadInput

HELP = (
    "what a recurrent layer (or each one of a saved .keras model) returns, named and proven on "
    "this backend"
)
DESCRIPTION = (
    "Name every output of a recurrent layer, check which identities between them hold on "
    "random input (and which a reader might expect that do not), compare each with the "
    "layer's equations in NumPy, and count its parameters."
)
EPILOG = (
    'SPEC examples: "LSTM(8, return_sequences=True, return_state=True)", '
    "\"Bidirectional(GRU(4, return_state=True), merge_mode='sum')\", "
    '"Masking() | LSTM(4, return_sequences=True) | GRU(3, return_state=True)", '
    '"RNN(LSTMCell(3))", or model.keras.'
)


def input_shape(text):
    """``"2,5,3"`` -> (2, 5, 3): batch, time steps, features, each a whole number from 1."""
    try:
        shape = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected B,T,F such as 2,5,3, got {text!r}") from None
    if len(shape) != 3 or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"expected three whole numbers from 1, got {text!r}")
    return shape


def add_arguments(parser):
    parser.add_argument(
        "spec", help="a layer expression (layers stacked with '|') or a path to a .keras model"
    )
    parser.add_argument(
        "--input-shape",
        type=input_shape,
        default=(2, 5, 3),
        metavar="B,T,F",
        help="batch, time steps, features of the random input (default 2,5,3)",
    )
    parser.add_argument("--seed", type=int, default=0, help="for the input and weights (0)")
    parser.add_argument("--backend", choices=BACKENDS, help="the Keras backend (as experiments)")
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument("--markdown", action="store_true", help="tables to paste into a text")
    formats.add_argument("--json", action="store_true", help="for programs")


def run(args):
    from lstm_lab.backend import BACKEND
    from lstm_lab.explain.command import explain_saved_model, explain_spec
    from lstm_lab.explain.render import render_markdown, render_text

    if sys.stderr.isatty():  # importing Keras takes seconds: say so instead of sitting silent
        print(f"explain: loading Keras on {BACKEND} ...", file=sys.stderr, flush=True)

    if args.spec.endswith(".keras") or Path(args.spec).exists():
        if not Path(args.spec).is_file():
            raise BadInput(f"no such model file: {args.spec}")
        explained = explain_saved_model(args.spec, seed=args.seed)
    else:
        explained = explain_spec(args.spec, args.input_shape, seed=args.seed)
    if args.json:
        print(json.dumps(explained, indent=2))
    elif args.markdown:
        print(render_markdown(explained), end="")
    else:
        print(render_text(explained), end="")
    return 0
