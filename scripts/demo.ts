/**
 * `npm run demo`: the committed local stack, `Pulumi.local.yaml`, run and narrated without the
 * Pulumi CLI. The stack file is checked first as `npm run check-stack` checks it (a broken file
 * stops the demo with the same messages); then Azurite and the emulator start in a temporary
 * folder, and the program runs through the Pulumi SDK's own dynamic-provider host under the engine
 * double, the way `pulumi up -s local` would: each `up` shows its plan first (the preview), then
 * its steps, what the providers printed, the gate's verdict, and a table of the version each
 * service and endpoint serves, read back from the emulator.
 *
 * The story: `up` the stack file as committed (its model, its gate, its endpoints, one pinned);
 * a pull request whose candidate the gate refuses (labels that carry no signal); with `--bump`, a
 * bump to a newer version on drifted data; with `--rollback`, the revert to the committed version
 * (the stored model is served again, no training); then `destroy`.
 *
 * Output: colour on a terminal, by Node's rules (none when not a TTY, with `NO_COLOR`, with `CI`
 * set, or with TERM unset or `dumb`; `FORCE_COLOR` forces it), every line under
 * 100 characters, no temporary paths, hashes cut to 12 characters, URLs to their host.
 * Exit code: 0 when the story ran, 1 when the stack file is invalid or a step failed unexpectedly.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { styleText } from "node:util";
import { Command } from "commander";
import { ClassicManagementClient, endpointModelUri } from "../clients/classic";
import { generateCensusRows } from "../data/generate";
import type { RunResult, Step } from "../harness/engine";
import {
  MODEL_ASSET,
  OutputCursor,
  localSection,
  localWebServiceRef,
  servedByPredictive,
  shuffledLabels,
  startLocalStack,
  writeCensusCsv,
  type LocalStack,
} from "../harness/localStack";
import { checkStack, formatDiagnostics } from "../harness/stackCheck";
import { readStackFile } from "../harness/stackFile";
import { startAzurite } from "./azurite";

/** The project this script belongs to. */
const PROJECT_DIR = path.resolve(__dirname, "..");
/** The widest line the demo prints. */
const WIDTH = 99;

type Style = Parameters<typeof styleText>[0];
/** Text in a style when stdout takes colour (a TTY, and NO_COLOR unset); plain otherwise. */
const paint = (style: Style, text: string): string => styleText(style, text);

/** Prints lines, each cut to the width, with what must not be shown shortened. */
class Narrator {
  /** Absolute folders shown by a name instead (the scratch folder, the project). */
  private readonly folders: [string, string][] = [];

  /** Shows `folder` (and anything under it) as `name`. */
  hide(folder: string, name: string): void {
    this.folders.push([folder, name]);
    // Longest first, so a folder inside another is replaced by its own name.
    this.folders.sort((a, b) => b[0].length - a[0].length);
  }

  /** A line as printed: folders named, hashes and URLs shortened, cut to the width. */
  clean(line: string): string {
    let out = line;
    for (const [folder, name] of this.folders) out = out.split(folder).join(name);
    out = out
      .replace(/https?:\/\/[^\s"',)]+/g, (url) => {
        try {
          return `<${new URL(url).host}>`;
        } catch {
          return "<url>";
        }
      })
      .replace(/\b([0-9a-f]{12})[0-9a-f]{20,}\b/g, "$1…");
    return out;
  }

  /**
   * Prints a line, wrapped at spaces to the width (continuations indented under the text), in a
   * style. Widths count characters, not bytes; styles add no visible width.
   */
  say(line = "", style?: Style): void {
    let text = this.clean(line);
    const lead = /^\s*(\| )?/.exec(text)![0];
    const indent = `${lead}    `;
    for (;;) {
      const chars = [...text];
      if (chars.length <= WIDTH) break;
      const head = chars.slice(0, WIDTH).join("");
      const cut = head.lastIndexOf(" ");
      if (cut <= indent.length) {
        text = `${chars.slice(0, WIDTH - 1).join("")}…`;
        break;
      }
      console.log(style ? paint(style, head.slice(0, cut)) : head.slice(0, cut));
      text = `${indent}${text.slice(cut + 1)}`;
    }
    console.log(style ? paint(style, text) : text);
  }

  heading(text: string): void {
    console.log("");
    this.say(`== ${text} ${"=".repeat(Math.max(3, 72 - text.length))}`, "bold");
  }
}

/** How the CLI marks each operation in a plan or an update. */
const OP_MARK: Record<string, { mark: string; style: Style }> = {
  create: { mark: "+", style: "green" },
  update: { mark: "~", style: "yellow" },
  replace: { mark: "+-", style: "magenta" },
  delete: { mark: "-", style: "red" },
  "delete-replaced": { mark: "--", style: "red" },
  same: { mark: " ", style: "dim" },
  refresh: { mark: "~", style: "cyan" },
};

/** The short type of a step (`TrainedModel` for `pulumi-nodejs:dynamic/azureml:TrainedModel`). */
function shortType(type: string): string {
  return type.split(/[:/]/).pop() ?? type;
}

/**
 * The steps in a stable order: the order of `order` (the plan's URNs, which the program registers
 * one at a time), then any other, by name. Parallel steps finish in any order; this does not.
 */
function stableSteps(steps: readonly Step[], order: readonly string[]): Step[] {
  const rank = (s: Step): number => {
    const i = order.indexOf(s.urn);
    return i < 0 ? order.length : i;
  };
  const opRank = (s: Step): number => (s.op === "delete-replaced" ? 1 : 0);
  return [...steps].sort(
    (a, b) => rank(a) - rank(b) || opRank(a) - opRank(b) || a.name.localeCompare(b.name),
  );
}

/** Formats a metric to 4 digits. */
function metric(value: unknown): string {
  return typeof value === "number" ? value.toFixed(4) : String(value);
}

/** The demo, given its command line; resolves to the exit code. */
async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name("demo")
    .description("Run the committed local stack (Pulumi.local.yaml) without the Pulumi CLI")
    .option("--bump", "add a bump to a newer version on drifted data")
    .option("--rollback", "add the revert to the committed version (no training)")
    .option("--keep", "keep the temporary folder (Azurite's and the emulator's data)")
    .exitOverride();
  try {
    program.parse([...argv], { from: "user" });
  } catch (e) {
    return (e as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const flags = program.opts<{ bump?: boolean; rollback?: boolean; keep?: boolean }>();
  const out = new Narrator();
  out.hide(PROJECT_DIR, ".");

  // ---- The stack file, checked as `npm run check-stack` checks it ---------------------------
  const stackPath = path.join(PROJECT_DIR, "Pulumi.local.yaml");
  out.heading("Pulumi.local.yaml, checked as pulumi preview would check it");
  const check = await checkStack(stackPath, { projectDir: PROJECT_DIR });
  if (check.diagnostics.length > 0) {
    out.say("Pulumi.local.yaml: invalid", "red");
    for (const line of formatDiagnostics(check, PROJECT_DIR)) out.say(line);
    out.say("Fix the stack file (npm run check-stack -- local checks it alone).");
    return 1;
  }
  out.say(`   valid: configuration and ${check.resources.length} resources checked`, "green");
  const committed = readStackFile(stackPath, PROJECT_DIR).config;
  const model = committed.model as {
    version: string;
    data: string;
    gate: { metric: string; min: number; maxRegression?: number };
  };
  const endpoints = (committed.endpoints ?? []) as {
    name: string;
    model?: { version: string; data: string };
  }[];
  /** The data rows of a CSV file of the project (its lines but the header). */
  const rows = (file: string): number =>
    fs.readFileSync(path.resolve(PROJECT_DIR, file), "utf8").trimEnd().split("\n").length - 1;
  out.say(`   model     ${model.version}, trained on ${model.data} (${rows(model.data)} rows)`);
  out.say(
    `   gate      ${model.gate.metric} ≥ ${model.gate.min}` +
      (model.gate.maxRegression !== undefined
        ? `, at most ${model.gate.maxRegression} below the served model`
        : ""),
  );
  for (const e of endpoints) {
    out.say(
      `   endpoint  ${e.name.padEnd(10)} ` +
        (e.model
          ? `pinned to ${e.model.version} (${e.model.data}, ${rows(e.model.data)} rows)`
          : "follows the declared model"),
    );
  }

  // ---- The servers ----------------------------------------------------------------------------
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "azureml-retrain-demo-"));
  out.hide(work, "<scratch>");
  out.hide(fs.realpathSync(work), "<scratch>");
  out.heading("Azurite and the Azure ML Studio (classic) emulator, in a temporary folder");
  const azurite = await startAzurite({ location: path.join(work, "azurite") });
  let stack: LocalStack | undefined;
  try {
    stack = await startLocalStack(work, {
      passphrase: "demo",
      azuriteBlobEndpoint: azurite.blobEndpoint,
    });
    out.say(
      `   Azurite on port ${azurite.port}, the emulator on ${new URL(stack.emulator.url).port}`,
    );
    return await story(out, stack, work, { committed, model, endpoints, flags });
  } finally {
    await stack?.stop();
    await azurite.stop();
    if (!flags.keep) fs.rmSync(work, { recursive: true, force: true });
    else console.log(`\nkept ${work}`);
  }
}

/** The ups of the demo, narrated; resolves to the exit code. */
async function story(
  out: Narrator,
  stack: LocalStack,
  work: string,
  context: {
    committed: Record<string, unknown>;
    model: { version: string; data: string };
    endpoints: { name: string }[];
    flags: { bump?: boolean; rollback?: boolean };
  },
): Promise<number> {
  const { engine } = stack;
  const { committed, model, flags } = context;
  const providerLines = new OutputCursor(stack.host);
  // Only where the servers are differs from a developer's machine.
  const configWith = (change: Partial<{ version: string; data: string }> = {}) => ({
    ...committed,
    model: { ...(committed.model as object), ...change },
    local: { ...(committed.local as object), ...localSection(stack) },
  });

  /** What each service and endpoint serves, read from the emulator, by version. */
  const servedTable = async (): Promise<void> => {
    const versions = new Map<string, string>();
    for (const r of engine.state) {
      const o = r.outputs as { model?: { uri?: string }; version?: string };
      if (o.model?.uri && o.version) versions.set(o.model.uri, o.version);
    }
    const name = (uri: string | undefined): string =>
      uri === undefined ? "nothing" : (versions.get(uri) ?? "a model this stack did not train");
    const rows: [string, string][] = [];
    try {
      rows.push(["predictive service (ARM)", name(await servedByPredictive(stack.emulator))]);
    } catch {
      rows.push(["predictive service (ARM)", "does not exist"]);
    }
    const ref = localWebServiceRef(stack.emulator);
    const classic = new ClassicManagementClient(stack.emulator.credentials.workspaceToken);
    const listed = (await classic.getWebService(ref)) ? await classic.listEndpoints(ref) : [];
    for (const e of [...listed].sort((a, b) => a.Name.localeCompare(b.Name)))
      rows.push([`classic endpoint ${e.Name}`, name(endpointModelUri(e, MODEL_ASSET))]);
    if (listed.length === 0) rows.push(["classic web service", "does not exist"]);
    out.say("   serves                           version", "bold");
    for (const [what, version] of rows) out.say(`   ${what.padEnd(32)} ${version}`);
  };

  /** The plan, as `pulumi preview` lists it: one line per resource, in registration order. */
  const plan = (preview: RunResult): string[] => {
    out.say("   Previewing update (local):", "bold");
    for (const s of preview.steps.filter((x) => x.op !== "same")) {
      const { mark, style } = OP_MARK[s.op] ?? OP_MARK.same;
      const why = s.replaces ? ` [diff: ${s.replaces.join(", ")}]` : "";
      out.say(
        `   ${paint(style, `${mark.padEnd(2)} ${s.op.padEnd(15)}`)} ${shortType(s.type)} ${s.name}${why}`,
      );
    }
    const same = preview.steps.filter((x) => x.op === "same").length;
    if (same > 0) out.say(`      ${same} unchanged`, "dim");
    return preview.steps.map((s) => s.urn);
  };

  /** The providers' lines since the last call, each resource's together, in a stable order. */
  const printProviderLines = (): void => {
    const byResource = new Map<string, string[]>();
    for (const line of providerLines.take()) {
      const key = /^\[([^\]]+)\]/.exec(line)?.[1] ?? "";
      // Job polling repeats with times that vary between runs: the final state tells the story.
      if (/: (NotStarted|Queued|Running) after [\d.]+ s$/.test(line)) continue;
      byResource.set(key, [...(byResource.get(key) ?? []), line]);
    }
    for (const key of [...byResource.keys()].sort())
      for (const line of byResource.get(key)!) out.say(`     | ${line}`, "dim");
  };

  /** The steps of an update, in the plan's order, and its outcome. */
  const steps = (result: RunResult, order: readonly string[]): void => {
    out.say("   Updating (local):", "bold");
    printProviderLines();
    for (const s of stableSteps(result.steps, order).filter((x) => x.op !== "same")) {
      const { mark, style } = OP_MARK[s.op] ?? OP_MARK.same;
      const failed = s.failed ? paint("red", " failed") : "";
      out.say(
        `   ${paint(style, `${mark.padEnd(2)} ${s.op.padEnd(15)}`)} ${shortType(s.type)} ${s.name}${failed}`,
      );
    }
    if (result.error) {
      out.say("   error: the update failed; the engine printed:", "red");
      for (const d of result.diagnostics)
        for (const line of d.message.trim().split("\n")) out.say(`     ${line}`, "red");
      return;
    }
    const o = result.outputs;
    const metrics = Object.entries((o.metrics ?? {}) as Record<string, number>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${metric(v)}`)
      .join(", ");
    out.say(
      `   served ${String(o.servedVersion)}${o.reused ? " (stored model reused: no training)" : ""}`,
      "green",
    );
    out.say(`   metrics: ${metrics}`);
    if (o.gate) out.say(`   gate: ${String(o.gate)}`);
  };

  /** A preview, then the up; what is served after it. */
  const up = async (config: Record<string, unknown>): Promise<RunResult> => {
    const preview = await engine.preview(config);
    if (preview.error) throw new Error(`the preview failed: ${preview.error.message}`);
    providerLines.take();
    const order = plan(preview);
    const result = await engine.up(config);
    steps(result, order);
    await servedTable();
    return result;
  };

  out.heading(`pulumi up: ${model.version} as Pulumi.local.yaml declares it`);
  const first = await up(configWith());
  if (first.error) return 1;

  out.heading("pulumi up again: nothing changed");
  const again = await engine.up(configWith());
  printProviderLines();
  out.say(
    `   ${again.steps.filter((s) => s.op === "same").length} of ${again.steps.length} ` +
      "resources unchanged: no upload, no job",
  );

  // A candidate whose labels carry no signal: the gate must refuse it and nothing may change.
  const noise = writeCensusCsv(
    work,
    "census-noise.csv",
    shuffledLabels(generateCensusRows({ rows: 3000, seed: 202612, drift: 1 })),
  );
  out.heading("A pull request declares 2026-12-01.1 on data whose labels are noise");
  const refused = await up(configWith({ version: "2026-12-01.1", data: noise }));
  if (!refused.error) {
    out.say("   the gate passed a model trained on noise: that is a defect", "red");
    return 1;
  }
  out.say("   the gate refused the candidate: the up failed, and nothing was repointed", "yellow");

  if (flags.bump) {
    const december = writeCensusCsv(
      work,
      "census-2026-12.csv",
      generateCensusRows({ rows: 5000, seed: 202612, drift: 1 }),
    );
    out.heading("A pull request bumps to 2026-12-04.1 with December's (drifted) data");
    const bumped = await up(configWith({ version: "2026-12-04.1", data: december }));
    if (bumped.error) return 1;
  }
  if (flags.rollback) {
    out.heading(`The pull request is reverted: back to ${model.version}`);
    const back = await up(configWith());
    if (back.error) return 1;
  }

  out.heading("pulumi destroy");
  const destroyed = await engine.destroy();
  printProviderLines();
  const byName = [...destroyed.steps].sort(
    (a, b) => shortType(a.type).localeCompare(shortType(b.type)) || a.name.localeCompare(b.name),
  );
  for (const s of byName)
    out.say(`   ${paint("red", "-  delete         ")} ${shortType(s.type)} ${s.name}`);
  if (destroyed.error) return 1;
  await servedTable();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`demo failed: ${(e as Error).stack ?? String(e)}`);
    process.exitCode = 1;
  },
);
