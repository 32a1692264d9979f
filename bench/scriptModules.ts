/**
 * Item 11 (`--only python-script`): what running an Execute Python Script module costs a BES job
 * (issue 11: "a Python-script job on 100k rows vs the same graph without the script"). Two ARM
 * services on the same emulator: one passes its input through Execute Python Script (a pandas
 * one-liner adding a column) to its output, the other wires the input straight to the output.
 * Both jobs read the same 100k-row CSV (20 numeric features + a label, `syntheticCsv` of
 * `engine-scale.ts`) from Azurite and write their output CSV back; the difference is the script
 * module: writing the rows for Python, starting the interpreter and pandas, the script, and
 * reading its result back. Interleaved rounds after one warm-up of each, medians, ratio of the
 * job times (submit → the first status read that says Finished). No goal is set: reported.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { BesClient } from "../clients/bes";
import type { ArmWebService, BatchExecutionRequest } from "../contract";
import { syntheticCsv } from "./engine-scale";
import { createService, startInfra } from "./execution";
import {
  interleave,
  median,
  notMeasured,
  range,
  times,
  type BenchContext,
  type ItemResult,
} from "./lib/common";

/** Debian's Python with pandas (what CI installs; the same interpreter as item 7's scikit-learn). */
const PYTHON = "/usr/bin/python3";
const ROWS = 100_000;
const POLL_MS = 25;
const SCRIPT = `import pandas as pd

def azureml_main(dataframe1, dataframe2=None):
    dataframe1["f_sum"] = dataframe1["f1"] + dataframe1["f2"]
    return dataframe1,
`;

/** input1 → (Execute Python Script →) output1. */
function definition(withScript: boolean): ArmWebService {
  const columns = Object.fromEntries([
    ...Array.from({ length: 20 }, (_v, j) => [`f${j + 1}`, { type: "Number" as const }]),
    ["label", { type: "Integer" as const }],
  ]);
  return {
    location: "West US",
    properties: {
      packageType: "Graph",
      input: { type: "object", properties: { input1: { type: "object", properties: columns } } },
      output: { type: "object", properties: { output1: { type: "object", properties: {} } } },
      assets: withScript
        ? {
            asset1: {
              name: "Execute Python Script",
              type: "Module",
              locationInfo: { uri: "aml://module/python" },
            },
          }
        : {},
      parameters: {},
      package: {
        nodes: {
          node1: { inputId: "input1" },
          ...(withScript
            ? { node2: { assetId: "asset1", parameters: { "Python script": { value: SCRIPT } } } }
            : {}),
          node3: { outputId: "output1" },
        },
        edges: withScript
          ? [
              {
                sourceNodeId: "node1",
                sourcePortId: "Data",
                targetNodeId: "node2",
                targetPortId: "Dataset1",
              },
              {
                sourceNodeId: "node2",
                sourcePortId: "Result Dataset",
                targetNodeId: "node3",
                targetPortId: "Data",
              },
            ]
          : [
              {
                sourceNodeId: "node1",
                sourcePortId: "Data",
                targetNodeId: "node3",
                targetPortId: "Data",
              },
            ],
        graphParameters: {},
      },
    },
  };
}

/**
 * Runs item 11.
 * @param ctx - the bench context
 */
export async function benchPythonScript(ctx: BenchContext): Promise<ItemResult[]> {
  const id = "11";
  const title = "BES job with Execute Python Script vs the same graph without it (100k rows)";
  const goal = "no goal set by the issue; reported";
  try {
    await promisify(execFile)(PYTHON, ["-c", "import pandas"]);
  } catch {
    return [
      notMeasured(
        id,
        title,
        goal,
        `${PYTHON} with pandas is not installed (Debian: apt-get install python3-pandas)`,
      ),
    ];
  }
  const infra = await startInfra(path.join(ctx.tmp, "python-script"), "error", () => undefined, {
    python: PYTHON,
  });
  try {
    const csv = syntheticCsv(ROWS, 11);
    await infra.upload("python-100k.csv", csv);
    const services = {
      script: await createService(infra, "bench-python-script", definition(true)),
      plain: await createService(infra, "bench-python-plain", definition(false)),
    };
    let n = 0;
    const job = (which: keyof typeof services) => async (): Promise<number> => {
      const bes = new BesClient(services[which].executionUrl, services[which].key);
      const request: BatchExecutionRequest = {
        Inputs: { input1: infra.ref("python-100k.csv") },
        Outputs: { output1: infra.ref(`python-out/${n++}/${which}.csv`) },
        GlobalParameters: {},
      };
      const jobId = await bes.submit(request);
      await bes.start(jobId);
      const status = await bes.waitForCompletion(jobId, {
        deadline: Date.now() + 10 * 60_000,
        initialIntervalMs: POLL_MS,
        maxIntervalMs: POLL_MS,
      });
      if (status.state !== "Finished")
        throw new Error(`${which} job ${jobId} ended ${status.state}: ${status.details ?? ""}`);
      return 0;
    };
    ctx.log("python-script: warm-up of both jobs");
    await job("script")();
    await job("plain")();
    const { ms } = await interleave(
      ctx.rounds,
      { script: job("script"), plain: job("plain") },
      { log: ctx.log },
    );
    const script = median(ms.script);
    const plain = median(ms.plain);
    const ratio = script / plain;
    return [
      {
        id,
        title,
        goal,
        ratio,
        measured: `${times(ratio)} (with the script ${script.toFixed(0)} ms vs without ${plain.toFixed(0)} ms, medians of ${ctx.rounds}; ranges ${range(ms.script)} / ${range(ms.plain)} ms)`,
        notes: `Emulator in the bench process (startEmulator, --python ${PYTHON}), Azurite, loopback. Input: syntheticCsv, ${ROWS} rows × 20 numeric features + label (${(csv.length / 1e6).toFixed(1)} MB). With the script: input1 → Execute Python Script (pandas, adds f1 + f2 as a column) → output1; without: input1 → output1. Both jobs download, parse and type the same CSV and write their output CSV; the difference is the script module (CSV for Python, interpreter and pandas start-up, the script, reading its result back). One warm-up of each, then ${ctx.rounds} interleaved rounds; wall = submit → the first status read that says Finished (polled every ${POLL_MS} ms).`,
        raw: { scriptMs: ms.script, plainMs: ms.plain, rows: ROWS, bytes: csv.length },
      },
    ];
  } finally {
    await infra.stop();
  }
}
