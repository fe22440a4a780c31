/**
 * The index template (its request, against a recorded-response mock server) and the Dashboards
 * saved objects (well-formed, every reference resolved, fields the template maps).
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  DASHBOARD_ID,
  dashboardSavedObjects,
  dashboardsNdjson,
  INDEX_PATTERN_ID,
  indexTemplateBody,
  putIndexTemplate,
  signedOpenSearchClient,
  transportOf,
  VISUALIZATION_ID,
} from "../../src/opensearch/index.ts"
import { type RecordedResponseServer, startRecordedResponseServer } from "./recordedResponseServer.ts"

describe("index template against a recorded-response mock server", () => {
  let server: RecordedResponseServer
  const savedEnv = { ...process.env }
  beforeAll(async () => {
    server = await startRecordedResponseServer()
    process.env.AWS_ACCESS_KEY_ID = "AKIDEXAMPLE"
    process.env.AWS_SECRET_ACCESS_KEY = "secret"
  })
  afterAll(async () => {
    process.env = savedEnv
    await server.close()
  })

  it("PUTs a composable template mapping the reading's time as a date and the device as a keyword", async () => {
    server.respondWith(() => ({ status: 200, body: { acknowledged: true } }))
    const transport = transportOf(signedOpenSearchClient({ node: server.url, region: "eu-west-1" }))
    await Effect.runPromise(putIndexTemplate(transport, { replicas: 1 }))
    const [request] = server.requests
    expect(request).toMatchObject({ method: "PUT", path: "/_index_template/telemetry-daily" })
    expect(request!.headers.authorization).toContain("/eu-west-1/es/aws4_request")
    const body = JSON.parse(request!.body)
    expect(body.index_patterns).toEqual(["telemetry-*"])
    expect(body.template.settings).toMatchObject({ number_of_shards: 1, number_of_replicas: 1 })
    expect(body.template.mappings.date_detection).toBe(false)
    expect(body.template.mappings.properties).toMatchObject({
      timestamp: { type: "date", format: "strict_date_optional_time||epoch_millis" },
      DEVICE_NAME: { type: "keyword" },
      TEMPERATURE: { type: "float" },
      HUMIDITY: { type: "float" },
    })
  })

  it("fails Fatal when the domain's access policy refuses the role", async () => {
    server.respondWith(() => ({ status: 403, body: { Message: "not authorized to perform: es:ESHttpPut" } }))
    const transport = transportOf(signedOpenSearchClient({ node: server.url, region: "eu-west-1" }))
    const error = await Effect.runPromise(Effect.flip(putIndexTemplate(transport)))
    expect(error._tag).toBe("Fatal")
  })
})

describe("OpenSearch Dashboards saved objects", () => {
  it("is NDJSON of an index pattern, a per-device visualization and a dashboard, then a summary", () => {
    const lines = dashboardsNdjson()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line))
    expect(lines.map((l) => l.type ?? "summary")).toEqual([
      "index-pattern",
      "visualization",
      "dashboard",
      "summary",
    ])
    expect(lines[3]).toEqual({ exportedCount: 3, missingRefCount: 0, missingReferences: [] })
  })

  it("resolves every reference and uses only fields the template maps, with the right types", () => {
    const objects = dashboardSavedObjects() as Array<{
      id: string
      type: string
      attributes: Record<string, unknown>
      references: Array<{ id: string; type: string }>
    }>
    const ids = new Set(objects.map((o) => `${o.type}:${o.id}`))
    for (const o of objects)
      for (const ref of o.references) expect(ids.has(`${ref.type}:${ref.id}`)).toBe(true)
    const [pattern, visualization, dashboard] = objects
    expect(pattern).toMatchObject({
      id: INDEX_PATTERN_ID,
      attributes: { title: "telemetry-*", timeFieldName: "timestamp" },
    })
    const visState = JSON.parse(visualization!.attributes.visState as string)
    expect(visualization!.id).toBe(VISUALIZATION_ID)
    const fields = Object.fromEntries(
      visState.aggs.map((a: { type: string; params: { field: string } }) => [a.params.field, a.type]),
    )
    expect(fields).toEqual({
      TEMPERATURE: "avg",
      HUMIDITY: "avg",
      timestamp: "date_histogram",
      DEVICE_NAME: "terms",
    })
    const mapped = indexTemplateBody().template as {
      mappings: { properties: Record<string, { type: string }> }
    }
    expect(Object.keys(fields).every((f) => f in mapped.mappings.properties)).toBe(true)
    expect(dashboard!.id).toBe(DASHBOARD_ID)
    expect(JSON.parse(dashboard!.attributes.panelsJSON as string)).toHaveLength(1)
  })
})
