/**
 * The Pulumi SDK's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`), started and
 * called over gRPC exactly as the engine does (see `node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js`): a plain `node`
 * process in the project directory, which prints its port first, then forwards the providers'
 * console output. Requests carry the serialized provider text in `__provider`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as providerPbTypes from "@pulumi/pulumi/proto/provider_pb";

/* eslint-disable @typescript-eslint/no-require-imports -- the generated protobuf modules ship no ESM */
const providerPb = require("@pulumi/pulumi/proto/provider_pb") as typeof providerPbTypes;
const providerGrpc = require("@pulumi/pulumi/proto/provider_grpc_pb") as {
  ResourceProviderClient: new (address: string, credentials: grpc.ChannelCredentials) => GrpcClient;
};
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const statusPb = require("@pulumi/pulumi/proto/status_pb") as {
  Status: {
    deserializeBinary(bytes: Uint8Array): {
      getDetailsList(): { unpack: unknown; getValue_asU8(): Uint8Array; getTypeName(): string }[];
    };
  };
};
/* eslint-enable @typescript-eslint/no-require-imports */

type Props = Record<string, unknown>;
type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;
interface GrpcClient {
  configure(req: unknown, cb: Callback<unknown>): void;
  check(req: unknown, cb: Callback<providerPbTypes.CheckResponse>): void;
  diff(req: unknown, cb: Callback<providerPbTypes.DiffResponse>): void;
  create(req: unknown, cb: Callback<providerPbTypes.CreateResponse>): void;
  update(req: unknown, cb: Callback<providerPbTypes.UpdateResponse>): void;
  read(req: unknown, cb: Callback<providerPbTypes.ReadResponse>): void;
  delete(req: unknown, cb: Callback<unknown>): void;
  close(): void;
}

/**
 * A failed Create/Update whose provider reported a partially created resource
 * (`ErrorResourceInitFailed`): its id, properties and reasons (the engine's init errors).
 */
export class ResourceInitError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "ResourceInitError";
  }
}

/** A failure `check` reported: the property it names (may be empty) and why. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** What `check` answered: the checked inputs and its failures. */
export interface CheckAnswer {
  readonly inputs: Props;
  readonly failures: CheckFailure[];
}

/** Diff answer. */
export interface DiffAnswer {
  readonly changes: "none" | "some" | "unknown";
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

/** A running provider host. */
export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: GrpcClient,
    /** Every line the host printed after its port (the providers' console output). */
    readonly output: string[],
  ) {}

  /** Starts the host in `cwd` (the project directory) and connects to it. */
  static async start(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ProviderHost> {
    const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [cwd] });
    // The engine address is required but not dialled by the dynamic provider.
    const child = spawn(process.execPath, [entry, "127.0.0.1:1"], {
      cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output: string[] = [];
    let port: number | undefined;
    const ready = new Promise<number>((resolve, reject) => {
      let buffer = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        let i: number;
        while ((i = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          if (port === undefined && /^\d+$/.test(line.trim())) {
            port = Number(line.trim());
            resolve(port);
          } else output.push(line);
        }
      });
      child.stderr?.on("data", (chunk: Buffer) =>
        output.push(...chunk.toString().split("\n").filter(Boolean)),
      );
      child.once("exit", (code) =>
        reject(
          new Error(
            `provider host exited (${code}) before printing its port:\n${output.join("\n")}`,
          ),
        ),
      );
      setTimeout(
        () => reject(new Error("provider host did not print its port in 30 s")),
        30_000,
      ).unref();
    });
    const boundPort = await ready;
    const client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${boundPort}`,
      grpc.credentials.createInsecure(),
    );
    return new ProviderHost(child, client, output);
  }

  /** The host process (to check it is still alive, or to kill it). */
  get process(): ChildProcess {
    return this.child;
  }

  private call<T>(method: keyof GrpcClient, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.client[method] as (r: unknown, cb: Callback<T>) => void).call(
        this.client,
        request,
        (err, value) => {
          if (err) reject(toError(err));
          else resolve(value as T);
        },
      );
    });
  }

  /** Configure, as the engine sends it: the stack config, secrets decrypted. */
  async configure(config: Record<string, string>): Promise<void> {
    const req = new providerPb.ConfigureRequest();
    const variables = req.getVariablesMap();
    for (const [k, v] of Object.entries(config)) variables.set(k, v);
    req.setArgs(Struct.fromJavaScript(config));
    req.setAcceptsecrets(false);
    await this.call("configure", req);
  }

  /** Check: the checked inputs and the failures (the caller decides what a failure means). */
  async check(urn: string, olds: Props, news: Props): Promise<CheckAnswer> {
    const req = new providerPb.CheckRequest();
    req.setUrn(urn);
    req.setOlds(Struct.fromJavaScript(olds as never));
    req.setNews(Struct.fromJavaScript(news as never));
    const res = await this.call<providerPbTypes.CheckResponse>("check", req);
    return {
      inputs: (res.getInputs()?.toJavaScript() ?? {}) as Props,
      failures: res
        .getFailuresList()
        .map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** Check, throwing a {@link CheckFailedError} on failures; the checked inputs otherwise. */
  async checkOrThrow(urn: string, olds: Props, news: Props): Promise<Props> {
    const { inputs, failures } = await this.check(urn, olds, news);
    if (failures.length > 0)
      throw new CheckFailedError(
        urn,
        failures.map((f) => `${f.property}: ${f.reason}`),
      );
    return inputs;
  }

  /** Diff: olds are the old outputs, news the checked inputs. */
  async diff(urn: string, id: string, olds: Props, news: Props): Promise<DiffAnswer> {
    const req = new providerPb.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(Struct.fromJavaScript(olds as never));
    req.setNews(Struct.fromJavaScript(news as never));
    const res = await this.call<providerPbTypes.DiffResponse>("diff", req);
    const c = res.getChanges();
    return {
      changes:
        c === providerPb.DiffResponse.DiffChanges.DIFF_SOME
          ? "some"
          : c === providerPb.DiffResponse.DiffChanges.DIFF_NONE
            ? "none"
            : "unknown",
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  /** Create: returns the id and outputs. */
  async create(urn: string, inputs: Props): Promise<{ id: string; outputs: Props }> {
    const req = new providerPb.CreateRequest();
    req.setUrn(urn);
    req.setProperties(Struct.fromJavaScript(inputs as never));
    const res = await this.call<providerPbTypes.CreateResponse>("create", req);
    return { id: res.getId(), outputs: (res.getProperties()?.toJavaScript() ?? {}) as Props };
  }

  /** Update: olds are the old outputs. */
  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const req = new providerPb.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(Struct.fromJavaScript(olds as never));
    req.setNews(Struct.fromJavaScript(news as never));
    const res = await this.call<providerPbTypes.UpdateResponse>("update", req);
    return (res.getProperties()?.toJavaScript() ?? {}) as Props;
  }

  /** Read (refresh): returns the new id ("" when gone), outputs and, when given, inputs. */
  async read(
    urn: string,
    id: string,
    outputs: Props,
    inputs: Props,
  ): Promise<{ id: string; outputs: Props; inputs?: Props }> {
    const req = new providerPb.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(Struct.fromJavaScript(outputs as never));
    req.setInputs(Struct.fromJavaScript(inputs as never));
    const res = await this.call<providerPbTypes.ReadResponse>("read", req);
    const newInputs = res.getInputs()?.toJavaScript() as Props | undefined;
    return {
      id: res.getId(),
      outputs: (res.getProperties()?.toJavaScript() ?? {}) as Props,
      ...(newInputs && Object.keys(newInputs).length > 0 ? { inputs: newInputs } : {}),
    };
  }

  /** Delete: with the stored outputs (their `__provider` is the code that created them). */
  async delete(urn: string, id: string, outputs: Props): Promise<void> {
    const req = new providerPb.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(Struct.fromJavaScript(outputs as never));
    await this.call("delete", req);
  }

  /** Stops the host. */
  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** Check reported failures. */
export class CheckFailedError extends Error {
  constructor(
    readonly urn: string,
    readonly failures: string[],
  ) {
    super(
      `check failed for ${urn.split("::").pop()}:\n${failures.map((f) => `  - ${f}`).join("\n")}`,
    );
    this.name = "CheckFailedError";
  }
}

/** Turns a gRPC error into an Error, unpacking ErrorResourceInitFailed details (partial state). */
function toError(err: grpc.ServiceError): Error {
  const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (raw) {
    const status = statusPb.Status.deserializeBinary(
      raw instanceof Buffer ? raw : Buffer.from(raw),
    );
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() === "pulumirpc.ErrorResourceInitFailed") {
        const init = providerPb.ErrorResourceInitFailed.deserializeBinary(detail.getValue_asU8());
        return new ResourceInitError(
          err.details || err.message,
          init.getId(),
          (init.getProperties()?.toJavaScript() ?? {}) as Props,
          init.getReasonsList(),
        );
      }
    }
  }
  return new Error(err.details || err.message);
}

/** Absolute path of the project (where the host must run). */
export const PROJECT_DIR = path.resolve(__dirname, "..");
