/**
 * A self-signed certificate for 127.0.0.1, made with the `openssl` command, so that a test can
 * serve the emulator over HTTPS (Azure's SDKs send bearer tokens over TLS only) and trust it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** A certificate and its key, as files and the certificate's PEM text. */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate (PEM): the CA a client trusts. */
  readonly cert: string;
}

/** Makes a one-day self-signed certificate for 127.0.0.1 and localhost. */
export function selfSignedCertificate(): TestCertificate {
  const folder = mkdtempSync(path.join(tmpdir(), "emulator-tls-"));
  const certFile = path.join(folder, "cert.pem");
  const keyFile = path.join(folder, "key.pem");
  const made = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { encoding: "utf8" },
  );
  if (made.error || made.status !== 0)
    throw new Error(
      `openssl could not make a test certificate (apt-get install openssl): ${made.error?.message ?? made.stderr}`,
    );
  return { certFile, keyFile, cert: readFileSync(certFile, "utf8") };
}
