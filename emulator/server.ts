/**
 * `EmulatorServer`: builds the stores, the engine, the job runner, the provisioner and the
 * handlers from one {@link EmulatorConfig}, hands them to `createApp`, and owns their lifecycle
 * (start: open the database, recover jobs, resume provisioning, listen; close: in reverse).
 *
 * To swap a piece (another store, an in-process engine stub for a benchmark), change it here:
 * everything above this file only sees the interfaces.
 */
import { mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { FastifyInstance } from "fastify";
import { createApp } from "./app";
import { PORTAL_PATH, PortalSessions } from "./auth/portalSession";
import type { EmulatorConfig } from "./config";
import { DATABASE_FILE, MODELS_FOLDER } from "./constants";
import { loadEngine } from "./engineLoader";
import { FaultInjector } from "./faults";
import { AdminHandler } from "./handlers/adminHandler";
import { ArmHandler } from "./handlers/armHandler";
import { BesHandler } from "./handlers/besHandler";
import { ClassicHandler } from "./handlers/classicHandler";
import { PortalHandler } from "./handlers/portalHandler";
import { RrsHandler } from "./handlers/rrsHandler";
import { JobRunner } from "./jobs/jobRunner";
import { createLogger, registerSecret, type Logger } from "./logger";
import { CallStats } from "./services/callStats";
import { ExecutionTargets } from "./services/executionTargets";
import { ModelFetcher } from "./services/modelFetcher";
import { PortalAssets } from "./services/portalAssets";
import { Provisioner } from "./services/provisioner";
import { loadCredentials, type EmulatorCredentials } from "./store/credentials";
import type { MetadataStore } from "./store/metadataStore";
import { ModelStore } from "./store/modelStore";
import type { RequestInterceptor } from "./requestContext";
import { SqliteMetadataStore } from "./store/sqliteMetadataStore";
import { V2Surface } from "./v2";

/** The wired emulator. */
export class EmulatorServer {
  /** Log lines. */
  readonly logger: Logger;
  /** The tokens in use. */
  readonly credentials: EmulatorCredentials;
  /** Metadata (exposed for tests and tools). */
  readonly store: MetadataStore;
  /** Job scheduling (exposed for tests). */
  readonly jobs: JobRunner;
  /** Fault injection (inactive unless configured; tests change it while the server runs). */
  readonly faults: FaultInjector;
  /** The Azure Machine Learning (v2) surface (exposed for tests). */
  readonly v2: V2Surface;
  /** The portal's one-time sign-in tokens and sessions. */
  readonly portal: PortalSessions;
  private readonly provisioner: Provisioner;
  private readonly app: FastifyInstance;
  private url: string | undefined;

  /**
   * @param config - the resolved configuration
   * @param interceptor - optional hook at the fault-injection seam
   */
  constructor(
    readonly config: EmulatorConfig,
    interceptor?: RequestInterceptor,
  ) {
    mkdirSync(config.location, { recursive: true });
    this.logger = createLogger(config);
    this.credentials = loadCredentials(config.location, config);
    registerSecret(this.credentials.armToken);
    registerSecret(this.credentials.workspaceToken);
    this.store = new SqliteMetadataStore(path.join(config.location, DATABASE_FILE));
    const models = new ModelStore(path.join(config.location, MODELS_FOLDER));
    const engine = loadEngine();
    const fetcher = new ModelFetcher(engine, models);
    const targets = new ExecutionTargets(config, this.store);
    this.faults = new FaultInjector(config.faults, this.logger);
    this.jobs = new JobRunner(
      config,
      this.store,
      models,
      (id) => targets.byExecutionId(id),
      this.logger,
      this.faults,
    );
    this.provisioner = new Provisioner(config, this.store, fetcher, this.logger);
    const calls = new CallStats();
    this.v2 = new V2Surface({
      config: config.v2,
      location: config.location,
      storage: config.storage,
      pageSize: config.listPageSize,
      armToken: this.credentials.armToken,
      logger: this.logger,
      calls,
      publicUrl: () => this.url ?? `http://${config.host}:${config.port}`,
    });
    this.portal = new PortalSessions(() => this.credentials.workspaceToken);
    const rrs = new RrsHandler(engine, models, config, this.logger);
    this.app = createApp({
      config,
      logger: this.logger,
      credentials: this.credentials,
      store: this.store,
      targets,
      handlers: {
        arm: new ArmHandler(config, this.store, engine, this.provisioner, this.jobs, this.logger),
        classic: new ClassicHandler(config, this.store, fetcher, this.jobs, this.logger),
        admin: new AdminHandler(config, this.store, engine, fetcher, this.logger),
        bes: new BesHandler(config, this.store, this.jobs),
        rrs,
        portal: new PortalHandler({
          store: this.store,
          models,
          engine,
          targets,
          rrs,
          sessions: this.portal,
          assets: new PortalAssets(),
          v2: this.v2.portal,
          v2Endpoints: this.v2.portalEndpoints,
          calls,
        }),
      },
      calls,
      portal: this.portal,
      publicUrl: () => this.url ?? `http://${config.host}:${config.port}`,
      surfaces: [this.v2],
      ...(config.tls
        ? {
            tls: {
              cert: readFileSync(config.tls.certFile, "utf8"),
              key: readFileSync(config.tls.keyFile, "utf8"),
            },
          }
        : {}),
      // Injected faults come first: a refused request must not reach a caller's own hook.
      interceptor: async (request, reply) => {
        await this.faults.interceptor(request, reply);
        if (interceptor) await interceptor(request, reply);
      },
    });
  }

  /** Opens the database, recovers interrupted work and listens; resolves with the bound URL. */
  async start(): Promise<string> {
    this.store.init();
    this.jobs.recover();
    this.provisioner.resume();
    this.v2.start();
    await this.app.listen({ host: this.config.host, port: this.config.port });
    const address = this.app.server.address();
    const port = typeof address === "object" && address ? address.port : this.config.port;
    const host = this.config.host.includes(":") ? `[${this.config.host}]` : this.config.host;
    this.url = `${this.config.tls ? "https" : "http"}://${host}:${port}`;
    this.portal.bind(port, this.config.tls !== undefined);
    return this.url;
  }

  /**
   * A new one-time sign-in link to the portal (works once; the token is masked in log lines).
   */
  portalLink(): string {
    const token = this.portal.issueLoginToken();
    registerSecret(token);
    return `${this.boundUrl}${PORTAL_PATH}/?token=${token}`;
  }

  /** The bound URL (after {@link start}). */
  get boundUrl(): string {
    if (!this.url) throw new Error("the emulator is not listening");
    return this.url;
  }

  /** Stops listening, stops jobs and provisioning, closes the database. */
  async close(): Promise<void> {
    await this.app.close();
    await this.provisioner.close();
    await this.jobs.close();
    await this.v2.close();
    this.store.close();
  }
}
