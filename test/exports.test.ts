// The public surface of every published package, entry by entry: how many values each exports
// (from the built ESM files; `pnpm test` builds first). A change here is a decision. Update the
// numbers, and say in a changeset what was added, or where a removed export went.
import { describe, expect, it } from 'vitest'
import { exportCounts } from '../scripts/export-counts.mjs'

describe('public surfaces', () => {
  it('export exactly these many values per entry point', async () => {
    expect(await exportCounts()).toEqual({
      '@mx/alerts': { '.': 27, './test-suite': 2, './testing': 3 },
      '@mx/cache': { '.': 22, './http': 1, './keyv': 3, './test-suite': 2, './unstorage': 1 },
      '@mx/engine': { '.': 24, './extractor': 3 },
      '@mx/incremental': { '.': 21, './test-suite': 2 },
      '@mx/memory': { '.': 22 },
      '@mx/profiler': { '.': 15, './bench': 10, './otel': 1 },
      '@mx/workers': { '.': 14, './bullmq': 3 },
    })
  })
})
