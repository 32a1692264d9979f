/**
 * Secrets as the SDK marks them and as the checkpoint stores them. The SDK wraps a secret value
 * in an object under a signature key (`runtime/rpc.js`); the engine keeps the secret bit per
 * property, hands providers that do not accept secrets (dynamic providers) the plain values, and
 * writes secret values to the checkpoint encrypted. The passphrase secrets provider derives a
 * key from the passphrase with scrypt and seals each value with AES-256-GCM; this does the same
 * (the ciphertext is not byte-compatible with Pulumi's, the size and the shape are).
 */
import * as crypto from "node:crypto";

/** The key under which the SDK marks a secret value (`runtime/rpc.js`, `specialSigKey`). */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** The value under {@link SECRET_SIG} that marks a secret (`specialSecretSig`). */
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
/** The value Pulumi passes for values not known yet during a preview (`unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Property bags, as providers see them. */
export type Props = Record<string, unknown>;

/** True when `v` is a secret as the SDK marks it. */
export function isSecret(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Props)[SECRET_SIG] === SECRET_VALUE;
}

/**
 * Unwraps secrets at any depth, and turns the mocks' unknown marker into the sentinel string the
 * engine sends providers for values not known during a preview.
 */
export function plain(v: unknown): unknown {
  if (isSecret(v)) return plain(v.value);
  if (v && typeof v === "object" && (v as Props).__pulumiUnknown === true) return UNKNOWN;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** True when `v` is or holds a secret. */
export function containsSecret(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v && typeof v === "object") return Object.values(v).some(containsSecret);
  return false;
}

/** Splits registration inputs into plain values and the top-level keys that carried secrets. */
export function splitSecrets(inputs: Props): { values: Props; secretKeys: string[] } {
  const values: Props = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(inputs)) {
    if (v === undefined) continue;
    values[k] = plain(v);
    if (containsSecret(v)) secretKeys.push(k);
  }
  return { values, secretKeys };
}

/** `props` with the values of `secretKeys` wrapped as secrets, for the SDK. */
export function markSecrets(props: Props, secretKeys: readonly string[]): Props {
  const out: Props = { ...props };
  for (const k of secretKeys)
    if (out[k] !== undefined) out[k] = { [SECRET_SIG]: SECRET_VALUE, value: out[k] };
  return out;
}

/** Seals and opens secret values with a key derived from a passphrase. */
export class Crypter {
  private key?: Buffer;
  /** Ciphertexts by plaintext: a value sealed once is written the same way at every write. */
  private readonly sealed = new Map<string, string>();

  /**
   * @param passphrase - the stack's passphrase
   * @param salt - fixes the derived key (the stack's name)
   */
  constructor(
    private readonly passphrase: string,
    private readonly salt: string,
  ) {}

  private derived(): Buffer {
    // scrypt is slow on purpose (~50 ms): derived once per stack, not per value.
    return (this.key ??= crypto.scryptSync(this.passphrase, this.salt, 32));
  }

  /** The ciphertext of a value (`v1:` + base64 of IV, tag and body). */
  seal(value: unknown): string {
    const text = JSON.stringify(value);
    const known = this.sealed.get(text);
    if (known) return known;
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv("aes-256-gcm", this.derived(), iv);
    const body = Buffer.concat([cipher.update(text, "utf8"), cipher.final()]);
    const ciphertext = `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
    this.sealed.set(text, ciphertext);
    return ciphertext;
  }

  /** The value of a ciphertext. */
  open(ciphertext: string): unknown {
    const raw = Buffer.from(ciphertext.slice(3), "base64");
    const decipher = crypto.createDecipheriv("aes-256-gcm", this.derived(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
      "utf8",
    );
    this.sealed.set(text, ciphertext);
    return JSON.parse(text);
  }

  /** `props` with the values of `secretKeys` sealed, as the checkpoint stores them. */
  sealProps(props: Props, secretKeys: readonly string[]): Props {
    return Object.fromEntries(
      Object.entries(props).map(([k, v]) => [
        k,
        secretKeys.includes(k) ? { [SECRET_SIG]: SECRET_VALUE, ciphertext: this.seal(v) } : v,
      ]),
    );
  }

  /** `props` with sealed values opened. */
  openProps(props: Props): Props {
    return Object.fromEntries(
      Object.entries(props).map(([k, v]) =>
        typeof v === "object" && v !== null && typeof (v as Props).ciphertext === "string"
          ? [k, this.open(String((v as Props).ciphertext))]
          : [k, v],
      ),
    );
  }
}
