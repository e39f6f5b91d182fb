"""``fit`` that survives an interruption and resumes exactly where it stopped
(:func:`fit_with_backup`).
"""

import json
import shutil
from pathlib import Path

from lstm_lab.files import write_json_atomically

IDENTITY_FILE = "run.json"


def fit_with_backup(model, x, y, backup_dir, identity, monitor=None, mode="max", **fit_arguments):
    """``model.fit`` that survives an interruption and resumes exactly where it stopped.

    After every epoch a :class:`lstm_lab.training.callbacks.TrainingRecord` saves the model, its
    optimizer, the epoch's logs and the best weights in ``backup_dir``. Run the same call
    again and it resumes after the last saved epoch; once training has finished, a call
    reuses the final weights instead of training again. ``identity`` (a JSON-able dict:
    experiment, profile, seed, data, code, ...) is stored beside the backup: a backup left
    by a run with another identity is removed, never resumed. :func:`remove_backup` deletes
    the folder when its results are safely written.

    Returns the :class:`~lstm_lab.training.callbacks.TrainingRecord` (``history`` of every epoch,
    ``best_epoch``, ``best_weights``).
    """
    backup = Path(backup_dir)
    saved = _read_identity(backup)
    if backup.exists() and saved != identity:
        shutil.rmtree(backup)  # before saying so: a reader of the message finds it gone
        differs = _differences(saved or {}, identity)
        print(
            f"    {backup} holds a backup of another run ({differs}): removed, starting afresh",
            flush=True,
        )
    backup.mkdir(parents=True, exist_ok=True)
    write_json_atomically(backup / IDENTITY_FILE, identity)
    from lstm_lab.training.callbacks import TrainingRecord  # a Keras class: Keras loads here

    record = TrainingRecord(backup, monitor, mode)
    if record.epochs_done:
        record.restore(model)
        if record.finished:
            print(f"    reusing the training finished earlier and kept in {backup}", flush=True)
            return record
        print(f"    resuming after epoch {record.epochs_done}, saved in {backup}", flush=True)
    callbacks = [record, *fit_arguments.pop("callbacks", [])]
    model.fit(x, y, callbacks=callbacks, initial_epoch=record.epochs_done, **fit_arguments)
    return record


def remove_backup(backup_dir):
    """Delete a backup folder of :func:`fit_with_backup` (once its results are written)."""
    shutil.rmtree(backup_dir, ignore_errors=True)


def _read_identity(backup):
    try:
        return json.loads((backup / IDENTITY_FILE).read_text())
    except (OSError, ValueError):
        return None


def _differences(saved, identity):
    keys = [k for k in identity if saved.get(k) != identity[k]] or ["unknown"]
    return "other " + ", ".join(keys)
