/**
 * Command jobs run for real by the emulator: the project's `train.py` on the census data with
 * scikit-learn, inputs bound (literal, file, optional parts), outputs and logs uploaded, a failing
 * command, cancel, timeout, and the rules of a job name (runs once; only some members change).
 */
import { expect } from "chai";
import type { CommandJobProperties, V2Resource } from "../../../contract/v2";
import { uniqueName } from "../../helpers/env";
import { startTestEmulator, type TestEmulator } from "../../helpers/emulator";
import {
  CENSUS_NOVEMBER,
  CENSUS_V2_SOURCE,
  V2Api,
  downloadText,
  uploadBlob,
  type TestWorkspace,
} from "../../helpers/v2";
import { sklearnPython } from "../../../harness/interpreters";
import { readFileSync } from "node:fs";

type Job = V2Resource<CommandJobProperties>;

describe("emulator v2 surface: command jobs", function () {
  this.timeout(120_000);
  let emulator: TestEmulator;
  let api: V2Api;
  let ws: TestWorkspace;
  let environmentId: string;

  before(async function () {
    emulator = await startTestEmulator({ python: sklearnPython(), v2: { retryAfterSeconds: 0 } });
    api = new V2Api(emulator);
    ws = await api.workspace();
    environmentId = await api.environment(ws);
  });
  after(async function () {
    await emulator?.close();
  });

  async function waitJob(name: string, timeoutMs = 90_000): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await api.call<Job>("GET", `${ws.path}/jobs/${name}`);
      expect(res.status, res.text).to.equal(200);
      if (["Completed", "Failed", "Canceled"].includes(res.body.properties.status ?? ""))
        return res.body;
      if (Date.now() > deadline) throw new Error(`job ${name} still ${res.body.properties.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const log = (job: string): Promise<string> =>
    downloadText("azureml", `ExperimentRun/dcid.${job}/user_logs/std_log.txt`);

  it("runs train.py on the census data: code and data fetched, outputs and log uploaded", async function () {
    const codeId = await api.code(ws, CENSUS_V2_SOURCE, "census-src");
    await uploadBlob(ws.container, "data/census/2026-11.csv", readFileSync(CENSUS_NOVEMBER));
    const dataPut = await api.call("PUT", `${ws.path}/data/census/versions/2026-11`, {
      properties: {
        dataType: "uri_file",
        dataUri: "azureml://datastores/workspaceblobstore/paths/data/census/2026-11.csv",
      },
    });
    expect(dataPut.status).to.equal(201);
    const name = uniqueName("train");
    const put = await api.call<Job>("PUT", `${ws.path}/jobs/${name}`, {
      properties: {
        jobType: "Command",
        experimentName: "census",
        displayName: "census 2026-11",
        codeId,
        environmentId,
        command:
          "python train.py --data ${{inputs.data}} --C ${{inputs.C}} --model ${{outputs.model}} --metrics ${{outputs.metrics}} $[[--seed ${{inputs.seed}}]]",
        inputs: {
          data: { jobInputType: "uri_file", uri: "azureml:census:2026-11" },
          C: { jobInputType: "literal", value: "0.5" },
        },
        outputs: {
          model: {
            jobOutputType: "uri_folder",
            uri: `azureml://datastores/workspaceblobstore/paths/jobs/${name}/model/`,
          },
          metrics: {
            jobOutputType: "uri_folder",
            uri: `azureml://datastores/workspaceblobstore/paths/jobs/${name}/metrics/`,
          },
        },
        limits: { jobLimitsType: "Command", timeout: "PT5M" },
        tags: { "model-version": "2026-11" },
      },
    });
    expect(put.status, put.text).to.equal(201);
    expect(put.body.properties.status).to.equal("NotStarted");
    expect(put.body.properties.outputs?.default).to.deep.equal({
      jobOutputType: "uri_folder",
      mode: "ReadWriteMount",
      uri: `azureml://datastores/workspaceartifactstore/ExperimentRun/dcid.${name}`,
    });
    const job = await waitJob(name);
    const text = await log(name);
    expect(job.properties.status, text).to.equal("Completed");
    const metrics = JSON.parse(
      await downloadText(ws.container, `jobs/${name}/metrics/metrics.json`),
    ) as Record<string, number>;
    expect(Object.keys(metrics).sort()).to.deep.equal([
      "AUC",
      "Accuracy",
      "F1 Score",
      "Precision",
      "Recall",
    ]);
    expect(metrics.AUC).to.be.within(0.75, 0.9);
    const about = JSON.parse(await downloadText(ws.container, `jobs/${name}/model/model.json`)) as {
      parameters: { C: number };
      run: string;
      rows: number;
    };
    expect([about.parameters.C, about.run, about.rows]).to.deep.equal([0.5, name, 3000]);
    expect(text).to.match(
      /\[emulator\] running: python train\.py --data \S+\/inputs\/data\/2026-11\.csv --C 0\.5 --model \S+\/outputs\/model --metrics \S+\/outputs\/metrics \n/,
    );
    expect(text).to.contain("read 3000 rows from");
    expect(text).to.contain(
      `[emulator] output metrics: uploaded 1 file(s) to azureml://datastores/workspaceblobstore/paths/jobs/${name}/metrics/`,
    );
  });

  it("binds literals and drops an optional part whose input is absent", async function () {
    const name = uniqueName("args");
    const put = await api.call("PUT", `${ws.path}/jobs/${name}`, {
      properties: {
        jobType: "Command",
        environmentId: "azureml:sklearn:1",
        command:
          'echo "${{inputs.greeting}} $[[--who ${{inputs.who}}]] $[[--n ${{inputs.n}}]]" > ${{outputs.out}}/args.txt',
        inputs: {
          greeting: { jobInputType: "literal", value: "hello" },
          n: { jobInputType: "literal", value: 3 },
        },
        outputs: { out: { jobOutputType: "uri_folder" } },
      },
    });
    expect(put.status, put.text).to.equal(201);
    expect((await waitJob(name)).properties.status).to.equal("Completed");
    expect(await downloadText(ws.container, `azureml/${name}/out/args.txt`)).to.equal(
      "hello  --n 3\n",
    );
  });

  it("fails a job whose command exits non-zero, with the output and the reason in its log", async function () {
    const name = uniqueName("fails");
    await api.call("PUT", `${ws.path}/jobs/${name}`, {
      properties: {
        jobType: "Command",
        environmentId,
        command: "python -c \"import sys; print('about to fail'); sys.exit(3)\"",
      },
    });
    expect((await waitJob(name)).properties.status).to.equal("Failed");
    const text = await log(name);
    expect(text).to.contain("about to fail\n");
    expect(text.trimEnd().split("\n").at(-1)).to.equal(
      "[emulator] Failed: the command exited with code 3",
    );
  });

  it("fails a job whose input does not exist, before running anything", async function () {
    const name = uniqueName("noinput");
    await api.call("PUT", `${ws.path}/jobs/${name}`, {
      properties: {
        jobType: "Command",
        environmentId,
        command: "cat ${{inputs.data}}",
        inputs: {
          data: {
            jobInputType: "uri_file",
            uri: "azureml://datastores/workspaceblobstore/paths/nowhere/x.csv",
          },
        },
      },
    });
    expect((await waitJob(name)).properties.status).to.equal("Failed");
    expect((await log(name)).trimEnd().split("\n").at(-1)).to.equal(
      `[emulator] Failed: blob ${ws.container}/nowhere/x.csv does not exist`,
    );
  });

  it("cancels a running job: 202 + Location, the process group is killed, the job ends Canceled", async function () {
    const name = uniqueName("cancel");
    await api.call("PUT", `${ws.path}/jobs/${name}`, {
      properties: {
        jobType: "Command",
        environmentId,
        command: "echo started; sleep 60; echo never",
      },
    });
    for (let i = 0; i < 100; i++) {
      const res = await api.call<Job>("GET", `${ws.path}/jobs/${name}`);
      if (res.body.properties.status === "Running") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const started = Date.now();
    const cancel = await api.call("POST", `${ws.path}/jobs/${name}/cancel`);
    expect(cancel.status).to.equal(202);
    expect(((await api.wait(cancel)) as { status: number }).status).to.equal(200);
    expect(Date.now() - started).to.be.below(10_000);
    expect((await waitJob(name)).properties.status).to.equal("Canceled");
    const text = await log(name);
    expect(text).to.contain("\nstarted\n").and.not.to.contain("\nnever\n");
    expect(text.trimEnd().split("\n").at(-1)).to.equal("[emulator] Canceled: the job was canceled");
    const again = await api.call("POST", `${ws.path}/jobs/${name}/cancel`);
    expect(again.status).to.equal(200);
  });

  it("cancels a job at its limits.timeout", async function () {
    const name = uniqueName("timeout");
    await api.call("PUT", `${ws.path}/jobs/${name}`, {
      properties: {
        jobType: "Command",
        environmentId,
        command: "sleep 60",
        limits: { jobLimitsType: "Command", timeout: "PT1S" },
      },
    });
    const job = await waitJob(name, 20_000);
    expect(job.properties.status).to.equal("Canceled");
    expect((await log(name)).trimEnd().split("\n").at(-1)).to.equal(
      "[emulator] Canceled: the job exceeded its limits.timeout of PT1S",
    );
  });

  it("runs a job name once: the same definition may change its tags, another is refused", async function () {
    const name = uniqueName("once");
    const body = (command: string, tags: Record<string, string>) => ({
      properties: { jobType: "Command", environmentId, command, tags },
    });
    expect(
      (await api.call("PUT", `${ws.path}/jobs/${name}`, body("echo one", { a: "1" }))).status,
    ).to.equal(201);
    await waitJob(name);
    const retag = await api.call<Job>(
      "PUT",
      `${ws.path}/jobs/${name}`,
      body("echo one", { a: "2" }),
    );
    expect(retag.status).to.equal(200);
    expect([retag.body.properties.tags, retag.body.properties.status]).to.deep.equal([
      { a: "2" },
      "Completed",
    ]);
    const other = await api.call<{ error: { code: string; message: string } }>(
      "PUT",
      `${ws.path}/jobs/${name}`,
      body("echo two", {}),
    );
    expect(other.status).to.equal(400);
    expect(other.body.error.code).to.equal("UserError");
    expect(other.body.error.message).to.equal(
      `A job with this name already exists (${name}); 'properties.command' differs. Only description, tags, displayName, properties, and isArchived can be updated: submit the job under a new name instead.`,
    );
  });

  it("refuses a job that cannot run, naming the member", async function () {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ jobType: "Sweep", environmentId, command: "x" }, 400, "properties.jobType"],
      [
        { jobType: "Command", environmentId, command: "echo ${{inputs.missing}}" },
        400,
        "properties.command",
      ],
      [
        { jobType: "Command", environmentId, command: "echo ${{search_space.lr}}" },
        400,
        "properties.command",
      ],
      [
        { jobType: "Command", environmentId: "azureml:nope:1", command: "x" },
        404,
        "properties.environmentId",
      ],
      [
        { jobType: "Command", environmentId, command: "x", codeId: "azureml:nocode:1" },
        404,
        "properties.codeId",
      ],
      [
        {
          jobType: "Command",
          environmentId,
          command: "x",
          limits: { jobLimitsType: "Command", timeout: "30 minutes" },
        },
        400,
        "properties.limits.timeout",
      ],
      [
        {
          jobType: "Command",
          environmentId,
          command: "x",
          outputs: { o: { jobOutputType: "uri_folder", uri: "https://elsewhere/x" } },
        },
        400,
        "properties.outputs.o.uri",
      ],
    ];
    for (const [properties, status, target] of cases) {
      const res = await api.call<{ error: { target: string } }>(
        "PUT",
        `${ws.path}/jobs/${uniqueName("bad")}`,
        { properties },
      );
      expect(res.status, res.text).to.equal(status);
      expect(res.body.error.target, res.text).to.equal(target);
    }
  });
});
