/**
 * Errors raised on the providers' code paths are real `Error` objects built by factories, never
 * instances of `Error` subclasses.
 *
 * Why: Pulumi's closure serializer turns classes into ES5-style constructor functions. For a class
 * extending `Error`, `super(message)` becomes `Error.call(this, message)`, which returns a new
 * Error and leaves `this` a plain object: no message (the engine would print "undefined"), no
 * stack, and `instanceof Error` false. A factory that calls `new Error(...)` has none of that.
 */

/** An Error with a name and extra members. */
export type NamedError<T extends object = object> = Error & T;

/** Builds a real Error with `name` and the extra members of `props`. */
export function namedError<T extends object>(
  name: string,
  message: string,
  props: T,
  cause?: unknown,
): NamedError<T> {
  const error = new Error(message, cause === undefined ? undefined : { cause });
  error.name = name;
  return Object.assign(error, props);
}

/** True when `e` is an Error with that name (the way to test for the errors made here). */
export function isNamedError(e: unknown, name: string): e is NamedError<Record<string, unknown>> {
  return e instanceof Error && e.name === name;
}
