/**
 * The page's calls to the portal API: same-origin `fetch` with the session cookie (the browser
 * sends it; the page never sees it). An expired session sends the browser back to the sign-in page.
 */
import type { PortalErrorBody } from "../api";

/** An answer of the API that is not a success, with the API's own message. */
export class ApiError extends Error {
  /**
   * @param status - HTTP status
   * @param code - the error's detail code (or its code)
   * @param message - the API's message
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/portal/api/${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text === "" ? undefined : (JSON.parse(text) as unknown);
  if (!response.ok) {
    const error = (parsed as PortalErrorBody | undefined)?.error;
    const code = error?.details?.[0]?.code ?? error?.code ?? String(response.status);
    if (code === "PortalSessionRequired") window.location.assign("/portal/");
    throw new ApiError(response.status, code, error?.message ?? `HTTP ${response.status}`);
  }
  return parsed as T;
}

/** `GET /portal/api/{path}`. */
export function get<T>(path: string): Promise<T> {
  return call<T>("GET", path);
}

/** `POST /portal/api/{path}` with a JSON body. */
export function post<T>(path: string, body: unknown = {}): Promise<T> {
  return call<T>("POST", path, body);
}

/** Ends the session and shows the sign-in page. */
export async function signOut(): Promise<void> {
  await fetch("/portal/api/session", { method: "DELETE" });
  window.location.assign("/portal/");
}
