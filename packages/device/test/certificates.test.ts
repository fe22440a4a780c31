import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import {
  CertificateError,
  checkCertificateFiles,
  resolveCertificateFiles,
} from "../src/transport/certificates.ts"

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

const handsOnDir = (files: ReadonlyArray<string>) => {
  const dir = mkdtempSync(join(tmpdir(), "sluice-certs-layout-"))
  for (const file of files) writeFileSync(join(dir, file), PEM)
  return dir
}

const HANDS_ON = [
  "AmazonRootCA1.pem",
  "abc123-certificate.pem.crt",
  "abc123-private.pem.key",
  "abc123-public.pem.key",
]

describe("certificate files", () => {
  it("finds the hands-on layout by name", () => {
    const dir = handsOnDir(HANDS_ON)
    expect(resolveCertificateFiles({ certsDir: dir }, "device-1", ["rootCa", "cert", "privateKey"])).toEqual({
      rootCa: join(dir, "AmazonRootCA1.pem"),
      cert: join(dir, "abc123-certificate.pem.crt"),
      privateKey: join(dir, "abc123-private.pem.key"),
    })
  })

  it("prefers explicit paths and a per-device subdirectory", () => {
    const dir = handsOnDir(HANDS_ON)
    mkdirSync(join(dir, "device-2"))
    writeFileSync(join(dir, "device-2", "d2-certificate.pem.crt"), PEM)
    writeFileSync(join(dir, "device-2", "d2-private.pem.key"), PEM)
    const files = resolveCertificateFiles({ certsDir: dir, rootCa: "/elsewhere/ca.pem" }, "device-2", [
      "cert",
    ])
    expect(files).toEqual({
      rootCa: "/elsewhere/ca.pem",
      cert: join(dir, "device-2", "d2-certificate.pem.crt"),
      privateKey: join(dir, "device-2", "d2-private.pem.key"),
    })
  })

  it("says which file was expected where", () => {
    const dir = handsOnDir(["AmazonRootCA1.pem", "abc-certificate.pem.crt"])
    expect(() => resolveCertificateFiles({ certsDir: dir }, "device-1", ["cert", "privateKey"])).toThrow(
      `missing private key for device-1: no file whose name contains "private" in ${dir}; pass --private FILE or --certs-dir DIR`,
    )
    expect(() => resolveCertificateFiles({}, "device-1", ["cert"])).toThrow(
      /missing device certificate.*no certificates directory given/,
    )
    expect(() => resolveCertificateFiles({ certsDir: join(dir, "nope") }, "d", ["cert"])).toThrow(
      /nope does not exist/,
    )
  })

  it("refuses two candidates for one file", () => {
    const dir = handsOnDir([...HANDS_ON, "old-certificate.pem.crt"])
    expect(() => resolveCertificateFiles({ certsDir: dir }, "device-1", ["cert"])).toThrow(
      /two candidates for the device certificate/,
    )
  })

  it("checks that files are readable PEM, naming the file and its role", () => {
    const dir = handsOnDir(HANDS_ON)
    writeFileSync(join(dir, "broken-certificate.der"), "binary junk")
    expect(() => checkCertificateFiles({ cert: join(dir, "broken-certificate.der") })).toThrow(
      `the device certificate ${join(dir, "broken-certificate.der")} (--cert) is not a PEM file`,
    )
    expect(() => checkCertificateFiles({ privateKey: join(dir, "missing.key") })).toThrow(
      `cannot read the private key ${join(dir, "missing.key")} (--private): no such file`,
    )
    expect(() => checkCertificateFiles({ rootCa: dir })).toThrow(/root CA .* it is a directory/)
    expect(() => checkCertificateFiles({ rootCa: join(dir, "AmazonRootCA1.pem") })).not.toThrow()
    expect(() => checkCertificateFiles({ rootCa: dir })).toThrow(CertificateError)
  })
})
