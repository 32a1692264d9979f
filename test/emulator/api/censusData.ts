/**
 * Census rows for the API tests, from the project's data generator (`data/generate.ts`): a known
 * true model, so a trained model's AUC is clearly above 0.5. Without missing values, so every row
 * scores (the logistic regression scores no row with a missing feature).
 */
import { CENSUS_COLUMNS, censusToCsv, generateCensusRows } from "../../../data/generate";

export { CENSUS_COLUMNS };

/** `count` rows as strings in {@link CENSUS_COLUMNS} order (label last). */
export function censusRows(count: number, seed = 1): string[][] {
  return generateCensusRows({ rows: count, seed, drift: 0, missingRate: 0 }).map((r) =>
    CENSUS_COLUMNS.map((c) => String(r[c])),
  );
}

/** `count` rows as CSV with a header row. */
export function censusCsv(count: number, seed = 1): string {
  return censusToCsv(generateCensusRows({ rows: count, seed, drift: 0, missingRate: 0 }));
}
