/** Configuration: defaults, validation, and the command line with its environment variables. */
import { expect } from "chai";
import * as path from "node:path";
import { resolveConfig } from "../../../emulator/config";
import {
  DEFAULT_HOST,
  DEFAULT_MAX_RUNNING_JOBS,
  DEFAULT_PORT,
  DEFAULT_STORAGE,
} from "../../../emulator/constants";
import { buildCommand, parseOptions } from "../../../emulator/main";
import { withEmulatorEnv } from "./emulatorEnv";

describe("emulator configuration", function () {
  it("applies the named defaults and freezes the result", function () {
    const config = resolveConfig({});
    expect(config.host).to.equal(DEFAULT_HOST);
    expect(config.host, "loopback by default").to.equal("127.0.0.1");
    expect(config.port).to.equal(DEFAULT_PORT);
    expect(config.storage).to.equal(DEFAULT_STORAGE);
    expect(config.location).to.equal(path.resolve(".azureml-emulator"));
    expect(config.maxRunningJobs).to.equal(DEFAULT_MAX_RUNNING_JOBS);
    expect(config.statusCodeFormat).to.equal("name");
    expect(config.strict).to.equal(false);
    expect(Object.isFrozen(config)).to.equal(true);
  });

  it("rejects invalid options, naming them", function () {
    expect(() => resolveConfig({ port: 70000 })).to.throw(/port/);
    expect(() => resolveConfig({ port: -1 })).to.throw(/port/);
    expect(() => resolveConfig({ statusCodeFormat: "text" as "name" })).to.throw(
      /statusCodeFormat/,
    );
    expect(() => resolveConfig({ storage: "127.0.0.1:10000" })).to.throw(/storage/);
    expect(() => resolveConfig({ maxRunningJobs: 0 })).to.throw(/maxRunningJobs/);
    expect(() => resolveConfig({ armToken: " " })).to.throw(/armToken/);
    expect(resolveConfig({ storage: "http://127.0.0.1:10000/" }).storage).to.equal(
      "http://127.0.0.1:10000",
    );
  });

  it("reads every flag", function () {
    const options = withEmulatorEnv({}, () =>
      parseOptions([
        "node",
        "azureml-emulator",
        "--host",
        "::1",
        "--port",
        "0",
        "--location",
        "/tmp/x",
        "--arm-token",
        "a",
        "--workspace-token",
        "w",
        "--storage",
        "http://127.0.0.1:1",
        "--strict",
        "--status-code-format",
        "int",
        "--swap-delay-ms",
        "30000",
        "--provisioning-delay-ms",
        "5",
        "--max-running-jobs",
        "3",
        "--max-body-bytes",
        "100",
        "--max-rrs-body-bytes",
        "50",
        "--list-page-size",
        "7",
        "--log-level",
        "debug",
      ]),
    );
    expect(options).to.deep.equal({
      host: "::1",
      port: 0,
      location: "/tmp/x",
      armToken: "a",
      workspaceToken: "w",
      storage: "http://127.0.0.1:1",
      strict: true,
      statusCodeFormat: "int",
      swapDelayMs: 30000,
      provisioningDelayMs: 5,
      maxRunningJobs: 3,
      maxBodyBytes: 100,
      maxRrsBodyBytes: 50,
      listPageSize: 7,
      logLevel: "debug",
    });
  });

  it("reads the environment variables, flags winning", function () {
    const before = process.env.AZUREML_EMULATOR_HOST;
    withEmulatorEnv(
      {
        PORT: "1234",
        HOST: "127.0.0.2",
        STATUS_CODE_FORMAT: "int",
        ARM_TOKEN: "env-token",
        STRICT: "false",
      },
      () => {
        const options = parseOptions(["node", "x", "--port", "0"]);
        expect(options.port, "the flag wins").to.equal(0);
        expect(options.host).to.equal("127.0.0.2");
        expect(options.statusCodeFormat).to.equal("int");
        expect(options.armToken).to.equal("env-token");
        expect(options.strict, "STRICT=false means false").to.equal(false);
      },
    );
    withEmulatorEnv({ PORT: "1234", SWAP_DELAY_MS: "250", STRICT: "true" }, () => {
      const options = parseOptions(["node", "x"]);
      expect(options.strict).to.equal(true);
      expect(options.port, "a number, parsed from the variable").to.equal(1234);
      expect(options.swapDelayMs).to.equal(250);
    });
    withEmulatorEnv({ PORT: "abc" }, () => {
      expect(
        () =>
          buildCommand()
            .exitOverride()
            .configureOutput({ writeErr: () => undefined })
            .parse(["node", "x"]),
        "a variable's value is checked like the flag's",
      ).to.throw(/AZUREML_EMULATOR_PORT.*non-negative integer/);
    });
    expect(process.env.AZUREML_EMULATOR_HOST, "the environment is put back").to.equal(before);
  });

  it("documents each option with its environment variable in --help", function () {
    const help = buildCommand().helpInformation();
    for (const name of [
      "HOST",
      "PORT",
      "LOCATION",
      "ARM_TOKEN",
      "WORKSPACE_TOKEN",
      "STORAGE",
      "STRICT",
      "STATUS_CODE_FORMAT",
      "SWAP_DELAY_MS",
      "LOG_LEVEL",
    ]) {
      expect(help, name).to.include(`AZUREML_EMULATOR_${name}`);
    }
  });
});
