import { defineProject } from "vitest/config"

// Property tests and local servers can take seconds on a loaded 2-core CI machine: bound each
// test generously rather than let the 5 s default turn load into failures.
export default defineProject({
  test: { name: "deploy", include: ["test/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 60_000 },
})
