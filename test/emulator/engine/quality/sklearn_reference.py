"""scikit-learn's counterpart of each emulator learner, on the same CSV files.

Usage: python3 sklearn_reference.py <jobs.json>

jobs.json lists tasks: {"name", "model", "train", "test", "label", "categorical", "params"}.
Prints one JSON object: task name -> scores of the test rows (a list for binary and regression,
one list per class for multiclass, cluster numbers for k-means), so that the test computes the
same metric on both sides.
"""

import json
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.ensemble import (
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, PoissonRegressor, SGDClassifier
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")


def features(task):
    train = pd.read_csv(task["train"])
    test = pd.read_csv(task["test"])
    label = task["label"]
    both = pd.concat([train.drop(columns=[label]), test.drop(columns=[label])], keys=["train", "test"])
    both = pd.get_dummies(both, columns=task["categorical"], dtype=float)
    x_train = both.loc["train"].to_numpy(dtype=float)
    x_test = both.loc["test"].to_numpy(dtype=float)
    return x_train, x_test, train[label], test[label]


def standardized(x_train, x_test):
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_test)


def run(task):
    x_train, x_test, y_train, _ = features(task)
    p = task.get("params", {})
    model = task["model"]
    if model == "RandomForestClassifier":
        # Every feature is a split candidate, as the emulator's random (feature, threshold) draws are.
        m = RandomForestClassifier(n_estimators=8, max_depth=32, min_samples_leaf=1,
                                   max_features=None, random_state=0)
        m.fit(x_train, y_train)
        probs = m.predict_proba(x_test)
        if len(m.classes_) == 2:
            return probs[:, list(m.classes_).index(p["positive"])].tolist()
        return [probs[:, i].tolist() for i in range(len(m.classes_))]
    if model == "Perceptron":
        xs, xt = standardized(x_train, x_test)
        m = SGDClassifier(loss="perceptron", penalty=None, learning_rate="constant", eta0=1.0,
                          max_iter=10, tol=None, average=True, random_state=0)
        m.fit(xs, y_train == p["positive"])
        return m.decision_function(xt).tolist()
    if model == "LinearSVM":
        xs, xt = standardized(x_train, x_test)
        m = SGDClassifier(loss="hinge", penalty="l2", alpha=p["lambda"], learning_rate="optimal",
                          max_iter=p["iterations"], tol=None, average=True, random_state=0)
        m.fit(xs, y_train == p["positive"])
        return m.decision_function(xt).tolist()
    if model == "MultinomialLogisticRegression":
        xs, xt = standardized(x_train, x_test)
        m = LogisticRegression(C=1.0 / p["l2"], max_iter=2000)
        m.fit(xs, y_train)
        probs = m.predict_proba(xt)
        return [probs[:, i].tolist() for i in range(len(m.classes_))]
    if model == "HistGradientBoostingRegressor":
        m = HistGradientBoostingRegressor(max_leaf_nodes=20, min_samples_leaf=10, learning_rate=0.2,
                                          max_iter=100, early_stopping=False, l2_regularization=0.0)
        m.fit(x_train, y_train)
        return m.predict(x_test).tolist()
    if model == "RandomForestRegressor":
        m = RandomForestRegressor(n_estimators=8, max_depth=32, min_samples_leaf=1, random_state=0)
        m.fit(x_train, y_train)
        return m.predict(x_test).tolist()
    if model == "PoissonRegressor":
        xs, xt = standardized(x_train, x_test)
        m = PoissonRegressor(alpha=p["l2"] / len(y_train), max_iter=1000)
        m.fit(xs, y_train)
        return m.predict(xt).tolist()
    if model == "KMeans":
        m = KMeans(n_clusters=p["k"], n_init=1, random_state=0)
        m.fit(x_train)
        return m.predict(x_test).tolist()
    raise ValueError("unknown model " + model)


with open(sys.argv[1], encoding="utf-8") as f:
    jobs = json.load(f)
print(json.dumps({task["name"]: run(task) for task in jobs}))
