/**
 * The training engine of the emulator: implements {@link EngineApi} (see `api.ts`) by exporting
 * its functions by name (`emulator/engineLoader.ts` checks that at compile time).
 *
 * Pure computation: no HTTP, storage, file system or global state, so it runs on a worker thread.
 */
export type * from "./api";
export { ENGINE_DETAIL_CODES } from "./api";
export { EngineError, engineErrors, isEngineError, STUDIO_ERROR_TEMPLATES } from "./errors";
export type { StudioErrorCode } from "./errors";
export { parseCsv, toCsv } from "./csv";
export {
  describeService,
  prepareGraph,
  runGraph,
  runGraphAsync,
  runPreparedAsync,
  scoreRows,
} from "./graph/run";
export {
  encodeItransform,
  decodeItransform,
  ITRANSFORM_MAGIC,
  ITRANSFORM_FORMAT_VERSION,
} from "./transforms";
export {
  inspectModel,
  encodeIlearner,
  decodeIlearner,
  ILEARNER_FORMAT_VERSION,
  ILEARNER_MAGIC,
} from "./ilearner";
export { tableFromRows, tableToRows } from "./rows";
export { applySchema } from "./schema";
export { MODULES, findModule } from "./modules/registry";
