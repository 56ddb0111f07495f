import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createCache, diskTier, memoryTier } from '@mx/cache'
import { createTracker, fsStore, MxError } from '@mx/incremental'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { reportFigures } from './helpers/figures'

// Keys and ids an attacker would try: relative and absolute paths, encoded dots, NUL, Windows forms.
const traversal = [
  '../escaped',
  '../../escaped',
  '../../../../../../tmp/escaped',
  '/tmp/escaped-absolute',
  'a/../../escaped',
  '..\\..\\escaped',
  'C:\\escaped',
  '%2e%2e%2fescaped',
  './.././escaped',
  'escaped\u0000.txt',
  '\u0000../escaped',
  '..',
  '.',
  '',
  '~/escaped',
  'CON',
  'nul',
  'a'.repeat(300),
]

/** Every path below `root`, relative to it. */
function listTree(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name)
      out.push(relative(root, path))
      if (statSync(path).isDirectory()) walk(path)
    }
  }
  walk(root)
  return out.sort()
}

describe('no path traversal through keys or document ids', () => {
  let sandbox: ReturnType<typeof tempDir>
  beforeEach(() => {
    sandbox = tempDir('mx-rel-paths-')
  })
  afterEach(() => sandbox.remove())

  it('diskTier keeps every file under its dir whatever the key, and serves each key its own value', async () => {
    const dir = join(sandbox.path, 'cache')
    const cache = createCache({ tiers: [diskTier({ dir })] })
    for (const [index, key] of traversal.entries()) await cache.set(key, { index })
    for (const [index, key] of traversal.entries()) expect(await cache.get(key)).toEqual({ index })
    await cache.close()
    const tree = listTree(sandbox.path)
    expect(tree.every((path) => path === 'cache' || path.startsWith(`cache/`))).toBe(true)
    expect(readdirSync('/tmp').filter((name) => name.includes('escaped'))).toEqual([])
    // A fresh process-like instance reads the same values back from disk.
    const again = createCache({ tiers: [memoryTier(), diskTier({ dir })] })
    for (const [index, key] of traversal.entries()) expect(await again.get(key)).toEqual({ index })
    await again.close()
    reportFigures('security-disk-keys', { keys: traversal.length, filesOutsideDir: 0 })
  })

  it('fsStore keeps every file under its dir whatever the document id, or refuses the id typed', async () => {
    const dir = join(sandbox.path, 'store')
    const store = fsStore({ dir, durable: false })
    const tracker = createTracker({ store })
    const stored: string[] = []
    const refused: string[] = []
    for (const docId of traversal) {
      try {
        await tracker.update(docId, [{ id: 'p1', text: docId }], { element: (e) => e.text })
        stored.push(docId)
      } catch (error) {
        // Only a typed refusal is acceptable (e.g. an id too long for a file name).
        expect(error).toBeInstanceOf(MxError)
        refused.push(docId)
      }
    }
    for (const docId of stored) {
      const doc = await tracker.get(docId)
      expect(doc.value.elements).toEqual([{ id: 'p1', result: docId }])
    }
    expect((await store.documents()).sort()).toEqual([...stored].sort())
    await store.close()
    const tree = listTree(sandbox.path)
    expect(tree.every((path) => path === 'store' || path.startsWith('store/'))).toBe(true)
    expect(readdirSync('/tmp').filter((name) => name.includes('escaped'))).toEqual([])
    reportFigures('security-fs-doc-ids', {
      ids: traversal.length,
      stored: stored.length,
      refused: refused.length,
      filesOutsideDir: 0,
    })
  })
})
