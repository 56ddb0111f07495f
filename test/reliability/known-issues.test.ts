import * as incremental from '@mx/incremental'
import { tempDir } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'

/**
 * Defects the fuzz suite found in other packages, pinned with `it.fails`: each test states the
 * behaviour the package promises (only typed errors, never a crash or a hang) and fails today.
 * When a package is fixed its test passes, `it.fails` turns red, and the entry (plus the matching
 * `skipKnownIssue` in the fuzz file) must be removed, so a fix cannot go unnoticed.
 */

type ErrorBase = abstract new (...args: never[]) => Error

async function expectTyped(base: ErrorBase, fn: () => unknown): Promise<void> {
  let thrown: unknown
  try {
    await fn()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(base)
  expect((thrown as { code?: unknown }).code).toMatch(/^MX_/)
}

const dir = tempDir('mx-rel-known-')
afterAll(() => dir.remove())

const pinned: Array<[pkg: string, what: string, base: ErrorBase, call: () => unknown]> = [
  [
    '@mx/incremental',
    'diffElements(undefined, [])',
    incremental.MxError,
    () => incremental.diffElements(undefined as never, []),
  ],
  [
    '@mx/incremental',
    'createGraph(null)',
    incremental.MxError,
    () => incremental.createGraph(null as never),
  ],
  [
    '@mx/incremental',
    'createTracker with a Symbol maxCachedDocuments (message formatting)',
    incremental.MxError,
    () =>
      incremental.createTracker({
        store: incremental.memoryStore(),
        maxCachedDocuments: Symbol('x') as never,
      }),
  ],
  [
    '@mx/incremental',
    'createTracker with a null-prototype maxCachedDocuments',
    incremental.MxError,
    () =>
      incremental.createTracker({
        store: incremental.memoryStore(),
        maxCachedDocuments: Object.create(null),
      }),
  ],
]

describe('known defects found by the fuzz suite (it.fails until fixed)', () => {
  for (const [pkg, what, base, call] of pinned) {
    it.fails(`${pkg}: ${what} throws a typed MxError`, async () => {
      await expectTyped(base, call).catch((e) => {
        if (process.env.MX_KNOWN_DEBUG) console.log(pkg, what, '->', String(e).slice(0, 160))
        throw e
      })
    })
  }
})
