/**
 * Posts the evaluation report as the pull request's one evaluation comment: the comment whose
 * body starts with the report's hidden marker (its first line) is updated in place; only when
 * there is none is one created. Comments by people are never touched, even if they quote it.
 *
 * Run by `actions/github-script` in `.github/workflows/pulumi.yml` (plain CommonJS: that action
 * requires it as it is), with the action's authenticated `github` client and `context`.
 *
 * @param {object} options
 * @param {any} options.github - an Octokit client (`github.rest.issues`, `github.paginate`)
 * @param {{ repo: { owner: string, repo: string }, issue: { number: number } }} options.context
 * @param {string} options.body - the report's Markdown; its first line is the marker
 * @returns {Promise<{ action: "created" | "updated", id: number }>}
 */
async function upsertComment({ github, context, body }) {
  const marker = body.split("\n", 1)[0];
  if (!/^<!--.*-->$/.test(marker)) {
    throw new Error("the report's first line must be its hidden marker (an HTML comment)");
  }
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: 100,
  });
  const ours = comments.find(
    (c) =>
      c.user &&
      c.user.type === "Bot" &&
      typeof c.body === "string" &&
      c.body.startsWith(marker + "\n"),
  );
  if (ours) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
    return { action: "updated", id: ours.id };
  }
  const created = await github.rest.issues.createComment({ owner, repo, issue_number, body });
  return { action: "created", id: created.data.id };
}

module.exports = { upsertComment };
