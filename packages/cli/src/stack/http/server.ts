/**
 * The stack's HTTP server: the dashboard page, its JSON API, live events over SSE, `/healthz`
 * and Prometheus `/metrics`.
 *
 * Safe by default: it binds 127.0.0.1. When a token is configured (the stack requires one when
 * bound to another host), every route but `/healthz` needs it, as `Authorization: Bearer <t>` or
 * `?token=<t>` (EventSource cannot send headers). Bodies are capped at 64 KiB and must be JSON.
 */
import { timingSafeEqual } from "node:crypto"
import { readFile } from "node:fs/promises"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { DEVICE_NAME_PATTERN } from "@sluice/core"
import type { DashboardSource } from "./dashboardSource.ts"

const MAX_BODY_BYTES = 64 * 1024
const here = dirname(fileURLToPath(import.meta.url))
const dashboardDir = join(here, "../dashboard")
const uplotDir = dirname(fileURLToPath(import.meta.resolve("uplot/dist/uPlot.iife.min.js")))

const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: join(dashboardDir, "index.html"), type: "text/html; charset=utf-8" },
  "/app.js": { file: join(dashboardDir, "app.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { file: join(dashboardDir, "style.css"), type: "text/css; charset=utf-8" },
  "/vendor/uPlot.iife.min.js": {
    file: join(uplotDir, "uPlot.iife.min.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/vendor/uPlot.min.css": { file: join(uplotDir, "uPlot.min.css"), type: "text/css; charset=utf-8" },
}

export interface HttpServerOptions {
  readonly host: string
  readonly port: number
  /** Required on every route but /healthz when set. */
  readonly token?: string
}

export interface RunningHttpServer {
  readonly url: string
  readonly port: number
  readonly close: () => Promise<void>
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
  res.end(JSON.stringify(body))
}

const readJsonBody = async (req: IncomingMessage): Promise<unknown> => {
  // A JSON content type cannot be sent cross-site without a CORS preflight, which we never grant.
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
    throw new HttpError(415, "the body must be sent as application/json")
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"))
  } catch {
    throw new HttpError(400, "body is not JSON")
  }
}

const intParam = (url: URL, name: string, fallback: number, max: number) => {
  const raw = url.searchParams.get(name)
  if (raw === null) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) throw new HttpError(400, `${name} must be a positive integer`)
  return Math.min(value, max)
}

const deviceParam = (raw: string) => {
  let id: string
  try {
    id = decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, "not a valid device name")
  }
  if (!DEVICE_NAME_PATTERN.test(id)) throw new HttpError(400, "not a valid device name")
  return id
}

/** Compares in time independent of where the strings differ, so the token cannot be guessed byte by byte. */
const sameSecret = (given: string | null | undefined, secret: string) => {
  if (typeof given !== "string") return false
  const a = Buffer.from(given)
  const b = Buffer.from(secret)
  return a.length === b.length && timingSafeEqual(a, b)
}

const authorized = (req: IncomingMessage, url: URL, token: string | undefined) =>
  token === undefined ||
  sameSecret(req.headers.authorization?.replace(/^Bearer /, ""), token) ||
  sameSecret(url.searchParams.get("token"), token)

const LOCAL_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"])

/**
 * Without a token the server trusts only its own machine, so it must also refuse what a web page
 * in the user's browser could send it: a request whose Host is not this server (DNS rebinding)
 * or whose Origin is another site (cross-site requests).
 */
const sameOrigin = (req: IncomingMessage, boundHost: string, port: number): boolean => {
  const names = new Set([...LOCAL_NAMES, boundHost.includes(":") ? `[${boundHost}]` : boundHost])
  const allowed = new Set([...names].map((name) => `${name}:${port}`))
  if (!allowed.has(String(req.headers.host ?? "").toLowerCase())) return false
  const origin = req.headers.origin
  return (
    origin === undefined || [...allowed].some((hostPort) => origin.toLowerCase() === `http://${hostPort}`)
  )
}

const serveEvents = (req: IncomingMessage, res: ServerResponse, source: DashboardSource) => {
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-store",
    connection: "keep-alive",
  })
  res.write(`retry: 1000\n\n`)
  const unsubscribe = source.subscribe((event) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`)
  })
  // A comment every 15 s keeps proxies from closing an idle stream.
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 15_000)
  req.on("close", () => {
    clearInterval(keepAlive)
    unsubscribe()
  })
}

const route = async (req: IncomingMessage, res: ServerResponse, source: DashboardSource, url: URL) => {
  const path = url.pathname
  const method = req.method ?? "GET"
  if (method === "GET" && STATIC[path]) {
    const asset = STATIC[path]
    res.writeHead(200, { "content-type": asset.type, "cache-control": "no-cache" })
    res.end(await readFile(asset.file))
    return
  }
  if (method === "GET" && path === "/events") return serveEvents(req, res, source)
  if (method === "GET" && path === "/metrics") {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" })
    res.end(source.metrics())
    return
  }
  if (method === "GET" && path === "/api/status") return sendJson(res, 200, source.status())
  if (method === "GET" && path === "/api/devices") return sendJson(res, 200, await source.devices())
  if (method === "GET" && path === "/api/deadletters")
    return sendJson(res, 200, await source.deadLetters(intParam(url, "limit", 100, 1000)))
  const readings = /^\/api\/devices\/([^/]+)\/readings$/.exec(path)
  if (method === "GET" && readings) {
    return sendJson(
      res,
      200,
      await source.readings(deviceParam(readings[1] as string), intParam(url, "limit", 300, 5000)),
    )
  }
  const aggregates = /^\/api\/devices\/([^/]+)\/aggregates$/.exec(path)
  if (method === "GET" && aggregates) {
    if (source.aggregates === undefined) throw new HttpError(404, "this stack keeps no aggregates")
    const resolution = url.searchParams.get("resolution") ?? "minute"
    if (resolution !== "minute" && resolution !== "hour")
      throw new HttpError(400, "resolution must be minute or hour")
    const device = deviceParam(aggregates[1] as string)
    return sendJson(res, 200, await source.aggregates(device, resolution, intParam(url, "limit", 60, 1440)))
  }
  if (method === "GET" && path === "/api/alerts") {
    if (source.alerts === undefined) throw new HttpError(404, "this stack keeps no alerts")
    return sendJson(res, 200, await source.alerts(intParam(url, "limit", 50, 1000)))
  }
  const waitTime = /^\/api\/devices\/([^/]+)\/wait_time$/.exec(path)
  if (method === "PUT" && waitTime) {
    const body = (await readJsonBody(req)) as { value?: unknown }
    const value = body?.value
    if (
      value !== null &&
      (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > 86_400)
    ) {
      throw new HttpError(400, "value must be a number of seconds in (0, 86400], or null to reset")
    }
    return sendJson(res, 202, await source.setWaitTime(deviceParam(waitTime[1] as string), value))
  }
  if (method === "POST" && path === "/api/query") {
    const body = (await readJsonBody(req)) as { sql?: unknown }
    if (typeof body?.sql !== "string" || body.sql.trim() === "")
      throw new HttpError(400, "sql must be a non-empty string")
    const result = await source.query(body.sql, intParam(url, "limit", 200, 10_000))
    return sendJson(res, result.ok ? 200 : 400, result)
  }
  throw new HttpError(404, `no route for ${method} ${path}`)
}

export const startHttpServer = (
  source: DashboardSource,
  options: HttpServerOptions,
): Promise<RunningHttpServer> => {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost")
    if (url.pathname === "/healthz") {
      const ok = source.healthy()
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" })
      res.end(ok ? "ok\n" : "starting\n")
      return
    }
    if (!authorized(req, url, options.token))
      return sendJson(res, 401, { error: "a token is required (Authorization: Bearer … or ?token=…)" })
    const { port } = server.address() as AddressInfo
    if (options.token === undefined && !sameOrigin(req, options.host, port))
      return sendJson(res, 403, {
        error: "requests must come from this machine's own pages (Host and Origin)",
      })
    route(req, res, source, url).catch((error: unknown) => {
      if (res.headersSent) return res.end()
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message })
      sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) })
    })
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo
      const host = options.host.includes(":") ? `[${options.host}]` : options.host
      resolve({
        url: `http://${host}:${port}/`,
        port,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}
