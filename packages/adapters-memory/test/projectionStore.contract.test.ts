import { suite } from "../src/contract/index.ts"
import { MemoryProjectionStore } from "../src/index.ts"

suite("memory", { projectionStore: () => MemoryProjectionStore.layer() })
