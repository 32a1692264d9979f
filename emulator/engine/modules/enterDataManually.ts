/**
 * Enter Data Manually: a table typed into the module (CSV or TSV, with or without a header
 * row; without one the columns are Col1, Col2, ...).
 */
import { EngineError, engineErrors } from "../errors";
import { parseDelimited } from "../textFormats";
import { tableOutput, type StudioModule } from "./types";

/** The Enter Data Manually module. */
export const enterDataManually: StudioModule = {
  name: "Enter Data Manually",
  category: "Data Input and Output",
  inputs: [],
  outputs: [{ name: "Dataset", type: "DataTable" }],
  parameters: [
    {
      name: "DataFormat",
      type: "Enum",
      default: "CSV",
      values: ["ARFF", "CSV", "SVMLight", "TSV"],
      enumName: "DataFormat",
    },
    { name: "HasHeader", type: "Boolean", default: "True" },
    { name: "Data", type: "String" },
  ],
  differences: ["Formats: CSV and TSV only (ARFF and SVMLight are Error 0039)."],
  run(_inputs, ctx) {
    const p = ctx.params;
    const format = p.enumValue("DataFormat");
    if (format !== "CSV" && format !== "TSV")
      throw engineErrors.module(
        "0039",
        `the ${format} format is not supported by the emulator (use CSV or TSV)`,
      );
    const data = p.string("Data");
    if (data.trim() === "") throw engineErrors.module("0003", "Data");
    try {
      return [
        tableOutput(
          parseDelimited(Buffer.from(data, "utf8"), {
            format,
            header: p.bool("HasHeader"),
            name: "Data",
          }),
        ),
      ];
    } catch (error) {
      if (error instanceof EngineError && error.kind !== "module")
        throw engineErrors.module("0049", `Data: ${error.message}`);
      throw error;
    }
  },
};
