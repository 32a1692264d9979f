/**
 * Pure logic of the `ClassicWebService` provider: `check`, `diff`, and the trained-model
 * resource name of a definition. No I/O.
 */
import { createHash } from "node:crypto";
import type { WebServiceProperties } from "../../contract";
import { requiredStrings, type FieldFailure } from "../shared/checks";
import { transformRefFailures } from "../shared/transforms";
import { canonicalJson, containsUnknown, differs } from "../shared/values";
import type { ClassicWebServiceInputs, ClassicWebServiceOutputs } from "./types";

/** Fields whose change means another classic web service. */
export const IDENTITY_FIELDS = ["mode", "endpoint", "workspaceId", "webServiceId"] as const;

/** Fields a republish (or, for a referenced service, a new description) takes in place. */
export const UPDATABLE_FIELDS = [
  "name",
  "description",
  "definition",
  "trainedModel",
  "trainedTransforms",
  "resourceName",
  "token",
  "storageConnectionString",
] as const;

/**
 * The identity fields `news` changes from `olds` (the inputs of the last run; empty on a create,
 * and in the engine's second check of a replacement), known values only.
 */
export function replacingFields(
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
): string[] {
  if (Object.keys(olds).length === 0) return [];
  return IDENTITY_FIELDS.filter(
    (f) => olds[f] !== undefined && !containsUnknown(news[f]) && differs(olds[f], news[f]),
  );
}

/** Why a replacement is refused, and how to do it on purpose. */
export function replacementRefusal(field: string, from: unknown, to: unknown): string {
  return (
    `changing ${field} from ${JSON.stringify(from)} to ${JSON.stringify(to)} replaces the classic web service: ` +
    "every endpoint under it is deleted and created again under the new one, and each consumer gets new keys. " +
    "To do it on purpose, set allowReplacement (azureml-retrain:services.allowClassicReplacement in the stack config) " +
    "to true for that up, then give the consumers their new keys"
  );
}

/**
 * The failures of `check`: a change that would replace the service is refused unless
 * `allowReplacement` is set.
 */
export function checkClassicWebService(
  news: Readonly<Record<string, unknown>>,
  olds: Readonly<Record<string, unknown>> = {},
): FieldFailure[] {
  const failures: FieldFailure[] = [];
  if (news.allowReplacement !== true) {
    for (const f of replacingFields(olds, news)) {
      failures.push({ property: f, reason: replacementRefusal(f, olds[f], news[f]) });
    }
  }
  if (news.mode !== "reference" && news.mode !== "publish") {
    failures.push({
      property: "mode",
      reason: 'must be "reference" (Azure) or "publish" (emulator)',
    });
  }
  failures.push(...requiredStrings(news, ["endpoint", "workspaceId", "webServiceId", "token"]));
  failures.push(...transformRefFailures(news.trainedTransforms));
  if (
    news.mode === "publish" &&
    (typeof news.definition !== "object" || news.definition === null)
  ) {
    failures.push({
      property: "definition",
      reason: "publish mode needs the predictive definition's properties",
    });
  }
  return failures;
}

/** Diff of a classic web service: a new identity replaces (the old one first), the rest updates. */
export function diffClassicWebService(
  olds: Partial<ClassicWebServiceOutputs>,
  news: Partial<ClassicWebServiceInputs>,
): { changes: boolean; replaces: string[]; updates: string[]; deleteBeforeReplace: boolean } {
  const replaces = IDENTITY_FIELDS.filter((f) => differs(olds[f], news[f]));
  const updates = UPDATABLE_FIELDS.filter((f) => differs(olds[f], news[f]));
  return {
    changes: replaces.length + updates.length > 0,
    replaces: [...replaces],
    updates: [...updates],
    deleteBeforeReplace: replaces.length > 0,
  };
}

/** The name of a definition's trained-model asset (the one ending in "[trained model]"). */
export function trainedModelResourceName(definition: WebServiceProperties): string {
  const asset = Object.values(definition.assets ?? {}).find(
    (a) => a.type === "Resource" && /\[trained model\]\s*$/i.test(a.name),
  );
  if (!asset) throw new Error('the definition has no asset whose name ends in "[trained model]"');
  return asset.name;
}

/**
 * The content hash of a definition to publish (SHA-256 of its canonical JSON), added to the
 * inputs by `check`; undefined for a referenced service or a definition not known yet. Endpoints
 * take it as an input: a new hash means a republished graph, which a non-default endpoint only
 * serves once refreshed.
 */
export function definitionSha256(news: Readonly<Record<string, unknown>>): string | undefined {
  const definition = news.definition;
  if (news.mode !== "publish" || typeof definition !== "object" || definition === null) {
    return undefined;
  }
  if (containsUnknown(definition)) return undefined;
  return createHash("sha256").update(canonicalJson(definition)).digest("hex");
}
