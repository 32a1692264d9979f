/**
 * Workspaces and their datastores.
 *
 * A workspace PUT is long-running (`Azure-AsyncOperation`). Its storage account is
 * `properties.storageAccount` (an ARM id); the emulator knows the key of Azurite's development
 * account only, so with that account (or none: the development account is then used) it creates
 * the default datastores `workspaceblobstore` (container `azureml-blobstore-<workspace id>`) and
 * `workspaceartifactstore` (container `azureml`) and their containers. With another account the
 * caller PUTs those datastores itself, with their keys.
 *
 * Datastores are synchronous. GET never returns a key; `listSecrets` does. A PUT is validated
 * (the container must exist and the key open it) unless `?skipValidation=true`.
 */
import { randomUUID } from "node:crypto";
import type {
  DatastoreProperties,
  DatastoreSecrets,
  V2Resource,
  WorkspaceProperties,
} from "../../../contract/v2";
import { DEV_ACCOUNT, DEV_KEY } from "../../blob/blobIo";
import {
  ARTIFACT_CONTAINER,
  ARTIFACT_DATASTORE,
  DEFAULT_DATASTORE,
  NAME_PATTERN,
} from "../constants";
import { V2Errors } from "../errors";
import { childArmId, keyOf, workspaceArmId, type WorkspaceRef } from "../ids";
import type { DatastoreSecretsRecord, ProvisionedInternal, ResourceRecord } from "../store/records";
import {
  envelopeOf,
  isObject,
  listPage,
  nowIso,
  optionalString,
  requireWorkspace,
  requiredString,
  resourceBody,
  stringMap,
  viewOf,
  type V2Request,
  type V2Response,
  type V2Services,
} from "./common";

type WorkspaceRecord = ResourceRecord<unknown, ProvisionedInternal & { workspaceId: string }>;
type DatastoreRecord = ResourceRecord<DatastoreSecretsRecord>;

/** Handlers of workspaces and datastores. */
export class WorkspaceHandler {
  /** @param services - store, operations, blobs */
  constructor(private readonly services: V2Services) {}

  private workspaceView(
    record: WorkspaceRecord,
    request: V2Request,
  ): V2Resource<WorkspaceProperties> {
    const internal = record.internal!;
    return viewOf(record, {
      ...(record.body.properties as WorkspaceProperties),
      workspaceId: internal.workspaceId,
      provisioningState: internal.provisioningState,
      discoveryUrl: `${request.baseUrl}/discovery`,
      mlFlowTrackingUri: `azureml://${(record.body.location ?? "local").toLowerCase()}.api.azureml.ms/mlflow/v1.0${record.id}`,
    });
  }

  /**
   * PUT a workspace.
   * @param ws - its coordinates
   * @param body - `{location, properties, identity?, tags?, sku?}`
   * @param request - request facts
   */
  putWorkspace(ws: WorkspaceRef, body: unknown, request: V2Request): V2Response {
    if (!NAME_PATTERN.test(ws.workspace))
      throw V2Errors.invalidName(
        "workspace",
        ws.workspace,
        "letters, digits, '-' and '_', starting with a letter or digit",
      );
    const { properties, rest } = resourceBody(body);
    const envelope = envelopeOf(rest);
    if (!envelope.location) throw V2Errors.invalidValue("location", "is required, e.g. westeurope");
    const storageAccount = optionalString(properties.storageAccount, "properties.storageAccount");
    const key = keyOf(workspaceArmId(ws));
    const existing = this.services.store.get(key) as WorkspaceRecord | undefined;
    if (existing) {
      this.services.operations.assertFree(key, `workspace ${existing.name}`);
      const before = (existing.body.properties as WorkspaceProperties).storageAccount;
      if (
        storageAccount !== undefined &&
        before !== undefined &&
        before.toLowerCase() !== storageAccount.toLowerCase()
      )
        throw V2Errors.cannotChange("properties.storageAccount");
    }
    const now = nowIso();
    const stored: Record<string, unknown> = {};
    for (const member of [
      "friendlyName",
      "description",
      "storageAccount",
      "keyVault",
      "applicationInsights",
      "containerRegistry",
    ]) {
      const value = optionalString(properties[member], `properties.${member}`);
      if (value !== undefined) stored[member] = value;
    }
    const record: WorkspaceRecord = this.services.store.put({
      key,
      id: existing?.id ?? workspaceArmId(ws),
      kind: "workspaces",
      name: existing?.name ?? ws.workspace,
      parent: "",
      workspace: existing?.workspace ?? ws,
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
      seq: existing?.seq ?? 0,
      body: { ...envelope, properties: stored },
      internal: {
        workspaceId: existing?.internal?.workspaceId ?? randomUUID(),
        provisioningState: existing ? "Updating" : "Creating",
      },
    });
    const operation = this.services.operations.begin({
      resourceKey: key,
      resourceId: record.id,
      lockKey: key,
      subscriptionId: ws.subscriptionId,
      location: envelope.location,
      kind: existing ? "update" : "create",
      work: async () => {
        await this.createDefaultDatastores(record);
        this.setWorkspaceState(key, "Succeeded");
      },
      onFailure: () => this.setWorkspaceState(key, "Failed"),
    });
    return {
      status: existing ? 200 : 201,
      body: this.workspaceView(record, request),
      headers: this.services.operations.asyncHeaders(request, operation),
    };
  }

  private setWorkspaceState(key: string, state: ProvisionedInternal["provisioningState"]): void {
    const record = this.services.store.get(key) as WorkspaceRecord | undefined;
    if (!record?.internal) return;
    this.services.store.put({
      ...record,
      internal: { ...record.internal, provisioningState: state },
    });
  }

  /** The default datastores, on the development account (the only key the emulator knows). */
  private async createDefaultDatastores(workspace: WorkspaceRecord): Promise<void> {
    const account = (workspace.body.properties as WorkspaceProperties).storageAccount;
    const accountName =
      account
        ?.split("/")
        .filter((p) => p !== "")
        .at(-1) ?? DEV_ACCOUNT;
    if (accountName.toLowerCase() !== DEV_ACCOUNT) {
      this.services.logger.info(
        `workspace ${workspace.name}: storage account ${accountName} is not Azurite's development account; PUT its datastores with their keys`,
      );
      return;
    }
    const ws = workspace.workspace;
    const defaults: [string, string][] = [
      [DEFAULT_DATASTORE, `azureml-blobstore-${workspace.internal!.workspaceId}`],
      [ARTIFACT_DATASTORE, ARTIFACT_CONTAINER],
    ];
    for (const [name, container] of defaults) {
      const key = keyOf(childArmId(ws, ["datastores", name]));
      if (!this.services.store.get(key)) {
        const now = nowIso();
        this.services.store.put<DatastoreSecretsRecord, unknown>({
          key,
          id: childArmId(ws, ["datastores", name]),
          kind: "datastores",
          name,
          parent: workspace.key,
          workspace: ws,
          createdAt: now,
          modifiedAt: now,
          seq: 0,
          body: {
            properties: {
              datastoreType: "AzureBlob",
              accountName: DEV_ACCOUNT,
              containerName: container,
              endpoint: "core.windows.net",
              protocol: "https",
              credentials: { credentialsType: "AccountKey" },
            },
          },
          secrets: { accountKey: DEV_KEY },
        });
      }
      await this.services.blobs.ensureContainer(this.services.blobs.inDatastore(ws, name, ""));
    }
  }

  /**
   * GET a workspace.
   * @param ws - its coordinates
   * @param request - request facts
   */
  getWorkspace(ws: WorkspaceRef, request: V2Request): V2Response {
    return {
      status: 200,
      body: this.workspaceView(requireWorkspace(this.services, ws) as WorkspaceRecord, request),
    };
  }

  /**
   * DELETE a workspace with everything in it (jobs are stopped, deployments' containers too).
   * @param ws - its coordinates
   * @param request - request facts
   */
  deleteWorkspace(ws: WorkspaceRef, request: V2Request): V2Response {
    const key = keyOf(workspaceArmId(ws));
    const record = this.services.store.get(key) as WorkspaceRecord | undefined;
    if (!record) return { status: 204 };
    this.services.operations.assertFree(key, `workspace ${record.name}`);
    const operation = this.services.operations.begin({
      resourceKey: key,
      resourceId: record.id,
      lockKey: key,
      subscriptionId: ws.subscriptionId,
      location: record.body.location ?? "local",
      kind: "delete",
      work: async () => {
        for (const job of this.services.store.list(key, "jobs").items)
          await this.services.jobs.stop(job.key, "its workspace was deleted");
        for (const endpoint of this.services.store.list(key, "onlineEndpoints").items)
          for (const deployment of this.services.store.list(
            endpoint.key,
            "onlineEndpoints/deployments",
          ).items)
            await this.services.hosts.remove(deployment.key);
        this.services.store.deleteTree(key);
      },
    });
    return { status: 202, headers: this.services.operations.locationHeaders(request, operation) };
  }

  // ------------------------------------------------------------------------------------------
  // Datastores
  // ------------------------------------------------------------------------------------------

  private datastoreView(record: DatastoreRecord): V2Resource<DatastoreProperties> {
    const props = record.body.properties as unknown as DatastoreProperties;
    const credentials = { credentialsType: props.credentials.credentialsType };
    return viewOf(record, {
      ...props,
      credentials,
      isDefault: record.name.toLowerCase() === DEFAULT_DATASTORE,
    });
  }

  /**
   * PUT a datastore (AzureBlob).
   * @param ws - the workspace
   * @param name - the datastore name
   * @param body - `{properties: {datastoreType, accountName, containerName, credentials, ...}}`
   * @param request - request facts (`skipValidation`)
   */
  async putDatastore(
    ws: WorkspaceRef,
    name: string,
    body: unknown,
    request: V2Request,
  ): Promise<V2Response> {
    const workspace = requireWorkspace(this.services, ws);
    if (!NAME_PATTERN.test(name))
      throw V2Errors.invalidName("datastore", name, "letters, digits, '-' and '_'");
    const { properties } = resourceBody(body);
    if (properties.datastoreType !== "AzureBlob")
      throw V2Errors.invalidValue(
        "properties.datastoreType",
        `only AzureBlob datastores are emulated, got ${JSON.stringify(properties.datastoreType)}`,
      );
    const accountName = requiredString(
      properties.accountName,
      "properties.accountName",
      "the storage account name",
    );
    const containerName = requiredString(
      properties.containerName,
      "properties.containerName",
      "the blob container",
    );
    const credentials = properties.credentials;
    if (!isObject(credentials))
      throw V2Errors.invalidValue(
        "properties.credentials",
        "is required: {credentialsType: 'AccountKey', secrets: {secretsType: 'AccountKey', key}}",
      );
    const credentialsType = credentials.credentialsType;
    if (credentialsType !== "AccountKey" && credentialsType !== "Sas" && credentialsType !== "None")
      throw V2Errors.invalidValue(
        "properties.credentials.credentialsType",
        "the emulator supports AccountKey, Sas and None",
      );
    const key = keyOf(childArmId(ws, ["datastores", name]));
    const existing = this.services.store.get<DatastoreSecretsRecord>(key);
    const secretsIn = isObject(credentials.secrets) ? credentials.secrets : {};
    let secrets: DatastoreSecretsRecord = {};
    if (credentialsType === "AccountKey") {
      const sent = optionalString(secretsIn.key, "properties.credentials.secrets.key");
      const accountKey = sent ?? existing?.secrets?.accountKey;
      if (!accountKey)
        throw V2Errors.invalidValue(
          "properties.credentials.secrets.key",
          "is required for AccountKey credentials",
        );
      secrets = { accountKey };
    } else if (credentialsType === "Sas") {
      const sasToken =
        optionalString(secretsIn.sasToken, "properties.credentials.secrets.sasToken") ??
        existing?.secrets?.sasToken;
      if (!sasToken)
        throw V2Errors.invalidValue(
          "properties.credentials.secrets.sasToken",
          "is required for Sas credentials",
        );
      secrets = { sasToken };
    }
    const skipValidation = (request.query.skipValidation ?? "").toLowerCase() === "true";
    if (!skipValidation && secrets.accountKey) {
      const problem = await this.services.blobs.containerReachable({
        account: this.services.blobs.account(accountName, secrets.accountKey),
        container: containerName,
        path: "",
        datastore: name,
      });
      if (problem) throw V2Errors.datastoreValidation(name, problem);
    }
    const now = nowIso();
    const stored = {
      datastoreType: "AzureBlob",
      accountName,
      containerName,
      endpoint: optionalString(properties.endpoint, "properties.endpoint") ?? "core.windows.net",
      protocol: optionalString(properties.protocol, "properties.protocol") ?? "https",
      credentials: { credentialsType },
      ...(typeof properties.description === "string"
        ? { description: properties.description }
        : {}),
      ...(stringMap(properties.tags, "properties.tags")
        ? { tags: stringMap(properties.tags, "properties.tags") }
        : {}),
      ...(stringMap(properties.properties, "properties.properties")
        ? { properties: stringMap(properties.properties, "properties.properties") }
        : {}),
    };
    const record = this.services.store.put<DatastoreSecretsRecord, unknown>({
      key,
      id: existing?.id ?? childArmId(ws, ["datastores", name]),
      kind: "datastores",
      name: existing?.name ?? name,
      parent: workspace.key,
      workspace: ws,
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
      seq: existing?.seq ?? 0,
      body: { properties: stored },
      secrets,
    });
    return { status: existing ? 200 : 201, body: this.datastoreView(record) };
  }

  private requireDatastore(ws: WorkspaceRef, name: string): DatastoreRecord {
    requireWorkspace(this.services, ws);
    const record = this.services.store.get<DatastoreSecretsRecord>(
      keyOf(childArmId(ws, ["datastores", name])),
    );
    if (!record) throw V2Errors.notFound(`Datastore ${name}`, `workspace ${ws.workspace}`);
    return record;
  }

  /**
   * GET a datastore (without its secrets).
   * @param ws - the workspace
   * @param name - the datastore
   */
  getDatastore(ws: WorkspaceRef, name: string): V2Response {
    return { status: 200, body: this.datastoreView(this.requireDatastore(ws, name)) };
  }

  /**
   * DELETE a datastore (the blobs stay).
   * @param ws - the workspace
   * @param name - the datastore
   */
  deleteDatastore(ws: WorkspaceRef, name: string): V2Response {
    requireWorkspace(this.services, ws);
    const key = keyOf(childArmId(ws, ["datastores", name]));
    if (!this.services.store.get(key)) return { status: 204 };
    this.services.store.delete(key);
    return { status: 200 };
  }

  /**
   * List datastores (`isDefault=true` keeps the default one).
   * @param ws - the workspace
   * @param request - request facts
   */
  listDatastores(ws: WorkspaceRef, request: V2Request): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    const onlyDefault = (request.query.isDefault ?? "").toLowerCase() === "true";
    return listPage(
      this.services,
      workspace.key,
      "datastores",
      request,
      (record) => this.datastoreView(record as DatastoreRecord),
      (record) => !onlyDefault || record.name.toLowerCase() === DEFAULT_DATASTORE,
    );
  }

  /**
   * `POST …/listSecrets`.
   * @param ws - the workspace
   * @param name - the datastore
   */
  listSecrets(ws: WorkspaceRef, name: string): V2Response<DatastoreSecrets> {
    const record = this.requireDatastore(ws, name);
    if (record.secrets?.accountKey)
      return { status: 200, body: { secretsType: "AccountKey", key: record.secrets.accountKey } };
    if (record.secrets?.sasToken)
      return { status: 200, body: { secretsType: "Sas", sasToken: record.secrets.sasToken } };
    throw V2Errors.invalidValue("credentials", `datastore ${name} has no secrets`);
  }
}
