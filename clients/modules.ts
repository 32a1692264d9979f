/**
 * npm modules the providers use, required when first called rather than imported at the top.
 *
 * Why: the providers' code is serialized into the Pulumi state. A `require` inside a function is
 * serialized as is and resolved in the provider process. A top-level namespace import works under
 * ts-node/tsc only when the module sets `__esModule`; under tsx (esbuild) it is a copy of the
 * exports, so the serializer walks into the module's files and fails on paths its `exports` map
 * does not list (`@azure/core-rest-pipeline/dist/commonjs/pipeline.js`). Node caches modules, so
 * calling these often costs a map lookup.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- deliberate lazy requires, see above */

/** `@azure/core-rest-pipeline`. */
export function corePipelineModule(): typeof import("@azure/core-rest-pipeline") {
  return require("@azure/core-rest-pipeline");
}

/** `@azure/storage-blob`. */
export function storageBlobModule(): typeof import("@azure/storage-blob") {
  return require("@azure/storage-blob");
}

/** `@azure/identity` (loaded only for real Azure endpoints: it probes 169.254.169.254). */
export function identityModule(): typeof import("@azure/identity") {
  return require("@azure/identity");
}
