/**
 * The interpreters the script-module and learner-quality tests run: Debian's Python 3 (with
 * python3-pandas and python3-sklearn, installed by `.ci/run`) and R's Rscript. Tests never skip
 * when they are missing: CI installs them, and a machine without them fails loudly.
 */

/** Python 3 with pandas and scikit-learn (`AZUREML_TEST_PYTHON` overrides). */
export const PYTHON = process.env.AZUREML_TEST_PYTHON ?? "/usr/bin/python3";

/** Rscript (`AZUREML_TEST_RSCRIPT` overrides). */
export const RSCRIPT = process.env.AZUREML_TEST_RSCRIPT ?? "Rscript";
