/**
 * Throwaway certificates for mutual-TLS tests, made with the `openssl` command (Debian
 * package; .ci/run installs it): a CA, a server certificate for `localhost` and 127.0.0.1,
 * and one client certificate per name (its CN is the name, as with AWS IoT things).
 *
 * Keys are RSA 2048 and signatures SHA-256 like AWS IoT's device certificates; the CA carries
 * `basicConstraints=CA:TRUE` and `keyUsage=keyCertSign` and leaf certificates their
 * `extendedKeyUsage` (serverAuth/clientAuth), because strict TLS stacks (s2n in aws-crt,
 * used by aws-iot-device-sdk-v2) refuse chains without them. Generating a set takes a few
 * hundred milliseconds; share one per test file.
 */
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)

export interface CertificatePair {
  readonly certFile: string
  readonly keyFile: string
}

export interface TestCertificates {
  readonly dir: string
  /** The CA certificate: the trust anchor for both sides. */
  readonly caFile: string
  readonly caKeyFile: string
  readonly server: CertificatePair
  /** One pair per requested client name. */
  readonly clients: Readonly<Record<string, CertificatePair>>
}

export interface CertificateOptions {
  /** Directory to write into; default a fresh temporary one. */
  readonly dir?: string
  /** Client certificate common names. Default `["client"]`. */
  readonly clients?: ReadonlyArray<string>
  /** Validity in days. Default 2. */
  readonly days?: number
}

const openssl = async (args: ReadonlyArray<string>): Promise<void> => {
  try {
    await run("openssl", [...args])
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr ?? String(error)
    throw new Error(`openssl ${args[0]} failed (is the openssl package installed?): ${detail}`)
  }
}

const issue = async (
  dir: string,
  name: string,
  subject: string,
  extensions: ReadonlyArray<string>,
  ca: { caFile: string; caKeyFile: string },
  days: number,
): Promise<CertificatePair> => {
  const keyFile = join(dir, `${name}.key`)
  const csrFile = join(dir, `${name}.csr`)
  const certFile = join(dir, `${name}.pem`)
  const extFile = join(dir, `${name}.ext`)
  writeFileSync(extFile, `${extensions.join("\n")}\n`)
  await openssl([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    csrFile,
    "-subj",
    subject,
  ])
  await openssl([
    "x509",
    "-req",
    "-in",
    csrFile,
    "-CA",
    ca.caFile,
    "-CAkey",
    ca.caKeyFile,
    "-CAcreateserial",
    "-sha256",
    "-days",
    String(days),
    "-out",
    certFile,
    "-extfile",
    extFile,
  ])
  return { certFile, keyFile }
}

/** Generates a CA, a server pair (localhost, 127.0.0.1) and one client pair per name. */
export const generateCertificates = async (options: CertificateOptions = {}): Promise<TestCertificates> => {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "sluice-certs-"))
  const days = options.days ?? 2
  const caFile = join(dir, "ca.pem")
  const caKeyFile = join(dir, "ca.key")
  await openssl([
    "req",
    "-x509",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-sha256",
    "-days",
    String(days),
    "-keyout",
    caKeyFile,
    "-out",
    caFile,
    "-subj",
    "/CN=Sluice test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ])
  const ca = { caFile, caKeyFile }
  const server = await issue(
    dir,
    "server",
    "/CN=localhost",
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    ca,
    days,
  )
  const clients: Record<string, CertificatePair> = {}
  for (const name of options.clients ?? ["client"]) {
    clients[name] = await issue(
      dir,
      `client-${name.replace(/[^a-zA-Z0-9_-]/g, "_")}`,
      `/CN=${name}`,
      [
        "basicConstraints=CA:FALSE",
        "keyUsage=digitalSignature,keyEncipherment",
        "extendedKeyUsage=clientAuth",
      ],
      ca,
      days,
    )
  }
  return { dir, caFile, caKeyFile, server, clients }
}
