/**
 * Connection errors in words a person can act on. Socket and TLS errors from Node and the
 * aws-crt error names from aws-iot-device-sdk-v2 are mapped to a short cause with a hint; the
 * original text stays in parentheses for searching.
 */

const CAUSES: ReadonlyArray<readonly [RegExp, string]> = [
  [/ECONNREFUSED|CONNECTION_REFUSED/, "connection refused — is the broker running on that port?"],
  [/ENOTFOUND|EAI_AGAIN|DNS_QUERY_FAILED|DNS_INVALID_NAME/, "host name not found"],
  [/ETIMEDOUT|TIMEOUT|connack timeout/i, "timed out — is the host reachable and the port open?"],
  [/ECONNRESET|EPIPE|CLOSED/, "the connection was closed by the other side"],
  [/EHOSTUNREACH|ENETUNREACH|NO_ROUTE/, "no route to host"],
  [
    /certificate required/i,
    "the broker demands a client certificate (mutual TLS) — give the device certificate and private key",
  ],
  [
    /alert (bad certificate|unknown ca|certificate unknown)/i,
    "the broker refused the client certificate — is it signed by a CA the broker trusts?",
  ],
  [
    /self[- ]signed|unable to verify|UNABLE_TO_GET_ISSUER|CERT_|certificate verify|NEGOTIATION_FAILURE|TLS/i,
    "TLS handshake failed — check the root CA, and that the broker's certificate names this host",
  ],
  [
    /Not authorized|not authorised|Bad username|identifier rejected|Connection refused: /i,
    "the broker refused the connection",
  ],
]

/** `cannot connect to <target>: <cause> (<original>)`. */
export const describeConnectError = (target: string, error: unknown, verb = "cannot connect to"): Error => {
  const original = (error instanceof Error ? error.message : String(error)).trim()
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : ""
  const text = `${code} ${original}`
  const cause = CAUSES.find(([pattern]) => pattern.test(text))?.[1]
  const message = cause ? `${verb} ${target}: ${cause} (${original})` : `${verb} ${target}: ${original}`
  return new Error(message, { cause: error })
}
