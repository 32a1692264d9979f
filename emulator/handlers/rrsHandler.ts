/**
 * The Request-Response Service (`docs/contracts.md` §2): scoring with the model the service
 * or endpoint references right now, in both request formats, plus the service's swagger
 * document. Scoring runs on the main thread: payloads are capped (`--max-rrs-body-bytes`) and a
 * predictive graph on a few rows takes milliseconds, which a worker round trip would dwarf.
 */
import type {
  RrsSwaggerResponse,
  RrsTableResponse,
  TableSpecification,
  WebServiceProperties,
} from "../../contract";
import type { DataTable, EngineApi, PreparedGraph, RenderedTable } from "../engine/api";
import { ErrorFactory, engineErrorToHttp, isEngineError } from "../errors";
import type { EmulatorConfig } from "../config";
import type { Logger } from "../logger";
import { createModuleRuntime } from "../runtime/moduleRuntime";
import type { ExecutionTarget } from "../services/executionTargets";
import type { ServingState } from "../store/records";
import type { ModelStore } from "../store/modelStore";
import { checkGlobalParameters } from "./globalParameters";
import { PreparedGraphs } from "./preparedGraphs";
import { tableResponseJson } from "./rrsBody";
import type { HandlerResponse, RequestInfo } from "./types";
import { isObject, pickMembers, rejectUnknown } from "./util";

type Cell = string | number | boolean | null;

function isCell(value: unknown): value is Cell {
  const type = typeof value;
  return value === null || type === "string" || type === "number" || type === "boolean";
}

/** Reads one input of the table format: `{ColumnNames, Values}`. */
function tableInput(port: string, value: unknown): { columns: string[]; rows: Cell[][] } {
  if (!isObject(value))
    throw ErrorFactory.requestBodyInvalid(
      `'Inputs.${port}' must be an object with ColumnNames and Values`,
    );
  const { values } = pickMembers(value, ["ColumnNames", "Values"]);
  const columns = values.ColumnNames;
  if (!Array.isArray(columns) || columns.some((c) => typeof c !== "string")) {
    throw ErrorFactory.requestBodyInvalid(
      `'Inputs.${port}.ColumnNames' must be an array of strings`,
    );
  }
  const rows = values.Values;
  if (!Array.isArray(rows))
    throw ErrorFactory.requestBodyInvalid(`'Inputs.${port}.Values' must be an array of rows`);
  rows.forEach((row, i) => {
    if (!Array.isArray(row) || !row.every(isCell)) {
      throw ErrorFactory.inputParseError(
        `Input '${port}', row ${i + 1}: a row must be an array of values.`,
      );
    }
    if (row.length !== columns.length) {
      throw ErrorFactory.inputParseError(
        `Input '${port}', row ${i + 1}: ${row.length} value(s) for ${columns.length} column name(s).`,
      );
    }
  });
  return { columns: columns as string[], rows: rows as Cell[][] };
}

/** Reads one input of the swagger format: an array of `{column: value}` objects. */
function swaggerInput(
  port: string,
  value: unknown,
  spec: TableSpecification | undefined,
): { columns: string[]; rows: Cell[][] } {
  if (!Array.isArray(value))
    throw ErrorFactory.requestBodyInvalid(`'Inputs.${port}' must be an array of row objects`);
  const columns: string[] = spec ? Object.keys(spec.properties) : [];
  for (const [i, row] of value.entries()) {
    if (!isObject(row))
      throw ErrorFactory.inputParseError(`Input '${port}', row ${i + 1}: a row must be an object.`);
    for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  }
  const rows = value.map((row: Record<string, unknown>, i) =>
    columns.map((column) => {
      const cell = row[column] ?? null;
      if (!isCell(cell))
        throw ErrorFactory.inputParseError(
          `Input '${port}', row ${i + 1}, column '${column}': not a scalar value.`,
        );
      return cell;
    }),
  );
  return { columns, rows };
}

/** Handlers of RRS and the swagger document. */
export class RrsHandler {
  private readonly strict: boolean;
  private readonly graphs: PreparedGraphs;

  /**
   * @param engine - runs the predictive graph
   * @param models - trained-model bytes (read once per served model: see `preparedGraphs.ts`)
   * @param config - `--strict`, the storage base and the script settings
   * @param logger - where data and script modules' output goes (debug level)
   */
  constructor(
    private readonly engine: EngineApi,
    models: ModelStore,
    private readonly config: Pick<EmulatorConfig, "strict" | "storage" | "scripts">,
    private readonly logger: Pick<Logger, "debug">,
  ) {
    this.strict = config.strict;
    this.graphs = new PreparedGraphs(engine, models, config.strict);
  }

  /**
   * POST /execute: scores the rows sent, in the table (`details=true`) or swagger format.
   * @param target - the service or endpoint
   * @param body - `RrsTableRequest` or `RrsSwaggerRequest`
   * @param info - request facts (`format`, `details`)
   */
  async execute(
    target: ExecutionTarget,
    body: unknown,
    info: RequestInfo,
  ): Promise<HandlerResponse<RrsTableResponse | RrsSwaggerResponse>> {
    if (!target.serving) throw ErrorFactory.serviceNotReady(target.state);
    const { properties, shape, models } = target.serving;
    const modelOutput = shape.outputs.find((o) => o.kind !== "dataset");
    if (modelOutput) throw ErrorFactory.modelOutputNotSupported(modelOutput.name);
    for (const { assetId, name } of shape.trainedModels) {
      if (!models[assetId]) throw ErrorFactory.missingTrainedModel(name);
    }

    const swagger = (info.query.format ?? "").toLowerCase() === "swagger";
    const details = (info.query.details ?? "").toLowerCase() === "true";
    if (!isObject(body))
      throw ErrorFactory.requestBodyInvalid("the body must be a JSON object with 'Inputs'");
    const { values, unknown } = pickMembers(body, ["Inputs", "GlobalParameters"]);
    rejectUnknown(unknown, this.strict);
    if (values.Inputs === undefined || values.Inputs === null) {
      throw ErrorFactory.missingRequestInput(
        shape.inputs.map((i) => i.name).join(", ") || "Inputs",
      );
    }
    if (!isObject(values.Inputs))
      throw ErrorFactory.requestBodyInvalid("'Inputs' must be an object");
    const inputNames = shape.inputs.map((i) => i.name);
    const unknownInputs = Object.keys(values.Inputs).filter((name) => !inputNames.includes(name));
    if (unknownInputs.length > 0)
      throw ErrorFactory.invalidInputNames(unknownInputs.join(", "), inputNames.join(", "));
    const missing = inputNames.filter(
      (name) => values.Inputs && !(name in (values.Inputs as object)),
    );
    if (missing.length > 0) throw ErrorFactory.missingRequestInput(missing.join(", "));
    const globalParameters = checkGlobalParameters(values.GlobalParameters, shape);

    try {
      // Prepared once per served model; a package error is raised by the ordinary run below,
      // after the inputs, as it always was.
      const serving = target.serving;
      let graph: PreparedGraph | undefined;
      let prepareError: unknown;
      try {
        graph = this.graphs.get(target.executionId, serving);
      } catch (error) {
        if (!isEngineError(error)) throw error;
        prepareError = error;
      }
      const sent: Record<string, { columns: string[]; rows: Cell[][] }> = {};
      let tables: Record<string, RenderedTable> | undefined;
      if (graph && inputNames.length === 1) {
        // The row plan: the rows scored without building tables (undefined: the ordinary run).
        const name = inputNames[0];
        const raw = (values.Inputs as Record<string, unknown>)[name];
        const spec = properties.input?.properties?.[name];
        sent[name] = swagger ? swaggerInput(name, raw, spec) : tableInput(name, raw);
        const scored = this.engine.scoreRows(graph, { inputs: sent, globalParameters });
        if (scored && shape.outputs.every(({ name: output }) => scored[output] !== undefined)) {
          tables = {};
          for (const { name: output } of shape.outputs) tables[output] = scored[output];
        }
      }
      tables ??= await this.runGraph(
        { ...target, serving },
        graph ? { graph } : { error: prepareError },
        values.Inputs as Record<string, unknown>,
        { sent, swagger, globalParameters },
      );
      if (swagger) {
        const results: RrsSwaggerResponse["Results"] = {};
        for (const [name, t] of Object.entries(tables)) {
          results[name] = t.values.map((row) =>
            Object.fromEntries(t.columnNames.map((c, i) => [c, row[i]])),
          );
        }
        return { status: 200, body: { Results: results } };
      }
      return {
        status: 200,
        raw: tableResponseJson(Object.entries(tables), details),
        contentType: "application/json; charset=utf-8",
      };
    } catch (error) {
      if (isEngineError(error)) throw engineErrorToHttp(error, shape.trainedModels[0]?.name);
      throw error;
    }
  }

  /**
   * The ordinary run: every input as a table typed by its schema, the graph run module by module
   * (with the runtime data and script modules need), the outputs rendered.
   * @param target - the service or endpoint (serving)
   * @param prepared - its prepared graph, or the error preparing it raised (thrown once the inputs
   *   are read, so that an input's error comes first, as in a run that compiles the graph)
   * @param raw - the request's `Inputs`
   * @param options - inputs already read from `raw`, the format and the web service parameters
   */
  private async runGraph(
    target: ExecutionTarget & { serving: ServingState },
    prepared: { graph: PreparedGraph } | { error: unknown },
    raw: Record<string, unknown>,
    options: {
      sent: Record<string, { columns: string[]; rows: Cell[][] }>;
      swagger: boolean;
      globalParameters: Record<string, string>;
    },
  ): Promise<Record<string, RenderedTable>> {
    const { properties, shape } = target.serving;
    const inputs: Record<string, DataTable> = {};
    for (const { name } of shape.inputs) {
      const spec = properties.input?.properties?.[name];
      const { columns, rows } =
        options.sent[name] ??
        (options.swagger ? swaggerInput(name, raw[name], spec) : tableInput(name, raw[name]));
      let table = this.engine.tableFromRows(columns, rows, spec);
      if (spec) table = this.engine.applySchema(table, spec, name);
      inputs[name] = table;
    }
    const request = {
      inputs,
      globalParameters: options.globalParameters,
      runtime: createModuleRuntime({
        storageBase: this.config.storage,
        defaultStorage: target.defaultStorage,
        scripts: this.config.scripts,
        log: (line) => this.logger.debug(`RRS ${target.label}: ${line}`),
      }),
    };
    if (!("graph" in prepared)) throw prepared.error;
    const result = await this.engine.runPreparedAsync(prepared.graph, request);
    const tables: Record<string, RenderedTable> = {};
    for (const { name } of shape.outputs) {
      const output = result.outputs[name];
      if (!output || output.kind !== "dataset")
        throw ErrorFactory.webServicePackageError(
          `the graph produced no dataset for output '${name}'.`,
        );
      tables[name] = this.engine.tableToRows(output.table);
    }
    return tables;
  }

  /**
   * GET /swagger.json: a Swagger 2.0 document of the service's execution API.
   * @param target - the service or endpoint
   * @param info - request facts (base URL, path)
   */
  swagger(target: ExecutionTarget, info: RequestInfo): HandlerResponse<Record<string, unknown>> {
    if (!target.serving) throw ErrorFactory.serviceNotReady(target.state);
    return {
      status: 200,
      body: swaggerDocument(target.serving.properties, target.serving.shape, info),
    };
  }
}

function schemaOf(spec: TableSpecification | undefined): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(spec?.properties ?? {})) {
    properties[name] = {
      type: column.type.toLowerCase(),
      ...(column.format ? { format: column.format.toLowerCase() } : {}),
    };
  }
  return { type: "object", properties };
}

function swaggerDocument(
  properties: WebServiceProperties,
  shape: { inputs: { name: string }[]; outputs: { name: string }[] },
  info: RequestInfo,
): Record<string, unknown> {
  const url = new URL(info.baseUrl);
  const basePath = info.path.replace(/\/swagger\.json$/i, "");
  const auth = [{ apiKey: [] }];
  const apiVersion = {
    name: "api-version",
    in: "query",
    required: true,
    type: "string",
    enum: ["2.0"],
  };
  const jobId = { name: "jobId", in: "path", required: true, type: "string" };
  return {
    swagger: "2.0",
    info: {
      title: properties.title ?? "Azure ML web service",
      description: properties.description ?? "",
      version: "2.0",
    },
    host: url.host,
    basePath,
    schemes: [url.protocol.replace(":", "")],
    consumes: ["application/json"],
    produces: ["application/json"],
    securityDefinitions: { apiKey: { type: "apiKey", name: "Authorization", in: "header" } },
    paths: {
      "/execute": {
        post: {
          operationId: "execute",
          security: auth,
          parameters: [
            apiVersion,
            { name: "details", in: "query", type: "boolean" },
            { name: "format", in: "query", type: "string" },
            { name: "body", in: "body", schema: { $ref: "#/definitions/ExecutionRequest" } },
          ],
          responses: { "200": { description: "OK" } },
        },
      },
      "/jobs": {
        post: {
          operationId: "submitjob",
          security: auth,
          parameters: [
            apiVersion,
            { name: "body", in: "body", schema: { $ref: "#/definitions/BatchExecutionRequest" } },
          ],
          responses: { "200": { description: "The job id", schema: { type: "string" } } },
        },
      },
      "/jobs/{jobId}/start": {
        post: {
          operationId: "startjob",
          security: auth,
          parameters: [apiVersion, jobId],
          responses: { "204": { description: "Started" } },
        },
      },
      "/jobs/{jobId}": {
        get: {
          operationId: "getjobstatus",
          security: auth,
          parameters: [apiVersion, jobId],
          responses: { "200": { description: "Status" } },
        },
        delete: {
          operationId: "canceljob",
          security: auth,
          parameters: [apiVersion, jobId],
          responses: { "204": { description: "Cancelled" } },
        },
      },
    },
    definitions: {
      ExecutionRequest: {
        type: "object",
        properties: {
          Inputs: {
            type: "object",
            properties: Object.fromEntries(
              shape.inputs.map(({ name }) => [
                name,
                { type: "array", items: schemaOf(properties.input?.properties?.[name]) },
              ]),
            ),
          },
          GlobalParameters: { type: "object" },
        },
      },
      ExecutionResponse: {
        type: "object",
        properties: Object.fromEntries(
          shape.outputs.map(({ name }) => [
            name,
            { type: "array", items: schemaOf(properties.output?.properties?.[name]) },
          ]),
        ),
      },
      BatchExecutionRequest: {
        type: "object",
        properties: {
          Inputs: { type: "object" },
          Outputs: { type: "object" },
          GlobalParameters: { type: "object" },
        },
      },
    },
  };
}
