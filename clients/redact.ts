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
    if (secret && secret.length >= 8) out = out.split(secret).join("***");
  }
  return out;
}
