/**
 * The scoring router of managed online endpoints: `POST /inference/{endpoint}/score`.
 *
 * - Credentials by the endpoint's `authMode`: `Key` (primary or secondary key), `AMLToken` (a
 *   token from `POST …/token`, until it expires), `AADToken` (the emulator's ARM token stands
 *   for an Entra token). Anything else: 401.
 * - The deployment: the one named by `azureml-model-deployment` (any weight, not mirrored), or a
 *   weighted draw over the applied `traffic`; none: 404. A copy of an unnamed call goes to the
 *   mirror deployment with its percent, and its answer is discarded.
 * - The answer: the script's 200 as it is; any other status from the script becomes 424 with
 *   `ms-azureml-model-error-statuscode`; past `requestTimeout` 408; too many waiting 429; a
 *   container that is not running 502. Every answer names the deployment in
 *   `azureml-model-deployment`.
 */
import { authorizes } from "../../auth/secrets";
import { MODEL_DEPLOYMENT_HEADER, type OnlineEndpointProperties } from "../../../contract/v2";
import type { Logger } from "../../logger";
import { ScoringError, ScoringErrors } from "../errors";
import { keyOf } from "../ids";
import type { DeploymentHosts } from "../services/deploymentHosts";
import { HostCallError } from "../services/deploymentHost";
import { pickMirror, pickWeighted } from "../services/routing";
import type { EndpointHandler, EndpointRecord } from "./endpointHandler";

/** What the router answers (the route writes it). */
export interface ScoringAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** Headers never passed on to the scoring script. */
const HOP_HEADERS = new Set([
  "authorization",
  "host",
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
]);

/** Routes scoring calls to deployment containers. */
export class ScoringHandler {
  /**
   * @param endpoints - endpoint lookups
   * @param hosts - running containers
   * @param draw - uniform draws in [0, 1) (seeded with `--routing-seed`)
   * @param armToken - accepted for `AADToken` endpoints
   * @param logger - mirror failures (debug)
   */
  constructor(
    private readonly endpoints: EndpointHandler,
    private readonly hosts: DeploymentHosts,
    private readonly draw: () => number,
    private readonly armToken: string,
    private readonly logger: Logger,
  ) {}

  private authorize(endpoint: EndpointRecord, header: string | string[] | undefined): void {
    const authMode = (endpoint.body.properties as unknown as OnlineEndpointProperties).authMode;
    const secrets = endpoint.secrets!;
    const now = Date.now();
    const accepted =
      authMode === "Key"
        ? [secrets.primaryKey, secrets.secondaryKey]
        : authMode === "AMLToken"
          ? secrets.tokens.filter((t) => t.expiresAt > now).map((t) => t.token)
          : [this.armToken];
    if (!authorizes(header, accepted)) throw ScoringErrors.unauthorized();
  }

  /**
   * Scores one call.
   * @param endpointName - from the URL
   * @param headers - the request headers
   * @param body - the raw body
   */
  async score(
    endpointName: string,
    headers: Readonly<Record<string, string | string[] | undefined>>,
    body: Buffer,
  ): Promise<ScoringAnswer> {
    const endpoint = this.endpoints.endpointByName(endpointName);
    if (!endpoint) throw ScoringErrors.endpointNotFound(endpointName);
    this.authorize(endpoint, headers.authorization);
    const internal = endpoint.internal!;
    const named = headers[MODEL_DEPLOYMENT_HEADER];
    const requested = Array.isArray(named) ? named[0] : named;
    let deployment: string | undefined;
    if (requested !== undefined && requested !== "") {
      deployment = requested;
    } else {
      deployment = pickWeighted(internal.appliedTraffic, this.draw());
      if (deployment === undefined) throw ScoringErrors.noDeployment();
    }
    const deploymentKey = keyOf(`${endpoint.id}/deployments/${deployment}`);
    const entry = this.hosts.get(deploymentKey);
    const tag = { [MODEL_DEPLOYMENT_HEADER]: deployment };
    if (!entry) {
      throw withHeaders(
        requested !== undefined && requested !== ""
          ? ScoringErrors.deploymentNotFound(deployment)
          : ScoringErrors.containerDown(deployment),
        tag,
      );
    }
    const forward: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || HOP_HEADERS.has(name.toLowerCase())) continue;
      forward[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    forward["content-type"] ??= "application/json";
    if (requested === undefined || requested === "") {
      const mirror = pickMirror(internal.appliedMirror, this.draw());
      if (mirror !== undefined) this.mirror(endpoint, mirror, body, forward);
    }
    try {
      const answer = await entry.host.call(body, forward, entry.settings.timeoutMs);
      if (answer.status !== 200)
        throw withHeaders(ScoringErrors.modelError(String(answer.status), deployment), tag);
      const contentType = answer.headers["content-type"];
      return {
        status: 200,
        headers: {
          ...tag,
          "content-type": typeof contentType === "string" ? contentType : "application/json",
          ...pick(answer.headers, ["x-ms-run-fn-exec-ms", "x-ms-run-function-failed"]),
        },
        body: answer.body,
      };
    } catch (error) {
      if (error instanceof HostCallError) {
        const mapped =
          error.kind === "timeout"
            ? ScoringErrors.timeout(String(entry.settings.timeoutMs))
            : error.kind === "busy"
              ? ScoringErrors.tooManyRequests(deployment)
              : ScoringErrors.containerDown(deployment);
        throw withHeaders(mapped, tag);
      }
      throw error;
    }
  }

  private mirror(
    endpoint: EndpointRecord,
    deployment: string,
    body: Buffer,
    headers: Record<string, string>,
  ): void {
    const entry = this.hosts.get(keyOf(`${endpoint.id}/deployments/${deployment}`));
    if (!entry) return;
    entry.host.call(body, headers, entry.settings.timeoutMs).then(
      (answer) => this.logger.debug(`mirror to ${deployment}: ${answer.status} (discarded)`),
      (error: unknown) =>
        this.logger.debug(`mirror to ${deployment} failed: ${(error as Error).message}`),
    );
  }
}

function pick(
  headers: Record<string, string | string[] | undefined>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === "string") out[name] = value;
  }
  return out;
}

/** The error with extra response headers (the deployment it was routed to). */
function withHeaders(error: ScoringError, headers: Record<string, string>): ScoringError {
  Object.assign(error.headers as Record<string, string>, headers);
  return error;
}
