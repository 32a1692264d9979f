/**
 * What handlers receive and return. Handlers never touch the HTTP reply: they return a
 * {@link HandlerResponse} (status, headers, JSON body) that the route glue in `app.ts` writes,
 * and they throw `HttpError`s that the error handler renders.
 */

/** A handler's answer. */
export interface HandlerResponse<T = unknown> {
  readonly status: number;
  /** JSON body; undefined for an empty body. */
  readonly body?: T;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A body sent as it is with {@link HandlerResponse.contentType}: one that is not JSON (the
   * portal's page, scripts and downloads), or JSON already written as text by a handler that
   * knows its shape ahead (RRS scoring); `body` is ignored when it is set.
   */
  readonly raw?: string | Uint8Array;
  /** The content type of {@link HandlerResponse.raw}. */
  readonly contentType?: string;
}

/** Request facts a handler may need besides its parameters and body. */
export interface RequestInfo {
  /** Also returned as `x-ms-request-id`. */
  readonly requestId: string;
  /** Public base URL of the emulator, without a trailing slash (for absolute links). */
  readonly baseUrl: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query parameters (first value of each). */
  readonly query: Readonly<Record<string, string | undefined>>;
}
