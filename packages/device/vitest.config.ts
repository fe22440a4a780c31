import { defineProject } from "vitest/config"

export default defineProject({ test: { name: "device", include: ["test/**/*.test.ts"] } })
