/**
 * Pure logic of the ARM web service provider: `check`, `diff`, and the PUT body. No I/O.
 */
import { findTrainedModelAsset, withAssetUris } from "../../clients/arm";
import type { ArmWebService, WebServiceProperties } from "../../contract";
import { limitFailures, requiredStrings, type FieldFailure } from "../shared/checks";
import { webServiceName } from "../shared/limits";
import { containsUnknown, differs } from "../shared/values";
import type { WebServiceInputs, WebServiceOutputs } from "./types";

/** Fields whose change needs a new service (ARM names and immutable members). */
export const IDENTITY_FIELDS = [
  "role",
  "endpoint",
  "subscriptionId",
  "resourceGroup",
  "name",
  "location",
  "commitmentPlanId",
] as const;

/** The failures of `check`. */
export function checkWebService(news: Readonly<Record<string, unknown>>): FieldFailure[] {
  const failures: FieldFailure[] = [...limitFailures(webServiceName(), news.name, "name")];
  failures.push(
    ...requiredStrings(news, [
      "endpoint",
      "subscriptionId",
      "resourceGroup",
      "location",
      "workspaceId",
    ]),
  );
  const storage = news.storageAccount as { name?: unknown; key?: unknown } | undefined;
  if (
    !containsUnknown(storage) &&
    (typeof storage?.name !== "string" || typeof storage?.key !== "string")
  ) {
    failures.push({
      property: "storageAccount",
      reason: "needs { name, key } of the service's storage account",
    });
  }
  const definition = news.definition as WebServiceProperties | undefined;
  if (!definition || typeof definition !== "object" || definition.packageType !== "Graph") {
    failures.push({
      property: "definition",
      reason: 'must be the "properties" of an exported Graph web service definition',
    });
  } else if (news.role === "predictive") {
    try {
      findTrainedModelAsset(
        definition,
        typeof news.trainedModelAssetName === "string" ? news.trainedModelAssetName : undefined,
      );
    } catch (e) {
      failures.push({ property: "definition", reason: (e as Error).message });
    }
    const uri = news.trainedModelUri;
    if (
      uri !== undefined &&
      !containsUnknown(uri) &&
      (typeof uri !== "string" || !/^https?:\/\/[^?]+$/.test(uri))
    ) {
      failures.push({
        property: "trainedModelUri",
        reason: `must be the model blob's http(s) URI without a SAS query, got ${JSON.stringify(uri)}`,
      });
    }
    failures.push(...transformFailures(definition, news.trainedTransformUris));
  }
  if (news.role !== "training" && news.role !== "predictive") {
    failures.push({ property: "role", reason: 'must be "training" or "predictive"' });
  }
  return failures;
}

/** The failures of `trainedTransformUris`: "[transform]" assets of the definition, plain URIs. */
function transformFailures(definition: WebServiceProperties, value: unknown): FieldFailure[] {
  if (value === undefined || containsUnknown(value)) return [];
  const property = "trainedTransformUris";
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return [{ property, reason: 'must map each "[transform]" asset name to a blob URI' }];
  const names = Object.values(definition.assets ?? {}).map((a) => a.name);
  const failures: FieldFailure[] = [];
  for (const [name, uri] of Object.entries(value)) {
    if (!name.endsWith("[transform]") || !names.includes(name))
      failures.push({
        property,
        reason: `"${name}" is not a "[transform]" asset of the definition (its assets: ${
          names
            .filter((n) => n.endsWith("[transform]"))
            .map((n) => `"${n}"`)
            .join(", ") || "none"
        })`,
      });
    else if (!containsUnknown(uri) && (typeof uri !== "string" || !/^https?:\/\/[^?]+$/.test(uri)))
      failures.push({
        property,
        reason: `"${name}" must be a transformation blob's http(s) URI without a SAS query, got ${JSON.stringify(uri)}`,
      });
  }
  return failures;
}

/** The full PUT body for the declared service. */
export function serviceBody(inputs: WebServiceInputs): ArmWebService {
  const properties: WebServiceProperties = {
    ...inputs.definition,
    ...(inputs.title ? { title: inputs.title } : {}),
    packageType: "Graph",
    storageAccount: { name: inputs.storageAccount.name, key: inputs.storageAccount.key },
    machineLearningWorkspace: { id: inputs.workspaceId },
    ...(inputs.commitmentPlanId ? { commitmentPlan: { id: inputs.commitmentPlanId } } : {}),
  };
  if (inputs.role === "predictive" && inputs.trainedModelUri !== undefined) {
    const { assetId, asset } = findTrainedModelAsset(properties, inputs.trainedModelAssetName);
    properties.assets = {
      ...properties.assets,
      [assetId]: { ...asset, locationInfo: { ...asset.locationInfo, uri: inputs.trainedModelUri } },
    };
    if (inputs.trainedTransformUris)
      properties.assets = withAssetUris(properties, inputs.trainedTransformUris);
  }
  return {
    location: inputs.location,
    ...(inputs.tags ? { tags: { ...inputs.tags } } : {}),
    properties,
  };
}

/** Diff of an ARM web service: which fields replace, which update. */
export function diffWebService(
  olds: Partial<WebServiceOutputs>,
  news: Partial<WebServiceInputs>,
): { changes: boolean; replaces: string[]; updates: string[] } {
  const replaces: string[] = IDENTITY_FIELDS.filter((f) => differs(olds[f], news[f]));
  // ARM refuses another storage account (CannotChangeStorageAccount): a new service is needed.
  if (differs(olds.storageAccount?.name, news.storageAccount?.name))
    replaces.push("storageAccount.name");
  const updates: string[] = [];
  if (differs(olds.definition, news.definition)) updates.push("definition");
  for (const f of ["title", "tags", "workspaceId", "token", "trainedModelAssetName"] as const) {
    if (differs(olds[f], news[f])) updates.push(f);
  }
  if (
    !replaces.includes("storageAccount.name") &&
    differs(olds.storageAccount?.key, news.storageAccount?.key)
  ) {
    updates.push("storageAccount.key");
  }
  if (news.role === "predictive") {
    // Compare with what the service *serves* (refreshed by read), so hand-made drift is repaired.
    const served = olds.servedModelUri ?? olds.trainedModelUri;
    if (differs(served, news.trainedModelUri)) updates.push("trainedModelUri");
    // Same for the transformations set with the model (by what the service reported).
    const servedTransforms = olds.servedTransformUris ?? olds.trainedTransformUris;
    if (differs(servedTransforms ?? {}, news.trainedTransformUris ?? {}))
      updates.push("trainedTransformUris");
  }
  return { changes: replaces.length + updates.length > 0, replaces, updates };
}

/**
 * The provider's diff answer. A replacement that keeps the ARM id (only location, role, plan or
 * storage account changed) deletes the old service first, or the create would find the name
 * taken.
 */
export function webServiceDiffAnswer(
  olds: Partial<WebServiceOutputs>,
  news: Partial<WebServiceInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const { changes, replaces } = diffWebService(olds, news);
  const sameId = !["endpoint", "subscriptionId", "resourceGroup", "name"].some((f) =>
    replaces.includes(f),
  );
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && sameId };
}
