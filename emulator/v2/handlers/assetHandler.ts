/**
 * Asset containers and versions of the four families: code, data, environments, models.
 * Synchronous (200 update, 201 create). A version is immutable: PUT again with the same content
 * answers 200 (and may change `description`, `tags`, `isArchived`, and add `properties`); a
 * different URI, type or spec answers 409. Putting a version creates its container. An
 * environment is recorded, never built: its image and conda file are kept as sent.
 */
import type { AssetContainerProperties, V2Resource } from "../../../contract/v2";
import { NAME_PATTERN } from "../constants";
import { V2Errors } from "../errors";
import { childArmId, keyOf, parseStorageUri, type AssetFamily, type WorkspaceRef } from "../ids";
import type { ResourceRecord } from "../store/records";
import {
  canonical,
  firstDifference,
  isObject,
  listPage,
  nowIso,
  optionalString,
  requireWorkspace,
  requiredString,
  resourceBody,
  stringMap,
  viewOf,
  type V2Request,
  type V2Response,
  type V2Services,
} from "./common";

/** Per-family rules: the members that define a version (immutable), and their checks. */
interface FamilyRules {
  /** Singular, for messages. */
  readonly noun: string;
  readonly immutable: readonly string[];
  /** Validates and normalises the family's own members. */
  normalise(properties: Record<string, unknown>, ws: WorkspaceRef): Record<string, unknown>;
}

function storageUri(value: unknown, target: string, ws: WorkspaceRef): string {
  const uri = requiredString(
    value,
    target,
    "a blob URL or azureml://datastores/<datastore>/paths/<path>",
  );
  const parsed = parseStorageUri(uri, ws);
  if (typeof parsed === "string") throw V2Errors.invalidValue(target, parsed);
  return uri;
}

const RULES: Record<AssetFamily, FamilyRules> = {
  codes: {
    noun: "code",
    immutable: ["codeUri"],
    normalise: (p, ws) => ({ codeUri: storageUri(p.codeUri, "properties.codeUri", ws) }),
  },
  data: {
    noun: "data",
    immutable: ["dataType", "dataUri"],
    normalise: (p, ws) => {
      if (!["uri_file", "uri_folder", "mltable"].includes(String(p.dataType)))
        throw V2Errors.invalidValue(
          "properties.dataType",
          "must be uri_file, uri_folder or mltable",
        );
      return { dataType: p.dataType, dataUri: storageUri(p.dataUri, "properties.dataUri", ws) };
    },
  },
  environments: {
    noun: "environment",
    immutable: ["image", "condaFile", "build", "osType", "inferenceConfig"],
    normalise: (p) => {
      const image = optionalString(p.image, "properties.image");
      const condaFile = optionalString(p.condaFile, "properties.condaFile");
      if (image === undefined && !isObject(p.build))
        throw V2Errors.invalidValue(
          "properties.image",
          "is required (or properties.build): the base image, e.g. mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04",
        );
      return {
        ...(image !== undefined ? { image } : {}),
        ...(condaFile !== undefined ? { condaFile } : {}),
        ...(isObject(p.build) ? { build: { ...p.build } } : {}),
        osType: p.osType === "Windows" ? "Windows" : "Linux",
        ...(isObject(p.inferenceConfig) ? { inferenceConfig: { ...p.inferenceConfig } } : {}),
      };
    },
  },
  models: {
    noun: "model",
    immutable: ["modelUri", "modelType", "flavors", "jobName"],
    normalise: (p, ws) => {
      const modelType = p.modelType ?? "custom_model";
      if (!["custom_model", "mlflow_model", "triton_model"].includes(String(modelType)))
        throw V2Errors.invalidValue(
          "properties.modelType",
          "must be custom_model, mlflow_model or triton_model",
        );
      const jobName = optionalString(p.jobName, "properties.jobName");
      const stage = optionalString(p.stage, "properties.stage");
      return {
        modelUri: storageUri(p.modelUri, "properties.modelUri", ws),
        modelType,
        ...(isObject(p.flavors) ? { flavors: { ...p.flavors } } : {}),
        ...(jobName !== undefined ? { jobName } : {}),
        ...(stage !== undefined ? { stage } : {}),
      };
    },
  },
};

/** Handlers of asset containers and versions. */
export class AssetHandler {
  /** @param services - store and resolver */
  constructor(private readonly services: V2Services) {}

  private containerKey(ws: WorkspaceRef, family: AssetFamily, name: string): string {
    return keyOf(childArmId(ws, [family, name]));
  }

  private containerView(
    record: ResourceRecord,
    family: AssetFamily,
  ): V2Resource<AssetContainerProperties> {
    return viewOf(record, {
      ...(record.body.properties as AssetContainerProperties),
      ...this.services.assets.versionInfo(record.workspace, family, record.name),
      provisioningState: "Succeeded",
    });
  }

  private versionView(record: ResourceRecord): V2Resource<Record<string, unknown>> {
    return viewOf(record, { ...record.body.properties, provisioningState: "Succeeded" });
  }

  private commonMembers(properties: Record<string, unknown>): Record<string, unknown> {
    const description = optionalString(properties.description, "properties.description");
    const tags = stringMap(properties.tags, "properties.tags");
    const props = stringMap(properties.properties, "properties.properties");
    if (properties.isArchived !== undefined && typeof properties.isArchived !== "boolean")
      throw V2Errors.invalidValue("properties.isArchived", "must be true or false");
    return {
      ...(description !== undefined ? { description } : {}),
      ...(tags !== undefined ? { tags } : {}),
      ...(props !== undefined ? { properties: props } : {}),
      isArchived: properties.isArchived === true,
      isAnonymous: properties.isAnonymous === true,
    };
  }

  private ensureContainer(
    ws: WorkspaceRef,
    family: AssetFamily,
    name: string,
    parent: string,
  ): ResourceRecord {
    const key = this.containerKey(ws, family, name);
    const existing = this.services.store.get(key);
    if (existing) return existing;
    const now = nowIso();
    return this.services.store.put({
      key,
      id: childArmId(ws, [family, name]),
      kind: family,
      name,
      parent,
      workspace: ws,
      createdAt: now,
      modifiedAt: now,
      seq: 0,
      body: { properties: { isArchived: false } },
    });
  }

  /**
   * PUT a container.
   * @param ws - the workspace
   * @param family - codes, data, environments or models
   * @param name - the asset name
   * @param body - `{properties: {description?, tags?, properties?, isArchived?}}`
   */
  putContainer(ws: WorkspaceRef, family: AssetFamily, name: string, body: unknown): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    if (!NAME_PATTERN.test(name))
      throw V2Errors.invalidName(RULES[family].noun, name, "letters, digits, '-' and '_'");
    const { properties } = resourceBody(body);
    const existing = this.services.store.get(this.containerKey(ws, family, name));
    const container = this.ensureContainer(ws, family, name, workspace.key);
    const updated = this.services.store.put({
      ...container,
      modifiedAt: nowIso(),
      body: { properties: this.commonMembers(properties) },
    });
    return { status: existing ? 200 : 201, body: this.containerView(updated, family) };
  }

  /**
   * GET a container.
   * @param ws - the workspace
   * @param family - the family
   * @param name - the asset name
   */
  getContainer(ws: WorkspaceRef, family: AssetFamily, name: string): V2Response {
    requireWorkspace(this.services, ws);
    const record = this.services.store.get(this.containerKey(ws, family, name));
    if (!record)
      throw V2Errors.notFound(
        `${capitalise(RULES[family].noun)} ${name}`,
        `workspace ${ws.workspace}`,
      );
    return { status: 200, body: this.containerView(record, family) };
  }

  /**
   * DELETE a container and its versions.
   * @param ws - the workspace
   * @param family - the family
   * @param name - the asset name
   */
  deleteContainer(ws: WorkspaceRef, family: AssetFamily, name: string): V2Response {
    requireWorkspace(this.services, ws);
    const key = this.containerKey(ws, family, name);
    if (!this.services.store.get(key)) return { status: 204 };
    this.services.store.deleteTree(key);
    return { status: 200 };
  }

  /**
   * List containers.
   * @param ws - the workspace
   * @param family - the family
   * @param request - request facts
   */
  listContainers(ws: WorkspaceRef, family: AssetFamily, request: V2Request): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    return listPage(this.services, workspace.key, family, request, (r) =>
      this.containerView(r, family),
    );
  }

  /**
   * PUT a version.
   * @param ws - the workspace
   * @param family - the family
   * @param name - the asset name
   * @param version - the version
   * @param body - `{properties}` of the family
   */
  putVersion(
    ws: WorkspaceRef,
    family: AssetFamily,
    name: string,
    version: string,
    body: unknown,
  ): V2Response {
    const workspace = requireWorkspace(this.services, ws);
    const rules = RULES[family];
    if (!NAME_PATTERN.test(name))
      throw V2Errors.invalidName(rules.noun, name, "letters, digits, '-' and '_'");
    if (!/^[a-zA-Z0-9][a-zA-Z0-9.\-_]{0,127}$/.test(version))
      throw V2Errors.invalidName(
        `${rules.noun} version`,
        version,
        "letters, digits, '.', '-' and '_'",
      );
    const { properties } = resourceBody(body);
    const own = rules.normalise(properties, ws);
    const shared = this.commonMembers(properties);
    const key = keyOf(childArmId(ws, [family, name, "versions", version]));
    const existing = this.services.store.get(key);
    const now = nowIso();
    if (existing) {
      const differs = firstDifference(existing.body.properties, own, rules.immutable);
      if (differs !== undefined)
        throw V2Errors.versionImmutable(
          `${capitalise(rules.noun)} ${name} version ${version}`,
          `properties.${differs}`,
        );
      const before = (existing.body.properties.properties ?? {}) as Record<string, string>;
      const sent = (shared.properties ?? {}) as Record<string, string>;
      const changed = Object.keys(sent).find((k) => k in before && before[k] !== sent[k]);
      if (changed !== undefined)
        throw V2Errors.invalidValue(
          `properties.properties.${changed}`,
          "properties are add-only: an existing one cannot change",
        );
      const merged = { ...existing.body.properties, ...shared, properties: { ...before, ...sent } };
      const same = canonical(merged) === canonical(existing.body.properties);
      const record = same
        ? existing
        : this.services.store.put({ ...existing, modifiedAt: now, body: { properties: merged } });
      return { status: 200, body: this.versionView(record) };
    }
    const container = this.ensureContainer(ws, family, name, workspace.key);
    const record = this.services.store.put({
      key,
      id: childArmId(ws, [family, container.name, "versions", version]),
      kind: `${family}/versions`,
      name: version,
      parent: container.key,
      workspace: ws,
      createdAt: now,
      modifiedAt: now,
      seq: 0,
      body: { properties: { ...shared, ...own } },
    });
    return { status: 201, body: this.versionView(record) };
  }

  private requireVersion(
    ws: WorkspaceRef,
    family: AssetFamily,
    name: string,
    version: string,
  ): ResourceRecord {
    requireWorkspace(this.services, ws);
    const record = this.services.store.get(
      keyOf(childArmId(ws, [family, name, "versions", version])),
    );
    if (!record)
      throw V2Errors.notFound(
        `${capitalise(RULES[family].noun)} ${name} version ${version}`,
        `workspace ${ws.workspace}`,
      );
    return record;
  }

  /**
   * GET a version.
   * @param ws - the workspace
   * @param family - the family
   * @param name - the asset name
   * @param version - the version
   */
  getVersion(ws: WorkspaceRef, family: AssetFamily, name: string, version: string): V2Response {
    return { status: 200, body: this.versionView(this.requireVersion(ws, family, name, version)) };
  }

  /**
   * DELETE a version.
   * @param ws - the workspace
   * @param family - the family
   * @param name - the asset name
   * @param version - the version
   */
  deleteVersion(ws: WorkspaceRef, family: AssetFamily, name: string, version: string): V2Response {
    requireWorkspace(this.services, ws);
    const key = keyOf(childArmId(ws, [family, name, "versions", version]));
    if (!this.services.store.get(key)) return { status: 204 };
    this.services.store.delete(key);
    return { status: 200 };
  }

  /**
   * List versions of an asset.
   * @param ws - the workspace
   * @param family - the family
   * @param name - the asset name
   * @param request - request facts
   */
  listVersions(
    ws: WorkspaceRef,
    family: AssetFamily,
    name: string,
    request: V2Request,
  ): V2Response {
    requireWorkspace(this.services, ws);
    return listPage(
      this.services,
      this.containerKey(ws, family, name),
      `${family}/versions`,
      request,
      (r) => this.versionView(r),
    );
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
