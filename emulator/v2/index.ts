/**
 * The emulator's Azure Machine Learning (v2) surface, served by the same process as the classic
 * surfaces on its own routes: `V2Surface` builds the v2 store, services and handlers, registers
 * the routes (`register`), and owns their lifecycle (`start`: open the store, fail operations and
 * jobs a previous process left running, start the containers of Succeeded deployments; `close`:
 * stop jobs and containers, close the store).
 *
 * The routes live in two encapsulated fastify contexts with their own hooks and error handlers,
 * so the classic pipeline in `app.ts` is untouched: ARM routes check the ARM token and the
 * api-version range and answer the ARM envelope with `additionalInfo`; the scoring route takes
 * the raw body (up to 1.5 MiB) and answers the scoring envelope.
 */
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MAX_SCORING_BODY_BYTES, MODEL_DEPLOYMENT_HEADER } from "../../contract/v2";
import { authorizes } from "../auth/secrets";
import { isHttpError, type HttpError } from "../errors/httpError";
import { Rng } from "../engine/rng";
import type { Logger } from "../logger";
import { v2CallKey, type CallStats } from "../services/callStats";
import type { V2Config } from "./config";
import { API_VERSION_RANGE, PORTAL_TEST_HEADER, V2_DATABASE_FILE, V2_FOLDER } from "./constants";
import { ScoringErrors, V2Error, V2Errors } from "./errors";
import { AssetHandler } from "./handlers/assetHandler";
import type { V2Request, V2Response, V2Services } from "./handlers/common";
import { EndpointHandler } from "./handlers/endpointHandler";
import { JobHandler } from "./handlers/jobHandler";
import { V2PortalEndpoints } from "./handlers/portalHandler";
import { ScoringHandler } from "./handlers/scoringHandler";
import { WorkspaceHandler } from "./handlers/workspaceHandler";
import { v2ArmRoutes } from "./routes";
import { AssetResolver } from "./services/assets";
import { DatastoreBlobs } from "./services/blobs";
import { DeploymentHosts } from "./services/deploymentHosts";
import { CommandJobRunner } from "./services/jobRunner";
import { Operations } from "./services/operations";
import { V2PortalQueries } from "./services/portalQueries";
import { V2Store } from "./store/v2Store";

export type { V2Options, V2Config } from "./config";
export { resolveV2Config } from "./config";

/** What the surface needs from the emulator. */
export interface V2SurfaceOptions {
  readonly config: V2Config;
  /** The data folder. */
  readonly location: string;
  /** The `--storage` base (datastores' accounts live under it). */
  readonly storage: string;
  /** Page size of list operations. */
  readonly pageSize: number;
  /** The ARM bearer token. */
  readonly armToken: string;
  readonly logger: Logger;
  /** Counts scoring calls per deployment for the portal (absent: nothing counted). */
  readonly calls?: Pick<CallStats, "record" | "currentMinute" | "snapshot" | "window">;
  /** The public base URL. */
  publicUrl(): string;
}

/**
 * True when a dated api-version (`YYYY-MM-DD`, optionally `-preview`) lies in the accepted range.
 * @param version - the query value
 */
export function acceptsApiVersion(version: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(version);
  if (!match) return false;
  return match[1] >= API_VERSION_RANGE.oldest && match[1] <= API_VERSION_RANGE.newest;
}

function firstValues(query: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>))
    out[key] = Array.isArray(value)
      ? String(value[0])
      : value === undefined
        ? undefined
        : String(value);
  return out;
}

/** The v2 surface. */
export class V2Surface {
  /** Records (exposed for tests). */
  readonly store: V2Store;
  /** Long-running operations (tests inject failures with `setFailurePattern`). */
  readonly operations: Operations;
  /** Command jobs. */
  readonly jobs: CommandJobRunner;
  /** Deployment containers. */
  readonly hosts: DeploymentHosts;
  /** What the portal shows of this surface (read-only). */
  readonly portal: V2PortalQueries;
  /** What the portal's Test and Consume pages do with an endpoint (its credential, a call). */
  readonly portalEndpoints: V2PortalEndpoints;
  private app: FastifyInstance | undefined;
  private readonly services: V2Services;
  private readonly endpoints: EndpointHandler;
  private readonly scoring: ScoringHandler;
  private readonly routes: ReturnType<typeof v2ArmRoutes>;
  private recovering: Promise<void> = Promise.resolve();

  /** @param options - configuration and what the surface shares with the emulator */
  constructor(private readonly options: V2SurfaceOptions) {
    const root = path.join(options.location, V2_FOLDER);
    mkdirSync(root, { recursive: true });
    this.store = new V2Store(path.join(options.location, V2_DATABASE_FILE));
    const blobs = new DatastoreBlobs(this.store, options.storage);
    const assets = new AssetResolver(this.store);
    this.operations = new Operations(this.store, options.config, options.logger);
    this.jobs = new CommandJobRunner(
      this.store,
      blobs,
      assets,
      options.config,
      path.join(root, "jobs"),
      options.logger,
    );
    this.hosts = new DeploymentHosts(
      blobs,
      assets,
      options.config,
      path.join(root, "deployments"),
      options.logger,
    );
    this.services = {
      store: this.store,
      config: options.config,
      logger: options.logger,
      operations: this.operations,
      blobs,
      assets,
      jobs: this.jobs,
      hosts: this.hosts,
      pageSize: options.pageSize,
    };
    this.endpoints = new EndpointHandler(this.services);
    this.portal = new V2PortalQueries(
      this.store,
      blobs,
      assets,
      this.jobs,
      (name) => this.endpoints.scoringUri(options.publicUrl(), name),
      options.calls,
    );
    this.portalEndpoints = new V2PortalEndpoints(this.endpoints, options.armToken, (request) => {
      if (!this.app) throw new Error("the v2 routes are not registered");
      return this.app.inject(request);
    });
    const seed = options.config.routingSeed;
    const rng = seed === undefined ? undefined : new Rng(seed);
    this.scoring = new ScoringHandler(
      this.endpoints,
      this.hosts,
      rng ? () => rng.nextDouble() : Math.random,
      options.armToken,
      options.logger,
    );
    this.routes = v2ArmRoutes({
      workspaces: new WorkspaceHandler(this.services),
      assets: new AssetHandler(this.services),
      jobs: new JobHandler(this.services),
      endpoints: this.endpoints,
      operations: this.operations,
    });
  }

  private requestOf(request: FastifyRequest): V2Request {
    const bound = this.options.publicUrl();
    const wildcard = /^https?:\/\/(0\.0\.0\.0|\[::\])(:|$)/.test(bound);
    const query = firstValues(request.query);
    return {
      requestId: request.id,
      baseUrl: wildcard && request.headers.host ? `http://${request.headers.host}` : bound,
      path: request.url.split("?")[0],
      query,
      apiVersion: query["api-version"] ?? "",
    };
  }

  /**
   * Registers the routes on the emulator's application.
   * @param app - the fastify application (before it listens)
   */
  register(app: FastifyInstance): void {
    this.app = app;
    const logger = this.options.logger;
    const render = (reply: FastifyReply, http: HttpError): FastifyReply => {
      void reply.code(http.status);
      for (const [name, value] of Object.entries(http.headers)) void reply.header(name, value);
      void reply.header("x-ms-error-code", http.code);
      return reply.type("application/json; charset=utf-8").send(JSON.stringify(http.toBody()));
    };

    void app.register(async (scope) => {
      scope.addHook("onRequest", async (request) => {
        const header = request.headers.authorization;
        if (header === undefined) throw V2Errors.authenticationMissing();
        if (!authorizes(header, [this.options.armToken])) throw V2Errors.invalidToken();
        const version = firstValues(request.query)["api-version"];
        if (version === undefined || version === "") throw V2Errors.missingApiVersion();
        if (!acceptsApiVersion(version)) throw V2Errors.invalidApiVersion(version);
      });
      scope.setErrorHandler(async (error: unknown, request, reply) => {
        let http: HttpError;
        const code = (error as { code?: string }).code;
        const status =
          (error as { statusCode?: number; status?: number }).statusCode ??
          (error as { status?: number }).status;
        if (error instanceof V2Error) {
          http = error;
        } else if (isHttpError(error) && error.status !== 400) {
          http = error;
        } else if (code === "FST_ERR_CTP_BODY_TOO_LARGE") {
          http = V2Errors.invalidValue(
            "body",
            `exceeds the limit of ${request.routeOptions.bodyLimit ?? "the configured"} bytes`,
          );
        } else if (typeof status === "number" && status >= 400 && status < 500) {
          http = V2Errors.invalidValue("body", (error as Error).message);
        } else {
          logger.error(
            `request ${request.id} ${request.method} ${request.url.split("?")[0]} failed: ${(error as Error)?.stack ?? String(error)}`,
          );
          http = V2Errors.internal(request.id);
        }
        if (http instanceof V2Error) http.correlationId = request.id;
        return render(reply, http);
      });
      for (const route of this.routes) {
        scope.route({
          method: route.method,
          url: route.url,
          handler: async (request, reply) => {
            const response: V2Response = await route.handle(
              request.params as Record<string, string>,
              request.body,
              this.requestOf(request),
            );
            void reply.code(response.status);
            for (const [name, value] of Object.entries(response.headers ?? {}))
              void reply.header(name, value);
            if (response.body === undefined) return reply.send();
            return reply
              .type("application/json; charset=utf-8")
              .send(JSON.stringify(response.body));
          },
        });
      }
    });

    void app.register(
      async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) =>
          done(null, body),
        );
        // A call a deployment answered (the router names it), for the portal's dashboard: not
        // one refused before a deployment was picked (no credential, no traffic), not one naming
        // a deployment that does not exist (404), not the portal's own Test page.
        const { calls } = this.options;
        if (calls) {
          scope.addHook("onResponse", async (request, reply) => {
            const deployment = reply.getHeader(MODEL_DEPLOYMENT_HEADER);
            if (typeof deployment !== "string" || reply.statusCode === 404) return;
            if (request.headers[PORTAL_TEST_HEADER] !== undefined) return;
            const { endpoint } = request.params as { endpoint: string };
            calls.record(
              v2CallKey(endpoint, deployment),
              "rrs",
              reply.statusCode,
              reply.elapsedTime,
            );
          });
        }
        scope.setErrorHandler(async (error: unknown, request, reply) => {
          let http: HttpError;
          const code = (error as { code?: string }).code;
          if (isHttpError(error)) http = error;
          else if (code === "FST_ERR_CTP_BODY_TOO_LARGE")
            http = ScoringErrors.tooLarge(String(MAX_SCORING_BODY_BYTES));
          else if ((error as { statusCode?: number }).statusCode === 400)
            http = ScoringErrors.badRequest((error as Error).message);
          else {
            logger.error(
              `scoring request ${request.id} failed: ${(error as Error)?.stack ?? String(error)}`,
            );
            http = new V2Error(
              500,
              "InternalServerError",
              `The router failed (request id ${request.id}); see the emulator's log.`,
            );
          }
          void reply.code(http.status);
          for (const [name, value] of Object.entries(http.headers)) void reply.header(name, value);
          return reply
            .type("application/json; charset=utf-8")
            .send(JSON.stringify({ error: { code: http.code, message: http.message } }));
        });
        scope.route({
          method: "POST",
          url: "/:endpoint/score",
          bodyLimit: MAX_SCORING_BODY_BYTES,
          handler: async (request, reply) => {
            const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
            const answer = await this.scoring.score(
              (request.params as { endpoint: string }).endpoint,
              request.headers,
              body,
            );
            void reply.code(answer.status);
            for (const [name, value] of Object.entries(answer.headers))
              void reply.header(name, value);
            return reply.send(answer.body);
          },
        });
        scope.route({
          method: "GET",
          url: "/:endpoint/swagger.json",
          handler: async () => {
            throw ScoringErrors.badRequest("swagger generation is not emulated");
          },
        });
      },
      { prefix: "/inference" },
    );
  }

  /**
   * Opens the store and recovers what a previous process left behind; the containers of
   * Succeeded deployments start again in the background (their calls answer 502 until then).
   */
  start(): void {
    this.store.init();
    for (const operation of this.operations.recover()) {
      this.options.logger.info(
        `operation ${operation.id} (${operation.kind}): marked Failed (the emulator restarted)`,
      );
    }
    this.jobs.recover();
    this.recovering = this.endpoints.recover().catch((error: unknown) => {
      this.options.logger.error(
        `restarting deployments failed: ${(error as Error)?.stack ?? String(error)}`,
      );
    });
  }

  /** Resolves once the deployments of a previous process run again (tests wait for it). */
  recovered(): Promise<void> {
    return this.recovering;
  }

  /** Stops jobs, operations and containers, and closes the store. */
  async close(): Promise<void> {
    await this.recovering;
    await this.jobs.close();
    await this.operations.close();
    await this.hosts.close();
    this.store.close();
  }
}
