/**
 * The rollback target a staged endpoint records (the predictive service's own and each classic
 * one): the model it served before its last repoint and the transformations served with it. The
 * stage repoints the endpoint back to that pair when its check fails. Pure logic, shared by the
 * `PredictiveService` and `ClassicEndpoint` providers.
 */
import { differs } from "./values";

/** What a staged resource records for its stage's rollback. */
export interface RollbackTarget {
  readonly previousModelUri?: string;
  readonly previousTransformUris?: Readonly<Record<string, string>>;
}

/**
 * The target as recorded: always present in a stage, empty when none is known (a preview reads an
 * output missing from the state as unknown, which would show every stage as changed after a
 * fresh up); nothing outside a stage.
 * @param staged - whether the resource is in a rollout stage
 * @param withTransforms - whether it sets transformations with its model
 * @param model - the model to roll back to, if known
 * @param transforms - the transformations served with it, by resource name
 */
export function rollbackTarget(
  staged: boolean,
  withTransforms: boolean,
  model: string | undefined,
  transforms: Readonly<Record<string, string>> | undefined,
): RollbackTarget {
  if (!staged) return {};
  return {
    previousModelUri: model ?? "",
    ...(withTransforms ? { previousTransformUris: { ...transforms } } : {}),
  };
}

/**
 * The target after an update: the pair served before it when the update repoints the resource
 * (what the last create, update or refresh saw), else the one recorded before (a repoint to the
 * same pair keeps the earlier target).
 * @param options - whether the resource is staged; what it served (the model, and a lookup of
 *   each transformation by resource name); the pair the update sets; the target recorded so far
 */
export function nextRollbackTarget(options: {
  readonly staged: boolean;
  readonly served: {
    readonly model: string | undefined;
    readonly transformOf: (name: string) => string | undefined;
  };
  readonly now: {
    readonly model: string | undefined;
    readonly transforms: Readonly<Record<string, string | undefined>>;
  };
  readonly recorded: RollbackTarget;
}): RollbackTarget {
  const { staged, served, now, recorded } = options;
  if (!staged) return {};
  const names = Object.keys(now.transforms);
  const before = {
    model: served.model,
    transforms: Object.fromEntries(
      names.flatMap((n) => {
        const uri = served.transformOf(n);
        return uri !== undefined ? [[n, uri]] : [];
      }),
    ),
  };
  const repointed = differs(before, now);
  return rollbackTarget(
    staged,
    names.length > 0,
    repointed ? before.model : recorded.previousModelUri,
    repointed ? before.transforms : recorded.previousTransformUris,
  );
}
