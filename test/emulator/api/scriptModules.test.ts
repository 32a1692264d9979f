/**
 * The script modules in real BES jobs and RRS calls, with real interpreters (Debian's python3
 * with pandas, Rscript) and node:sqlite: a script's result feeds the next module; a script that
 * raises fails the job with its own error text and line in `Details`; a script past the time
 * limit is killed (its process is gone) and named; a missing interpreter says what to install;
 * `--no-scripts` turns the modules off. Also: a module the emulator lacks is accepted at publish
 * and fails the job or RRS call that reaches it, naming module and node (`--strict` refuses it
 * at publish).
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { expectPresent } from "../../helpers/expect";
import { azuriteBlobEndpoint, uniqueName } from "../../helpers/env";
import {
  TEST_STORAGE_ACCOUNT,
  armServicePath,
  createTestContainer,
  startTestEmulator,
  testStorageKey,
  type TestContainer,
  type TestEmulator,
} from "../../helpers/emulator";
import { armDefinition, graphProperties, type TestNode } from "../../helpers/graphs";
import { PYTHON, RSCRIPT } from "../../../harness/interpreters";
import { publishGraph, runJob } from "./graphJobs";

const INPUT = "name,a,b\nx,1,2\ny,3,4\nz,0,1\n";
const SQL_AFTER = "select name, total from t1 where total > 2 order by name;";

/** input1 → <script node> → Apply SQL Transformation → output1. */
function scriptThenSql(script: TestNode): ReturnType<typeof graphProperties> {
  return graphProperties(
    {
      in: { input: "input1" },
      script,
      sql: { module: "Apply SQL Transformation", params: { "SQL Query Script": SQL_AFTER } },
      out: { output: "output1" },
    },
    [
      "in: -> script:Dataset1",
      "script:Result Dataset -> sql:Table1",
      "sql:Results dataset -> out:",
    ],
  );
}

function python(script: string): TestNode {
  return { module: "Execute Python Script", params: { "Python script": script } };
}

function r(script: string): TestNode {
  return { module: "Execute R Script", params: { "R Script": script } };
}

const PYTHON_ADDS = `import pandas as pd

def azureml_main(dataframe1, dataframe2=None):
    print("rows in:", len(dataframe1))
    dataframe1["total"] = dataframe1["a"] + dataframe1["b"]
    return dataframe1,
`;

const R_ADDS = `dataset1 <- maml.mapInputPort(1)
dataset1$total <- dataset1$a + dataset1$b
cat("rows in:", nrow(dataset1), "\\n")
maml.mapOutputPort("dataset1");
`;

function pythonFailure(text: string): string {
  return (
    "ModuleExecutionError/ModuleExecutionFailed (Execute Python Script): Error 0085: The following error occurred during script evaluation, view the output log for more information:\n" +
    "---------- Start of error message from Python interpreter ----------\n" +
    `${text}\n` +
    "---------- End of error message from Python interpreter ----------"
  );
}

describe("script modules in BES jobs and RRS calls (real python3, Rscript, node:sqlite)", function () {
  this.timeout(180_000);
  let emulator: TestEmulator;
  let container: TestContainer;
  before(async function () {
    emulator = await startTestEmulator({
      python: PYTHON,
      rscript: RSCRIPT,
      scriptTimeoutMs: 120_000,
    });
    container = await createTestContainer("scripts");
  });
  after(async function () {
    await emulator?.close();
  });

  describe("Execute Python Script", function () {
    it("runs azureml_main in python3 with pandas; its result feeds Apply SQL Transformation; print() goes to the output log", async function () {
      const graph = await publishGraph(emulator, scriptThenSql(python(PYTHON_ADDS)));
      const { status, outputs } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      expect(outputs.output1).to.equal("name,total\nx,3\ny,7\n");
      expect(status.OutputLog).to.include("script Execute Python Script stdout: rows in: 3");
    });

    it("imports code from the Script Bundle zip (a dataset asset in blob storage)", async function () {
      const zip = execFileSync(PYTHON, [
        "-c",
        "import io, sys, zipfile\nb = io.BytesIO()\nwith zipfile.ZipFile(b, 'w') as z: z.writestr('helper.py', 'def double(v):\\n    return 2 * v\\n')\nsys.stdout.buffer.write(b.getvalue())",
      ]);
      const blob = await container.upload(`${uniqueName("bundle")}/helper.zip`, zip);
      const properties = graphProperties(
        {
          in: { input: "input1" },
          bundle: {
            asset: {
              name: "helper.zip",
              type: "Dataset",
              locationInfo: { uri: `${azuriteBlobEndpoint().replace(/\/$/, "")}/${blob}` },
            },
          },
          script: python(
            "import helper\n\ndef azureml_main(dataframe1):\n    dataframe1['total'] = helper.double(dataframe1['a'])\n    return dataframe1\n",
          ),
          out: { output: "output1" },
        },
        [
          "in: -> script:Dataset1",
          "bundle: -> script:Script Bundle",
          "script:Result Dataset -> out:",
        ],
      );
      const graph = await publishGraph(emulator, properties);
      const { status, outputs } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      expect(outputs.output1).to.equal("name,a,b,total\nx,1,2,2\ny,3,4,6\nz,0,1,0\n");
    });

    it("a script that raises fails the job with its own error text and line in Details", async function () {
      const script =
        "def azureml_main(dataframe1):\n    if len(dataframe1) > 2:\n        raise ValueError('bad value in column a')\n    return dataframe1\n";
      const graph = await publishGraph(emulator, scriptThenSql(python(script)));
      const { status } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
      expect(status.StatusCode).to.equal("Failed");
      expect(status.Details).to.equal(
        pythonFailure("ValueError: bad value in column a\n(line 3 of the script)"),
      );
      expect(status.OutputLog).to.include("script Execute Python Script stderr: Traceback");
    });

    it("scores an RRS call through a predictive graph that runs the script", async function () {
      const graph = await publishGraph(
        emulator,
        graphProperties(
          { in: { input: "input1" }, script: python(PYTHON_ADDS), out: { output: "output1" } },
          ["in: -> script:Dataset1", "script:Result Dataset -> out:"],
          { inputs: { input1: { name: "String", a: "Integer", b: "Integer" } } },
        ),
      );
      const res = await graph.execute({
        Inputs: { input1: { ColumnNames: ["name", "a", "b"], Values: [["q", "2", "5"]] } },
        GlobalParameters: {},
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.equal({
        Results: {
          output1: {
            type: "table",
            value: {
              ColumnNames: ["name", "a", "b", "total"],
              ColumnTypes: ["String", "Int64", "Int64", "Int64"],
              Values: [["q", "2", "5", "7"]],
            },
          },
        },
      });
    });
  });

  describe("Execute R Script", function () {
    it("runs the script in Rscript with maml.mapInputPort / maml.mapOutputPort; its result feeds Apply SQL Transformation", async function () {
      const graph = await publishGraph(emulator, scriptThenSql(r(R_ADDS)));
      const { status, outputs } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      expect(outputs.output1).to.equal("name,total\nx,3\ny,7\n");
      expect(status.OutputLog).to.include("script Execute R Script stdout: rows in: 3");
    });

    it("a script that fails fails the job with R's own message and the line in Details", async function () {
      const script =
        'dataset1 <- maml.mapInputPort(1)\nif (nrow(dataset1) > 2) stop("bad value in column a")\nmaml.mapOutputPort("dataset1")\n';
      const graph = await publishGraph(emulator, scriptThenSql(r(script)));
      const { status } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
      expect(status.StatusCode).to.equal("Failed");
      expect(status.Details).to.equal(
        "ModuleExecutionError/ModuleExecutionFailed (Execute R Script): Error 0063: The following error occurred during evaluation of R script:\n" +
          "---------- Start of error message from R ----------\n" +
          "Error: bad value in column a\n(line 2 of the script)\n" +
          "----------- End of error message from R -----------",
      );
    });
  });

  describe("Apply SQL Transformation", function () {
    it("joins t1 with t2 (Enter Data Manually) in SQLite; the result feeds Summarize Data", async function () {
      const graph = await publishGraph(
        emulator,
        graphProperties(
          {
            in: { input: "input1" },
            rates: {
              module: "Enter Data Manually",
              params: { DataFormat: "CSV", Data: "name,rate\nx,10\ny,0.5\n" },
            },
            sql: {
              module: "Apply SQL Transformation",
              params: {
                "SQL Query Script":
                  "select t1.name, t1.a * t2.rate as cost from t1 join t2 on t1.name = t2.name;",
              },
            },
            summary: { module: "Summarize Data" },
            out: { output: "output1" },
            out2: { output: "output2" },
          },
          [
            "in: -> sql:Table1",
            "rates:Dataset -> sql:Table2",
            "sql:Results dataset -> summary:Dataset",
            "summary:Results dataset -> out:",
            "sql:Results dataset -> out2:",
          ],
        ),
      );
      const { status, outputs } = await runJob(graph, container, { input1: INPUT }, [
        "output1",
        "output2",
      ]);
      expect(status.StatusCode, status.Details ?? "").to.equal("Finished");
      expect(outputs.output2).to.equal("name,cost\nx,10\ny,1.5\n");
      const [header, , cost] = outputs.output1.trim().split("\n");
      expect(header.split(",").slice(0, 8)).to.deep.equal([
        "Feature",
        "Count",
        "Unique Value Count",
        "Missing Value Count",
        "Min",
        "Max",
        "Mean",
        "Mean Deviation",
      ]);
      expect(cost.split(",").slice(0, 7)).to.deep.equal([
        "cost",
        "2",
        "2",
        "0",
        "1.5",
        "10",
        "5.75",
      ]);
    });

    it("SQL that SQLite refuses fails the job with SQLite's own message", async function () {
      const graph = await publishGraph(
        emulator,
        graphProperties(
          {
            in: { input: "input1" },
            sql: {
              module: "Apply SQL Transformation",
              params: { "SQL Query Script": "selec name from t1;" },
            },
            out: { output: "output1" },
          },
          ["in: -> sql:Table1", "sql:Results dataset -> out:"],
        ),
      );
      const { status } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
      expect(status.StatusCode).to.equal("Failed");
      expect(status.Details).to.equal(
        'ModuleExecutionError/ModuleExecutionFailed (Apply SQL Transformation): Error 0069: SQL query "selec name from t1;" is not correct: near "selec": syntax error',
      );
    });
  });

  describe("a module the emulator lacks", function () {
    const properties = () =>
      graphProperties(
        { in: { input: "input1" }, pt: { module: "Preprocess Text" }, out: { output: "output1" } },
        ["in: -> pt:Dataset", "pt:Results dataset -> out:"],
        { inputs: { input1: { name: "String", a: "Integer", b: "Integer" } } },
      );
    const message =
      "Module 'Preprocess Text' (node pt) is not supported by the emulator; docs/modules.md lists the modules it runs.";

    it("is accepted at publish; the job that reaches it fails naming module and node", async function () {
      const graph = await publishGraph(emulator, properties());
      const { status } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
      expect(status.StatusCode).to.equal("Failed");
      expect(status.Details).to.equal(
        `ModuleExecutionError/UnsupportedModule (Preprocess Text): ${message}`,
      );
    });

    it("an RRS call that reaches it answers 400 with the catalogued error", async function () {
      const graph = await publishGraph(emulator, properties());
      const res = await graph.execute({
        Inputs: { input1: { ColumnNames: ["name", "a", "b"], Values: [["q", "2", "5"]] } },
      });
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal({
        error: {
          code: "ModuleExecutionError",
          message,
          details: [{ code: "UnsupportedModule", target: "Preprocess Text", message }],
        },
      });
    });
  });
});

describe("script modules: time limit, missing interpreters, --no-scripts, --strict", function () {
  this.timeout(180_000);
  const emulators: TestEmulator[] = [];
  let container: TestContainer;
  let scratch: string;
  before(async function () {
    container = await createTestContainer("scriptlimits");
    scratch = mkdtempSync(path.join(tmpdir(), "script-limit-"));
  });
  after(async function () {
    for (const e of emulators) await e.close();
    rmSync(scratch, { recursive: true, force: true });
  });
  const start = async (options: Parameters<typeof startTestEmulator>[0]) => {
    const e = await startTestEmulator(options);
    emulators.push(e);
    return e;
  };
  const processGone = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  };

  it("a script past --script-timeout-ms is killed (its process is gone) and the job names it", async function () {
    const emulator = await start({ python: PYTHON, rscript: RSCRIPT, scriptTimeoutMs: 3000 });
    const pidFile = path.join(scratch, "python.pid");
    const script = `import os, time\n\ndef azureml_main(dataframe1):\n    open(${JSON.stringify(pidFile)}, 'w').write(str(os.getpid()))\n    time.sleep(600)\n    return dataframe1\n`;
    const graph = await publishGraph(emulator, scriptThenSql(python(script)));
    const { status } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
    expect(status.StatusCode).to.equal("Failed");
    expect(status.Details).to.equal(
      "ModuleExecutionError/ModuleExecutionFailed (Execute Python Script): Error 0039: Error while completing operation: the Python script of node script ran longer than the time limit of 3000 ms and was killed.",
    );
    expect(existsSync(pidFile), "the script had started").to.equal(true);
    expect(
      processGone(Number(readFileSync(pidFile, "utf8"))),
      "the interpreter was killed",
    ).to.equal(true);

    const rPid = path.join(scratch, "r.pid");
    const rGraph = await publishGraph(
      emulator,
      scriptThenSql(
        r(`writeLines(as.character(Sys.getpid()), ${JSON.stringify(rPid)})\nSys.sleep(600)\n`),
      ),
    );
    const rJob = await runJob(rGraph, container, { input1: INPUT }, ["output1"]);
    expect(rJob.status.Details).to.equal(
      "ModuleExecutionError/ModuleExecutionFailed (Execute R Script): Error 0039: Error while completing operation: the R script of node script ran longer than the time limit of 3000 ms and was killed.",
    );
    expect(processGone(Number(readFileSync(rPid, "utf8").trim()))).to.equal(true);
  });

  it("a missing interpreter is a run-time error that says what to install", async function () {
    const emulator = await start({
      python: "/nonexistent/python3",
      rscript: "/nonexistent/Rscript",
    });
    const graph = await publishGraph(emulator, scriptThenSql(python(PYTHON_ADDS)));
    const { status } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
    expect(status.Details).to.equal(
      'ModuleExecutionError/ModuleExecutionFailed (Execute Python Script): Error 0039: Error while completing operation: node script cannot run its Python script: Python was not found: "/nonexistent/python3" could not be started; install Python 3 with pandas (Debian: apt-get install python3 python3-pandas), or start the emulator with --python <path>.',
    );
    const rGraph = await publishGraph(emulator, scriptThenSql(r(R_ADDS)));
    const rJob = await runJob(rGraph, container, { input1: INPUT }, ["output1"]);
    expect(rJob.status.Details).to.equal(
      'ModuleExecutionError/ModuleExecutionFailed (Execute R Script): Error 0039: Error while completing operation: node script cannot run its R script: R was not found: "/nonexistent/Rscript" could not be started; install R (Debian: apt-get install r-base-core), or start the emulator with --rscript <path>.',
    );
  });

  it("--no-scripts turns script modules off (the job fails saying so); --strict refuses unknown modules at publish", async function () {
    const emulator = await start({ python: PYTHON, scripts: false, strict: true });
    const graph = await publishGraph(emulator, scriptThenSql(python(PYTHON_ADDS)));
    const { status } = await runJob(graph, container, { input1: INPUT }, ["output1"]);
    expect(status.Details).to.equal(
      "ModuleExecutionError/ModuleExecutionFailed (Execute Python Script): Error 0039: Error while completing operation: node script cannot run its Python script: script modules are turned off on this emulator (--no-scripts); start it without that flag to run them.",
    );
    const servicePath = armServicePath("00000000-0000-0000-0000-0000000000d6", "rg", "strict");
    const put = await emulator.arm(
      "PUT",
      servicePath,
      armDefinition(
        graphProperties(
          {
            in: { input: "input1" },
            pt: { module: "Preprocess Text" },
            out: { output: "output1" },
          },
          ["in: -> pt:Dataset", "pt:Results dataset -> out:"],
        ),
        { name: TEST_STORAGE_ACCOUNT, key: testStorageKey() },
      ),
    );
    expect(put.status).to.equal(400);
    const body = put.body as { error?: { message?: string } };
    expectPresent(body.error?.message, "an error message");
    expect(body.error.message).to.include(
      'Module "Preprocess Text" (node pt) is not supported by the emulator (--strict refuses it at publish time',
    );
  });
});
