/**
 * The Batch Execution Service (`docs/contracts.md` §1): submit, start, status, cancel,
 * for ARM services and classic endpoints alike. Submit validates everything it can without
 * running the graph (names, blob references, extensions, parameters, input blobs exist) and
 * answers with the BES error codes of the spec; what needs the data (CSV parsing, the input
 * schema, module failures) surfaces as a `Failed` job whose `Details` name the column, row or
 * module. `Results` carry a fresh read-only SAS on every GET.
 */
import { randomUUID } from "node:crypto";
import {
  BES_STATUS_NAMES,
  type AzureBlobDataReference,
  type BatchExecutionStatus,
} from "../../contract";
import {
  blobExists,
  describeBlob,
  describeStorageError,
  resolveBlobRef,
  resultReference,
  type ResolvedBlob,
} from "../blob/blobIo";
import { newHexId } from "../auth/secrets";
import type { EmulatorConfig } from "../config";
import { DEFAULT_OUTPUT_CONTAINER } from "../constants";
import { ErrorFactory } from "../errors";
import type { JobRunner } from "../jobs/jobRunner";
import type { ExecutionTarget } from "../services/executionTargets";
import type { MetadataStore } from "../store/metadataStore";
import type { JobOutput, JobRecord } from "../store/records";
import { checkGlobalParameters } from "./globalParameters";
import type { HandlerResponse } from "./types";
import { isObject, nowIso, pickMembers, rejectUnknown } from "./util";

const DATASET_EXTENSIONS = ["csv", "tsv", "arff"] as const;

function extensionOf(blob: string): string {
  const dot = blob.lastIndexOf(".");
  return dot < 0 || dot < blob.lastIndexOf("/") ? "" : blob.slice(dot + 1).toLowerCase();
}

function refMap(value: unknown, member: string): Record<string, AzureBlobDataReference> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw ErrorFactory.requestBodyInvalid(`'${member}' must be an object`);
  for (const [name, ref] of Object.entries(value)) {
    if (ref !== null && !isObject(ref))
      throw ErrorFactory.requestBodyInvalid(`'${member}.${name}' must be an object`);
  }
  return value as Record<string, AzureBlobDataReference>;
}

/** Handlers of BES. */
export class BesHandler {
  /**
   * @param config - strictness, status code format
   * @param store - job records
   * @param runner - runs jobs
   */
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: MetadataStore,
    private readonly runner: JobRunner,
  ) {}

  private requireJob(target: ExecutionTarget, jobId: string): JobRecord {
    const job = this.store.getJob(jobId.toLowerCase());
    // A job is only visible through the service or endpoint it was submitted to.
    if (!job || job.targetId !== target.executionId) throw ErrorFactory.jobNotFound(jobId);
    return job;
  }

  /**
   * POST /jobs: registers a job (NotStarted) and answers its id as a JSON string.
   * @param target - the service or endpoint
   * @param body - a `BatchExecutionRequest`
   */
  async submit(target: ExecutionTarget, body: unknown): Promise<HandlerResponse<string>> {
    if (!target.serving) throw ErrorFactory.serviceNotReady(target.state);
    const { shape } = target.serving;
    const object = body === undefined || body === null ? {} : body;
    if (!isObject(object))
      throw ErrorFactory.requestBodyInvalid("the body must be a BatchExecutionRequest object");
    const { values, unknown } = pickMembers(object, [
      "Inputs",
      "Input",
      "Outputs",
      "Output",
      "GlobalParameters",
      "AzureBatchPoolId",
    ]);
    rejectUnknown(unknown, this.config.strict);
    if (
      values.AzureBatchPoolId !== undefined &&
      values.AzureBatchPoolId !== null &&
      this.config.strict
    ) {
      throw ErrorFactory.unsupportedParameter("AzureBatchPoolId");
    }

    // Inputs: the map form, or the legacy single `Input` (never both).
    const inputNames = shape.inputs.map((i) => i.name);
    let inputs = refMap(values.Inputs, "Inputs");
    if (values.Input !== undefined && values.Input !== null) {
      if (values.Inputs !== undefined && values.Inputs !== null)
        throw ErrorFactory.duplicateInputInBatchCall();
      if (!isObject(values.Input))
        throw ErrorFactory.requestBodyInvalid("'Input' must be an object");
      if (inputNames.length === 0) throw ErrorFactory.invalidInputNames("Input", "(none)");
      inputs = { [inputNames[0]]: values.Input as AzureBlobDataReference };
    }
    const unknownInputs = Object.keys(inputs).filter((name) => !inputNames.includes(name));
    if (unknownInputs.length > 0) {
      throw ErrorFactory.invalidInputNames(
        unknownInputs.join(", "),
        inputNames.join(", ") || "(none)",
      );
    }
    const missing = inputNames.filter((name) => !inputs[name]);
    if (missing.length > 0) throw ErrorFactory.batchJobInputsNotSpecified(missing.join(", "));
    const resolvedInputs: Record<string, ResolvedBlob> = {};
    for (const name of inputNames) resolvedInputs[name] = resolveBlobRef(inputs[name], name);

    // Outputs: overrides where given, the service's storage account otherwise.
    const outputNames = shape.outputs.map((o) => o.name);
    let overrides = refMap(values.Outputs, "Outputs");
    if (values.Output !== undefined && values.Output !== null) {
      if (!isObject(values.Output))
        throw ErrorFactory.requestBodyInvalid("'Output' must be an object");
      if (outputNames.length !== 1)
        throw ErrorFactory.invalidOutputOverrideName("Output", outputNames.join(", "));
      overrides = { ...overrides, [outputNames[0]]: values.Output as AzureBlobDataReference };
    }
    const unknownOutputs = Object.keys(overrides).filter((name) => !outputNames.includes(name));
    if (unknownOutputs.length > 0) {
      throw ErrorFactory.invalidOutputOverrideName(
        unknownOutputs.join(", "),
        outputNames.join(", ") || "(none)",
      );
    }
    const jobId = newHexId();
    const outputs: Record<string, JobOutput> = {};
    for (const { name, kind } of shape.outputs) {
      const override = overrides[name];
      if (override) {
        const ref = resolveBlobRef(override, name);
        const extension = ref.mode === "url" ? "" : extensionOf(ref.blob);
        if (kind === "model") {
          if (extension !== "ilearner") throw ErrorFactory.invalidBlobExtension(name, ".ilearner");
          outputs[name] = { ref, kind, format: "ilearner" };
        } else if (kind === "transform") {
          if (extension !== "itransform")
            throw ErrorFactory.invalidBlobExtension(name, ".itransform");
          outputs[name] = { ref, kind, format: "itransform" };
        } else {
          const format = DATASET_EXTENSIONS.find((e) => e === extension);
          if (!format) throw ErrorFactory.invalidBlobExtension(name, ".csv, .tsv, .arff");
          outputs[name] = { ref, kind, format };
        }
        continue;
      }
      if (!target.defaultStorage) throw ErrorFactory.noDefaultStorage(name);
      // Observed on Azure: experimentoutput/{guid}/{guid}.ilearner in the workspace's storage.
      const format = kind === "model" ? "ilearner" : kind === "transform" ? "itransform" : "csv";
      outputs[name] = {
        ref: {
          mode: "key",
          account: target.defaultStorage,
          container: DEFAULT_OUTPUT_CONTAINER,
          blob: `${randomUUID()}/${randomUUID()}.${format}`,
        },
        kind,
        format,
      };
    }

    const globalParameters = checkGlobalParameters(values.GlobalParameters, shape);

    // Input blobs must exist now (BlobNotFound is a submit-time 400 on Azure).
    for (const [name, ref] of Object.entries(resolvedInputs)) {
      let exists: boolean;
      try {
        exists = await blobExists(ref);
      } catch (error) {
        throw ErrorFactory.blobAccessFailed(name, describeStorageError(error).reason);
      }
      if (!exists) throw ErrorFactory.blobNotFound(name, describeBlob(ref));
    }

    const job = this.store.putJob({
      id: jobId,
      targetId: target.executionId,
      seq: 0,
      status: "NotStarted",
      createdAt: nowIso(),
      submittedToRunAt: null,
      startTime: null,
      endTime: null,
      inputs: resolvedInputs,
      outputs,
      globalParameters,
      details: null,
    });
    return { status: 200, body: job.id };
  }

  /**
   * POST /jobs/{id}/start: 204; 400 CannotStartJob unless the job is NotStarted.
   * @param target - the service or endpoint
   * @param jobId - the job
   */
  start(target: ExecutionTarget, jobId: string): HandlerResponse {
    const job = this.requireJob(target, jobId);
    if (job.status !== "NotStarted") throw ErrorFactory.cannotStartJob(job.id, job.status);
    this.runner.start(job);
    return { status: 204 };
  }

  /**
   * GET /jobs/{id}: the `BatchExecutionStatus`, with a fresh SAS per output once Finished.
   * @param target - the service or endpoint
   * @param jobId - the job
   */
  status(target: ExecutionTarget, jobId: string): HandlerResponse<BatchExecutionStatus> {
    const job = this.requireJob(target, jobId);
    const now = new Date();
    const results =
      job.status === "Finished"
        ? Object.fromEntries(
            Object.entries(job.outputs).map(([name, output]) => [
              name,
              resultReference(output.ref, now),
            ]),
          )
        : null;
    return {
      status: 200,
      body: {
        StatusCode:
          this.config.statusCodeFormat === "int"
            ? BES_STATUS_NAMES.indexOf(job.status)
            : job.status,
        Results: results,
        Details: job.details,
        CreatedAt: job.createdAt,
        StartTime: job.startTime,
        EndTime: job.endTime,
        OutputLog: job.outputLog ?? null,
      },
    };
  }

  /**
   * DELETE /jobs/{id}: cancels a NotStarted/Running job, removes a finished one (then 404).
   * @param target - the service or endpoint
   * @param jobId - the job
   */
  cancel(target: ExecutionTarget, jobId: string): HandlerResponse {
    const job = this.requireJob(target, jobId);
    if (job.status === "NotStarted" || job.status === "Running") this.runner.cancel(job);
    else this.runner.remove(job);
    return { status: 204 };
  }

  /** GET /jobs (listing): absent from the published swagger, so not emulated. */
  list(): HandlerResponse {
    throw ErrorFactory.notImplemented("Listing BES jobs");
  }
}
