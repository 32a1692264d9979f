/**
 * `npm run demo`: the end-to-end harness, narrated for a person. It starts Azurite and the
 * emulator, then runs the local stack through the Pulumi SDK's own dynamic-provider host, the way
 * `pulumi up -s local` would, and tells what happens: training, the gate's verdict, what is
 * served, scoring samples, a version bump on drifted data, a rollback, and a destroy.
 *
 * Everything runs in a temporary folder and is removed at the end (`--keep` keeps it).
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { generateCensusRows } from "../data/generate";
import type { RunResult } from "../harness/engine";
import {
  OutputCursor,
  aucOfScores,
  localConfig,
  scoreCensusRows,
  startLocalStack,
  writeCensusCsv,
} from "../harness/localStack";
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
  const stack = await startLocalStack(work, {
    passphrase: "demo",
    azuriteBlobEndpoint: azurite.blobEndpoint,
  });
  const { engine } = stack;
  say(`   Azurite  ${azurite.blobEndpoint}`);
  say(`   emulator ${stack.emulator.url} (data in ${stack.emulatorLocation})`);
  const hostLines = new OutputCursor(stack.host);
  const providerLines = (): void => {
    for (const line of hostLines.take()) say(`     | ${line}`);
  };

  const october = writeCensusCsv(
    work,
    "census-2026-10.csv",
    generateCensusRows({ rows: 5000, seed: 1, drift: 0 }),
  );
  const november = writeCensusCsv(
    work,
    "census-2026-11.csv",
    generateCensusRows({ rows: 5000, seed: 2, drift: 1 }),
  );
  const fresh = generateCensusRows({ rows: 2000, seed: 3, drift: 1 });
  const config = (version: string, data: string): Record<string, unknown> =>
    localConfig({ servers: stack, model: { version, data } });

  const score = async (label: string): Promise<void> => {
    const predictive = engine.resource("predictive");
    if (!predictive) return;
    const scored = await scoreCensusRows(
      String(predictive.outputs.executionUrl),
      String(predictive.outputs.primaryKey),
      fresh,
    );
    const value = aucOfScores(scored, fresh);
    say(`   ${label}: AUC ${value.toFixed(4)} on 2000 fresh November rows, scored through RRS`);
    for (const [i, r] of scored.slice(0, 3).entries()) {
      say(
        `     age ${fresh[i].age}, ${fresh[i].education}, ${fresh[i]["hours-per-week"]} h/week -> ${r["Scored Labels"]} (p=${Number(r["Scored Probabilities"]).toFixed(3)}), truth ${fresh[i].income}`,
      );
    }
  };

  /** An up, its provider lines and steps, then what is served and how well it scores. */
  const upAndShow = async (version: string, data: string): Promise<void> => {
    const result = await engine.up(config(version, data));
    providerLines();
    summarize(result);
    say(
      `   served version ${String(result.outputs.servedVersion)}, metrics ${JSON.stringify(result.outputs.metrics)}`,
    );
    await score("served model");
  };

  try {
    heading("pulumi up: version 2026-10-30.1 on October's data");
    await upAndShow("2026-10-30.1", october);

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
    await upAndShow("2026-11-27.1", november);

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
    await stack.stop();
    await azurite.stop();
    if (!keep) fs.rmSync(work, { recursive: true, force: true });
    else say(`\nkept ${work}`);
  }
}

main().catch((e: unknown) => {
  console.error(`demo failed: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
