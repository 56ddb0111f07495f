// Every error code any package throws, listed once. Codes follow one scheme,
// MX_<PACKAGE>_<WHAT> (MX_ALERT_ for @mx/alerts), except the kernel's MX_INVALID_OPTION that
// every package shares. No two packages throw the same code. A code is added here on purpose.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')

const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return path.endsWith('.ts') ? [path] : []
  })

/** The codes the error classes of `dir` (a package or the kernel) are built with. */
function codesOf(dir: string): string[] {
  const codes = new Set<string>()
  for (const file of sources(join(root, dir, 'src'))) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:super|new MxError)\(\s*'(MX_[A-Z0-9_]+)'/g))
      codes.add(match[1] as string)
  }
  return [...codes].sort()
}

const prefixes: Record<string, string> = {
  'tooling/kernel': 'MX_INVALID_OPTION',
  'packages/alerts': 'MX_ALERT_',
  'packages/cache': 'MX_CACHE_',
  'packages/engine': 'MX_ENGINE_',
  'packages/incremental': 'MX_INCREMENTAL_',
  'packages/memory': 'MX_MEMORY_',
  'packages/profiler': 'MX_PROFILER_',
  'packages/workers': 'MX_WORKERS_',
}

describe('error codes', () => {
  const byPackage = Object.fromEntries(Object.keys(prefixes).map((dir) => [dir, codesOf(dir)]))

  it('every package with sources is in the list', () => {
    const packages = readdirSync(join(root, 'packages')).map((name) => `packages/${name}`)
    expect(packages.filter((dir) => !(dir in prefixes))).toEqual([])
  })

  it("each follows its package's prefix, and no code belongs to two packages", () => {
    for (const [dir, codes] of Object.entries(byPackage)) {
      expect(codes.length).toBeGreaterThan(0)
      for (const code of codes) expect(code.startsWith(prefixes[dir] as string), code).toBe(true)
    }
    const all = Object.values(byPackage).flat()
    expect(new Set(all).size).toBe(all.length)
  })

  it('are exactly these', () => {
    expect(byPackage).toEqual({
      'tooling/kernel': ['MX_INVALID_OPTION'],
      'packages/alerts': [
        'MX_ALERT_DUPLICATE_RULE',
        'MX_ALERT_DURATION_INVALID',
        'MX_ALERT_EXPR_FAILED',
        'MX_ALERT_MANAGER_STOPPED',
        'MX_ALERT_RULE_INVALID',
        'MX_ALERT_SILENCE_INVALID',
        'MX_ALERT_SINK_FAILED',
        'MX_ALERT_STATE_FILE',
        'MX_ALERT_TEMPLATE_INVALID',
      ],
      'packages/cache': [
        'MX_CACHE_CIRCUIT_OPEN',
        'MX_CACHE_CLOSED',
        'MX_CACHE_CORRUPT_ENTRY',
        'MX_CACHE_FACTORY_ERROR',
        'MX_CACHE_FACTORY_TIMEOUT',
        'MX_CACHE_KEYS_UNSUPPORTED',
        'MX_CACHE_MISSING_PEER',
        'MX_CACHE_PATTERN_UNSUPPORTED',
        'MX_CACHE_SERIALIZE',
        'MX_CACHE_TIER_TIMEOUT',
      ],
      'packages/engine': [
        'MX_ENGINE_ABORTED',
        'MX_ENGINE_CIRCUIT_OPEN',
        'MX_ENGINE_CLOSED',
        'MX_ENGINE_CRASH',
        'MX_ENGINE_EXTRACT',
        'MX_ENGINE_INPUT',
        'MX_ENGINE_PARSE',
        'MX_ENGINE_TIMEOUT',
      ],
      'packages/incremental': [
        'MX_INCREMENTAL_BATCH_RESULT',
        'MX_INCREMENTAL_CYCLE',
        'MX_INCREMENTAL_DUPLICATE_ID',
        'MX_INCREMENTAL_MISSING_ID',
        'MX_INCREMENTAL_NOT_SERIALIZABLE',
        'MX_INCREMENTAL_STORE_CORRUPT',
        'MX_INCREMENTAL_UNKNOWN_NODE',
        'MX_INCREMENTAL_UNKNOWN_VERSION',
        'MX_INCREMENTAL_VERSION_CONFLICT',
      ],
      'packages/memory': [
        'MX_MEMORY_ACQUIRE_TIMEOUT',
        'MX_MEMORY_CREATE_FAILED',
        'MX_MEMORY_DOUBLE_RELEASE',
        'MX_MEMORY_FOREIGN_RELEASE',
        'MX_MEMORY_GC_UNAVAILABLE',
        'MX_MEMORY_MAX_WAITING',
        'MX_MEMORY_POOL_DRAINED',
      ],
      'packages/profiler': [
        'MX_PROFILER_BENCH_TASK_FAILED',
        'MX_PROFILER_INVALID_LABEL',
        'MX_PROFILER_INVALID_METRIC_NAME',
        'MX_PROFILER_INVALID_VALUE',
        'MX_PROFILER_METRIC_CONFLICT',
        'MX_PROFILER_PROFILE_IN_PROGRESS',
      ],
      'packages/workers': [
        'MX_WORKERS_ABORTED',
        'MX_WORKERS_MISSING_PEER',
        'MX_WORKERS_POOL_CLOSED',
        'MX_WORKERS_QUEUE_FULL',
        'MX_WORKERS_TASK_CRASHED',
        'MX_WORKERS_TASK_INPUT',
        'MX_WORKERS_TASK_MODULE',
        'MX_WORKERS_TASK_TIMEOUT',
      ],
    })
  })
})
