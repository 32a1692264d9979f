/**
 * Command jobs. `PUT /jobs/{name}` creates and starts a job (201, `status: NotStarted`); a job
 * name runs once: PUT again with the same definition answers 200 (and may change description,
 * tags, displayName, properties and isArchived), with another definition 400. Outputs without a
 * `uri` get `azureml://datastores/workspaceblobstore/paths/azureml/<job>/<output>/`. GET adds
 * the system output `default` (the job's artifacts). Cancel and delete are long-running (202 +
 * `Location`).
 */
import type {
  CommandJobProperties,
  JobInput,
  JobOutput,
  V2JobStatus,
  V2Resource,
} from "../../../contract/v2";
import { ARTIFACT_DATASTORE, DEFAULT_DATASTORE, NAME_PATTERN } from "../constants";
import { V2Errors } from "../errors";
import { childArmId, keyOf, parseDuration, parseStorageUri, type WorkspaceRef } from "../ids";
import { placeholdersOf } from "../services/commandLine";
import type { JobInternal, ResourceRecord } from "../store/records";
import {
  firstDifference,
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

type JobRecord = ResourceRecord<unknown, JobInternal>;

const INPUT_TYPES = [
  "literal",
  "uri_file",
  "uri_folder",
  "mltable",
  "custom_model",
  "mlflow_model",
  "triton_model",
];
const INPUT_MODES = [
  "ReadOnlyMount",
  "ReadWriteMount",
  "Download",
  "Direct",
  "EvalMount",
  "EvalDownload",
];
const OUTPUT_TYPES = ["uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model"];
const OUTPUT_MODES = ["ReadWriteMount", "Upload", "Direct"];
/** What defines a job: a re-PUT that changes one of these is refused. */
const DEFINING = [
  "jobType",
  "command",
  "codeId",
  "environmentId",
  "computeId",
  "experimentName",
  "environmentVariables",
  "inputs",
  "outputs",
  "limits",
];
const TERMINAL: readonly V2JobStatus[] = ["Completed", "Failed", "Canceled"];

/** Handlers of command jobs. */
export class JobHandler {
  /** @param services - store, runner, operations */
  constructor(private readonly services: V2Services) {}

  private view(record: JobRecord): V2Resource<CommandJobProperties> {
    const props = record.body.properties as unknown as CommandJobProperties;
    const internal = record.internal!;
    return viewOf(record, {
      ...props,
      outputs: {
        ...(props.outputs ?? {}),
        default: {
          jobOutputType: "uri_folder",
          mode: "ReadWriteMount",
          uri: `azureml://datastores/${ARTIFACT_DATASTORE}/ExperimentRun/dcid.${record.name}`,
        },
      },
      status: internal.status,
      services: {
        Studio: { jobServiceType: "Studio", status: internal.status },
      },
    });
  }

  /** Validates and normalises a command job's properties. */
  private normalise(
    ws: WorkspaceRef,
    name: string,
    properties: Record<string, unknown>,
  ): CommandJobProperties {
    if (properties.jobType !== "Command")
      throw V2Errors.invalidValue(
        "properties.jobType",
        `only Command jobs are emulated, got ${JSON.stringify(properties.jobType)}`,
      );
    const command = requiredString(
      properties.command,
      "properties.command",
      "the command line, e.g. python train.py --data ${{inputs.data}}",
    );
    const environmentId = requiredString(
      properties.environmentId,
      "properties.environmentId",
      "an environment version (azureml:<name>:<version> or its ARM id)",
    );
    this.services.assets.resolve(ws, "environments", environmentId, "properties.environmentId");
    const codeId = optionalString(properties.codeId, "properties.codeId");
    if (codeId !== undefined)
      this.services.assets.resolve(ws, "codes", codeId, "properties.codeId");

    const inputs: Record<string, JobInput> = {};
    if (properties.inputs !== undefined && properties.inputs !== null) {
      if (!isObject(properties.inputs))
        throw V2Errors.invalidValue("properties.inputs", "must map input names to inputs");
      for (const [inputName, raw] of Object.entries(properties.inputs)) {
        if (raw === null) continue;
        const target = `properties.inputs.${inputName}`;
        if (!isObject(raw))
          throw V2Errors.invalidValue(target, "must be an object with jobInputType");
        const type = String(raw.jobInputType);
        if (!INPUT_TYPES.includes(type))
          throw V2Errors.invalidValue(
            `${target}.jobInputType`,
            `must be one of ${INPUT_TYPES.join(", ")}`,
          );
        if (type === "literal") {
          if (raw.value === undefined || raw.value === null)
            throw V2Errors.invalidValue(`${target}.value`, "is required for a literal input");
          inputs[inputName] = { jobInputType: "literal", value: String(raw.value) };
          continue;
        }
        const uri = requiredString(
          raw.uri,
          `${target}.uri`,
          "a datastore URI, an asset reference or a blob URL",
        );
        const parsed = parseStorageUri(uri, ws);
        if (typeof parsed === "string") throw V2Errors.invalidValue(`${target}.uri`, parsed);
        if (parsed.kind === "asset")
          this.services.assets.resolve(
            ws,
            ["custom_model", "mlflow_model", "triton_model"].includes(type) ? "models" : "data",
            uri,
            `${target}.uri`,
          );
        const mode = raw.mode ?? "ReadOnlyMount";
        if (!INPUT_MODES.includes(String(mode)))
          throw V2Errors.invalidValue(`${target}.mode`, `must be one of ${INPUT_MODES.join(", ")}`);
        inputs[inputName] = {
          jobInputType: type as JobInput["jobInputType"],
          uri,
          mode: mode as JobInput["mode"],
        };
      }
    }
    const outputs: Record<string, JobOutput> = {};
    if (properties.outputs !== undefined && properties.outputs !== null) {
      if (!isObject(properties.outputs))
        throw V2Errors.invalidValue("properties.outputs", "must map output names to outputs");
      for (const [outputName, raw] of Object.entries(properties.outputs)) {
        if (raw === null) continue;
        const target = `properties.outputs.${outputName}`;
        if (outputName.toLowerCase() === "default")
          throw V2Errors.invalidValue(
            target,
            "'default' is the job's system output; name yours otherwise",
          );
        if (!isObject(raw))
          throw V2Errors.invalidValue(target, "must be an object with jobOutputType");
        const type = String(raw.jobOutputType);
        if (!OUTPUT_TYPES.includes(type))
          throw V2Errors.invalidValue(
            `${target}.jobOutputType`,
            `must be one of ${OUTPUT_TYPES.join(", ")}`,
          );
        const mode = raw.mode ?? "ReadWriteMount";
        if (!OUTPUT_MODES.includes(String(mode)))
          throw V2Errors.invalidValue(
            `${target}.mode`,
            `must be one of ${OUTPUT_MODES.join(", ")}`,
          );
        let uri = optionalString(raw.uri, `${target}.uri`);
        if (uri === undefined) {
          uri = `azureml://datastores/${DEFAULT_DATASTORE}/paths/azureml/${name}/${outputName}/`;
        } else {
          const parsed = parseStorageUri(uri, ws);
          if (typeof parsed === "string" || parsed.kind !== "datastore")
            throw V2Errors.invalidValue(
              `${target}.uri`,
              "must be azureml://datastores/<datastore>/paths/<path>",
            );
        }
        outputs[outputName] = {
          jobOutputType: type as JobOutput["jobOutputType"],
          uri,
          mode: mode as JobOutput["mode"],
        };
      }
    }
    const placeholders = placeholdersOf(command);
    if (placeholders.unknown.length > 0)
      throw V2Errors.invalidValue(
        "properties.command",
        `\${{${placeholders.unknown[0]}}} is not an input or output placeholder`,
      );
    const missingInput = placeholders.requiredInputs.find((n) => !(n in inputs));
    if (missingInput !== undefined)
      throw V2Errors.invalidValue(
        "properties.command",
        `\${{inputs.${missingInput}}} is used but properties.inputs has no '${missingInput}' (wrap optional parts in $[[ ]])`,
      );
    const missingOutput = placeholders.outputs.find((n) => !(n in outputs));
    if (missingOutput !== undefined)
      throw V2Errors.invalidValue(
        "properties.command",
        `\${{outputs.${missingOutput}}} is used but properties.outputs has no '${missingOutput}'`,
      );

    let limits: CommandJobProperties["limits"];
    if (isObject(properties.limits)) {
      const timeout = optionalString(properties.limits.timeout, "properties.limits.timeout");
      if (
        timeout !== undefined &&
        (parseDuration(timeout) === undefined || parseDuration(timeout)! <= 0)
      )
        throw V2Errors.invalidValue(
          "properties.limits.timeout",
          `must be an ISO 8601 duration such as PT30M, got '${timeout}'`,
        );
      limits = { jobLimitsType: "Command", ...(timeout !== undefined ? { timeout } : {}) };
    }
    const displayName = optionalString(properties.displayName, "properties.displayName");
    const description = optionalString(properties.description, "properties.description");
    const experimentName =
      optionalString(properties.experimentName, "properties.experimentName") ?? "Default";
    const computeId = optionalString(properties.computeId, "properties.computeId");
    const tags = stringMap(properties.tags, "properties.tags");
    const props = stringMap(properties.properties, "properties.properties");
    const environmentVariables = stringMap(
      properties.environmentVariables,
      "properties.environmentVariables",
    );
    return {
      jobType: "Command",
      command,
      ...(codeId !== undefined ? { codeId } : {}),
      environmentId,
      ...(computeId !== undefined ? { computeId } : {}),
      experimentName,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(props !== undefined ? { properties: props } : {}),
      ...(environmentVariables !== undefined ? { environmentVariables } : {}),
      inputs,
      outputs,
      ...(limits ? { limits } : {}),
      isArchived: properties.isArchived === true,
    };
  }

  /**
   * PUT a job: create and start it, or update its mutable members.
   * @param ws - the workspace
   * @param name - the job name
   * @param body - `{properties: {jobType: "Command", ...}}`
   */
  put(ws: WorkspaceRef, name: string, body: unknown): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    if (!NAME_PATTERN.test(name))
      throw V2Errors.invalidName("job", name, "letters, digits, '-' and '_', up to 255 characters");
    const { properties } = resourceBody(body);
    const normalised = this.normalise(ws, name, properties);
    const key = keyOf(childArmId(ws, ["jobs", name]));
    const existing = this.services.store.get<unknown, JobInternal>(key);
    const now = nowIso();
    if (existing) {
      const differs = firstDifference(
        existing.body.properties,
        normalised as unknown as Record<string, unknown>,
        DEFINING,
      );
      if (differs !== undefined) throw V2Errors.jobExists(existing.name, `properties.${differs}`);
      const before = existing.body.properties as unknown as CommandJobProperties;
      const merged: CommandJobProperties = {
        ...before,
        ...(normalised.displayName !== undefined ? { displayName: normalised.displayName } : {}),
        ...(normalised.description !== undefined ? { description: normalised.description } : {}),
        ...(normalised.tags !== undefined ? { tags: normalised.tags } : {}),
        properties: { ...(before.properties ?? {}), ...(normalised.properties ?? {}) },
        isArchived: normalised.isArchived,
      };
      const record = this.services.store.put({
        ...existing,
        modifiedAt: now,
        body: { properties: merged as unknown as Record<string, unknown> },
      });
      return { status: 200, body: this.view(record) };
    }
    const outputUris = Object.fromEntries(
      Object.entries(normalised.outputs ?? {}).map(([n, o]) => [n, o.uri!]),
    );
    const record = this.services.store.put<unknown, JobInternal>({
      key,
      id: childArmId(ws, ["jobs", name]),
      kind: "jobs",
      name,
      parent: workspace.key,
      workspace: ws,
      createdAt: now,
      modifiedAt: now,
      seq: 0,
      body: { properties: normalised as unknown as Record<string, unknown> },
      internal: { status: "NotStarted", outputUris },
    });
    this.services.jobs.start(record);
    this.services.logger.info(`job ${name}: submitted`);
    return { status: 201, body: this.view(record) };
  }

  private require(ws: WorkspaceRef, name: string): JobRecord {
    requireWorkspace(this.services, ws);
    const record = this.services.store.get<unknown, JobInternal>(
      keyOf(childArmId(ws, ["jobs", name])),
    );
    if (!record) throw V2Errors.notFound(`Job ${name}`, `workspace ${ws.workspace}`);
    return record;
  }

  /**
   * GET a job.
   * @param ws - the workspace
   * @param name - the job name
   */
  get(ws: WorkspaceRef, name: string): V2Response {
    return { status: 200, body: this.view(this.require(ws, name)) };
  }

  /**
   * List jobs.
   * @param ws - the workspace
   * @param request - request facts
   */
  list(ws: WorkspaceRef, request: V2Request): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    return listPage(this.services, workspace.key, "jobs", request, (r) =>
      this.view(r as JobRecord),
    );
  }

  /**
   * Cancel a job: 202 + `Location` while it stops; 200 when it had already ended.
   * @param ws - the workspace
   * @param name - the job name
   * @param request - request facts
   */
  cancel(ws: WorkspaceRef, name: string, request: V2Request): V2Response {
    const record = this.require(ws, name);
    if (TERMINAL.includes(record.internal!.status) && !this.services.jobs.isActive(record.key))
      return { status: 200 };
    const operation = this.services.operations.begin({
      resourceKey: record.key,
      resourceId: record.id,
      lockKey: `${record.key}#cancel`,
      subscriptionId: ws.subscriptionId,
      location: this.locationOf(record),
      kind: "cancel",
      work: async () => {
        await this.services.jobs.stop(record.key, "the job was canceled");
      },
    });
    return { status: 202, headers: this.services.operations.locationHeaders(request, operation) };
  }

  /**
   * DELETE a job (stopping it first): 202 + `Location`; 204 when there is none.
   * @param ws - the workspace
   * @param name - the job name
   * @param request - request facts
   */
  delete(ws: WorkspaceRef, name: string, request: V2Request): V2Response {
    requireWorkspace(this.services, ws);
    const key = keyOf(childArmId(ws, ["jobs", name]));
    const record = this.services.store.get<unknown, JobInternal>(key);
    if (!record) return { status: 204 };
    const operation = this.services.operations.begin({
      resourceKey: key,
      resourceId: record.id,
      lockKey: `${key}#delete`,
      subscriptionId: ws.subscriptionId,
      location: this.locationOf(record),
      kind: "delete",
      work: async () => {
        await this.services.jobs.stop(key, "the job was deleted");
        this.services.store.delete(key);
      },
    });
    return { status: 202, headers: this.services.operations.locationHeaders(request, operation) };
  }

  private locationOf(record: ResourceRecord): string {
    const workspace = this.services.store.get(record.parent);
    return workspace?.body.location ?? "local";
  }
}
