/**
 * Redaction of secrets from text that may reach a log, an error message or a PR comment.
 * Shapes covered: SAS signatures (`sig=`), storage keys in connection strings (`AccountKey=`),
 * bearer tokens, and any literal secret value the caller knows about.
 */

/** Replaces SAS signatures, account keys and bearer tokens in `text` with `***`. */
export function redactSecrets(
  text: string,
  knownSecrets: readonly (string | undefined)[] = [],
): string {
  let out = text
    .replace(/([?&]sig=)[^&\s"']+/gi, "$1***")
    .replace(/(AccountKey=)[^;\s"']+/gi, "$1***")
    .replace(/(SharedAccessSignature=)[^;\s"']+/gi, "$1***")
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, "$1***");
  for (const secret of knownSecrets) {
    // A connection string's account key is a secret on its own (a SharedKey error can echo it).
    const accountKey = secret ? /AccountKey=([^;]+)/i.exec(secret)?.[1] : undefined;
    for (const value of [secret, accountKey]) {
      if (value && value.length >= 8) out = out.split(value).join("***");
    }
  }
  return out;
}

/**
 * Runs `work`; an error it throws leaves with `knownSecrets` (and the patterns above) redacted
 * from its message. Every provider method runs through this: service answers can echo requests.
 */
export async function redactingErrors<T>(
  knownSecrets: readonly (string | undefined)[],
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Error) e.message = redactSecrets(e.message, knownSecrets);
    throw e;
  }
}
