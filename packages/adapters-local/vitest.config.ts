import { defineProject } from "vitest/config"

export default defineProject({ test: { name: "adapters-local", include: ["test/**/*.test.ts"] } })
