/**
 * What the v2 surface remembers. Every resource is one {@link ResourceRecord}: its envelope as
 * GET shows it (minus the computed members), the secrets GET never shows, and internal state.
 * Plain JSON, so one table holds every kind and a new field needs no migration.
 */
import type { V2JobStatus, V2ProvisioningState } from "../../../contract/v2";
import type { ResourceKind, WorkspaceRef } from "../ids";

/** The stored envelope of a resource (what PUT set, normalised). */
export interface StoredBody {
  readonly properties: Record<string, unknown>;
  readonly location?: string;
  readonly tags?: Record<string, string>;
  readonly identity?: Record<string, unknown>;
  readonly kind?: string;
  readonly sku?: Record<string, unknown>;
}

/** One resource of the v2 surface. */
export interface ResourceRecord<S = unknown, I = unknown> {
  /** Lower-cased ARM id. */
  readonly key: string;
  /** ARM id as first created (names keep their case). */
  readonly id: string;
  readonly kind: ResourceKind;
  readonly name: string;
  /** Key of the parent (the workspace, the container, the endpoint); "" for a workspace. */
  readonly parent: string;
  /** The workspace the resource belongs to. */
  readonly workspace: WorkspaceRef;
  readonly createdAt: string;
  readonly modifiedAt: string;
  /** Creation order (assigned by the store). */
  readonly seq: number;
  readonly body: StoredBody;
  /** Secrets (datastore key, endpoint keys): never in a GET. */
  readonly secrets?: S;
  /** Internal state (job progress, deployment host facts). */
  readonly internal?: I;
}

/** Secrets of a datastore. */
export interface DatastoreSecretsRecord {
  readonly accountKey?: string;
  readonly sasToken?: string;
}

/** Secrets of an endpoint: its keys and the AML tokens it issued (with expiry, epoch ms). */
export interface EndpointSecretsRecord {
  readonly primaryKey: string;
  readonly secondaryKey: string;
  readonly tokens: readonly { readonly token: string; readonly expiresAt: number }[];
}

/** Internal state of a job. */
export interface JobInternal {
  readonly status: V2JobStatus;
  readonly startTime?: string;
  readonly endTime?: string;
  /** Why the job failed or was canceled (also the last line of its log). */
  readonly reason?: string;
  /** Outputs as resolved at submission (name → datastore URI). */
  readonly outputUris: Readonly<Record<string, string>>;
}

/** Internal state of an endpoint or deployment. */
export interface ProvisionedInternal {
  readonly provisioningState: V2ProvisioningState;
  /** The running operation, if any (one at a time per endpoint). */
  readonly operationId?: string;
}

/** A long-running operation. */
export interface OperationRecord {
  readonly id: string;
  /** Key of the resource it changes. */
  readonly resourceKey: string;
  /** Key of what it locks (the endpoint for endpoint and deployment writes). */
  readonly lockKey: string;
  readonly subscriptionId: string;
  readonly location: string;
  readonly kind: "create" | "update" | "delete" | "regenerateKeys" | "cancel";
  readonly status: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  readonly startTime: string;
  readonly endTime?: string;
  readonly error?: { readonly code: string; readonly message: string };
}
