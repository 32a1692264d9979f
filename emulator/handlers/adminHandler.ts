/**
 * Emulator-only admin route: publishes a classic web service from a definition, which is what
 * Studio's "Deploy Web Service [Classic]" button did on Azure (there was no public API for it).
 * `PUT /admin/workspaces/{ws}/webservices/{webServiceId}` with
 * `{Name, Description?, Properties, StorageAccount?: {name, key}, Resources?: [{Name, Location}]}`,
 * authenticated by the workspace token. Publishing creates the web service and its `default`
 * endpoint; publishing again adds a definition version that the default endpoint follows at once
 * and other endpoints pick up on refresh.
 */
import type { AzureBlobDetails, ClassicWebService, WebServiceProperties } from "../../contract";
import { normalizeProperties } from "../arm/normalize";
import { newHexId, newKey } from "../auth/secrets";
import type { EmulatorConfig } from "../config";
import { DEFAULT_ENDPOINT_NAME } from "../constants";
import type { EngineApi, ServiceShape } from "../engine/api";
import { ErrorFactory, isEngineError } from "../errors";
import type { Logger } from "../logger";
import { assetBlobRef, type ModelFetcher } from "../services/modelFetcher";
import { storageAccountOf } from "../services/storageAccounts";
import type { MetadataStore } from "../store/metadataStore";
import type {
  ClassicEndpointRecord,
  ClassicServiceRecord,
  EndpointResourceState,
} from "../store/records";
import {
  EMPTY_LOCATION,
  locationOfUri,
  webServiceView,
  type ClassicServiceParams,
} from "./classicHandler";
import { fetchTrainedModel, locationRef, readResourceLocation } from "./trainedModels";
import type { HandlerResponse } from "./types";
import { isObject, nowIso, optionalString, pickMembers, rejectUnknown } from "./util";

const ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** Handler of the admin route. */
export class AdminHandler {
  /**
   * @param config - strictness, storage base
   * @param store - records
   * @param engine - validates definitions
   * @param fetcher - downloads initial models
   * @param logger - log lines
   */
  constructor(
    private readonly config: EmulatorConfig,
    private readonly store: MetadataStore,
    private readonly engine: EngineApi,
    private readonly fetcher: ModelFetcher,
    private readonly logger: Logger,
  ) {}

  private describe(properties: WebServiceProperties): ServiceShape {
    try {
      return this.engine.describeService(properties, { strict: this.config.strict });
    } catch (error) {
      if (isEngineError(error)) throw ErrorFactory.webServicePackageError(error.message);
      throw error;
    }
  }

  /**
   * Publishes (201) or republishes (200) a classic web service.
   * @param params - workspace and web service id
   * @param body - the publish request
   */
  async publish(
    params: ClassicServiceParams,
    body: unknown,
  ): Promise<HandlerResponse<ClassicWebService>> {
    if (!ID.test(params.workspaceId))
      throw ErrorFactory.badParameterValue("workspaceId", "letters, digits and hyphens");
    if (!ID.test(params.webServiceId))
      throw ErrorFactory.badParameterValue("webServiceId", "letters, digits and hyphens");
    if (!isObject(body)) throw ErrorFactory.requestBodyInvalid("the body must be a JSON object");
    const { values, unknown } = pickMembers(body, [
      "Name",
      "Description",
      "Properties",
      "StorageAccount",
      "Resources",
    ]);
    rejectUnknown(unknown, this.config.strict);
    const name = optionalString(values.Name, "Name");
    if (!name) throw ErrorFactory.requestBodyInvalid("'Name' is required");
    const description = optionalString(values.Description, "Description");
    if (!isObject(values.Properties))
      throw ErrorFactory.requestBodyInvalid("'Properties' is required");
    const normalized = normalizeProperties(values.Properties, "Properties");
    if (this.config.strict && normalized.unknown.length > 0) {
      throw ErrorFactory.unsupportedParameter(normalized.unknown[0]);
    }
    const properties: Record<string, unknown> = {
      ...normalized.value,
      packageType: normalized.value.packageType ?? "Graph",
    };
    if (
      typeof properties.packageType !== "string" ||
      properties.packageType.toLowerCase() !== "graph"
    ) {
      throw ErrorFactory.badParameterValue("Properties.packageType", "must be 'Graph'");
    }
    properties.packageType = "Graph";
    for (const secret of ["keys", "storageAccount", "commitmentPlan"]) delete properties[secret];
    const definitionProperties = properties as unknown as WebServiceProperties;
    const shape = this.describe(definitionProperties);

    let storage: { name: string; key: string } | undefined;
    if (values.StorageAccount !== undefined && values.StorageAccount !== null) {
      if (!isObject(values.StorageAccount))
        throw ErrorFactory.requestBodyInvalid("'StorageAccount' must be an object");
      const { values: account } = pickMembers(values.StorageAccount, ["name", "key"]);
      const accountName = optionalString(account.name, "StorageAccount.name");
      const accountKey = optionalString(account.key, "StorageAccount.key");
      if (!accountName || !accountKey)
        throw ErrorFactory.requestBodyInvalid("'StorageAccount' needs 'name' and 'key'");
      storage = { name: accountName, key: accountKey };
    }
    const account = storageAccountOf(this.config.storage, storage);

    // Initial models: Resources (BaseLocation + RelativeLocation + SAS) first, else the asset's
    // own uri read with the storage account.
    const sent = new Map<string, AzureBlobDetails>();
    if (values.Resources !== undefined && values.Resources !== null) {
      if (!Array.isArray(values.Resources))
        throw ErrorFactory.requestBodyInvalid("'Resources' must be an array");
      for (const [i, item] of values.Resources.entries()) {
        const { resource, location } = readResourceLocation(item, i, (sentName) => {
          const resourceName = sentName ?? "";
          if (!shape.trainedModels.some((m) => m.name === resourceName)) {
            if (shape.trainedModels.length === 0) throw ErrorFactory.noUpdatableResources();
            throw ErrorFactory.unknownResourceName(
              resourceName,
              shape.trainedModels.map((m) => `'${m.name}'`).join(", "),
            );
          }
          return resourceName;
        });
        sent.set(resource, location);
      }
    }
    const existing = this.store.getClassicService(params.workspaceId, params.webServiceId);
    const previousDefault = existing
      ? this.store.getEndpoint(existing.key, DEFAULT_ENDPOINT_NAME)
      : undefined;
    const resources: EndpointResourceState[] = [];
    for (const model of shape.trainedModels) {
      const location = sent.get(model.name);
      const asset = definitionProperties.assets?.[model.assetId]?.locationInfo;
      let ref;
      let shown: AzureBlobDetails;
      if (location) {
        ref = locationRef(location, model.name);
        shown = location;
      } else if (asset?.uri && /^https?:\/\//i.test(asset.uri)) {
        ref = assetBlobRef(asset.uri, asset.credentials, account);
        shown = locationOfUri(asset.uri);
      } else {
        // No model given: keep what the default endpoint served before, if anything.
        const kept = previousDefault?.resources.find((r) => r.name === model.name);
        resources.push(
          kept
            ? { ...kept, assetId: model.assetId }
            : {
                name: model.name,
                assetId: model.assetId,
                location: { ...EMPTY_LOCATION },
                sha: null,
                pending: undefined,
              },
        );
        continue;
      }
      resources.push({
        name: model.name,
        assetId: model.assetId,
        location: shown,
        sha: await fetchTrainedModel(this.fetcher, ref, model.name),
        pending: undefined,
      });
    }

    const now = nowIso();
    const current = this.store.getClassicService(params.workspaceId, params.webServiceId);
    const service: ClassicServiceRecord = {
      key:
        current?.key ?? `${params.workspaceId.toLowerCase()}/${params.webServiceId.toLowerCase()}`,
      workspaceId: current?.workspaceId ?? params.workspaceId,
      id: current?.id ?? params.webServiceId,
      name,
      description,
      creationTime: current?.creationTime ?? now,
      storageAccount: account ?? current?.storageAccount,
      definitionVersion: (current?.definitionVersion ?? 0) + 1,
    };
    const defaultEndpoint = this.store.getEndpoint(service.key, DEFAULT_ENDPOINT_NAME);
    const endpoint: ClassicEndpointRecord = defaultEndpoint
      ? {
          ...defaultEndpoint,
          definitionVersion: service.definitionVersion,
          resources,
          version: now,
        }
      : {
          serviceKey: service.key,
          workspaceId: service.workspaceId,
          webServiceId: service.id,
          name: DEFAULT_ENDPOINT_NAME,
          executionId: newHexId(),
          description: undefined,
          creationTime: now,
          primaryKey: newKey(),
          secondaryKey: newKey(),
          throttleLevel: "Low",
          maxConcurrentCalls: 4,
          diagnosticsTraceLevel: "None",
          definitionVersion: service.definitionVersion,
          version: now,
          resources,
        };
    this.store.transaction(() => {
      this.store.ensureWorkspace(service.workspaceId);
      this.store.putClassicService(service);
      this.store.putDefinition({
        serviceKey: service.key,
        version: service.definitionVersion,
        properties: definitionProperties,
        shape,
        publishedAt: now,
      });
      this.store.putEndpoint(endpoint);
    });
    this.logger.info(
      `classic web service ${service.name}: published (definition version ${service.definitionVersion})`,
    );
    return {
      status: current ? 200 : 201,
      body: webServiceView(service, this.store.countEndpoints(service.key)),
    };
  }
}
