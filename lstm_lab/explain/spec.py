"""Layer expressions for ``lstm-lab explain``, parsed without ``eval``.

    "Bidirectional(LSTM(8, return_sequences=True, return_state=True), merge_mode='sum')"
    "Masking() | GRU(4, return_sequences=True) | LSTM(3, return_state=True)"
    "RNN(LSTMCell(3), return_sequences=True)"

A spec is one or more layers separated by ``|`` (stacked, each feeding the next). Each is a
call of a whitelisted Keras layer, cell or wrapper, with literal arguments only (numbers,
strings, booleans, None) and, for ``RNN`` and ``Bidirectional``, one nested call. The
tutorials' spellings ``keras.layers.LSTM(4)``, ``layers.LSTM(4)`` and
``tf.keras.layers.LSTM(4)`` name the same layer. Python's own parser reads the text (``ast``,
expression mode); nothing is evaluated: a name, keyword or value outside the whitelist is
bad input, named in one line with what is allowed.
"""

import ast
from dataclasses import dataclass, field

from lstm_lab.errors import BadInput
from lstm_lab.probes.anatomy import CELLS as CELL_KINDS
from lstm_lab.probes.anatomy import KINDS

RECURRENT = KINDS[::-1]  # experiment 02's kinds, LSTM first as messages name them
CELLS = tuple(CELL_KINDS)[::-1]
COMMON = {
    "activation",
    "use_bias",
    "dropout",
    "recurrent_dropout",
    "seed",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
}
OWN = {  # what one kind takes beyond COMMON, as Keras's signatures have it
    "SimpleRNN": set(),
    "GRU": {"recurrent_activation", "reset_after", "use_cudnn"},
    "LSTM": {"recurrent_activation", "unit_forget_bias", "use_cudnn"},
}
LAYER_OPTIONS = {
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
}
ALLOWED = {
    **{name: COMMON | OWN[name] | LAYER_OPTIONS | {"units"} for name in RECURRENT},
    **{name: COMMON | OWN[CELL_KINDS[name]] - {"use_cudnn"} | {"units"} for name in CELLS},
    "RNN": LAYER_OPTIONS,
    "Bidirectional": {"merge_mode"},
    "Masking": {"mask_value"},
}
TOP_LEVEL = (*RECURRENT, "RNN", "Bidirectional", "Masking")
NESTED = {"RNN": CELLS, "Bidirectional": RECURRENT + ("RNN",)}  # what each wrapper wraps
POSITIONAL = {  # the positional arguments each call takes
    **{name: ("units",) for name in RECURRENT + CELLS},
    "RNN": ("cell",),
    "Bidirectional": ("layer",),
    "Masking": (),
}
MODULES = ("keras.layers", "layers", "tf.keras.layers")  # the prefixes a layer may be written with


@dataclass
class Call:
    """One parsed call: ``name(*args, **options)``; a nested call is a :class:`Call` too."""

    name: str
    args: list = field(default_factory=list)
    options: dict = field(default_factory=dict)

    def build(self, keras):
        """The Keras object this call describes."""
        args = [arg.build(keras) if isinstance(arg, Call) else arg for arg in self.args]
        return getattr(keras.layers, self.name)(*args, **self.options)

    def __str__(self):
        parts = [str(arg) if isinstance(arg, Call) else repr(arg) for arg in self.args]
        parts += [f"{key}={value!r}" for key, value in self.options.items()]
        return f"{self.name}({', '.join(parts)})"


def parse(spec):
    """A list of :class:`Call`, one per stacked layer; BadInput for anything not allowed."""
    if not isinstance(spec, str) or not spec.strip():
        raise BadInput("empty layer spec: give a layer such as 'LSTM(8, return_sequences=True)'")
    calls = [_parse_one(part.strip()) for part in spec.split("|")]
    if all(call.name == "Masking" for call in calls):
        raise BadInput(
            f"{spec!r} has no recurrent layer ({', '.join(RECURRENT)}, RNN, Bidirectional)"
        )
    if any(call.name == "Masking" for call in calls[1:]):
        raise BadInput("Masking() can only come first, before the recurrent layers")
    return calls


def _parse_one(text):
    if not text:
        raise BadInput("an empty layer between two '|'")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise BadInput(f"cannot read {text!r} as a layer call ({error.msg})")
    return _call(tree, text, TOP_LEVEL)


def _call(node, text, allowed_names):
    if not isinstance(node, ast.Call):
        raise BadInput(f"{text!r}: expected a call such as LSTM(8), got {ast.unparse(node)!r}")
    name = _layer_name(node.func)
    if name not in allowed_names:
        raise BadInput(f"{name!r} is not allowed here; allowed: {', '.join(allowed_names)}")
    if len(node.args) > len(POSITIONAL[name]):
        expected = ", ".join(POSITIONAL[name]) or "none"
        raise BadInput(f"{name} takes positional arguments: {expected}; got {len(node.args)}")
    args = []
    for arg in node.args:
        if name in NESTED:
            args.append(_call(arg, text, NESTED[name]))
        else:
            args.append(_literal(arg, name, POSITIONAL[name][0]))
    if name in NESTED and not args:
        raise BadInput(
            f"{name} needs the {POSITIONAL[name][0]} it wraps: one of {', '.join(NESTED[name])}"
        )
    if name in RECURRENT + CELLS and not args and "units" not in {k.arg for k in node.keywords}:
        raise BadInput(f"{name} needs its number of units, e.g. {name}(8)")
    options = {}
    for keyword in node.keywords:
        if keyword.arg not in ALLOWED[name]:
            allowed = ", ".join(sorted(ALLOWED[name]))
            raise BadInput(f"{name} does not take {keyword.arg or '**'}=; allowed: {allowed}")
        options[keyword.arg] = _literal(keyword.value, name, keyword.arg)
    units = args[0] if args and name in RECURRENT + CELLS else options.get("units")
    if units is not None and (not isinstance(units, int) or isinstance(units, bool) or units < 1):
        raise BadInput(f"{name}: units must be a whole number from 1, got {units!r}")
    return Call(name, args, options)


def _layer_name(func):
    """``LSTM`` for ``LSTM``, ``keras.layers.LSTM``, ``layers.LSTM`` or ``tf.keras.layers.LSTM``."""
    if isinstance(func, ast.Name):
        return func.id
    module = ast.unparse(func.value) if isinstance(func, ast.Attribute) else None
    if module not in MODULES:
        raise BadInput(
            f"{ast.unparse(func)!r}: write a layer as LSTM(8) or {MODULES[0]}.LSTM(8) "
            f"(or {', '.join(MODULES[1:])})"
        )
    return func.attr


def _literal(node, name, what):
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise BadInput(
            f"{name}({what}=...): only numbers, strings, True, False and None are "
            f"allowed, got {ast.unparse(node)!r}"
        )
    if not isinstance(value, (int, float, str, bool, type(None))):
        raise BadInput(
            f"{name}({what}=...): a single number, string, boolean or None, got {value!r}"
        )
    return value
