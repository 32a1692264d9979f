/**
 * Runs Execute Python Script and Execute R Script in a real interpreter, in a subprocess with a
 * scratch folder: the inputs go in as CSV files with a JSON schema beside them (types and
 * names), the runner next to this file (`python_runner.py`, `r_runner.R`) loads them as pandas
 * or R data frames, runs the script (`azureml_main(dataframe1, dataframe2)` /
 * `maml.mapInputPort(1)` ... `maml.mapOutputPort("df")`) and writes the result the same way, or
 * the script's own error text and line in `result.json`.
 *
 * What the script prints (stdout and stderr) goes to the job's output log, line by line. The
 * child gets a minimal environment (PATH, a scratch HOME), so the emulator's own variables never
 * reach user code. A run past the time limit is killed with its whole process group.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TableSpecification } from "../../contract";
import type { DataTable, ElementType, ScriptOutcome, ScriptRequest } from "../engine/api";
import { asStringColumn } from "../engine/dataTable";
import { parseCsv, toCsv } from "../engine/csv";
import { tableFromRows } from "../engine/rows";
import { splitCsvRecords } from "../engine/textFormats";
import type { ScriptSettings } from "../config";

/** Column types as the runners write them. */
interface SchemaColumn {
  name: string;
  type: ElementType;
  categorical?: boolean;
}

/** Output kept per stream in the log (the tail beyond it is summarized). */
const STREAM_LOG_LIMIT = 64 * 1024;

/** The runner programs, next to this file. */
const RUNNERS = {
  Python: path.join(__dirname, "python_runner.py"),
  R: path.join(__dirname, "r_runner.R"),
} as const;

/** What to install when an interpreter is missing. */
const INSTALL_HINTS = {
  Python:
    "install Python 3 with pandas (Debian: apt-get install python3 python3-pandas), or start the emulator with --python <path>",
  R: "install R (Debian: apt-get install r-base-core), or start the emulator with --rscript <path>",
} as const;

function writeInputs(dir: string, request: ScriptRequest): void {
  request.inputs.forEach((table, i) => {
    if (!table) return;
    const schema: SchemaColumn[] = table.columns.map((c) => ({
      name: c.name,
      type: c.type,
      categorical: c.categorical,
    }));
    writeFileSync(
      path.join(dir, `input${i + 1}.json`),
      JSON.stringify({ rows: table.rowCount, columns: schema }),
    );
    writeFileSync(path.join(dir, `input${i + 1}.csv`), toCsv(table));
  });
  if (request.bundle) writeFileSync(path.join(dir, "bundle.zip"), request.bundle);
  writeFileSync(
    path.join(dir, request.language === "Python" ? "script.py" : "script.R"),
    request.script,
  );
  if (request.seed !== undefined) writeFileSync(path.join(dir, "seed.txt"), String(request.seed));
}

const SPEC_TYPES: Record<ElementType, "Integer" | "Number" | "Boolean" | "String"> = {
  Int64: "Integer",
  Double: "Number",
  Boolean: "Boolean",
  String: "String",
};

/**
 * Reads the table a runner wrote: the CSV typed by the runner's schema. Text columns whose
 * values look like numbers keep their exact text (a zip code stays "02134").
 * @param dir - the scratch folder
 */
export function readScriptOutput(dir: string): DataTable {
  const schema = JSON.parse(readFileSync(path.join(dir, "output.json"), "utf8")) as {
    rows: number;
    columns: SchemaColumn[];
  };
  const bytes = readFileSync(path.join(dir, "output.csv"));
  let table: DataTable;
  if (schema.rows === 0 || schema.columns.length === 0) {
    table = tableFromRows(
      schema.columns.map((c) => c.name),
      [],
      {
        type: "object",
        properties: Object.fromEntries(
          schema.columns.map((c) => [c.name, { type: SPEC_TYPES[c.type] }]),
        ),
      },
    );
  } else {
    table = parseCsv(bytes, "the script's result");
    const lossy = schema.columns.some(
      (c, i) => c.type === "String" && table.columns[i]?.type !== "String",
    );
    if (lossy) {
      const spec: TableSpecification = {
        type: "object",
        properties: Object.fromEntries(
          schema.columns.map((c) => [c.name, { type: SPEC_TYPES[c.type] }]),
        ),
      };
      const records = splitCsvRecords(bytes.toString("utf8")).slice(1);
      const rows = records
        .filter((r) => !(r.length === 1 && r[0] === ""))
        .map((r) => r.map((v) => (v === "" ? null : v)));
      table = tableFromRows(
        schema.columns.map((c) => c.name),
        rows,
        spec,
      );
    }
  }
  return {
    rowCount: table.rowCount,
    columns: table.columns.map((col, i) => {
      const declared = schema.columns[i];
      let out = col;
      if (declared?.type === "String" && col.type !== "String") out = asStringColumn(col);
      else if (declared?.type === "Double" && col.type === "Int64")
        out = { ...col, type: "Double" };
      else if (
        declared?.type === "Boolean" &&
        col.type !== "Boolean" &&
        col.values instanceof Float64Array
      )
        out = { ...col, type: "Boolean" };
      return declared?.categorical ? { ...out, categorical: true } : out;
    }),
  };
}

/** Collects one output stream into log lines (bounded). */
function streamLogger(
  request: ScriptRequest,
  stream: "stdout" | "stderr",
  log: (line: string) => void,
): { push(chunk: Buffer): void; end(): string } {
  let pending = "";
  let logged = 0;
  let dropped = 0;
  let text = "";
  const emit = (line: string): void => {
    if (logged + line.length > STREAM_LOG_LIMIT) {
      dropped += line.length + 1;
      return;
    }
    logged += line.length + 1;
    log(`${request.nodeId} ${request.moduleName} ${stream}: ${line}`);
  };
  return {
    push(chunk) {
      const s = chunk.toString("utf8");
      if (text.length < STREAM_LOG_LIMIT) text += s.slice(0, STREAM_LOG_LIMIT - text.length);
      pending += s;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const line of lines) emit(line);
    },
    end() {
      if (pending !== "") emit(pending);
      if (dropped > 0)
        log(
          `${request.nodeId} ${request.moduleName} ${stream}: ... ${dropped} more bytes not kept`,
        );
      return text;
    },
  };
}

/**
 * Runs one script module's script.
 * @param request - the script, its inputs and bundle
 * @param settings - interpreters, time limit, on/off
 * @param log - the job's output log
 */
export async function runScript(
  request: ScriptRequest,
  settings: ScriptSettings,
  log: (line: string) => void,
): Promise<ScriptOutcome> {
  if (!settings.enabled) {
    return {
      ok: false,
      kind: "disabled",
      message:
        "script modules are turned off on this emulator (--no-scripts); start it without that flag to run them",
    };
  }
  const interpreter = request.language === "Python" ? settings.python : settings.rscript;
  const dir = mkdtempSync(path.join(tmpdir(), "azureml-script-"));
  try {
    writeInputs(dir, request);
    const args =
      request.language === "Python" ? ["-u", RUNNERS.Python, dir] : ["--vanilla", RUNNERS.R, dir];
    const child = spawn(interpreter, args, {
      cwd: dir,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: dir,
        TMPDIR: dir,
        LANG: "C.UTF-8",
        LC_ALL: "C.UTF-8",
        PYTHONIOENCODING: "utf-8",
        PYTHONDONTWRITEBYTECODE: "1",
      },
    });
    const stdout = streamLogger(request, "stdout", log);
    const stderr = streamLogger(request, "stderr", log);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, settings.timeoutMs);
    const exit = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>(
      (resolve) => {
        child.once("error", (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
        child.once("close", (code) => resolve({ code }));
      },
    );
    clearTimeout(timer);
    stdout.end();
    const errText = stderr.end();
    if (exit.error) {
      const message =
        exit.error.code === "ENOENT"
          ? `${request.language === "Python" ? "Python" : "R"} was not found: "${interpreter}" could not be started; ${INSTALL_HINTS[request.language]}`
          : `"${interpreter}" could not be started (${exit.error.code ?? exit.error.message}); ${INSTALL_HINTS[request.language]}`;
      return { ok: false, kind: "unavailable", message };
    }
    if (timedOut) {
      return {
        ok: false,
        kind: "timeout",
        message: `the script ran longer than the time limit of ${settings.timeoutMs} ms and was stopped`,
        limitMs: settings.timeoutMs,
      };
    }
    const resultFile = path.join(dir, "result.json");
    if (!existsSync(resultFile)) {
      const tail = errText.trim().split(/\r?\n/).slice(-5).join("\n");
      return {
        ok: false,
        kind: "error",
        message: `the interpreter exited with code ${exit.code} without a result${tail ? `:\n${tail}` : ""}`,
      };
    }
    const result = JSON.parse(readFileSync(resultFile, "utf8")) as {
      ok: boolean;
      kind?: "error" | "unavailable";
      message?: string;
      line?: number;
    };
    if (!result.ok) {
      return {
        ok: false,
        kind: result.kind ?? "error",
        message: result.message ?? "the script failed",
        ...(typeof result.line === "number" ? { line: result.line } : {}),
      };
    }
    return { ok: true, table: readScriptOutput(dir) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
