/**
 * The held-out rows, as the training graph scored them. Evaluate Model reduces them to metrics;
 * the report needs the rows themselves (to draw the ROC curve and to score the served model on
 * exactly the same rows). The evaluation therefore deploys the stack's training definition with one
 * more web service output, fed by whatever feeds Evaluate Model's "Scored dataset" port. The graph,
 * its split, its seed and so the trained model are the same; the job also writes the scored rows.
 */
import type { WebServiceProperties } from "../contract";

/** The name of the added output. */
export const SCORED_OUTPUT = "evaluationScoredRows";

/**
 * The definition's properties with the scored held-out rows as an extra output.
 * @param properties - a training definition's properties
 * @param file - its file, for errors
 */
export function withScoredOutput(
  properties: WebServiceProperties,
  file: string,
): WebServiceProperties {
  const pkg = properties.package;
  if (!pkg) throw new Error(`training definition "${file}" has no graph package`);
  const evaluateAssets = new Set(
    Object.entries(properties.assets ?? {})
      .filter(([, a]) => a.name === "Evaluate Model")
      .map(([id]) => id),
  );
  const evaluateNodes = new Set(
    Object.entries(pkg.nodes)
      .filter(([, n]) => n.assetId !== undefined && evaluateAssets.has(n.assetId))
      .map(([id]) => id),
  );
  const feeding = pkg.edges.filter(
    (e) => evaluateNodes.has(e.targetNodeId) && e.targetPortId === "Scored dataset",
  );
  if (feeding.length !== 1) {
    throw new Error(
      `training definition "${file}" must feed exactly one Evaluate Model's "Scored dataset" port (found ${feeding.length}): the report scores the same rows`,
    );
  }
  if (pkg.nodes[SCORED_OUTPUT] || properties.output?.properties?.[SCORED_OUTPUT]) {
    throw new Error(
      `training definition "${file}" already has a node or output named ${SCORED_OUTPUT}`,
    );
  }
  const source = feeding[0];
  return {
    ...properties,
    output: {
      ...(properties.output ?? { type: "object" }),
      type: properties.output?.type ?? "object",
      properties: {
        ...(properties.output?.properties ?? {}),
        [SCORED_OUTPUT]: { title: "Scored held-out rows", type: "object", properties: {} },
      },
    },
    package: {
      ...pkg,
      nodes: { ...pkg.nodes, [SCORED_OUTPUT]: { outputId: SCORED_OUTPUT } },
      edges: [
        ...pkg.edges,
        {
          sourceNodeId: source.sourceNodeId,
          sourcePortId: source.sourcePortId,
          targetNodeId: SCORED_OUTPUT,
          targetPortId: "Data",
        },
      ],
    },
  };
}
