import { constants } from 'node:perf_hooks'

/** What a garbage collection was, by the `kind` of its `gc` performance entry. */
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb'

/** The names of the `gc` performance entries' kinds (`entry.detail.kind`). */
export const GC_KINDS: Readonly<Record<number, GcKind>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
}
