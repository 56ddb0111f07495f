import type { LRUCache } from 'lru-cache'
import { FrequencySketch } from './sketch'

/**
 * What lru-cache holds per key: the cached value itself (`UNDEFINED` for `undefined`; `null` is
 * kept as is at run time), so a hit returns it without touching any wrapper object.
 */
export type Stored = NonNullable<unknown>

export type Store = LRUCache<string, Stored>

/** Builds one lru-cache segment; `onEvict` runs when the segment itself evicts for room. */
export type MakeStore = (
  max: number | undefined,
  maxSize: number | undefined,
  onEvict: (key: string, value: Stored) => void,
) => Store

export type EvictReason = 'size' | 'shrink' | 'admission'

/** What a memory-tier eviction policy keeps: lookups record access, `victims` are least valuable first. */
export interface PolicyStore {
  /** The single lru-cache when the policy is plain LRU (the cache's hot path calls it directly). */
  readonly lru: Store | undefined
  readonly size: number
  lookup(key: string): Stored | undefined
  set(key: string, value: Stored): void
  has(key: string): boolean
  delete(key: string): boolean
  keys(): Iterable<string>
  victims(): Iterable<string>
  clear(): void
}

export interface PolicyHooks {
  make: MakeStore
  evicted(key: string, reason: EvictReason): void
  /** While true, deletions are moves between segments: tags stay indexed. */
  setMoving(moving: boolean): void
}

/** `lru` (recency) or `fifo` (insertion order: reads do not refresh) on one lru-cache. */
export function singleStore(
  policy: 'lru' | 'fifo',
  max: number | undefined,
  maxSize: number | undefined,
  hooks: PolicyHooks,
): PolicyStore {
  const store = hooks.make(max, maxSize, (key) => hooks.evicted(key, 'size'))
  return {
    lru: policy === 'lru' ? store : undefined,
    get size() {
      return store.size
    },
    lookup: policy === 'fifo' ? (key) => store.peek(key) : (key) => store.get(key),
    set: (key, value) => {
      store.set(key, value)
    },
    has: (key) => store.has(key),
    delete: (key) => store.delete(key),
    keys: () => store.keys(),
    victims: () => store.rkeys(),
    clear: () => store.clear(),
  }
}

const share = (total: number | undefined, fraction: number) =>
  total === undefined ? undefined : Math.max(1, Math.floor(total * fraction))

/**
 * W-TinyLFU as in Caffeine: new entries land in a 1 % LRU window; an entry leaving the window
 * enters the main space (a segmented LRU: 20 % probation, 80 % protected) only if a count-min
 * sketch says it is more frequently used than the main space's next victim. Hits in probation
 * promote to protected; protected overflow is demoted back to probation.
 */
export function tinyLfuStore(
  maxEntries: number | undefined,
  maxBytes: number | undefined,
  hooks: PolicyHooks,
): PolicyStore {
  const windowMax = share(maxEntries, 0.01)
  const mainMax = maxEntries === undefined ? undefined : Math.max(1, maxEntries - (windowMax ?? 0))
  const mainBytes =
    maxBytes === undefined ? undefined : Math.max(1, maxBytes - (share(maxBytes, 0.01) ?? 0))
  const sketch = new FrequencySketch(maxEntries ?? 10_000)
  const mainFull = () => mainMax !== undefined && probation.size + protectedStore.size >= mainMax

  const probation = hooks.make(mainMax, mainBytes, (key) => hooks.evicted(key, 'size'))
  const protectedStore = hooks.make(share(mainMax, 0.8), share(mainBytes, 0.8), (key, value) => {
    probation.set(key, value)
  })
  const window = hooks.make(windowMax, share(maxBytes, 0.01), (key, value) => {
    if (mainFull()) {
      const victim = probation.rkeys().next().value ?? protectedStore.rkeys().next().value
      if (victim === undefined || sketch.frequency(key) <= sketch.frequency(victim)) {
        hooks.evicted(key, 'admission')
        return
      }
      const held = probation.has(victim) || protectedStore.has(victim)
      probation.delete(victim)
      protectedStore.delete(victim)
      if (held) hooks.evicted(victim, 'size')
    }
    probation.set(key, value)
  })

  const move = (key: string, value: Stored) => {
    hooks.setMoving(true)
    try {
      probation.delete(key)
      protectedStore.set(key, value)
    } finally {
      hooks.setMoving(false)
    }
  }

  return {
    lru: undefined,
    get size() {
      return window.size + probation.size + protectedStore.size
    },
    lookup(key) {
      sketch.increment(key)
      const hit = window.get(key) ?? protectedStore.get(key)
      if (hit !== undefined) return hit
      const probing = probation.peek(key)
      if (probing !== undefined) move(key, probing)
      return probing
    },
    set(key, value) {
      if (protectedStore.has(key)) protectedStore.set(key, value)
      else if (probation.has(key)) probation.set(key, value)
      else window.set(key, value)
    },
    has: (key) => window.has(key) || probation.has(key) || protectedStore.has(key),
    delete(key) {
      const a = window.delete(key)
      const b = probation.delete(key)
      const c = protectedStore.delete(key)
      return a || b || c
    },
    *keys() {
      yield* window.keys()
      yield* probation.keys()
      yield* protectedStore.keys()
    },
    *victims() {
      yield* probation.rkeys()
      yield* window.rkeys()
      yield* protectedStore.rkeys()
    },
    clear() {
      window.clear()
      probation.clear()
      protectedStore.clear()
    },
  }
}
