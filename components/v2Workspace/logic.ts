/**
 * Pure logic of the `LocalMlWorkspace` provider: `check` and `diff`. No I/O.
 */
import { requiredStrings, type FieldFailure } from "../shared/checks";
import { checkTarget, targetKey } from "../shared/mlTarget";
import { containsUnknown } from "../shared/values";
import type { LocalMlWorkspaceInputs, LocalMlWorkspaceOutputs } from "./types";

/** The failures of `check`. */
export function checkLocalWorkspace(news: Readonly<Record<string, unknown>>): FieldFailure[] {
  return [...checkTarget(news.target, "target"), ...requiredStrings(news, ["location"])];
}

/** Another workspace or location replaces it; a new token changes nothing it holds. */
export function diffLocalWorkspace(
  olds: Partial<LocalMlWorkspaceOutputs>,
  news: Partial<LocalMlWorkspaceInputs>,
): { changes: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
  const replaces: string[] = [];
  if (containsUnknown(news.target) || targetKey(olds.target) !== targetKey(news.target))
    replaces.push("target");
  if (olds.location !== news.location) replaces.push("location");
  const changes =
    replaces.length > 0 ||
    olds.friendlyName !== news.friendlyName ||
    olds.target?.token !== news.target?.token;
  // The same name cannot exist twice: the old workspace goes first.
  return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
}
