/**
 * Encoding and hashing: encode, decode, md5, sha1, sha224, sha256, sha384, sha512.
 *
 * `encode(*, 'base64')` encodes the payload bytes exactly as published, JSON or not; any other
 * value is converted to a String and its UTF-8 bytes encoded. `decode(s, 'base64')` gives the
 * decoded JSON value when the decoded text is JSON and the text otherwise; text that is not
 * base64 decodes to Null, as the reference says. The only scheme is 'base64' (any other is
 * Undefined). Hashes take the String conversion of their argument and return lowercase hex;
 * `md2` is not offered because Node's OpenSSL no longer ships it.
 */
import { Buffer } from "node:buffer"
import { createHash } from "node:crypto"
import type { Evaluator } from "../compile/evaluator.ts"
import { toStringValue } from "../values/conversions.ts"
import type { SqlValue } from "../values/sqlValue.ts"
import { define, type FunctionDefinition, type FunctionSite, V1, V2 } from "./definition.ts"

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

const isBase64Scheme = (scheme: SqlValue): boolean =>
  typeof scheme === "string" && scheme.toLowerCase() === "base64"

const encodeValue = (value: SqlValue): SqlValue => {
  const text = toStringValue(value)
  return text === undefined ? undefined : Buffer.from(text, "utf8").toString("base64")
}

/** `encode(*, …)` at the top level reads the raw payload rather than its JSON. */
const compileEncode = (site: FunctionSite): Evaluator | undefined => {
  const schemeOf = site.compiled[1]
  // Inside a nested SELECT, `*` is the element, and the generic path encodes its JSON text.
  if (site.args[0]?.kind !== "star" || site.scope.nested || schemeOf === undefined) return undefined
  return (env) =>
    isBase64Scheme(schemeOf(env)) ? Buffer.from(env.message.payloadBytes).toString("base64") : undefined
}

const decode = ([value, scheme]: ReadonlyArray<SqlValue>): SqlValue => {
  if (!isBase64Scheme(scheme) || typeof value !== "string") return undefined
  if (!BASE64.test(value) || value.replace(/=+$/, "").length % 4 === 1) return null
  const text = Buffer.from(value, "base64").toString("utf8")
  try {
    return JSON.parse(text) as SqlValue
  } catch {
    return text
  }
}

const hash = (algorithm: string): FunctionDefinition =>
  define(V1, 1, 1, ([a]) => {
    const text = toStringValue(a)
    return text === undefined ? undefined : createHash(algorithm).update(text, "utf8").digest("hex")
  })

export const encodingFunctions: Readonly<Record<string, FunctionDefinition>> = {
  encode: define(
    V2,
    2,
    2,
    ([value, scheme]) => (isBase64Scheme(scheme) ? encodeValue(value) : undefined),
    compileEncode,
  ),
  decode: define(V2, 2, 2, decode),
  md5: hash("md5"),
  sha1: hash("sha1"),
  sha224: hash("sha224"),
  sha256: hash("sha256"),
  sha384: hash("sha384"),
  sha512: hash("sha512"),
}
