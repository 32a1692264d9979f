/**
 * Runs a Pulumi program in this process under the SDK's mocks, handing each resource
 * registration to the engine double (the language host's part of `pulumi up`): the program is
 * required afresh, its config set as the CLI sets it, and the run lasts until no registration is
 * in flight and nothing happened for a while; then the stack outputs are read.
 */
import * as pulumi from "@pulumi/pulumi";
import { onRegisterResource, type RegisterResourceRequest } from "./monitor";
import { isSecret, plain, type Props } from "./secrets";

/** A registration: the request the engine sees, and the inputs as the mocks deserialized them. */
export interface Registration extends RegisterResourceRequest {
  readonly inputs: Props;
}

/** How the engine answers a registration: the resource's id and state (outputs). */
export interface RegistrationAnswer {
  readonly id: string;
  readonly state: Props;
}

/** The program's identity and source. */
export interface ProgramOptions {
  readonly project: string;
  readonly stack: string;
  /** Absolute path of the program (required afresh for every run). */
  readonly program: string;
  /** Files to drop from the require cache before each run (the program and its config module). */
  readonly reload: readonly string[];
}

/** What a program run left: its stack outputs, which are secret, and an error it threw. */
export interface ProgramResult {
  readonly outputs: Record<string, unknown>;
  readonly secretOutputs: string[];
  readonly programError?: Error;
}

/**
 * Runs the program with `config` (values by key without the project prefix; secrets as the SDK
 * marks them), `preview` as the dry-run flag, and `onRegister` answering each registration.
 */
export async function runProgram(
  options: ProgramOptions,
  config: Record<string, unknown>,
  preview: boolean,
  onRegister: (registration: Registration) => Promise<RegistrationAnswer>,
): Promise<ProgramResult> {
  const requests = new Map<string, RegisterResourceRequest>();
  const stopListening = onRegisterResource((r) => requests.set(`${r.type}::${r.name}`, r));
  let inFlight = 0;
  let activity = 0;
  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        inFlight++;
        activity++;
        try {
          const request = requests.get(`${args.type}::${args.name}`);
          if (!request)
            throw new Error(`no registration request seen for ${args.type}::${args.name}`);
          return await onRegister({ ...request, inputs: args.inputs as Props });
        } finally {
          inFlight--;
          activity++;
        }
      },
      call: () => ({}),
    },
    options.project,
    options.stack,
    preview,
  );
  const secretKeys = Object.entries(config)
    .filter(([, v]) => isSecret(v))
    .map(([k]) => `${options.project}:${k}`);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(
      Object.entries(config).map(([k, v]) => {
        const value = plain(v);
        return [
          `${options.project}:${k}`,
          typeof value === "string" ? value : JSON.stringify(value),
        ];
      }),
    ),
    secretKeys,
  );
  for (const file of options.reload) delete require.cache[file];
  // A failed registration rejects promises nobody awaits (the dependents' inputs); the engine
  // reports the failure once, so those echoes are swallowed while the program runs.
  const swallow = (): void => undefined;
  process.on("unhandledRejection", swallow);
  process.on("rejectionHandled", swallow);
  let programError: Error | undefined;
  let exports: Record<string, unknown> = {};
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(options.program) as Record<string, unknown>;
  } catch (e) {
    programError = e as Error;
  }
  // Quiet = nothing in flight and no activity for 300 ms.
  for (let quiet = 0, seen = -1; quiet < 6;) {
    await new Promise((r) => setTimeout(r, 50));
    if (inFlight === 0 && seen === activity) quiet++;
    else quiet = 0;
    seen = activity;
  }
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  if (!programError) {
    for (const [name, value] of Object.entries(exports)) {
      const output = pulumi.output(value as pulumi.Input<unknown>) as pulumi.Output<unknown>;
      const resolved = await Promise.race([
        new Promise((r) => output.apply((v: unknown) => r({ v }))),
        new Promise((r) => setTimeout(() => r(undefined), 200)),
      ]);
      if (resolved) {
        outputs[name] = (resolved as { v: unknown }).v;
        if (await pulumi.isSecret(output)) secretOutputs.push(name);
      }
    }
  }
  process.removeListener("unhandledRejection", swallow);
  process.removeListener("rejectionHandled", swallow);
  stopListening();
  return { outputs, secretOutputs, ...(programError ? { programError } : {}) };
}
