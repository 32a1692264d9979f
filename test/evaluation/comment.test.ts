/**
 * The pull-request comment is one comment, updated on every push: the upsert the workflow runs,
 * against an in-memory issue thread that pages its comments as GitHub's API does; and the
 * workflow's evaluation job, read from the YAML.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { commentMarker } from "../../evaluation/markdown";

const COMMENT_MARKER = commentMarker("dev");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { upsertComment } = require("../../scripts/upsert-comment.cjs") as {
  upsertComment: (o: {
    github: unknown;
    context: unknown;
    body: string;
  }) => Promise<{ action: string; id: number }>;
};

interface Comment {
  id: number;
  body: string;
  user: { type: "Bot" | "User" };
}

/** An issue thread with GitHub's paging: `listComments` returns one page, `paginate` walks them. */
class Thread {
  comments: Comment[] = [];
  calls: string[] = [];
  private next = 1;

  add(body: string, type: "Bot" | "User"): Comment {
    const comment = { id: this.next++, body, user: { type } };
    this.comments.push(comment);
    return comment;
  }

  readonly github = {
    paginate: async (
      list: (p: Record<string, unknown>) => Promise<{ data: Comment[] }>,
      params: Record<string, unknown>,
    ): Promise<Comment[]> => {
      const all: Comment[] = [];
      for (let page = 1; ; page++) {
        const { data } = await list({ ...params, page });
        all.push(...data);
        if (data.length < Number(params.per_page)) return all;
      }
    },
    rest: {
      issues: {
        listComments: async (p: { issue_number: number; per_page: number; page: number }) => {
          this.calls.push(`list ${p.issue_number} page ${p.page}`);
          const start = (p.page - 1) * p.per_page;
          return { data: this.comments.slice(start, start + p.per_page).map((c) => ({ ...c })) };
        },
        updateComment: async (p: { comment_id: number; body: string }) => {
          this.calls.push(`update ${p.comment_id}`);
          const comment = this.comments.find((c) => c.id === p.comment_id);
          if (!comment) throw new Error(`no comment ${p.comment_id}`);
          comment.body = p.body;
          return { data: { ...comment } };
        },
        createComment: async (p: { issue_number: number; body: string }) => {
          this.calls.push(`create on ${p.issue_number}`);
          return { data: this.add(p.body, "Bot") };
        },
      },
    },
  };
}

const context = { repo: { owner: "o", repo: "r" }, issue: { number: 7 } };

describe("evaluation: one pull-request comment, updated on every push", () => {
  it("creates the comment once, then updates it; people's comments quoting the marker stay", async () => {
    const thread = new Thread();
    // 150 comments first: the bot's own comment must be found past the first page.
    for (let i = 0; i < 150; i++) thread.add(`comment ${i}`, i === 3 ? "Bot" : "User");
    const push1 = `${COMMENT_MARKER}\nfirst push\n`;
    expect(await upsertComment({ github: thread.github, context, body: push1 })).to.deep.equal({
      action: "created",
      id: 151,
    });
    thread.add(`${COMMENT_MARKER}\nquoted by a person`, "User");
    const push2 = `${COMMENT_MARKER}\nsecond push\n`;
    expect(await upsertComment({ github: thread.github, context, body: push2 })).to.deep.equal({
      action: "updated",
      id: 151,
    });
    expect(thread.calls).to.deep.equal([
      "list 7 page 1",
      "list 7 page 2",
      "create on 7",
      "list 7 page 1",
      "list 7 page 2",
      "update 151",
    ]);
    expect(
      thread.comments
        .filter((c) => c.body.startsWith(COMMENT_MARKER))
        .map((c) => [c.id, c.user.type, c.body]),
    ).to.deep.equal([
      [151, "Bot", push2],
      [152, "User", `${COMMENT_MARKER}\nquoted by a person`],
    ]);
  });

  it("refuses a body without its marker", async () => {
    await expect(
      upsertComment({ github: new Thread().github, context, body: "### no marker\n" }),
    ).to.be.rejectedWith("the report's first line must be its hidden marker (an HTML comment)");
  });

  it("the workflow evaluates every pull request for each stack, posts each stack's comment even when the gate refuses, and fails then", () => {
    const workflow = parse(
      fs.readFileSync(
        path.join(__dirname, "..", "..", ".github", "workflows", "pulumi.yml"),
        "utf8",
      ),
    ) as {
      jobs: Record<
        string,
        {
          if?: string;
          permissions?: Record<string, string>;
          strategy?: { "fail-fast"?: boolean; matrix: Record<string, unknown> };
          steps: Record<string, unknown>[];
        }
      >;
    };
    const job = workflow.jobs.evaluate;
    expect(job.if).to.equal("github.event_name == 'pull_request'");
    expect(job.permissions).to.deep.equal({ contents: "read", "pull-requests": "write" });
    expect(job.strategy).to.deep.equal({
      "fail-fast": false,
      matrix: { stack: ["dev", "dev-v2"] },
    });
    const uses = job.steps.map(
      (s) => (s.uses as string | undefined) ?? (s.run as string).split("\n")[0],
    );
    expect(uses).to.deep.equal([
      "actions/checkout@v4",
      "actions/setup-node@v4",
      "npm ci",
      "sudo apt-get update && sudo apt-get install -y python3-sklearn python3-pandas",
      "actions/cache@v4",
      "npm run evaluate -- --stack ${{ matrix.stack }} --base origin/${{ github.base_ref }} --out .evaluation/${{ matrix.stack }}",
      "actions/github-script@v7",
    ]);
    expect(job.steps[0].with).to.deep.equal({ "fetch-depth": 0 });
    // The v2 stack's scripts need scikit-learn; the classic stack's evaluation does not.
    expect(job.steps[3].if).to.equal("matrix.stack == 'dev-v2'");
    expect((job.steps[4].with as Record<string, string>).path).to.equal(
      ".evaluation/${{ matrix.stack }}/cache",
    );
    expect((job.steps[4].with as Record<string, string>).key).to.equal(
      "evaluation-${{ matrix.stack }}-${{ github.event.pull_request.number }}-${{ github.sha }}",
    );
    expect(job.steps[5].env).to.deep.equal({ AZUREML_EMULATOR_PYTHON: "/usr/bin/python3" });
    // The evaluate step's exit code (1 = refused) fails the job; the comment is posted first.
    expect(job.steps[5]).to.not.have.property("continue-on-error");
    expect(job.steps[6].if).to.equal(
      "${{ !cancelled() && hashFiles(format('.evaluation/{0}/report.md', matrix.stack)) != '' }}",
    );
    expect(job.steps[6].env).to.deep.equal({ REPORT: ".evaluation/${{ matrix.stack }}/report.md" });
    expect((job.steps[6].with as Record<string, string>).script).to.include(
      "require('./scripts/upsert-comment.cjs')",
    );
    // Preview and up run for both stacks, each with its own credentials, and skip a stack whose
    // credentials are not set.
    for (const name of ["preview", "up"]) {
      const stacks = workflow.jobs[name];
      expect(stacks.strategy?.matrix, name).to.deep.equal({
        include: [
          { stack: "dev", prefix: "" },
          { stack: "dev-v2", prefix: "DEV_V2_" },
        ],
      });
      const env = (stacks as unknown as { env: Record<string, string> }).env;
      expect(env.PULUMI_CONFIG_PASSPHRASE).to.equal(
        "${{ secrets[format('{0}PULUMI_CONFIG_PASSPHRASE', matrix.prefix)] }}",
      );
      expect(env.AZURE_CLIENT_ID).to.equal(
        "${{ vars[format('{0}AZURE_CLIENT_ID', matrix.prefix)] }}",
      );
      const pulumi = stacks.steps.find((s) => String(s.uses).startsWith("pulumi/actions@"));
      expect((pulumi?.with as Record<string, string>)["stack-name"]).to.equal(
        "${{ matrix.stack }}",
      );
      expect(stacks.steps.slice(1).every((s) => s.if === "env.CONFIGURED == 'true'")).to.equal(
        true,
      );
    }
  });
});
