import { defineProject } from "vitest/config"

export default defineProject({ test: { name: "adapters-aws", include: ["test/**/*.test.ts"] } })
