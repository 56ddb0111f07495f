// Publishing never ships an unbuilt package: every published package builds itself before it
// is packed (`prepack`), so `pnpm -r publish`, `changeset publish` and `npm pack` on a fresh
// clone all produce complete tarballs, with the changelog `pnpm version-packages` writes.
import { describe, expect, it } from 'vitest'
import { publishedPackages } from '../scripts/export-counts.mjs'

describe('packaging', () => {
  it('every published package runs its build before it is packed', () => {
    for (const { manifest } of publishedPackages()) {
      expect(manifest.scripts?.prepack, manifest.name).toBe(manifest.scripts?.build)
    }
  })

  it('every published package ships its changelog (written by `pnpm version-packages`)', () => {
    for (const { manifest } of publishedPackages()) {
      expect(manifest.files, manifest.name).toContain('CHANGELOG.md')
    }
  })
})
