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
import type { DataTable, EngineApi } from "../engine/api";
import { ErrorFactory, engineErrorToHttp, isEngineError } from "../errors";
import type { EmulatorConfig } from "../config";
import type { Logger } from "../logger";
import { createModuleRuntime } from "../runtime/moduleRuntime";
import type { ExecutionTarget } from "../services/executionTargets";
import type { ModelStore } from "../store/modelStore";
import { checkGlobalParameters } from "./globalParameters";
import type { HandlerResponse, RequestInfo } from "./types";
import { isObject, pickMembers, rejectUnknown } from "./util";

type Cell = string | number | boolean | null;

function isCell(value: unknown): value is Cell {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
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

  /**
   * @param engine - runs the predictive graph
   * @param models - trained-model bytes
   * @param config - `--strict`, the storage base and the script settings
   * @param logger - where data and script modules' output goes (debug level)
   */
  constructor(
    private readonly engine: EngineApi,
    private readonly models: ModelStore,
    private readonly config: Pick<EmulatorConfig, "strict" | "storage" | "scripts">,
    private readonly logger: Pick<Logger, "debug">,
  ) {
    this.strict = config.strict;
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
    const trainedModels: Record<string, Uint8Array> = {};
    for (const { assetId, name } of shape.trainedModels) {
      const sha = models[assetId];
      if (!sha) throw ErrorFactory.missingTrainedModel(name);
      trainedModels[assetId] = this.models.get(sha);
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

    const inputs: Record<string, DataTable> = {};
    try {
      for (const name of inputNames) {
        const spec = properties.input?.properties?.[name];
        const raw = (values.Inputs as Record<string, unknown>)[name];
        const { columns, rows } = swagger ? swaggerInput(name, raw, spec) : tableInput(name, raw);
        let table = this.engine.tableFromRows(columns, rows, spec);
        if (spec) table = this.engine.applySchema(table, spec, name);
        inputs[name] = table;
      }
      const result = await this.engine.runGraphAsync({
        properties,
        inputs,
        globalParameters,
        trainedModels,
        strict: this.strict,
        runtime: createModuleRuntime({
          storageBase: this.config.storage,
          defaultStorage: target.defaultStorage,
          scripts: this.config.scripts,
          log: (line) => this.logger.debug(`RRS ${target.label}: ${line}`),
        }),
      });
      const tables: Record<string, ReturnType<EngineApi["tableToRows"]>> = {};
      for (const { name } of shape.outputs) {
        const output = result.outputs[name];
        if (!output || output.kind !== "dataset")
          throw ErrorFactory.webServicePackageError(
            `the graph produced no dataset for output '${name}'.`,
          );
        tables[name] = this.engine.tableToRows(output.table);
      }
      if (swagger) {
        const results: RrsSwaggerResponse["Results"] = {};
        for (const [name, t] of Object.entries(tables)) {
          results[name] = t.values.map((row) =>
            Object.fromEntries(t.columnNames.map((c, i) => [c, row[i]])),
          );
        }
        return { status: 200, body: { Results: results } };
      }
      const results: RrsTableResponse["Results"] = {};
      for (const [name, t] of Object.entries(tables)) {
        results[name] = {
          type: "table",
          value: {
            ColumnNames: t.columnNames,
            ...(details ? { ColumnTypes: t.columnTypes } : {}),
            Values: t.values,
          },
        };
      }
      return { status: 200, body: { Results: results } };
    } catch (error) {
      if (isEngineError(error)) throw engineErrorToHttp(error, shape.trainedModels[0]?.name);
      throw error;
    }
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
