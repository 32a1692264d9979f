/** The emulator's public entry points. */
export { startEmulator, startupLines } from "./startEmulator";
export type { EmulatorHandle, EmulatorSurfaces } from "./startEmulator";
export { resolveConfig } from "./config";
export type { EmulatorOptions, EmulatorConfig, StatusCodeFormat, LogLevel } from "./config";
export { createApp } from "./app";
export type { AppDependencies } from "./app";
export type { RequestInterceptor } from "./requestContext";
export { EmulatorServer } from "./server";
