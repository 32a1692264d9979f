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
