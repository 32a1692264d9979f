/**
 * What changed in the data between the served model's and the candidate's training files: per
 * column the share missing, the mean (numeric) or the most frequent levels (categorical), and the
 * population stability index (PSI) of the candidate's distribution against the base's.
 *
 * PSI = Σ (c − b) · ln(c / b) over bins, with b and c the shares of rows in each bin. Numeric
 * columns are binned at the base data's deciles, categorical ones by level; missing values have
 * their own bin in both. A share of 0 is replaced by {@link PSI_FLOOR} so a bin that empties out
 * counts as a large shift instead of an infinite one. The usual reading: below 0.1 stable, 0.1 to
 * 0.25 a moderate shift, above 0.25 a significant one.
 */
import { parseCsvRecords } from "../components/retrain/csvText";

/** The share used in place of an empty bin. */
export const PSI_FLOOR = 1e-4;
/** Levels listed per categorical column. */
export const TOP_LEVELS = 3;
/** Bins of a numeric column (the base's deciles). */
export const PSI_BINS = 10;

/** A CSV file read into its header and rows (cells trimmed; "" is missing). */
export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** One column of a data profile. */
export interface ColumnProfile {
  readonly name: string;
  readonly kind: "numeric" | "categorical";
  /** Share of rows where the value is missing (empty). */
  readonly missing: number;
  /** Mean of the present values (numeric columns). */
  readonly mean?: number;
  /** The most frequent levels with their share of the present values (categorical columns). */
  readonly top?: readonly { readonly level: string; readonly share: number }[];
}

/** A data file's profile. */
export interface DataProfile {
  /** The path as declared in the stack. */
  readonly file: string;
  readonly sha256: string;
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
}

/** One column compared between base and candidate data. */
export interface ColumnChange {
  readonly name: string;
  readonly kind: "numeric" | "categorical";
  readonly base?: ColumnProfile;
  readonly candidate?: ColumnProfile;
  /** PSI of the candidate's distribution against the base's; absent when one side lacks the column. */
  readonly psi?: number;
}

/**
 * Parses CSV text into a table. Blank lines are skipped; a row with fewer cells than the header is
 * padded with missing values.
 * @param text - the file's text
 */
export function parseTable(text: string): Table {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, "")).filter(
    (r) => r.length > 1 || r[0] !== "",
  );
  if (records.length === 0) throw new Error("the data file is empty: it needs a header row");
  const [header, ...rest] = records;
  const width = header.length;
  const rows = rest.map((r) => Array.from({ length: width }, (_, i) => (r[i] ?? "").trim()));
  return { header: header.map((h) => h.trim()), rows };
}

const isMissing = (v: string): boolean => v === "";

function columnValues(table: Table, name: string): string[] | undefined {
  const i = table.header.indexOf(name);
  return i < 0 ? undefined : table.rows.map((r) => r[i]);
}

/** Numeric when every present value is a finite number (and at least one is present). */
function isNumeric(values: readonly string[]): boolean {
  let present = 0;
  for (const v of values) {
    if (isMissing(v)) continue;
    present++;
    if (!Number.isFinite(Number(v))) return false;
  }
  return present > 0;
}

function profileColumn(
  name: string,
  values: readonly string[],
  kind: "numeric" | "categorical",
): ColumnProfile {
  const present = values.filter((v) => !isMissing(v));
  const missing = values.length === 0 ? 0 : (values.length - present.length) / values.length;
  if (kind === "numeric") {
    const sum = present.reduce((a, v) => a + Number(v), 0);
    return { name, kind, missing, ...(present.length > 0 ? { mean: sum / present.length } : {}) };
  }
  const counts = new Map<string, number>();
  for (const v of present) counts.set(v, (counts.get(v) ?? 0) + 1);
  const top = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, TOP_LEVELS)
    .map(([level, n]) => ({ level, share: n / present.length }));
  return { name, kind, missing, top };
}

/**
 * The kind of each column: numeric when its present values are numbers in every table that has it.
 * @param tables - the tables compared (base first)
 */
function kinds(tables: readonly Table[]): Map<string, "numeric" | "categorical"> {
  const result = new Map<string, "numeric" | "categorical">();
  for (const table of tables) {
    for (const name of table.header) {
      const numeric = isNumeric(columnValues(table, name)!);
      const before = result.get(name);
      result.set(name, before === "categorical" || !numeric ? "categorical" : "numeric");
    }
  }
  return result;
}

/**
 * Profiles a table.
 * @param table - the parsed data
 * @param file - the declared path
 * @param sha256 - the file's hash
 * @param columnKinds - kinds decided over every table compared (default: from this one)
 */
export function profileData(
  table: Table,
  file: string,
  sha256: string,
  columnKinds: ReadonlyMap<string, "numeric" | "categorical"> = kinds([table]),
): DataProfile {
  return {
    file,
    sha256,
    rows: table.rows.length,
    columns: table.header.map((name) =>
      profileColumn(name, columnValues(table, name)!, columnKinds.get(name) ?? "categorical"),
    ),
  };
}

/** PSI between two share vectors over the same bins. */
function psiOfShares(base: readonly number[], candidate: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < base.length; i++) {
    const b = Math.max(base[i], PSI_FLOOR);
    const c = Math.max(candidate[i], PSI_FLOOR);
    sum += (c - b) * Math.log(c / b);
  }
  return sum;
}

/** The inner cut points of a numeric column: distinct deciles of the base's present values. */
function decileCuts(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let k = 1; k < PSI_BINS; k++) {
    // The k-th decile: the smallest value with at least k/10 of the values at or below it.
    const q = sorted[Math.max(0, Math.ceil((k * sorted.length) / PSI_BINS) - 1)];
    if (q !== undefined && cuts[cuts.length - 1] !== q) cuts.push(q);
  }
  return cuts;
}

/** Bin of a value given ascending cut points: bin i holds values in (cuts[i-1], cuts[i]]. */
function binOf(value: number, cuts: readonly number[]): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= cuts[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The population stability index of one column's candidate values against its base values.
 * @param base - the base data's values ("" is missing)
 * @param candidate - the candidate data's values
 * @param kind - how to bin them
 */
export function populationStabilityIndex(
  base: readonly string[],
  candidate: readonly string[],
  kind: "numeric" | "categorical",
): number {
  if (base.length === 0 || candidate.length === 0) return 0;
  let binsOf: (values: readonly string[]) => number[];
  if (kind === "numeric") {
    const cuts = decileCuts(base.filter((v) => !isMissing(v)).map(Number));
    binsOf = (values) => {
      // One bin per interval between cuts, plus the last bin for missing values.
      const counts = new Array<number>(cuts.length + 2).fill(0);
      for (const v of values) counts[isMissing(v) ? cuts.length + 1 : binOf(Number(v), cuts)]++;
      return counts.map((n) => n / values.length);
    };
  } else {
    const levels = [...new Set([...base, ...candidate])].sort();
    const index = new Map(levels.map((l, i) => [l, i]));
    binsOf = (values) => {
      const counts = new Array<number>(levels.length).fill(0);
      for (const v of values) counts[index.get(v)!]++;
      return counts.map((n) => n / values.length);
    };
  }
  return psiOfShares(binsOf(base), binsOf(candidate));
}

/** The usual reading of a PSI value. */
export function psiReading(psi: number): "stable" | "moderate shift" | "significant shift" {
  return psi < 0.1 ? "stable" : psi < 0.25 ? "moderate shift" : "significant shift";
}

/**
 * Profiles both data files and compares them column by column (the candidate's columns first, in
 * its order, then columns only the base has).
 * @param candidate - the candidate's table, declared path and hash
 * @param base - the base's, when the base declares a model
 */
export function compareData(
  candidate: { readonly table: Table; readonly file: string; readonly sha256: string },
  base?: { readonly table: Table; readonly file: string; readonly sha256: string },
): {
  readonly candidate: DataProfile;
  readonly base?: DataProfile;
  readonly columns: readonly ColumnChange[];
} {
  const columnKinds = kinds(base ? [base.table, candidate.table] : [candidate.table]);
  const candidateProfile = profileData(
    candidate.table,
    candidate.file,
    candidate.sha256,
    columnKinds,
  );
  const baseProfile = base
    ? profileData(base.table, base.file, base.sha256, columnKinds)
    : undefined;
  const names = [
    ...candidate.table.header,
    ...(base?.table.header.filter((h) => !candidate.table.header.includes(h)) ?? []),
  ];
  const columns = names.map((name): ColumnChange => {
    const kind = columnKinds.get(name) ?? "categorical";
    const c = candidateProfile.columns.find((p) => p.name === name);
    const b = baseProfile?.columns.find((p) => p.name === name);
    const baseValues = base ? columnValues(base.table, name) : undefined;
    const candidateValues = columnValues(candidate.table, name);
    return {
      name,
      kind,
      ...(b ? { base: b } : {}),
      ...(c ? { candidate: c } : {}),
      ...(baseValues && candidateValues
        ? { psi: populationStabilityIndex(baseValues, candidateValues, kind) }
        : {}),
    };
  });
  return {
    candidate: candidateProfile,
    ...(baseProfile ? { base: baseProfile } : {}),
    columns,
  };
}
