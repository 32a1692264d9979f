/**
 * Writes `outputs.json`: the numbers of `cases.ts` as the engine of this checkout computes them.
 * Run it on the implementation the numbers must stay equal to (it was run on main at the commit
 * named in the file, before the hot-path work), never to make a failing pin pass:
 * `npx tsx test/emulator/engine/pinned/pin.ts <commit>`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pinnedCases } from "./cases";

const commit = process.argv[2];
if (!commit) throw new Error("usage: pin.ts <commit of the implementation being pinned>");
const cases = pinnedCases().map(({ name, training, scored }) => ({ name, training, scored }));
writeFileSync(join(__dirname, "outputs.json"), `${JSON.stringify({ commit, cases })}\n`);
