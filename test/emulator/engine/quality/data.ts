/**
 * Data with a known answer for the learner-quality tests: census rows (binary, from the
 * project's generator, with an interaction term trees can use), bike rows (regression), and
 * three small synthetic problems written here: four classes from a noisy linear score
 * (multiclass), Poisson counts from a log-linear mean, and three separated blobs (clustering).
 */
import { Rng } from "../../../../emulator/engine/rng";
import {
  bikeToCsv,
  censusToCsv,
  generateBikeRows,
  generateCensusRows,
} from "../../../../data/generate";

/** Train and test CSV text of one problem. */
export interface Problem {
  train: string;
  test: string;
  label: string;
  /** Columns the reference must one-hot encode. */
  categorical: string[];
}

function csv(header: string[], rows: (string | number)[][]): string {
  return [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";
}

/** Census income, 4000 training and 2000 test rows. */
export function censusProblem(): Problem {
  const rows = (n: number, seed: number) =>
    censusToCsv(generateCensusRows({ rows: n, seed, drift: 0, missingRate: 0, interaction: 2 }));
  return {
    train: rows(4000, 11),
    test: rows(2000, 12),
    label: "income",
    categorical: [
      "workclass",
      "education",
      "marital-status",
      "occupation",
      "relationship",
      "race",
      "sex",
      "native-country",
    ],
  };
}

/** Bike demand, 4000 training and 2000 test rows. */
export function bikeProblem(): Problem {
  return {
    train: bikeToCsv(generateBikeRows({ rows: 4000, seed: 21 })),
    test: bikeToCsv(generateBikeRows({ rows: 2000, seed: 22 })),
    label: "count",
    categorical: ["season"],
  };
}

const SHAPES = ["circle", "square", "star"];

/** Four classes: the largest of four linear scores of x1..x3 and a shape, plus Gumbel noise. */
export function multiclassProblem(): Problem {
  const weights = [
    [1.2, -0.4, 0.3, 0, 0.5, -0.5],
    [-0.8, 1.0, 0.2, 0.4, 0, 0],
    [0.1, -0.9, 1.1, -0.3, 0.2, 0.6],
    [0, 0, 0, 0, 0, 0],
  ];
  const make = (n: number, seed: number) => {
    const rng = new Rng(seed);
    const rows: (string | number)[][] = [];
    for (let i = 0; i < n; i++) {
      const x = [rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()];
      const shape = rng.nextInt(3);
      let best = 0;
      let bestScore = -Infinity;
      weights.forEach((w, c) => {
        const s =
          w[0] * x[0] +
          w[1] * x[1] +
          w[2] * x[2] +
          w[3 + shape] -
          Math.log(-Math.log(rng.nextDouble() + 1e-12));
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      });
      rows.push([...x.map((v) => v.toFixed(4)), SHAPES[shape], `class${best}`]);
    }
    return csv(["x1", "x2", "x3", "shape", "kind"], rows);
  };
  return { train: make(4000, 31), test: make(2000, 32), label: "kind", categorical: ["shape"] };
}

/** Counts with mean exp(0.8 + 0.5·x1 − 0.3·x2 + shape effect). */
export function poissonProblem(): Problem {
  const effect = [0, 0.4, -0.3];
  const make = (n: number, seed: number) => {
    const rng = new Rng(seed);
    const rows: (string | number)[][] = [];
    for (let i = 0; i < n; i++) {
      const x1 = rng.nextGaussian();
      const x2 = rng.nextGaussian();
      const shape = rng.nextInt(3);
      const mean = Math.exp(0.8 + 0.5 * x1 - 0.3 * x2 + effect[shape]);
      // Knuth's method: fine for these small means.
      let k = 0;
      let p = 1;
      const limit = Math.exp(-mean);
      for (;;) {
        p *= rng.nextDouble();
        if (p <= limit) break;
        k++;
      }
      rows.push([x1.toFixed(4), x2.toFixed(4), SHAPES[shape], k]);
    }
    return csv(["x1", "x2", "shape", "visits"], rows);
  };
  return { train: make(4000, 41), test: make(2000, 42), label: "visits", categorical: ["shape"] };
}

/** Three separated Gaussian blobs in two dimensions; `blob` is the known answer. */
export function blobsProblem(): Problem {
  const centres = [
    [0, 0],
    [6, 1],
    [2, 7],
  ];
  const make = (n: number, seed: number) => {
    const rng = new Rng(seed);
    const rows: (string | number)[][] = [];
    for (let i = 0; i < n; i++) {
      const b = rng.nextInt(3);
      rows.push([
        (centres[b][0] + rng.nextGaussian()).toFixed(4),
        (centres[b][1] + rng.nextGaussian()).toFixed(4),
        b,
      ]);
    }
    return csv(["u", "v", "blob"], rows);
  };
  return { train: make(1500, 51), test: make(500, 52), label: "blob", categorical: [] };
}
