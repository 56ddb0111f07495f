// Coverage of code that vitest's v8 provider cannot see: what ran in worker threads and child
// processes. `pnpm coverage` runs the tests with NODE_V8_COVERAGE set, so every Node process and
// thread they start writes its raw V8 coverage on exit. Those processes run the built packages
// (`dist/`), so their coverage is mapped back to `src/` through tsup's source maps, with the same
// converter vitest uses (ast-v8-to-istanbul), and added onto vitest's own report.
import { readdirSync, readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { mergeProcessCovs } from '@bcoe/v8-coverage'
import convert from 'ast-v8-to-istanbul'
import libCoverage from 'istanbul-lib-coverage'
import { parseAstAsync } from 'vitest/node'

/** The raw V8 coverage of the given `dist/` files, merged over every dump in `dir`. */
export function readDistCoverage(dir, distFiles) {
  const wanted = new Set(distFiles.map((file) => pathToFileURL(file).href))
  let merged = { result: [] }
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.json')) continue
    let dump
    try {
      dump = JSON.parse(readFileSync(`${dir}/${name}`, 'utf8'))
    } catch {
      continue // a process killed while writing its dump (a crash test's target) leaves it cut off
    }
    const result = dump.result.filter((script) => wanted.has(script.url))
    if (result.length > 0) merged = mergeProcessCovs([merged, { result }])
  }
  return new Map(merged.result.map((script) => [script.url, script.functions]))
}

/**
 * Istanbul coverage of the sources of `distFiles`, from their raw V8 coverage (`functions` by
 * file URL; a file that never ran is converted with none, so its sources count as uncovered).
 */
export async function distToSources(distFiles, functionsByUrl) {
  const map = libCoverage.createCoverageMap({})
  for (const file of distFiles) {
    const url = pathToFileURL(file).href
    const code = readFileSync(file, 'utf8')
    const sourceMap = JSON.parse(readFileSync(`${file}.map`, 'utf8'))
    sourceMap.sources = sourceMap.sources.map((source) => new URL(source, url).href)
    const data = await convert({
      code,
      ast: await parseAstAsync(code),
      sourceMap,
      wrapperLength: 0,
      coverage: { url, functions: functionsByUrl.get(url) ?? [] },
    })
    // Through JSON, as vitest's report went: an open end column is `null` there, not Infinity.
    map.merge(JSON.parse(JSON.stringify(data)))
  }
  return map
}

const position = (p) => `${p.line}|${p.column}`
const span = (loc) => `${position(loc.start)}-${position(loc.end)}`

/**
 * Adds the hits of `extra` (one file's coverage from the built code) onto `target` (the same
 * file from vitest), keeping `target`'s statements, functions and branches. Both come from the
 * same source, but through two compilers, so an item's end (or, for a reprinted `else if`, its
 * start) can sit at another column: items are matched on the exact span first, then on looser
 * keys that must still be unique in the file (the start; the lines spanned; for branches, the
 * ends of the arms). Returns how many items that ran in `extra` found no counterpart.
 */
export function addHits(target, extra) {
  let unmatched = 0
  const add = (kind, keys, sum) => {
    const hitsKey = { statement: 's', fn: 'f', branch: 'b' }[kind]
    const index = keys.map(() => new Map())
    for (const [id, item] of Object.entries(target[`${kind}Map`])) {
      keys.forEach((key, i) => {
        const k = key(item)
        index[i].set(k, index[i].has(k) ? null : id) // an ambiguous key matches nothing
      })
    }
    for (const [id, item] of Object.entries(extra[`${kind}Map`])) {
      const hits = extra[hitsKey][id]
      let found = null
      for (let i = 0; i < keys.length && found == null; i++) found = index[i].get(keys[i](item))
      if (found == null) {
        if ([hits].flat().some((count) => count > 0)) unmatched++
        continue
      }
      target[hitsKey][found] = sum(target[hitsKey][found], hits)
    }
  }
  const lines = (loc) => `${loc.start.line}>${loc.end.line}`
  add('statement', [span, (loc) => position(loc.start), lines], (a, b) => a + b)
  add(
    'fn',
    [(fn) => span(fn.loc), (fn) => `${fn.name}@${position(fn.loc.start)}`, (fn) => lines(fn.loc)],
    (a, b) => a + b,
  )
  const arms = (branch) => `${branch.type}:${branch.locations.length}`
  add(
    'branch',
    [
      (branch) => `${arms(branch)}:${span(branch.locations[0])}`,
      (branch) => `${arms(branch)}:${position(branch.loc.start)}`,
      (branch) => `${arms(branch)}:${branch.locations.map((loc) => position(loc.end)).join(',')}`,
      (branch) => `${arms(branch)}:${branch.locations.map(lines).join(',')}`,
    ],
    (a, b) => (a.length === b.length ? a.map((count, i) => count + b[i]) : a),
  )
  return unmatched
}

/**
 * vitest's map plus what ran in the built code: files vitest saw get the extra hits, files it
 * never loaded (worker-only code, files no test imports) come from the built code alone.
 */
export function combine(vitestData, distMap, isSource) {
  const combined = libCoverage.createCoverageMap(vitestData)
  const seen = new Set(combined.files())
  let unmatched = 0
  for (const file of distMap.files()) {
    if (!isSource(file)) continue
    const extra = distMap.fileCoverageFor(file)
    if (seen.has(file)) {
      unmatched += addHits(combined.fileCoverageFor(file).data, extra.data)
    } else {
      combined.addFileCoverage(extra)
    }
  }
  return { map: combined, unmatched }
}
