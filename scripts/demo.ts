/**
 * `npm run demo`: the end-to-end harness, narrated for a person. It starts Azurite and the
 * emulator, then runs the local stack through the Pulumi SDK's own dynamic-provider host, the way
 * `pulumi up -s local` would, and tells what happens: training, the gate's verdict, what is
 * served, scoring samples, a version bump on drifted data, a rollback, and a destroy.
 *
 * Everything runs in a temporary folder and is removed at the end (`--keep` keeps it).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RrsClient } from "../clients/rrs";
import { auc } from "../components/retrain/champion";
import { censusToCsv, generateCensusRows, type CensusRow } from "../data/generate";
import { EmulatorProcess } from "../test/e2e/harness/emulatorProcess";
import { MiniEngine, type RunResult } from "../test/e2e/harness/engine";
import { PROJECT_DIR, ProviderHost } from "../test/e2e/harness/providerHost";
import { startAzurite } from "./azurite";

const keep = process.argv.includes("--keep");
const say = (line = ""): void => console.log(line);
const heading = (text: string): void =>
  say(`\n== ${text} ${"=".repeat(Math.max(0, 70 - text.length))}`);

function summarize(result: RunResult): void {
  for (const step of result.steps)
    say(
      `   ${step.op.padEnd(15)} ${step.type.split(":").pop()} ${step.name}${step.replaces ? ` (${step.replaces.join(", ")} changed)` : ""}`,
    );
  if (result.error) say(`   up failed: ${result.error.message}`);
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "azureml-retrain-demo-"));
  heading("Starting Azurite and the Azure ML Studio (classic) emulator");
  const azurite = await startAzurite({ location: path.join(work, "azurite") });
  const emulator = await EmulatorProcess.start({
    location: path.join(work, "emulator"),
    storage: `http://127.0.0.1:${azurite.port}`,
  });
  say(`   Azurite  ${azurite.blobEndpoint}`);
  say(`   emulator ${emulator.url} (data in ${path.join(work, "emulator")})`);
  const host = await ProviderHost.start(PROJECT_DIR, {
    ...process.env,
    AZUREML_RETRAIN_CACHE_DIR: path.join(work, "cache"),
  });
  let shown = 0;
  const providerLines = (): void => {
    for (const line of host.output.slice(shown)) say(`     | ${line}`);
    shown = host.output.length;
  };
  const engine = new MiniEngine({
    host,
    stateFile: path.join(work, "state.json"),
    passphrase: "demo",
    project: "azureml-retrain",
    stack: "local",
    program: path.join(PROJECT_DIR, "index.ts"),
    reload: [path.join(PROJECT_DIR, "index.ts"), path.join(PROJECT_DIR, "config.ts")],
  });

  const write = (name: string, rows: CensusRow[]): string => {
    const file = path.join(work, name);
    fs.writeFileSync(file, censusToCsv(rows));
    return file;
  };
  const october = write(
    "census-2026-10.csv",
    generateCensusRows({ rows: 5000, seed: 1, drift: 0 }),
  );
  const november = write(
    "census-2026-11.csv",
    generateCensusRows({ rows: 5000, seed: 2, drift: 1 }),
  );
  const fresh = generateCensusRows({ rows: 2000, seed: 3, drift: 1 });
  const config = (version: string, data: string): Record<string, unknown> => ({
    target: "local",
    model: { version, data, gate: { metric: "AUC", min: 0.75, maxRegression: 0.02 }, retain: true },
    endpoints: [{ name: "contoso" }],
    local: {
      emulatorUrl: emulator.url,
      azuriteBlobEndpoint: azurite.blobEndpoint,
      emulatorLocation: path.join(work, "emulator"),
    },
  });

  const score = async (label: string): Promise<void> => {
    const predictive = engine.resource("predictive");
    if (!predictive) return;
    const rrs = new RrsClient(
      String(predictive.outputs.executionUrl),
      String(predictive.outputs.primaryKey),
    );
    const rows = fresh.map(({ income: _income, ...f }) =>
      Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v === null ? null : String(v)])),
    );
    const scored = (await rrs.executeRows({ input1: rows })).output1;
    // Rows the model cannot score (a missing value) come back without a score: left out.
    const kept = scored
      .map((r, i) => ({ p: r["Scored Probabilities"], truth: fresh[i].income }))
      .filter((s) => s.p !== null);
    const value = auc(
      kept.map((s) => Number(s.p)),
      kept.map((s) => (s.truth === ">50K" ? 1 : 0)),
    );
    say(`   ${label}: AUC ${value.toFixed(4)} on 2000 fresh November rows, scored through RRS`);
    for (const [i, r] of scored.slice(0, 3).entries()) {
      say(
        `     age ${fresh[i].age}, ${fresh[i].education}, ${fresh[i]["hours-per-week"]} h/week -> ${r["Scored Labels"]} (p=${Number(r["Scored Probabilities"]).toFixed(3)}), truth ${fresh[i].income}`,
      );
    }
  };

  try {
    heading("pulumi up: version 2026-10-30.1 on October's data");
    const first = await engine.up(config("2026-10-30.1", october));
    providerLines();
    summarize(first);
    say(
      `   served version ${String(first.outputs.servedVersion)}, metrics ${JSON.stringify(first.outputs.metrics)}`,
    );
    await score("served model");

    heading("pulumi up again: nothing changed");
    const again = await engine.up(config("2026-10-30.1", october));
    providerLines();
    say(
      `   ${again.steps.filter((s) => s.op === "same").length} of ${again.steps.length} resources unchanged; no job, no upload`,
    );

    heading("A pull request bumps the version to 2026-11-27.1 with November's (drifted) data");
    const preview = await engine.preview(config("2026-11-27.1", november));
    say("   pulumi preview says:");
    summarize(preview);
    const bump = await engine.up(config("2026-11-27.1", november));
    providerLines();
    summarize(bump);
    say(
      `   served version ${String(bump.outputs.servedVersion)}, metrics ${JSON.stringify(bump.outputs.metrics)}`,
    );
    await score("served model");

    heading("The pull request is reverted: roll back to 2026-10-30.1");
    const back = await engine.up(config("2026-10-30.1", october));
    providerLines();
    summarize(back);
    say(`   reused the stored model: ${String(back.outputs.reused)} (no BES job)`);
    await score("served model");

    heading("pulumi destroy");
    summarize(await engine.destroy());
    providerLines();
  } finally {
    await host.stop();
    await emulator.stop();
    await azurite.stop();
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
    else say(`\nkept ${work}`);
  }
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
