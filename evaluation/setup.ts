/**
 * What both platforms' evaluations set up the same way: the timer of their steps, the cache of
 * trained sides, and their own servers (an Azurite unless one is given, and the emulator in this
 * process, on free loopback ports).
 */
import * as path from "node:path";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../clients/azurite";
import { startEmulator, type EmulatorHandle } from "../emulator/startEmulator";
import { startAzurite, type AzuriteHandle } from "../scripts/azurite";
import { EvaluationCache } from "./cache";

/**
 * Times the steps of a run: `lap(name)` records the seconds since the previous lap (or the
 * start) under `name` in `seconds`.
 */
export function stopwatch(): { seconds: Record<string, number>; lap: (name: string) => void } {
  const seconds: Record<string, number> = {};
  let mark = Date.now();
  return {
    seconds,
    lap: (name) => {
      const now = Date.now();
      seconds[name] = (now - mark) / 1000;
      mark = now;
    },
  };
}

/**
 * The cache of trained sides: `cacheDir`, by default `<outDir>/cache`; none when `cacheDir` is
 * false.
 * @param options - the evaluation's options
 */
export function openCache(options: {
  readonly cacheDir?: string | false;
  readonly outDir: string;
}): EvaluationCache | undefined {
  return options.cacheDir === false
    ? undefined
    : new EvaluationCache(options.cacheDir ?? path.join(options.outDir, "cache"));
}

/** What {@link startServers} started; the caller closes the emulator, then stops Azurite. */
export interface EvaluationServers {
  /** The Azurite started for the run; undefined when one was given. */
  readonly azurite?: AzuriteHandle;
  readonly emulator: EmulatorHandle;
  readonly blobEndpoint: string;
  /** Azurite's well-known development account, at `blobEndpoint`. */
  readonly connectionString: string;
}

/**
 * Starts Azurite under `scratch/azurite` (unless `blobEndpoint` is given) and the emulator under
 * `scratch/emulator`. Stops the Azurite it started when the emulator does not start.
 * @param scratch - the run's scratch folder
 * @param options - an Azurite to use, and the Python the emulator runs (v2 jobs, script modules)
 */
export async function startServers(
  scratch: string,
  options: { blobEndpoint?: string; python?: string },
): Promise<EvaluationServers> {
  const azurite = options.blobEndpoint
    ? undefined
    : await startAzurite({ location: path.join(scratch, "azurite") });
  const blobEndpoint = options.blobEndpoint ?? azurite!.blobEndpoint;
  try {
    const emulator = await startEmulator({
      host: "127.0.0.1",
      port: 0,
      location: path.join(scratch, "emulator"),
      storage: new URL(blobEndpoint).origin,
      printStartup: false,
      logLevel: "silent",
      ...(options.python ? { python: options.python } : {}),
    });
    const connectionString = `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};`;
    return { ...(azurite ? { azurite } : {}), emulator, blobEndpoint, connectionString };
  } catch (error) {
    await azurite?.stop();
    throw error;
  }
}
