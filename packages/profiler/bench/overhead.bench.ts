// Full instrumentation on a realistic workload: extracting metadata from a Markdown document
// (outline, words, links, code blocks), bare versus wrapped in spans, a counter, a labelled
// histogram and the runtime collectors.
import { deepStrictEqual } from 'node:assert'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { benchCompare, type CompareResult } from '../src/bench-entry'
import { createProfiler } from '../src/index'
import { isMain, overheadMarkdown } from './table'

// A real document nobody here wrote: prom-client's README, installed as a devDependency.
const require = createRequire(import.meta.url)
const document = readFileSync(require.resolve('prom-client/README.md'), 'utf8')

function parse(text: string) {
  return text.split('\n')
}

function extract(lines: string[]) {
  const outline: string[] = []
  const links: string[] = []
  let words = 0
  let code = 0
  let fenced = false
  for (const line of lines) {
    if (line.startsWith('```')) {
      fenced = !fenced
      if (fenced) code++
      continue
    }
    if (fenced) continue
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) outline.push(heading[2] as string)
    for (const match of line.matchAll(/\[([^\]]*)\]\(([^)]+)\)/g)) links.push(match[2] as string)
    words += line.split(/\s+/).filter(Boolean).length
  }
  return { outline, links, words, code }
}

export async function main(): Promise<Array<[string, CompareResult]>> {
  const p = createProfiler({ collectRuntime: true })
  const docs = p.counter('docs.extracted')
  const parseMs = p.histogram('stage.ms', { labels: { stage: 'parse' } })
  const extractMs = p.histogram('stage.ms', { labels: { stage: 'extract' } })
  const bare = () => extract(parse(document))
  const instrumented = () =>
    p.span('document', () => {
      let start = performance.now()
      const lines = p.span('parse', () => parse(document))
      parseMs.record(performance.now() - start)
      start = performance.now()
      const result = p.span('extract', () => extract(lines))
      extractMs.record(performance.now() - start)
      docs.inc()
      return result
    })
  deepStrictEqual(instrumented(), bare(), 'instrumentation changed the result')
  const result = await benchCompare(
    { 'bare extraction': bare, 'instrumented extraction': instrumented },
    { timeMs: 2000, minSamples: 60 },
  )
  if (p.snapshot().stages[0]?.path !== 'document') throw new Error('no document span recorded')
  p.close()
  return [['full instrumentation, Markdown extraction', result]]
}

if (isMain(import.meta.url)) console.log(overheadMarkdown(await main()))
