/**
 * The emulator's only way to write a log line. Every line passes through {@link redact}, so a
 * key, token, account key or SAS signature that slips into a message is masked before it leaves
 * the process (a test scans the emulator's logs for secrets). Callers still never pass headers or
 * request bodies: redaction is the safety net, not the plan.
 */
import type { EmulatorConfig, LogLevel } from "./config";

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, info: 2, debug: 3 };

/** Secrets known by value (keys and tokens the emulator handed out), masked wherever they appear. */
const knownSecrets = new Set<string>();

/**
 * Registers a secret value so that {@link redact} masks it even where no pattern would catch it.
 * @param value - a key or token; values shorter than 8 characters are ignored (too many false hits)
 */
export function registerSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= 8) knownSecrets.add(value);
}

/**
 * Masks secrets in a line of text: SAS signatures (`sig=`), account keys (`AccountKey=`), bearer
 * tokens, shared-key headers, and any value registered with {@link registerSecret}.
 * @param text - the text to clean
 */
export function redact(text: string): string {
  let out = text
    .replace(/([?&;\s"']sig=)[^&\s"';]+/gi, "$1***")
    .replace(/(^sig=)[^&\s"';]+/gi, "$1***")
    .replace(/(AccountKey=)[^;\s"']+/gi, "$1***")
    .replace(/(Bearer\s+)[^\s"',]+/gi, "$1***")
    .replace(/(SharedKey\s+[^:\s]+:)[^\s"',]+/gi, "$1***");
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join("***");
  }
  return out;
}

/** A leveled logger whose lines are already redacted. */
export interface Logger {
  /** Something failed; written to stderr by default. */
  error(message: string): void;
  /** Startup, requests, job transitions. */
  info(message: string): void;
  /** Job progress and internals. */
  debug(message: string): void;
  /**
   * Whether lines of a level are written (to skip building a line nobody will see).
   * @param level - the level
   */
  enabled(level: Exclude<LogLevel, "silent">): boolean;
}

/**
 * Builds the logger from the configuration.
 * @param config - log level and optional sink
 */
export function createLogger(config: Pick<EmulatorConfig, "logLevel" | "logSink">): Logger {
  const limit = RANK[config.logLevel];
  const enabled = (level: Exclude<LogLevel, "silent">): boolean => RANK[level] <= limit;
  const write = (level: Exclude<LogLevel, "silent">, message: string): void => {
    if (!enabled(level)) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${redact(message)}`;
    if (config.logSink) config.logSink(line, level);
    else if (level === "error") process.stderr.write(line + "\n");
    else process.stdout.write(line + "\n");
  };
  return {
    error: (message) => write("error", message),
    info: (message) => write("info", message),
    debug: (message) => write("debug", message),
    enabled,
  };
}
