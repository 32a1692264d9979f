/**
 * The training engine of the emulator: implements {@link EngineApi} (see `api.ts`).
 *
 * Pure computation: no HTTP, storage, file system or global state, so it runs on a worker thread.
 */
import type { EngineApi } from "./api";
import { parseCsv, toCsv } from "./csv";
import { describeService, runGraph } from "./graph/run";
import { inspectModel } from "./ilearner";
import { tableFromRows, tableToRows } from "./rows";
import { applySchema } from "./schema";

export type * from "./api";
export { ENGINE_DETAIL_CODES } from "./api";
export { EngineError, engineErrors, isEngineError, STUDIO_ERROR_TEMPLATES } from "./errors";
export type { StudioErrorCode } from "./errors";
export { parseCsv, toCsv } from "./csv";
export { describeService, runGraph } from "./graph/run";
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

/** The engine as one object, checked against the contract at compile time. */
export const engine: EngineApi = {
  describeService,
  parseCsv,
  toCsv,
  tableFromRows,
  tableToRows,
  applySchema,
  runGraph,
  inspectModel,
};
