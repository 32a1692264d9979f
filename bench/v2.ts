/**
 * Items 12 and 13, the v2 flow's costs (issue 17 sets no goal: reported as measured).
 *
 * - 12 (`--only v2bump`): a v2 bump (command job + registration + a new deployment + traffic
 *   moved + the oldest deployment deleted) vs a classic bump (BES job + gate + repoint), each an
 *   `up` through the SDK's provider host, on the same data, interleaved.
 * - 13 (`--only router`): the scoring router's overhead: the same one-row census requests through
 *   the endpoint's scoring URI (key check, weighted choice, concurrency gate, proxy) vs straight to
 *   the deployment's Python process, under the same closed-loop load.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { MlClient } from "../clients/v2";
import type { EndpointKeys, OnlineEndpointProperties, V2Resource } from "../contract/v2";
import { startEmulator } from "../emulator/startEmulator";
import { startAzurite } from "../scripts/azurite";
import { PROJECT_DIR } from "../harness/providerHost";
import { sklearnPython } from "../harness/interpreters";
import { runLoad, type LoadSample } from "./execution";
import type { LoadConfig } from "./execution/loadClient";
import { interleave, median, range, times, type BenchContext, type ItemResult } from "./lib/common";
import { engineFor, localConfig, startBenchHost, startStackInfra } from "./lib/stack";

const NO_GOAL = "no goal set by the issue; reported";

/** The scikit-learn version of the benches' Python. */
function sklearnVersion(): string {
  const probe = spawnSync(sklearnPython(), ["-c", "import sklearn; print(sklearn.__version__)"], {
    encoding: "utf8",
  });
  return probe.stdout.trim() || "unknown";
}
const DATA = "data/census-2026-11.csv";
const CENSUS_SRC = path.join(PROJECT_DIR, "definitions", "v2", "census", "src");

/** The v2 stack's config on the bench's servers (as Pulumi.local-v2.yaml, one rollout step). */
function v2Config(
  infra: { emulator: { url: string }; azuriteBlobEndpoint: string; emulatorLocation: string },
  version: string,
): Record<string, unknown> {
  return {
    platform: "v2",
    target: "local",
    model: {
      version,
      data: DATA,
      parameters: { C: "1.0" },
      gate: { metric: "AUC", min: 0.7, maxRegression: 0.05 },
      retain: true,
      deadlineMinutes: 30,
    },
    v2: { workspace: "bench-ml", endpoint: "bench-v2", modelName: "census", keepDeployments: 1 },
    local: {
      emulatorUrl: infra.emulator.url,
      azuriteBlobEndpoint: infra.azuriteBlobEndpoint,
      emulatorLocation: infra.emulatorLocation,
    },
  };
}

/** Runs item 12. */
export async function benchV2Bump(ctx: BenchContext): Promise<ItemResult[]> {
  const dir = path.join(ctx.tmp, "v2bump");
  const infra = await startStackInfra(dir, ["--python", sklearnPython(), "--v2-retry-after", "0"]);
  const bench = await startBenchHost(dir, "v2bump");
  try {
    const classic = engineFor(bench.host, path.join(dir, "classic.json"));
    const v2 = engineFor(bench.host, path.join(dir, "v2.json"));
    const upOk = async (engine: typeof classic, config: Record<string, unknown>): Promise<void> => {
      const result = await engine.up(config);
      if (result.error) throw result.error;
    };
    ctx.log("v2bump: first up of each stack (not measured)");
    await upOk(classic, localConfig(infra, { version: "2026-11-01.0", data: DATA }));
    await upOk(v2, v2Config(infra, "2026-11-01.0"));
    const phases: Record<string, number>[] = [];
    const { ms } = await interleave<void>(
      ctx.rounds,
      {
        classic: async (round) =>
          upOk(classic, localConfig(infra, { version: `2026-11-27.${round + 1}`, data: DATA })),
        v2: async (round) => {
          const before = bench.calls.length;
          await upOk(v2, v2Config(infra, `2026-11-27.${round + 1}`));
          const calls = bench.calls.slice(before);
          const span = (name: string, method: string) => {
            const c = calls.find((x) => x.name === name && x.method === method);
            return c ? c.end - c.start : NaN;
          };
          phases.push({ model: span("model", "create"), served: span("served", "update") });
        },
      },
      { log: ctx.log },
    );
    const ratio = median(ms.v2) / median(ms.classic);
    return [
      {
        id: "12",
        title: "v2 bump (job + deployment + traffic) vs classic bump, same data",
        goal: NO_GOAL,
        ratio,
        measured: `${times(ratio)} (v2 ${median(ms.v2).toFixed(0)} ms vs classic ${median(ms.classic).toFixed(0)} ms, medians of ${ctx.rounds}; v2 ${range(ms.v2)} ms, classic ${range(ms.classic)} ms)`,
        notes:
          `Both stacks through the SDK's dynamic-provider host (bench/lib/stack.ts) on one emulator process and Azurite, ${DATA} (3000 rows) for both; each round bumps both stacks to a new version on the same data, order rotated. ` +
          `Classic: index.ts platform classic, no endpoint: TrainedModel replaced (BES job on the emulator's engine: Split Data, Two-Class Logistic Regression, Evaluate Model; the gate scores the served model through RRS), PredictiveService repointed. ` +
          `v2: platform v2: MlTrainedModel replaced (a command job running definitions/v2/census/src/train.py with scikit-learn ${sklearnVersion()} under ${sklearnPython()}; the gate scores the live deployment through the scoring router), ServedModel updated (a new deployment: model and code fetched, a Python process started and its init() loading the pickle, a check call; traffic moved in one step; the deployment two versions back deleted). ` +
          `Of the v2 up (medians): MlTrainedModel create ${median(phases.map((p) => p.model)).toFixed(0)} ms, ServedModel update ${median(phases.map((p) => p.served)).toFixed(0)} ms. ` +
          "The v2 side pays two Python interpreter starts with pandas and scikit-learn imports (the job, the deployment), where the classic side trains inside the emulator's own process.",
        raw: { ms, phases },
      },
    ];
  } finally {
    await bench.stop();
    await infra.stop();
  }
}

const CONCURRENCY = 8;
const WARMUP_MS = 1_000;
const WINDOW_MS = 8_000;

/** Runs item 13. */
export async function benchRouter(ctx: BenchContext): Promise<ItemResult[]> {
  const dir = path.join(ctx.tmp, "router");
  fs.mkdirSync(dir, { recursive: true });
  const python = sklearnPython();
  const azurite = await startAzurite({ location: path.join(dir, "azurite") });
  const emulator = await startEmulator({
    port: 0,
    location: path.join(dir, "emulator"),
    storage: new URL(azurite.blobEndpoint).origin,
    logLevel: "error",
    printStartup: false,
    python,
    v2: { retryAfterSeconds: 0 },
  });
  try {
    const ml = new MlClient(
      {
        endpoint: emulator.url,
        subscriptionId: "00000000-0000-0000-0000-0000000000b9",
        resourceGroup: "bench",
        workspace: "router",
      },
      { kind: "token", token: emulator.credentials.armToken },
    );
    await ml.putAndWait("", { location: "local", properties: {} });
    const store = await ml.get<V2Resource<{ containerName: string }>>(
      "/datastores/workspaceblobstore",
    );
    const container = BlobServiceClient.fromConnectionString(
      azurite.connectionString,
    ).getContainerClient(store!.properties.containerName);
    ctx.log("router: training the census model with train.py");
    const trained = path.join(dir, "trained");
    const run = spawnSync(
      python,
      [
        path.join(CENSUS_SRC, "train.py"),
        "--data",
        path.join(PROJECT_DIR, DATA),
        "--model",
        path.join(trained, "model"),
        "--metrics",
        path.join(trained, "metrics"),
      ],
      { encoding: "utf8" },
    );
    if (run.status !== 0) throw new Error(`train.py failed: ${run.stderr}`);
    for (const [local, prefix] of [
      [path.join(trained, "model"), "model"],
      [CENSUS_SRC, "src"],
    ] as const)
      for (const file of fs
        .readdirSync(local)
        .filter((f) => !f.endsWith(".pyc") && fs.statSync(path.join(local, f)).isFile()))
        await container.getBlockBlobClient(`${prefix}/${file}`).uploadFile(path.join(local, file));
    await ml.put("/codes/src/versions/1", {
      properties: { codeUri: "azureml://datastores/workspaceblobstore/paths/src" },
    });
    await ml.put("/environments/sk/versions/1", { properties: { image: "local" } });
    await ml.put("/models/census/versions/1", {
      properties: { modelUri: "azureml://datastores/workspaceblobstore/paths/model/" },
    });
    await ml.putAndWait("/onlineEndpoints/router-bench", {
      location: "local",
      properties: { authMode: "Key" },
    });
    await ml.putAndWait("/onlineEndpoints/router-bench/deployments/blue", {
      location: "local",
      sku: { name: "Default", capacity: 1 },
      properties: {
        endpointComputeType: "Managed",
        model: "azureml:census:1",
        codeConfiguration: { codeId: "azureml:src:1", scoringScript: "score.py" },
        environmentId: "azureml:sk:1",
        requestSettings: { maxConcurrentRequestsPerInstance: CONCURRENCY, requestTimeout: "PT10S" },
      },
    });
    const endpoint = await ml.putAndWait<V2Resource<OnlineEndpointProperties>>(
      "/onlineEndpoints/router-bench",
      {
        location: "local",
        properties: { authMode: "Key", traffic: { blue: 100 } },
      },
    );
    const keys = await ml.post<EndpointKeys>("/onlineEndpoints/router-bench/listKeys");
    const deploymentKey = `${endpoint.id}/deployments/blue`.toLowerCase();
    const host = emulator.server.v2.hosts.get(deploymentKey);
    if (!host) throw new Error("the deployment's container is not running");

    const [header, ...lines] = fs
      .readFileSync(path.join(PROJECT_DIR, DATA), "utf8")
      .trim()
      .split("\n");
    const names = header.split(",");
    const bodies = lines.slice(0, 256).map((line) => {
      const cells = line.split(",");
      return JSON.stringify({
        data: [
          Object.fromEntries(
            names
              .filter((n) => n !== "income")
              .map((n) => [n, cells[names.indexOf(n)] === "" ? null : cells[names.indexOf(n)]]),
          ),
        ],
      });
    });
    const common = {
      method: "POST" as const,
      bodies,
      expect: '"predictions"',
      concurrency: CONCURRENCY,
      warmupMs: WARMUP_MS,
      durationMs: WINDOW_MS,
    };
    const routerConfig: LoadConfig = {
      ...common,
      url: endpoint.properties.scoringUri!,
      headers: { authorization: `Bearer ${keys.primaryKey}` },
    };
    const directConfig: LoadConfig = {
      ...common,
      url: `http://127.0.0.1:${host.host.port}/score`,
      headers: {},
    };
    const window = { open: () => undefined, close: () => [] as number[] };
    const { values } = await interleave<LoadSample>(
      ctx.rounds,
      {
        router: async () => {
          const s = await runLoad(routerConfig, window);
          ctx.log(
            `    router: ${s.requestsPerSecond.toFixed(0)} req/s, p99 ${s.p99Ms.toFixed(2)} ms, ${s.errors} errors`,
          );
          return s;
        },
        direct: async () => {
          const s = await runLoad(directConfig, window);
          ctx.log(
            `    direct: ${s.requestsPerSecond.toFixed(0)} req/s, p99 ${s.p99Ms.toFixed(2)} ms, ${s.errors} errors`,
          );
          return s;
        },
      },
      { log: ctx.log },
    );
    const errors = [...values.router, ...values.direct].reduce((a, s) => a + s.errors, 0);
    if (errors > 0)
      throw new Error(
        `${errors} errors under load: ${[...values.router, ...values.direct].find((s) => s.firstError)?.firstError}`,
      );
    const med = (xs: LoadSample[], f: (s: LoadSample) => number) => median(xs.map(f));
    const throughput =
      med(values.router, (s) => s.requestsPerSecond) /
      med(values.direct, (s) => s.requestsPerSecond);
    const p50 = med(values.router, (s) => s.p50Ms) / med(values.direct, (s) => s.p50Ms);
    const p99 = med(values.router, (s) => s.p99Ms) / med(values.direct, (s) => s.p99Ms);
    const side = (name: string, xs: LoadSample[]) =>
      `${name} ${med(xs, (s) => s.requestsPerSecond).toFixed(0)} req/s, p50 ${med(xs, (s) => s.p50Ms).toFixed(2)} ms, p99 ${med(xs, (s) => s.p99Ms).toFixed(2)} ms`;
    return [
      {
        id: "13",
        title: "Scoring router overhead vs calling the deployment's Python process directly",
        goal: NO_GOAL,
        ratio: throughput,
        measured: `throughput ${times(throughput)}, p50 ${times(p50)}, p99 ${times(p99)}: ${side("router", values.router)}; ${side("direct", values.direct)}`,
        notes:
          `One deployment of the census model (trained by definitions/v2/census/src/train.py, served by score.py in the emulator's inference shim under ${python}, maxConcurrentRequestsPerInstance ${CONCURRENCY} so the router's gate never queues below the load). ` +
          `Router: POST {scoringUri} with the endpoint key (emulator in this process, key check, weighted choice over {blue: 100}, concurrency gate, keep-alive proxy to the shim, azureml-model-deployment header). Direct: POST /score on the shim's loopback port. ` +
          `Same ${bodies.length} one-row bodies in turn, ${CONCURRENCY} closed-loop keep-alive clients in a forked process (bench/execution/loadClient.ts), ${WARMUP_MS / 1000} s warm-up then a ${WINDOW_MS / 1000} s window; every answer checked (200 and "predictions"), 0 errors; ${ctx.rounds} interleaved rounds, medians. ` +
          `On ${os.cpus().length} shared cores the Python process (GIL, scikit-learn's predict_proba per call) is the bottleneck on both sides; the ratio is what the router adds on top of it.`,
        raw: { router: values.router, direct: values.direct },
      },
    ];
  } finally {
    await emulator.close();
    await azurite.stop();
  }
}
