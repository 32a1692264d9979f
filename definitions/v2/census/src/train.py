"""Trains the census income model (scikit-learn) as an Azure Machine Learning command job.

    python train.py --data <census.csv> --model <out dir> --metrics <out dir>
                    [--C 1.0] [--test-size 0.25] [--seed 42] [--max-iter 1000]
                    [--scored <out dir>]

The CSV has the census columns and the label `income` (">50K" or "<=50K"); blank cells are
missing values. The model is a pipeline: numeric columns standardised, categorical columns with
missing values marked and one-hot encoded, then logistic regression. It is evaluated on a held-out
split and written as <model>/model.pkl (with <model>/model.json describing it); the evaluation goes
to <metrics>/metrics.json under the captions the classic flow uses (AUC, Accuracy, Precision,
Recall, F1 Score), so one gate works for both.

With --scored, the held-out rows are also written, as the CSV has them, to <scored>/scored.csv
with two more columns, "Scored Labels" and "Scored Probabilities" (of ">50K"): the pull-request
evaluation (`npm run evaluate`) scores the served model on the same rows. It changes nothing of
the model: the split, the fit and the metrics are the same with or without it.
"""

import argparse
import hashlib
import json
import os
import pickle
import sys

import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

LABEL = "income"
POSITIVE = ">50K"
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


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="the census CSV")
    parser.add_argument("--model", required=True, help="output folder of the model")
    parser.add_argument("--metrics", required=True, help="output folder of metrics.json")
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--test-size", type=float, default=0.25, help="held-out share")
    parser.add_argument("--seed", type=int, default=42, help="split seed")
    parser.add_argument("--max-iter", type=int, default=1000, help="solver iterations")
    parser.add_argument("--scored", help="output folder of the scored held-out rows (optional)")
    return parser.parse_args(argv)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load(path):
    frame = pd.read_csv(path, skipinitialspace=True, keep_default_na=False, na_values=[""])
    missing = [c for c in NUMERIC + CATEGORICAL + [LABEL] if c not in frame.columns]
    if missing:
        raise SystemExit("the data has no column(s) %s" % ", ".join(missing))
    labels = frame[LABEL].astype(str).str.strip()
    unknown = sorted(set(labels) - {POSITIVE, "<=50K"})
    if unknown:
        raise SystemExit("income must be >50K or <=50K, found %s" % ", ".join(unknown[:3]))
    features = frame[NUMERIC + CATEGORICAL].copy()
    for column in NUMERIC:
        features[column] = pd.to_numeric(features[column], errors="coerce")
    return features, (labels == POSITIVE).astype(int)


def build(c, max_iter):
    categorical = Pipeline(
        [
            ("missing", SimpleImputer(strategy="constant", fill_value="missing")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    numeric = Pipeline([("missing", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    features = ColumnTransformer([("num", numeric, NUMERIC), ("cat", categorical, CATEGORICAL)])
    return Pipeline([("features", features), ("model", LogisticRegression(C=c, max_iter=max_iter))])


def main(argv):
    args = parse_args(argv)
    features, labels = load(args.data)
    print("read %d rows from %s" % (len(features), args.data), flush=True)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=args.test_size, random_state=args.seed, stratify=labels
    )
    model = build(args.C, args.max_iter)
    model.fit(x_train, y_train)
    probabilities = model.predict_proba(x_test)[:, 1]
    predicted = (probabilities >= 0.5).astype(int)
    metrics = {
        "AUC": float(roc_auc_score(y_test, probabilities)),
        "Accuracy": float(accuracy_score(y_test, predicted)),
        "Precision": float(precision_score(y_test, predicted, zero_division=0)),
        "Recall": float(recall_score(y_test, predicted, zero_division=0)),
        "F1 Score": float(f1_score(y_test, predicted, zero_division=0)),
    }
    description = {
        "dataSha256": sha256_of(args.data),
        "rows": int(len(features)),
        "parameters": {"C": args.C, "test_size": args.test_size, "seed": args.seed},
        "sklearn": sklearn.__version__,
        "run": os.environ.get("AZUREML_RUN_ID", ""),
    }
    os.makedirs(args.model, exist_ok=True)
    os.makedirs(args.metrics, exist_ok=True)
    with open(os.path.join(args.model, "model.pkl"), "wb") as handle:
        pickle.dump(model, handle)
    with open(os.path.join(args.model, "model.json"), "w") as handle:
        json.dump(description, handle, indent=2, sort_keys=True)
    with open(os.path.join(args.metrics, "metrics.json"), "w") as handle:
        json.dump(metrics, handle, indent=2, sort_keys=True)
    if args.scored:
        # The rows as the file has them (text, blanks kept), in the held-out split's order.
        raw = pd.read_csv(args.data, dtype=str, skipinitialspace=True, keep_default_na=False)
        scored = raw.loc[x_test.index].copy()
        scored["Scored Labels"] = [POSITIVE if p >= 0.5 else "<=50K" for p in probabilities]
        scored["Scored Probabilities"] = [repr(float(p)) for p in probabilities]
        os.makedirs(args.scored, exist_ok=True)
        scored.to_csv(os.path.join(args.scored, "scored.csv"), index=False)
    print("metrics: " + ", ".join("%s %.4f" % (k, v) for k, v in sorted(metrics.items())), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
