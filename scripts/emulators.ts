/**
 * `npm run emulators`: Azurite (blob storage) and the Azure ML Studio (classic) emulator in the
 * foreground, on the fixed ports the `local` stack expects, with data kept in the project
 * (`.azurite/`, `.azureml-emulator/`) so services, models and jobs survive a restart. It prints
 * where everything is (URLs, the tokens' file, a curl to try).
 *
 * However it is stopped, it stops both (the emulator marks running jobs Failed; Azurite flushes
 * its metadata): SIGINT (Ctrl-C), SIGTERM or SIGHUP to this process or to the `npm` that started
 * it. npm passes SIGTERM and SIGINT to the shell it runs the script in, and a shell does not pass
 * them on (dash dies on SIGTERM and ignores SIGINT while it waits), so the npm script `exec`s
 * node in place of that shell: npm's signals reach this process, and npm exits only once both
 * are stopped. A parent that dies without a word (SIGKILL to npm) is caught by watching it.
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "../bin/check-node.cjs";
import * as path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { startEmulator, type EmulatorHandle } from "../emulator";
import { addressInUseHint } from "../emulator/main";
import { startAzurite, type AzuriteHandle } from "./azurite";
import { publishSamples, SAMPLES_RESOURCE_GROUP } from "./samples";

/** The subscription and resource group the local stack puts its ARM services in (`index.ts`). */
const LOCAL_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const LOCAL_RESOURCE_GROUP = "local";

/** How often the parent is looked at; a parent gone is noticed within this time. */
const PARENT_POLL_MS = 250;

/** Azurite's own stop gives up after 10 s (SIGTERM, then SIGKILL); this is the last resort. */
const STOP_DEADLINE_MS = 20_000;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError("expected a port number (0 picks a free one)");
  return n;
}

/** A path as a person would type it from here: relative when it is under the current folder. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/** A word for a POSIX shell. */
function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * What is printed once both listen: where each service is, where the tokens are (never the
 * tokens), and a curl that lists the local stack's web services.
 */
function readyLines(
  azurite: AzuriteHandle,
  azuriteData: string,
  emulator: EmulatorHandle,
  samples: boolean,
): string[] {
  const credentials = shown(emulator.credentials.file);
  const listOf = (group: string): string =>
    `${emulator.url}/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/${group}` +
    "/providers/Microsoft.MachineLearning/webServices?api-version=2017-01-01";
  const list = listOf(LOCAL_RESOURCE_GROUP);
  return [
    "",
    `Azurite (blob storage)   ${azurite.blobEndpoint}   data in ${shown(azuriteData)}`,
    `Azure ML emulator        ${emulator.url}   data in ${shown(emulator.location)}`,
    `  ARM webServices        ${emulator.surfaces.arm}`,
    `  classic management     ${emulator.surfaces.classic}`,
    "  execution (BES, RRS)   each ARM service's swaggerLocation, each endpoint's ApiLocation",
    `Tokens                   ${credentials} (armToken: ARM; workspaceToken: classic, admin)`,
    `Portal                   ${emulator.portalLink} (signs in once)`,
    "",
    "Try it (lists the local stack's web services: none until `pulumi up -s local`):",
    `  TOKEN=$(node -p 'JSON.parse(fs.readFileSync(process.argv[1])).armToken' ${shellWord(credentials)})`,
    `  curl -s -H "Authorization: Bearer $TOKEN" '${list}'`,
    ...(samples
      ? [
          "  # the samples (their models, metrics, Test and Consume pages: in the portal)",
          `  curl -s -H "Authorization: Bearer $TOKEN" '${listOf(SAMPLES_RESOURCE_GROUP)}'`,
        ]
      : []),
    "",
    "Ready: run `pulumi up -s local` in another terminal. Ctrl-C stops both.",
  ];
}

async function main(): Promise<void> {
  const program = new Command("emulators")
    .description("Start Azurite and the Azure ML Studio (classic) emulator for the local stack")
    .option(
      "--azurite-port <port>",
      "Azurite blob port",
      port,
      Number(process.env.AZURITE_PORT ?? 10000),
    )
    .option(
      "--azurite-location <dir>",
      "Azurite data folder",
      process.env.AZURITE_LOCATION ?? ".azurite",
    )
    .option(
      "--emulator-port <port>",
      "emulator port",
      port,
      Number(process.env.AZUREML_EMULATOR_PORT ?? 9700),
    )
    .option(
      "--emulator-location <dir>",
      "emulator data folder",
      process.env.AZUREML_EMULATOR_LOCATION ?? ".azureml-emulator",
    )
    .option(
      "--with-samples",
      "publish the sample services (resource group and workspace `samples`) and train their first models",
    )
    .parse();
  const options = program.opts<{
    azuritePort: number;
    azuriteLocation: string;
    emulatorPort: number;
    emulatorLocation: string;
    withSamples?: boolean;
  }>();

  // A log line must not kill the shutdown when whoever read the output is gone.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }

  const azurite = await startAzurite({
    port: options.azuritePort,
    location: options.azuriteLocation,
  }).catch((e: unknown) => {
    const hint = addressInUseHint(e, {
      what: "Azurite",
      host: "127.0.0.1",
      port: options.azuritePort,
      flag: "--azurite-port",
    });
    throw hint ? new Error(hint) : e;
  });
  let emulator: EmulatorHandle;
  try {
    emulator = await startEmulator({
      port: options.emulatorPort,
      location: options.emulatorLocation,
      storage: `http://127.0.0.1:${azurite.port}`,
      printStartup: false,
    });
  } catch (e) {
    await azurite.stop();
    const hint = addressInUseHint(e, {
      what: "the emulator",
      host: "127.0.0.1",
      port: options.emulatorPort,
      flag: "--emulator-port",
    });
    throw hint ? new Error(hint) : e;
  }

  let stopping = false;
  const stop = async (reason: string): Promise<void> => {
    // Ctrl-C in a terminal reaches this process twice (from the terminal and from npm): the
    // first one stops everything, the others wait for it.
    if (stopping) return;
    stopping = true;
    clearInterval(parentWatch);
    // Both stop in seconds; should either hang, do not keep the terminal (or a supervisor).
    setTimeout(() => {
      console.error(`emulators: not stopped after ${STOP_DEADLINE_MS / 1000} s: killing Azurite`);
      azurite.process.kill("SIGKILL");
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    console.log(`\n${reason}: stopping the emulator and Azurite`);
    let failed = false;
    await emulator.close().catch((e: unknown) => {
      failed = true;
      console.error(`emulators: the emulator did not stop cleanly: ${(e as Error).message}`);
    });
    await azurite.stop();
    console.log("stopped");
    process.exit(failed ? 1 : 0);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => void stop(signal));
  }
  const parent = process.ppid;
  const parentWatch = setInterval(() => {
    if (process.ppid !== parent) void stop(`the parent process (${parent}) exited`);
  }, PARENT_POLL_MS);

  let samples = false;
  if (options.withSamples) {
    // The emulators stay useful without the samples: a failure is said, not fatal.
    samples = await publishSamples({
      emulatorUrl: emulator.url,
      armToken: emulator.credentials.armToken,
      workspaceToken: emulator.credentials.workspaceToken,
      connectionString: azurite.connectionString,
      log: (line) => console.log(line),
    }).then(
      () => true,
      (e: unknown) => {
        console.error(`samples: not published: ${(e as Error).message}`);
        return false;
      },
    );
  }
  for (const line of readyLines(azurite, options.azuriteLocation, emulator, samples))
    console.log(line);
}

main().catch((e: unknown) => {
  console.error(`emulators: ${(e as Error).message}`);
  process.exit(1);
});
