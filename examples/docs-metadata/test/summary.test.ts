import { describe, expect, it } from 'vitest'
import { buildSummary, createTally, documentCount, formatSummary } from '../src/summary.mjs'

/** The summary table of a run whose lines were `lines`, with no engine (every file unchanged). */
function table(lines: Array<{ id: string; ok: boolean; stats?: unknown }>, removed: number | null) {
  const tally = createTally(undefined)
  for (const line of lines) tally.add(line)
  const options = { dir: 'docs', level: 'performance', threads: 2, out: 'out.jsonl' }
  const summary = buildSummary({
    options,
    tally,
    removed,
    relations: {},
    report: undefined,
    seconds: 1,
  })
  return formatSummary(summary)
}

const unchanged = (id: string) => ({
  id,
  ok: true,
  stats: { elements: 2, extracted: 0, reused: 2, source: 'unchanged', ranIn: 'none' },
})

describe('the summary table', () => {
  it('counts one document in the singular and the others in the plural', () => {
    const one = table([unchanged('a.md')], 1)
    expect(one).toMatch(/served whole from cache\s+│ 1 document\n/)
    expect(one).toMatch(/of which unchanged files\s+│ 1 document \(not read\)/)
    expect(one).toMatch(/extracted\s+│ 0 documents\n/)
    expect(one).toMatch(/removed since the last run\s+│ 1 document\n/)
    const two = table([unchanged('a.md'), unchanged('b.md')], null)
    expect(two).toMatch(/served whole from cache\s+│ 2 documents\n/)
    expect(two).toMatch(/removed since the last run\s+│ no last run\n/)
    expect(two).toMatch(/document cache hit ratio\s+│ not consulted \(every file unchanged\)/)
  })
})

describe('documentCount', () => {
  it('writes the count with the noun in the singular for one, formatted as asked', () => {
    expect(documentCount(1)).toBe('1 document')
    expect(documentCount(0)).toBe('0 documents')
    expect(documentCount(1200, (n) => n.toLocaleString('en-US'))).toBe('1,200 documents')
  })
})
