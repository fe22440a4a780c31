/**
 * The OpenSearch transport the adapter uses, typed structurally, and the signed client for AWS.
 *
 * The adapter needs one thing from `@opensearch-project/opensearch`: `client.transport.request`
 * (method, path, querystring, JSON or NDJSON body). Typing only that (as Kysely types its
 * drivers' clients) lets tests hand in the real client pointed at a local recorded-response
 * server, and users hand in a client they configured themselves.
 *
 * `signedOpenSearchClient` builds the client for an Amazon OpenSearch Service domain: requests
 * are signed with SigV4 (`AwsSigv4Signer`, service `es`) using the default AWS credential chain
 * of `@aws-sdk/credential-provider-node` (environment, SSO, profile, container, instance role).
 * The client's own retries are left at 0 per request by the adapter: the retry policy lives in
 * one place (core's `indexDocuments` and the caller), not stacked in two.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node"
import { Client } from "@opensearch-project/opensearch"
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws"

export interface OpenSearchRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "HEAD"
  readonly path: string
  readonly body?: Record<string, unknown>
  /** An NDJSON body (a `_bulk` request), sent as `application/x-ndjson`. */
  readonly bulkBody?: string
  readonly querystring?: Record<string, string | number | boolean>
}

export interface OpenSearchResponse {
  readonly statusCode: number | null
  readonly body: unknown
  readonly headers?: Record<string, unknown> | null
}

/** The part of `@opensearch-project/opensearch`'s Client the adapter calls. */
export interface OpenSearchTransport {
  request(
    params: OpenSearchRequest,
    options?: { maxRetries?: number; ignore?: number[] },
  ): Promise<OpenSearchResponse>
}

export interface SignedClientOptions {
  /** The domain endpoint, `https://search-….us-east-1.es.amazonaws.com`. */
  readonly node: string
  readonly region: string
  /** `es` for a managed domain, `aoss` for OpenSearch Serverless. */
  readonly service?: "es" | "aoss"
  /** Per-request timeout, milliseconds (default 30 s). */
  readonly requestTimeoutMs?: number
}

/** An OpenSearch client whose requests are SigV4-signed with the default credential chain. */
export const signedOpenSearchClient = (options: SignedClientOptions): Client => {
  const credentials = defaultProvider()
  return new Client({
    ...AwsSigv4Signer({
      region: options.region,
      service: options.service ?? "es",
      getCredentials: () => credentials(),
    }),
    node: options.node,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: 0,
  })
}

/** The structural transport of a Client. */
export const transportOf = (client: Client): OpenSearchTransport => client.transport as OpenSearchTransport
