/**
 * Pure logic of the asset provider: the version a content hash gets, the blob names of uploads,
 * the version body, and `diff`. No I/O (the content hash is computed by the provider's `check`).
 */
import { limitFailures, type FieldFailure } from "../shared/checks";
import { mlName } from "../shared/limits";
import { checkTarget, targetKey } from "../shared/mlTarget";
import { containsUnknown, differs } from "../shared/values";
import type { AssetInputs, AssetKind, AssetOutputs } from "./types";

/** The ARM collection of each kind. */
export const COLLECTION: Record<AssetKind, "codes" | "data" | "environments"> = {
  code: "codes",
  data: "data",
  environment: "environments",
};

/** The version of a content hash (versions are immutable, so the content names them). */
export function assetVersion(contentSha256: string): string {
  return `sha256-${contentSha256.slice(0, 16)}`;
}

/** The path of a version under the workspace. */
export function versionPath(kind: AssetKind, name: string, version: string): string {
  return `/${COLLECTION[kind]}/${name}/versions/${version}`;
}

/** The blob prefix of a code folder's files, and the blob of a data file. */
export function uploadPath(kind: "code" | "data", contentSha256: string): string {
  return kind === "code" ? `code/sha256/${contentSha256}` : `data/sha256/${contentSha256}.csv`;
}

/**
 * The hash of a folder from its files' hashes: each file's relative POSIX path and SHA-256, in
 * path order. A rename, an added or removed file, or an edit changes it.
 * @param files - relative path → SHA-256
 */
export function folderDigestInput(files: Readonly<Record<string, string>>): string {
  return Object.keys(files)
    .sort()
    .map((name) => `${name}\0${files[name]}\n`)
    .join("");
}

/** The failures of `check` that need no file (the file checks are the provider's). */
export function checkAsset(news: Readonly<Record<string, unknown>>): FieldFailure[] {
  const failures: FieldFailure[] = [...checkTarget(news.target, "target")];
  failures.push(...limitFailures(mlName("asset"), news.name, "name"));
  const kind = news.kind;
  if (kind !== "code" && kind !== "data" && kind !== "environment")
    failures.push({ property: "kind", reason: 'must be "code", "data" or "environment"' });
  if (
    (kind === "code" || kind === "data") &&
    !containsUnknown(news.path) &&
    typeof news.path !== "string"
  )
    failures.push({
      property: "path",
      reason:
        kind === "code"
          ? "must name the code folder, relative to the project"
          : "must name the CSV file, relative to the project",
    });
  if (
    kind === "environment" &&
    !containsUnknown(news.image) &&
    (typeof news.image !== "string" || news.image === "")
  )
    failures.push({
      property: "image",
      reason: "must name the base image, e.g. mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04",
    });
  return failures;
}

/** Another workspace, name, kind or content replaces; anything else changes nothing registered. */
export function diffAsset(
  olds: Partial<AssetOutputs>,
  news: Partial<AssetInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: false } {
  const replaces: string[] = [];
  if (containsUnknown(news.target) || targetKey(olds.target) !== targetKey(news.target))
    replaces.push("target");
  for (const key of ["kind", "name", "contentSha256", "image"] as const)
    if (differs(olds[key], news[key])) replaces.push(key);
  const changes =
    replaces.length > 0 ||
    differs(olds.path, news.path) ||
    differs(olds.description, news.description) ||
    differs(olds.datastore, news.datastore) ||
    differs(olds.target?.token, news.target?.token);
  return { changes, replaces, deleteBeforeReplace: false };
}
