/**
 * Item 7: the emulator's Two-Class Logistic Regression against scikit-learn's LogisticRegression
 * (Debian's python3-sklearn, run by /usr/bin/python3), on the same CSV of 1M rows × 20 numeric
 * features, and its growth from 100k to 1M rows.
 *
 * Each run is a fresh process (`training/emulatorLr.ts`, `training/sklearn_lr.py`) timing itself
 * from before reading the file to after the AUC: CSV parsing, the 80/20 split (first 80 % in
 * order), fitting, scoring the held-out 20 % and the AUC, on both sides; interpreter start-up and
 * imports are excluded on both sides. The emulator runs a BES job on a fresh worker thread, so a
 * fresh process is its real setting (JIT warm-up included). Runs are interleaved.
 *
 * The CSV generator is `syntheticCsv` of `engine-scale.ts` (the engine's own scale script).
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { syntheticCsv } from "./engine-scale";
import {
  interleave,
  median,
  notMeasured,
  ratioText,
  roundRatios,
  type BenchContext,
  type ItemResult,
} from "./lib/common";

const run = promisify(execFile);
/** Issue 18's goal for row 7a (the verdict is on the median per-round ratio). */
const GOAL_7A = "≤ 0.8× scikit-learn's wall time (median ratio), AUC within 0.005";
const PYTHON = "/usr/bin/python3";

interface RunOutput {
  rows: number;
  totalMs: number;
  auc: number;
  iterations: number;
  [key: string]: unknown;
}

async function emulatorRun(file: string): Promise<RunOutput> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", path.join(__dirname, "training", "emulatorLr.ts"), file],
    { cwd: path.join(__dirname, ".."), maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as RunOutput;
}

async function sklearnRun(file: string): Promise<RunOutput> {
  const { stdout } = await run(PYTHON, [path.join(__dirname, "training", "sklearn_lr.py"), file], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as RunOutput;
}

/** Why scikit-learn cannot be used here, or undefined when it can. */
async function sklearnMissing(): Promise<string | undefined> {
  try {
    await run(PYTHON, ["-c", "import sklearn, pandas"]);
    return undefined;
  } catch {
    return `install python3-sklearn (and python3-pandas) for ${PYTHON}`;
  }
}

/** Runs item 7. */
export async function benchTraining(ctx: BenchContext): Promise<ItemResult[]> {
  const dir = path.join(ctx.tmp, "training");
  fs.mkdirSync(dir, { recursive: true });
  const big = path.join(dir, "lr-1m.csv");
  const small = path.join(dir, "lr-100k.csv");
  ctx.log("training: writing 1M and 100k rows × 20 features");
  fs.writeFileSync(big, syntheticCsv(1_000_000, 42));
  fs.writeFileSync(small, syntheticCsv(100_000, 42));
  const bigMb = (fs.statSync(big).size / 1e6).toFixed(0);
  const missing = await sklearnMissing();
  const rounds = ctx.ratioRounds;

  const contenders: Record<string, () => Promise<RunOutput>> = {
    emulator1M: () => emulatorRun(big),
    emulator100k: () => emulatorRun(small),
  };
  if (!missing) contenders.sklearn1M = () => sklearnRun(big);
  const { values } = await interleave(rounds, contenders, { log: ctx.log });
  // The verdict uses each process's own timing (file read to AUC), not the process wall time.
  const totals = (name: string): number[] => values[name].map((v) => v.totalMs);
  const e1m = median(totals("emulator1M"));
  const e100k = median(totals("emulator100k"));
  const growth = roundRatios(totals("emulator1M"), totals("emulator100k"));
  const emulatorAuc = values.emulator1M[0].auc;
  const results: ItemResult[] = [];
  const how = `Fresh process per run, timed inside from before reading the file to after the AUC (parse, split 80/20 in row order, fit, score the 20 %, AUC); ${rounds} interleaved rounds; the verdict is the median of the per-round ratios (each round's runs are side by side), the minimum is the best round. Data: syntheticCsv (engine-scale.ts), ${bigMb} MB for 1M rows, labels from a known logistic model.`;

  if (missing) {
    results.push(
      notMeasured("7a", "Training: emulator LR vs scikit-learn, 1M rows × 20", GOAL_7A, missing),
    );
  } else {
    const s1m = median(totals("sklearn1M"));
    const ratio = roundRatios(totals("emulator1M"), totals("sklearn1M"));
    const sklearnAuc = values.sklearn1M[0].auc;
    const aucGap = Math.abs(emulatorAuc - sklearnAuc);
    const sk = values.sklearn1M[0];
    results.push({
      id: "7a",
      title: "Training: emulator LR vs scikit-learn, 1M rows × 20 features",
      goal: GOAL_7A,
      ratio: ratio.median,
      measured: `${ratioText(ratio)}: emulator ${e1m.toFixed(0)} ms vs scikit-learn ${s1m.toFixed(0)} ms (medians); AUC ${emulatorAuc.toFixed(4)} vs ${sklearnAuc.toFixed(4)} (gap ${aucGap.toExponential(1)})`,
      met: ratio.median <= 0.8 && aucGap <= 0.005,
      notes: `${how} Emulator: Split Data → Train Model (Two-Class Logistic Regression, Studio defaults: L1 1, L2 1, tolerance 1e-7, L-BFGS memory 20; ${values.emulator1M[0].iterations} iterations) → Score Model, rocAuc. scikit-learn ${String(sk.sklearn)} (Debian python3-sklearn, ${PYTHON}): pandas.read_csv, LogisticRegression() defaults (L2, C = 1, lbfgs, ${sk.iterations} iterations), predict_proba, roc_auc_score. Steps (medians, ms): emulator parse ${median(values.emulator1M.map((v) => Number(v.parseMs))).toFixed(0)}, train+score ${median(values.emulator1M.map((v) => Number(v.trainAndScoreMs))).toFixed(0)}; scikit-learn parse ${median(values.sklearn1M.map((v) => Number(v.parseMs))).toFixed(0)}, fit ${median(values.sklearn1M.map((v) => Number(v.trainMs))).toFixed(0)}, score ${median(values.sklearn1M.map((v) => Number(v.scoreMs))).toFixed(0)}.${ratio.median <= 0.8 ? "" : " Where the time goes, and why the goal is missed: bench/profiles/README.md."}`,
      raw: { emulator1M: values.emulator1M, sklearn1M: values.sklearn1M },
    });
  }
  results.push({
    id: "7b",
    title: "Training: emulator LR, 1M rows vs 100k rows",
    goal: "≤ 11× the 100k-row wall time (10× the rows)",
    ratio: growth.median,
    measured: `${ratioText(growth)}: 1M ${e1m.toFixed(0)} ms vs 100k ${e100k.toFixed(0)} ms (medians)`,
    met: growth.median <= 11,
    notes: `${how} Same emulator pipeline; the 100k-row file holds the first 100k rows of the 1M-row one (same generator and seed).`,
    raw: { emulator1M: values.emulator1M, emulator100k: values.emulator100k },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return results;
}
