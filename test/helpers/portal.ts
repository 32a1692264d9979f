/**
 * The portal's test helpers: an emulator with the samples published (`scripts/samples.ts`, in a
 * container of the test's own), and a signed-in HTTP session of the portal API that sends what a
 * browser sends (the session cookie, a same-origin `Origin` on writes).
 */
import { expect } from "chai";
import { publishSamples, type SamplesSummary } from "../../scripts/samples";
import { azuriteConnectionString, uniqueName } from "./env";
import { httpRequest, startTestEmulator, type TestEmulator, type TestResponse } from "./emulator";
import type { TestEmulatorOptions } from "./emulator";

/** An emulator with the samples published. */
export interface SamplesEmulator {
  readonly emulator: TestEmulator;
  readonly samples: SamplesSummary;
  /** The container the samples' data and models are in. */
  readonly container: string;
}

/**
 * Starts an emulator and publishes the samples on it.
 * @param options - emulator options
 */
export async function startSamplesEmulator(
  options: TestEmulatorOptions = {},
): Promise<SamplesEmulator> {
  const emulator = await startTestEmulator(options);
  const container = uniqueName("samples");
  try {
    const samples = await publishSamples({
      emulatorUrl: emulator.url,
      armToken: emulator.credentials.armToken,
      workspaceToken: emulator.credentials.workspaceToken,
      connectionString: azuriteConnectionString(),
      container,
    });
    return { emulator, samples, container };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** A signed-in session of the portal API. */
export interface PortalClient {
  /** The session cookie (`name=value`). */
  readonly cookie: string;
  /** `GET /portal/api/{path}`, expecting 200, parsed. */
  get<T>(path: string): Promise<T>;
  /** A request with the session, as it is answered. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<TestResponse<T>>;
}

/**
 * Signs in with a one-time link, as a browser opening it does (the 303 sets the cookie).
 * @param emulator - the emulator
 */
export async function signIn(emulator: TestEmulator): Promise<PortalClient> {
  const link = emulator.server.portalLink();
  const response = await fetch(link, { redirect: "manual" });
  expect(response.status, "the one-time link signs in").to.equal(303);
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0];
  expect(cookie).to.match(/^azureml-portal-\d+=\S+$/);
  const request = <T>(method: string, path: string, body?: unknown) =>
    httpRequest<T>(
      method,
      `${emulator.url}${path.startsWith("/") ? path : `/portal/api/${path}`}`,
      {
        headers: { Cookie: cookie, ...(method === "GET" ? {} : { Origin: emulator.url }) },
        ...(body !== undefined ? { body } : {}),
      },
    );
  return {
    cookie,
    request,
    get: async <T>(path: string): Promise<T> => {
      const answer = await request<T>("GET", path);
      expect(answer.status, `GET ${path}: ${answer.text.slice(0, 300)}`).to.equal(200);
      return answer.body;
    },
  };
}
