/** Configuration: defaults, validation, and the command line with its environment variables. */
import assert from "node:assert/strict";
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
    assert.equal(config.host, DEFAULT_HOST);
    assert.equal(config.host, "127.0.0.1", "loopback by default");
    assert.equal(config.port, DEFAULT_PORT);
    assert.equal(config.storage, DEFAULT_STORAGE);
    assert.equal(config.location, path.resolve(".azureml-emulator"));
    assert.equal(config.maxRunningJobs, DEFAULT_MAX_RUNNING_JOBS);
    assert.equal(config.statusCodeFormat, "name");
    assert.equal(config.strict, false);
    assert.ok(Object.isFrozen(config));
  });

  it("rejects invalid options, naming them", function () {
    assert.throws(() => resolveConfig({ port: 70000 }), /port/);
    assert.throws(() => resolveConfig({ port: -1 }), /port/);
    assert.throws(() => resolveConfig({ statusCodeFormat: "text" as "name" }), /statusCodeFormat/);
    assert.throws(() => resolveConfig({ storage: "127.0.0.1:10000" }), /storage/);
    assert.throws(() => resolveConfig({ maxRunningJobs: 0 }), /maxRunningJobs/);
    assert.throws(() => resolveConfig({ armToken: " " }), /armToken/);
    assert.equal(
      resolveConfig({ storage: "http://127.0.0.1:10000/" }).storage,
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
    assert.deepEqual(options, {
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
        assert.equal(options.port, 0, "the flag wins");
        assert.equal(options.host, "127.0.0.2");
        assert.equal(options.statusCodeFormat, "int");
        assert.equal(options.armToken, "env-token");
        assert.equal(options.strict, false, "STRICT=false means false");
      },
    );
    withEmulatorEnv({ PORT: "1234", SWAP_DELAY_MS: "250", STRICT: "true" }, () => {
      const options = parseOptions(["node", "x"]);
      assert.equal(options.strict, true);
      assert.strictEqual(options.port, 1234, "a number, parsed from the variable");
      assert.strictEqual(options.swapDelayMs, 250);
    });
    withEmulatorEnv({ PORT: "abc" }, () => {
      assert.throws(
        () =>
          buildCommand()
            .exitOverride()
            .configureOutput({ writeErr: () => undefined })
            .parse(["node", "x"]),
        /AZUREML_EMULATOR_PORT.*non-negative integer/,
        "a variable's value is checked like the flag's",
      );
    });
    assert.equal(process.env.AZUREML_EMULATOR_HOST, before, "the environment is put back");
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
      assert.ok(help.includes(`AZUREML_EMULATOR_${name}`), name);
    }
  });
});
