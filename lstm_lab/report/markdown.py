"""Rendering: a run's data (its metrics) as ``report.md``, and the small
formatters experiments use for tables and evidence."""

import json

import numpy as np

from lstm_lab.claims.catalogue import RECORDS, record_of
from lstm_lab.claims.sources import SOURCES
from lstm_lab.claims.verdict import within_seed_rate


def short(value, limit=60):
    """A compact one-line rendering of a documented or observed value for a table cell."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.6g}"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = text.replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def full(value):
    """A documented or observed value in full, for the claim's paragraph: text as it is,
    numbers, lists and dictionaries as JSON (every digit kept)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "; ".join(
            f"{key}: `{json.dumps(item, ensure_ascii=False)}`" for key, item in value.items()
        )
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def short_evidence(text, limit=160):
    """The first clauses of an evidence text (up to ``limit`` characters, cut where a clause
    ends); the whole text goes into the collapsible details."""
    kept = ""
    for clause in text.split("; "):
        candidate = f"{kept}; {clause}" if kept else clause
        if len(candidate) > limit:
            break
        kept = candidate
    if not kept:
        kept = text[:limit].rsplit(" ", 1)[0] + " …"
    return kept


def markdown_table(header, rows):
    """A markdown table: ``header`` is a list of column names, ``rows`` lists of cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def format_array(values, digits=6):
    """``[0.123456, -1.000000]``: every number of an array, flattened, in fixed point."""
    return "[" + ", ".join(f"{v:.{digits}f}" for v in np.ravel(values)) + "]"


def format_named(values, digits=3):
    """``"a: 0.1; b: 2e-07"``: a dictionary of numbers on one line (``digits`` significant);
    other values (text, booleans) as they are."""

    def shown(value):
        is_number = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
        return f"{value:.{digits}g}" if is_number else str(value)

    return "; ".join(f"{name}: {shown(value)}" for name, value in values.items())


def expected_text(claim):
    """The expected verdict of a claim, with its seed rate where this run's seed is not one
    that rate was measured on (then either verdict is within the rate)."""
    rate = claim.get("seed_rate")
    if not rate:
        return claim["expect"]
    return (
        f"{claim['expect']} on {rate['at_least']} of {rate['of']} measured seeds "
        f"(sweep {rate['sweep']}); this seed was not measured"
    )


def verdict_text(claim):
    """The verdict, marked where it is not the expected one (or is, only within its rate)."""
    if claim["verdict"] == claim["expect"]:
        return claim["verdict"]
    if within_seed_rate(claim):
        return f"{claim['verdict']} (within its seed rate)"
    return f"**{claim['verdict']}** (unexpected)"


def control_text(claim):
    """The control's outcome for the claims table: ``refuted, as known`` or, marked, what it
    gave where another outcome was known (which makes the claim inconclusive)."""
    control = claim.get("control")
    if not control:
        return "–"
    if control["outcome"] == control["known"]:
        return f"{control['outcome']}, as known"
    return f"**{control['outcome']}** (known: {control['known']})"


def claim_paragraph(claim, sources_link):
    """A claim under the claims table: its source and quote, the documented and observed
    values in full, the verdict, the lab's explanation, and the whole evidence folded away."""
    record = record_of(claim["id"])
    source = SOURCES[record.source]
    lines = [f'<a id="{claim["id"].lower()}"></a>', f"### {claim['id']}: {claim['statement']}", ""]
    cited = f"[{source.title}]({sources_link}#{source.anchor})"
    if claim.get("source") and claim["source"] != source.title:
        cited += f" ({claim['source']})"
    if record.quote:
        cited += f": “{record.quote}”" + (
            f" (in English: “{record.english}”)" if record.english else ""
        )
    lines += [f"- Source: {cited}", f"- Documented: {full(claim['documented'])}"]
    lines.append(f"- Observed: {full(claim['observed'])}")
    if claim["tolerance"]:
        lines.append(f"- Tolerance: {claim['tolerance']}")
    lines.append(f"- Verdict: {verdict_text(claim)}; expected {expected_text(claim)}")
    control = claim.get("control")
    if control:
        lines.append(
            f"- Control: {control['configuration']}: observed {full(control['observed'])}; "
            f"{control_text(claim)} ({control['evidence']})"
        )
    lines += ["", record.explanation]
    evidence = claim["evidence"]
    brief = short_evidence(evidence)
    lines += ["", f"Evidence: {brief}" + ("" if brief == evidence else " (details below)")]
    if brief != evidence:
        lines += ["", "<details><summary>Full evidence</summary>", "", evidence, "", "</details>"]
    return lines


REPRODUCIBILITY = (
    "Run again on this machine with the same versions, this command gives these numbers bit for "
    "bit. On another machine the trained ones may differ by up to the tolerance beside them: "
    "how far they moved between seeds in the committed sweep (`lstm_lab/reproducibility.py` "
    "says why that bounds it). Tolerance 0: exact everywhere. The verdicts above hold within "
    "these tolerances; each claim's own tolerance is in its paragraph."
)


def metrics_table(metrics, tolerances):
    """The metrics, one row per number (nested ones as ``a/b``), with their tolerance across
    machines; other values (text, booleans, lists) as they are."""
    rows = []
    for name, value in metrics.items():
        flat = value if isinstance(value, dict) else {name: value}
        for key, item in flat.items():
            full_name = key if flat is not value else f"{name}/{key}"
            entry = tolerances.get(full_name)
            if isinstance(item, dict) or entry is None:
                rows.append([full_name, short(item, 100), "–", ""])
                continue
            tolerance = entry["tolerance"]
            rows.append(
                [
                    full_name,
                    f"{item:.10g}" if isinstance(item, float) else str(item),
                    "–" if tolerance is None else f"± {tolerance:.3g}",
                    entry["basis"],
                ]
            )
    return markdown_table(["metric", "value", "across machines", "basis"], rows).splitlines()


def render_markdown(data, sections, figures, notes, sweeps=(), sources_link="../sources.md"):
    """``report.md`` for ``data`` (the run's metrics); ``sections`` are (heading,
    markdown) pairs, ``figures`` maps a PNG's file name to its caption, ``notes`` are lines,
    ``sweeps`` are (name, relative link to its report, seeds) of the sweeps with this
    experiment, ``sources_link`` the relative link to ``results/sources.md``."""
    v = data["versions"]
    lines = [
        f"# {data['experiment']}: {data['title']}",
        "",
        "Generated by the command below; do not edit by hand.",
        "",
        f"- Command: `{data['command']}`",
        f"- Profile: {data['profile']} · seed {data['seed']} · wall time {data['wall_seconds']} s",
        f"- Backend: {data.get('backend', 'tensorflow')} on {data.get('device', 'cpu')}",
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
    ]
    if data.get("settings"):
        settings = ", ".join(f"{k} {short(v, 40)}" for k, v in data["settings"].items())
        lines.append(
            f"- Settings of the {data['profile']} profile: {settings}"
            + (
                " (a short smoke run: where a claim names the source's settings, this run "
                "used these instead)"
                if data["profile"] != "full"
                else ""
            )
        )
    if data.get("seeds"):
        lines.append("- Seeds: " + ", ".join(f"{k} {s}" for k, s in data["seeds"].items()))
    if sweeps:
        lines.append(
            "- This is one run with one seed; across seeds: "
            + ", ".join(f"[sweep {name}]({link}) ({n} seeds)" for name, link, n in sweeps)
        )
    lines += [
        "",
        "## Claims",
        "",
        "| id | claim | expected | verdict | control |",
        "|---|---|---|---|---|",
    ]
    for c in data["claims"]:
        lines.append(
            f"| [{c['id']}](#{c['id'].lower()}) | {short(c['statement'], 200)} | "
            f"{expected_text(c)} | {verdict_text(c)} | {control_text(c)} |"
        )
    lines += ["", "Each claim in plain words, with its source and the evidence:"]
    for c in data["claims"]:
        lines += ["", *claim_paragraph(c, sources_link)]
    for heading, markdown in sections:
        lines += ["", f"## {heading}", "", markdown]
    if figures:
        lines += ["", "## Figures", ""]
        for file_name, caption in figures.items():
            lines += [f"![{caption}]({file_name})", "", f"*{caption}*", ""]
    if data["metrics"]:
        lines += ["", "## Metrics", "", REPRODUCIBILITY, ""]
        lines += metrics_table(data["metrics"], data.get("metric_tolerances", {}))
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(lines).rstrip() + "\n"


def render_sources():
    """``results/sources.md``: every source, with what it is and where to find it."""
    lines = [
        "# Sources",
        "",
        "Generated from `lstm_lab/claims/`; do not edit by hand. Every claim in the reports "
        "names one of these. The five source documents are Chinese-language pages (three of "
        "them translations of English originals); the lab cites their numbers and quotes a "
        "sentence per claim, with a translation, and writes its own code.",
    ]
    for source in SOURCES.values():
        claims = sorted(c for c, record in RECORDS.items() if record.source == source.key)
        lines += ["", f'<a id="{source.anchor}"></a>', f"## {source.title}", ""]
        if source.english_title:
            lines.append(f"- English title: {source.english_title}")
        lines += [
            f"- Kind: {source.kind}",
            f"- Language: {source.language}",
            f"- Date: {source.date}",
            f"- Where: {source.url or 'no public address known'}"
            + (f"; the lab's copy is `shared/seeds/{source.file}`" if source.file else ""),
            f"- What it shows: {source.shows}",
        ]
        if claims:
            lines.append(f"- Claims: {', '.join(claims)}")
    return "\n".join(lines) + "\n"
