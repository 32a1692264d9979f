/**
 * The portal's credential, in the manner of Jupyter's: the start-up line prints a URL with a
 * one-time token; opening it exchanges the token for a session, held by the browser in an
 * HttpOnly, SameSite=Strict cookie scoped to `/portal`. The workspace token (from
 * `credentials.json`) can be pasted on the sign-in page instead, for a second browser or after
 * the one-time token was used.
 *
 * Every portal request, signed in or not, must also come from this machine's browser: its `Host`
 * must name a loopback address (or the address the emulator was told to listen on, which then
 * listens there on purpose), and a cross-site request (`Origin` of another site, or
 * `Sec-Fetch-Site: cross-site`) is refused, so a page elsewhere can neither read the portal nor
 * act through it, and a DNS name rebound to 127.0.0.1 gets nothing.
 *
 * Sessions live in memory: a restart signs everyone out (and prints a new one-time URL).
 */
import { ErrorFactory } from "../errors";
import type { EmulatorRequest } from "../requestContext";
import type { Authenticator } from "./authenticator";
import { newToken, secretEquals } from "./secrets";

/** The portal's path prefix. */
export const PORTAL_PATH = "/portal";
/** A session ends after this long without a request. */
export const PORTAL_SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** Sessions kept at most (the oldest go first): a portal has a few users, not thousands. */
const MAX_SESSIONS = 64;

/**
 * True for a host name only this machine can reach.
 * @param hostname - a host name or address (IPv6 with or without brackets)
 */
export function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return name === "localhost" || name === "::1" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * The host name of a `Host` header value (without its port).
 * @param host - e.g. `127.0.0.1:9700`, `[::1]:9700`, `localhost`
 */
export function hostnameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(0, trimmed.indexOf("]") + 1);
  const colon = trimmed.lastIndexOf(":");
  return colon >= 0 ? trimmed.slice(0, colon) : trimmed;
}

/**
 * Whether the portal answers a request addressed to this host name: loopback names always; the
 * `--host` the emulator listens on when it is not loopback (it was asked to listen there); any
 * name when it listens on every interface (`0.0.0.0`, `::`).
 * @param hostname - from the request's `Host` (or `Origin`)
 * @param listenHost - the emulator's `--host`
 */
export function portalHostAllowed(hostname: string, listenHost: string): boolean {
  if (hostname === "") return false;
  if (isLoopbackName(hostname)) return true;
  const listen = listenHost.toLowerCase().replace(/^\[|\]$/g, "");
  if (listen === "0.0.0.0" || listen === "::") return true;
  return hostname.replace(/^\[|\]$/g, "") === listen;
}

/**
 * Refuses a portal request that does not come from a page of the portal itself (see the file's
 * comment); returns when it may go on.
 * @param request - the request
 * @param listenHost - the emulator's `--host`
 */
export function checkPortalOrigin(request: EmulatorRequest, listenHost: string): void {
  const host = request.headers.host ?? "";
  if (!portalHostAllowed(hostnameOf(host), listenHost))
    throw ErrorFactory.portalOriginRefused(`the host "${hostnameOf(host)}"`);
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none")
    throw ErrorFactory.portalOriginRefused(`a ${String(site)} request`);
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw ErrorFactory.portalOriginRefused("an unreadable Origin");
  }
  if (url.host.toLowerCase() !== host.trim().toLowerCase())
    throw ErrorFactory.portalOriginRefused(`the origin "${url.origin}"`);
}

/**
 * The value of one cookie of a `Cookie` header.
 * @param header - the header
 * @param name - the cookie
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The one-time sign-in tokens and the sessions of the portal. */
export class PortalSessions {
  /** One-time tokens not used yet. */
  private readonly logins = new Set<string>();
  /** Session id → when it expires (ms since the epoch). */
  private readonly sessions = new Map<string, number>();
  private port = 0;
  private secure = false;

  /**
   * @param workspaceToken - accepted on the sign-in page too (read on every sign-in)
   * @param now - the clock (tests move it)
   */
  constructor(
    private readonly workspaceToken: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Sets the port the emulator listens on: the cookie's name carries it, so that emulators on
   * two ports of one machine (cookies are per host, not per port) keep their own sessions.
   * @param port - the bound port
   * @param secure - it serves HTTPS: the cookie is sent over HTTPS only
   */
  bind(port: number, secure = false): void {
    this.port = port;
    this.secure = secure;
  }

  /** The session cookie's name. */
  get cookieName(): string {
    return `azureml-portal-${this.port}`;
  }

  /** Mints a one-time sign-in token (printed in the start-up line's URL). */
  issueLoginToken(): string {
    const token = newToken();
    this.logins.add(token);
    return token;
  }

  /**
   * Exchanges a one-time token (then used up) or the workspace token for a new session id;
   * undefined when the token grants nothing.
   * @param token - what the browser sent
   */
  exchange(token: string): string | undefined {
    let login: string | undefined;
    for (const candidate of this.logins) if (secretEquals(token, candidate)) login = candidate;
    if (login !== undefined) this.logins.delete(login);
    else if (!secretEquals(token, this.workspaceToken())) return undefined;
    const id = newToken();
    const now = this.now();
    for (const [session, expires] of this.sessions)
      if (expires <= now) this.sessions.delete(session);
    while (this.sessions.size >= MAX_SESSIONS)
      this.sessions.delete(this.sessions.keys().next().value as string);
    this.sessions.set(id, now + PORTAL_SESSION_IDLE_MS);
    return id;
  }

  /**
   * Whether a session id is a live session; a live one is extended.
   * @param id - from the cookie
   */
  valid(id: string | undefined): boolean {
    if (id === undefined) return false;
    let found: string | undefined;
    for (const session of this.sessions.keys()) if (secretEquals(id, session)) found = session;
    if (found === undefined) return false;
    const now = this.now();
    if ((this.sessions.get(found) ?? 0) <= now) {
      this.sessions.delete(found);
      return false;
    }
    this.sessions.set(found, now + PORTAL_SESSION_IDLE_MS);
    return true;
  }

  /**
   * Ends a session (sign out).
   * @param id - from the cookie
   */
  end(id: string | undefined): void {
    if (id !== undefined) this.sessions.delete(id);
  }

  /**
   * The `Set-Cookie` value that starts a session.
   * @param id - the session id
   */
  cookie(id: string): string {
    return `${this.cookieName}=${id}; Path=${PORTAL_PATH}; HttpOnly; SameSite=Strict${this.secure ? "; Secure" : ""}`;
  }

  /** The `Set-Cookie` value that removes the session cookie. */
  clearedCookie(): string {
    return `${this.cookieName}=; Path=${PORTAL_PATH}; HttpOnly; SameSite=Strict${this.secure ? "; Secure" : ""}; Max-Age=0`;
  }

  /**
   * The session id a request carries (live or not).
   * @param request - the request
   */
  sessionOf(request: EmulatorRequest): string | undefined {
    return cookieValue(request.headers.cookie, this.cookieName);
  }
}

/**
 * The portal's two checks, for the two kinds of portal route: `portalPage` (the sign-in page and
 * what it needs: same-origin only; a live session, when there is one, is left on the request) and
 * `portal` (same-origin and a live session, or 401).
 * @param sessions - the sessions
 * @param listenHost - the emulator's `--host`
 */
export function portalAuthenticators(
  sessions: PortalSessions,
  listenHost: string,
): { portalPage: Authenticator; portal: Authenticator } {
  const page: Authenticator = (request) => {
    checkPortalOrigin(request, listenHost);
    const id = sessions.sessionOf(request);
    if (sessions.valid(id)) request.portalSession = id;
  };
  return {
    portalPage: page,
    portal: (request) => {
      page(request);
      if (request.portalSession === undefined) throw ErrorFactory.portalSessionRequired();
    },
  };
}
