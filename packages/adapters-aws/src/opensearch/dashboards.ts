/**
 * OpenSearch Dashboards saved objects: the hands-on's Kibana view, as an importable NDJSON file.
 *
 * Three objects, with fixed ids so a re-import overwrites instead of duplicating: the index
 * pattern over the daily indexes (time field `timestamp`), a line chart of average temperature
 * (left axis) and humidity (right axis) over time, one series per device (terms on
 * `DEVICE_NAME`), and a dashboard showing it for the last hour, refreshing every 5 s. The format
 * is Dashboards' export format (one object per line, then an export summary), with the
 * `migrationVersion`s of OpenSearch Dashboards 2.x so no migration rewrites them on import.
 * Import through Dashboards Management → Saved objects → Import, or
 * `POST /_dashboards/api/saved_objects/_import?overwrite=true` with header `osd-xsrf: true`.
 * The generated file lives at packages/deploy/assets/dashboards.ndjson; a test keeps it equal
 * to what this module produces.
 */
import { DEFAULT_INDEX_PREFIX, dailyIndexPattern, SEARCH_DEVICE_FIELD, SEARCH_TIME_FIELD } from "@sluice/core"

export interface DashboardOptions {
  readonly indexPrefix?: string
  /** Most devices drawn as their own series. */
  readonly maxDevices?: number
}

export const INDEX_PATTERN_ID = "sluice-telemetry"
export const VISUALIZATION_ID = "sluice-temperature-humidity-per-device"
export const DASHBOARD_ID = "sluice-telemetry-dashboard"

const field = (name: string, type: string, esType: string) => ({
  name,
  type,
  esTypes: [esType],
  searchable: true,
  aggregatable: true,
  readFromDocValues: true,
  count: 0,
  scripted: false,
})

const indexPattern = (prefix: string) => ({
  attributes: {
    title: dailyIndexPattern(prefix),
    timeFieldName: SEARCH_TIME_FIELD,
    fields: JSON.stringify([
      field(SEARCH_TIME_FIELD, "date", "date"),
      field(SEARCH_DEVICE_FIELD, "string", "keyword"),
      field("TEMPERATURE", "number", "float"),
      field("HUMIDITY", "number", "float"),
    ]),
  },
  id: INDEX_PATTERN_ID,
  migrationVersion: { "index-pattern": "7.6.0" },
  references: [],
  type: "index-pattern",
})

const valueAxis = (id: string, name: string, position: "left" | "right", title: string) => ({
  id,
  name,
  type: "value",
  position,
  show: true,
  style: {},
  scale: { type: "linear", mode: "normal" },
  labels: { show: true, rotate: 0, filter: false, truncate: 100 },
  title: { text: title },
})

const series = (aggId: string, label: string, axis: string) => ({
  show: true,
  type: "line",
  mode: "normal",
  data: { label, id: aggId },
  valueAxis: axis,
  drawLinesBetweenPoints: true,
  lineWidth: 2,
  showCircles: true,
  interpolate: "linear",
})

const visualization = (maxDevices: number) => {
  const title = "Temperature and humidity per device"
  const visState = {
    title,
    type: "line",
    aggs: [
      { id: "1", enabled: true, type: "avg", params: { field: "TEMPERATURE" }, schema: "metric" },
      { id: "2", enabled: true, type: "avg", params: { field: "HUMIDITY" }, schema: "metric" },
      {
        id: "3",
        enabled: true,
        type: "date_histogram",
        params: { field: SEARCH_TIME_FIELD, interval: "auto", min_doc_count: 1, extended_bounds: {} },
        schema: "segment",
      },
      {
        id: "4",
        enabled: true,
        type: "terms",
        params: { field: SEARCH_DEVICE_FIELD, orderBy: "_key", order: "asc", size: maxDevices },
        schema: "group",
      },
    ],
    params: {
      type: "line",
      grid: { categoryLines: false },
      categoryAxes: [
        {
          id: "CategoryAxis-1",
          type: "category",
          position: "bottom",
          show: true,
          style: {},
          scale: { type: "linear" },
          labels: { show: true, filter: true, truncate: 100 },
          title: {},
        },
      ],
      valueAxes: [
        valueAxis("ValueAxis-1", "LeftAxis-1", "left", "Temperature (°C)"),
        valueAxis("ValueAxis-2", "RightAxis-1", "right", "Humidity (%)"),
      ],
      seriesParams: [series("1", "Temperature", "ValueAxis-1"), series("2", "Humidity", "ValueAxis-2")],
      addTooltip: true,
      addLegend: true,
      legendPosition: "right",
      times: [],
      addTimeMarker: false,
    },
  }
  return {
    attributes: {
      title,
      description: "Average temperature and humidity over time, one line per device.",
      uiStateJSON: "{}",
      version: 1,
      visState: JSON.stringify(visState),
      kibanaSavedObjectMeta: {
        searchSourceJSON: JSON.stringify({
          query: { query: "", language: "kuery" },
          filter: [],
          indexRefName: "kibanaSavedObjectMeta.searchSourceJSON.index",
        }),
      },
    },
    id: VISUALIZATION_ID,
    migrationVersion: { visualization: "7.10.0" },
    references: [
      { name: "kibanaSavedObjectMeta.searchSourceJSON.index", type: "index-pattern", id: INDEX_PATTERN_ID },
    ],
    type: "visualization",
  }
}

const dashboard = () => ({
  attributes: {
    title: "Sluice telemetry",
    description: "The hands-on's near-real-time view: every device's temperature and humidity.",
    hits: 0,
    panelsJSON: JSON.stringify([
      {
        embeddableConfig: {},
        gridData: { x: 0, y: 0, w: 48, h: 20, i: "1" },
        panelIndex: "1",
        panelRefName: "panel_0",
      },
    ]),
    optionsJSON: JSON.stringify({ hidePanelTitles: false, useMargins: true }),
    version: 1,
    timeRestore: true,
    timeFrom: "now-1h",
    timeTo: "now",
    refreshInterval: { pause: false, value: 5000 },
    kibanaSavedObjectMeta: {
      searchSourceJSON: JSON.stringify({ query: { query: "", language: "kuery" }, filter: [] }),
    },
  },
  id: DASHBOARD_ID,
  migrationVersion: { dashboard: "7.9.3" },
  references: [{ name: "panel_0", type: "visualization", id: VISUALIZATION_ID }],
  type: "dashboard",
})

/** The saved objects, in dependency order (index pattern, visualization, dashboard). */
export const dashboardSavedObjects = (
  options: DashboardOptions = {},
): ReadonlyArray<Record<string, unknown>> => [
  indexPattern(options.indexPrefix ?? DEFAULT_INDEX_PREFIX),
  visualization(options.maxDevices ?? 20),
  dashboard(),
]

/** The importable NDJSON file: one object per line, then Dashboards' export summary. */
export const dashboardsNdjson = (options: DashboardOptions = {}): string => {
  const objects = dashboardSavedObjects(options)
  const summary = { exportedCount: objects.length, missingRefCount: 0, missingReferences: [] }
  return `${[...objects, summary].map((line) => JSON.stringify(line)).join("\n")}\n`
}
