/**
 * A project directory of our own for the tests of the provider shim: the project's loader
 * (`components/shared/loadProviders.cjs`), the project's node_modules (linked), and a
 * `components/providers.ts` the test writes, so a test can change "the project's code".
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../harness/providerHost";

/**
 * A copy of the project's loader in a fresh project directory with a `providers.ts` of our own
 * (and the project's node_modules), so the test can change the "project's code".
 */
export function fakeProject(providers: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shim-project-"));
  fs.mkdirSync(path.join(dir, "components", "shared"), { recursive: true });
  fs.copyFileSync(
    path.join(PROJECT_DIR, "components", "shared", "loadProviders.cjs"),
    path.join(dir, "components", "shared", "loadProviders.cjs"),
  );
  fs.mkdirSync(path.join(dir, "node_modules"));
  for (const entry of fs.readdirSync(path.join(PROJECT_DIR, "node_modules"))) {
    if (entry === ".cache") continue;
    fs.symlinkSync(
      path.join(PROJECT_DIR, "node_modules", entry),
      path.join(dir, "node_modules", entry),
    );
  }
  fs.writeFileSync(path.join(dir, "components", "providers.ts"), providers);
  return dir;
}
