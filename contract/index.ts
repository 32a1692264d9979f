/**
 * The wire contract of the Azure ML Studio (classic) HTTP surfaces, shared by the product's
 * clients (what the providers send) and the emulator (what it accepts and answers), so both sides
 * compile against one definition. Types and constants only: nothing here does I/O.
 *
 * The emulator deliberately parses some things on its own instead of sharing client code
 * (connection strings, SAS redaction): see `docs/contracts.md`, "What each side parses".
 */
export * from "./arm";
export * from "./errors";
export * from "./execution";
export * from "./management";
export * from "./v2";
