/**
 * Progress lines of the providers. The engine forwards a provider's stdout to the CLI, so one
 * line per step of the work shows in `pulumi up`. Lines are built from names, sizes, states and
 * metric values only: never a key, token or SAS.
 */

/** Writes one progress line unless `AZUREML_RETRAIN_LOG=silent` (tests). Never pass secrets. */
export function progress(kind: string, name: string, line: string): void {
  if (process.env.AZUREML_RETRAIN_LOG !== "silent") console.log(`[${kind} ${name}] ${line}`);
}
