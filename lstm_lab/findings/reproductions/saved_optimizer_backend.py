"""A model compiled with "adam" and saved on torch names torch's own Adam class in its file, so
loading it on another backend imports Keras's torch backend (and torch, and what torch loads)."""

import json
import tempfile
import zipfile
from pathlib import Path

import keras

model = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
path = Path(tempfile.mkdtemp()) / "model.keras"
model.save(path)
with zipfile.ZipFile(path) as archive:
    config = json.loads(archive.read("config.json"))
optimizer = config["compile_config"]["optimizer"]
module = optimizer.get("module", "") if isinstance(optimizer, dict) else ""
if ".backend." in module:
    print(f"reproduced: the saved optimizer is {module}.{optimizer.get('class_name')}")
    raise SystemExit(0)
print(f"not reproduced: the saved optimizer is {module or optimizer!r}, no backend's own class")
raise SystemExit(1)
