import type { DerivedRecord, DeriveOptions, Durability, GraphContext } from './types'

/** Fingerprint recorded when a computation read a key that did not exist. */
export const ABSENT = ''

export interface InputNode {
  kind: 'input'
  value: unknown
  fingerprint: string
  durability: Durability
  causes: string[]
}

export interface DerivedNode {
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

export type Node = InputNode | DerivedNode

export const rank: Record<Durability, number> = { low: 0, high: 1 }

export function minDurability(a: Durability, b: Durability): Durability {
  return rank[a] <= rank[b] ? a : b
}

/** A new derived node, holding the trace `saved` by a snapshot (verified on its first read). */
export function derivedNode(
  compute: (ctx: GraphContext) => unknown,
  options: DeriveOptions,
  saved: DerivedRecord | undefined,
): DerivedNode {
  return {
    kind: 'derived',
    compute,
    declared: options.deps ?? [],
    equals: options.equals,
    hasValue: saved !== undefined,
    value: saved?.value,
    fingerprint: saved?.fingerprint ?? ABSENT,
    deps: saved ? saved.deps.map(([dep, fp]) => [dep, fp] as [string, string]) : [],
    verifiedAt: 0,
    durability: 'low',
    causes: saved?.causes ?? [],
  }
}
