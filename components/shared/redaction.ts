import type * as pulumi from "@pulumi/pulumi";
import { redactSecrets } from "../../clients/redact";

/**
 * One redaction wrapper for every provider: whatever a method throws leaves it with the
 * resource's secrets (and SAS signatures, account keys, bearer tokens, see `redactSecrets`)
 * taken out of its message and out of the reasons of a partially created resource, which the
 * engine prints and stores in the checkpoint as `initErrors`. And when `check` fails, the
 * engine prints each failure with the value of the property it names, taken from the checked
 * inputs (secret or not): so the values of the failed properties go back redacted too. (The
 * run ends at a check failure, so nothing uses those inputs.)
 */

/** The secrets a resource's properties hold (tokens, keys, connection strings). */
export type SecretsOf = (props: Record<string, unknown>) => readonly (string | undefined)[];

/** An error as a provider method may throw it (a partial create carries `reasons`). */
interface ProviderError extends Error {
  reasons?: unknown;
}

/** Redacts `error` in place (message, stack, init-error reasons) and returns it. */
export function redactError(error: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as ProviderError;
  const before = e.message;
  e.message = redactSecrets(e.message, secrets);
  if (typeof e.stack === "string") {
    e.stack = redactSecrets(e.stack.split(before).join(e.message), secrets);
  }
  if (Array.isArray(e.reasons)) {
    e.reasons = e.reasons.map((r) => (typeof r === "string" ? redactSecrets(r, secrets) : r));
  }
  return e;
}

/** `value` with every string in it redacted. */
function redactValue(value: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets)]));
  }
  return value;
}

/** A check result whose failed properties' values are redacted (what the engine prints). */
export function redactFailedValues(
  result: { inputs?: Record<string, unknown>; failures?: { property: string; reason: string }[] },
  secrets: readonly (string | undefined)[],
): typeof result {
  if (!result.failures?.length || !result.inputs) return result;
  const inputs = { ...result.inputs };
  for (const { property } of result.failures) {
    if (property in inputs) inputs[property] = redactValue(inputs[property], secrets);
  }
  return {
    ...result,
    inputs,
    failures: result.failures.map((f) => ({ ...f, reason: redactSecrets(f.reason, secrets) })),
  };
}

/** The props a method's arguments carry, by method (create: inputs; update: olds and news; ...). */
function propsOf(method: string, args: unknown[]): Record<string, unknown>[] {
  const objects = (...xs: unknown[]): Record<string, unknown>[] =>
    xs.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null);
  switch (method) {
    case "check":
      return objects(args[0], args[1]);
    case "create":
      return objects(args[0]);
    case "diff":
    case "update":
      return objects(args[1], args[2]);
    default:
      return objects(args[1]);
  }
}

/**
 * The provider with every method's errors redacted of the secrets `secretsOf` finds in its
 * arguments (and of the secret shapes `redactSecrets` knows).
 */
export function redactingProvider(
  provider: pulumi.dynamic.ResourceProvider,
  secretsOf: SecretsOf,
): pulumi.dynamic.ResourceProvider {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(provider)) {
    wrapped[name] = async (...args: unknown[]) => {
      try {
        const result = await (method as (...a: unknown[]) => Promise<unknown>).apply(
          provider,
          args,
        );
        return name === "check"
          ? redactFailedValues(result as never, propsOf(name, args).flatMap(secretsOf))
          : result;
      } catch (e) {
        throw redactError(e, propsOf(name, args).flatMap(secretsOf));
      }
    };
  }
  return wrapped as unknown as pulumi.dynamic.ResourceProvider;
}
