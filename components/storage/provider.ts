/**
 * The `LocalContainers` provider: creates the Azurite containers that are missing and, on delete,
 * removes only the containers it created, so data it found there is never touched.
 */
import type * as pulumi from "@pulumi/pulumi";
import { blobService, parseConnectionString } from "../../clients/storage";
import { redactingProvider } from "../shared/redaction";
import { compactResults } from "../shared/results";
import { checkLocalContainers, declaredAccount, diffLocalContainers } from "./logic";
import type { LocalContainersInputs, LocalContainersOutputs } from "./types";

async function ensureContainers(
  inputs: LocalContainersInputs,
  alreadyCreated: string[],
): Promise<LocalContainersOutputs> {
  const service = blobService(inputs.connectionString);
  const created = alreadyCreated.filter((c) => inputs.containers.includes(c));
  for (const name of inputs.containers) {
    const result = await service.getContainerClient(name).createIfNotExists();
    if (result.succeeded && !created.includes(name)) created.push(name);
  }
  const info = parseConnectionString(inputs.connectionString);
  return {
    ...inputs,
    createdContainers: created,
    accountName: info.accountName,
    blobEndpoint: info.blobEndpoint,
  };
}

const methods: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Record<string, unknown>, news: Record<string, unknown>) {
    return { inputs: { ...news, ...declaredAccount(news) }, failures: checkLocalContainers(news) };
  },

  async diff(_id: string, olds: LocalContainersOutputs, news: LocalContainersInputs) {
    return diffLocalContainers(olds, news);
  },

  async create(inputs: LocalContainersInputs) {
    const outs = await ensureContainers(inputs, []);
    return { id: `${outs.accountName}:${inputs.containers.join(",")}`, outs };
  },

  async update(_id: string, olds: LocalContainersOutputs, news: LocalContainersInputs) {
    // Containers dropped from the list are kept: they may hold models a rollback needs.
    return { outs: await ensureContainers(news, olds.createdContainers ?? []) };
  },

  async read(id: string, props: LocalContainersOutputs) {
    const service = blobService(props.connectionString);
    const present: string[] = [];
    for (const name of props.containers)
      if (await service.getContainerClient(name).exists()) present.push(name);
    // Missing containers show as a change of `containers`, so the next up creates them again.
    return {
      id,
      props: {
        ...props,
        containers: present,
        createdContainers: props.createdContainers.filter((c) => present.includes(c)),
      },
    };
  },

  async delete(_id: string, props: LocalContainersOutputs) {
    const service = blobService(props.connectionString);
    for (const name of props.createdContainers ?? [])
      await service.getContainerClient(name).deleteIfExists();
  },
};

/** Provider of `LocalContainers`. */
export const localContainersProvider: pulumi.dynamic.ResourceProvider = compactResults(
  redactingProvider(methods, (p) => [p.connectionString as string | undefined]),
);
