import { EventEmitter } from 'eventemitter3'
import { CycleError, InvalidOptionError, UnknownNodeError } from './errors'
import { hashValue } from './hash'
import { checkGraphOptions } from './options'
import type {
  DeriveOptions,
  Durability,
  GraphContext,
  GraphEvents,
  GraphOptions,
  GraphSnapshot,
  InputOptions,
  RecomputeReason,
} from './types'

/** Fingerprint recorded when a computation read a key that did not exist. */
const ABSENT = ''

interface InputNode {
  kind: 'input'
  value: unknown
  fingerprint: string
  durability: Durability
  causes: string[]
}

interface DerivedNode {
  kind: 'derived'
  compute: (ctx: GraphContext) => unknown
  declared: readonly string[]
  equals: ((a: unknown, b: unknown) => boolean) | undefined
  hasValue: boolean
  value: unknown
  fingerprint: string
  deps: Array<[string, string]>
  verifiedAt: number
  durability: Durability
  causes: string[]
}

type Node = InputNode | DerivedNode

/** An in-memory dependency graph of inputs and derived values (see `createGraph`). */
export interface Graph {
  /** Sets an input; returns false (and changes nothing) when its fingerprint is unchanged. */
  set(key: string, value: unknown, options?: InputOptions): boolean
  /** Removes an input; dependents that read it see `undefined` next time and recompute. */
  delete(key: string): boolean
  /** Tells the graph that values of its `source` may have changed (a low-durability change). */
  invalidate(): void
  /** Defines (or redefines) a derived value; a known trace is kept and verified lazily. */
  derive(key: string, compute: (ctx: GraphContext) => unknown, options?: DeriveOptions): void
  /** Forgets a derived value and its trace. */
  undefine(key: string): boolean
  /** Reads an input or a derived value, recomputing only what changed since it was verified. */
  get<T = unknown>(key: string): T
  has(key: string): boolean
  /** The fingerprint of a node's current value (verifying it first when derived). */
  fingerprint(key: string): string
  /** Traces of every computed derived value, to restore with `createGraph({ snapshot })`. */
  snapshot(): GraphSnapshot
  stats(): { revision: number; recomputed: number; reused: number }
  on<K extends keyof GraphEvents>(event: K, listener: GraphEvents[K]): () => void
}

const rank: Record<Durability, number> = { low: 0, high: 1 }

/**
 * A pull-based incremental graph in the style of salsa: derived values record the inputs and
 * derived values they read (plus declared ones) with each one's fingerprint. A read re-verifies
 * those dependencies in order and recomputes only if one changed; dirtiness is transitive
 * through derived values, and a recomputed value whose fingerprint did not change does not
 * dirty its dependents (early cutoff). Nodes that depend only on `high`-durability inputs skip
 * re-checking entirely while no high-durability input changed.
 */
export function createGraph(options: GraphOptions = {}): Graph {
  checkGraphOptions(options)
  const nodes = new Map<string, Node>()
  const pending = new Map(Object.entries(options.snapshot ?? {}))
  const emitter = new EventEmitter<GraphEvents>()
  const source = options.source
  const computing: string[] = []
  let revision = 1
  const lastChanged: Record<Durability, number> = { low: 1, high: 1 }
  let recomputed = 0
  let reused = 0

  function bump(durability: Durability): void {
    revision++
    lastChanged.low = revision
    if (durability === 'high') lastChanged.high = revision
  }

  function ensure(key: string, node: DerivedNode): void {
    if (node.verifiedAt === revision) return
    if (computing.includes(key))
      throw new CycleError([...computing.slice(computing.indexOf(key)), key])
    if (node.hasValue && node.verifiedAt > 0 && lastChanged[node.durability] <= node.verifiedAt) {
      node.verifiedAt = revision
      return
    }
    let changed: string | undefined
    if (node.hasValue) {
      let durability: Durability = 'high'
      for (const [dep, fingerprint] of node.deps) {
        const current = fingerprintOf(dep)
        if (current !== fingerprint) {
          changed = dep
          break
        }
        durability = minDurability(durability, durabilityOf(dep))
      }
      if (changed === undefined) {
        node.verifiedAt = revision
        node.durability = durability
        reused++
        return
      }
    }
    recompute(key, node, changed)
  }

  function recompute(key: string, node: DerivedNode, changed: string | undefined): void {
    const reads = new Map<string, string>()
    const ctx: GraphContext = {
      get<T>(dep: string): T {
        const value = readValue(dep)
        if (!reads.has(dep)) reads.set(dep, fingerprintOf(dep))
        return value as T
      },
    }
    computing.push(key)
    let value: unknown
    try {
      for (const dep of node.declared) ctx.get(dep)
      value = node.compute(ctx)
    } finally {
      computing.pop()
    }
    const fingerprint = hashValue(value)
    const same =
      node.hasValue &&
      (node.equals ? node.equals(node.value, value) : node.fingerprint === fingerprint)
    const first = !node.hasValue
    const inputs = changed === undefined ? [] : causesOf(changed)
    if (!same) {
      node.fingerprint = fingerprint
      node.causes = inputs
    }
    node.value = value
    node.hasValue = true
    node.deps = [...reads]
    let durability: Durability = 'high'
    for (const dep of reads.keys()) durability = minDurability(durability, durabilityOf(dep))
    node.durability = durability
    node.verifiedAt = revision
    recomputed++
    const reason: RecomputeReason = {
      key,
      changed: changed === undefined ? [] : [changed],
      inputs,
      first,
    }
    emitter.emit('recompute', reason)
  }

  function readValue(key: string): unknown {
    const node = nodes.get(key)
    if (!node) return source?.(key)?.value
    if (node.kind === 'derived') ensure(key, node)
    return node.value
  }

  function fingerprintOf(key: string): string {
    const node = nodes.get(key)
    if (!node) return source?.(key)?.fingerprint ?? ABSENT
    if (node.kind === 'derived') ensure(key, node)
    return node.fingerprint
  }

  function durabilityOf(key: string): Durability {
    return nodes.get(key)?.durability ?? 'low'
  }

  function causesOf(key: string): string[] {
    return nodes.get(key)?.causes ?? [key]
  }

  return {
    set(key, value, inputOptions = {}) {
      const durability = inputOptions.durability ?? 'low'
      const existing = nodes.get(key)
      if (existing?.kind === 'derived') {
        throw new InvalidOptionError('key', `"${key}" is a derived value and cannot be set`)
      }
      const fingerprint = inputOptions.fingerprint ?? hashValue(value)
      if (existing && existing.fingerprint === fingerprint && existing.durability === durability) {
        existing.value = value
        return false
      }
      bump(
        existing && rank[existing.durability] > rank[durability] ? existing.durability : durability,
      )
      nodes.set(key, { kind: 'input', value, fingerprint, durability, causes: [key] })
      return true
    },
    delete(key) {
      const existing = nodes.get(key)
      if (existing?.kind !== 'input') return false
      nodes.delete(key)
      bump(existing.durability)
      return true
    },
    invalidate() {
      bump('low')
    },
    derive(key, compute, deriveOptions = {}) {
      const existing = nodes.get(key)
      if (existing?.kind === 'input') {
        throw new InvalidOptionError('key', `"${key}" is an input and cannot be derived`)
      }
      if (existing) {
        existing.compute = compute
        existing.declared = deriveOptions.deps ?? []
        existing.equals = deriveOptions.equals
        return
      }
      const saved = pending.get(key)
      pending.delete(key)
      nodes.set(key, {
        kind: 'derived',
        compute,
        declared: deriveOptions.deps ?? [],
        equals: deriveOptions.equals,
        hasValue: saved !== undefined,
        value: saved?.value,
        fingerprint: saved?.fingerprint ?? ABSENT,
        deps: saved ? saved.deps.map(([dep, fp]) => [dep, fp] as [string, string]) : [],
        verifiedAt: 0,
        durability: 'low',
        causes: saved?.causes ?? [],
      })
    },
    undefine(key) {
      const existing = nodes.get(key)
      if (existing?.kind !== 'derived') return false
      nodes.delete(key)
      bump('low')
      return true
    },
    get<T>(key: string): T {
      if (!nodes.has(key) && !source?.(key)) throw new UnknownNodeError(key)
      return readValue(key) as T
    },
    has: (key) => nodes.has(key) || source?.(key) !== undefined,
    fingerprint(key) {
      if (!nodes.has(key) && !source?.(key)) throw new UnknownNodeError(key)
      return fingerprintOf(key)
    },
    snapshot() {
      const out: GraphSnapshot = {}
      for (const [key, node] of nodes) {
        if (node.kind !== 'derived' || !node.hasValue) continue
        out[key] = {
          value: node.value,
          fingerprint: node.fingerprint,
          deps: node.deps.map(([dep, fp]) => [dep, fp] as [string, string]),
          causes: node.causes,
        }
      }
      return out
    },
    stats: () => ({ revision, recomputed, reused }),
    on(event, listener) {
      emitter.on(event, listener)
      return () => {
        emitter.off(event, listener)
      }
    },
  }
}

function minDurability(a: Durability, b: Durability): Durability {
  return rank[a] <= rank[b] ? a : b
}
