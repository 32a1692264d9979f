"""Item 7, scikit-learn side: the same CSV, the same split, the same steps as the emulator side.

Reads the CSV with pandas, trains LogisticRegression (scikit-learn's defaults: L2, C=1, lbfgs) on
the first floor(0.8 n) rows, scores the rest and computes the AUC. Prints one JSON line with the
time from before reading the file to after the AUC (interpreter start and imports excluded, as on
the emulator side), and the time of each step.

Usage: /usr/bin/python3 sklearn_lr.py data.csv
"""
import json
import sys
import time

t_import = time.perf_counter()
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import roc_auc_score  # noqa: E402

imports = time.perf_counter() - t_import


def main(path):
    t0 = time.perf_counter()
    frame = pd.read_csv(path)
    t1 = time.perf_counter()
    n_train = int(len(frame) * 0.8)  # the emulator's Split Data: floor(n * fraction), in order
    features = frame.drop(columns=["label"]).to_numpy()
    labels = frame["label"].to_numpy()
    model = LogisticRegression()
    model.fit(features[:n_train], labels[:n_train])
    t2 = time.perf_counter()
    scores = model.predict_proba(features[n_train:])[:, 1]
    auc = roc_auc_score(labels[n_train:], scores)
    t3 = time.perf_counter()
    print(
        json.dumps(
            {
                "rows": len(frame),
                "totalMs": (t3 - t0) * 1000,
                "parseMs": (t1 - t0) * 1000,
                "trainMs": (t2 - t1) * 1000,
                "scoreMs": (t3 - t2) * 1000,
                "importMs": imports * 1000,
                "auc": auc,
                "iterations": int(model.n_iter_[0]),
                "sklearn": sklearn.__version__,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
