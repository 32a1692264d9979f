/**
 * What a stage does against the services: reads the candidate's held-out scores, scores them
 * through each endpoint's RRS, repoints an endpoint (to the candidate on a retry, back to its
 * previous model on a failure; with the transformations trained with that model, in the same
 * PATCH) and reads what each endpoint serves.
 *
 * Every line it prints is built from names, model URIs (no SAS), counts and times: never a key.
 */
import { performance } from "node:perf_hooks";
import {
  ArmWebServicesClient,
  findTrainedModelAsset,
  reportedAssetUris,
  reportedModelUri,
  withAssetUris,
} from "../../clients/arm";
import { ClassicManagementClient, endpointModelUri } from "../../clients/classic";
import { credentialFor } from "../../clients/http";
import { redactSecrets } from "../../clients/redact";
import { RrsClient } from "../../clients/rrs";
import { sleep } from "../../clients/sleep";
import {
  blobService,
  downloadText,
  parseConnectionString,
  splitRelativeLocation,
} from "../../clients/storage";
import { locationWithFreshSas, type ModelRef } from "../shared/sas";
import {
  disagreements,
  p99,
  sampleReference,
  servesPair,
  type EndpointCheck,
  type FailedCall,
  type PairTarget,
  type ReferenceRow,
  type ServedPair,
} from "./logic";
import type { RolloutStageInputs, StageEndpoint } from "./types";

/** Endpoints a stage checks at once. */
export const STAGE_CHECK_CONCURRENCY = 8;

/** Reads the candidate's held-out scores and picks the check's sample. */
export async function loadSample(inputs: RolloutStageInputs): Promise<ReferenceRow[]> {
  const { container, blobName } = splitRelativeLocation(inputs.candidate.heldOutScores);
  const blob = blobService(inputs.storageConnectionString)
    .getContainerClient(container)
    .getBlobClient(blobName);
  let text: string;
  try {
    text = await downloadText(blob);
  } catch (e) {
    throw new Error(
      `the held-out scores of model ${inputs.candidate.version} (${inputs.candidate.heldOutScores}) cannot be read: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return sampleReference(text, inputs.scoring.inputColumns, inputs.check.sampleRows);
}

/** Runs `work` on every item, at most `limit` at once; results in order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Scores the sample through one endpoint, `rowsPerCall` rows a call, one attempt per call (a
 * stage is judged as a consumer's first attempt finds it), and compares with the candidate.
 */
export async function checkEndpoint(
  inputs: RolloutStageInputs,
  endpoint: StageEndpoint,
  sample: readonly ReferenceRow[],
): Promise<EndpointCheck> {
  const key = inputs.keys[endpoint.name];
  const rrs = new RrsClient(endpoint.executionUrl, key, {
    retry: { maxRetries: 0 },
    timeoutMs: Math.max(inputs.check.maxP99Ms * 4, 10_000),
  });
  const size = inputs.check.rowsPerCall;
  const failedCalls: FailedCall[] = [];
  const latencies: number[] = [];
  const found = [];
  let calls = 0;
  for (let start = 0; start < sample.length; start += size) {
    const rows = sample.slice(start, start + size);
    calls++;
    const began = performance.now();
    try {
      const results = await rrs.executeRows({
        [inputs.scoring.inputPort]: rows.map((r) => r.features),
      });
      latencies.push(performance.now() - began);
      const scored = Object.values(results).find((table) => Array.isArray(table)) ?? [];
      found.push(...disagreements(rows, scored, inputs.check.tolerance));
    } catch (e) {
      latencies.push(performance.now() - began);
      failedCalls.push({
        call: calls,
        rows: rows.map((r) => r.row),
        // The endpoint is named already: its URL is left out of each call's error.
        error: redactSecrets((e as Error).message, [key]).replace(/^[A-Z]+ \S+ failed: /, ""),
      });
    }
  }
  return {
    endpoint: endpoint.name,
    calls,
    failedCalls,
    rowsChecked: sample.length,
    disagreements: found,
    p99Ms: Math.round(p99(latencies)),
  };
}

/** A model URI in the model storage as a location a classic PATCH can take a SAS for. */
function refOf(uri: string, storageConnectionString: string): ModelRef {
  const { blobEndpoint } = parseConnectionString(storageConnectionString);
  if (!uri.startsWith(`${blobEndpoint}/`)) {
    throw new Error(`${uri} is not in the stack's model storage: no SAS can be minted for it`);
  }
  return { baseLocation: `${blobEndpoint}/`, relativeLocation: uri.slice(blobEndpoint.length + 1) };
}

/**
 * What an endpoint serves now (model URI and the named transformations, no SAS), or undefined
 * when it does not exist.
 * @param names - the "[transform]" resources (or assets) to read beside the model
 */
export async function servedPair(
  inputs: RolloutStageInputs,
  endpoint: StageEndpoint,
  names: readonly string[],
): Promise<ServedPair | undefined> {
  if (endpoint.kind === "classic") {
    const current = await new ClassicManagementClient(inputs.workspaceToken ?? "").getEndpoint(
      endpoint.management,
      endpoint.name,
    );
    if (!current) return undefined;
    const transforms: Record<string, string> = {};
    for (const name of names) {
      const uri = endpointModelUri(current, name);
      if (uri !== undefined) transforms[name] = uri;
    }
    return { model: endpointModelUri(current, endpoint.resourceName), transforms };
  }
  const service = await new ArmWebServicesClient(credentialFor(inputs.armToken)).get(
    endpoint.service,
  );
  if (!service) return undefined;
  return {
    model: reportedModelUri(service, endpoint.assetName),
    transforms: reportedAssetUris(service, names),
  };
}

/** What an endpoint serves now (its model URI, no SAS), or undefined. */
export async function servedBy(
  inputs: RolloutStageInputs,
  endpoint: StageEndpoint,
): Promise<string | undefined> {
  return (await servedPair(inputs, endpoint, []))?.model;
}

/**
 * Repoints an endpoint to a model and its transformations in one PATCH (the shape the endpoint's
 * own resource uses), and reads until it reports both (up to `waitMs`). Returns whether it did.
 */
export async function repoint(
  inputs: RolloutStageInputs,
  endpoint: StageEndpoint,
  target: PairTarget,
  waitMs = 60_000,
): Promise<boolean> {
  if (endpoint.kind === "classic") {
    const uris: Record<string, string> = {
      [endpoint.resourceName]: target.model,
      ...target.transforms,
    };
    await new ClassicManagementClient(inputs.workspaceToken ?? "").patchEndpoint(
      endpoint.management,
      endpoint.name,
      {
        Resources: Object.entries(uris).map(([name, uri]) => ({
          Name: name,
          Location: locationWithFreshSas(
            refOf(uri, inputs.storageConnectionString),
            inputs.storageConnectionString,
          ),
        })),
      },
    );
  } else {
    const client = new ArmWebServicesClient(credentialFor(inputs.armToken));
    const current = await client.get(endpoint.service);
    if (!current) throw new Error(`the predictive service ${endpoint.service.name} does not exist`);
    const { assetId, asset } = findTrainedModelAsset(current.properties, endpoint.assetName);
    const assets = withAssetUris(
      {
        assets: {
          ...current.properties.assets,
          [assetId]: { ...asset, locationInfo: { ...asset.locationInfo, uri: target.model } },
        },
      },
      target.transforms,
    );
    await client.patch(endpoint.service, { properties: { packageType: "Graph", assets } });
  }
  const names = Object.keys(target.transforms);
  const deadline = Date.now() + waitMs;
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    if (servesPair(await servedPair(inputs, endpoint, names), target)) return true;
    if (Date.now() > deadline) return false;
    await sleep(wait);
  }
}
