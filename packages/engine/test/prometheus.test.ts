import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createProfiler } from '@mx/profiler'
import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createEngine } from '../src/index'
import { collect } from './helpers'

// promtool comes with Debian's prometheus package (scripts/setup-system.sh installs it); without
// it the check is skipped locally and fails under CI, where a skip would hide that it never ran.
const promtoolMissing =
  spawnSync('promtool', ['--version']).status === 0
    ? undefined
    : 'promtool is not on PATH (Debian: apt-get install prometheus; scripts/setup-system.sh does it)'

const extractor = {
  name: 'words',
  version: '1',
  parse: (doc: { content: unknown }) =>
    String(doc.content)
      .split(' ')
      .map((word, i) => ({ id: `w${i}`, word })),
  element: (el: { id: string; word: string }) => el.word.length,
  document: (_elements: unknown[], metas: number[]) => ({ words: metas.length }),
}

describe("the engine's Prometheus metrics", () => {
  it("pass promtool's exposition check and linter, with durations as histograms in seconds", async (context) => {
    if (promtoolMissing !== undefined) {
      if (!process.env.CI) context.skip(promtoolMissing)
      throw new Error(`CI is set but ${promtoolMissing}`)
    }
    const dir = tempDir('mx-engine-prometheus-')
    const profiler = createProfiler({ prefix: 'mx_', collectRuntime: true })
    try {
      await using engine = createEngine({
        extractor,
        profiler,
        cacheDir: dir.path,
        level: 'standard',
      })
      const docs = [
        { id: 'a', content: 'one two three' },
        { id: 'b', content: 'four five' },
        { id: 'x', content: 5 } as never,
      ]
      await collect(engine.extractMany(docs))
      await collect(engine.extractMany(docs)) // document-cache hits this time
      engine.report() // syncs the alert gauges (error rate, heap) with the run's final figures
      const text = profiler.toPrometheus()
      expect(text).toContain('# TYPE mx_extract_duration_seconds histogram\n')
      expect(text).toMatch(/^mx_extract_duration_seconds_bucket\{le="\+Inf"\} 6$/m)
      expect(text).toMatch(
        /^mx_extract_stage_duration_seconds_bucket\{stage="parse",le="\+Inf"\} 2$/m,
      )
      // the engine-built cache records its lookups into the profiler (its memory-tier hits are
      // served by getSync, which records nothing: the hit ratio gauge counts those)
      expect(text).toMatch(/^mx_mx_cache_lookup_seconds_count\{outcome="miss"\} \d+$/m)
      expect(text).toContain('# TYPE mx_cache_hit_ratio gauge\n')
      expect(text).toMatch(/^mx_cache_tier_hit_ratio\{tier="memory"\} [\d.]+$/m)
      expect(text).toContain('# TYPE mx_extract_error_rate gauge\n')
      expect(Number(/^mx_extract_error_rate (\S+)$/m.exec(text)?.[1])).toBeCloseTo(2 / 6, 10)
      expect(text).toContain('# TYPE mx_memory_heap_used_ratio gauge\n')
      const file = join(dir.path, 'metrics.prom')
      writeFileSync(file, text)
      const run = spawnSync('sh', ['-c', `promtool check metrics < ${file}`], { encoding: 'utf8' })
      // promtool prints nothing when the exposition parses and every lint rule passes
      expect(run.stdout + run.stderr).toBe('')
      expect(run.status).toBe(0)
    } finally {
      profiler.close()
      dir.remove()
    }
  })
})
