import { defineProject } from "vitest/config"

// Tests talk to real brokers (aedes, mosquitto) and bound every wait with waitFor (10 s by
// default); the test timeout leaves room for that bound and the broker start around it.
export default defineProject({
  test: { name: "device", include: ["test/**/*.test.ts"], testTimeout: 30_000 },
})
