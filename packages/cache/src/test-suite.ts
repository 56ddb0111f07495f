import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { manualClock as kernelClock, type ManualClock } from './kernel'
import { deleteListed } from './pattern-invalidation'
import { cacheInvalidation, type SuiteSubject } from './test-suite-cache'
import type { Tier, TierEntry } from './types'

/** A clock the suite moves by hand (`advance(ms)`), from the shared mx test clock. */
export type { ManualClock }

/** A manual clock starting at `start` epoch milliseconds (default: November 2023). */
export function manualClock(start = 1_700_000_000_000): ManualClock {
  return kernelClock(start)
}

export interface TierSuiteOptions {
  /** Skip the `lock()` checks even if the tier has one. */
  skipLock?: boolean
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text))
const text = (entry: TierEntry | undefined) =>
  entry === undefined ? undefined : Buffer.from(entry.value as Uint8Array).toString()

/** The tier under test and its clock: a fresh pair before each test. */
type Subject = SuiteSubject

/** An entry for `value` written now: fresh for `ttl` ms, then stale for `grace` ms. */
function entryMaker(subject: Subject) {
  return (value: string, ttl = 10_000, tags: string[] = [], grace = 0): TierEntry => ({
    value: bytes(value),
    expiresAt: subject.clock.now() + ttl,
    staleUntil: subject.clock.now() + ttl + grace,
    tags,
    writtenAt: subject.clock.now(),
  })
}

/**
 * Deletion by glob as the cache does it in `tier`: its own `deleteMatching`, else listing its
 * keys; undefined when it has neither (the cache then refuses `invalidate({ pattern })`).
 */
function matcher(tier: Tier): ((prefix: string, glob: string) => Promise<number>) | undefined {
  if (tier.deleteMatching) return async (prefix, glob) => tier.deleteMatching?.(prefix, glob) ?? 0
  if (tier.keys) return (prefix, glob) => deleteListed(tier, prefix, glob)
  return undefined
}

/**
 * The conformance suite every `Tier` runs (`@mx/cache/test-suite`, needs vitest): call it inside
 * a test file with a factory that builds a fresh, empty tier on the given clock. Values are
 * `Uint8Array`s, which memory and shared tiers both accept. The checks of an optional method run
 * only on tiers that have it; the cache-level checks (`invalidate` by keys, tags, `dependsOn`,
 * pattern, `clear`, namespaces, grace) run on every tier, through `createCache`.
 */
export function runTierSuite(
  name: string,
  create: (clock: ManualClock) => Tier | Promise<Tier>,
  options: TierSuiteOptions = {},
): void {
  describe(`Tier conformance: ${name}`, () => {
    const subject = {} as Subject
    beforeEach(async () => {
      subject.clock = manualClock()
      subject.tier = await create(subject.clock)
    })
    afterEach(async () => {
      await subject.tier.clear('')
      await subject.tier.close()
    })
    readsAndWrites(subject)
    invalidation(subject)
    keysAndListing(subject)
    if (!options.skipLock) locks(subject)
    cacheInvalidation(subject)
  })
}

/** Reading, replacing and deleting entries, and serving one within grace. */
function readsAndWrites(subject: Subject): void {
  const entry = entryMaker(subject)

  it('returns undefined for a key never set', async () => {
    const { tier } = subject
    expect(await tier.get('ns:missing')).toBeUndefined()
  })

  it('returns what was set, with its expiry and tags', async () => {
    const { tier } = subject
    const stored = entry('hello', 5_000, ['t1', 't2'], 1_000)
    await tier.set('ns:a', stored)
    const got = await tier.get('ns:a')
    expect(text(got)).toBe('hello')
    expect(got?.expiresAt).toBe(stored.expiresAt)
    expect(got?.staleUntil).toBe(stored.staleUntil)
    expect([...(got?.tags ?? [])].sort()).toEqual(['t1', 't2'])
    // Tag stamps compare it: a tier without deleteTags must keep it.
    if (!tier.deleteTags) expect(got?.writtenAt).toBe(stored.writtenAt)
  })

  it('replaces the value on a second set', async () => {
    const { tier } = subject
    await tier.set('ns:a', entry('one'))
    await tier.set('ns:a', entry('two'))
    expect(text(await tier.get('ns:a'))).toBe('two')
  })

  it('deletes keys and reports how many existed', async () => {
    const { tier } = subject
    await tier.set('ns:a', entry('a'))
    await tier.set('ns:b', entry('b'))
    expect(await tier.delete(['ns:a', 'ns:none'])).toBe(1)
    expect(await tier.get('ns:a')).toBeUndefined()
    expect(text(await tier.get('ns:b'))).toBe('b')
  })

  it('keeps a value past expiresAt until staleUntil, then drops it', async () => {
    const { tier, clock } = subject
    await tier.set('ns:a', entry('a', 1_000, [], 1_000))
    await clock.advance(1_500)
    expect(text(await tier.get('ns:a'))).toBe('a')
    await clock.advance(600)
    expect(await tier.get('ns:a')).toBeUndefined()
  })

  it('keeps an entry whose staleUntil is Number.MAX_SAFE_INTEGER (a tag stamp) when it has no deleteTags', async () => {
    const { tier, clock } = subject
    if (tier.deleteTags) return
    const forever = Number.MAX_SAFE_INTEGER
    await tier.set('ns:a', { ...entry('a'), expiresAt: forever, staleUntil: forever })
    await clock.advance(10 * 365 * 24 * 3_600_000)
    expect(text(await tier.get('ns:a'))).toBe('a')
  })
}

/** Invalidating by tag (native `deleteTags`), by glob within a prefix, and by prefix. */
function invalidation(subject: Subject): void {
  const entry = entryMaker(subject)

  it('deletes exactly the entries carrying an invalidated tag when it has deleteTags', async () => {
    const { tier } = subject
    if (!tier.deleteTags) return
    await tier.set('ns:a', entry('a', 10_000, ['red']))
    await tier.set('ns:b', entry('b', 10_000, ['blue', 'red']))
    await tier.set('ns:c', entry('c', 10_000, ['blue']))
    expect(await tier.deleteTags(['red'])).toBe(2)
    expect(await tier.get('ns:a')).toBeUndefined()
    expect(await tier.get('ns:b')).toBeUndefined()
    expect(text(await tier.get('ns:c'))).toBe('c')
  })

  it('keeps an entry rewritten without a tag when that tag is invalidated, with deleteTags', async () => {
    const { tier } = subject
    if (!tier.deleteTags) return
    await tier.set('ns:a', entry('tagged', 10_000, ['red', 'r"e,d]']))
    await tier.set('ns:a', entry('untagged'))
    await tier.set('ns:b', entry('other tag', 10_000, ['red2', '[red]']))
    expect(await tier.deleteTags(['red', 'r"e,d]'])).toBe(0)
    expect(text(await tier.get('ns:a'))).toBe('untagged')
    expect(text(await tier.get('ns:b'))).toBe('other tag')
    expect(await tier.deleteTags(['[red]'])).toBe(1)
  })

  it('deletes by glob within a prefix, treating other characters literally', async () => {
    const { tier } = subject
    const deleteMatching = matcher(tier)
    if (!deleteMatching) return
    for (const key of ['doc:1', 'doc:22', 'doc[1]', 'docx', 'img:1']) {
      await tier.set(`ns:${key}`, entry(key))
    }
    await tier.set('other:doc:1', entry('other'))
    expect(await deleteMatching('ns:', 'doc:?')).toBe(1)
    expect(await tier.get('ns:doc:1')).toBeUndefined()
    expect(await deleteMatching('ns:', 'doc[*')).toBe(1)
    expect(await deleteMatching('ns:', 'doc:*')).toBe(1)
    expect(text(await tier.get('ns:docx'))).toBe('docx')
    expect(text(await tier.get('ns:img:1'))).toBe('img:1')
    expect(text(await tier.get('other:doc:1'))).toBe('other')
  })

  it('leaves named-namespace keys (NUL-led) alone when matching in the root scope', async () => {
    const { tier } = subject
    const deleteMatching = matcher(tier)
    if (!deleteMatching) return
    await tier.set('doc:1', entry('root'))
    await tier.set('\u0000ns\u0000doc:1', entry('named'))
    expect(await deleteMatching('', '*')).toBe(1)
    expect(await tier.get('doc:1')).toBeUndefined()
    expect(text(await tier.get('\u0000ns\u0000doc:1'))).toBe('named')
  })

  it('clears one prefix, or everything with an empty prefix', async () => {
    const { tier } = subject
    await tier.set('a:1', entry('a1'))
    await tier.set('b:1', entry('b1'))
    await tier.clear('a:')
    expect(await tier.get('a:1')).toBeUndefined()
    expect(text(await tier.get('b:1'))).toBe('b1')
    await tier.clear('')
    expect(await tier.get('b:1')).toBeUndefined()
  })
}

/** Hostile keys, and listing the keys under a prefix. */
function keysAndListing(subject: Subject): void {
  const entry = entryMaker(subject)

  it('stores hostile keys safely and keeps them distinct', async () => {
    const { tier } = subject
    const keys = [
      'ns:../../../etc/passwd',
      'ns:..\\..\\windows',
      'ns:a\u0000b',
      'ns:a',
      'ns:*',
      'ns:[a-z]?',
      'ns:\u{1F600} ünï',
      `ns:${'k'.repeat(1024 * 1024)}`,
    ]
    for (const key of keys) await tier.set(key, entry(`v${key.length}:${key.slice(0, 12)}`))
    for (const key of keys)
      expect(text(await tier.get(key))).toBe(`v${key.length}:${key.slice(0, 12)}`)
    expect(await tier.get('ns:a\u0000')).toBeUndefined()
    const deleteMatching = matcher(tier)
    if (!deleteMatching) return
    expect(await deleteMatching('ns:', '\\*')).toBe(0)
    expect(await deleteMatching('ns:', '*')).toBe(keys.length)
  })

  it('lists the keys under a prefix when the tier can list keys', async () => {
    const { tier } = subject
    if (!tier.keys) return
    const list = async (prefix: string) => {
      const keys = new Set<string>()
      for await (const key of tier.keys?.(prefix) ?? []) keys.add(key)
      return [...keys].sort()
    }
    await tier.set('ns:a', entry('a'))
    await tier.set('ns:b*', entry('b'))
    await tier.set('nsx:c', entry('c'))
    await tier.set('\u0000ns\u0000d', entry('d'))
    expect(await list('ns:')).toEqual(['ns:a', 'ns:b*'])
    expect(await list('ns:b*')).toEqual(['ns:b*'])
    expect(await list('')).toEqual(['\u0000ns\u0000d', 'ns:a', 'ns:b*', 'nsx:c'])
    await tier.delete(['ns:a'])
    expect(await list('ns')).toEqual(['ns:b*', 'nsx:c'])
  })
}

/** `lock()`, for tiers that offer locks. */
function locks(subject: Subject): void {
  it('grants a lock to one holder at a time when the tier offers locks', async () => {
    const { tier } = subject
    if (!tier.lock) return
    const first = await tier.lock('ns:a', 5_000)
    expect(first).toBeDefined()
    expect(await tier.lock('ns:a', 5_000)).toBeUndefined()
    await first?.release()
    const second = await tier.lock('ns:a', 5_000)
    expect(second).toBeDefined()
    await second?.release()
  })

  it('refuses a write fenced by an overtaken lock when its locks carry fencing tokens', async () => {
    const { tier } = subject
    const first = await tier.lock?.('ns:f', 5_000)
    if (first?.fence === undefined) return
    await first.release()
    const second = await tier.lock?.('ns:f', 5_000)
    expect(second?.fence).toBeGreaterThan(first.fence)
    const entry = entryMaker(subject)
    expect(await tier.set('ns:f', { ...entry('late'), fence: first.fence })).toBe(false)
    expect(await tier.get('ns:f')).toBeUndefined()
    expect(await tier.set('ns:f', { ...entry('current'), fence: second?.fence })).not.toBe(false)
    expect(text(await tier.get('ns:f'))).toBe('current')
    await second?.release()
  })
}
