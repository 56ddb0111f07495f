import { EventEmitter } from 'eventemitter3'
import { CycleError } from './errors'
import { ABSENT, type DerivedNode, minDurability, type Node } from './graph-nodes'
import { hashValue } from './hash'
import type {
  DerivedRecord,
  Durability,
  GraphContext,
  GraphEvents,
  GraphOptions,
  RecomputeReason,
} from './types'

/**
 * The state of one graph and its verification: reading a derived node re-checks the
 * fingerprints of its recorded dependencies in order and recomputes it only when one changed
 * (see `createGraph`, which exposes it).
 */
export class GraphCore {
  readonly nodes = new Map<string, Node>()
  /** Traces of a restored snapshot, taken over by `derive()` key by key. */
  readonly pending: Map<string, DerivedRecord>
  readonly emitter = new EventEmitter<GraphEvents>()
  readonly source: GraphOptions['source']
  /** Derived keys being computed, innermost last: reading one of them again is a cycle. */
  private readonly computing: string[] = []
  revision = 1
  private readonly lastChanged: Record<Durability, number> = { low: 1, high: 1 }
  recomputed = 0
  reused = 0

  constructor(options: GraphOptions) {
    this.pending = new Map(Object.entries(options.snapshot ?? {}))
    this.source = options.source
  }

  /** Starts a new revision after a change of the given durability. */
  bump(durability: Durability): void {
    this.revision++
    this.lastChanged.low = this.revision
    if (durability === 'high') this.lastChanged.high = this.revision
  }

  readValue(key: string): unknown {
    const node = this.nodes.get(key)
    if (!node) return this.source?.(key)?.value
    if (node.kind === 'derived') this.ensure(key, node)
    return node.value
  }

  fingerprintOf(key: string): string {
    const node = this.nodes.get(key)
    if (!node) return this.source?.(key)?.fingerprint ?? ABSENT
    if (node.kind === 'derived') this.ensure(key, node)
    return node.fingerprint
  }

  private ensure(key: string, node: DerivedNode): void {
    const computing = this.computing
    if (node.verifiedAt === this.revision) return
    if (computing.includes(key))
      throw new CycleError([...computing.slice(computing.indexOf(key)), key])
    if (
      node.hasValue &&
      node.verifiedAt > 0 &&
      this.lastChanged[node.durability] <= node.verifiedAt
    ) {
      node.verifiedAt = this.revision
      return
    }
    let changed: string | undefined
    if (node.hasValue) {
      let durability: Durability = 'high'
      for (const [dep, fingerprint] of node.deps) {
        const current = this.fingerprintOf(dep)
        if (current !== fingerprint) {
          changed = dep
          break
        }
        durability = minDurability(durability, this.durabilityOf(dep))
      }
      if (changed === undefined) {
        node.verifiedAt = this.revision
        node.durability = durability
        this.reused++
        return
      }
    }
    this.recompute(key, node, changed)
  }

  private recompute(key: string, node: DerivedNode, changed: string | undefined): void {
    const reads = new Map<string, string>()
    const ctx: GraphContext = {
      get: <T>(dep: string): T => {
        const value = this.readValue(dep)
        if (!reads.has(dep)) reads.set(dep, this.fingerprintOf(dep))
        return value as T
      },
    }
    this.computing.push(key)
    let value: unknown
    try {
      for (const dep of node.declared) ctx.get(dep)
      value = node.compute(ctx)
    } finally {
      this.computing.pop()
    }
    const fingerprint = hashValue(value)
    const same =
      node.hasValue &&
      (node.equals ? node.equals(node.value, value) : node.fingerprint === fingerprint)
    const first = !node.hasValue
    const inputs = changed === undefined ? [] : this.causesOf(changed)
    if (!same) {
      node.fingerprint = fingerprint
      node.causes = inputs
    }
    node.value = value
    node.hasValue = true
    node.deps = [...reads]
    let durability: Durability = 'high'
    for (const dep of reads.keys()) durability = minDurability(durability, this.durabilityOf(dep))
    node.durability = durability
    node.verifiedAt = this.revision
    this.recomputed++
    const reason: RecomputeReason = {
      key,
      changed: changed === undefined ? [] : [changed],
      inputs,
      first,
    }
    this.emitter.emit('recompute', reason)
  }

  private durabilityOf(key: string): Durability {
    return this.nodes.get(key)?.durability ?? 'low'
  }

  private causesOf(key: string): string[] {
    return this.nodes.get(key)?.causes ?? [key]
  }
}
