/**
 * `createApp(deps)`: the fastify application with the request pipeline, separate from
 * `listen()` (the server does that), so tests and other hosts can build it alone.
 *
 * The pipeline, in order (each step is one hook below):
 * 1. context: request id (answered as `x-ms-request-id`), start time, surface from the path
 *    (`requestContext.ts`)
 * 2. fault injection: the one seam every request passes before any work; the server puts its
 *    `FaultInjector` here (429/503 with Retry-After, latency; off by default, `faults.ts`)
 * 3. authentication: the authenticator of the credential the route declares (`auth/`)
 * 4. query validation: ARM api-version; unknown parameters under `--strict`
 * 5. body parsing: JSON (an empty body is no body), per-route size limits
 * 6. handler: returns status/headers/body; the route glue writes it
 * 7. errors (last): `HttpError`s in the envelope of the request's surface; anything else a
 *    logged 500
 * 8. on response: the access log (path, status, time; never headers or bodies), and the count of
 *    an execution call for the portal's dashboard
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { createAuthenticators, type AuthKind } from "./auth";
import type { PortalSessions } from "./auth/portalSession";
import type { EmulatorConfig } from "./config";
import { ARM_API_VERSIONS, EXECUTION_API_VERSION } from "./constants";
import { ErrorFactory, isHttpError, type HttpError } from "./errors";
import type { AdminHandler } from "./handlers/adminHandler";
import type { ArmHandler } from "./handlers/armHandler";
import type { BesHandler } from "./handlers/besHandler";
import type { ClassicHandler } from "./handlers/classicHandler";
import type { RrsHandler } from "./handlers/rrsHandler";
import type { PortalHandler } from "./handlers/portalHandler";
import type { HandlerResponse, RequestInfo } from "./handlers/types";
import type { Logger } from "./logger";
import {
  envelopeOf,
  surfaceOf,
  surfaceOfRequest,
  type EmulatorRequest,
  type RequestInterceptor,
  type Surface,
} from "./requestContext";
import { armRoutes } from "./routes/armRoutes";
import { adminRoutes, classicRoutes } from "./routes/classicRoutes";
import { executionRoutes } from "./routes/executionRoutes";
import { portalRoutes } from "./routes/portalRoutes";
import type { RouteSpec } from "./routes/routeSpec";
import type { CallKind, CallStats } from "./services/callStats";
import type { ExecutionTargets } from "./services/executionTargets";
import type { EmulatorCredentials } from "./store/credentials";
import type { MetadataStore } from "./store/metadataStore";

/** Everything the application needs, built by the server. */
export interface AppDependencies {
  readonly config: EmulatorConfig;
  readonly logger: Logger;
  readonly credentials: EmulatorCredentials;
  readonly store: MetadataStore;
  readonly targets: ExecutionTargets;
  readonly handlers: {
    readonly arm: ArmHandler;
    readonly classic: ClassicHandler;
    readonly admin: AdminHandler;
    readonly bes: BesHandler;
    readonly rrs: RrsHandler;
    readonly portal: PortalHandler;
  };
  /** The portal's sign-in tokens and sessions. */
  readonly portal: PortalSessions;
  /** The public base URL (known once the server listens). */
  publicUrl(): string;
  /** Optional interceptor at the fault-injection seam. */
  readonly interceptor?: RequestInterceptor;
  /** Counts execution calls per service or endpoint (absent: nothing counted). */
  readonly calls?: CallStats;
  /** Certificate and key (PEM) to serve HTTPS instead of HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** Further surfaces that register their own routes (the v2 surface). */
  readonly surfaces?: readonly { register(app: FastifyInstance): void }[];
}

interface RouteConfig {
  readonly surface: Surface;
  readonly auth: AuthKind;
  readonly query: readonly string[];
  readonly accessLog: "info" | "debug";
  readonly calls: CallKind | undefined;
}

function firstValues(query: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    out[key] = Array.isArray(value)
      ? String(value[0])
      : value === undefined
        ? undefined
        : String(value);
  }
  return out;
}

/**
 * Builds the application (routes registered, not listening).
 * @param deps - configuration, stores and handlers
 */
export function createApp(deps: AppDependencies): FastifyInstance {
  const { config, logger, credentials, store, targets, handlers } = deps;
  const app = Fastify({
    logger: false,
    bodyLimit: config.maxBodyBytes,
    genReqId: () => randomUUID(),
    forceCloseConnections: true,
    return503OnClosing: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 512 },
    // HTTPS when given a certificate: Azure's SDKs send bearer tokens over TLS only.
    ...(deps.tls ? { https: { cert: deps.tls.cert, key: deps.tls.key } } : {}),
  }) as unknown as FastifyInstance;

  const infoOf = (request: FastifyRequest): RequestInfo => {
    const bound = deps.publicUrl();
    const wildcard = /^https?:\/\/(0\.0\.0\.0|\[::\])(:|$)/.test(bound);
    return {
      requestId: request.id,
      baseUrl: wildcard && request.headers.host ? `http://${request.headers.host}` : bound,
      path: request.url.split("?")[0],
      query: firstValues(request.query),
    };
  };

  // 1. Context: request id, start time, surface.
  app.addHook("onRequest", async (request: EmulatorRequest, reply) => {
    request.startedAt = process.hrtime.bigint();
    request.surface = surfaceOf(request.url);
    void reply.header("x-ms-request-id", request.id);
  });

  // 8. Access log (registered early so it covers every route; runs after the response): method, path (query redacted), status, time, request id. Never headers.
  // The logger redacts the line (the query's SAS signature) like every other line. Scoring and
  // health routes log at debug (their route says so): one line per scored row is too much.
  // The same hook counts an execution call once its target is known (after authentication).
  app.addHook("onResponse", async (request: EmulatorRequest, reply) => {
    const routeConfig = request.routeOptions.config as Partial<RouteConfig>;
    const level = routeConfig.accessLog ?? "info";
    const kind = routeConfig.calls;
    const target = request.executionTarget;
    const stats = deps.calls;
    const logged = logger.enabled(level);
    if (!logged && !(stats && kind && target)) return;
    const ms = request.startedAt ? Number(process.hrtime.bigint() - request.startedAt) / 1e6 : 0;
    if (stats && kind && target) stats.record(target.executionId, kind, reply.statusCode, ms);
    if (!logged) return;
    logger[level](
      `${request.method} ${request.url} ${reply.statusCode} ${ms.toFixed(1)}ms ${request.id}`,
    );
  });

  // 2. Fault-injection seam: the only place every request passes before doing work.
  app.addHook("onRequest", async (request, reply) => {
    if (deps.interceptor) await deps.interceptor(request, reply);
  });

  // 3. Authentication, as the route declares it (404s have no route config and no auth).
  const authenticators = createAuthenticators({
    credentials,
    store,
    targets,
    portal: deps.portal,
    listenHost: config.host,
  });
  app.addHook("onRequest", async (request: EmulatorRequest) => {
    const auth = (request.routeOptions.config as Partial<RouteConfig>).auth;
    if (auth === undefined || auth === "none") return;
    authenticators[auth](request);
  });

  // 4. Query validation: ARM needs a known api-version; --strict rejects unknown parameters.
  app.addHook("onRequest", async (request: EmulatorRequest) => {
    const route = request.routeOptions.config as Partial<RouteConfig>;
    if (!route.surface) return;
    const query = firstValues(request.query);
    if (route.surface === "arm") {
      const version = query["api-version"];
      if (version === undefined || version === "") throw ErrorFactory.armMissingApiVersion();
      if (!ARM_API_VERSIONS.includes(version)) throw ErrorFactory.armInvalidApiVersion(version);
    }
    if (config.strict) {
      if (route.surface === "execution") {
        const version = query["api-version"];
        if (version !== EXECUTION_API_VERSION)
          throw ErrorFactory.badVersionCall(version ?? "(none)");
      }
      const allowed = new Set(["api-version", ...(route.query ?? [])].map((q) => q.toLowerCase()));
      const extra = Object.keys(query).find((name) => !allowed.has(name.toLowerCase()));
      if (extra !== undefined) throw ErrorFactory.unsupportedParameter(extra);
    }
  });

  // 5. Body parsing: JSON whatever the content type claims (samples send none, or text/plain);
  // an empty body is no body (BES start is sent with "", {} or nothing). JSON is UTF-8 (RFC 8259):
  // invalid bytes are refused, not turned into U+FFFD and scored or stored.
  app.removeAllContentTypeParsers();
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => {
    let text: string;
    try {
      text = typeof body === "string" ? body : utf8.decode(body);
    } catch {
      done(ErrorFactory.requestBodyInvalid("not valid UTF-8"), undefined);
      return;
    }
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch (error) {
      const reason = `not valid JSON (${(error as Error).message})`;
      done(ErrorFactory.requestBodyInvalid(reason), undefined);
    }
  });

  app.setNotFoundHandler((request) => {
    throw ErrorFactory.routeNotFound(request.method, request.url.split("?")[0]);
  });

  // 7. Errors, last: the only place an error becomes a response, in the envelope of the
  // request's surface (an error any surface may raise has a form for each).
  app.setErrorHandler(async (error: unknown, request, reply) => {
    let raised: HttpError;
    const code = (error as { code?: string }).code;
    const status = (error as { statusCode?: number }).statusCode;
    if (isHttpError(error)) {
      raised = error;
    } else if (code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      raised = ErrorFactory.requestBodyTooLarge(
        String(request.routeOptions.bodyLimit ?? config.maxBodyBytes),
      );
    } else if (typeof status === "number" && status >= 400 && status < 500) {
      raised = ErrorFactory.requestBodyInvalid((error as Error).message);
    } else {
      logger.error(
        `request ${request.id} ${request.method} ${request.url.split("?")[0]} failed: ${(error as Error)?.stack ?? String(error)}`,
      );
      raised = ErrorFactory.internalError(request.id);
    }
    const http = raised.inEnvelope(envelopeOf(surfaceOfRequest(request)));
    void reply.code(http.status);
    for (const [name, value] of Object.entries(http.headers)) void reply.header(name, value);
    if (http.status >= 400 && http.detailCode)
      void reply.header("x-ms-error-code", http.detailCode);
    return reply.type("application/json; charset=utf-8").send(JSON.stringify(http.toBody()));
  });

  // 6. Routes of every surface; each answer is written here and nowhere else.
  const send = async (reply: FastifyReply, response: HandlerResponse): Promise<void> => {
    void reply.code(response.status);
    for (const [name, value] of Object.entries(response.headers ?? {}))
      void reply.header(name, value);
    if (response.raw !== undefined)
      await reply.type(response.contentType ?? "application/octet-stream").send(response.raw);
    else if (response.body === undefined) await reply.send();
    else await reply.type("application/json; charset=utf-8").send(JSON.stringify(response.body));
  };
  const routes: RouteSpec[] = [
    ...armRoutes(handlers.arm),
    ...classicRoutes(handlers.classic),
    ...adminRoutes(handlers.admin),
    ...executionRoutes(handlers.bes, handlers.rrs, config.maxRrsBodyBytes),
    ...portalRoutes(handlers.portal, config.maxRrsBodyBytes),
    {
      surface: "health",
      auth: "none",
      method: "GET",
      url: "/health",
      accessLog: "debug",
      handle: () => ({ status: 200, body: { status: "ok" } }),
    },
  ];
  for (const spec of routes) {
    const routeConfig: RouteConfig = {
      surface: spec.surface,
      auth: spec.auth,
      query: spec.query ?? [],
      accessLog: spec.accessLog ?? "info",
      calls: spec.calls,
    };
    app.route({
      method: spec.method,
      url: spec.url,
      config: routeConfig,
      ...(spec.bodyLimit !== undefined ? { bodyLimit: spec.bodyLimit } : {}),
      handler: async (request, reply) => {
        const response = await spec.handle(
          request,
          request.params as Record<string, string>,
          infoOf(request),
        );
        await send(reply, response);
      },
    });
  }
  for (const surface of deps.surfaces ?? []) surface.register(app);

  return app;
}
