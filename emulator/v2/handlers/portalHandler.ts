/**
 * What the portal does with an online endpoint besides reading it: hands the reader the
 * credential a client sends (only when asked for, through the portal's session), and scores a
 * body from the Test page by calling the emulator's own scoring route as a client would, with
 * that credential in `Authorization`, through the whole request pipeline (hooks, body limit,
 * error envelope) but without a socket: the answer is the one a direct scoring call gets.
 *
 * The credential never leaves the emulator on the scoring path: the portal's answer carries the
 * router's status, the deployment that answered and the body, nothing else.
 */
import { MODEL_DEPLOYMENT_HEADER, type OnlineEndpointProperties } from "../../../contract/v2";
import type { V2CredentialsView, V2ScoreView } from "../../portal/api";
import { PORTAL_TEST_HEADER } from "../constants";
import type { EndpointHandler, EndpointRecord } from "./endpointHandler";

/** A request to the emulator's own routes, answered in process (fastify's `inject`). */
export type InjectCall = (request: {
  readonly method: "POST";
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Buffer;
}) => Promise<{
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly rawPayload: Buffer;
}>;

/** Why the portal cannot hand out or use an endpoint's credential. */
export class PortalCredentialError extends Error {}

function header(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}

/** The portal's calls on online endpoints. */
export class V2PortalEndpoints {
  /**
   * @param endpoints - endpoint lookups and AML tokens
   * @param armToken - what an `AADToken` endpoint accepts (the Test page's calls only)
   * @param inject - calls the emulator's own routes in process
   */
  constructor(
    private readonly endpoints: EndpointHandler,
    private readonly armToken: string,
    private readonly inject: InjectCall,
  ) {}

  private authModeOf(record: EndpointRecord): string {
    return (record.body.properties as unknown as OnlineEndpointProperties).authMode;
  }

  /**
   * The credential a client of the endpoint sends: its keys (`Key`) or a new AML token
   * (`AMLToken`, as `POST …/token` issues); undefined when there is no such endpoint.
   * @param name - the endpoint
   * @throws PortalCredentialError for an `AADToken` endpoint (an Entra token is not the
   *   endpoint's to give)
   */
  credentials(name: string): V2CredentialsView | undefined {
    const record = this.endpoints.endpointByName(name);
    if (!record?.secrets) return undefined;
    const authMode = this.authModeOf(record);
    if (authMode === "Key") {
      return {
        authMode,
        primary: record.secrets.primaryKey,
        secondary: record.secrets.secondaryKey,
        expiresOn: undefined,
      };
    }
    if (authMode === "AMLToken") {
      const token = this.endpoints.token(record.workspace, record.name).body!;
      return {
        authMode,
        primary: token.accessToken,
        secondary: undefined,
        expiresOn: new Date(token.expiryTimeUtc * 1000).toISOString(),
      };
    }
    throw new PortalCredentialError(
      `The endpoint '${record.name}' takes ${authMode}: a Microsoft Entra token (on the emulator, its ARM token), not a credential of the endpoint.`,
    );
  }

  /**
   * Sends a body to the endpoint's scoring route as a client would; undefined when there is no
   * such endpoint.
   * @param name - the endpoint
   * @param body - the request body, as it is sent
   * @param deployment - the deployment to call (`azureml-model-deployment`), or undefined for the
   *   endpoint's traffic to pick one
   */
  async score(
    name: string,
    body: Buffer,
    deployment: string | undefined,
  ): Promise<V2ScoreView | undefined> {
    const record = this.endpoints.endpointByName(name);
    if (!record?.secrets) return undefined;
    const authMode = this.authModeOf(record);
    const now = Date.now();
    const credential =
      authMode === "Key"
        ? record.secrets.primaryKey
        : authMode === "AMLToken"
          ? (record.secrets.tokens.find((t) => t.expiresAt > now + 60_000)?.token ??
            this.endpoints.token(record.workspace, record.name).body!.accessToken)
          : this.armToken;
    const answer = await this.inject({
      method: "POST",
      url: `/inference/${encodeURIComponent(record.name)}/score`,
      headers: {
        authorization: `Bearer ${credential}`,
        "content-type": "application/json",
        [PORTAL_TEST_HEADER]: "1",
        ...(deployment !== undefined && deployment !== ""
          ? { [MODEL_DEPLOYMENT_HEADER]: deployment }
          : {}),
      },
      payload: body,
    });
    return {
      status: answer.statusCode,
      deployment: header(answer.headers[MODEL_DEPLOYMENT_HEADER]),
      contentType: header(answer.headers["content-type"]),
      body: answer.rawPayload.toString("utf8"),
    };
  }
}
