/**
 * The emulator's `.ilearner` format, version 1 (documented in docs/ilearner-format.md):
 *
 * ```
 * offset  size  content
 * 0       8     magic "AMLEMUIL" (ASCII)
 * 8       2     formatVersion, uint16 little-endian (1)
 * 10      2     flags, uint16 LE (0; reserved)
 * 12      4     H = header length, uint32 LE
 * 16      H     header: UTF-8 JSON (learner, label, features, parameters, training)
 * 16+H    4     B = body length, uint32 LE
 * 20+H    B     body: UTF-8 JSON (weights or trees)
 * 20+H+B  4     CRC-32 (zlib polynomial) of bytes [0, 20+H+B), uint32 LE
 * ```
 *
 * JSON keeps the file inspectable and round-trips doubles exactly (shortest representation);
 * the CRC makes truncated or altered files fail loudly instead of scoring nonsense.
 */
import { crc32 } from "node:zlib";
import type { ElementType, ModelInfo } from "./api";
import { engineErrors } from "./errors";
import { slotLayout } from "./learners/features";
import {
  ITRANSFORM_FORMAT_VERSION,
  TRANSFORM_MODULES,
  decodeItransform,
  isItransform,
  transformColumns,
} from "./transforms";
import type { LearnerKind, TrainedModel, TreeSpec } from "./learners/model";

/** First 8 bytes of every emulator `.ilearner`. */
export const ILEARNER_MAGIC = "AMLEMUIL";
/** The version this engine writes (and the only one it reads). */
export const ILEARNER_FORMAT_VERSION = 1;

const LEARNER_KINDS: readonly LearnerKind[] = [
  "TwoClassLogisticRegression",
  "TwoClassBoostedDecisionTree",
  "LinearRegression",
  "TwoClassDecisionForest",
  "TwoClassAveragedPerceptron",
  "TwoClassSupportVectorMachine",
  "MulticlassLogisticRegression",
  "MulticlassDecisionForest",
  "BoostedDecisionTreeRegression",
  "DecisionForestRegression",
  "PoissonRegression",
  "KMeansClustering",
];
const TASKS = ["binary", "regression", "multiclass", "clustering"];
/** The body each learner writes. */
const BODY_KINDS: Readonly<Record<LearnerKind, TrainedModel["body"]["kind"]>> = {
  TwoClassLogisticRegression: "linear",
  TwoClassBoostedDecisionTree: "trees",
  LinearRegression: "linear",
  TwoClassDecisionForest: "forest",
  TwoClassAveragedPerceptron: "linear",
  TwoClassSupportVectorMachine: "linear",
  MulticlassLogisticRegression: "multiclassLinear",
  MulticlassDecisionForest: "forest",
  BoostedDecisionTreeRegression: "trees",
  DecisionForestRegression: "forest",
  PoissonRegression: "linear",
  KMeansClustering: "kmeans",
};
const ELEMENT_TYPES: readonly ElementType[] = ["Double", "Int64", "Boolean", "String"];

/** The header section: everything but the weights/trees. */
type Header = Omit<TrainedModel, "body"> & { formatVersion: number };

/**
 * Serializes a trained model.
 *
 * @param model - the model to write
 */
export function encodeIlearner(model: TrainedModel): Uint8Array {
  // Written out key by key: the key order is the order of the file's bytes.
  const header: Header = {
    formatVersion: ILEARNER_FORMAT_VERSION,
    learner: model.learner,
    moduleName: model.moduleName,
    task: model.task,
    label: model.label,
    features: model.features,
    parameters: model.parameters,
    training: model.training,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const bodyBytes = Buffer.from(JSON.stringify(model.body), "utf8");
  const total = 20 + headerBytes.length + bodyBytes.length + 4;
  const out = Buffer.alloc(total);
  out.write(ILEARNER_MAGIC, 0, "ascii");
  out.writeUInt16LE(ILEARNER_FORMAT_VERSION, 8);
  out.writeUInt16LE(0, 10);
  out.writeUInt32LE(headerBytes.length, 12);
  headerBytes.copy(out, 16);
  out.writeUInt32LE(bodyBytes.length, 16 + headerBytes.length);
  bodyBytes.copy(out, 20 + headerBytes.length);
  out.writeUInt32LE(crc32(out.subarray(0, total - 4)), total - 4);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Checks the envelope and returns the header and body texts. */
function readEnvelope(bytes: Uint8Array): { header: unknown; bodyText: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string) =>
    engineErrors.model("InvalidModel", `The trained model is not a readable .ilearner: ${why}`);
  if (buf.length < 24 || buf.toString("ascii", 0, 8) !== ILEARNER_MAGIC) {
    throw bad(
      `it does not start with the "${ILEARNER_MAGIC}" signature (was it produced by this emulator?)`,
    );
  }
  const version = buf.readUInt16LE(8);
  if (version !== ILEARNER_FORMAT_VERSION) {
    throw engineErrors.model(
      "UnsupportedModelVersion",
      `The trained model has .ilearner format version ${version}; this emulator reads version ${ILEARNER_FORMAT_VERSION}`,
    );
  }
  const h = buf.readUInt32LE(12);
  if (16 + h + 4 > buf.length) throw bad("the header is truncated");
  const b = buf.readUInt32LE(16 + h);
  const total = 20 + h + b + 4;
  if (total !== buf.length)
    throw bad(`the file has ${buf.length} bytes, its sections declare ${total}`);
  if (crc32(buf.subarray(0, total - 4)) !== buf.readUInt32LE(total - 4)) {
    throw bad("the checksum does not match (the file is corrupted)");
  }
  let header: unknown;
  try {
    header = JSON.parse(buf.toString("utf8", 16, 16 + h));
  } catch (e) {
    throw engineErrors.model("InvalidModel", "The trained model's header is not valid JSON", e);
  }
  return { header, bodyText: buf.toString("utf8", 20 + h, 20 + h + b) };
}

function checkHeader(header: unknown): Header {
  const bad = (why: string) =>
    engineErrors.model("InvalidModel", `The trained model's header is invalid: ${why}`);
  if (typeof header !== "object" || header === null) throw bad("not an object");
  const h = header as Partial<Header>;
  if (!h.learner || !LEARNER_KINDS.includes(h.learner))
    throw bad(`unknown learner "${String(h.learner)}"`);
  if (!TASKS.includes(h.task!)) throw bad("unknown task");
  if (!h.label || typeof h.label.name !== "string" || !ELEMENT_TYPES.includes(h.label.type)) {
    throw bad("bad label");
  }
  if (h.task === "binary" && (!Array.isArray(h.label.classes) || h.label.classes.length !== 2)) {
    throw bad("a binary model needs two classes");
  }
  if (h.task === "multiclass" && (!Array.isArray(h.label.levels) || h.label.levels.length < 2)) {
    throw bad("a multiclass model needs its classes");
  }
  if (!Array.isArray(h.features)) throw bad("no features");
  for (const f of h.features) {
    const ok =
      typeof f === "object" &&
      f !== null &&
      typeof f.name === "string" &&
      ((f.kind === "numeric" &&
        Number.isFinite(f.shift) &&
        Number.isFinite(f.scale) &&
        f.scale !== 0) ||
        (f.kind === "categorical" &&
          Array.isArray(f.levels) &&
          typeof f.unknownLevel === "boolean"));
    if (!ok) throw bad("bad feature entry");
  }
  if (!h.training || typeof h.training.trainedAt !== "string") throw bad("no training metadata");
  return h as Header;
}

/**
 * Reads a `.ilearner` written by {@link encodeIlearner}. Throws a `model` error on anything else.
 *
 * @param bytes - file bytes
 */
export function decodeIlearner(bytes: Uint8Array): TrainedModel {
  const { header, bodyText } = readEnvelope(bytes);
  const h = checkHeader(header);
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (e) {
    throw engineErrors.model("InvalidModel", "The trained model's body is not valid JSON", e);
  }
  const bad = (why: string) =>
    engineErrors.model("InvalidModel", `The trained model's body is invalid: ${why}`);
  const slots = slotLayout(h.features).slotCount;
  const b = body as TrainedModel["body"];
  if (typeof b !== "object" || b === null) throw bad("not an object");
  if (b.kind !== BODY_KINDS[h.learner]) throw bad(`expected a ${BODY_KINDS[h.learner]} body`);
  const validTree = (t: TreeSpec, width: number): boolean => {
    const n = t.feature?.length;
    return (
      Array.isArray(t.feature) &&
      t.threshold?.length === n &&
      t.left?.length === n &&
      t.right?.length === n &&
      Array.isArray(t.leafValues) &&
      t.leafValues.length === (n + 1) * width &&
      t.feature.every((f) => Number.isInteger(f) && f >= 0 && f < h.features.length) &&
      [...t.left, ...t.right].every((c) => Number.isInteger(c) && c < n && ~c <= n)
    );
  };
  const finiteArray = (a: unknown, length: number): boolean =>
    Array.isArray(a) && a.length === length && a.every((v) => Number.isFinite(v));
  if (b.kind === "trees") {
    if (!Array.isArray(b.trees) || !Number.isFinite(b.initialScore)) throw bad("expected trees");
    for (const t of b.trees) if (!validTree(t, 1)) throw bad("malformed tree");
  } else if (b.kind === "forest") {
    const width = h.task === "multiclass" ? h.label.levels!.length : 1;
    if (b.width !== width || !Array.isArray(b.trees) || b.trees.length === 0)
      throw bad("expected a forest");
    for (const t of b.trees) if (!validTree(t, width)) throw bad("malformed tree");
  } else if (b.kind === "multiclassLinear") {
    const k = h.label.levels!.length;
    if (!finiteArray(b.biases, k) || !Array.isArray(b.weights) || b.weights.length !== k)
      throw bad(`expected ${k} classes of ${slots} weights`);
    for (const w of b.weights)
      if (!finiteArray(w, slots)) throw bad(`expected ${k} classes of ${slots} weights`);
  } else if (b.kind === "kmeans") {
    if (!Array.isArray(b.centroids) || b.centroids.length < 2) throw bad("expected centroids");
    for (const c of b.centroids)
      if (!finiteArray(c, slots)) throw bad(`expected centroids of ${slots} values`);
  } else if (!Array.isArray(b.weights) || b.weights.length !== slots || !Number.isFinite(b.bias)) {
    throw bad(`expected ${slots} weights and a bias`);
  }
  return {
    learner: h.learner,
    moduleName: h.moduleName,
    task: h.task,
    label: h.label,
    features: h.features,
    parameters: h.parameters ?? {},
    training: h.training,
    body: b,
  };
}

/**
 * Summary of an `.ilearner` header (reads and checks the envelope, not the body), or of an
 * `.itransform` (its module and columns).
 *
 * @param bytes - file bytes
 */
export function inspectModel(bytes: Uint8Array): ModelInfo {
  if (isItransform(bytes)) {
    const { transform, createdAt } = decodeItransform(bytes);
    return {
      kind: "transform",
      formatVersion: ITRANSFORM_FORMAT_VERSION,
      learner: `${TRANSFORM_MODULES[transform.kind]} transformation`,
      labelColumn: "",
      featureColumns: transformColumns(transform),
      trainedAt: createdAt,
    };
  }
  const h = checkHeader(readEnvelope(bytes).header);
  return {
    kind: "model",
    formatVersion: h.formatVersion,
    learner: h.moduleName,
    labelColumn: h.label.name,
    featureColumns: h.features.map((f) => f.name),
    trainedAt: h.training.trainedAt,
  };
}
