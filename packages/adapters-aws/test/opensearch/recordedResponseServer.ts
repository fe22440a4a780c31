/**
 * A recorded-response mock of an OpenSearch domain: a local HTTP server on 127.0.0.1:0 that
 * records every request (method, path, query, headers, body) and answers with responses a test
 * scripts from OpenSearch's documented shapes. No OpenSearch runs here; what is under test is
 * the requests the adapter sends and how it handles the answers.
 */
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"

export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingMessage["headers"]
  readonly body: string
}

export interface ScriptedResponse {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Record<string, string>
  /** Drop the connection without answering. */
  readonly hangUp?: boolean
}

export type Responder = (request: RecordedRequest, index: number) => ScriptedResponse

export interface RecordedResponseServer {
  readonly url: string
  readonly requests: RecordedRequest[]
  respondWith(responder: Responder): void
  close(): Promise<void>
}

export const startRecordedResponseServer = async (): Promise<RecordedResponseServer> => {
  const requests: RecordedRequest[] = []
  let responder: Responder = () => ({ status: 500, body: { error: "no response scripted" } })
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost")
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      }
      requests.push(recorded)
      const answer = responder(recorded, requests.length - 1)
      if (answer.hangUp) {
        req.socket.destroy()
        return
      }
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {})
      res.writeHead(answer.status, {
        "content-type": typeof answer.body === "string" ? "text/plain" : "application/json",
        ...answer.headers,
      })
      res.end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (next) => {
      responder = next
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The documents of a recorded `_bulk` body: action and source, line pairs. */
export const bulkLines = (
  body: string,
): Array<{ action: Record<string, { _index: string; _id: string }>; source: unknown }> => {
  const lines = body.split("\n")
  const pairs = []
  for (let i = 0; i + 1 < lines.length; i += 2)
    pairs.push({ action: JSON.parse(lines[i] as string), source: JSON.parse(lines[i + 1] as string) })
  return pairs
}

/** A `_bulk` answer in OpenSearch's shape, one item per (status, extra) given. */
export const bulkAnswer = (
  request: RecordedRequest,
  statusOf: (id: string, position: number) => number,
): ScriptedResponse => {
  const items = bulkLines(request.body).map(({ action }, position) => {
    const { _index, _id } = action.index as { _index: string; _id: string }
    const status = statusOf(_id, position)
    if (status < 300)
      return {
        index: {
          _index,
          _id,
          _version: status === 201 ? 1 : 2,
          result: status === 201 ? "created" : "updated",
          _shards: { total: 1, successful: 1, failed: 0 },
          _seq_no: position,
          _primary_term: 1,
          status,
        },
      }
    const error =
      status === 429
        ? {
            type: "es_rejected_execution_exception",
            reason: "rejected execution of coordinating operation [shard_detail=[telemetry][0][P]]",
          }
        : status >= 500
          ? { type: "unavailable_shards_exception", reason: "[telemetry][0] primary shard is not active" }
          : {
              type: "mapper_parsing_exception",
              reason: `failed to parse field [TEMPERATURE] of type [float] in document with id '${_id}'`,
              caused_by: { type: "number_format_exception", reason: 'For input string: "hot"' },
            }
    return { index: { _index, _id, status, error } }
  })
  return { status: 200, body: { took: 3, errors: items.some((i) => i.index.status >= 300), items } }
}
