/** The components and dynamic resources the program is made of. */
export * from "./classic";
export * from "./definition";
export * from "./retrain/metrics";
export * from "./retrain/provider";
export type * from "./retrain/types";
export * from "./storage";
export * from "./webService";
