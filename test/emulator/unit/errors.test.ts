/**
 * The error catalogue: every form of every `ErrorFactory` method (classic, ARM, or both for an
 * error any surface may raise) has a row in `docs/errors.md` with the same envelope, status and
 * codes, and every row has a method and form. Also the two wire envelopes, the choice of the
 * form by envelope, and the mapping of engine errors.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { EngineError } from "../../../emulator/engine/errors";
import {
  ArmHttpError,
  ClassicHttpError,
  ErrorFactory,
  engineErrorDetails,
  engineErrorToHttp,
  isEngineError,
  type HttpError,
} from "../../../emulator/errors";

interface Row {
  method: string;
  envelope: string;
  status: number;
  code: string;
  detail: string | undefined;
}

function catalogueRows(): Row[] {
  const text = readFileSync(path.join(__dirname, "..", "..", "..", "docs", "errors.md"), "utf8");
  const rows: Row[] = [];
  for (const line of text.split("\n")) {
    // Cells are trimmed: Prettier pads the table.
    const cells = line.split("|").map((cell) => cell.trim());
    const method = /^`(\w+)`$/.exec(cells[1] ?? "");
    if (!line.startsWith("|") || !method || !/^\d{3}$/.test(cells[3] ?? "")) continue;
    rows.push({
      method: method[1],
      envelope: cells[2],
      status: Number(cells[3]),
      code: cells[4].replace(/`/g, ""),
      detail: cells[5] === "—" ? undefined : cells[5].replace(/`/g, ""),
    });
  }
  return rows;
}

type Factory = Record<string, (...args: string[]) => HttpError>;

function factoryMethods(): string[] {
  return Object.getOwnPropertyNames(ErrorFactory).filter(
    (name) => typeof (ErrorFactory as unknown as Factory)[name] === "function",
  );
}

function build(name: string): HttpError {
  const fn = (ErrorFactory as unknown as Factory)[name];
  return fn(...Array.from({ length: fn.length }, (_, i) => `arg${i}`));
}

const ENVELOPE_LABEL = { classic: "classic", arm: "ARM" } as const;

/** The forms of a method's error, by catalogue label ("classic", "ARM"): one or two. */
function forms(name: string): Map<string, HttpError> {
  const error = build(name);
  const out = new Map<string, HttpError>();
  for (const form of [error.inEnvelope("classic"), error.inEnvelope("arm")])
    out.set(ENVELOPE_LABEL[form.envelope], form);
  return out;
}

describe("emulator error catalogue (docs/errors.md ↔ ErrorFactory)", function () {
  const rows = catalogueRows();
  const methods = factoryMethods();

  it("reads a non-trivial catalogue", function () {
    expect(rows.length, `only ${rows.length} rows parsed`).to.be.at.least(60);
    const keys = rows.map((r) => `${r.method} ${r.envelope}`);
    expect(new Set(keys).size, "no duplicate rows").to.equal(rows.length);
  });

  it("documents every form of every factory method", function () {
    const documented = new Set(rows.map((r) => `${r.method} ${r.envelope}`));
    const built = methods.flatMap((m) => [...forms(m).keys()].map((label) => `${m} ${label}`));
    expect(built.filter((key) => !documented.has(key))).to.deep.equal([]);
  });

  it("has a factory method and form for every documented row", function () {
    const undocumented = rows.filter(
      (r) => !methods.includes(r.method) || !forms(r.method).has(r.envelope),
    );
    expect(undocumented.map((r) => `${r.method} ${r.envelope}`)).to.deep.equal([]);
  });

  it("documents each form's status and codes exactly", function () {
    for (const row of rows) {
      const error = forms(row.method).get(row.envelope);
      const where = `${row.method} (${row.envelope})`;
      expect(error?.status, where).to.equal(row.status);
      expect(error?.code, where).to.equal(row.code);
      expect(error?.detailCode, where).to.equal(row.detail);
    }
  });

  it("passes every argument into the message or target of every form (so callers' context reaches the client)", function () {
    for (const name of methods) {
      const fn = (ErrorFactory as unknown as Factory)[name];
      for (const [label, form] of forms(name)) {
        const text = JSON.stringify(form.toBody());
        for (let i = 0; i < fn.length; i++)
          expect(text, `${name} (${label}) drops argument ${i}`).to.include(`arg${i}`);
      }
    }
  });
});

describe("emulator error envelopes", function () {
  it("renders the classic envelope with details, and without them when empty", function () {
    expect(ErrorFactory.cannotStartJob("j1", "Running").toBody()).to.deep.equal({
      error: {
        code: "InvalidOperation",
        message: "The job j1 cannot be started because it is in Running state.",
        details: [
          {
            code: "CannotStartJob",
            message: "The job j1 cannot be started because it is in Running state.",
          },
        ],
      },
    });
    expect(new ClassicHttpError(500, "InternalError", "boom").toBody()).to.deep.equal({
      error: { code: "InternalError", message: "boom" },
    });
  });

  it("renders the ARM envelope with target and details", function () {
    const body = ErrorFactory.cannotChangeStorageAccount("acct").toBody();
    expect(body.error.code).to.equal("BadRequest");
    expect((body.error as { target?: string }).target).to.equal("properties.storageAccount.name");
    expect(body.error.details?.[0].code).to.equal("CannotChangeStorageAccount");
    expect(ErrorFactory.armResourceNotFound("rg", "svc")).to.be.instanceOf(ArmHttpError);
  });

  it("gives an error any surface raises its ARM form in the ARM envelope, and itself elsewhere", function () {
    const error = ErrorFactory.requestBodyInvalid("'location' is required");
    expect(error.inEnvelope("classic")).to.equal(error);
    expect(error.inEnvelope("classic").toBody()).to.deep.equal({
      error: {
        code: "BadArgument",
        message: "The request body is invalid: 'location' is required",
        details: [
          {
            code: "RequestBodyInvalid",
            message: "The request body is invalid: 'location' is required",
          },
        ],
      },
    });
    const arm = error.inEnvelope("arm");
    expect(arm).to.be.instanceOf(ArmHttpError);
    expect(arm.toBody()).to.deep.equal({
      error: {
        code: "InvalidRequestContent",
        message: "The request content is invalid: 'location' is required",
      },
    });
    const throttled = ErrorFactory.faultThrottled("7").inEnvelope("arm");
    expect({ status: throttled.status, headers: throttled.headers }).to.deep.equal({
      status: 429,
      headers: { "Retry-After": "7" },
    });
  });

  it("keeps an error of one surface in its own envelope whatever the surface asked", function () {
    const classic = ErrorFactory.jobNotFound("j1");
    expect(classic.inEnvelope("arm")).to.equal(classic);
    const arm = ErrorFactory.armResourceNotFound("rg", "svc");
    expect(arm.inEnvelope("classic")).to.equal(arm);
  });
});

describe("emulator mapping of engine errors", function () {
  it("maps each engine error kind to its HTTP error and BES Details", function () {
    const cases = [
      [
        new EngineError("module", "0001", "Error 0001: Column x", { moduleName: "Split Data" }),
        400,
        "ModuleExecutionError",
        "ModuleExecutionFailed",
      ],
      [
        new EngineError("package", "UnsupportedModule", "Module 'Foo' is not supported"),
        400,
        "WebServicePackageError",
        "ValidationError",
      ],
      [
        new EngineError("inputParse", "BadCsv", "Row 3: unterminated quote"),
        400,
        "BadUserArgument",
        "InputParseError",
      ],
      [
        new EngineError("inputMismatch", "SchemaMismatch", "Column age, row 4"),
        400,
        "BadUserArgument",
        "InputMismatchError",
      ],
      [
        new EngineError("model", "NotIlearner", "not an ilearner"),
        400,
        "InvalidOperation",
        "IncompatibleModel",
      ],
    ] as const;
    for (const [error, status, code, detail] of cases) {
      expect(isEngineError(error)).to.equal(true);
      const http = engineErrorToHttp(error);
      expect(http.status).to.equal(status);
      expect(http.code).to.equal(code);
      expect(http.detailCode).to.equal(detail);
      const details = engineErrorDetails(error);
      expect(details.startsWith(`${code}/${detail}`), details).to.equal(true);
      expect(details, details).to.include(error.message);
    }
    expect(engineErrorDetails(cases[0][0])).to.match(/\(Split Data\)/);
    expect(isEngineError(new Error("plain"))).to.equal(false);
  });
});
