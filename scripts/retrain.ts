/**
 * The scheduled retrain, done as GitOps (what a Data Factory schedule did for classic services):
 * look at the configured data source, and when a newer snapshot is there, rewrite the stack file
 * (`model.data` → the new snapshot, `model.version` → today's next version) so the workflow can
 * open a pull request. The preview on that pull request shows the retrain; merging it runs it.
 *
 *   npx tsx scripts/retrain.ts --stack dev [--dry-run]
 *
 * The data source is `azureml-retrain:dataSource: { container, prefix }` in the stack file, in
 * the stack's model storage account. Snapshots are immutable blobs named so that they sort by
 * date (e.g. `census-2026-12-01.csv`); the newest name wins. Writes `changed=true|false`,
 * `version=` and `data=` to `$GITHUB_OUTPUT` when set.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { parseDocument } from "yaml";

const PREFIX = "azureml-retrain";

/** The parts of a stack file the retrain needs. */
export interface RetrainSource {
  readonly container: string;
  readonly prefix: string;
}

/** What the retrain decided. */
export interface RetrainPlan {
  readonly changed: boolean;
  readonly version?: string;
  readonly data?: string;
  /** The stack file with the bump applied (comments and layout kept). */
  readonly text?: string;
}

/**
 * The next version for `today`: `YYYY-MM-DD.1`, or `.N+1` when today's version is already taken.
 * @param current - the version declared now
 * @param today - the date (UTC)
 */
export function nextVersion(current: string, today: Date): string {
  const day = today.toISOString().slice(0, 10);
  const match = /^(\d{4}-\d{2}-\d{2})\.(\d+)$/.exec(current);
  return match && match[1] === day ? `${day}.${Number(match[2]) + 1}` : `${day}.1`;
}

/**
 * Decides the bump, purely: the stack file's text, the blob URLs found under the data source,
 * and today's date in; the new text (or "no change") out.
 */
export function planRetrain(
  stackText: string,
  snapshots: readonly string[],
  today: Date,
): RetrainPlan {
  const doc = parseDocument(stackText);
  const model = doc.getIn(["config", `${PREFIX}:model`]) as { get(k: string): unknown } | undefined;
  if (!model) throw new Error(`the stack file has no ${PREFIX}:model`);
  const currentData = String(model.get("data"));
  const currentVersion = String(model.get("version"));
  const newest = [...snapshots].sort().at(-1);
  if (!newest || newest === currentData) return { changed: false };
  const version = nextVersion(currentVersion, today);
  doc.setIn(["config", `${PREFIX}:model`, "data"], newest);
  doc.setIn(["config", `${PREFIX}:model`, "version"], version);
  return { changed: true, version, data: newest, text: doc.toString() };
}

/** Reads the data source declared in a stack file. */
export function dataSourceOf(stackText: string): RetrainSource {
  const source = parseDocument(stackText).getIn(["config", `${PREFIX}:dataSource`]) as
    { get(k: string): unknown } | undefined;
  const container = source?.get("container");
  const prefix = source?.get("prefix") ?? "";
  if (typeof container !== "string" || !container) {
    throw new Error(`the stack file has no ${PREFIX}:dataSource.container: nothing to watch`);
  }
  return { container, prefix: String(prefix) };
}

async function listSnapshots(stackText: string, source: RetrainSource): Promise<string[]> {
  const account = parseDocument(stackText).getIn([
    "config",
    `${PREFIX}:azure`,
    "storageAccountName",
  ]);
  if (typeof account !== "string")
    throw new Error(`${PREFIX}:azure.storageAccountName is required to find the data`);
  // Only here, for a real Azure account: @azure/identity probes the metadata service.
  const [{ BlobServiceClient }, { DefaultAzureCredential }] = await Promise.all([
    import("@azure/storage-blob"),
    import("@azure/identity"),
  ]);
  const service = new BlobServiceClient(
    `https://${account}.blob.core.windows.net`,
    new DefaultAzureCredential(),
  );
  const container = service.getContainerClient(source.container);
  const urls: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: source.prefix })) {
    if (blob.name.endsWith(".csv")) urls.push(`${container.url}/${blob.name}`);
  }
  return urls;
}

async function main(): Promise<void> {
  const options = new Command("retrain")
    .description("Bump the stack's model when its data source has a newer snapshot")
    .requiredOption("--stack <name>", "stack whose Pulumi.<stack>.yaml to check")
    .option("--dry-run", "print the plan without writing the stack file")
    .parse()
    .opts<{ stack: string; dryRun?: boolean }>();
  const file = path.resolve(`Pulumi.${options.stack}.yaml`);
  const text = fs.readFileSync(file, "utf8");
  const plan = planRetrain(text, await listSnapshots(text, dataSourceOf(text)), new Date());
  console.log(
    plan.changed
      ? `retrain: ${plan.data} → version ${plan.version}`
      : "retrain: the declared data is the newest snapshot",
  );
  if (plan.changed && !options.dryRun) fs.writeFileSync(file, plan.text!);
  if (process.env.GITHUB_OUTPUT) {
    fs.appendFileSync(
      process.env.GITHUB_OUTPUT,
      `changed=${plan.changed}\nversion=${plan.version ?? ""}\ndata=${plan.data ?? ""}\n`,
    );
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`retrain: ${(e as Error).message}`);
    process.exit(1);
  });
}
