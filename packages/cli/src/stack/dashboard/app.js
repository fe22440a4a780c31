// The dashboard: reads the stack's JSON API once, then follows live events over SSE.
// No build step: a plain ES module plus uPlot (vendored from node_modules by the server).
/* global uPlot */

const token = new URLSearchParams(location.search).get("token")
const withToken = (path) =>
  token ? `${path}${path.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : path
const api = async (path, init) => {
  const res = await fetch(withToken(path), init)
  const body = await res.json()
  if (!res.ok && !("ok" in body)) throw new Error(body.error ?? res.statusText)
  return body
}

const MAX_POINTS = 300
const charts = new Map() // deviceId -> { plot, data: [t[], temperature[], humidity[]] }
const devices = new Map() // deviceId -> summary

const fmtTime = (ms) => (ms ? new Date(ms).toLocaleTimeString() : "–")
const fmtNumber = (n) => (typeof n === "number" ? n.toLocaleString() : "–")

function chartFor(deviceId) {
  let chart = charts.get(deviceId)
  if (chart) return chart
  const box = document.createElement("div")
  box.className = "chart"
  box.dataset.device = deviceId
  const title = document.createElement("h3")
  title.textContent = deviceId
  box.append(title)
  document.getElementById("charts").append(box)
  const data = [[], [], []]
  const width = () => Math.max(300, box.clientWidth - 16)
  const plot = new uPlot(
    {
      width: width(),
      height: 200,
      // Readings carry the device's clock, written without a zone and stored as UTC: show it as written.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
      scales: { x: { time: true }, temp: {}, hum: {} },
      series: [
        {},
        { label: "temperature (°C)", stroke: "#d35400", scale: "temp" },
        { label: "humidity (%)", stroke: "#2980b9", scale: "hum" },
      ],
      axes: [
        {},
        { scale: "temp", label: "°C" },
        { scale: "hum", side: 1, label: "%", grid: { show: false } },
      ],
    },
    data,
    box,
  )
  // Follow the grid's layout: the box's width is only known once it is placed.
  new ResizeObserver(() => plot.setSize({ width: width(), height: 200 })).observe(box)
  chart = { plot, data, points: 0 }
  charts.set(deviceId, chart)
  return chart
}

/** Adds points in time order; a point at a time already charted replaces it (a redelivery). */
function addPoints(deviceId, points) {
  const chart = chartFor(deviceId)
  const [times, temperature, humidity] = chart.data
  for (const point of points) {
    const t = point.t / 1000
    let at = times.length
    while (at > 0 && times[at - 1] > t) at--
    const replace = at > 0 && times[at - 1] === t
    if (replace) at--
    times.splice(at, replace ? 1 : 0, t)
    temperature.splice(at, replace ? 1 : 0, point.fields.TEMPERATURE ?? null)
    humidity.splice(at, replace ? 1 : 0, point.fields.HUMIDITY ?? null)
    if (!replace) chart.points++
  }
  for (const series of chart.data)
    if (series.length > MAX_POINTS) series.splice(0, series.length - MAX_POINTS)
  chart.plot.setData(chart.data)
  chart.plot.root.dataset.points = String(chart.points)
}

function renderStatus(status) {
  for (const [key, value] of Object.entries(status)) {
    const cell = document.getElementById(`stat-${key}`)
    if (!cell) continue
    cell.textContent =
      key === "lagMs"
        ? `${fmtNumber(value)} ms`
        : key === "throughputPerSec"
          ? `${value.toFixed(1)}/s`
          : fmtNumber(value)
  }
}

function renderDevice(summary) {
  devices.set(summary.deviceId, summary)
  addDeviceOption(summary.deviceId)
  const rows = document.getElementById("device-rows")
  let row = rows.querySelector(`tr[data-device="${CSS.escape(summary.deviceId)}"]`)
  if (!row) {
    row = document.createElement("tr")
    row.dataset.device = summary.deviceId
    row.innerHTML = `<td class="name"></td><td class="seen"></td><td class="temp"></td><td class="hum"></td>
      <td><form class="wait"><input type="number" min="1" max="86400" step="1" aria-label="wait_time"> <button>set</button> <span class="reported"></span></form></td>`
    row.querySelector(".name").textContent = summary.deviceId
    row.querySelector("form").addEventListener("submit", async (event) => {
      event.preventDefault()
      const input = row.querySelector("input")
      const value = input.value === "" ? null : Number(input.value)
      try {
        await api(`/api/devices/${encodeURIComponent(summary.deviceId)}/wait_time`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ value }),
        })
        row.dataset.pending = String(value)
      } catch (error) {
        alert(`could not set wait_time: ${error.message}`)
      }
    })
    rows.append(row)
  }
  row.querySelector(".seen").textContent = fmtTime(summary.lastSeen)
  row.querySelector(".temp").textContent = fmtNumber(summary.latest?.TEMPERATURE)
  row.querySelector(".hum").textContent = fmtNumber(summary.latest?.HUMIDITY)
  const reported = summary.reportedWaitTime
  row.querySelector(".reported").textContent =
    reported === undefined
      ? ""
      : `reported ${reported}${summary.desiredWaitTime !== undefined && summary.desiredWaitTime !== reported ? ` → ${summary.desiredWaitTime}` : ""}`
  row.dataset.reported = reported === undefined ? "" : String(reported)
}

function renderDeadLetter(letter, prepend = true) {
  const rows = document.getElementById("deadletter-rows")
  const row = document.createElement("tr")
  const source = letter.source
    ? [letter.source.topic, letter.source.shardId, letter.source.sequenceNumber].filter(Boolean).join(" ")
    : ""
  for (const text of [fmtTime(letter.at), letter.reason, source]) {
    const cell = document.createElement("td")
    cell.textContent = text
    row.append(cell)
  }
  if (prepend) rows.prepend(row)
  else rows.append(row)
  while (rows.children.length > 100) rows.lastChild.remove()
}

// Aggregates and alerts: projections of the history, polled (they change once per batch).
const PROJECTIONS_REFRESH_MS = 3_000
const stats = (field) =>
  field ? `${fmtNumber(field.min)} / ${field.mean.toFixed(1)} / ${fmtNumber(field.max)}` : "–"

function addDeviceOption(deviceId) {
  const select = document.getElementById("aggregates-device")
  if ([...select.options].some((option) => option.value === deviceId)) return
  select.append(new Option(deviceId, deviceId))
}

async function refreshProjections() {
  const device = document.getElementById("aggregates-device").value
  const resolution = document.getElementById("aggregates-resolution").value
  const [windows, alerts] = await Promise.all([
    device
      ? api(`/api/devices/${encodeURIComponent(device)}/aggregates?resolution=${resolution}&limit=10`)
      : Promise.resolve([]),
    api("/api/alerts?limit=20"),
  ])
  const rows = document.getElementById("aggregate-rows")
  rows.replaceChildren()
  for (const window of windows.slice().reverse()) {
    const row = rows.insertRow()
    row.dataset.start = window.start
    const time = window.start.slice(resolution === "hour" ? 0 : 11, 16).replace("T", " ")
    const cells = [
      time,
      fmtNumber(window.count),
      stats(window.fields.TEMPERATURE),
      stats(window.fields.HUMIDITY),
      window.closed ? "" : "open",
    ]
    for (const text of cells) row.insertCell().textContent = text
  }
  const alertRows = document.getElementById("alert-rows")
  alertRows.replaceChildren()
  for (const alert of alerts) {
    const row = alertRows.insertRow()
    row.dataset.status = alert.status
    for (const text of [
      alert.openedAt,
      alert.deviceId,
      alert.rule,
      alert.status,
      fmtNumber(alert.readings),
      fmtNumber(alert.peak),
    ])
      row.insertCell().textContent = text
  }
}

function followProjections() {
  const refresh = () => refreshProjections().catch(() => {})
  document.getElementById("aggregates-device").addEventListener("change", refresh)
  document.getElementById("aggregates-resolution").addEventListener("change", refresh)
  refresh()
  setInterval(refresh, PROJECTIONS_REFRESH_MS)
}

async function runQuery(event) {
  event.preventDefault()
  const out = document.getElementById("query-result")
  out.textContent = "running…"
  const result = await api("/api/query?limit=200", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sql: document.getElementById("query-sql").value }),
  }).catch((error) => ({ ok: false, error: error.message }))
  out.textContent = ""
  if (!result.ok) {
    out.innerHTML = `<p class="error"></p>`
    out.firstChild.textContent = result.error
    return
  }
  const table = document.createElement("table")
  const head = table.createTHead().insertRow()
  for (const column of result.columns) head.insertCell().textContent = column
  const body = table.createTBody()
  for (const row of result.rows) {
    const tr = body.insertRow()
    for (const column of result.columns) tr.insertCell().textContent = JSON.stringify(row[column] ?? null)
  }
  out.append(table)
}

async function start() {
  document.getElementById("query-form").addEventListener("submit", runQuery)
  const [status, summaries, letters] = await Promise.all([
    api("/api/status"),
    api("/api/devices"),
    api("/api/deadletters?limit=100"),
  ])
  renderStatus(status)
  for (const summary of summaries) {
    renderDevice(summary)
    addPoints(
      summary.deviceId,
      await api(`/api/devices/${encodeURIComponent(summary.deviceId)}/readings?limit=${MAX_POINTS}`),
    )
  }
  for (const letter of letters.slice().reverse()) renderDeadLetter(letter)
  followProjections()

  const pill = document.getElementById("connection")
  const events = new EventSource(withToken("/events"))
  events.onopen = () => {
    pill.textContent = "live"
    pill.dataset.state = "live"
  }
  events.onerror = () => {
    pill.textContent = "reconnecting…"
    pill.dataset.state = "down"
  }
  events.addEventListener("status", (e) => renderStatus(JSON.parse(e.data)))
  events.addEventListener("device", (e) => renderDevice(JSON.parse(e.data)))
  events.addEventListener("deadLetter", (e) => renderDeadLetter(JSON.parse(e.data)))
  events.addEventListener("reading", (e) => {
    const reading = JSON.parse(e.data)
    addPoints(reading.deviceId, [reading])
  })
}

start().catch((error) => {
  const pill = document.getElementById("connection")
  pill.textContent = `error: ${error.message}`
  pill.dataset.state = "down"
})
