/**
 * Everything the repository cites is in the repository: no tracked file names a background note
 * that lives outside it, every `docs/...`-style path quoted in a comment or a page exists, and
 * every relative Markdown link (and its `#anchor`) leads somewhere.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const PROJECT = path.resolve(__dirname, "..", "..");
const SELF = path.relative(PROJECT, __filename).split(path.sep).join("/");

/**
 * Notes the project was written from, which are not part of it. A file of one of these names
 * may be added to the repository one day; until then, citing it sends the reader nowhere.
 */
const OUTSIDE_NAMES = [
  "azureml-classic-api.md",
  "azureml-v2-api.md",
  "studio-modules.md",
  "pulumi-dynamic-providers.md",
  "azurite-notes",
  "style-anchors",
  "DESIGN.md",
];
/** Absolute paths of the machine the project was written on. */
const OUTSIDE_PATHS = ["/work/shared", "/work/main"];

/**
 * Pages cited before they exist, each with the work that creates it. An entry only excuses the
 * page while it is missing; remove it once the page is on main.
 */
const PENDING: Record<string, string> = {};

/** The folders whose paths are checked when a file quotes them in backticks. */
const ROOTS = [
  "docs",
  "contract",
  "emulator",
  "clients",
  "components",
  "scripts",
  "bench",
  "test",
  "harness",
  "definitions",
  "data",
  "bin",
  ".ci",
  ".github",
];

const TEXT = /\.(?:ts|js|cjs|mjs|md|ya?ml|json)$/;

function trackedFiles(): string[] {
  const listed = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: PROJECT,
    encoding: "utf8",
  });
  return listed
    .split("\n")
    .filter((file) => file !== "" && fs.existsSync(path.join(PROJECT, file)))
    .sort();
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a Markdown page's headings (outside code blocks). */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) found.add(anchorOf(heading[1].replace(/`/g, "")));
  }
  return found;
}

describe("citations in the repository", function () {
  const files = trackedFiles();
  const tracked = new Set(files);
  const folders = new Set(files.flatMap((file) => ancestors(file)));
  const texts = files.filter((file) => TEXT.test(file) || file.startsWith(".ci/"));
  const read = (file: string): string => fs.readFileSync(path.join(PROJECT, file), "utf8");
  const exists = (file: string): boolean =>
    tracked.has(file) || folders.has(file.replace(/\/$/, ""));

  function ancestors(file: string): string[] {
    const out: string[] = [];
    for (let dir = path.posix.dirname(file); dir !== "."; dir = path.posix.dirname(dir)) {
      out.push(dir);
    }
    return out;
  }

  /** `file:line: text` for every line of every text file that matches. */
  function lines(match: (line: string, file: string) => string[]): string[] {
    const found: string[] = [];
    for (const file of texts) {
      if (file === SELF) continue;
      read(file)
        .split("\n")
        .forEach((line, i) => {
          for (const what of match(line, file)) found.push(`${file}:${i + 1}: ${what}`);
        });
    }
    return found;
  }

  it("names no background note that is not in the repository", function () {
    const missing = OUTSIDE_NAMES.filter(
      (name) => !files.some((file) => path.posix.basename(file).startsWith(name)),
    );
    const cited = lines((line, file) => [
      ...missing.filter((name) => line.includes(name)),
      ...OUTSIDE_PATHS.filter((p) => line.includes(p)),
      // A `../` path to a document that is not in the repository (`../shared/docs/x.md`).
      ...[...line.matchAll(/(?:\.\.\/)+(?:[\w.-]+\/)*(?:docs\/|[\w.-]+\.md\b)/g)]
        .map((m) => m[0])
        .filter((p) => {
          const target = path.posix.join(path.posix.dirname(file), p);
          return !exists(target) && !(target in PENDING);
        }),
    ]);
    expect(cited).to.deep.equal([]);
  });

  it("quotes only repository paths that exist", function () {
    const quoted = new RegExp(
      "`((?:\\.\\.?/)*(?:" +
        ROOTS.map((r) => r.replace(".", "\\.")).join("|") +
        ")/[\\w./-]*[\\w-])`",
      "g",
    );
    const broken = lines((line, file) =>
      [...line.matchAll(quoted)]
        .map((m) => m[1])
        .filter((cited) => {
          // From the repository's root, or (for `./x`, `../x` and folder-local names) from the file.
          const fromRoot = path.posix.normalize(cited);
          const fromFile = path.posix.normalize(path.posix.join(path.posix.dirname(file), cited));
          if (exists(fromRoot) || exists(fromFile)) return false;
          return !(fromRoot in PENDING);
        }),
    );
    expect(broken).to.deep.equal([]);
  });

  it("links only to files and headings that exist", function () {
    const pages = new Map<string, Set<string>>();
    const headings = (file: string): Set<string> => {
      let found = pages.get(file);
      if (!found) pages.set(file, (found = anchors(read(file))));
      return found;
    };
    const broken: string[] = [];
    for (const file of texts.filter((f) => f.endsWith(".md"))) {
      let fenced = false;
      read(file)
        .split("\n")
        .forEach((line, i) => {
          if (/^\s*```/.test(line)) fenced = !fenced;
          if (fenced) return;
          for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
            const target = m[1];
            if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
            const [where, anchor] = target.split("#");
            const page =
              where === ""
                ? file
                : path.posix.normalize(path.posix.join(path.posix.dirname(file), where));
            const ok =
              (exists(page) || (page in PENDING && !exists(page))) &&
              (anchor === undefined ||
                !page.endsWith(".md") ||
                !exists(page) ||
                headings(page).has(anchor));
            if (!ok) broken.push(`${file}:${i + 1}: ${target}`);
          }
        });
    }
    expect(broken).to.deep.equal([]);
  });
});
