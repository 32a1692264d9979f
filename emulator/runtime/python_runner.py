"""Runs one Execute Python Script module for the azureml-retrain emulator.

Usage: python3 python_runner.py <scratch folder>

The folder holds script.py, input1.csv/.json and input2.csv/.json (the connected datasets, with
their column types) and bundle.zip (the Script Bundle, when connected). The runner loads the
inputs as pandas data frames, unpacks the bundle into "Script Bundle" (added to sys.path, as
Studio did), calls azureml_main with as many frames as it takes, and writes the returned frame
as output.csv + output.json. result.json says whether it worked, or carries the script's own
error text and the line of the script where it was raised.
"""

import inspect
import json
import os
import sys
import traceback
import zipfile

SCRIPT_NAME = "<Python script>"
WORK = sys.argv[1]


def write_result(**fields):
    with open(os.path.join(WORK, "result.json"), "w", encoding="utf-8") as f:
        json.dump(fields, f)


try:
    import pandas as pd
except ImportError as error:
    write_result(
        ok=False,
        kind="unavailable",
        message=(
            "pandas is not installed for %s (%s): install it (Debian: apt-get install "
            "python3-pandas), or start the emulator with --python <path>" % (sys.executable, error)
        ),
    )
    sys.exit(3)


def read_frame(index):
    csv = os.path.join(WORK, "input%d.csv" % index)
    if not os.path.exists(csv):
        return None
    with open(os.path.join(WORK, "input%d.json" % index), encoding="utf-8") as f:
        schema = json.load(f)
    names = [c["name"] for c in schema["columns"]]
    dtypes = {}
    booleans = []
    for column in schema["columns"]:
        kind = column["type"]
        if kind == "String":
            dtypes[column["name"]] = object
        elif kind == "Boolean":
            dtypes[column["name"]] = object
            booleans.append(column["name"])
        elif kind == "Double":
            dtypes[column["name"]] = "float64"
    if schema["rows"] == 0:
        return pd.DataFrame({name: pd.Series(dtype=dtypes.get(name, "float64")) for name in names})
    frame = pd.read_csv(csv, dtype=dtypes, keep_default_na=False, na_values=[""])
    for name in booleans:
        frame[name] = frame[name].map({"True": True, "False": False})
    return frame


def column_type(dtype):
    if pd.api.types.is_bool_dtype(dtype):
        return "Boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "Int64"
    if pd.api.types.is_float_dtype(dtype):
        return "Double"
    return "String"


def write_frame(frame):
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    columns = []
    for name in frame.columns:
        dtype = frame[name].dtype
        categorical = isinstance(dtype, pd.CategoricalDtype)
        if categorical:
            frame[name] = frame[name].astype(object)
            dtype = frame[name].dtype
        columns.append({"name": name, "type": column_type(dtype), "categorical": categorical})
    frame.to_csv(os.path.join(WORK, "output.csv"), index=False, na_rep="")
    with open(os.path.join(WORK, "output.json"), "w", encoding="utf-8") as f:
        json.dump({"rows": int(len(frame)), "columns": columns}, f)


def script_line(error):
    """The line of the user's script nearest to where the error was raised."""
    if isinstance(error, SyntaxError) and error.filename == SCRIPT_NAME:
        return error.lineno
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == SCRIPT_NAME:
            line = frame.lineno
    return line


def main():
    bundle = os.path.join(WORK, "bundle.zip")
    if os.path.exists(bundle):
        target = os.path.join(WORK, "Script Bundle")
        try:
            with zipfile.ZipFile(bundle) as archive:
                archive.extractall(target)
        except zipfile.BadZipFile as error:
            write_result(ok=False, kind="error", message="Script Bundle: %s" % error)
            return 1
        sys.path.insert(0, target)
    with open(os.path.join(WORK, "script.py"), encoding="utf-8") as f:
        source = f.read()
    namespace = {"__name__": "__main__"}
    try:
        exec(compile(source, SCRIPT_NAME, "exec"), namespace)
        entry = namespace.get("azureml_main")
        if not callable(entry):
            raise NameError("the script defines no function azureml_main(dataframe1, dataframe2)")
        parameters = [
            p
            for p in inspect.signature(entry).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        frames = [read_frame(1), read_frame(2)]
        returned = entry(*frames[: min(len(parameters), 2)])
    except BaseException as error:  # the script's own failure, reported with its line
        traceback.print_exc()
        text = "".join(traceback.format_exception_only(type(error), error)).strip()
        line = script_line(error)
        write_result(ok=False, kind="error", message=text, **({"line": line} if line else {}))
        return 1
    frame = returned
    if isinstance(returned, (list, tuple)) and len(returned) > 0:
        frame = returned[0]
    if not isinstance(frame, pd.DataFrame):
        write_result(
            ok=False,
            kind="error",
            message=(
                "azureml_main returned %s; return a pandas.DataFrame (or a sequence whose "
                "first item is one)" % type(returned).__name__
            ),
        )
        return 1
    write_frame(frame)
    write_result(ok=True)
    return 0


sys.exit(main())
