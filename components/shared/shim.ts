import * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "../providers";

/**
 * What the state holds of a resource's provider: a shim of one line that, in the provider host,
 * loads the project's providers and hands each call to the resource's.
 *
 * Why: a dynamic provider is serialized into `__provider` with everything it references, kept in
 * the inputs and in the outputs of every resource, and the engine writes the whole state at the
 * start and at the end of every step. By value the providers were 45 to 172 kB each, the
 * 205-resource stack's checkpoint 54 MB, and repointing 100 endpoints wrote gigabytes (bench
 * rows 12a to 12d). The shim is under 500 bytes.
 *
 * The host (`@pulumi/pulumi/cmd/dynamic-provider`) needs of `__provider` only CommonJS text
 * whose `handler()` returns the provider, so the shim is written here as such a text rather than
 * produced by the closure serializer (which wraps every function in a preamble of its captured
 * variables, and writes different text under tsx and ts-node); {@link ProjectResource} registers
 * it under the type a `pulumi.dynamic.Resource` registers, which routes it to the same host.
 *
 * How it loads: `loadProviders.cjs`, in the project, plain CommonJS (the host is a plain `node`
 * with no TypeScript loader), bundles `components/providers.ts` with esbuild into a cached file
 * the first time, and requires the cached bundle while no source file changed. What this makes
 * `destroy` depend on (the project's code and `node_modules`, where Pulumi runs) is in
 * docs/designs/2026-11-providers.md §2.
 */

export type { ProviderKind };

/** The project's loader, relative to the project (the provider host's working directory). */
export const LOADER = "components/shared/loadProviders.cjs";

/**
 * The shim of a provider kind, as `__provider` holds it: each method hands its arguments to the
 * kind's provider through the project's loader.
 * @param kind - the provider, by its name in `components/providers.ts`
 */
export function shimText(kind: ProviderKind): string {
  return (
    `// azureml-retrain: the ${kind} provider, loaded from the project at run time (${LOADER}).\n` +
    `exports.handler = () => {\n` +
    `  const call = (method) => (...args) => require(process.cwd() + "/${LOADER}").callProvider(${JSON.stringify(kind)}, method, args);\n` +
    `  return { check: call("check"), diff: call("diff"), create: call("create"), update: call("update"), read: call("read"), delete: call("delete") };\n` +
    `};\n`
  );
}

/**
 * The `__provider` of a resource of `kind`: its shim, or, when
 * `AZUREML_RETRAIN_PROVIDERS_IN_STATE=1`, the provider itself serialized by value as
 * `pulumi.dynamic.Resource` does (a state `destroy` can delete without the project's code, at
 * the cost of its size; the benchmarks compare the two).
 * @param kind - the provider
 */
export function providerText(kind: ProviderKind): pulumi.Input<string> {
  if (process.env.AZUREML_RETRAIN_PROVIDERS_IN_STATE !== "1") return shimText(kind);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { providers } = require("../providers") as {
    providers: Record<ProviderKind, pulumi.dynamic.ResourceProvider>;
  };
  const provider = providers[kind];
  return pulumi.output(
    pulumi.runtime
      .serializeFunction(() => provider, { allowSecrets: false })
      .then((serialized) => serialized.text),
  );
}

/**
 * A resource served by one of the project's dynamic providers: registered as
 * `pulumi.dynamic.Resource` registers one (type `pulumi-nodejs:dynamic/azureml:<type>`, the
 * provider in `__provider`), with the provider's shim as `__provider`.
 */
export abstract class ProjectResource extends pulumi.CustomResource {
  /**
   * @param kind - the provider
   * @param type - the resource type's name (`TrainedModel`, ...)
   * @param name - the resource's name
   * @param props - its inputs, and its outputs as `undefined`
   * @param opts - its options
   */
  constructor(
    kind: ProviderKind,
    type: string,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    if ("__provider" in props) throw new Error("a dynamic resource must not define __provider");
    super(
      `pulumi-nodejs:dynamic/azureml:${type}`,
      name,
      { ...props, __provider: providerText(kind) },
      opts,
    );
  }
}
