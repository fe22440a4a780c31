/**
 * What an AWS SDK v3 failure says about itself, read without importing any SDK error class.
 *
 * Service errors carry `name` (the service's error code, e.g. `ThrottlingException`), `$fault`
 * (`client` or `server`) and `$metadata.httpStatusCode`; transport failures (connection reset,
 * refused, socket timeout) carry a Node `code` and no status. Adapters map these facts onto
 * core's four delivery errors, each service with its own table of names; this file only reads
 * the facts, so the same reading serves Kinesis, DynamoDB and the data-lake adapters.
 */

export interface AwsErrorFacts {
  /** The service's error code (`name`), or the Node error code for transport failures. */
  readonly name: string
  readonly message: string
  /** HTTP status of the service's answer, when there was one. */
  readonly status: number | undefined
  /** True when the request never got a service answer: reset, refused, timed out, DNS. */
  readonly transport: boolean
  /** The SDK's own verdict that the service asked us to slow down. */
  readonly throttling: boolean
}

// Node and smithy codes of failures that happen before any HTTP answer arrives.
const TRANSPORT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
])

export const awsErrorFacts = (error: unknown): AwsErrorFacts => {
  if (typeof error !== "object" || error === null) {
    return { name: "Unknown", message: String(error), status: undefined, transport: false, throttling: false }
  }
  const e = error as {
    name?: unknown
    code?: unknown
    message?: unknown
    $metadata?: { httpStatusCode?: unknown }
    $retryable?: { throttling?: unknown }
  }
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined
  const code = typeof e.code === "string" ? e.code : undefined
  const name = typeof e.name === "string" && e.name !== "Error" ? e.name : (code ?? "Error")
  return {
    name,
    message: typeof e.message === "string" && e.message !== "" ? e.message : name,
    status,
    transport:
      status === undefined &&
      (TRANSPORT_CODES.has(name) || (code !== undefined && TRANSPORT_CODES.has(code))),
    throttling: e.$retryable?.throttling === true,
  }
}

/** `Name: message`, the form every delivery error's reason takes here. */
export const describeAwsError = (facts: AwsErrorFacts): string =>
  facts.message === facts.name ? facts.name : `${facts.name}: ${facts.message}`
