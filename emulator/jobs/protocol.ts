/**
 * Messages between the job runner (main thread) and a job's worker thread. Everything here is
 * structured-clone friendly: plain objects, strings and byte arrays.
 */
import type { WebServiceProperties } from "../../contract";
import type { ResolvedBlob, StorageAccount } from "../blob/blobIo";
import type { ScriptSettings } from "../config";
import type { JobOutput, ModelReportRecord } from "../store/records";

/** What a worker is given (`workerData`). */
export interface WorkerJob {
  readonly jobId: string;
  /** The definition the job runs (snapshot taken when the job got its worker). */
  readonly properties: WebServiceProperties;
  /** `.ilearner` bytes of each trained-model asset, by asset id. */
  readonly trainedModels: Readonly<Record<string, Uint8Array>>;
  readonly inputs: Readonly<Record<string, ResolvedBlob>>;
  readonly outputs: Readonly<Record<string, JobOutput>>;
  readonly globalParameters: Readonly<Record<string, string>>;
  /** The emulator's `--strict`, passed on to the engine. */
  readonly strict: boolean;
  /** Fault injection: fail the job with a module error when this Studio module starts. */
  readonly failAtModule?: string;
  /** The `--storage` base, where Import/Export Data find named accounts. */
  readonly storageBase: string;
  /** The service's own storage account (Import/Export Data without a key of their own). */
  readonly defaultStorage: StorageAccount | undefined;
  /** How script modules run. */
  readonly scripts: ScriptSettings;
}

/** A model output the job wrote, with what the portal shows of it. */
export type ProducedModel = Omit<ModelReportRecord, "jobId" | "targetId" | "createdAt">;

/** What a worker posts back. */
export type WorkerMessage =
  | { readonly type: "progress"; readonly line: string }
  /** A module started or finished (the job's timeline). */
  | {
      readonly type: "module";
      readonly nodeId: string;
      readonly module: string;
      readonly event: "started" | "finished";
      readonly at: string;
    }
  | { readonly type: "finished"; readonly models: readonly ProducedModel[] }
  | {
      readonly type: "failed";
      readonly details: string;
      /** Set when the failure was injected (`--fail-job-at-module`): the module's name. */
      readonly injectedAt?: string;
    };
