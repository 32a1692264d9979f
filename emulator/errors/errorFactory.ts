/**
 * Every error the emulator answers with, one static method per error, so that each status, code,
 * detail code and message is pinned in this one file. `docs/errors.md` lists the same methods
 * (a unit test checks both directions). Codes follow `docs/contracts.md` §0, §1.3, §2.5, §3
 * and §4.1; the ones Azure never documented are marked "emulator" in the catalogue.
 *
 * An error that any surface may raise is one method with both forms (the classic one, and the
 * `arm` one the ARM surface answers with): the caller never picks the envelope, the error handler
 * does, from the request's surface. An `arm` prefix marks an error only the ARM surface raises.
 *
 * Conventions: methods take only strings (lists are joined by the caller), so the catalogue test
 * can call each one; messages never contain a key, token or SAS.
 */
import { ARM_API_VERSIONS, ARM_RESOURCE_TYPE } from "../constants";
import { ArmHttpError, ClassicHttpError, type HttpError } from "./httpError";

const bad = (
  detail: string,
  message: string,
  target?: string,
  arm?: ArmHttpError,
): ClassicHttpError =>
  new ClassicHttpError(400, "BadArgument", message, {
    details: [{ code: detail, message, ...(target !== undefined ? { target } : {}) }],
    ...(arm ? { arm } : {}),
  });

const armBad = (detail: string, message: string, target?: string): ArmHttpError =>
  new ArmHttpError(400, "BadRequest", message, {
    ...(target !== undefined ? { target } : {}),
    details: [{ code: detail, message }],
  });

/** Builds the emulator's errors. */
export class ErrorFactory {
  // -------------------------------------------------------------------------------------------
  // Raised by any surface: built once with both forms; the error handler renders the ARM form
  // on the ARM surface and the classic form elsewhere (`HttpError.inEnvelope`)
  // -------------------------------------------------------------------------------------------

  /**
   * No route of the surface matches.
   * @param method - HTTP method
   * @param path - path without the query
   */
  static routeNotFound(method: string, path: string): HttpError {
    const message = `No operation ${method} ${path}.`;
    return new ClassicHttpError(404, "NotFound", message, {
      details: [{ code: "RouteNotFound", message }],
      arm: new ArmHttpError(
        404,
        "InvalidResourceType",
        `No operation ${method} ${path} in Microsoft.MachineLearning.`,
      ),
    });
  }

  /**
   * The body is not JSON or not of the expected shape.
   * @param reason - what is wrong, naming the member
   */
  static requestBodyInvalid(reason: string): HttpError {
    return bad(
      "RequestBodyInvalid",
      `The request body is invalid: ${reason}`,
      undefined,
      new ArmHttpError(400, "InvalidRequestContent", `The request content is invalid: ${reason}`),
    );
  }

  /**
   * The body exceeds the surface's limit.
   * @param limit - the limit in bytes
   */
  static requestBodyTooLarge(limit: string): HttpError {
    const message = `The request body exceeds the limit of ${limit} bytes.`;
    return new ClassicHttpError(413, "RequestEntityTooLarge", message, {
      details: [{ code: "RequestBodyTooLarge", message }],
      arm: new ArmHttpError(413, "RequestEntityTooLarge", message),
    });
  }

  /**
   * Strict mode: a query parameter or body member the emulator does not support.
   * @param name - the parameter or member
   */
  static unsupportedParameter(name: string): HttpError {
    return bad(
      "UnsupportedParameter",
      `The parameter '${name}' is not supported (the emulator runs with --strict).`,
      name,
      armBad(
        "UnsupportedQueryParameter",
        `The query parameter '${name}' is not supported (the emulator runs with --strict).`,
        name,
      ),
    );
  }

  /**
   * An unexpected failure (the cause is logged with the request id).
   * @param requestId - the request id, also in `x-ms-request-id`
   */
  static internalError(requestId: string): HttpError {
    const message = `The emulator failed to process the request (request id ${requestId}); see its log.`;
    return new ClassicHttpError(500, "InternalError", message, {
      arm: new ArmHttpError(500, "InternalServerError", message),
    });
  }

  /**
   * An operation of the real service that the emulator does not implement.
   * @param operation - the operation
   */
  static notImplemented(operation: string): HttpError {
    const message = `${operation} is not implemented by the emulator.`;
    const details = [{ code: "APINotImplemented", message: `${operation} is not implemented.` }];
    return new ClassicHttpError(501, "NotImplemented", message, {
      details,
      arm: new ArmHttpError(501, "NotImplemented", message, { details }),
    });
  }

  /**
   * The graph package is malformed or uses an unsupported module.
   * @param message - the engine's message (names the module or node)
   */
  static webServicePackageError(message: string): HttpError {
    return new ClassicHttpError(400, "WebServicePackageError", message, {
      details: [{ code: "ValidationError", message }],
      arm: armBad("WebServicePackageError", message, "properties.package"),
    });
  }

  /**
   * Fault injection: a request refused with 429, as a throttling gateway would.
   * @param retryAfter - seconds, also sent as `Retry-After`
   */
  static faultThrottled(retryAfter: string): HttpError {
    const message = `Too many requests (fault injected by the emulator); retry after ${retryAfter} s.`;
    const headers = { "Retry-After": retryAfter };
    return new ClassicHttpError(429, "TooManyRequests", message, {
      details: [{ code: "RequestThrottled", message }],
      headers,
      arm: new ArmHttpError(
        429,
        "TooManyRequests",
        `The request was throttled (fault injected by the emulator); retry after ${retryAfter} s.`,
        { headers },
      ),
    });
  }

  /**
   * Fault injection: a request refused with 503, as an overloaded endpoint would.
   * @param retryAfter - seconds, also sent as `Retry-After`
   */
  static faultUnavailable(retryAfter: string): HttpError {
    const message = `The service is temporarily unavailable (fault injected by the emulator); retry after ${retryAfter} s.`;
    const headers = { "Retry-After": retryAfter };
    return new ClassicHttpError(503, "ServiceUnavailable", message, {
      details: [{ code: "TooManyConcurrentRequests", message }],
      headers,
      arm: new ArmHttpError(503, "ServiceUnavailable", message, { headers }),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Shared by the execution, classic management and admin surfaces (classic envelope)
  // -------------------------------------------------------------------------------------------

  /** Execution API: missing or wrong API key. */
  static scoreRequestUnauthorized(): ClassicHttpError {
    const message = "Invalid credentials provided.";
    return new ClassicHttpError(401, "Unauthorized", message, {
      details: [{ code: "ScoreRequestUnauthorized", message }],
      headers: { "WWW-Authenticate": 'Bearer realm="execution"' },
    });
  }

  /** Classic management / admin: missing or wrong workspace token (or endpoint key). */
  static managementRequestUnauthorized(): ClassicHttpError {
    const message = "Invalid credentials provided.";
    return new ClassicHttpError(401, "Unauthorized", message, {
      details: [{ code: "ManagementRequestUnauthorized", message }],
      headers: { "WWW-Authenticate": 'Bearer realm="management"' },
    });
  }

  /**
   * A member has a value outside its domain.
   * @param name - the member
   * @param reason - the rule it breaks
   */
  static badParameterValue(name: string, reason: string): ClassicHttpError {
    return bad("BadParameterValue", `Invalid value for '${name}': ${reason}`, name);
  }

  /**
   * Strict mode: the execution api-version is not 2.0.
   * @param version - what was sent
   */
  static badVersionCall(version: string): ClassicHttpError {
    return bad(
      "BadVersionCall",
      `The api-version '${version}' is not supported; the supported version is 2.0.`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Classic management API and admin route
  // -------------------------------------------------------------------------------------------

  /**
   * A workspace in which nothing was ever published.
   * @param workspaceId - the workspace id
   */
  static workspaceNotFound(workspaceId: string): ClassicHttpError {
    const message = `Workspace '${workspaceId}' was not found.`;
    return new ClassicHttpError(404, "NotFound", message, {
      details: [{ code: "WorkspaceNotFound", message }],
    });
  }

  /**
   * A classic web service id unknown in its workspace.
   * @param webServiceId - the web service id
   */
  static webServiceNotFound(webServiceId: string): ClassicHttpError {
    const message = `Web service '${webServiceId}' was not found in the workspace.`;
    return new ClassicHttpError(404, "NotFound", message, {
      details: [{ code: "WebServiceIdNotFoundInWorkspace", message }],
    });
  }

  /**
   * An endpoint name unknown on its web service.
   * @param name - the endpoint name
   */
  static endpointNotFound(name: string): ClassicHttpError {
    const message = `Endpoint '${name}' was not found on the web service.`;
    return new ClassicHttpError(404, "NotFound", message, {
      details: [{ code: "EndpointNotFound", message }],
    });
  }

  /**
   * An endpoint name that breaks Azure's naming rule.
   * @param name - the name
   */
  static invalidEndpointName(name: string): ClassicHttpError {
    return bad(
      "InvalidEndpointName",
      `Invalid endpoint name '${name}': use 1 to 24 lowercase letters, digits and hyphens, ` +
        "not starting or ending with a hyphen.",
      name,
    );
  }

  /** Deleting the default endpoint while other endpoints exist. */
  static cannotDeleteDefaultEndpoint(): ClassicHttpError {
    return bad(
      "CannotDeleteDefaultEndpoint",
      "The default endpoint cannot be deleted while the web service has other endpoints.",
    );
  }

  /** PATCH of `Resources` on the default endpoint (it stays in sync with the experiment). */
  static defaultEndpointNotUpdatable(): ClassicHttpError {
    return bad(
      "DefaultEndpointNotUpdatable",
      "The default endpoint cannot take a new trained model: create a non-default endpoint " +
        "on the predictive web service and patch that one.",
    );
  }

  /** PATCH of `Resources` on a service without trained-model resources (a training service). */
  static noUpdatableResources(): ClassicHttpError {
    return bad(
      "NoUpdatableResources",
      "Sorry, but this feature is not supported or available in this context. " +
        "This Web Service has no updatable resources.",
    );
  }

  /**
   * PATCH names a resource the endpoint does not have.
   * @param name - the name sent
   * @param available - the endpoint's resource names, joined
   */
  static unknownResourceName(name: string, available: string): ClassicHttpError {
    return bad(
      "ResourceNameNotFound",
      `'${name}' is not an updatable resource of this endpoint; updatable resources: ${available}.`,
      name,
    );
  }

  /**
   * A trained model given by location could not be downloaded.
   * @param name - the resource name
   * @param reason - why (status, blob path; never the SAS)
   */
  static trainedModelNotReadable(name: string, reason: string): ClassicHttpError {
    return bad("InvalidBlob", `The trained model for '${name}' could not be read: ${reason}`, name);
  }

  // -------------------------------------------------------------------------------------------
  // Execution API: BES and RRS
  // -------------------------------------------------------------------------------------------

  /** No service or endpoint at this execution URL. */
  static serviceNotFound(): ClassicHttpError {
    const message = "The web service was not found.";
    return new ClassicHttpError(404, "NotFound", message, {
      details: [{ code: "WebServiceNotFound", message }],
    });
  }

  /**
   * A job id unknown to this service or endpoint (or deleted).
   * @param jobId - the id
   */
  static jobNotFound(jobId: string): ClassicHttpError {
    const message = `Job '${jobId}' was not found.`;
    return new ClassicHttpError(404, "NotFound", message, {
      details: [{ code: "JobNotFound", message }],
    });
  }

  /**
   * Start on a job that is not NotStarted.
   * @param jobId - the id
   * @param state - its state
   */
  static cannotStartJob(jobId: string, state: string): ClassicHttpError {
    const message = `The job ${jobId} cannot be started because it is in ${state} state.`;
    return new ClassicHttpError(400, "InvalidOperation", message, {
      details: [{ code: "CannotStartJob", message }],
    });
  }

  /**
   * An output blob whose extension does not fit the port.
   * @param port - the output name
   * @param expected - the allowed extensions
   */
  static invalidBlobExtension(port: string, expected: string): ClassicHttpError {
    return bad(
      "InvalidBlobExtension",
      `The blob of output '${port}' must have one of the extensions ${expected}.`,
      port,
    );
  }

  /**
   * `Outputs` names a port the service does not have.
   * @param names - the unknown names, joined
   * @param known - the service's outputs, joined
   */
  static invalidOutputOverrideName(names: string, known: string): ClassicHttpError {
    return bad(
      "InvalidOutputOverrideName",
      `Unknown output name(s) ${names}; the service's outputs are: ${known}.`,
      names,
    );
  }

  /**
   * `Inputs` (BES) or RRS `Inputs` names a port the service does not have.
   * @param names - the unknown names, joined
   * @param known - the service's inputs, joined
   */
  static invalidInputNames(names: string, known: string): ClassicHttpError {
    return bad(
      "InvalidInputNames",
      `Unknown input name(s) ${names}; the service's inputs are: ${known}.`,
      names,
    );
  }

  /**
   * A BES call without a required input.
   * @param names - the missing inputs, joined
   */
  static batchJobInputsNotSpecified(names: string): ClassicHttpError {
    return bad(
      "BatchJobInputsNotSpecified",
      `Missing input(s) for the batch job: ${names}.`,
      names,
    );
  }

  /** Both `Input` (legacy) and `Inputs` in one BES call. */
  static duplicateInputInBatchCall(): ClassicHttpError {
    return bad(
      "DuplicateInputInBatchCall",
      "The request specifies both 'Input' and 'Inputs'; send only one of them.",
    );
  }

  /**
   * Web service parameters without a default were not sent.
   * @param names - the missing parameters, joined
   */
  static missingRequiredGlobalParameters(names: string): ClassicHttpError {
    return bad(
      "MissingRequiredGlobalParameters",
      `Missing required web service parameter(s): ${names}.`,
      names,
    );
  }

  /**
   * `GlobalParameters` names a parameter the service does not have.
   * @param names - the unknown parameters, joined
   */
  static unexpectedParameter(names: string): ClassicHttpError {
    return bad("UnexpectedParameter", `Unexpected web service parameter(s): ${names}.`, names);
  }

  /**
   * A blob reference with neither a connection string nor a SAS location.
   * @param port - the input or output name
   */
  static missingInputBlobInformation(port: string): ClassicHttpError {
    return bad(
      "MissingInputBlobInformation",
      `'${port}' needs ConnectionString + RelativeLocation, or BaseLocation + RelativeLocation + SasBlobToken.`,
      port,
    );
  }

  /**
   * A connection string without an account name, key or usable endpoint.
   * @param port - the input or output name
   */
  static invalidBlobConnectionString(port: string): ClassicHttpError {
    return bad(
      "InvalidBlobConnectionString",
      `The ConnectionString of '${port}' is not a valid storage connection string.`,
      port,
    );
  }

  /**
   * A RelativeLocation that is malformed or would leave its container.
   * @param port - the input or output name
   * @param reason - the rule it breaks
   */
  static invalidRelativeLocation(port: string, reason: string): ClassicHttpError {
    return bad("InvalidBlob", `Invalid RelativeLocation of '${port}': ${reason}`, port);
  }

  /**
   * An input blob that does not exist.
   * @param port - the input name
   * @param location - `container/blob`
   */
  static blobNotFound(port: string, location: string): ClassicHttpError {
    return bad("BlobNotFound", `The blob '${location}' of '${port}' was not found.`, port);
  }

  /**
   * A blob that exists (or may) but cannot be accessed (bad key, expired SAS, unreachable).
   * @param port - the input or output name
   * @param reason - why
   */
  static blobAccessFailed(port: string, reason: string): ClassicHttpError {
    return bad("InvalidBlob", `The blob of '${port}' cannot be accessed: ${reason}`, port);
  }

  /**
   * An output without an override on a service that has no storage account for defaults.
   * @param port - the output name
   */
  static noDefaultStorage(port: string): ClassicHttpError {
    return bad(
      "NoDefaultStorageAccount",
      `Output '${port}' has no override in 'Outputs' and the service has no storage account ` +
        "for default outputs.",
      port,
    );
  }

  /**
   * RRS without a required input.
   * @param names - the missing inputs, joined
   */
  static missingRequestInput(names: string): ClassicHttpError {
    return bad("MissingRequestInput", `Missing input(s): ${names}.`, names);
  }

  /**
   * Input data that does not parse.
   * @param message - the engine's message (names the column/row)
   */
  static inputParseError(message: string): ClassicHttpError {
    return new ClassicHttpError(400, "BadUserArgument", message, {
      details: [{ code: "InputParseError", message }],
    });
  }

  /**
   * Input data that does not match the input schema.
   * @param message - the engine's message (names the port, column and row)
   */
  static inputMismatchError(message: string): ClassicHttpError {
    return new ClassicHttpError(400, "BadUserArgument", message, {
      details: [{ code: "InputMismatchError", message }],
    });
  }

  /**
   * A module failed while running the graph.
   * @param moduleName - the Studio module
   * @param message - the module's error (`Error NNNN: ...`)
   */
  static moduleExecutionError(moduleName: string, message: string): ClassicHttpError {
    return new ClassicHttpError(
      400,
      "ModuleExecutionError",
      "Module execution encountered an error.",
      {
        details: [{ code: "ModuleExecutionFailed", target: moduleName, message }],
      },
    );
  }

  /**
   * A job or RRS call reached a module the emulator cannot run (the package was accepted, as
   * Azure accepted it).
   * @param moduleName - the Studio module (or asset) name
   * @param nodeId - the graph node
   */
  static unsupportedModule(moduleName: string, nodeId: string): ClassicHttpError {
    const message =
      `Module '${moduleName}' (node ${nodeId}) is not supported by the emulator; ` +
      "docs/modules.md lists the modules it runs.";
    return new ClassicHttpError(400, "ModuleExecutionError", message, {
      details: [{ code: "UnsupportedModule", target: moduleName, message }],
    });
  }

  /**
   * Model bytes that are not a readable `.ilearner` (or of the wrong kind).
   * @param name - the resource name
   * @param reason - the engine's message
   */
  static incompatibleModel(name: string, reason: string): ClassicHttpError {
    const message = `The trained model '${name}' cannot be used: ${reason}`;
    return new ClassicHttpError(400, "InvalidOperation", message, {
      details: [{ code: "IncompatibleModel", message }],
    });
  }

  /**
   * A predictive service whose trained-model resource has no model yet.
   * @param name - the resource name
   */
  static missingTrainedModel(name: string): ClassicHttpError {
    const message =
      `The trained model resource '${name}' has no model: set its asset's locationInfo.uri ` +
      "(ARM) or PATCH the endpoint's Resources (classic) first.";
    return new ClassicHttpError(400, "InvalidOperation", message, {
      details: [{ code: "MissingTrainedModel", message }],
    });
  }

  /**
   * RRS on a service whose output is a trained model (only BES can produce one).
   * @param port - the model output
   */
  static modelOutputNotSupported(port: string): ClassicHttpError {
    const message =
      `Output '${port}' is a trained model; only the batch execution service (BES) can ` +
      "produce trained models.";
    return new ClassicHttpError(400, "InvalidOperation", message, {
      details: [{ code: "ModelOutputNotSupported", message }],
    });
  }

  /**
   * The service has no successfully provisioned definition yet.
   * @param state - its provisioning state
   */
  static serviceNotReady(state: string): ClassicHttpError {
    const message = `The web service is not ready (provisioning state: ${state}).`;
    return new ClassicHttpError(503, "ServiceUnavailable", message, {
      details: [{ code: "InitializingContainers", message }],
      headers: { "Retry-After": "1" },
    });
  }

  // -------------------------------------------------------------------------------------------
  // The portal (emulator-only; classic envelope)
  // -------------------------------------------------------------------------------------------

  /** Portal: no live session (never signed in, signed out, expired, or the emulator restarted). */
  static portalSessionRequired(): ClassicHttpError {
    const message =
      "Sign in to the portal: open the URL the emulator printed at start, or paste the workspace token from credentials.json on /portal/.";
    return new ClassicHttpError(401, "Unauthorized", message, {
      details: [{ code: "PortalSessionRequired", message }],
    });
  }

  /** Portal: the sign-in token is neither an unused one-time token nor the workspace token. */
  static portalTokenInvalid(): ClassicHttpError {
    const message =
      "The sign-in token is not valid: a one-time token works once; paste the workspace token from credentials.json, or restart the emulator for a new URL.";
    return new ClassicHttpError(401, "Unauthorized", message, {
      details: [{ code: "PortalTokenInvalid", message }],
    });
  }

  /**
   * Portal: a request from another site, or addressed to a host name the emulator does not
   * listen on (`--host`).
   * @param what - what was refused, e.g. `the origin "http://evil.example"`
   */
  static portalOriginRefused(what: string): ClassicHttpError {
    const message = `The portal answers only its own pages on this machine's addresses (or the --host the emulator listens on); ${what} was refused.`;
    return new ClassicHttpError(403, "Forbidden", message, {
      details: [{ code: "PortalOriginRefused", message }],
    });
  }

  /**
   * Portal: no such service, endpoint, job, model or output.
   * @param kind - what was looked for
   * @param id - its id
   */
  static portalItemNotFound(kind: string, id: string): ClassicHttpError {
    const message = `No ${kind} '${id}'.`;
    return new ClassicHttpError(404, "NotFound", message, {
      details: [{ code: "PortalItemNotFound", message }],
    });
  }

  /**
   * Portal: a request member the page sends is missing or wrong, or what it asks for does not
   * apply (a v2 endpoint whose credential is not the endpoint's).
   * @param message - what is wrong and what to send instead
   */
  static portalBadRequest(message: string): ClassicHttpError {
    return new ClassicHttpError(400, "BadArgument", message, {
      details: [{ code: "PortalBadRequest", message }],
    });
  }

  // -------------------------------------------------------------------------------------------
  // Only the ARM surface (ARM envelope)
  // -------------------------------------------------------------------------------------------

  /** No `Authorization` header. */
  static armAuthenticationMissing(): ArmHttpError {
    return new ArmHttpError(
      401,
      "AuthenticationFailed",
      "Authentication failed. The 'Authorization' header is missing.",
      { headers: { "WWW-Authenticate": 'Bearer realm="arm"' } },
    );
  }

  /** A bearer token that is not the emulator's ARM token. */
  static armInvalidToken(): ArmHttpError {
    return new ArmHttpError(401, "InvalidAuthenticationToken", "The access token is invalid.", {
      headers: { "WWW-Authenticate": 'Bearer realm="arm", error="invalid_token"' },
    });
  }

  /** No `api-version` query parameter. */
  static armMissingApiVersion(): ArmHttpError {
    return new ArmHttpError(
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
  }

  /**
   * An api-version the emulator does not implement.
   * @param version - what was sent
   */
  static armInvalidApiVersion(version: string): ArmHttpError {
    return new ArmHttpError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The supported versions are '${ARM_API_VERSIONS.join(",")}'.`,
    );
  }

  /**
   * A web service that does not exist.
   * @param resourceGroup - the resource group
   * @param name - the web service name
   */
  static armResourceNotFound(resourceGroup: string, name: string): ArmHttpError {
    return new ArmHttpError(
      404,
      "ResourceNotFound",
      `The Resource '${ARM_RESOURCE_TYPE}/${name}' under resource group ` +
        `'${resourceGroup}' was not found.`,
    );
  }

  /**
   * An async operation id that does not exist.
   * @param operationId - the id
   */
  static armOperationNotFound(operationId: string): ArmHttpError {
    return new ArmHttpError(404, "OperationNotFound", `Operation '${operationId}' was not found.`);
  }

  /**
   * Strict mode: a property the emulator does not know.
   * @param path - the property path, e.g. `properties.foo`
   */
  static armUnsupportedProperty(path: string): ArmHttpError {
    return armBad(
      "UnsupportedProperty",
      `The property '${path}' is not supported (the emulator runs with --strict).`,
      path,
    );
  }

  /**
   * An update that names another storage account (azure-powershell#3465).
   * @param current - the configured account name
   */
  static cannotChangeStorageAccount(current: string): ArmHttpError {
    return armBad(
      "CannotChangeStorageAccount",
      `The StorageAccount cannot be changed. Currently configured storage account name = '${current}'.`,
      "properties.storageAccount.name",
    );
  }

  /** An update that names another commitment plan (it is set at creation). */
  static cannotChangeCommitmentPlan(): ArmHttpError {
    return armBad(
      "CannotChangeCommitmentPlan",
      "The commitment plan of a web service cannot be changed after creation.",
      "properties.commitmentPlan.id",
    );
  }

  /**
   * An update of a service marked `readOnly` (it can only be deleted).
   * @param name - the web service
   */
  static webServiceReadOnly(name: string): ArmHttpError {
    return armBad(
      "WebServiceIsReadOnly",
      `The web service '${name}' is read-only; it can only be deleted.`,
      "properties.readOnly",
    );
  }

  /**
   * PUT/PATCH while the previous update is still provisioning.
   * @param name - the web service
   */
  static anotherOperationInProgress(name: string): ArmHttpError {
    const message = `The web service '${name}' is being provisioned; retry when it is done.`;
    return new ArmHttpError(409, "Conflict", message, {
      details: [{ code: "AnotherOperationInProgress", message }],
      headers: { "Retry-After": "1" },
    });
  }

  /**
   * Provisioning: a trained-model asset could not be read from its uri.
   * @param assetId - the asset id
   * @param reason - why (status, path; never a key or SAS)
   */
  static armTrainedModelUnavailable(assetId: string, reason: string): ArmHttpError {
    return new ArmHttpError(
      400,
      "TrainedModelUnavailable",
      `The trained model of asset '${assetId}' could not be read: ${reason}`,
      { target: `properties.assets.${assetId}.locationInfo.uri` },
    );
  }

  /**
   * Provisioning: a trained-model asset's bytes are not a usable `.ilearner`.
   * @param assetId - the asset id
   * @param reason - the engine's message
   */
  static armIncompatibleModel(assetId: string, reason: string): ArmHttpError {
    return new ArmHttpError(
      400,
      "IncompatibleModel",
      `The trained model of asset '${assetId}' is not a usable .ilearner: ${reason}`,
      { target: `properties.assets.${assetId}.locationInfo.uri` },
    );
  }
}
