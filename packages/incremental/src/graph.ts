import { InvalidOptionError, UnknownNodeError } from './errors'
import { GraphCore } from './graph-core'
import { derivedNode, rank } from './graph-nodes'
import { hashValue } from './hash'
import { checkGraphOptions } from './options'
import type {
  DeriveOptions,
  GraphContext,
  GraphEvents,
  GraphOptions,
  GraphSnapshot,
  InputOptions,
} from './types'

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
  const core = new GraphCore(options)
  const { nodes, pending, emitter, source } = core

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
      core.bump(
        existing && rank[existing.durability] > rank[durability] ? existing.durability : durability,
      )
      nodes.set(key, { kind: 'input', value, fingerprint, durability, causes: [key] })
      return true
    },
    delete(key) {
      const existing = nodes.get(key)
      if (existing?.kind !== 'input') return false
      nodes.delete(key)
      core.bump(existing.durability)
      return true
    },
    invalidate() {
      core.bump('low')
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
      nodes.set(key, derivedNode(compute, deriveOptions, saved))
    },
    undefine(key) {
      const existing = nodes.get(key)
      if (existing?.kind !== 'derived') return false
      nodes.delete(key)
      core.bump('low')
      return true
    },
    get<T>(key: string): T {
      if (!nodes.has(key) && !source?.(key)) throw new UnknownNodeError(key)
      return core.readValue(key) as T
    },
    has: (key) => nodes.has(key) || source?.(key) !== undefined,
    fingerprint(key) {
      if (!nodes.has(key) && !source?.(key)) throw new UnknownNodeError(key)
      return core.fingerprintOf(key)
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
    stats: () => ({ revision: core.revision, recomputed: core.recomputed, reused: core.reused }),
    on(event, listener) {
      emitter.on(event, listener)
      return () => {
        emitter.off(event, listener)
      }
    },
  }
}
