/**
 * `npm run emulators`: Azurite (blob storage) and the Azure ML Studio (classic) emulator in the
 * foreground, on the fixed ports the `local` stack expects, with data kept in the project
 * (`.azurite/`, `.azureml-emulator/`) so services, models and jobs survive a restart.
 * Ctrl-C stops both cleanly (the emulator marks running jobs Failed; Azurite flushes its metadata).
 */
// First: on an old Node, stop with how to get Node 22 (before any import can fail).
import "./check-node.cjs";
import { Command } from "commander";
import { startEmulator } from "../emulator";
import { startAzurite } from "./azurite";

async function main(): Promise<void> {
  const program = new Command("emulators")
    .description("Start Azurite and the Azure ML Studio (classic) emulator for the local stack")
    .option(
      "--azurite-port <port>",
      "Azurite blob port",
      (v) => Number(v),
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
      (v) => Number(v),
      Number(process.env.AZUREML_EMULATOR_PORT ?? 9700),
    )
    .option(
      "--emulator-location <dir>",
      "emulator data folder",
      process.env.AZUREML_EMULATOR_LOCATION ?? ".azureml-emulator",
    )
    .parse();
  const options = program.opts<{
    azuritePort: number;
    azuriteLocation: string;
    emulatorPort: number;
    emulatorLocation: string;
  }>();

  const azurite = await startAzurite({
    port: options.azuritePort,
    location: options.azuriteLocation,
  });
  console.log(
    `azurite: blob service ${azurite.blobEndpoint} (account devstoreaccount1, data in ${options.azuriteLocation})`,
  );
  const emulator = await startEmulator({
    port: options.emulatorPort,
    location: options.emulatorLocation,
    storage: `http://127.0.0.1:${azurite.port}`,
  }).catch(async (e: unknown) => {
    await azurite.stop();
    throw e;
  });
  console.log("ready: run `pulumi up -s local` in another terminal; Ctrl-C stops both emulators");

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the emulator and Azurite`);
    await emulator.close();
    await azurite.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e: unknown) => {
  console.error(`emulators: ${(e as Error).message}`);
  process.exit(1);
});
