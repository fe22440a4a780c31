import { defineProject } from "vitest/config"

// Generous bounds: several tests start real processes (sluice up, mosquitto, Chromium), which
// take seconds on a loaded 2-core machine. Each test still waits on conditions, never on time.
export default defineProject({
  test: { name: "cli", include: ["test/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 120_000 },
})
