/**
 * The error catalogue: codes in the code, in the factory and in the design note agree in both
 * directions (fastify's errors test, translated).
 */
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  ENGINE_DETAIL_CODES,
  EngineError,
  engineErrors,
  STUDIO_ERROR_TEMPLATES,
} from "../../../emulator/engine";

const root = join(__dirname, "..", "..", "..");
const engineDir = join(root, "emulator", "engine");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const code = sources(engineDir)
  .filter((p) => !p.endsWith("errors.ts") && !p.endsWith("api.ts"))
  .map((p) => readFileSync(p, "utf8"))
  .join("\n");
const doc = readFileSync(join(root, "docs", "designs", "2026-11-engine.md"), "utf8");
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

describe("engine error catalogue", () => {
  it("every Studio code with a template is raised somewhere, and every raised code has one", () => {
    const raised = [
      ...code.matchAll(/engineErrors\.module\(\s*(?:[^)]*?\?\s*)?"(\d{4})"(?:\s*:\s*"(\d{4})")?/g),
    ].flatMap((m) => [m[1], m[2]].filter((x): x is string => x !== undefined));
    expect(sorted([...raised, "1000"])).to.deep.equal(sorted(Object.keys(STUDIO_ERROR_TEMPLATES)));
  });

  it("every detail code is raised with its kind, and every raised one is listed", () => {
    const raised: Record<string, string[]> = {};
    for (const m of code.matchAll(
      /engineErrors\.(package|inputParse|inputMismatch|model)\(\s*"(\w+)"/g,
    )) {
      (raised[m[1]] ??= []).push(m[2]);
    }
    for (const [kind, codes] of Object.entries(ENGINE_DETAIL_CODES)) {
      expect(sorted(raised[kind] ?? []), kind).to.deep.equal(sorted(codes));
    }
  });

  it("the design note documents exactly these codes", () => {
    const studioRows = [...doc.matchAll(/^\|\s*(\d{4})\s*\|/gm)].map((m) => m[1]);
    expect(sorted(studioRows)).to.deep.equal(sorted(Object.keys(STUDIO_ERROR_TEMPLATES)));
    const detailRows = [
      ...doc.matchAll(/^\|\s*(package|inputParse|inputMismatch|model)\s*\|\s*(\w+)\s*\|/gm),
    ].map((m) => `${m[1]}/${m[2]}`);
    const declared = Object.entries(ENGINE_DETAIL_CODES).flatMap(([kind, codes]) =>
      codes.map((c) => `${kind}/${c}`),
    );
    expect(sorted(detailRows)).to.deep.equal(sorted(declared));
  });

  it("renders Studio messages and survives a trip through plain data", () => {
    const e = engineErrors.module("0001", "age", "Dataset").atNode("node3", "Edit Metadata");
    expect(e.message).to.equal(
      'Error 0001: Column with name or index "age" does not exist in "Dataset"',
    );
    expect(e.toJSON()).to.deep.equal({
      name: "EngineError",
      kind: "module",
      code: "0001",
      message: e.message,
      nodeId: "node3",
      moduleName: "Edit Metadata",
    });
    const back = EngineError.fromJSON(structuredClone(e.toJSON()));
    expect(back).to.be.instanceOf(EngineError);
    expect(back.toJSON()).to.deep.equal(e.toJSON());
    expect(engineErrors.library(new Error("boom")).message).to.equal(
      "Error 1000: AFx Library library exception: boom",
    );
  });
});
