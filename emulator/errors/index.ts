/** The emulator's errors: hierarchy, factory and engine-error mapping. */
export * from "./httpError";
export * from "./errorFactory";
export * from "./engineErrors";
