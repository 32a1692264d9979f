/**
 * Import Data: reads a table from Azure Blob Storage (a named account with its key, the
 * service's own storage account, or a SAS/public URL) or from a web URL over HTTP, in CSV or TSV.
 * The read goes through the emulator's runtime, so the same graph reads Azurite locally and a
 * real account on Azure.
 */
import { EngineError } from "../errors";
import { engineErrors } from "../errors";
import { OTHER_SOURCES, accountTarget, downloadError, parseDownloaded } from "./dataSources";
import { requireRuntime } from "./scriptSupport";
import { tableOutput, type PortValue, type StudioModule } from "./types";

const BLOB = "Azure Blob Storage";
const WEB = "Web URL via HTTP";

/** The Import Data module. */
export const importData: StudioModule = {
  name: "Import Data",
  category: "Data Input and Output",
  inputs: [],
  outputs: [{ name: "Results dataset", type: "DataTable" }],
  parameters: [
    {
      name: "Data source",
      type: "Enum",
      default: BLOB,
      values: [BLOB, WEB, ...OTHER_SOURCES],
      enumName: "DataSource Or Sink",
      keys: ["Please Specify Data Source"],
      aliases: { AzureBlobStorage: BLOB, Http: WEB, WebUrl: WEB, "Web URL": WEB },
    },
    {
      name: "Authentication type",
      type: "Enum",
      default: "Account",
      values: ["Account", "PublicOrSas"],
      enumName: "AuthenticationType",
      keys: ["Please Specify Authentication Type"],
      aliases: {
        "Public (SAS URL)": "PublicOrSas",
        SAS: "PublicOrSas",
        "Public or SAS": "PublicOrSas",
      },
    },
    { name: "Account name", type: "String", default: "", keys: ["Account Name"] },
    { name: "Account key", type: "String", default: "", keys: ["Account Key"], secret: true },
    {
      name: "Path to container, directory, or blob",
      type: "String",
      default: "",
      keys: ["Path to container, directory or blob"],
    },
    {
      name: "Blob file format",
      type: "Enum",
      default: "CSV",
      values: ["CSV", "TSV", "ARFF", "CSV with encoding", "Excel"],
      enumName: "File format",
    },
    { name: "File has header row", type: "Boolean", default: "True" },
    { name: "URI", type: "String", default: "" },
    {
      name: "File format",
      type: "Enum",
      default: "CSV",
      values: ["CSV", "TSV", "ARFF"],
      enumName: "File format",
    },
    { name: "URI has header row", type: "Boolean", default: "True" },
    { name: "URL", type: "String", default: "" },
    {
      name: "Data format",
      type: "Enum",
      default: "CSV",
      values: ["CSV", "TSV", "ARFF", "SvmLight"],
      enumName: "Data Format",
    },
    { name: "CSV or TSV has header row", type: "Boolean", default: "False" },
    { name: "Use cached results", type: "Boolean", default: "False" },
  ],
  differences: [
    "An account key given in plain text stays in the definition as sent (GET returns it, as it returns every module parameter); leave it blank to use the service's own storage account, whose key the emulator keeps to itself.",
    "Sources: Azure Blob Storage and Web URL via HTTP only; formats: CSV and TSV only.",
    "An account key encrypted for Azure (with a certificate thumbprint) cannot be read: with the service's own storage account name the emulator uses that account's key instead.",
    '"Use cached results" is accepted and ignored: every run reads the source again.',
  ],
  run(_inputs, ctx) {
    const p = ctx.params;
    const source = p.enumValue("Data source");
    if (source !== BLOB && source !== WEB) {
      throw engineErrors.module(
        "0039",
        `data source "${source}" is not supported by the emulator (use ${BLOB} or ${WEB})`,
      );
    }
    const runtime = requireRuntime(ctx, "imports data");
    // Checked before anything waits, so a synchronous run fails above with Error 0039.
    return (async (): Promise<PortValue[]> => {
      try {
        if (source === WEB) {
          const url = p.string("URL").trim();
          if (!/^https?:\/\/[^/]/i.test(url))
            throw engineErrors.module("0029", url || "(empty URL)");
          const bytes = await runtime.fetchUrl(url).catch((e: unknown) => {
            throw downloadError(e);
          });
          const table = parseDownloaded(
            bytes,
            p.enumValue("Data format"),
            p.bool("CSV or TSV has header row"),
            url.split("?")[0],
          );
          return [tableOutput(table)];
        }
        if (p.enumValue("Authentication type") === "PublicOrSas") {
          const uri = p.string("URI").trim();
          if (!/^https?:\/\/[^/]/i.test(uri))
            throw engineErrors.module("0029", uri.split("?")[0] || "(empty URI)");
          const bytes = await runtime.readBlob({ kind: "url", url: uri }).catch((e: unknown) => {
            throw downloadError(e);
          });
          return [
            tableOutput(
              parseDownloaded(
                bytes,
                p.enumValue("File format"),
                p.bool("URI has header row"),
                uri.split("?")[0],
              ),
            ),
          ];
        }
        const account = p.string("Account name").trim();
        if (account === "") throw engineErrors.module("0003", "Account name");
        const path = p.string("Path to container, directory, or blob");
        const target = accountTarget(account, p.string("Account key"), path);
        const bytes = await runtime.readBlob(target).catch((e: unknown) => {
          throw downloadError(e);
        });
        return [
          tableOutput(
            parseDownloaded(
              bytes,
              p.enumValue("Blob file format"),
              p.bool("File has header row"),
              path.trim(),
            ),
          ),
        ];
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw downloadError(error);
      }
    })();
  },
};
