/**
 * The training engine (`emulator/engine/index.ts`, which implements `engine/api.ts`), seen
 * through its contract. The assignment below is the compile-time check that the engine exports
 * every function of {@link EngineApi} by name; the server, the handlers and the job workers all
 * take the engine from here, so the contract is the only thing they depend on.
 */
import type { EngineApi } from "./engine/api";
import * as engineModule from "./engine";

const engine: EngineApi = engineModule;

/** The engine's functions. */
export function loadEngine(): EngineApi {
  return engine;
}
