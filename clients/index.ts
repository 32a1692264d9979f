/** Typed clients of the Azure ML Studio (classic) surfaces and of blob storage. */
export * from "./arm";
export * from "./bes";
export * from "./errors";
export * from "./classic";
export * from "./http";
export * from "./redact";
export * from "./rrs";
export * from "./storage";
export type * from "../contract";
