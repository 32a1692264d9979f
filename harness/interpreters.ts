/**
 * The interpreters the script-module, learner-quality and v2 tests (and the v2 bench) run:
 * Debian's Python 3 (with python3-pandas and python3-sklearn, installed by `.ci/run`) and R's
 * Rscript. Tests never skip when they are missing: CI installs them, and a machine without them
 * fails loudly.
 */
import { spawnSync } from "node:child_process";

/** Python 3 with pandas and scikit-learn (`AZUREML_TEST_PYTHON` overrides). */
export const PYTHON = process.env.AZUREML_TEST_PYTHON ?? "/usr/bin/python3";

/** Rscript (`AZUREML_TEST_RSCRIPT` overrides). */
export const RSCRIPT = process.env.AZUREML_TEST_RSCRIPT ?? "Rscript";

let checked: string | undefined;

/**
 * {@link PYTHON}, checked once: it must import scikit-learn and pandas, or this throws saying how
 * to get them.
 */
export function sklearnPython(): string {
  if (checked) return checked;
  const probe = spawnSync(PYTHON, ["-c", "import sklearn, pandas"], { encoding: "utf8" });
  if (probe.status !== 0)
    throw new Error(
      `${PYTHON} cannot import scikit-learn and pandas: apt-get install python3-sklearn python3-pandas ` +
        "(or point AZUREML_TEST_PYTHON at a Python that has them)",
    );
  return (checked = PYTHON);
}
