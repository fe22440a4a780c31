import { defineProject } from "vitest/config"

export default defineProject({ test: { name: "postgres-sink", include: ["test/**/*.test.ts"] } })
