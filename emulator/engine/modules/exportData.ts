/**
 * Export Data: writes its input table to Azure Blob Storage (a named account with its key, the
 * service's own storage account, or a SAS URL) as CSV or TSV. A sink: it runs even though no
 * web service output depends on it.
 */
import { engineErrors, EngineError } from "../errors";
import { writeDelimited } from "../textFormats";
import { OTHER_SOURCES, accountTarget } from "./dataSources";
import { requireRuntime } from "./scriptSupport";
import { tableInput, type PortValue, type StudioModule } from "./types";

const BLOB = "Azure Blob Storage";

function encode(
  table: Parameters<typeof writeDelimited>[0],
  format: string,
  header: boolean,
): Uint8Array {
  const upper = format.toUpperCase();
  if (upper !== "CSV" && upper !== "TSV")
    throw engineErrors.module(
      "0039",
      `the ${format} format is not supported by the emulator (use CSV or TSV)`,
    );
  return writeDelimited(table, { format: upper, header });
}

/** The Export Data module. */
export const exportData: StudioModule = {
  name: "Export Data",
  category: "Data Input and Output",
  sink: true,
  inputs: [{ name: "Dataset", type: "DataTable" }],
  outputs: [],
  parameters: [
    {
      name: "Data destination",
      type: "Enum",
      default: BLOB,
      values: [BLOB, ...OTHER_SOURCES],
      enumName: "DataSource Or Sink",
      keys: ["Data source", "Please Specify Data Destination", "Please Specify Data Source"],
      aliases: { AzureBlobStorage: BLOB },
    },
    {
      name: "Please specify authentication type",
      type: "Enum",
      default: "Account",
      values: ["Account", "SAS"],
      enumName: "AuthenticationType",
      keys: ["Authentication type"],
      aliases: { PublicOrSas: "SAS", "Public (SAS URL)": "SAS" },
    },
    { name: "SAS URI for blob", type: "String", default: "" },
    {
      name: "File format for SAS file",
      type: "Enum",
      default: "CSV",
      values: ["CSV", "TSV", "ARFF"],
      enumName: "LoaderUtils.FileTypes",
    },
    { name: "Write SAS header row", type: "Boolean", default: "False" },
    { name: "Azure account name", type: "String", default: "" },
    { name: "Azure account key", type: "String", default: "", secret: true },
    { name: "Path to blob beginning with container", type: "String", default: "" },
    {
      name: "Azure Blob Storage write mode",
      type: "Enum",
      default: "Error",
      values: ["Error", "Overwrite"],
      enumName: "BlobFileWriteMode",
    },
    {
      name: "File format for blob file",
      type: "Enum",
      default: "CSV",
      values: ["CSV", "TSV", "ARFF"],
      enumName: "LoaderUtils.FileTypes",
    },
    { name: "Write blob header row", type: "Boolean", default: "False" },
    { name: "Use cached results", type: "Boolean", default: "False" },
  ],
  differences: [
    "An account key given in plain text stays in the definition as sent (GET returns it, as it returns every module parameter); leave it blank to use the service's own storage account, whose key the emulator keeps to itself.",
    "Destination: Azure Blob Storage only; formats: CSV and TSV only.",
    "A SAS URI is always overwritten (there is no write mode for it in Studio either).",
  ],
  run(inputs, ctx) {
    const table = tableInput(inputs[0], "Dataset");
    const p = ctx.params;
    const destination = p.enumValue("Data destination");
    if (destination !== BLOB)
      throw engineErrors.module(
        "0039",
        `data destination "${destination}" is not supported by the emulator (use ${BLOB})`,
      );
    const runtime = requireRuntime(ctx, "exports data");
    // Checked before anything waits, so a synchronous run fails above with Error 0039.
    return (async (): Promise<PortValue[]> => {
      const sas = p.enumValue("Please specify authentication type") === "SAS";
      const bytes = sas
        ? encode(table, p.enumValue("File format for SAS file"), p.bool("Write SAS header row"))
        : encode(table, p.enumValue("File format for blob file"), p.bool("Write blob header row"));
      const format = sas
        ? p.enumValue("File format for SAS file")
        : p.enumValue("File format for blob file");
      const contentType = format === "TSV" ? "text/tab-separated-values" : "text/csv";
      try {
        if (sas) {
          const uri = p.string("SAS URI for blob").trim();
          if (!/^https?:\/\/[^/]/i.test(uri))
            throw engineErrors.module("0029", uri.split("?")[0] || "(empty URI)");
          await runtime.writeBlob({ kind: "url", url: uri }, bytes, {
            overwrite: true,
            contentType,
          });
        } else {
          const account = p.string("Azure account name").trim();
          if (account === "") throw engineErrors.module("0003", "Azure account name");
          const target = accountTarget(
            account,
            p.string("Azure account key"),
            p.string("Path to blob beginning with container"),
          );
          await runtime.writeBlob(target, bytes, {
            overwrite: p.enumValue("Azure Blob Storage write mode") === "Overwrite",
            contentType,
          });
        }
      } catch (error) {
        if (error instanceof EngineError) throw error;
        if ((error as { code?: string }).code === "BlobExists")
          throw engineErrors.module("0057", (error as Error).message);
        throw engineErrors.module(
          "0039",
          `writing the blob failed: ${(error as Error)?.message ?? String(error)}`,
        );
      }
      return [];
    })();
  },
};
