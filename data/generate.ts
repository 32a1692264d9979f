/**
 * Synthetic training data for the sample services, drawn from known true models so tests can
 * measure how close the learners get:
 *
 * - census rows (the 14 columns of `definitions/census-training.json`, label `income`) from a true
 *   logistic model that is linear in what Two-Class Logistic Regression sees (numeric columns +
 *   one-hot categories), with a `drift` knob (0..1) that shifts both the feature distributions
 *   and the true coefficients, an optional `interaction` term no linear model can represent, and
 *   missing workclass/occupation/native-country values (blanked after the label is drawn);
 * - bike-demand rows (`definitions/bike-demand-training.json`, label `count`) from a true linear
 *   model plus Gaussian noise.
 *
 * Usage: `npx tsx data/generate.ts --help`.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Rng } from "../emulator/engine/rng";

// ---------------------------------------------------------------------------------------------
// Census
// ---------------------------------------------------------------------------------------------

/** One census row; null = missing. */
export interface CensusRow {
  age: number;
  workclass: string | null;
  education: string;
  "education-num": number;
  "marital-status": string;
  occupation: string | null;
  relationship: string;
  race: string;
  sex: string;
  "capital-gain": number;
  "capital-loss": number;
  "hours-per-week": number;
  "native-country": string | null;
  income: ">50K" | "<=50K";
}

/** Column order of the census CSV (as in the service definition). */
export const CENSUS_COLUMNS = [
  "age",
  "workclass",
  "education",
  "education-num",
  "marital-status",
  "occupation",
  "relationship",
  "race",
  "sex",
  "capital-gain",
  "capital-loss",
  "hours-per-week",
  "native-country",
  "income",
] as const;

/** Options of the census generator. */
export interface CensusOptions {
  rows: number;
  seed: number;
  /** 0 = the 2026-10 population, 1 = the drifted 2026-11 population (values in between interpolate). */
  drift: number;
  /** Strength of an age × hours interaction term in the true logit (0 = none). */
  interaction?: number;
  /** Share of rows with workclass and occupation missing (default 0.05). */
  missingRate?: number;
}

const EDUCATION: [string, number][] = [
  ["Preschool", 1],
  ["1st-4th", 2],
  ["5th-6th", 3],
  ["7th-8th", 4],
  ["9th", 5],
  ["10th", 6],
  ["11th", 7],
  ["12th", 8],
  ["HS-grad", 9],
  ["Some-college", 10],
  ["Assoc-voc", 11],
  ["Assoc-acdm", 12],
  ["Bachelors", 13],
  ["Masters", 14],
  ["Prof-school", 15],
  ["Doctorate", 16],
];
const EDUCATION_WEIGHTS_OLD = [
  0.2, 0.5, 1, 2, 1.6, 2.8, 3.6, 1.3, 32, 22, 4.2, 3.3, 16.4, 5.3, 1.8, 1.3,
];
const EDUCATION_WEIGHTS_NEW = [0.1, 0.2, 0.5, 1, 0.8, 1.5, 2, 1, 26, 22, 5, 4.5, 22, 9, 2.5, 2];

const WORKCLASS = [
  "Private",
  "Self-emp-not-inc",
  "Self-emp-inc",
  "Federal-gov",
  "Local-gov",
  "State-gov",
  "Without-pay",
];
const WORKCLASS_OLD = [70, 8, 3.5, 3, 6.5, 4, 0.5];
const WORKCLASS_NEW = [62, 17, 4, 3, 6.5, 4, 0.5];

const MARITAL = [
  "Married-civ-spouse",
  "Never-married",
  "Divorced",
  "Separated",
  "Widowed",
  "Married-spouse-absent",
  "Married-AF-spouse",
];
const MARITAL_OLD = [46, 33, 13.6, 3.1, 3, 1.3, 0.1];
const MARITAL_NEW = [40, 38, 14, 3.5, 3, 1.4, 0.1];

const OCCUPATION = [
  "Tech-support",
  "Craft-repair",
  "Other-service",
  "Sales",
  "Exec-managerial",
  "Prof-specialty",
  "Handlers-cleaners",
  "Machine-op-inspct",
  "Adm-clerical",
  "Farming-fishing",
  "Transport-moving",
  "Priv-house-serv",
  "Protective-serv",
  "Armed-Forces",
];
const OCCUPATION_OLD = [3, 13, 10.5, 12, 13, 13.5, 4.5, 6.5, 12, 3.2, 5.2, 0.5, 2.1, 0.05];
const OCCUPATION_NEW = [9, 11, 9, 11, 12, 16, 4, 4.5, 10, 2.5, 5.5, 0.4, 2.1, 0.05];

const RACE = ["White", "Black", "Asian-Pac-Islander", "Amer-Indian-Eskimo", "Other"];
const RACE_WEIGHTS = [85.4, 9.6, 3.2, 1, 0.8];

const COUNTRY = [
  "United-States",
  "Mexico",
  "Philippines",
  "Germany",
  "Canada",
  "India",
  "Puerto-Rico",
  "El-Salvador",
  "Cuba",
  "England",
  "China",
  "South",
  "Jamaica",
  "Italy",
];
const COUNTRY_WEIGHTS = [91, 2, 0.6, 0.45, 0.4, 0.35, 0.35, 0.35, 0.3, 0.3, 0.25, 0.25, 0.25, 0.22];

/** Coefficients of the true logit at drift 0 and drift 1 (interpolated linearly in between). */
const TRUE_OLD = {
  age: 0.035,
  "education-num": 0.3,
  "hours-per-week": 0.03,
  "capital-gain": 0.00025,
  "capital-loss": 0.0006,
  male: 0.3,
  marital: { "Married-civ-spouse": 2.0, "Married-AF-spouse": 1.8, "Never-married": -0.5 } as Record<
    string,
    number
  >,
  relationship: { Wife: 0.4, "Own-child": -1.0 } as Record<string, number>,
  occupation: {
    "Exec-managerial": 0.8,
    "Prof-specialty": 0.6,
    "Tech-support": 0.5,
    Sales: 0.3,
    "Protective-serv": 0.4,
    "Other-service": -0.8,
    "Handlers-cleaners": -0.6,
    "Farming-fishing": -0.9,
    "Priv-house-serv": -1.5,
  } as Record<string, number>,
  workclass: { "Self-emp-inc": 0.6, "Federal-gov": 0.5, "Without-pay": -1.5 } as Record<
    string,
    number
  >,
  race: { White: 0.1 } as Record<string, number>,
};
const TRUE_NEW: typeof TRUE_OLD = {
  age: 0.005,
  "education-num": 0.1,
  "hours-per-week": 0.06,
  "capital-gain": 0.00025,
  "capital-loss": 0.0006,
  male: -0.2,
  marital: { "Married-civ-spouse": 0.8, "Married-AF-spouse": 0.8, "Never-married": -0.2 },
  relationship: { Wife: 0.1, "Own-child": -0.6 },
  occupation: {
    "Exec-managerial": 0.2,
    "Prof-specialty": 1.2,
    "Tech-support": 1.6,
    Sales: -0.4,
    "Craft-repair": 0.8,
    "Adm-clerical": -0.6,
    "Protective-serv": 0.4,
    "Other-service": -0.8,
    "Handlers-cleaners": -0.6,
    "Farming-fishing": -0.9,
    "Priv-house-serv": -1.5,
  },
  workclass: {
    "Self-emp-inc": 0.6,
    "Federal-gov": 0.5,
    "Without-pay": -1.5,
    "Self-emp-not-inc": 1.0,
    Private: 0.3,
  },
  race: { White: 0.1 },
};

/** Base rate of ">50K" the intercept is calibrated to, at every drift. */
const TARGET_POSITIVE_RATE = 0.24;

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function lerpMap(
  a: Record<string, number>,
  b: Record<string, number>,
  t: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
    out[k] = lerp(a[k] ?? 0, b[k] ?? 0, t);
  return out;
}

/** Items to draw from, with their weights and the weights' total. */
interface Weighted<T> {
  items: readonly T[];
  weights: readonly number[];
  total: number;
}

function weighted<T>(items: readonly T[], weights: readonly number[]): Weighted<T> {
  let total = 0;
  for (const w of weights) total += w;
  return { items, weights, total };
}

/** Weights interpolated between two populations (`t` = 0..1). */
function weightedLerp<T>(
  items: readonly T[],
  old: readonly number[],
  drifted: readonly number[],
  t: number,
): Weighted<T> {
  return weighted(
    items,
    old.map((w, i) => lerp(w, drifted[i], t)),
  );
}

function pick<T>(rng: Rng, { items, weights, total }: Weighted<T>): T {
  let u = rng.nextDouble() * total;
  for (let i = 0; i < items.length; i++) {
    u -= weights[i];
    if (u < 0) return items[i];
  }
  return items[items.length - 1];
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Features of a census row as the true model needs them (no label, nothing missing). */
export type CensusFeatures = Omit<
  CensusRow,
  "income" | "workclass" | "occupation" | "native-country"
> & {
  workclass: string;
  occupation: string;
  "native-country": string;
};

/** The true model of census incomes at a drift. */
export interface CensusTrueModel {
  drift: number;
  interaction: number;
  intercept: number;
  /** True log-odds of ">50K". */
  logit(row: CensusFeatures): number;
  /** True probability of ">50K". */
  probability(row: CensusFeatures): number;
}

/** The true logit without intercept. */
function makeLogit(drift: number, interaction: number): (row: CensusFeatures) => number {
  const t = clamp(drift, 0, 1);
  const c = {
    age: lerp(TRUE_OLD.age, TRUE_NEW.age, t),
    edu: lerp(TRUE_OLD["education-num"], TRUE_NEW["education-num"], t),
    hours: lerp(TRUE_OLD["hours-per-week"], TRUE_NEW["hours-per-week"], t),
    gain: lerp(TRUE_OLD["capital-gain"], TRUE_NEW["capital-gain"], t),
    loss: lerp(TRUE_OLD["capital-loss"], TRUE_NEW["capital-loss"], t),
    male: lerp(TRUE_OLD.male, TRUE_NEW.male, t),
    marital: lerpMap(TRUE_OLD.marital, TRUE_NEW.marital, t),
    relationship: lerpMap(TRUE_OLD.relationship, TRUE_NEW.relationship, t),
    occupation: lerpMap(TRUE_OLD.occupation, TRUE_NEW.occupation, t),
    workclass: lerpMap(TRUE_OLD.workclass, TRUE_NEW.workclass, t),
    race: lerpMap(TRUE_OLD.race, TRUE_NEW.race, t),
  };
  return (r) => {
    let z =
      c.age * r.age +
      c.edu * r["education-num"] +
      c.hours * r["hours-per-week"] +
      c.gain * r["capital-gain"] +
      c.loss * r["capital-loss"] +
      (r.sex === "Male" ? c.male : 0) +
      (c.marital[r["marital-status"]] ?? 0) +
      (c.relationship[r.relationship] ?? 0) +
      (c.occupation[r.occupation] ?? 0) +
      (c.workclass[r.workclass] ?? 0) +
      (c.race[r.race] ?? 0);
    if (interaction !== 0) {
      // Older people working long hours, and younger people working short ones, earn more:
      // a sign pattern (XOR) that no additive model captures.
      const older = r.age > 40 ? 1 : -1;
      const longHours = r["hours-per-week"] > 42 ? 1 : -1;
      z += interaction * older * longHours;
    }
    return z;
  };
}

const RELATIONSHIPS = weighted(
  ["Not-in-family", "Unmarried", "Other-relative", "Own-child"],
  [55, 30, 8, 7],
);
const RACES = weighted(RACE, RACE_WEIGHTS);
const COUNTRIES = weighted(COUNTRY, COUNTRY_WEIGHTS);

/** The feature distributions at a drift (the weights that depend on it, computed once). */
interface CensusPopulation {
  t: number;
  education: Weighted<[string, number]>;
  marital: Weighted<string>;
  occupation: Weighted<string>;
  workclass: Weighted<string>;
}

function censusPopulation(t: number): CensusPopulation {
  return {
    t,
    education: weightedLerp(EDUCATION, EDUCATION_WEIGHTS_OLD, EDUCATION_WEIGHTS_NEW, t),
    marital: weightedLerp(MARITAL, MARITAL_OLD, MARITAL_NEW, t),
    occupation: weightedLerp(OCCUPATION, OCCUPATION_OLD, OCCUPATION_NEW, t),
    workclass: weightedLerp(WORKCLASS, WORKCLASS_OLD, WORKCLASS_NEW, t),
  };
}

/** Draws one row's features. */
function drawFeatures(rng: Rng, population: CensusPopulation): CensusFeatures {
  const t = population.t;
  const [education, educationNum] = pick(rng, population.education);
  const age = Math.round(clamp(38 + 6 * t + 13 * rng.nextGaussian(), 17, 90));
  const sex = rng.nextDouble() < lerp(0.67, 0.55, t) ? "Male" : "Female";
  const marital = pick(rng, population.marital);
  let relationship: string;
  if (marital === "Married-civ-spouse" || marital === "Married-AF-spouse")
    relationship = sex === "Male" ? "Husband" : "Wife";
  else if (age < 25 && rng.nextDouble() < 0.6) relationship = "Own-child";
  else relationship = pick(rng, RELATIONSHIPS);
  const occupation = pick(rng, population.occupation);
  const workclass = pick(rng, population.workclass);
  const race = pick(rng, RACES);
  const country = pick(rng, COUNTRIES);
  const gain =
    rng.nextDouble() < lerp(0.08, 0.12, t)
      ? Math.min(99999, Math.round(Math.exp(8.3 + rng.nextGaussian())))
      : 0;
  const loss =
    rng.nextDouble() < 0.047 ? Math.round(clamp(1900 + 350 * rng.nextGaussian(), 150, 4400)) : 0;
  const hours = Math.round(clamp(40 - 2 * t + 11 * rng.nextGaussian(), 1, 99));
  return {
    age,
    workclass,
    education,
    "education-num": educationNum,
    "marital-status": marital,
    occupation,
    relationship,
    race,
    sex,
    "capital-gain": gain,
    "capital-loss": loss,
    "hours-per-week": hours,
    "native-country": country,
  };
}

/** Calibrated intercepts by drift and interaction (the calibration draws 20k rows). */
const interceptCache = new Map<string, number>();

/** The intercept that gives the true model about a 24% positive rate (bisection on a fixed sample). */
function calibratedIntercept(
  t: number,
  interaction: number,
  logit: (row: CensusFeatures) => number,
): number {
  const key = `${t}/${interaction}`;
  const cached = interceptCache.get(key);
  if (cached !== undefined) return cached;
  const population = censusPopulation(t);
  const rng = new Rng(20261101);
  const z = Array.from({ length: 20000 }, () => logit(drawFeatures(rng, population)));
  let lo = -30;
  let hi = 30;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    const rate = z.reduce((s, v) => s + 1 / (1 + Math.exp(-(v + mid))), 0) / z.length;
    if (rate > TARGET_POSITIVE_RATE) hi = mid;
    else lo = mid;
  }
  const intercept = (lo + hi) / 2;
  interceptCache.set(key, intercept);
  return intercept;
}

/**
 * The true model at a drift: the intercept is calibrated (deterministically, on a fixed sample)
 * so that about 24% of rows earn ">50K" at every drift.
 *
 * @param drift - 0..1
 * @param interaction - strength of the age × hours interaction term (0 = none)
 */
export function censusTrueModel(drift: number, interaction = 0): CensusTrueModel {
  const t = clamp(drift, 0, 1);
  const logit = makeLogit(t, interaction);
  const intercept = calibratedIntercept(t, interaction, logit);
  return {
    drift: t,
    interaction,
    intercept,
    logit: (row) => intercept + logit(row),
    probability: (row) => 1 / (1 + Math.exp(-(intercept + logit(row)))),
  };
}

/**
 * Draws census rows: features, then the label from the true model, then missing values.
 *
 * @param options - rows, seed, drift, interaction, missing rate
 */
export function generateCensusRows(options: CensusOptions): CensusRow[] {
  const t = clamp(options.drift, 0, 1);
  const model = censusTrueModel(t, options.interaction ?? 0);
  const population = censusPopulation(t);
  const rng = new Rng(options.seed);
  const missingRate = options.missingRate ?? 0.05;
  const rows: CensusRow[] = [];
  for (let i = 0; i < options.rows; i++) {
    const f = drawFeatures(rng, population);
    const income = rng.nextDouble() < model.probability(f) ? ">50K" : "<=50K";
    const row: CensusRow = { ...f, income };
    // Blanked after the label is drawn, as in the UCI data where both go missing together.
    if (rng.nextDouble() < missingRate) {
      row.workclass = null;
      row.occupation = null;
    }
    if (rng.nextDouble() < missingRate * 0.3) row["native-country"] = null;
    rows.push(row);
  }
  return rows;
}

/**
 * Census rows as CSV text (header row, missing = empty cell).
 *
 * @param rows - rows from {@link generateCensusRows}
 */
export function censusToCsv(rows: readonly CensusRow[]): string {
  const lines = [CENSUS_COLUMNS.join(",")];
  for (const r of rows)
    lines.push(CENSUS_COLUMNS.map((c) => (r[c] === null ? "" : String(r[c]))).join(","));
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Bike demand
// ---------------------------------------------------------------------------------------------

/** One bike-demand row. */
export interface BikeRow {
  hour: number;
  temperature: number;
  humidity: number;
  windspeed: number;
  workingday: number;
  season: string;
  count: number;
}

/** Column order of the bike-demand CSV. */
export const BIKE_COLUMNS = [
  "hour",
  "temperature",
  "humidity",
  "windspeed",
  "workingday",
  "season",
  "count",
] as const;

/** The true linear model of bike demand: count = intercept + Σ coef·x + season effect + noise. */
export const BIKE_TRUE_MODEL = {
  intercept: 120,
  coefficients: { hour: 4, temperature: 3.5, humidity: -0.8, windspeed: -2, workingday: 25 },
  season: { spring: 0, summer: 30, fall: 20, winter: -25 } as Record<string, number>,
  noiseSd: 10,
} as const;

const SEASONS = ["spring", "summer", "fall", "winter"];
const SEASON_TEMPERATURE: Record<string, number> = { spring: 14, summer: 26, fall: 16, winter: 4 };

/**
 * Draws bike-demand rows from {@link BIKE_TRUE_MODEL} (features rounded first, so the CSV values
 * are exactly what the model used).
 *
 * @param options - rows and seed
 */
export function generateBikeRows(options: { rows: number; seed: number }): BikeRow[] {
  const rng = new Rng(options.seed);
  const m = BIKE_TRUE_MODEL;
  const rows: BikeRow[] = [];
  for (let i = 0; i < options.rows; i++) {
    const season = SEASONS[rng.nextInt(4)];
    const hour = rng.nextInt(24);
    const temperature = Math.round((SEASON_TEMPERATURE[season] + 6 * rng.nextGaussian()) * 10) / 10;
    const humidity = Math.round(clamp(60 + 18 * rng.nextGaussian(), 5, 100) * 10) / 10;
    const windspeed = Math.round(clamp(12 + 7 * rng.nextGaussian(), 0, 45) * 10) / 10;
    const workingday = rng.nextDouble() < 0.68 ? 1 : 0;
    const c = m.coefficients;
    const mean =
      m.intercept +
      c.hour * hour +
      c.temperature * temperature +
      c.humidity * humidity +
      c.windspeed * windspeed +
      c.workingday * workingday +
      m.season[season];
    const count = Math.round((mean + m.noiseSd * rng.nextGaussian()) * 100) / 100;
    rows.push({ hour, temperature, humidity, windspeed, workingday, season, count });
  }
  return rows;
}

/**
 * Bike rows as CSV text.
 *
 * @param rows - rows from {@link generateBikeRows}
 */
export function bikeToCsv(rows: readonly BikeRow[]): string {
  const lines = [BIKE_COLUMNS.join(",")];
  for (const r of rows) lines.push(BIKE_COLUMNS.map((c) => String(r[c])).join(","));
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

const HELP = `Usage: npx tsx data/generate.ts <census|bike> [options]

Writes synthetic CSV drawn from a known true model.

  census   census-income rows (14 columns, label "income" >50K/<=50K)
  bike     bike-demand rows (7 columns, label "count")

Options:
  --rows N          number of rows (default 3000 for census, 2000 for bike)
  --seed N          random seed (default 1)
  --drift X         census only: 0 (2026-10 population) .. 1 (drifted 2026-11 population), default 0
  --interaction X   census only: strength of an age x hours interaction term, default 0
  --missing X       census only: share of rows missing workclass+occupation, default 0.05
  --out FILE        output file (default: standard output)
  -h, --help        show this help
`;

/**
 * Runs the CLI.
 *
 * @param argv - arguments after the script name
 */
export function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rows: { type: "string" },
      seed: { type: "string", default: "1" },
      drift: { type: "string", default: "0" },
      interaction: { type: "string", default: "0" },
      missing: { type: "string", default: "0.05" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const kind = positionals[0];
  if (values.help || (kind !== "census" && kind !== "bike")) {
    process.stdout.write(HELP);
    if (!values.help) process.exitCode = 2;
    return;
  }
  const num = (v: string | undefined, name: string): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`--${name} must be a number`);
    return n;
  };
  const seed = num(values.seed, "seed");
  const text =
    kind === "census"
      ? censusToCsv(
          generateCensusRows({
            rows: num(values.rows ?? "3000", "rows"),
            seed,
            drift: num(values.drift, "drift"),
            interaction: num(values.interaction, "interaction"),
            missingRate: num(values.missing, "missing"),
          }),
        )
      : bikeToCsv(generateBikeRows({ rows: num(values.rows ?? "2000", "rows"), seed }));
  if (values.out) writeFileSync(values.out, text);
  else process.stdout.write(text);
}

if (require.main === module) main(process.argv.slice(2));
