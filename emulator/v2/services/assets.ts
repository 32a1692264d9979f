/**
 * Resolves asset references (`azureml:name:version`, `azureml:name@latest`, ARM ids) to the
 * stored versions, and computes a container's `latestVersion` and `nextVersion`.
 */
import { V2Errors } from "../errors";
import {
  childArmId,
  keyOf,
  parseAssetReference,
  type AssetFamily,
  type WorkspaceRef,
} from "../ids";
import type { ResourceRecord } from "../store/records";
import type { V2Store } from "../store/v2Store";

/** A resolved reference: a stored version, or a registry asset that is only recorded. */
export type ResolvedAsset =
  | { readonly kind: "version"; readonly record: ResourceRecord }
  | { readonly kind: "registry"; readonly reference: string };

/** Resolves asset references against the store. */
export class AssetResolver {
  /** @param store - the v2 records */
  constructor(private readonly store: V2Store) {}

  /**
   * The versions of an asset, in creation order.
   * @param ws - the workspace
   * @param family - the asset family
   * @param name - the asset name
   */
  versions(ws: WorkspaceRef, family: AssetFamily, name: string): readonly ResourceRecord[] {
    return this.store.list(keyOf(childArmId(ws, [family, name])), `${family}/versions`).items;
  }

  /**
   * `latestVersion` (the last one created) and `nextVersion` (one more than the largest
   * integer version, or "1").
   * @param ws - the workspace
   * @param family - the asset family
   * @param name - the asset name
   */
  versionInfo(
    ws: WorkspaceRef,
    family: AssetFamily,
    name: string,
  ): { latestVersion?: string; nextVersion: string } {
    const versions = this.versions(ws, family, name);
    const integers = versions.map((v) => Number(v.name)).filter((n) => Number.isInteger(n));
    const next = String((integers.length > 0 ? Math.max(...integers) : 0) + 1);
    const latest = versions.at(-1)?.name;
    return { ...(latest !== undefined ? { latestVersion: latest } : {}), nextVersion: next };
  }

  /**
   * Resolves a reference; throws a 400 naming `target` when it is malformed, 404 when it names
   * nothing.
   * @param ws - the workspace
   * @param family - the expected family
   * @param text - the reference
   * @param target - the body member holding it, for errors
   */
  resolve(ws: WorkspaceRef, family: AssetFamily, text: unknown, target: string): ResolvedAsset {
    if (typeof text !== "string" || text === "")
      throw V2Errors.invalidValue(
        target,
        `must be a ${family} reference (azureml:<name>:<version>)`,
      );
    const parsed = parseAssetReference(text, ws, family);
    if (typeof parsed === "string") throw V2Errors.invalidValue(target, parsed);
    if (parsed.kind === "registry") return parsed;
    if (parsed.kind === "latest") {
      const latest = this.versions(ws, family, parsed.name).at(-1);
      if (!latest) throw V2Errors.assetNotFound(target, text);
      return { kind: "version", record: latest };
    }
    const record = this.store.get(
      keyOf(childArmId(ws, [family, parsed.name, "versions", parsed.version])),
    );
    if (!record) throw V2Errors.assetNotFound(target, text);
    return { kind: "version", record };
  }
}
