/**
 * The workflows' settings that decide whether a pull request is tested and previewed: one
 * concurrency group per pull request (not one shared by all, where a push to one pull request
 * cancelled another's run), and the nightly retrain's pull request opened with a token that
 * triggers workflows (a pull request opened with GITHUB_TOKEN starts none).
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const WORKFLOWS = path.join(__dirname, "..", ".github", "workflows");

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}

function workflow(name: string): {
  concurrency: { group: string; "cancel-in-progress": string };
  jobs: Record<string, { steps: Step[] }>;
} {
  return parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8")) as never;
}

describe("the workflows", () => {
  it("pulumi.yml: one concurrency group per pull request, one non-cancelling group for main", () => {
    const { concurrency } = workflow("pulumi.yml");
    expect(concurrency).to.deep.equal({
      group:
        "${{ github.event_name == 'pull_request' && format('pulumi-pr-{0}', github.event.pull_request.number) || 'pulumi-dev-up' }}",
      "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    });
  });

  it("retrain.yml: opens its pull request with an App token or a PAT, never GITHUB_TOKEN, and fails without one", () => {
    const steps = workflow("retrain.yml").jobs.bump.steps;
    const open = steps.find((s) => s.uses?.startsWith("peter-evans/create-pull-request@"));
    expect(open?.with?.token).to.equal(
      "${{ steps.app-token.outputs.token || secrets.RETRAIN_PR_TOKEN }}",
    );
    const app = steps.find((s) => s.id === "app-token");
    expect(app?.uses).to.match(/^actions\/create-github-app-token@v\d+$/);
    expect(app?.with).to.deep.equal({
      "app-id": "${{ vars.RETRAIN_APP_ID }}",
      "private-key": "${{ secrets.RETRAIN_APP_PRIVATE_KEY }}",
    });
    const guard = steps.findIndex((s) => /trigger workflows/.test(s.name ?? ""));
    expect(guard, "a step checks for a token").to.be.above(steps.indexOf(app!));
    expect(guard).to.be.below(steps.indexOf(open!));
    expect(steps[guard].run).to.match(/exit 1/);
    expect(steps[guard].env).to.deep.equal({
      APP_TOKEN: "${{ steps.app-token.outputs.token }}",
      PAT: "${{ secrets.RETRAIN_PR_TOKEN }}",
    });
    expect(fs.readFileSync(path.join(WORKFLOWS, "retrain.yml"), "utf8")).to.not.match(
      /token:\s*\$\{\{\s*secrets\.GITHUB_TOKEN/,
    );
  });
});
