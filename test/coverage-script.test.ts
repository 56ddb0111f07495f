import { describe, expect, it } from 'vitest'
import { byPackage } from '../scripts/coverage.mjs'

const counts = (lines: [number, number], branches: [number, number]) => ({
  lines: { covered: lines[0], total: lines[1] },
  branches: { covered: branches[0], total: branches[1] },
})

describe('pnpm coverage (scripts/coverage.mjs)', () => {
  it('adds up the files of each package, and leaves out what is no package source', () => {
    const summary = {
      total: counts([1, 1], [1, 1]),
      '/repo/packages/cache/src/core.ts': counts([90, 100], [40, 50]),
      '/repo/packages/cache/src/tiers/redis.ts': counts([10, 10], [5, 10]),
      '/repo/packages/alerts/src/index.ts': counts([3, 4], [0, 0]),
      '/repo/examples/docs-metadata/src/run.mjs': counts([0, 10], [0, 10]),
    }
    expect(byPackage(summary)).toEqual({
      cache: { lines: [100, 110], branches: [45, 60] },
      alerts: { lines: [3, 4], branches: [0, 0] },
    })
  })
})
