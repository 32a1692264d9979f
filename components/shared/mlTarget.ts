import { credentialFor } from "../../clients/http";
import { MlClient, workspaceId, type MlWorkspaceRef } from "../../clients/v2";
import type { FieldFailure } from "./checks";
import { limitFailures, requiredStrings } from "./checks";
import { mlName } from "./limits";
import { UNKNOWN } from "./values";

/**
 * What every v2 provider is given to reach its workspace, and where it stores blobs: the
 * workspace (ARM endpoint, subscription, resource group, name), the emulator's ARM token (absent
 * on Azure: Entra ID is used), and the default datastore's container with a connection string.
 */

/** A v2 workspace and how to authenticate to it. */
export interface MlTarget extends MlWorkspaceRef {
  /** Static ARM token (the emulator); absent on Azure. Secret. */
  readonly token?: string;
}

/** The workspace's default datastore, for uploads and for reading job outputs. */
export interface MlDatastore {
  /** Datastore name (`workspaceblobstore`). */
  readonly name: string;
  /** Its container. */
  readonly container: string;
  /** The container of job artifacts (`workspaceartifactstore`: logs). */
  readonly artifactContainer: string;
  /** Connection string of the storage account (secret). */
  readonly connectionString: string;
}

/** A client of the target's workspace. */
export function mlClient(target: MlTarget): MlClient {
  return new MlClient(
    {
      endpoint: target.endpoint,
      subscriptionId: target.subscriptionId,
      resourceGroup: target.resourceGroup,
      workspace: target.workspace,
    },
    credentialFor(target.token),
  );
}

/**
 * The check failures of a target (`property` names it, e.g. `workspace`). In the preview of a new
 * stack the target is not known yet (it waits on the workspace's creation): nothing to check then.
 */
export function checkTarget(target: unknown, property: string): FieldFailure[] {
  if (target === UNKNOWN) return [];
  if (typeof target !== "object" || target === null)
    return [
      { property, reason: "is required: { endpoint, subscriptionId, resourceGroup, workspace }" },
    ];
  const t = target as Record<string, unknown>;
  return [
    ...requiredStrings(
      t,
      ["endpoint", "subscriptionId", "resourceGroup"],
      "is required",
      `${property}.`,
    ),
    ...limitFailures(mlName("workspace"), t.workspace, `${property}.workspace`),
  ];
}

/** The identity of a target (a change of it means another workspace: a replacement). */
export function targetKey(target: Partial<MlTarget> | undefined): string {
  return [target?.endpoint, target?.subscriptionId, target?.resourceGroup, target?.workspace]
    .map((v) => String(v ?? "").toLowerCase())
    .join("|");
}

/**
 * The ARM id of a path under the target's workspace (`/models/census/versions/3`): known from the
 * inputs, so `check` can put it in them and a preview shows it to dependents.
 */
export function armIdOf(target: MlTarget, path: string): string {
  return `${workspaceId(target)}${path}`;
}
