/**
 * The portal's sign-in and same-origin rules (`emulator/auth/portalSession.ts`): a one-time token
 * signs in once, the workspace token every time, nothing else; sessions expire when idle and end
 * on sign-out; which host names and origins the portal answers.
 */
import { expect } from "chai";
import {
  checkPortalOrigin,
  cookieValue,
  hostnameOf,
  isLoopbackName,
  PORTAL_SESSION_IDLE_MS,
  portalHostAllowed,
  PortalSessions,
} from "../../../emulator/auth/portalSession";
import { isHttpError } from "../../../emulator/errors";
import type { EmulatorRequest } from "../../../emulator/requestContext";

function originOutcome(headers: Record<string, string>, listenHost = "127.0.0.1"): string {
  try {
    checkPortalOrigin({ headers } as unknown as EmulatorRequest, listenHost);
    return "ok";
  } catch (error) {
    if (!isHttpError(error)) throw error;
    return `${error.status} ${error.message.split("; ")[1]}`;
  }
}

describe("emulator portal sessions", function () {
  it("signs in once with a one-time token, and with the workspace token every time", function () {
    let now = 1_000_000;
    const sessions = new PortalSessions(
      () => "workspace",
      () => now,
    );
    const login = sessions.issueLoginToken();
    expect(login).to.match(/^[\w-]{43}$/);
    const first = sessions.exchange(login);
    expect(first).to.match(/^[\w-]{43}$/);
    expect(sessions.exchange(login), "used up").to.equal(undefined);
    expect(sessions.exchange("not a token")).to.equal(undefined);
    expect(sessions.exchange("workspace")).to.match(/^[\w-]{43}$/);
    expect(sessions.exchange("workspace")).to.match(/^[\w-]{43}$/);
    expect(sessions.valid(first)).to.equal(true);
    expect(sessions.valid("guessed")).to.equal(false);
    expect(sessions.valid(undefined)).to.equal(false);

    // A session lives while it is used, and ends when idle too long or signed out.
    now += PORTAL_SESSION_IDLE_MS - 1;
    expect(sessions.valid(first), "used just in time: extended").to.equal(true);
    now += PORTAL_SESSION_IDLE_MS - 1;
    expect(sessions.valid(first)).to.equal(true);
    now += PORTAL_SESSION_IDLE_MS;
    expect(sessions.valid(first), "idle too long").to.equal(false);
    const second = sessions.exchange("workspace");
    sessions.end(second);
    expect(sessions.valid(second), "signed out").to.equal(false);
  });

  it("names its cookie after the port, HttpOnly, SameSite=Strict, for /portal only, Secure over HTTPS", function () {
    const sessions = new PortalSessions(() => "workspace");
    sessions.bind(53412);
    expect(sessions.cookie("abc")).to.equal(
      "azureml-portal-53412=abc; Path=/portal; HttpOnly; SameSite=Strict",
    );
    expect(sessions.clearedCookie()).to.equal(
      "azureml-portal-53412=; Path=/portal; HttpOnly; SameSite=Strict; Max-Age=0",
    );
    sessions.bind(53413, true);
    expect(sessions.cookie("abc"), "over HTTPS").to.equal(
      "azureml-portal-53413=abc; Path=/portal; HttpOnly; SameSite=Strict; Secure",
    );
    expect(sessions.clearedCookie(), "over HTTPS").to.equal(
      "azureml-portal-53413=; Path=/portal; HttpOnly; SameSite=Strict; Secure; Max-Age=0",
    );
    expect(cookieValue("a=1; azureml-portal-53412=abc; b=2", "azureml-portal-53412")).to.equal(
      "abc",
    );
    expect(cookieValue("azureml-portal-534120=abc", "azureml-portal-53412")).to.equal(undefined);
    expect(cookieValue(undefined, "x")).to.equal(undefined);
  });

  it("answers this machine's names, and the --host it was told to listen on", function () {
    expect(
      ["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1", "LOCALHOST"].map(isLoopbackName),
    ).to.deep.equal([true, true, true, true, true, true]);
    expect(
      ["10.0.0.5", "evil.example", "localhost.evil.example", "128.0.0.1"].map(isLoopbackName),
    ).to.deep.equal([false, false, false, false]);
    expect(
      ["127.0.0.1:9700", "[::1]:9700", "Localhost", "example.org:80"].map(hostnameOf),
    ).to.deep.equal(["127.0.0.1", "[::1]", "localhost", "example.org"]);
    expect(portalHostAllowed("localhost", "127.0.0.1")).to.equal(true);
    expect(portalHostAllowed("10.0.0.5", "127.0.0.1"), "not where it listens").to.equal(false);
    expect(portalHostAllowed("10.0.0.5", "10.0.0.5"), "where it was told to listen").to.equal(true);
    expect(portalHostAllowed("box.lan", "0.0.0.0"), "every interface, on purpose").to.equal(true);
    expect(portalHostAllowed("", "0.0.0.0")).to.equal(false);
  });

  it("refuses other sites: by Origin, by Sec-Fetch-Site, by Host", function () {
    const host = { host: "127.0.0.1:9700" };
    expect(originOutcome(host)).to.equal("ok");
    expect(originOutcome({ ...host, origin: "http://127.0.0.1:9700" })).to.equal("ok");
    expect(originOutcome({ ...host, "sec-fetch-site": "same-origin" })).to.equal("ok");
    expect(
      originOutcome({ ...host, "sec-fetch-site": "none" }),
      "a typed URL or a bookmark",
    ).to.equal("ok");
    expect(originOutcome({ ...host, origin: "http://localhost:9700" })).to.equal(
      '403 the origin "http://localhost:9700" was refused.',
    );
    expect(originOutcome({ ...host, origin: "null" })).to.equal(
      "403 an unreadable Origin was refused.",
    );
    expect(originOutcome({ ...host, "sec-fetch-site": "same-site" })).to.equal(
      "403 a same-site request was refused.",
    );
    expect(originOutcome({ host: "evil.example:9700" })).to.equal(
      '403 the host "evil.example" was refused.',
    );
    expect(originOutcome({})).to.equal('403 the host "" was refused.');
    expect(
      originOutcome({ host: "10.0.0.5:9700", origin: "http://10.0.0.5:9700" }, "10.0.0.5"),
    ).to.equal("ok");
  });
});
