/**
 * `startEmulator(options)`: the programmatic way to run the emulator (tests, scripts, the CLI
 * in `main.ts`). Resolves once the server listens, with the bound URL, the credentials and
 * `close()`.
 */
import { resolveConfig, type EmulatorOptions } from "./config";
import { ARM_API_VERSION, ARM_RESOURCE_TYPE } from "./constants";
import { EmulatorServer } from "./server";
import type { RequestInterceptor } from "./requestContext";

/** Base URLs of the surfaces (templates: `{...}` are filled in by clients). */
export interface EmulatorSurfaces {
  /** ARM: `{url}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearning/webServices/{name}`. */
  readonly arm: string;
  /** Classic management: `{url}/workspaces/{workspaceId}/webservices`. */
  readonly classic: string;
  /** Execution: an ARM service's `swaggerLocation` minus `/swagger.json`, or an endpoint's `ApiLocation`. */
  readonly execution: string;
  /** Admin (emulator-only): `PUT {url}/admin/workspaces/{workspaceId}/webservices/{webServiceId}`. */
  readonly admin: string;
  /** Azure Machine Learning (v2): `{url}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}`. */
  readonly v2: string;
  /** Scoring of v2 online endpoints: `{url}/inference/{endpoint}/score`. */
  readonly v2Scoring: string;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** The bound base URL, e.g. `http://127.0.0.1:53412`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;
  /** The data folder (absolute). */
  readonly location: string;
  /** Bearer tokens: `armToken` for ARM, `workspaceToken` for classic management and admin. */
  readonly credentials: {
    readonly armToken: string;
    readonly workspaceToken: string;
    /** The file generated tokens are kept in. */
    readonly file: string;
  };
  /** Where each surface lives. */
  readonly surfaces: EmulatorSurfaces;
  /** The portal's one-time sign-in link printed at start (`{url}/portal/?token=...`). */
  readonly portalLink: string;
  /** The server (for tests that need its store or job runner). */
  readonly server: EmulatorServer;
  /** Stops the emulator (running jobs are marked Failed). */
  close(): Promise<void>;
}

/**
 * The lines printed at start: one per surface, then where the tokens are. Tokens are printed
 * themselves only when allowed (a TTY), otherwise the credentials file is named.
 * @param handle - the running emulator
 * @param printSecrets - whether tokens may be printed
 * @param generated - which tokens were generated (given ones are never printed)
 */
export function startupLines(
  handle: Pick<EmulatorHandle, "url" | "location" | "credentials" | "surfaces" | "portalLink">,
  printSecrets: boolean,
  generated: { armToken: boolean; workspaceToken: boolean },
): string[] {
  const token = (name: string, value: string, isGenerated: boolean): string => {
    if (!isGenerated) return `azureml-emulator: ${name}: as given (flag or environment)`;
    return printSecrets
      ? `azureml-emulator: ${name}: ${value}`
      : `azureml-emulator: ${name}: in ${handle.credentials.file}`;
  };
  return [
    `azureml-emulator: ARM (${ARM_RESOURCE_TYPE} ${ARM_API_VERSION}) ${handle.surfaces.arm}`,
    `azureml-emulator: classic management ${handle.surfaces.classic}`,
    `azureml-emulator: execution (BES + RRS) ${handle.surfaces.execution}`,
    `azureml-emulator: admin (emulator-only) ${handle.surfaces.admin}`,
    `azureml-emulator: Azure Machine Learning v2 (Microsoft.MachineLearningServices) ${handle.surfaces.v2}`,
    `azureml-emulator: v2 online endpoint scoring ${handle.surfaces.v2Scoring}`,
    token("ARM token", handle.credentials.armToken, generated.armToken),
    token("workspace token", handle.credentials.workspaceToken, generated.workspaceToken),
    `azureml-emulator: data in ${handle.location}`,
    // One use, this process only: printed even when tokens are not (like Jupyter's link).
    `azureml-emulator: portal ${handle.portalLink} (signs in once)`,
    `azureml-emulator: listening on ${handle.url}`,
  ];
}

/**
 * True for addresses only this machine can reach.
 * @param host - the `--host` value
 */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Starts the emulator.
 * @param options - see {@link EmulatorOptions}; everything has a default
 * @param interceptor - optional hook at the fault-injection seam
 */
export async function startEmulator(
  options: EmulatorOptions = {},
  interceptor?: RequestInterceptor,
): Promise<EmulatorHandle> {
  const config = resolveConfig(options);
  const server = new EmulatorServer(config, interceptor);
  let url: string;
  try {
    url = await server.start();
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
  const surfaces: EmulatorSurfaces = {
    arm: `${url}/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${ARM_RESOURCE_TYPE}`,
    classic: `${url}/workspaces/{workspaceId}/webservices`,
    execution: `${url}/subscriptions/{id}/services/{id} and ${url}/workspaces/{workspaceId}/services/{id}`,
    admin: `${url}/admin/workspaces/{workspaceId}/webservices/{webServiceId}`,
    v2: `${url}/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/{workspace}`,
    v2Scoring: `${url}/inference/{endpoint}/score`,
  };
  let closing: Promise<void> | undefined;
  const handle: EmulatorHandle = {
    url,
    port: Number(new URL(url).port),
    location: config.location,
    credentials: {
      armToken: server.credentials.armToken,
      workspaceToken: server.credentials.workspaceToken,
      file: server.credentials.file,
    },
    surfaces,
    portalLink: server.portalLink(),
    server,
    close: () => (closing ??= server.close()),
  };
  if (!isLoopback(config.host)) {
    // Keys and tokens travel in plain HTTP: say so loudly when the network can reach them.
    server.logger.error(
      `listening on ${config.host}, which is not a loopback address: keys and tokens are sent ` +
        "over plain HTTP and anyone who can reach this port can try them",
    );
  }
  if (server.faults.active) {
    // Never on by accident: say it at every level but silent, and in the startup lines.
    server.logger.error(`fault injection is ON: ${server.faults.describe()}`);
  }
  if (config.printStartup) {
    const lines = startupLines(handle, config.printSecrets, server.credentials.generated);
    if (server.faults.active) {
      lines.splice(
        lines.length - 1,
        0,
        `azureml-emulator: FAULT INJECTION ON: ${server.faults.describe()}`,
      );
    }
    for (const line of lines) process.stdout.write(line + "\n");
  }
  return handle;
}
