// Publishing never ships an unbuilt package: every published package builds itself before it
// is packed (`prepack`), so `pnpm -r publish`, `changeset publish` and `npm pack` on a fresh
// clone all produce complete tarballs.
import { describe, expect, it } from 'vitest'
import { publishedPackages } from '../scripts/export-counts.mjs'

describe('packaging', () => {
  it('every published package runs its build before it is packed', () => {
    for (const { manifest } of publishedPackages()) {
      expect(manifest.scripts?.prepack, manifest.name).toBe(manifest.scripts?.build)
    }
  })
})
