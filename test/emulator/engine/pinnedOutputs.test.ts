/**
 * The hot-path work must not move any model's numbers by more than 1e-9. `pinned/outputs.json`
 * holds what the implementation before it computed (`pinned/pin.ts`, run on main at the commit
 * the file names) for the cases of `pinned/cases.ts`: the sample definitions' training
 * (evaluation metrics) and scoring, and a training and a scoring graph per supervised learner.
 * Here the current engine computes the same cases, by the ordinary run, by a prepared graph and
 * by the row plan (one request per row and one with every row), and each number must be within
 * 1e-9 of the pinned one (relative above 1); text cells must be equal.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  applySchema,
  prepareGraph,
  runPreparedAsync,
  scoreRows,
  tableFromRows,
  type RenderedTable,
} from "../../../emulator/engine";
import { expectVariant } from "../../helpers/expect";
import {
  pinnedCases,
  pinTable,
  type PinnedCase,
  type PinnedColumn,
  type PinnedOutputs,
} from "./pinned/cases";

interface PinnedFile {
  readonly commit: string;
  readonly cases: readonly { name: string; training: PinnedOutputs; scored: PinnedOutputs }[];
}

const TOLERANCE = 1e-9;

const pinned = JSON.parse(
  readFileSync(join(__dirname, "pinned", "outputs.json"), "utf8"),
) as PinnedFile;

/** The cells that differ (beyond the tolerance), as readable lines; empty when none. */
function differences(where: string, actual: PinnedOutputs, expected: PinnedOutputs): string[] {
  const out: string[] = [];
  const names = (o: PinnedOutputs) => Object.keys(o).sort();
  if (JSON.stringify(names(actual)) !== JSON.stringify(names(expected)))
    return [`${where}: outputs ${names(actual).join(",")} vs ${names(expected).join(",")}`];
  for (const [output, columns] of Object.entries(expected)) {
    const got = actual[output];
    const header = (cs: readonly PinnedColumn[]) => cs.map((c) => `${c.name}:${c.type}`).join(",");
    if (header(got) !== header(columns)) {
      out.push(`${where} ${output}: columns ${header(got)} vs ${header(columns)}`);
      continue;
    }
    columns.forEach((column, k) => {
      const values = got[k].values;
      if (values.length !== column.values.length) {
        out.push(
          `${where} ${output}.${column.name}: ${values.length} vs ${column.values.length} rows`,
        );
        return;
      }
      column.values.forEach((e, r) => {
        const a = values[r];
        const same =
          typeof e === "number" && typeof a === "number"
            ? Math.abs(a - e) <= TOLERANCE * Math.max(1, Math.abs(e))
            : a === e;
        if (!same) out.push(`${where} ${output}.${column.name}[${r}]: ${a} vs pinned ${e}`);
      });
    });
  }
  return out;
}

/** A rendered RRS table back as pinned columns (numbers parsed, "True"/"False" as 1/0). */
function fromRendered(table: RenderedTable): PinnedColumn[] {
  return table.columnNames.map((name, k) => {
    const type = table.columnTypes[k];
    return {
      name,
      type,
      values: table.values.map((row) => {
        const cell = row[k];
        if (cell === null || type === "String") return cell;
        if (type === "Boolean") return cell === "True" ? 1 : 0;
        return Number(cell);
      }),
    };
  });
}

/** The pinned outputs restricted to some rows. */
function rowsOf(outputs: PinnedOutputs, rows: readonly number[]): PinnedOutputs {
  const out: PinnedOutputs = {};
  for (const [name, columns] of Object.entries(outputs))
    out[name] = columns.map((c) => ({ ...c, values: rows.map((r) => c.values[r]) }));
  return out;
}

describe("engine numbers pinned from the implementation before the hot-path work", function () {
  this.timeout(120_000);
  let cases: PinnedCase[];
  before(() => {
    cases = pinnedCases();
  });

  it("pins every case of cases.ts, from an earlier commit", () => {
    expect(pinned.commit).to.match(/^[0-9a-f]{40}$/);
    expect(cases.map((c) => c.name)).to.deep.equal(pinned.cases.map((c) => c.name));
  });

  it("training graphs: evaluation metrics and held-out scores within 1e-9", () => {
    const diffs = cases.flatMap((c, i) =>
      differences(`${c.name} training`, c.training, pinned.cases[i].training),
    );
    expect(diffs.slice(0, 20).join("\n")).to.equal("");
  });

  it("predictive graphs, run the ordinary way: scores within 1e-9", () => {
    const diffs = cases.flatMap((c, i) =>
      differences(`${c.name} scoring`, c.scored, pinned.cases[i].scored),
    );
    expect(diffs.slice(0, 20).join("\n")).to.equal("");
  });

  it("predictive graphs, prepared once and run twice: scores within 1e-9", async () => {
    const diffs: string[] = [];
    for (const [i, c] of cases.entries()) {
      const { properties, resources, columns, rows } = c.predictive;
      const graph = prepareGraph({ properties, trainedModels: resources });
      const spec = properties.input!.properties.input1;
      for (const run of [1, 2]) {
        const table = applySchema(tableFromRows(columns, rows, spec), spec, "input1");
        const result = await runPreparedAsync(graph, {
          inputs: { input1: table },
          globalParameters: {},
        });
        const outputs: PinnedOutputs = {};
        for (const [name, output] of Object.entries(result.outputs)) {
          expectVariant(output, "kind", "dataset", `${c.name} ${name}`);
          outputs[name] = pinTable(output.table);
        }
        diffs.push(
          ...differences(`${c.name} prepared run ${run}`, outputs, pinned.cases[i].scored),
        );
      }
    }
    expect(diffs.slice(0, 20).join("\n")).to.equal("");
  });

  it("predictive graphs through the row plan, one row per request and all rows at once: scores within 1e-9", () => {
    const diffs: string[] = [];
    const planned: Record<string, number> = {};
    for (const [i, c] of cases.entries()) {
      const { properties, resources, columns, rows } = c.predictive;
      const graph = prepareGraph({ properties, trainedModels: resources });
      planned[c.name] = 0;
      rows.forEach((row, r) => {
        const scored = scoreRows(graph, {
          inputs: { input1: { columns, rows: [row] } },
          globalParameters: {},
        });
        if (scored === undefined) return;
        planned[c.name]++;
        const outputs: PinnedOutputs = {};
        for (const [name, table] of Object.entries(scored)) outputs[name] = fromRendered(table);
        diffs.push(
          ...differences(`${c.name} row ${r}`, outputs, rowsOf(pinned.cases[i].scored, [r])),
        );
      });
      const all = scoreRows(graph, { inputs: { input1: { columns, rows } }, globalParameters: {} });
      if (all !== undefined) {
        const outputs: PinnedOutputs = {};
        for (const [name, table] of Object.entries(all)) outputs[name] = fromRendered(table);
        diffs.push(...differences(`${c.name} all rows`, outputs, pinned.cases[i].scored));
      }
    }
    expect(diffs.slice(0, 20).join("\n")).to.equal("");
    // The plan answers every probe row of every graph made of row-by-row modules; Apply
    // Transformation is not one (its graph always runs the ordinary way).
    expect(planned).to.deep.equal(
      Object.fromEntries(
        cases.map((c) => [
          c.name,
          c.name.endsWith("after Normalize Data") ? 0 : c.predictive.rows.length,
        ]),
      ),
    );
  });
});
