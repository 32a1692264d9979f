/**
 * The RRS answer in the table format, written as JSON text by the output tables' columns: the
 * column names and types of a served graph's outputs are the same on every call, so their JSON is
 * made once and each call only quotes its cells. The text is exactly `JSON.stringify` of the
 * `RrsTableResponse` object (a test compares them), without building that object first.
 */
import type { RrsTableResponse } from "../../contract";
import type { RenderedTable } from "../engine/api";

/** `"ColumnNames":[...]` (and `"ColumnTypes":[...]`) of an output, by its names array. */
const headers = new WeakMap<string[], { plain: string; details: string }>();

function headerOf(table: RenderedTable): { plain: string; details: string } {
  let header = headers.get(table.columnNames);
  // The types array belongs to the same rendering as the names: cache only when both are known.
  if (header === undefined) {
    const names = `"ColumnNames":${JSON.stringify(table.columnNames)}`;
    header = {
      plain: names,
      details: `${names},"ColumnTypes":${JSON.stringify(table.columnTypes)}`,
    };
    headers.set(table.columnNames, header);
  }
  return header;
}

function rowJson(row: readonly (string | null)[]): string {
  let text = "[";
  for (let i = 0; i < row.length; i++) {
    if (i > 0) text += ",";
    const cell = row[i];
    text += cell === null ? "null" : JSON.stringify(cell);
  }
  return `${text}]`;
}

/**
 * The JSON text of `{Results: {<output>: {type: "table", value: {ColumnNames, ColumnTypes?,
 * Values}}}}` for the outputs in the order given.
 *
 * @param outputs - output name and table, in the service's output order
 * @param details - include `ColumnTypes` (`details=true`)
 */
export function tableResponseJson(
  outputs: readonly (readonly [string, RenderedTable])[],
  details: boolean,
): string {
  // An object orders integer-like keys first and keeps one entry per key: those answers are
  // rare enough to go through the object.
  const names = outputs.map(([name]) => name);
  if (new Set(names).size !== names.length || names.some((n) => /^(0|[1-9]\d*)$/.test(n)))
    return JSON.stringify(tableResponse(outputs, details));
  let text = '{"Results":{';
  outputs.forEach(([name, table], k) => {
    if (k > 0) text += ",";
    const header = headerOf(table);
    text += `${JSON.stringify(name)}:{"type":"table","value":{${details ? header.details : header.plain},"Values":[`;
    table.values.forEach((row, r) => {
      if (r > 0) text += ",";
      text += rowJson(row);
    });
    text += "]}}";
  });
  return `${text}}}`;
}

/**
 * The same answer as an object (for callers that need the value, and the reference of the tests).
 *
 * @param outputs - output name and table, in the service's output order
 * @param details - include `ColumnTypes`
 */
export function tableResponse(
  outputs: readonly (readonly [string, RenderedTable])[],
  details: boolean,
): RrsTableResponse {
  const results: RrsTableResponse["Results"] = {};
  for (const [name, t] of outputs) {
    results[name] = {
      type: "table",
      value: {
        ColumnNames: t.columnNames,
        ...(details ? { ColumnTypes: t.columnTypes } : {}),
        Values: t.values,
      },
    };
  }
  return { Results: results };
}
