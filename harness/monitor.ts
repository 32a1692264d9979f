/**
 * What a resource registration carries that the SDK's mocks do not pass on: its URN, parent,
 * dependencies (per property too), `additionalSecretOutputs` and `deleteBeforeReplace`. The
 * engine needs all of them (dependents of a replacement, delete order, secret outputs); the mock
 * monitor reads them off the request and drops them, so the monitor is patched, once, to show
 * every request to listeners before the mocks answer it.
 */

/** A registration as the engine receives it (less the inputs, which the mocks pass). */
export interface RegisterResourceRequest {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  /** URNs of every resource the inputs (or `dependsOn`) reference. */
  readonly dependencies: string[];
  /** URNs each input property references. */
  readonly propertyDependencies: Record<string, string[]>;
  readonly additionalSecretOutputs: string[];
  /** The `deleteBeforeReplace` resource option, when set. */
  readonly deleteBeforeReplace?: boolean;
}

/** The getters of the SDK's `RegisterResourceRequest` read here. */
interface RequestMessage {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
}

interface MockMonitorPrototype {
  registerResource(req: unknown, cb: unknown): unknown;
  newUrn(parent: string, type: string, name: string): string;
}

const listeners = new Set<(request: RegisterResourceRequest) => void>();
let patched = false;

/**
 * Calls `listener` with every resource registration the SDK's mock monitor receives, before the
 * mocks answer it, until the returned function is called.
 * @param listener - called with the request
 */
export function onRegisterResource(
  listener: (request: RegisterResourceRequest) => void,
): () => void {
  if (!patched) {
    patched = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
      MockMonitor: { prototype: MockMonitorPrototype };
    };
    const original = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (
      this: MockMonitorPrototype,
      req: unknown,
      cb: unknown,
    ) {
      const r = req as RequestMessage;
      const propertyDependencies: Record<string, string[]> = {};
      r.getPropertydependenciesMap().forEach((value, key) => {
        propertyDependencies[key] = value.getUrnsList();
      });
      const request: RegisterResourceRequest = {
        urn: this.newUrn(r.getParent(), r.getType(), r.getName()),
        type: r.getType(),
        name: r.getName(),
        custom: r.getCustom(),
        parent: r.getParent(),
        dependencies: r.getDependenciesList(),
        propertyDependencies,
        additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
        ...(r.getDeletebeforereplacedefined()
          ? { deleteBeforeReplace: r.getDeletebeforereplace() }
          : {}),
      };
      for (const l of listeners) l(request);
      return original.call(this, req, cb);
    };
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}
