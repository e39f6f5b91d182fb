"""Whether regenerated runs give what the committed runs say: the same verdicts, expectations
and control outcomes, and every metric within the tolerance the committed run states."""

from lstm_lab.errors import BadInput
from lstm_lab.report.tolerances import differences_from
from lstm_lab.results.layout import METRICS_NAME, read_metrics


def run_differences(committed_file, regenerated):
    """What ``regenerated`` (a run's metrics) says otherwise than the committed run, one line
    each; none where it regenerates it."""
    committed = read_metrics(committed_file)
    if committed["profile"] != regenerated["profile"]:
        return [f"a {regenerated['profile']} run against a {committed['profile']} one"]
    found = []
    old = {claim["id"]: claim for claim in committed["claims"]}
    new = {claim["id"]: claim for claim in regenerated["claims"]}
    for claim_id in sorted(old.keys() | new.keys()):
        if claim_id not in old or claim_id not in new:
            found.append(
                f"{claim_id} only in the {'regenerated' if claim_id in new else 'committed'} run"
            )
            continue
        for key in ("verdict", "expect"):
            if old[claim_id][key] != new[claim_id][key]:
                found.append(f"{claim_id} {key}: {old[claim_id][key]} -> {new[claim_id][key]}")
        before, after = (
            (c.get("control") or {}).get("outcome") for c in (old[claim_id], new[claim_id])
        )
        if before != after:
            found.append(f"{claim_id} control: {before} -> {after}")
    for metric, was, now, tolerance in differences_from(committed_file, regenerated):
        found.append(f"metric {metric}: {was} -> {now} (tolerance {tolerance:g})")
    return found


def compare_folders(committed_dir, regenerated_dir):
    """``{run folder: [differences]}`` for every run under ``regenerated_dir`` (its path
    relative to it), against the run at the same place under ``committed_dir``."""
    runs = sorted(
        path
        for path in regenerated_dir.rglob(METRICS_NAME)
        if not any(part.startswith(".") for part in path.relative_to(regenerated_dir).parts)
    )
    if not runs:
        raise BadInput(f"no runs under {regenerated_dir}")
    found = {}
    for path in runs:
        place = path.parent.relative_to(regenerated_dir)
        committed_file = committed_dir / place / METRICS_NAME
        if not committed_file.exists():
            found[str(place)] = ["no committed run there"]
            continue
        found[str(place)] = run_differences(committed_file, read_metrics(path))
    return found
