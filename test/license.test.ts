// The license the packages declare is in the repository and in every published package (npm
// packs a package's LICENSE whatever its `files` say): one text, copied, kept identical.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { publishedPackages } from '../scripts/export-counts.mjs'

const root = resolve(import.meta.dirname, '..')

describe('license', () => {
  const text = readFileSync(join(root, 'LICENSE'), 'utf8')

  it('is MIT at the root', () => {
    expect(text.startsWith('MIT License')).toBe(true)
  })

  it('is declared MIT and copied unchanged into every published package', () => {
    for (const { dir, manifest } of publishedPackages()) {
      expect(manifest.license, manifest.name).toBe('MIT')
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8'), manifest.name).toBe(text)
    }
  })
})
