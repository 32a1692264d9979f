/**
 * chai assertions that also narrow types for the compiler (chai's `expect` cannot declare
 * `asserts value is ...`), so a test does not need a `!` after checking a value exists.
 */
import { expect } from "chai";
import { isServiceError, type ServiceError } from "../../clients/http";

/** Expects `value` to be neither null nor undefined, and narrows it. */
export function expectPresent<T>(value: T, message?: string): asserts value is NonNullable<T> {
  expect(value, message).to.exist;
}

/** Expects `value` to be an instance of `type`, and narrows it. */
export function expectInstance<T>(
  value: unknown,
  type: abstract new (...args: never[]) => T,
  message?: string,
): asserts value is T {
  expect(value, message).to.be.instanceOf(type);
}

/**
 * Expects `value` to be the variant of a tagged union whose `key` is `tag`, and narrows it:
 * `expectVariant(out, "kind", "model")` then `out.ilearner`.
 */
export function expectVariant<T extends object, K extends keyof T, const V extends T[K]>(
  value: T | undefined,
  key: K,
  tag: V,
  message?: string,
): asserts value is Extract<T, Record<K, V>> {
  expect(value, message).to.exist;
  expect(value![key], message).to.equal(tag);
}

/** Expects `e` to be a service error (with the status and code when given), and narrows it. */
export function expectServiceError(
  e: unknown,
  status?: number,
  code?: string,
  message?: string,
): asserts e is ServiceError {
  expect(isServiceError(e, status, code), message ?? String(e)).to.equal(true);
}
