/**
 * Finding and reading a device's certificate files.
 *
 * Explicit paths win (`rootCa`, `cert`, `privateKey`). Otherwise files are found in a certs
 * directory by the hands-on's naming — the names AWS IoT gives the downloads: the root CA's
 * contains `AmazonRootCA1.pem`, the device certificate's `certificate`
 * (`…-certificate.pem.crt`), the private key's `private` (`…-private.pem.key`). For a fleet
 * on IoT Core, where every thing has its own certificate, a subdirectory named after the
 * device (`certs/<device>/`) is searched before the shared directory.
 *
 * Every failure says which file was expected where, and why it is unusable (missing, two
 * candidates, unreadable, not PEM). Files are read once per path and shared by devices.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { join, resolve } from "node:path"

export interface CertificateOptions {
  /** Root CA (PEM) to trust; for mqtts the system store is used when absent. */
  readonly rootCa?: string
  /** Device certificate (PEM). */
  readonly cert?: string
  /** Device private key (PEM). */
  readonly privateKey?: string
  /** Directory in the hands-on layout; searched for whatever was not given explicitly. */
  readonly certsDir?: string
}

export interface CertificateFiles {
  readonly rootCa?: string
  readonly cert?: string
  readonly privateKey?: string
}

export class CertificateError extends Error {
  override readonly name = "CertificateError"
}

type Kind = "rootCa" | "cert" | "privateKey"

const KINDS: Readonly<
  Record<Kind, { readonly what: string; readonly marker: string; readonly option: string }>
> = {
  rootCa: { what: "root CA", marker: "AmazonRootCA1.pem", option: "--root-ca" },
  cert: { what: "device certificate", marker: "certificate", option: "--cert" },
  privateKey: { what: "private key", marker: "private", option: "--private" },
}

const listFiles = (dir: string): ReadonlyArray<string> => {
  try {
    return readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile())
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CertificateError(
      code === "ENOENT"
        ? `certificates directory ${dir} does not exist`
        : `cannot list certificates directory ${dir}: ${String(error)}`,
    )
  }
}

const findInDir = (dir: string, kind: Kind): string | undefined => {
  const { what, marker, option } = KINDS[kind]
  const matches = listFiles(dir).filter((name) => name.includes(marker))
  if (matches.length > 1) {
    throw new CertificateError(
      `two candidates for the ${what} in ${dir} (${matches.join(", ")}): keep one file whose name contains "${marker}", or pass ${option} FILE`,
    )
  }
  return matches[0] === undefined ? undefined : join(dir, matches[0])
}

/**
 * The files one device uses. `required` kinds must be found, else a CertificateError names
 * the option and the directory searched.
 */
export const resolveCertificateFiles = (
  options: CertificateOptions,
  deviceName: string,
  required: ReadonlyArray<Kind>,
): CertificateFiles => {
  const dirs: string[] = []
  if (options.certsDir !== undefined) {
    const shared = resolve(options.certsDir)
    const own = join(shared, deviceName)
    if (existsSync(own) && statSync(own).isDirectory()) dirs.push(own)
    dirs.push(shared)
  }
  const files: { -readonly [K in Kind]?: string } = {}
  for (const kind of ["rootCa", "cert", "privateKey"] as const) {
    const explicit = options[kind]
    if (explicit !== undefined) {
      files[kind] = resolve(explicit)
      continue
    }
    for (const dir of dirs) {
      const found = findInDir(dir, kind)
      if (found !== undefined) {
        files[kind] = found
        break
      }
    }
    if (files[kind] === undefined && required.includes(kind)) {
      const { what, marker, option } = KINDS[kind]
      const where =
        dirs.length > 0
          ? `no file whose name contains "${marker}" in ${dirs.join(" or ")}`
          : "no certificates directory given"
      throw new CertificateError(
        `missing ${what} for ${deviceName}: ${where}; pass ${option} FILE or --certs-dir DIR`,
      )
    }
  }
  return files
}

const cache = new Map<string, Buffer>()

/** Reads a PEM file once; a CertificateError says what the file was for and what is wrong. */
export const readPem = (path: string, kind: Kind): Buffer => {
  const cached = cache.get(path)
  if (cached) return cached
  const { what, option } = KINDS[kind]
  let content: Buffer
  try {
    content = readFileSync(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : code === "EISDIR"
            ? "it is a directory"
            : String(error)
    throw new CertificateError(`cannot read the ${what} ${path} (${option}): ${reason}`)
  }
  if (!content.includes("-----BEGIN")) {
    throw new CertificateError(`the ${what} ${path} (${option}) is not a PEM file: no "-----BEGIN" line`)
  }
  cache.set(path, content)
  return content
}

/** Checks that every resolved file exists and is PEM, before any device starts. */
export const checkCertificateFiles = (files: CertificateFiles): void => {
  for (const kind of ["rootCa", "cert", "privateKey"] as const) {
    const path = files[kind]
    if (path !== undefined) readPem(path, kind)
  }
}
