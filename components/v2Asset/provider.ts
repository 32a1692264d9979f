/**
 * The asset provider: code folders, data files and environments as versioned assets of the
 * workspace, named by their content (`sha256-…`), so a version is registered once and an
 * unchanged input registers nothing.
 *
 * - check: the path exists (a folder, a `.csv` with the training columns and a data row, a conda
 *   file), and its SHA-256 (no network: previews need no credentials).
 * - create: reuse the version when it is registered; else upload (content-addressed: a blob
 *   already stored with that hash is not sent again) and register the version.
 * - delete: versions are kept (immutable history: rollbacks and lineage use them).
 */
import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
// Named imports: a namespace bound to `path` would read like the `.path` of other objects.
import { join, posix } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import {
  blobHasSha256,
  blobService,
  parseConnectionString,
  SHA256_METADATA,
} from "../../clients/storage";
import { uploadFileSurvivingLostBlocks } from "../../clients/uploadRetry";
import { compareHeader, HashCache, readCsvHeader, resolveDataPath } from "../retrain/dataFile";
import { hasDataRow } from "../retrain/inputChecks";
import type { FieldFailure } from "../shared/checks";
import { armIdOf, mlClient, type MlTarget } from "../shared/mlTarget";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { containsUnknown } from "../shared/values";
import {
  assetVersion,
  checkAsset,
  diffAsset,
  folderDigestInput,
  uploadPath,
  versionPath,
} from "./logic";
import type { AssetInputs, AssetOutputs } from "./types";

/** The provider process's hash cache (see the retrain provider for why it lives on globalThis). */
function hashCache(): HashCache {
  const registry = globalThis as unknown as Record<symbol, HashCache | undefined>;
  return (registry[Symbol.for("azureml-retrain.hashCache")] ??= new HashCache());
}

const SKIPPED = /(^|\/)(__pycache__|\.[^/]*)(\/|$)|\.pyc$/;

/** Every file of a code folder (relative POSIX paths), without caches and hidden files. */
async function codeFiles(folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (SKIPPED.test(relative)) continue;
      if (entry.isDirectory()) await walk(join(dir, entry.name), relative);
      else if (entry.isFile()) out.push(relative);
    }
  };
  await walk(folder, "");
  return out.sort();
}

/** SHA-256 of each file of a code folder. */
async function codeHashes(folder: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of await codeFiles(folder))
    hashes[file] = createHash("sha256")
      .update(await readFile(join(folder, ...file.split("/"))))
      .digest("hex");
  return hashes;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The content hash of an asset, or failures naming what is wrong with its file. */
async function contentHash(
  news: Record<string, unknown>,
  failures: FieldFailure[],
): Promise<string | undefined> {
  const kind = news.kind;
  const declared = news.path;
  if (containsUnknown(declared) || containsUnknown(news.image)) return undefined;
  if (kind === "environment") {
    let conda = "";
    if (typeof declared === "string") {
      try {
        conda = await readFile(resolveDataPath(declared), "utf8");
      } catch {
        failures.push({
          property: "path",
          reason: `conda file "${declared}" cannot be read (paths are relative to the project)`,
        });
        return undefined;
      }
    }
    return sha256(`${String(news.image)}\0${conda}`);
  }
  if (typeof declared !== "string") return undefined;
  const file = resolveDataPath(declared);
  let info;
  try {
    info = await stat(file);
  } catch {
    failures.push({
      property: "path",
      reason: `"${declared}" does not exist (looked at ${file}); paths are relative to the project`,
    });
    return undefined;
  }
  if (kind === "code") {
    if (!info.isDirectory()) {
      failures.push({
        property: "path",
        reason: `"${declared}" must be the folder of the training and scoring scripts`,
      });
      return undefined;
    }
    const files = await codeHashes(file);
    if (Object.keys(files).length === 0) {
      failures.push({ property: "path", reason: `the code folder "${declared}" has no files` });
      return undefined;
    }
    return sha256(folderDigestInput(files));
  }
  if (!info.isFile() || !/\.csv$/i.test(file)) {
    failures.push({
      property: "path",
      reason: `"${declared}" must be a .csv file: the training script reads CSV`,
    });
    return undefined;
  }
  try {
    const columns = news.columns;
    if (Array.isArray(columns) && !containsUnknown(columns)) {
      for (const problem of compareHeader(await readCsvHeader(file), columns as string[]))
        failures.push({
          property: "path",
          reason: `"${declared}": ${problem.replace("training service", "training script")}`,
        });
    }
    if (!(await hasDataRow(file))) {
      failures.push({
        property: "path",
        reason: `"${declared}" has a header row but no data rows: there is nothing to train on`,
      });
      return undefined;
    }
  } catch (e) {
    failures.push({ property: "path", reason: `"${declared}": ${(e as Error).message}` });
    return undefined;
  }
  return hashCache().sha256(file);
}

function log(inputs: Pick<AssetInputs, "kind" | "name">, line: string): void {
  const kind =
    inputs.kind === "code"
      ? "CodeAsset"
      : inputs.kind === "data"
        ? "DataAsset"
        : "EnvironmentAsset";
  progress(kind, inputs.name, line);
}

/** Uploads the asset's content; returns the version's properties. */
async function upload(
  inputs: AssetInputs & { contentSha256: string },
): Promise<Record<string, unknown>> {
  const { datastore } = inputs;
  const container = blobService(datastore.connectionString).getContainerClient(datastore.container);
  const description = inputs.description ? { description: inputs.description } : {};
  if (inputs.kind === "environment") {
    const condaFile = inputs.path
      ? await readFile(resolveDataPath(inputs.path), "utf8")
      : undefined;
    if (sha256(`${inputs.image}\0${condaFile ?? ""}`) !== inputs.contentSha256)
      throw new Error(
        `the conda file "${inputs.path}" changed after the preview: run the preview again`,
      );
    return { ...description, image: inputs.image, ...(condaFile ? { condaFile } : {}) };
  }
  const local = resolveDataPath(inputs.path!);
  const target = uploadPath(inputs.kind, inputs.contentSha256);
  if (inputs.kind === "code") {
    const files = await codeHashes(local);
    if (sha256(folderDigestInput(files)) !== inputs.contentSha256)
      throw new Error(
        `the code folder "${inputs.path}" changed after the preview: run the preview again`,
      );
    let sent = 0;
    for (const [file, fileSha] of Object.entries(files)) {
      const blob = container.getBlockBlobClient(`${target}/${file}`);
      if (await blobHasSha256(blob, fileSha)) continue;
      const bytes = await readFile(join(local, ...file.split("/")));
      await blob.uploadData(bytes, { metadata: { [SHA256_METADATA]: fileSha } });
      sent++;
    }
    log(
      inputs,
      `uploaded ${sent} of ${Object.keys(files).length} file(s) of ${inputs.path} to ${datastore.name}/${target}`,
    );
    const endpoint = parseConnectionString(datastore.connectionString).blobEndpoint;
    return { ...description, codeUri: `${endpoint}/${datastore.container}/${target}` };
  }
  const result = await uploadFileSurvivingLostBlocks(
    container.getBlockBlobClient(target),
    local,
    { expectedSha256: inputs.contentSha256 },
    (reason) => log(inputs, `uploading ${inputs.path} again: ${reason}`),
  );
  log(
    inputs,
    result.uploaded
      ? `uploaded ${inputs.path} (${(result.bytes / 1048576).toFixed(1)} MiB) to ${datastore.name}/${target}`
      : `${inputs.path} is already stored as ${datastore.name}/${target}: upload skipped`,
  );
  return {
    ...description,
    dataType: "uri_file",
    dataUri: `azureml://datastores/${datastore.name}/paths/${target}`,
    tags: { file: posix.basename(inputs.path!) },
  };
}

async function register(inputs: AssetInputs): Promise<AssetOutputs> {
  if (!inputs.contentSha256)
    throw new Error("contentSha256 is missing: check did not run or the input was unknown");
  const withHash = inputs as AssetInputs & { contentSha256: string };
  const client = mlClient(inputs.target);
  const version = assetVersion(withHash.contentSha256);
  const resourcePath = versionPath(inputs.kind, inputs.name, version);
  const existing = await client.get<{
    id: string;
    properties: { codeUri?: string; dataUri?: string };
  }>(resourcePath);
  if (existing) {
    log(inputs, `version ${version} is registered: nothing to upload`);
    return {
      ...withHash,
      version,
      assetId: armIdOf(inputs.target, resourcePath),
      ...((existing.properties.codeUri ?? existing.properties.dataUri)
        ? { uri: existing.properties.codeUri ?? existing.properties.dataUri }
        : {}),
      reused: true,
    };
  }
  await blobService(inputs.datastore.connectionString)
    .getContainerClient(inputs.datastore.container)
    .createIfNotExists();
  const properties = await upload(withHash);
  const created = await client.put<{
    id: string;
    properties: { codeUri?: string; dataUri?: string };
  }>(resourcePath, { properties });
  log(inputs, `registered version ${version}`);
  return {
    ...withHash,
    version,
    assetId: armIdOf(inputs.target, resourcePath),
    ...((created.properties.codeUri ?? created.properties.dataUri)
      ? { uri: created.properties.codeUri ?? created.properties.dataUri }
      : {}),
    reused: false,
  };
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures = checkAsset(news);
    const contentSha256 = failures.length === 0 ? await contentHash(news, failures) : undefined;
    // What the version will be called is known from the content: a preview shows it downstream.
    const known =
      contentSha256 && !containsUnknown(news.target) && typeof news.name === "string"
        ? (() => {
            const version = assetVersion(contentSha256);
            const kind = news.kind as AssetInputs["kind"];
            return {
              version,
              assetId: armIdOf(news.target as MlTarget, versionPath(kind, news.name, version)),
            };
          })()
        : {};
    return {
      inputs: { ...news, ...(contentSha256 ? { contentSha256 } : {}), ...known },
      failures,
    };
  },

  async diff(_id: string, olds: AssetOutputs, news: AssetInputs) {
    return diffAsset(olds, news);
  },

  async create(inputs: AssetInputs) {
    const outs = await register(inputs);
    return { id: outs.assetId, outs };
  },

  async update(_id: string, _olds: AssetOutputs, news: AssetInputs) {
    return { outs: await register(news) };
  },

  async read(id: string, props: AssetOutputs) {
    const existing = await mlClient(props.target).get(
      versionPath(props.kind, props.name, props.version),
    );
    return existing ? { id, props } : { id: "", props: {} };
  },

  async delete(_id: string, props: AssetOutputs) {
    log(
      props,
      `kept version ${props.version} (versions are history: rollbacks and lineage use them)`,
    );
  },
};

/** Provider of the asset resources. */
export const assetProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [
    (p.target as { token?: string } | undefined)?.token,
    (p.datastore as { connectionString?: string } | undefined)?.connectionString,
  ]),
);
