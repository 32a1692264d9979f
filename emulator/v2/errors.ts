/**
 * Every error the v2 surface answers with, one static method per error so that each status,
 * code and message is pinned here (catalogued in `docs/v2.md`). Management errors render the ARM
 * envelope with `details` and `additionalInfo` (the component and the correlation ids); scoring
 * errors render `{"error":{code,message}}`. Messages never contain a key, token or SAS.
 */
import type { ScoringErrorBody, V2ErrorBody } from "../../contract/v2";
import { HttpError, type ErrorDetail } from "../errors/httpError";
import { API_VERSION_RANGE } from "./constants";

/** An error of the v2 management surface (ARM envelope). */
export class V2Error extends HttpError {
  /** ARM envelope. */
  readonly envelope = "arm";
  /** Set by the surface's error handler: the request it answers. */
  correlationId: string | undefined;

  /** Renders the ARM error body with the correlation ids. */
  toBody(): V2ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target !== undefined ? { target: this.target } : {}),
        details: this.details.map((d) => ({ ...d })),
        additionalInfo: [
          { type: "ComponentName", info: { value: "managementfrontend" } },
          {
            type: "Correlation",
            info: {
              value: { operation: this.correlationId ?? "", request: this.correlationId ?? "" },
            },
          },
        ],
      },
    };
  }
}

/** An error of the scoring data plane (`{"error":{code,message}}`). */
export class ScoringError extends HttpError {
  /** Rendered like ARM's body, without details. */
  readonly envelope = "arm";

  /** The scoring error body. */
  toBody(): ScoringErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

const userError = (
  status: number,
  message: string,
  options: { target?: string; details?: ErrorDetail[]; headers?: Record<string, string> } = {},
): V2Error => new V2Error(status, "UserError", message, options);

/** Builds the v2 surface's errors. */
export class V2Errors {
  // ------------------------------------------------------------------------------------------
  // Request pipeline
  // ------------------------------------------------------------------------------------------

  /** No `Authorization` header on a management request. */
  static authenticationMissing(): V2Error {
    return new V2Error(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
      { headers: { "WWW-Authenticate": 'Bearer realm="management"' } },
    );
  }

  /** A bearer token that is not the emulator's ARM token. */
  static invalidToken(): V2Error {
    return new V2Error(
      401,
      "InvalidAuthenticationToken",
      "The access token is invalid: use the emulator's ARM token.",
      { headers: { "WWW-Authenticate": 'Bearer realm="management"' } },
    );
  }

  /** No `api-version` query parameter. */
  static missingApiVersion(): V2Error {
    return new V2Error(
      400,
      "MissingApiVersionParameter",
      `The api-version query parameter (?api-version=) is required for all requests; ` +
        `use ${API_VERSION_RANGE.newest}.`,
    );
  }

  /**
   * An api-version outside the accepted range.
   * @param version - what was sent
   */
  static invalidApiVersion(version: string): V2Error {
    return new V2Error(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The emulator accepts dated api-versions from ` +
        `${API_VERSION_RANGE.oldest} to ${API_VERSION_RANGE.newest} (e.g. ${API_VERSION_RANGE.newest}).`,
    );
  }

  /**
   * A body member is missing or has a bad value.
   * @param target - the member, e.g. `properties.command`
   * @param reason - the rule it breaks and how to fix it
   */
  static invalidValue(target: string, reason: string): V2Error {
    const message = `Invalid value for '${target}': ${reason}`;
    return userError(400, message, {
      target,
      details: [{ code: "BadArgument", target, message }],
    });
  }

  /**
   * A name in a PUT path breaks the naming rule.
   * @param kind - what is named
   * @param name - the name
   * @param rule - the rule in words
   */
  static invalidName(kind: string, name: string, rule: string): V2Error {
    return userError(400, `'${name}' is not a valid ${kind} name: ${rule}.`, {
      target: "name",
    });
  }

  /**
   * An operation or feature the emulator does not implement.
   * @param what - what is not implemented
   */
  static notImplemented(what: string): V2Error {
    return new V2Error(501, "NotImplemented", `${what} is not implemented by the emulator.`);
  }

  /**
   * An unexpected failure, logged with the request id.
   * @param requestId - the request id
   */
  static internal(requestId: string): V2Error {
    return new V2Error(
      500,
      "InternalServerError",
      `The emulator failed to process the request (request id ${requestId}); see its log.`,
    );
  }

  // ------------------------------------------------------------------------------------------
  // Resources
  // ------------------------------------------------------------------------------------------

  /**
   * A workspace that does not exist.
   * @param resourceGroup - its resource group
   * @param name - its name
   */
  static workspaceNotFound(resourceGroup: string, name: string): V2Error {
    return new V2Error(
      404,
      "ResourceNotFound",
      `The Resource 'Microsoft.MachineLearningServices/workspaces/${name}' under resource group ` +
        `'${resourceGroup}' was not found.`,
    );
  }

  /**
   * A child resource of a workspace that does not exist.
   * @param description - what is missing, e.g. "Deployment green" or "Model census version 3"
   * @param where - where it was looked for, e.g. "endpoint churn, workspace ml"
   */
  static notFound(description: string, where: string): V2Error {
    return userError(404, `${description} not found in ${where}.`, {
      details: [{ code: "NotFound", message: `${description} not found.` }],
    });
  }

  /**
   * An asset reference that names no asset.
   * @param target - the member holding the reference
   * @param reference - the reference
   */
  static assetNotFound(target: string, reference: string): V2Error {
    const message = `'${target}' refers to '${reference}', which does not exist in this workspace.`;
    return userError(404, message, { target, details: [{ code: "NotFound", target, message }] });
  }

  /**
   * A write while another long-running operation on the same endpoint is running.
   * @param what - the endpoint
   */
  static operationInProgress(what: string): V2Error {
    return new V2Error(
      409,
      "Conflict",
      `Another operation is in progress on ${what}; wait for it to finish and try again.`,
      { headers: { "Retry-After": "1" } },
    );
  }

  /**
   * A version PUT again with different content: versions are immutable.
   * @param what - e.g. "model census version 3"
   * @param field - the first member that differs
   */
  static versionImmutable(what: string, field: string): V2Error {
    return userError(
      409,
      `${what} already exists and its '${field}' cannot change: versions are immutable. ` +
        "Register a new version instead.",
      { target: field, details: [{ code: "Immutable", target: field, message: field }] },
    );
  }

  /**
   * A job PUT again under its name with a different definition.
   * @param name - the job name
   * @param field - the first member that differs
   */
  static jobExists(name: string, field: string): V2Error {
    return userError(
      400,
      `A job with this name already exists (${name}); '${field}' differs. Only description, ` +
        "tags, displayName, properties, and isArchived can be updated: submit the job under a " +
        "new name instead.",
      { target: field },
    );
  }

  /**
   * A deployment change that Azure does not make in place.
   * @param field - the member, e.g. `properties.model`
   */
  static deploymentFieldImmutable(field: string): V2Error {
    return userError(
      400,
      `'${field}' of a deployment cannot be changed in place: create a new deployment and move ` +
        "traffic to it.",
      { target: field },
    );
  }

  /**
   * A custom model deployment without a scoring script.
   */
  static missingDriverProgram(): V2Error {
    const message =
      "A custom model deployment needs 'properties.codeConfiguration' with a scoring script " +
      "(init() and run(raw_data)).";
    return new V2Error(400, "BadRequest", message, {
      target: "properties.codeConfiguration",
      details: [{ code: "MissingDriverProgram", message }],
    });
  }

  /**
   * Traffic or mirror traffic that breaks a rule.
   * @param target - `properties.traffic` or `properties.mirrorTraffic`
   * @param reason - the rule
   */
  static invalidTraffic(target: string, reason: string): V2Error {
    return userError(400, `Invalid ${target}: ${reason}`, { target });
  }

  /**
   * Deleting a deployment that still takes live or mirrored traffic.
   * @param deployment - its name
   * @param endpoint - the endpoint
   */
  static deploymentHasTraffic(deployment: string, endpoint: string): V2Error {
    return userError(
      400,
      `Deployment ${deployment} of endpoint ${endpoint} still takes traffic: set its traffic ` +
        "(and mirror traffic) to 0 first.",
    );
  }

  /**
   * An endpoint name already used in another workspace (names are unique per region on Azure).
   * @param name - the endpoint name
   */
  static endpointNameTaken(name: string): V2Error {
    return userError(
      409,
      `An online endpoint named ${name} already exists in another workspace: endpoint names ` +
        "are unique across the emulator (per region on Azure).",
    );
  }

  /**
   * `POST …/token` on an endpoint that does not use AML tokens.
   * @param authMode - its auth mode
   */
  static tokenNotSupported(authMode: string): V2Error {
    return userError(
      400,
      `This endpoint's authMode is ${authMode}: tokens are issued for authMode AMLToken only.`,
    );
  }

  /**
   * A datastore whose credentials or container could not be verified.
   * @param name - the datastore
   * @param reason - what failed
   */
  static datastoreValidation(name: string, reason: string): V2Error {
    return userError(
      400,
      `Datastore ${name} could not be validated: ${reason}. Check the account, container and ` +
        "key, or PUT with ?skipValidation=true.",
      { target: "properties.credentials" },
    );
  }

  /**
   * A change to a read-only or fixed member.
   * @param field - the member
   */
  static cannotChange(field: string): V2Error {
    return userError(400, `'${field}' cannot be changed once the resource exists.`, {
      target: field,
    });
  }

  // ------------------------------------------------------------------------------------------
  // Long-running operation failures (the `error` of an operation status)
  // ------------------------------------------------------------------------------------------

  /**
   * A deployment whose scoring script failed to start.
   * @param reason - the last lines of its log
   */
  static resourceNotReady(reason: string): V2Error {
    return new V2Error(
      400,
      "ResourceNotReady",
      `User container has crashed or terminated: ${reason}. Check the InferenceServer logs (getLogs).`,
    );
  }

  /**
   * A deployment's model or code could not be fetched.
   * @param reason - what failed
   */
  static storageInitializerFailed(reason: string): V2Error {
    return new V2Error(
      400,
      "BadArgument",
      `The model or code could not be downloaded: ${reason}. Check the StorageInitializer logs.`,
    );
  }

  /** A failure injected with `--v2-fail-operations`. */
  static injectedOperationFailure(): V2Error {
    return new V2Error(
      500,
      "InternalServerError",
      "The operation failed (a failure injected with --v2-fail-operations).",
    );
  }

  /** An operation that was running when the emulator stopped. */
  static interruptedByRestart(): V2Error {
    return new V2Error(
      500,
      "InternalServerError",
      "The emulator stopped while this operation was running; send the request again.",
    );
  }

  /**
   * An operation status URL that names no operation.
   * @param id - the operation id
   */
  static operationNotFound(id: string): V2Error {
    return new V2Error(404, "ResourceNotFound", `Operation ${id} was not found.`);
  }
}

/** Errors of the scoring data plane. */
export class ScoringErrors {
  /** Missing or wrong key or token. */
  static unauthorized(): ScoringError {
    return new ScoringError(
      401,
      "Unauthorized",
      "Invalid or missing credential: send 'Authorization: Bearer <key or token>'.",
      { headers: { "WWW-Authenticate": 'Bearer realm="scoring"' } },
    );
  }

  /**
   * No endpoint of that name.
   * @param endpoint - the name in the URL
   */
  static endpointNotFound(endpoint: string): ScoringError {
    return new ScoringError(404, "NotFound", `No online endpoint named ${endpoint}.`);
  }

  /** No deployment with a positive traffic weight. */
  static noDeployment(): ScoringError {
    return new ScoringError(
      404,
      "NotFound",
      "No deployment of this endpoint takes traffic: give one a positive weight, or name one " +
        "in the azureml-model-deployment header.",
    );
  }

  /**
   * The `azureml-model-deployment` header names no ready deployment.
   * @param deployment - the name sent
   */
  static deploymentNotFound(deployment: string): ScoringError {
    return new ScoringError(
      404,
      "NotFound",
      `Deployment ${deployment} does not exist on this endpoint or is not ready.`,
    );
  }

  /**
   * The scoring script did not answer within `requestTimeout`.
   * @param ms - the timeout
   */
  static timeout(ms: string): ScoringError {
    return new ScoringError(408, "RequestTimeout", `The request timed out after ${ms} ms.`);
  }

  /**
   * A body above the limit.
   * @param limit - bytes
   */
  static tooLarge(limit: string): ScoringError {
    return new ScoringError(
      413,
      "RequestEntityTooLarge",
      `The request body exceeds ${limit} bytes.`,
    );
  }

  /**
   * The container answered non-200.
   * @param status - its status
   * @param deployment - the deployment
   */
  static modelError(status: string, deployment: string): ScoringError {
    return new ScoringError(
      424,
      "ModelError",
      `Deployment ${deployment}'s scoring script answered ${status}; see its InferenceServer logs.`,
      {
        headers: {
          "ms-azureml-model-error-statuscode": status,
          "ms-azureml-model-error-reason": "model_error",
        },
      },
    );
  }

  /**
   * Too many requests waiting for a deployment.
   * @param deployment - the deployment
   */
  static tooManyRequests(deployment: string): ScoringError {
    return new ScoringError(
      429,
      "TooManyRequests",
      `Deployment ${deployment} has more requests waiting than 2 x maxConcurrentRequestsPerInstance x instances.`,
      { headers: { "Retry-After": "1" } },
    );
  }

  /**
   * The deployment's container is not running.
   * @param deployment - the deployment
   */
  static containerDown(deployment: string): ScoringError {
    return new ScoringError(
      502,
      "BadGateway",
      `Deployment ${deployment}'s container is not running; see its InferenceServer logs.`,
    );
  }

  /**
   * A body that is not valid input for the router (not UTF-8 is passed on to the script).
   * @param reason - what is wrong
   */
  static badRequest(reason: string): ScoringError {
    return new ScoringError(400, "BadRequest", reason);
  }
}
