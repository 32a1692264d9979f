/**
 * What a job's worker watches besides the outputs it writes, for the portal: every Evaluate
 * Model's scored inputs and its evaluation table. The worker runs the job's graph with one more
 * web service output per watched port (fed by the same source port, so the graph, its split, its
 * seeds and its models are unchanged) and reads those tables after the run; they are never
 * written anywhere. The lineage ties each evaluation to the model output it evaluates: the model
 * the evaluated scoring module was given, or the one it trained (Train Clustering Model).
 */
import type { GraphEdge, TableSpecification, WebServiceProperties } from "../../contract";

/** The name of Studio's Evaluate Model module (an asset name in a definition). */
const EVALUATE_MODEL = "Evaluate Model";
/** Evaluate Model's ports. */
const SCORED_PORTS = { left: "Scored dataset", right: "Scored dataset to compare" } as const;
const RESULTS_PORT = "Evaluation results";
/** The port a scoring module receives its model on. */
const TRAINED_MODEL_PORT = "Trained model";
/** Prefix of the added outputs (a definition's own outputs never start with it). */
const HIDDEN = "__portal_";

/** One watched Evaluate Model input. */
export interface WatchedEvaluation {
  readonly nodeId: string;
  readonly side: "left" | "right";
  /** The added output carrying the scored rows. */
  readonly scoredOutput: string;
  /** The added output carrying Evaluate Model's table. */
  readonly resultsOutput: string;
  /**
   * The port that fed the evaluated scoring module its model (`node/port`), or the module's own
   * model output when it trained the model it scored with; undefined when there is neither.
   */
  readonly modelSource: string | undefined;
}

/** The graph to run and what to read after it ran. */
export interface ObservedGraph {
  /** The job's definition with the added outputs (the job's own when nothing is watched). */
  readonly properties: WebServiceProperties;
  readonly evaluations: readonly WatchedEvaluation[];
  /** The port feeding each of the definition's outputs (`node/port`), by output name. */
  readonly outputSources: Readonly<Record<string, string>>;
}

const portKey = (edge: Pick<GraphEdge, "sourceNodeId" | "sourcePortId">): string =>
  `${edge.sourceNodeId}/${edge.sourcePortId}`;

/**
 * The job's graph with its Evaluate Model inputs and results as added outputs.
 * @param properties - the job's definition
 */
export function observeEvaluations(properties: WebServiceProperties): ObservedGraph {
  const pkg = properties.package;
  if (!pkg) return { properties, evaluations: [], outputSources: {} };
  const incoming = (nodeId: string, port: string): GraphEdge | undefined =>
    pkg.edges.find((e) => e.targetNodeId === nodeId && e.targetPortId === port);
  const outputSources: Record<string, string> = {};
  for (const [id, node] of Object.entries(pkg.nodes)) {
    // An output node has one incoming edge, whatever its port is called.
    const edge = pkg.edges.find((e) => e.targetNodeId === id);
    if (node.outputId !== undefined && edge) outputSources[node.outputId] = portKey(edge);
  }
  const evaluateAssets = new Set(
    Object.entries(properties.assets ?? {})
      .filter(([, asset]) => asset.name === EVALUATE_MODEL)
      .map(([id]) => id),
  );
  const evaluations: WatchedEvaluation[] = [];
  const nodes = { ...pkg.nodes };
  const edges = [...pkg.edges];
  const outputs: Record<string, TableSpecification> = {};
  const add = (name: string, source: GraphEdge): void => {
    nodes[`${name}_node`] = { outputId: name };
    edges.push({
      sourceNodeId: source.sourceNodeId,
      sourcePortId: source.sourcePortId,
      targetNodeId: `${name}_node`,
      targetPortId: "Data",
    });
    outputs[name] = { title: name, type: "object", properties: {} };
  };
  for (const [id, node] of Object.entries(pkg.nodes)) {
    if (node.assetId === undefined || !evaluateAssets.has(node.assetId)) continue;
    let resultsOutput: string | undefined;
    for (const side of ["left", "right"] as const) {
      const scored = incoming(id, SCORED_PORTS[side]);
      if (!scored) continue;
      if (resultsOutput === undefined) {
        resultsOutput = `${HIDDEN}${id}_results`;
        add(resultsOutput, {
          sourceNodeId: id,
          sourcePortId: RESULTS_PORT,
          targetNodeId: "",
          targetPortId: "",
        });
      }
      const scoredOutput = `${HIDDEN}${id}_${side}`;
      add(scoredOutput, scored);
      // The model the scoring module was given; or, for a module that trains and scores at once
      // (Train Clustering Model: its "Results dataset" beside its "Trained model"), its own.
      const model =
        incoming(scored.sourceNodeId, TRAINED_MODEL_PORT) ??
        pkg.edges.find(
          (e) => e.sourceNodeId === scored.sourceNodeId && e.sourcePortId === TRAINED_MODEL_PORT,
        );
      evaluations.push({
        nodeId: id,
        side,
        scoredOutput,
        resultsOutput,
        modelSource: model ? portKey(model) : undefined,
      });
    }
  }
  if (evaluations.length === 0) return { properties, evaluations, outputSources };
  return {
    properties: {
      ...properties,
      output: {
        ...properties.output,
        type: "object",
        properties: { ...properties.output?.properties, ...outputs },
      },
      package: { ...pkg, nodes, edges },
    },
    evaluations,
    outputSources,
  };
}
