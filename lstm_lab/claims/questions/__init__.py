"""The questions people ask about Keras recurrent layers, each answered by claims the lab
measures (``results/questions.md``, the learner's front door).

``questions.toml`` beside this module holds one table per question, keyed ``Q01`` to ``Q30``
in the order of ``shared/questions.md``:

- ``question``: the question in the lab's words;
- ``statement``: the checkable statement inside it;
- ``source``: where it is asked, ``{ url, title, quote }`` (``quote`` verbatim from the page,
  ``translation`` beside it where the page is not in English);
- ``claims``: the catalogue ids whose verdicts answer it (their records give the control);
- ``status``: ``"measured"`` (the default: its claims answer it), ``"partly"`` (they answer
  part of it and ``open`` says what is left), ``"gpu"`` (only a GPU can answer it: *not
  run* here), ``"design"`` (no single checkable statement) or ``"open"`` (no claim yet).

Adding a question is a table here and, for a new answer, a claim in the catalogue with its
check (``docs/contributing.md``).
"""

from dataclasses import dataclass
from pathlib import Path

from lstm_lab.claims.catalogue import RECORDS

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FILE = Path(__file__).resolve().parent / "questions.toml"
STATUSES = ("measured", "partly", "gpu", "design", "open")
SOURCE_KEYS = {"url", "title", "quote", "translation"}


@dataclass(frozen=True)
class Question:
    key: str
    question: str
    statement: str
    source: dict
    claims: tuple = ()
    status: str = "measured"
    open: str = ""

    def __post_init__(self):
        unknown = [claim for claim in self.claims if claim not in RECORDS]
        if unknown:
            raise ValueError(f"{self.key}: claims not in the catalogue: {', '.join(unknown)}")
        if self.status not in STATUSES:
            raise ValueError(f"{self.key}: status {self.status!r} is not one of {STATUSES}")
        if self.status in ("measured", "partly") and not self.claims:
            raise ValueError(f"{self.key}: status {self.status!r} needs the claims that answer it")
        if self.status in ("partly", "open") and not self.open:
            raise ValueError(f"{self.key}: status {self.status!r} needs 'open', what is left")
        if not {"url", "title", "quote"} <= set(self.source) <= SOURCE_KEYS:
            raise ValueError(f"{self.key}: source needs url, title and quote (and translation)")


def load(path=FILE):
    """``[Question]`` in file order."""
    with open(path, "rb") as file:
        tables = tomllib.load(file)
    questions = []
    for key, table in tables.items():
        table = {**table, "claims": tuple(table.get("claims", ()))}
        try:
            questions.append(Question(key, **table))
        except TypeError as error:  # a field the record does not have
            raise ValueError(f"{path.name}: {key}: {error}") from None
    return questions
