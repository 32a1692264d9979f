/**
 * The classic stack (Azure ML Studio (classic)): keeps the model served by a predictive web
 * service, and by its classic endpoints, in step with the model version declared in the stack
 * config.
 *
 *   ModelStorage ─► TrainingService ─► TrainedModel ─► PredictiveService
 *                                          └──────────► ClassicWebService ─► ClassicEndpoint[]
 *
 * `local` runs on Azurite and the project's emulator; `azure` on Azure with the same code.
 */
import * as pulumi from "@pulumi/pulumi";
import { azuriteConnectionString } from "../clients/azurite";
import {
  DEFAULT_ENDPOINT,
  readEmulatorCredentials,
  type EndpointConfig,
  type ModelConfig,
  type StackConfig,
} from "../config";
import {
  ClassicEndpoint,
  ClassicWebService,
  loadDefinition,
  ModelStorage,
  pairTransforms,
  PredictiveService,
  RolloutStage,
  TrainedModel,
  trainedModelAssetName,
  TrainingService,
  trainingShape,
  transformedColumns,
  withScoresOutput,
  type ModelLocation,
  type ServingTarget,
  type StageEndpoint,
} from "../components";

/**
 * Declares the classic stack's resources; returns its outputs.
 * @param config - the validated stack config
 * @param raw - the stack's config (for the workspace token secret)
 */
export function classicStack(config: StackConfig, raw: pulumi.Config) {
  // ---- Target: where the services live and how to authenticate -------------------------------
  interface Target {
    armEndpoint: string;
    /** Static ARM token (emulator); undefined on Azure, where the providers use Entra ID. */
    armToken?: pulumi.Output<string>;
    managementEndpoint: string;
    workspaceToken?: pulumi.Output<string>;
    subscriptionId: string;
    resourceGroup: string;
    location: string;
    workspaceId: string;
    commitmentPlanId?: string;
    storage: ModelStorage;
  }

  function localTarget(): Target {
    const local = config.local!;
    const credentials = readEmulatorCredentials(local.emulatorLocation);
    return {
      armEndpoint: local.emulatorUrl,
      armToken: pulumi.secret(credentials.armToken),
      managementEndpoint: local.emulatorUrl,
      workspaceToken: pulumi.secret(credentials.workspaceToken),
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "local",
      location: "local",
      workspaceId: local.workspaceId,
      storage: new ModelStorage("storage", {
        target: "local",
        connectionString: pulumi.secret(azuriteConnectionString(local.azuriteBlobEndpoint)),
      }),
    };
  }

  function azureTarget(): Target {
    const azure = config.azure!;
    return {
      armEndpoint: azure.armEndpoint,
      managementEndpoint: azure.managementEndpoint,
      workspaceToken: raw.getSecret("workspaceToken"),
      subscriptionId: azure.subscriptionId,
      resourceGroup: azure.resourceGroup,
      location: azure.location,
      // Required by the config for the classic platform.
      workspaceId: azure.workspaceId!,
      commitmentPlanId: azure.commitmentPlanId,
      storage: new ModelStorage("storage", {
        target: "azure",
        resourceGroupName: azure.resourceGroup,
        location: azure.location,
        accountName: azure.storageAccountName,
      }),
    };
  }

  const target = config.target === "local" ? localTarget() : azureTarget();
  const { storage } = target;

  // ---- Services ---------------------------------------------------------------------------------
  const rollout = config.rollout;
  // A staged rollout compares each endpoint with the candidate's own held-out scores: the
  // training job then writes them too (one more output of its Score Model).
  const trainingDefinition = rollout
    ? withScoresOutput(loadDefinition(config.services.trainingDefinition))
    : loadDefinition(config.services.trainingDefinition);
  const shape = trainingShape(trainingDefinition);
  const predictiveDefinition = loadDefinition(config.services.predictiveDefinition);
  const assetName = trainedModelAssetName(predictiveDefinition);
  /** The predictive "[transform]" asset each transformation output of a retrain is set on. */
  const transformPairs = pairTransforms(
    shape.transformOutputs,
    predictiveDefinition,
    config.services.transformAssets,
  );
  const hasTransforms = Object.keys(transformPairs).length > 0;
  if (rollout && hasTransforms) {
    // A stage sends the held-out rows as the training job's Score Model saw them: a column the
    // saved transformation rewrote is already transformed there, and an endpoint would transform
    // it again and never agree. Refused here, at preview, rather than rolled back on every up.
    const rewritten = transformedColumns(trainingDefinition);
    const clashes = Object.keys(transformPairs).flatMap((output) => {
      const columns = rewritten[output] ?? "unknown";
      const inputs =
        columns === "unknown"
          ? "columns it selects by type, not by name"
          : columns.filter((c) => shape.inputColumns.includes(c)).join(", ");
      return inputs ? [`"${output}" rewrites input columns (${inputs})`] : [];
    });
    if (clashes.length > 0)
      throw new Error(
        `azureml-retrain:rollout.stages: the saved transformation ${clashes.join("; ")} of ` +
          `"${config.services.trainingDefinition}": a stage checks endpoints with the held-out rows ` +
          "as Score Model saw them, already transformed, so no endpoint would agree. Remove " +
          "rollout.stages for this definition, or transform only columns derived in both graphs",
      );
  }
  /** A model's transformations, by the asset (or classic resource) each is set on. */
  const transformsOf = <T>(m: TrainedModel, pick: (l: ModelLocation) => T) =>
    m.transforms.apply((t) =>
      Object.fromEntries(
        Object.entries(transformPairs).map(([output, asset]) => {
          const location = t?.[output];
          // A model has the transformations its training definition writes (an update trains
          // again when one is missing); only a state written before they were kept lacks them.
          if (!location)
            throw new Error(
              `the stored model has no transformation "${output}": train it again with pulumi up --replace ${m.urn}`,
            );
          return [asset, pick(location)];
        }),
      ),
    );
  /** How the gate scores new data through what is served now (champion/challenger). */
  const labels = shape.inputColumns.filter((c) => !predictiveDefinition.inputColumns.includes(c));
  const scoring = {
    inputPort: predictiveDefinition.inputPort,
    inputColumns: predictiveDefinition.inputColumns,
    ...(labels.length === 1 ? { labelColumn: labels[0] } : {}),
  };

  const common = {
    endpoint: target.armEndpoint,
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    location: target.location,
    ...(target.armToken ? { token: target.armToken } : {}),
    storageAccount: { name: storage.accountName, key: storage.accountKey },
    workspaceId: target.workspaceId,
    ...(target.commitmentPlanId ? { commitmentPlanId: target.commitmentPlanId } : {}),
  };

  const training = new TrainingService("training", {
    ...common,
    name: config.services.trainingName,
    definition: trainingDefinition.properties,
  });

  /** Declares a TrainedModel for a version of the model, served by `serving`. */
  function declareModel(
    name: string,
    model: Pick<ModelConfig, "version" | "data" | "parameters">,
    serving: ServingTarget,
    servingToken: pulumi.Output<string> | undefined,
    scoresOutput?: string,
  ): TrainedModel {
    return new TrainedModel(name, {
      version: model.version,
      // A blob URL with a SAS is a credential: kept secret in the checkpoint.
      data: /[?&]sig=/i.test(model.data) ? pulumi.secret(model.data) : model.data,
      parameters: model.parameters,
      gate: config.model.gate,
      retain: config.model.retain,
      deadlineMinutes: config.model.deadlineMinutes,
      training: {
        executionUrl: training.executionUrl,
        apiKey: training.primaryKey,
        inputPort: shape.inputPort,
        modelOutput: shape.modelOutput,
        evaluationOutput: shape.evaluationOutput,
        ...(shape.transformOutputs.length > 0 ? { transformOutputs: shape.transformOutputs } : {}),
        inputColumns: shape.inputColumns,
        ...(scoresOutput !== undefined ? { scoresOutput } : {}),
      },
      store: {
        connectionString: storage.connectionString,
        dataContainer: storage.dataContainer,
        modelContainer: storage.modelContainer,
      },
      serving,
      ...(servingToken ? { servingToken } : {}),
    });
  }

  const model = declareModel(
    "model",
    config.model,
    {
      kind: "arm",
      endpoint: target.armEndpoint,
      subscriptionId: target.subscriptionId,
      resourceGroup: target.resourceGroup,
      name: config.services.predictiveName,
      assetName,
      ...scoring,
    },
    target.armToken,
    rollout ? shape.scoresOutput : undefined,
  );

  // ---- Staged rollout: which stage each endpoint is in ----------------------------------------
  /** The stage of each staged endpoint (`default`: the predictive service's own), by name. */
  const stageOf = new Map<string, number>();
  rollout?.stages.forEach((stage, i) => stage.endpoints.forEach((e) => stageOf.set(e, i)));
  /** The stage resources, declared in order; stage i's endpoints depend on stage i - 1. */
  const stageResources: RolloutStage[] = [];
  const after = (name: string): pulumi.CustomResourceOptions | undefined => {
    const i = stageOf.get(name);
    return i !== undefined && i > 0 ? { dependsOn: [stageResources[i - 1]] } : undefined;
  };
  const stageInput = (name: string): { rolloutStage?: string } => {
    const i = stageOf.get(name);
    return i !== undefined ? { rolloutStage: rollout!.stages[i].name } : {};
  };

  const declarePredictive = (): PredictiveService =>
    new PredictiveService(
      "predictive",
      {
        ...common,
        name: config.services.predictiveName,
        definition: predictiveDefinition.properties,
        trainedModelUri: model.model.apply((m) => m!.uri),
        trainedModelAssetName: assetName,
        ...(hasTransforms ? { trainedTransformUris: transformsOf(model, (l) => l.uri) } : {}),
        ...stageInput(DEFAULT_ENDPOINT),
      },
      after(DEFAULT_ENDPOINT),
    );
  // Unstaged, or in the first stage: declared first, as without stages.
  let predictive: PredictiveService | undefined = after(DEFAULT_ENDPOINT)
    ? undefined
    : declarePredictive();

  // ---- Classic endpoints: one per consumer, each may pin its own model ------------------------
  const modelRef = (m: TrainedModel) =>
    m.model.apply((l) => ({
      baseLocation: l!.baseLocation,
      relativeLocation: l!.relativeLocation,
    }));
  const transformRefs = (m: TrainedModel) =>
    hasTransforms
      ? {
          trainedTransforms: transformsOf(m, (l) => ({
            baseLocation: l.baseLocation,
            relativeLocation: l.relativeLocation,
          })),
        }
      : {};

  /**
   * The transformations a staged endpoint served before its last repoint, read only when the
   * definition has some: a preview takes an output missing from the state as unknown, which
   * would show every stage as changed.
   */
  const previousTransformsOf = (
    r: PredictiveService | ClassicEndpoint,
  ): pulumi.Output<Record<string, string> | undefined> =>
    hasTransforms ? r.previousTransformUris : pulumi.output(undefined);

  const endpointOutputs: Record<
    string,
    pulumi.Output<{ apiLocation: string; version: string }>
  > = {};
  /** The staged members declared so far, by name, for their stage resource. */
  const members = new Map<string, { endpoint: StageEndpoint; key: pulumi.Output<string> }>();
  if (rollout && predictive && stageOf.has(DEFAULT_ENDPOINT)) {
    members.set(DEFAULT_ENDPOINT, predictiveMember(predictive));
  }

  function predictiveMember(p: PredictiveService): {
    endpoint: StageEndpoint;
    key: pulumi.Output<string>;
  } {
    return {
      endpoint: pulumi
        .all([p.executionUrl, p.previousModelUri, previousTransformsOf(p)])
        .apply(([url, previous, previousTransforms]) => ({
          kind: "arm" as const,
          name: DEFAULT_ENDPOINT,
          executionUrl: url,
          service: {
            endpoint: target.armEndpoint,
            subscriptionId: target.subscriptionId,
            resourceGroup: target.resourceGroup,
            name: config.services.predictiveName,
          },
          assetName,
          ...(previous ? { previousModelUri: previous } : {}),
          ...(previousTransforms ? { previousTransformUris: previousTransforms } : {}),
        })) as unknown as StageEndpoint,
      key: p.primaryKey,
    };
  }

  let declareEndpoint: ((endpoint: EndpointConfig) => void) | undefined;
  if (config.endpoints.length > 0) {
    const workspaceToken = target.workspaceToken!;
    const classic = new ClassicWebService("classic", {
      mode: config.target === "local" ? "publish" : "reference",
      endpoint: target.managementEndpoint,
      workspaceId: target.workspaceId,
      webServiceId: config.services.classicWebServiceId,
      token: workspaceToken,
      allowReplacement: config.services.allowClassicReplacement,
      ...(config.target === "local"
        ? {
            name: `${config.services.predictiveName} (classic)`,
            definition: predictiveDefinition.properties,
            trainedModel: modelRef(model),
            ...transformRefs(model),
            resourceName: assetName,
            storageConnectionString: storage.connectionString,
          }
        : {}),
    });
    const pinned = new Map<string, TrainedModel>();
    declareEndpoint = (endpoint: EndpointConfig): void => {
      let served = model;
      let version = config.model.version;
      if (endpoint.model) {
        const pin = { parameters: config.model.parameters, ...endpoint.model };
        const pinKey = `${pin.version}|${pin.data}|${JSON.stringify(pin.parameters)}`;
        if (!pinned.has(pinKey)) {
          pinned.set(
            pinKey,
            declareModel(
              `model-${pin.version}`,
              pin,
              {
                kind: "classic",
                endpoint: target.managementEndpoint,
                workspaceId: target.workspaceId,
                webServiceId: config.services.classicWebServiceId,
                endpointName: endpoint.name,
                resourceName: assetName,
                ...scoring,
              },
              workspaceToken,
            ),
          );
        }
        served = pinned.get(pinKey)!;
        version = pin.version;
      }
      const resource = new ClassicEndpoint(
        `endpoint-${endpoint.name}`,
        {
          endpoint: target.managementEndpoint,
          workspaceId: target.workspaceId,
          webServiceId: classic.webServiceId,
          token: workspaceToken,
          name: endpoint.name,
          ...(endpoint.description ? { description: endpoint.description } : {}),
          ...(endpoint.throttleLevel ? { throttleLevel: endpoint.throttleLevel } : {}),
          ...(endpoint.maxConcurrentCalls
            ? { maxConcurrentCalls: endpoint.maxConcurrentCalls }
            : {}),
          resourceName: assetName,
          trainedModel: modelRef(served),
          ...transformRefs(served),
          storageConnectionString: storage.connectionString,
          // A new predictive definition reaches this endpoint through a refresh (publish mode).
          serviceDefinitionSha256: classic.definitionSha256,
          ...stageInput(endpoint.name),
        },
        after(endpoint.name),
      );
      endpointOutputs[endpoint.name] = pulumi.output({
        apiLocation: resource.apiLocation,
        version,
      });
      if (stageOf.has(endpoint.name)) {
        members.set(endpoint.name, {
          endpoint: pulumi
            .all([
              resource.apiLocation,
              resource.previousModelUri,
              previousTransformsOf(resource),
              classic.webServiceId,
            ])
            .apply(([url, previous, previousTransforms, webServiceId]) => ({
              kind: "classic" as const,
              name: endpoint.name,
              executionUrl: url,
              management: {
                endpoint: target.managementEndpoint,
                workspaceId: target.workspaceId,
                webServiceId,
              },
              resourceName: assetName,
              ...(previous ? { previousModelUri: previous } : {}),
              ...(previousTransforms ? { previousTransformUris: previousTransforms } : {}),
            })) as unknown as StageEndpoint,
          key: resource.primaryKey,
        });
      }
    };
    // Unstaged endpoints (pinned ones, or all without stages), and the first stage's, in the
    // order they are declared: as without stages.
    for (const endpoint of config.endpoints) {
      if (!after(endpoint.name)) declareEndpoint(endpoint);
    }
  }

  // Each stage: its endpoints (the first stage's are declared above), then its check.
  rollout?.stages.forEach((stage, i) => {
    if (i > 0) {
      for (const name of stage.endpoints) {
        if (name === DEFAULT_ENDPOINT) {
          predictive = declarePredictive();
          members.set(DEFAULT_ENDPOINT, predictiveMember(predictive));
        } else declareEndpoint!(config.endpoints.find((e) => e.name === name)!);
      }
    }
    const staged = stage.endpoints.map((name) => members.get(name)!);
    stageResources.push(
      new RolloutStage(`stage-${stage.name}`, {
        stage: stage.name,
        position: i + 1,
        stages: rollout.stages.length,
        // With saved transformations the stage sets, checks and rolls back the model and its
        // transformations as a pair, as the endpoints' own resources set them.
        candidate: pulumi
          .all([
            model.model,
            model.heldOutScores,
            hasTransforms
              ? transformsOf(model, (l) => ({
                  baseLocation: l.baseLocation,
                  relativeLocation: l.relativeLocation,
                }))
              : undefined,
          ])
          .apply(([m, scores, transforms]) => ({
            version: config.model.version,
            model: { baseLocation: m!.baseLocation, relativeLocation: m!.relativeLocation },
            heldOutScores: scores?.relativeLocation ?? "",
            ...(transforms ? { transforms } : {}),
          })),
        scoring: {
          inputPort: predictiveDefinition.inputPort,
          inputColumns: predictiveDefinition.inputColumns,
        },
        check: stage.check,
        endpoints: staged.map((m) => m.endpoint),
        keys: pulumi.secret(
          pulumi.all(
            Object.fromEntries(stage.endpoints.map((name, k) => [name, staged[k].key])),
          ) as pulumi.Output<Record<string, string>>,
        ),
        ...(stage.endpoints.some((n) => n !== DEFAULT_ENDPOINT) && target.workspaceToken
          ? { workspaceToken: target.workspaceToken }
          : {}),
        ...(stage.endpoints.includes(DEFAULT_ENDPOINT) && target.armToken
          ? { armToken: target.armToken }
          : {}),
        storageConnectionString: storage.connectionString,
      }),
    );
  });
  const served = predictive!;

  // ---- Stack outputs ------------------------------------------------------------------------------
  return {
    /** The version the predictive service serves. */
    servedVersion: model.version,
    /** The served model's evaluation metrics (Evaluate Model captions). */
    metrics: model.metrics,
    /** Whether this version's model was reused (rollback) rather than trained. */
    reused: model.reused,
    /** The BES job that trained the served model. */
    trainingJobId: model.jobId,
    /** The promotion gate's verdict for the served model. */
    gate: model.gateSummary,
    /** Execution URL of the predictive service (RRS `/execute`, BES `/jobs`). */
    predictiveUrl: served.executionUrl,
    /** Primary key of the predictive service, for RRS/BES calls (secret). */
    predictiveKey: served.primaryKey,
    /** Classic endpoints: execution URL and served version. */
    endpoints: endpointOutputs,
    /** Full URL of the served model with a read SAS (secret). */
    modelLocation: pulumi.secret(
      pulumi.all([model.model, model.modelSasToken]).apply(([m, sas]) => `${m!.uri}${sas}`),
    ),
  };
}
