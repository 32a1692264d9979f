/**
 * Pure logic of the `LocalContainers` provider: `check` and `diff`. No I/O.
 */
import { parseConnectionString } from "../../clients/storage";
import { limitFailures, type FieldFailure } from "../shared/checks";
import { containerName } from "../shared/limits";
import { containsUnknown } from "../shared/values";
import type { LocalContainersInputs, LocalContainersOutputs } from "./types";

/** The failures of `check`: a parsable connection string and at least one valid container name. */
export function checkLocalContainers(news: Readonly<Record<string, unknown>>): FieldFailure[] {
  const failures: FieldFailure[] = [];
  if (!containsUnknown(news.connectionString)) {
    try {
      parseConnectionString(String(news.connectionString ?? ""));
    } catch (e) {
      failures.push({ property: "connectionString", reason: (e as Error).message });
    }
  }
  const containers = news.containers;
  if (containsUnknown(containers)) return failures;
  if (!Array.isArray(containers) || containers.length === 0) {
    failures.push({ property: "containers", reason: "must list at least one container name" });
  } else {
    containers.forEach((c, i) =>
      failures.push(...limitFailures(containerName(), c, `containers[${i}]`)),
    );
  }
  return failures;
}

/**
 * The account name and blob endpoint of the connection string, for the checked inputs: both are
 * read off the inputs, so a preview knows them even when it updates the resource (the engine
 * takes the checked inputs as the outputs of a previewed step, and the rest as unknown; an
 * unknown account name would preview the services that use it as replaced).
 */
export function declaredAccount(
  news: Readonly<Record<string, unknown>>,
): { accountName: string; blobEndpoint: string } | Record<string, never> {
  if (typeof news.connectionString !== "string" || containsUnknown(news.connectionString)) {
    return {};
  }
  try {
    const { accountName, blobEndpoint } = parseConnectionString(news.connectionString);
    return { accountName, blobEndpoint };
  } catch {
    return {}; // reported by the checks
  }
}

const account = (cs: string | undefined): string | undefined =>
  cs ? /AccountName=([^;]+)/i.exec(cs)?.[1] : undefined;
const endpoint = (cs: string | undefined): string | undefined =>
  cs ? /BlobEndpoint=([^;]+)/i.exec(cs)?.[1] : undefined;

/** Diff: another account or endpoint replaces; another key or container list updates. */
export function diffLocalContainers(
  olds: Partial<LocalContainersOutputs>,
  news: Partial<LocalContainersInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: false } {
  const replaces =
    containsUnknown(news.connectionString) ||
    account(olds.connectionString) !== account(news.connectionString) ||
    endpoint(olds.connectionString) !== endpoint(news.connectionString)
      ? ["connectionString"]
      : [];
  const changes =
    replaces.length > 0 ||
    olds.connectionString !== news.connectionString ||
    JSON.stringify([...(olds.containers ?? [])].sort()) !==
      JSON.stringify([...(news.containers ?? [])].sort());
  return { changes, replaces, deleteBeforeReplace: false };
}
