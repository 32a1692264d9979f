/**
 * The one HTTP stack every client uses: the Azure SDK's core pipeline (`@azure/core-rest-pipeline`)
 * with our retry strategies, a bearer-token policy, per-request timeouts and JSON handling, and one
 * error type whose message is safe to print (no keys, tokens or SAS signatures).
 *
 * Serialization note: this module is copied by value into the retrain provider's closure, so npm
 * modules are used through namespace imports (serialized as `require(...)`) and nothing stateful
 * lives at module scope. `@azure/identity` is required lazily, only for a real Azure endpoint: its
 * managed-identity probe would otherwise try 169.254.169.254.
 */
import type * as corePipeline from "@azure/core-rest-pipeline";
import { corePipelineModule, identityModule } from "./modules";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { isNamedError, namedError, type NamedError } from "./errors";
import { redactSecrets } from "./redact";

/** How a client authenticates. */
export type CredentialSpec =
  /** A static bearer token: the emulator's tokens, a workspace token, a service or endpoint key. */
  | { readonly kind: "token"; readonly token: string }
  /** Microsoft Entra ID through `DefaultAzureCredential` (environment, workload identity, CLI...). */
  | { readonly kind: "azure" };

/** A static token when there is one (the emulator), else Microsoft Entra ID (Azure). */
export function credentialFor(token: string | undefined): CredentialSpec {
  return token ? { kind: "token", token } : { kind: "azure" };
}

/** Retry behaviour; defaults suit interactive `pulumi up` runs against Azure or the emulator. */
export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  readonly maxRetries?: number;
  /** Base of the exponential backoff in ms (default 500). */
  readonly retryDelayMs?: number;
  /** Cap of a single backoff or Retry-After wait in ms (default 30 000). */
  readonly maxRetryDelayMs?: number;
}

/** Options of {@link JsonHttpClient}. */
export interface HttpClientOptions {
  /** Credential sent as `Authorization: Bearer ...`; none for anonymous calls. */
  readonly credential?: CredentialSpec;
  /** Token scope for `kind: "azure"` credentials (default the ARM scope). */
  readonly scope?: string;
  /** Retry behaviour. */
  readonly retry?: RetryOptions;
  /** Per-attempt timeout in ms (default 60 000). */
  readonly timeoutMs?: number;
  /** Called before each retry with a printable reason (status or error code). */
  readonly onRetry?: (reason: string, attempt: number, waitMs: number) => void;
}

/** Which wire envelope a service speaks, so errors parse the right way. */
export type Surface = "arm" | "classic" | "execution" | "blob";

/** Members of an HTTP error from a service. */
export interface ServiceErrorInfo {
  /** HTTP status (0 for a network error). */
  readonly status: number;
  /** `error.code` of the body (e.g. `BadArgument`, `NotFound`), or a network error code. */
  readonly code: string;
  /** First `error.details[].code` (e.g. `InvalidBlobExtension`), when present. */
  readonly detailCode?: string;
  /** All detail entries. */
  readonly details: { code: string; target?: string; message: string }[];
  /** `x-ms-request-id` of the response, for support. */
  readonly requestId?: string;
}

/** An HTTP error from a service, with the Azure error code and details, safe to print. */
export type ServiceError = NamedError<ServiceErrorInfo>;

/** Builds a {@link ServiceError}; its message names method, URL (no query), status and codes. */
export function serviceError(init: {
  method: string;
  url: string;
  status: number;
  code: string;
  message: string;
  details?: { code: string; target?: string; message: string }[];
  requestId?: string;
}): ServiceError {
  const details = init.details ?? [];
  const detailText = details.length
    ? ` (${details.map((d) => `${d.code}${d.target ? ` [${d.target}]` : ""}: ${d.message}`).join("; ")})`
    : "";
  return namedError(
    "ServiceError",
    redactSecrets(
      `${init.method} ${stripQuery(init.url)} failed: ${init.status || "network"} ${init.code}: ${init.message}${detailText}`,
    ),
    {
      status: init.status,
      code: init.code,
      details: details.map((d) => ({ ...d, message: redactSecrets(d.message) })),
      detailCode: details[0]?.code,
      requestId: init.requestId,
    },
  );
}

/** True when `e` is a {@link ServiceError} with the given status (and code, when given). */
export function isServiceError(e: unknown, status?: number, code?: string): e is ServiceError {
  if (!isNamedError(e, "ServiceError")) return false;
  return (status === undefined || e.status === status) && (code === undefined || e.code === code);
}

/** A response with its parsed JSON body (undefined for an empty body). */
export interface JsonResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Record<string, string>;
}

/** Per-request options. */
export interface RequestOptions {
  /** Extra headers. */
  readonly headers?: Record<string, string>;
  /** Statuses that are answered, not thrown, besides 2xx (e.g. 404 on a probe). */
  readonly passStatuses?: readonly number[];
}

/** Drops the query string: it can hold SAS signatures or api-versions nobody needs in a message. */
function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : url.slice(0, i);
}

const ARM_SCOPE = "https://management.azure.com/.default";

/**
 * Retry strategies for the core pipeline's `retryPolicy`: Retry-After first (429/503, capped), then
 * exponential backoff with jitter for 408/429/5xx (not 501/505) and transient network errors.
 * The core's own default skips a 429 that carries no Retry-After; an emulator or proxy sends those.
 */
export function retryStrategies(
  options: RetryOptions,
  onRetry?: HttpClientOptions["onRetry"],
): corePipeline.RetryStrategy[] {
  const base = options.retryDelayMs ?? 500;
  const cap = options.maxRetryDelayMs ?? 30_000;
  const networkCodes = new Set([
    "ETIMEDOUT",
    "ESOCKETTIMEDOUT",
    "ECONNREFUSED",
    "ECONNRESET",
    "EPIPE",
    "ENOTFOUND",
    "EAI_AGAIN",
    "UND_ERR_SOCKET",
  ]);
  const retryAfterMs = (response: corePipeline.PipelineResponse): number | undefined => {
    for (const [name, factor] of [
      ["retry-after-ms", 1],
      ["x-ms-retry-after-ms", 1],
      ["retry-after", 1000],
    ] as const) {
      const raw = response.headers.get(name);
      if (raw === undefined) continue;
      const n = Number(raw);
      if (Number.isFinite(n) && n >= 0) return n * factor;
      const date = Date.parse(raw);
      if (Number.isFinite(date)) return Math.max(0, date - Date.now());
    }
    return undefined;
  };
  return [
    {
      name: "retryAfter",
      retry({ response, retryCount }) {
        if (!response || (response.status !== 429 && response.status !== 503))
          return { skipStrategy: true };
        const wait = retryAfterMs(response);
        if (wait === undefined) return { skipStrategy: true };
        const bounded = Math.min(wait, cap);
        onRetry?.(`HTTP ${response.status} (Retry-After)`, retryCount + 1, bounded);
        return { retryAfterInMs: bounded };
      },
    },
    {
      name: "exponentialWithJitter",
      retry({ response, responseError, retryCount }) {
        const status = response?.status;
        const retriableStatus =
          status !== undefined &&
          (status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505));
        const errorCode = (responseError as { code?: string } | undefined)?.code;
        const retriableError = !response && errorCode !== undefined && networkCodes.has(errorCode);
        if (!retriableStatus && !retriableError) {
          return responseError && !response
            ? { errorToThrow: responseError }
            : { skipStrategy: true };
        }
        const exponential = Math.min(cap, base * 2 ** retryCount);
        // "Equal jitter": half fixed, half random, so clients that failed together spread out.
        const wait = exponential / 2 + Math.random() * (exponential / 2);
        onRetry?.(
          status !== undefined ? `HTTP ${status}` : (errorCode ?? "network error"),
          retryCount + 1,
          wait,
        );
        return { retryAfterInMs: wait };
      },
    },
  ];
}

/** A JSON-over-HTTP client on the core pipeline, with retries and a bearer credential. */
export class JsonHttpClient {
  private readonly pipeline: corePipeline.Pipeline;
  private readonly httpClient: corePipeline.HttpClient;
  private readonly timeoutMs: number;

  constructor(options: HttpClientOptions = {}) {
    const core = corePipelineModule();
    const pipeline = core.createPipelineFromOptions({ retryOptions: { maxRetries: 0 } });
    // Our retry policy replaces the default one (see retryStrategies for why).
    pipeline.removePolicy({ name: "defaultRetryPolicy" });
    pipeline.addPolicy(
      core.retryPolicy(retryStrategies(options.retry ?? {}, options.onRetry), {
        maxRetries: options.retry?.maxRetries ?? 5,
      }),
      { phase: "Retry" },
    );
    const credential = options.credential;
    if (credential?.kind === "token") {
      pipeline.addPolicy({
        name: "staticBearerToken",
        sendRequest(request, next) {
          request.headers.set("Authorization", `Bearer ${credential.token}`);
          return next(request);
        },
      });
    } else if (credential?.kind === "azure") {
      pipeline.addPolicy(
        core.bearerTokenAuthenticationPolicy({
          credential: lazyAzureCredential(),
          scopes: options.scope ?? ARM_SCOPE,
        }),
      );
    }
    this.pipeline = pipeline;
    this.httpClient = core.createDefaultHttpClient();
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /**
   * Sends a request and parses the JSON answer. Non-success statuses throw {@link ServiceError}
   * with the body's Azure error code, unless listed in `passStatuses`.
   */
  async request<T = unknown>(
    method: "GET" | "PUT" | "POST" | "PATCH" | "DELETE",
    url: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<JsonResponse<T>> {
    const core = corePipelineModule();
    const request = core.createPipelineRequest({
      url,
      method,
      timeout: this.timeoutMs,
      allowInsecureConnection: url.startsWith("http://"),
      headers: core.createHttpHeaders({
        Accept: "application/json",
        ...(body !== undefined ? { "Content-Type": "application/json; charset=utf-8" } : {}),
        ...options.headers,
      }),
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    let response: corePipeline.PipelineResponse;
    try {
      response = await this.pipeline.sendRequest(this.httpClient, request);
    } catch (e) {
      const err = e as { code?: string; message?: string; statusCode?: number };
      throw serviceError({
        method,
        url,
        status: err.statusCode ?? 0,
        code: err.code ?? "RequestSendError",
        message: err.message ?? String(e),
      });
    }
    const headers = response.headers.toJSON();
    const text = response.bodyAsText ?? "";
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    const ok = response.status >= 200 && response.status < 300;
    if (!ok && !options.passStatuses?.includes(response.status)) {
      throw errorFromResponse(method, url, response.status, parsed, headers["x-ms-request-id"]);
    }
    return { status: response.status, body: parsed as T, headers };
  }
}

/** Builds a {@link ServiceError} from an Azure error body (classic or ARM envelope). */
export function errorFromResponse(
  method: string,
  url: string,
  status: number,
  body: unknown,
  requestId?: string,
): ServiceError {
  const envelope = (
    body as { error?: { code?: string; message?: string; details?: unknown } } | undefined
  )?.error;
  const details = Array.isArray(envelope?.details)
    ? (envelope.details as { code?: string; target?: string; message?: string }[]).map((d) => ({
        code: String(d.code ?? "Unknown"),
        target: d.target,
        message: String(d.message ?? ""),
      }))
    : [];
  return serviceError({
    method,
    url,
    status,
    code: envelope?.code ?? `HTTP${status}`,
    message:
      envelope?.message ??
      (typeof body === "string" && body ? body.slice(0, 500) : "no error body"),
    details,
    requestId,
  });
}

/**
 * A TokenCredential that loads `@azure/identity` on first use. Constructing clients for a plan or
 * a preview therefore never loads it, and the local stack (static tokens) never does.
 */
function lazyAzureCredential(): TokenCredential {
  let inner: TokenCredential | undefined;
  return {
    async getToken(scopes, options): Promise<AccessToken | null> {
      inner ??= new (identityModule().DefaultAzureCredential)();
      return inner.getToken(scopes, options);
    },
  };
}
