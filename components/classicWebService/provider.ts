/**
 * The `ClassicWebService` provider: references an existing classic predictive web service, or
 * publishes one through the emulator's admin route (Studio's "deploy" button on Azure), and
 * reports its default endpoint.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ClassicManagementClient, type ClassicServiceRef } from "../../clients/classic";
import { parseConnectionString } from "../../clients/storage";
import { progress } from "../shared/progress";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { locationWithFreshSas } from "../shared/sas";
import {
  checkClassicWebService,
  definitionSha256,
  diffClassicWebService,
  replacingFields,
  trainedModelResourceName,
} from "./logic";
import type { ClassicWebServiceInputs, ClassicWebServiceOutputs } from "./types";

function serviceRef(i: ClassicWebServiceInputs): ClassicServiceRef {
  return { endpoint: i.endpoint, workspaceId: i.workspaceId, webServiceId: i.webServiceId };
}

const log = (inputs: ClassicWebServiceInputs, line: string): void =>
  progress("ClassicWebService", inputs.webServiceId, line);

async function publish(
  inputs: ClassicWebServiceInputs,
  client: ClassicManagementClient,
): Promise<void> {
  if (!inputs.definition) throw new Error("publish mode needs a definition");
  const resources =
    inputs.trainedModel && inputs.storageConnectionString
      ? [
          {
            Name: inputs.resourceName ?? trainedModelResourceName(inputs.definition),
            Location: locationWithFreshSas(inputs.trainedModel, inputs.storageConnectionString),
          },
          // The transformations trained with the model go with it.
          ...Object.entries(inputs.trainedTransforms ?? {}).map(([name, ref]) => ({
            Name: name,
            Location: locationWithFreshSas(ref, inputs.storageConnectionString!),
          })),
        ]
      : undefined;
  const connection = inputs.storageConnectionString
    ? parseConnectionString(inputs.storageConnectionString)
    : undefined;
  await client.publishWebService(serviceRef(inputs), {
    Name: inputs.name ?? inputs.webServiceId,
    ...(inputs.description ? { Description: inputs.description } : {}),
    Properties: inputs.definition,
    ...(connection
      ? { StorageAccount: { name: connection.accountName, key: connection.accountKey } }
      : {}),
    ...(resources ? { Resources: resources } : {}),
  });
}

async function describeClassicService(
  inputs: ClassicWebServiceInputs,
  client: ClassicManagementClient,
): Promise<ClassicWebServiceOutputs> {
  const ref = serviceRef(inputs);
  const service = await client.getWebService(ref);
  if (!service) {
    throw new Error(
      `classic web service ${inputs.webServiceId} is not in workspace ${inputs.workspaceId}` +
        (inputs.mode === "reference"
          ? ": classic services cannot be created any more; reference an existing one"
          : ""),
    );
  }
  const defaultEndpoint = await client.getEndpoint(ref, service.DefaultEndpointName);
  if (!defaultEndpoint)
    throw new Error(
      `the default endpoint "${service.DefaultEndpointName}" of ${inputs.webServiceId} is missing`,
    );
  return {
    ...inputs,
    defaultEndpointName: service.DefaultEndpointName,
    defaultApiLocation: defaultEndpoint.ApiLocation,
    defaultPrimaryKey: defaultEndpoint.PrimaryKey,
    resourceNames: defaultEndpoint.Resources.map((r) => r.Name),
  };
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const failures = checkClassicWebService(news, olds);
    const replacing = replacingFields(olds, news);
    if (failures.length === 0 && replacing.length > 0) {
      log(
        news as unknown as ClassicWebServiceInputs,
        `WARNING: ${replacing.join(", ")} changed: the service is replaced, every endpoint under it is deleted and created again, and each consumer gets new keys`,
      );
    }
    const sha = definitionSha256(news);
    return { inputs: sha ? { ...news, definitionSha256: sha } : news, failures };
  },

  async diff(_id: string, olds: ClassicWebServiceOutputs, news: ClassicWebServiceInputs) {
    const { changes, replaces, deleteBeforeReplace } = diffClassicWebService(olds, news);
    return { changes, replaces, deleteBeforeReplace };
  },

  async create(inputs: ClassicWebServiceInputs) {
    const client = new ClassicManagementClient(inputs.token);
    if (inputs.mode === "publish") {
      log(inputs, "publishing through the emulator's admin route");
      await publish(inputs, client);
    }
    const outs = await describeClassicService(inputs, client);
    return { id: `${inputs.workspaceId}/${inputs.webServiceId}`, outs };
  },

  async update(_id: string, _olds: ClassicWebServiceOutputs, news: ClassicWebServiceInputs) {
    const client = new ClassicManagementClient(news.token);
    if (news.mode === "publish") {
      log(news, "republishing");
      await publish(news, client);
    }
    return { outs: await describeClassicService(news, client) };
  },

  async read(id: string, props: ClassicWebServiceOutputs) {
    const client = new ClassicManagementClient(props.token);
    if (!(await client.getWebService(serviceRef(props)))) return { id: "", props: {} };
    return { id, props: await describeClassicService(props, client) };
  },

  async delete(_id: string, props: ClassicWebServiceOutputs) {
    if (props.mode !== "publish") return; // a referenced service is not ours to delete
    await new ClassicManagementClient(props.token).deleteWebService(serviceRef(props));
    log(props, "deleted");
  },
};

/** Provider of `ClassicWebService`. */
export const classicWebServiceProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [
    p.token as string | undefined,
    p.storageConnectionString as string | undefined,
  ]),
);
