"""Scores census rows with the model train.py wrote (an Azure ML online deployment's script).

init() loads model.pkl from AZUREML_MODEL_DIR (found at any depth: Azure keeps the registered
folder's name under it). run(raw_data) takes {"data": [{column: value, ...}, ...]} or
{"columns": [...], "data": [[...], ...]} and answers, per row, the predicted income and the
probability of ">50K", plus which model answered (from model.json) so a caller can tell models
apart. Unknown categories and blank cells are scored (they count as missing); a label column
in the rows is ignored.
"""

import json
import os
import pickle

import pandas as pd

NUMERIC = ["age", "education-num", "capital-gain", "capital-loss", "hours-per-week"]
CATEGORICAL = [
    "workclass",
    "education",
    "marital-status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "native-country",
]

model = None
about = {}


def find(root, name):
    for folder, _dirs, files in sorted(os.walk(root)):
        if name in files:
            return os.path.join(folder, name)
    raise FileNotFoundError("no %s under %s" % (name, root))


def init():
    global model, about
    root = os.environ["AZUREML_MODEL_DIR"]
    path = find(root, "model.pkl")
    with open(path, "rb") as handle:
        model = pickle.load(handle)
    description = os.path.join(os.path.dirname(path), "model.json")
    if os.path.exists(description):
        with open(description) as handle:
            about = json.load(handle)
    print("loaded %s" % os.path.relpath(path, root), flush=True)


def frame_of(payload):
    if not isinstance(payload, dict) or "data" not in payload:
        raise ValueError('send {"data": [{...}, ...]} or {"columns": [...], "data": [[...]]}')
    rows = payload["data"]
    if "columns" in payload:
        frame = pd.DataFrame(rows, columns=payload["columns"])
    else:
        frame = pd.DataFrame(rows)
    for column in NUMERIC + CATEGORICAL:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[NUMERIC + CATEGORICAL].copy()
    for column in NUMERIC:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    for column in CATEGORICAL:
        frame[column] = frame[column].map(lambda v: None if v is None or v == "" else str(v))
    return frame


def run(raw_data):
    frame = frame_of(json.loads(raw_data))
    probabilities = model.predict_proba(frame)[:, 1]
    return {
        "predictions": [">50K" if p >= 0.5 else "<=50K" for p in probabilities],
        "probabilities": [round(float(p), 6) for p in probabilities],
        "model": {"dataSha256": about.get("dataSha256", ""), "run": about.get("run", "")},
    }
