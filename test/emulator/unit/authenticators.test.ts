/**
 * The authenticators of `emulator/auth/`, one per credential kind, on their own: which header
 * grants access, which error each refusal is, and what an accepted request carries on to the
 * handler. (`test/reliability/authMatrix.test.ts` drives every route over HTTP.)
 */
import { expect } from "chai";
import { createAuthenticators, type CredentialKind } from "../../../emulator/auth";
import { PortalSessions } from "../../../emulator/auth/portalSession";
import { isHttpError } from "../../../emulator/errors";
import type { EmulatorRequest } from "../../../emulator/requestContext";
import type { ExecutionTarget } from "../../../emulator/services/executionTargets";
import type { ClassicEndpointRecord, ClassicServiceRecord } from "../../../emulator/store/records";

const credentials = { armToken: "arm-token", workspaceToken: "workspace-token" };
const service = { key: "ws1/svc1" } as ClassicServiceRecord;
const endpoint = {
  primaryKey: "ep-primary",
  secondaryKey: "ep-secondary",
} as ClassicEndpointRecord;
const target: ExecutionTarget = {
  executionId: "e1",
  label: "svc1",
  keys: ["svc-primary", "svc-secondary"],
  serving: undefined,
  state: "Succeeded",
  defaultStorage: undefined,
};

const sessions = new PortalSessions(() => credentials.workspaceToken);
sessions.bind(9700);

const authenticators = createAuthenticators({
  credentials,
  portal: sessions,
  listenHost: "127.0.0.1",
  store: {
    getClassicService: (ws, id) => (ws === "ws1" && id === "svc1" ? service : undefined),
    getEndpoint: (key, name) => (key === service.key && name === "ep1" ? endpoint : undefined),
  },
  targets: {
    resolve: (kind, scope, id) =>
      kind === "subscriptions" && scope === "sub1" && id === "e1" ? target : undefined,
  },
});

function request(authorization: string | undefined, params: Record<string, string> = {}) {
  return {
    headers: authorization === undefined ? {} : { authorization },
    params,
  } as unknown as EmulatorRequest;
}

/** Runs an authenticator: "ok", or the refusal as `status code/detail code`. */
function outcome(kind: CredentialKind, req: EmulatorRequest): string {
  try {
    authenticators[kind](req);
    return "ok";
  } catch (error) {
    if (!isHttpError(error)) throw error;
    return `${error.status} ${error.code}/${error.detailCode ?? "-"}`;
  }
}

describe("emulator authenticators", function () {
  it("arm: the ARM token only; a missing header and a wrong token are different errors", function () {
    expect(outcome("arm", request("Bearer arm-token"))).to.equal("ok");
    expect(outcome("arm", request(undefined))).to.equal("401 AuthenticationFailed/-");
    expect(outcome("arm", request("Bearer workspace-token"))).to.equal(
      "401 InvalidAuthenticationToken/-",
    );
    expect(outcome("arm", request("Basic arm-token"))).to.equal("401 InvalidAuthenticationToken/-");
  });

  it("workspace: the workspace token only", function () {
    expect(outcome("workspace", request("Bearer workspace-token"))).to.equal("ok");
    const refused = "401 Unauthorized/ManagementRequestUnauthorized";
    expect(outcome("workspace", request(undefined))).to.equal(refused);
    expect(outcome("workspace", request("Bearer arm-token"))).to.equal(refused);
    expect(outcome("workspace", request("Bearer ep-primary"))).to.equal(refused);
  });

  it("workspaceOrEndpointKey: the workspace token or that endpoint's own key, leaving the endpoint read", function () {
    const params = { workspaceId: "ws1", webServiceId: "svc1", endpointName: "ep1" };
    const byKey = request("Bearer ep-secondary", params);
    expect(outcome("workspaceOrEndpointKey", byKey)).to.equal("ok");
    expect(byKey.classicEndpoint).to.deep.equal({ service, endpoint });
    expect(outcome("workspaceOrEndpointKey", request("Bearer workspace-token", params))).to.equal(
      "ok",
    );
    const refused = "401 Unauthorized/ManagementRequestUnauthorized";
    expect(outcome("workspaceOrEndpointKey", request("Bearer svc-primary", params))).to.equal(
      refused,
    );
    // Another endpoint's name: its key is not this one's, and nothing is left for the handler.
    const other = request("Bearer workspace-token", { ...params, endpointName: "ep2" });
    expect(outcome("workspaceOrEndpointKey", other)).to.equal("ok");
    expect(other.classicEndpoint).to.equal(undefined);
    expect(
      outcome(
        "workspaceOrEndpointKey",
        request("Bearer ep-primary", { ...params, endpointName: "ep2" }),
      ),
    ).to.equal(refused);
  });

  it("executionKey: only the addressed target's keys, leaving the target; an unknown target is 404", function () {
    const params = { subscriptionId: "sub1", executionId: "e1" };
    const accepted = request("Bearer svc-secondary", params);
    expect(outcome("executionKey", accepted)).to.equal("ok");
    expect(accepted.executionTarget).to.equal(target);
    expect(outcome("executionKey", request("Bearer workspace-token", params))).to.equal(
      "401 Unauthorized/ScoreRequestUnauthorized",
    );
    expect(
      outcome("executionKey", request("Bearer svc-primary", { ...params, executionId: "e2" })),
    ).to.equal("404 NotFound/WebServiceNotFound");
    // The same id under a workspace URL is another target.
    expect(
      outcome(
        "executionKey",
        request("Bearer svc-primary", { workspaceId: "sub1", executionId: "e1" }),
      ),
    ).to.equal("404 NotFound/WebServiceNotFound");
  });

  it("portal: a live session from a page of this machine; portalPage: the same page, signed in or not", function () {
    const id = sessions.exchange("workspace-token");
    if (id === undefined) throw new Error("the workspace token signs in");
    const page = (headers: Record<string, string>) =>
      ({
        headers: { host: "127.0.0.1:9700", ...headers },
        params: {},
      }) as unknown as EmulatorRequest;
    const signedIn = page({ cookie: `other=1; azureml-portal-9700=${id}` });
    expect(outcome("portal", signedIn)).to.equal("ok");
    expect(signedIn.portalSession).to.equal(id);
    const refused = "401 Unauthorized/PortalSessionRequired";
    expect(outcome("portal", page({}))).to.equal(refused);
    expect(outcome("portal", page({ cookie: "azureml-portal-9700=forged" }))).to.equal(refused);
    // Another emulator's cookie (another port) is not this one's session.
    expect(outcome("portal", page({ cookie: `azureml-portal-9701=${id}` }))).to.equal(refused);
    expect(outcome("portal", request("Bearer workspace-token"))).to.equal(
      "403 Forbidden/PortalOriginRefused",
    );
    const anonymous = page({});
    expect(outcome("portalPage", anonymous)).to.equal("ok");
    expect(anonymous.portalSession).to.equal(undefined);
    expect(
      outcome(
        "portalPage",
        page({ cookie: `azureml-portal-9700=${id}`, origin: "http://evil.example" }),
      ),
    ).to.equal("403 Forbidden/PortalOriginRefused");
  });
});
