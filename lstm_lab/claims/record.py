"""One claim's record: what it says, where it comes from, what it means, and the verdict the
lab expects of it on each backend, build, Keras release and profile.

The catalogue (:mod:`lstm_lab.claims.catalogue`) holds one :class:`Record` per claim; an
experiment checks the claim with one ``report.check(id, documented, observed, ...)``, and
:func:`lstm_lab.claims.verdict.check` asks the record what to expect there.
"""

import math
from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from lstm_lab.builds import has_trait

VERDICTS = ("confirmed", "refuted", "inconclusive", "error", "not run")
OPPOSITE = {"confirmed": "refuted", "refuted": "confirmed"}
# A record's expected exception: its class, a pattern of its message and, optionally, a pattern
# of the errors the backend raises where Keras makes no such check (a refutation, not an error).
RAISES_KEYS = {"type", "match", "unchecked"}


ALPHA = 0.05  # a sweep's rate is refuted when so few seeds would happen this rarely


def binomial_cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


@dataclass(frozen=True)
class SeedRate:
    """How often a training claim's verdict is the one the lab expects, across seeds: on
    ``at_least`` of ``of`` seeds, the named ``seeds`` of the committed sweep ``sweep``
    (``results/sweeps/<sweep>/``), the other verdict on the seeds ``other_on``. ``why`` says
    what the seeds that differ show.

    A run with one of those seeds expects exactly what was measured on it. A sweep on other
    seeds tests the rate with an exact one-sided binomial test: the rate holds unless so few
    seeds as expected would happen with probability below :data:`ALPHA`."""

    at_least: int
    of: int
    sweep: str
    seeds: tuple = ()
    other_on: tuple = ()
    why: str = ""

    def __post_init__(self):
        other = self.of - self.at_least
        if self.seeds and (len(self.seeds) != self.of or len(self.other_on) != other):
            raise ValueError(f"seed rate {self}: seeds and other_on disagree with the rate")

    @property
    def share(self):
        return self.at_least / self.of

    def holds(self, as_expected, runs):
        """Whether ``as_expected`` of ``runs`` seeds are consistent with the rate."""
        if self.share == 1:
            return as_expected == runs
        return binomial_cdf(as_expected, runs, self.share) >= ALPHA

    def required(self, runs):
        """The fewest of ``runs`` seeds as expected with which the rate still holds (0: so
        few seeds cannot test it)."""
        return next(k for k in range(runs + 1) if self.holds(k, runs))

    def verdict_on(self, seed, expected):
        """The verdict measured on ``seed``, one of the named seeds: ``expected`` or not."""
        return OPPOSITE[expected] if seed in self.other_on else expected

    def to_dict(self):
        return {"at_least": self.at_least, "of": self.of, "sweep": self.sweep}

    def __str__(self):
        return describe_seed_rate(self.to_dict())


def describe_seed_rate(rate):
    """``"as expected on >= 4 of 5 seeds (sweep full-5-seeds)"`` for a seed-rate dictionary
    (as a claim in a run's metrics carries it)."""
    return f"as expected on >= {rate['at_least']} of {rate['of']} seeds (sweep {rate['sweep']})"


@dataclass(frozen=True)
class BuildExpectation:
    """A verdict that depends on how a backend was built rather than on the Keras release:
    ``with_trait`` and ``without_trait`` are ``(expect, reason)`` for installed packages that
    have the build trait ``trait`` (:data:`lstm_lab.builds.BUILD_TRAITS`) and for those that
    do not; each reason names the build it was measured on."""

    trait: str
    with_trait: tuple
    without_trait: tuple

    def for_installed_build(self):
        return self.with_trait if has_trait(self.trait) else self.without_trait


@dataclass(frozen=True)
class Expected:
    """What a record expects of one run: the verdict, the reason where it is not the
    reference's (shown in the evidence), and the seed rate of a training claim."""

    verdict: str
    why: str | None = None
    seed_rate: SeedRate | None = None


@dataclass(frozen=True)
class Record:
    """A claim of the catalogue.

    ``source`` is a key of :data:`lstm_lab.claims.sources.SOURCES`; ``cites`` names the
    page or issue within it where that is narrower; ``quote`` is what the source says, in its
    language, ``english`` its translation. ``expect`` is the verdict on TensorFlow, the
    reference; ``by_backend`` gives ``{backend: (verdict, why)}``; ``by_keras`` ``(specifier,
    verdict, why, backend)`` for the Keras releases where it differs, on every backend (None)
    or on one, each measured in ``results/versions.json``; ``by_build`` ``{backend:
    BuildExpectation}``; ``seed_rates`` maps a profile, or ``(profile, backend)``, to the
    :class:`SeedRate` a sweep measured. ``about_source_data``: the claim counts the source's
    own data, so on other data it is *not run*.
    """

    id: str
    experiment: str
    source: str
    statement: str
    explanation: str
    quote: str = ""
    english: str = ""
    cites: str = ""
    expect: str = "confirmed"
    by_keras: tuple = ()
    by_backend: dict = field(default_factory=dict)
    by_build: dict = field(default_factory=dict)
    seed_rates: dict = field(default_factory=dict)
    about_source_data: bool = False
    control: str = ""
    control_outcome: str = ""
    raises: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.control_outcome and self.expect in OPPOSITE:
            object.__setattr__(self, "control_outcome", OPPOSITE[self.expect])
        if self.control_outcome not in (*OPPOSITE, ""):
            raise ValueError(f"{self.id}: control_outcome 'confirmed' or 'refuted'")
        if self.raises and not {"type", "match"} <= set(self.raises) <= RAISES_KEYS:
            raise ValueError(
                f"{self.id}: raises takes type, match and unchecked, not {sorted(self.raises)}"
            )
        verdicts = [self.expect, *(entry[1] for entry in self.by_keras)]
        verdicts += [v for v, _ in self.by_backend.values()]
        for build in self.by_build.values():
            verdicts += [build.with_trait[0], build.without_trait[0]]
        for verdict in verdicts:
            if verdict not in ("confirmed", "refuted"):
                raise ValueError(f"{self.id}: expect 'confirmed' or 'refuted', not {verdict!r}")

    def expected(self, backend="tensorflow", profile="full", keras_version=None, seed=None):
        """The :class:`Expected` verdict of a run on ``backend`` with ``profile``, the Keras
        release ``keras_version`` (a string; None: the reference's) and ``seed``: on a seed
        a sweep measured, exactly that seed's verdict; on another, its seed rate's."""
        verdict, why = self.expect, None
        if backend in self.by_backend:
            verdict, why = self.by_backend[backend]
        for specifier, release_verdict, release_why, only_on in self.by_keras:
            if only_on not in (None, backend) or not keras_version:
                continue
            if Version(keras_version) in SpecifierSet(specifier):
                verdict, why = release_verdict, release_why
        if backend in self.by_build:
            verdict, why = self.by_build[backend].for_installed_build()
        rate = self.seed_rates.get((profile, backend)) or self.seed_rates.get(profile)
        if rate and seed in rate.seeds:
            measured = rate.verdict_on(seed, verdict)
            if measured != verdict:
                why = f"measured {measured} on seed {seed} in sweep {rate.sweep}: {rate.why}"
            return Expected(measured, why, None)
        return Expected(verdict, why, rate)
