import { defineProject } from "vitest/config"

export default defineProject({ test: { name: "simulation", include: ["test/**/*.test.ts"] } })
