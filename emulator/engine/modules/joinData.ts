/**
 * Join Data: joins two tables on key columns (inner, left outer, full outer, left semi).
 * Keys are compared as text (case-insensitively without "Match case"); a missing key matches
 * nothing. Rows come in the left table's order, each with its matches in the right table's
 * order; a full outer join then adds the unmatched right rows. Right columns whose names are
 * taken get Studio's " (1)" suffix.
 */
import type { Column } from "../api";
import { isMissing } from "../dataTable";
import { engineErrors } from "../errors";
import { pickColumns, renameDuplicates, rowKey, takeWithGaps } from "../tableOps";
import { tableInput, tableOutput, type StudioModule } from "./types";

const JOIN_TYPES = ["Inner Join", "Left Outer Join", "Full Outer Join", "Left Semi-Join"] as const;

/** The Join Data module. */
export const joinData: StudioModule = {
  name: "Join Data",
  category: "Data Transformation / Manipulation",
  inputs: [
    { name: "Dataset1", type: "DataTable" },
    { name: "Dataset2", type: "DataTable" },
  ],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [
    { name: "Join key columns for L", type: "ColumnSelection" },
    { name: "Join key columns for R", type: "ColumnSelection" },
    { name: "Match case", type: "Boolean", default: "True" },
    {
      name: "Join type",
      type: "Enum",
      default: "Inner Join",
      values: JOIN_TYPES,
      enumName: "Type",
      aliases: {
        InnerJoin: "Inner Join",
        LeftOuterJoin: "Left Outer Join",
        FullOuterJoin: "Full Outer Join",
        LeftSemiJoin: "Left Semi-Join",
        "Left Semi Join": "Left Semi-Join",
      },
    },
    { name: "Keep right key columns in joined table", type: "Boolean", default: "True" },
  ],
  run(inputs, ctx) {
    const left = tableInput(inputs[0], "Dataset1");
    const right = tableInput(inputs[1], "Dataset2");
    const p = ctx.params;
    const leftKeys = pickColumns(left, p, "Join key columns for L", "Dataset1");
    const rightKeys = pickColumns(right, p, "Join key columns for R", "Dataset2");
    if (leftKeys.length !== rightKeys.length)
      throw engineErrors.module("0027", "Join key columns for L", "Join key columns for R");
    const matchCase = p.bool("Match case");
    const type = p.enumValue("Join type");
    const lk = leftKeys.map((i) => left.columns[i]);
    const rk = rightKeys.map((i) => right.columns[i]);
    const missingKey = (cols: Column[], r: number) => cols.some((c) => isMissing(c, r));

    const index = new Map<string, number[]>();
    for (let r = 0; r < right.rowCount; r++) {
      if (missingKey(rk, r)) continue;
      const key = rowKey(rk, r, matchCase);
      const list = index.get(key);
      if (list) list.push(r);
      else index.set(key, [r]);
    }
    const leftRows: number[] = [];
    const rightRows: number[] = [];
    const matchedRight = new Uint8Array(right.rowCount);
    for (let r = 0; r < left.rowCount; r++) {
      const matches = missingKey(lk, r) ? undefined : index.get(rowKey(lk, r, matchCase));
      if (type === "Left Semi-Join") {
        if (matches) leftRows.push(r);
        continue;
      }
      if (matches) {
        for (const m of matches) {
          leftRows.push(r);
          rightRows.push(m);
          matchedRight[m] = 1;
        }
      } else if (type !== "Inner Join") {
        leftRows.push(r);
        rightRows.push(-1);
      }
    }
    if (type === "Full Outer Join") {
      for (let r = 0; r < right.rowCount; r++) {
        if (!matchedRight[r]) {
          leftRows.push(-1);
          rightRows.push(r);
        }
      }
    }
    const leftColumns = left.columns.map((c) => takeWithGaps(c, leftRows));
    if (type === "Left Semi-Join")
      return [tableOutput({ rowCount: leftRows.length, columns: leftColumns })];
    const keepRightKeys = p.bool("Keep right key columns in joined table");
    const rightKeySet = new Set(rightKeys);
    const rightColumns = right.columns
      .filter((_c, i) => keepRightKeys || !rightKeySet.has(i))
      .map((c) => takeWithGaps(c, rightRows));
    // Without the right keys, a full outer join's right-only rows keep their key on the left.
    if (!keepRightKeys && type === "Full Outer Join") {
      leftKeys.forEach((li, k) => {
        const col = leftColumns[li];
        const src = right.columns[rightKeys[k]];
        leftRows.forEach((lr, i) => {
          if (lr >= 0) return;
          const v = src.values[rightRows[i]];
          if (col.values instanceof Float64Array)
            col.values[i] = typeof v === "number" ? v : Number(v);
          else
            (col.values as (string | null)[])[i] =
              v === null || (typeof v === "number" && v !== v) ? null : String(v);
        });
      });
    }
    const columns = [
      ...leftColumns,
      ...renameDuplicates(
        leftColumns.map((c) => c.name),
        rightColumns,
      ),
    ];
    return [tableOutput({ rowCount: leftRows.length, columns })];
  },
};
