// The command line as a user runs it, whole process (`node src/main.mjs extract …`), on the
// default corpus (the installed packages' documentation):
//   cold   an empty cache folder (a new one per run)
//   warm   the same folder again, nothing changed
//   edit   one document changed (a paragraph appended, a different one each run)
// `mx-docs extract` itself (no folder: it lists node_modules) for cold and warm, and the same
// documents copied to a temporary folder under the same ids for all three, so that one file can
// be edited. Runs alternate so load from elsewhere spreads over all of them; medians of
// `--rounds` runs each (default 5). Every run is checked: its JSONL equals its cold run's (the
// edited document and the corpus line aside, for edits), a warm run extracts nothing and an edit
// run exactly the edited document. Prints the ratios against cold and the warm runs' peak RSS.
//   node bench/cli.mjs [--rounds 5] [--threads 2] [--level enterprise]
import { execFileSync } from 'node:child_process'
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { listCorpus } from '../src/corpus.mjs'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
    level: { type: 'string', default: 'enterprise' },
  },
})
const rounds = Number(values.rounds)
const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url))
const maxRss = fileURLToPath(new URL('./max-rss.cjs', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'mx-docs-cli-bench-'))
const corpus = join(work, 'corpus')

const listing = await listCorpus()
for (const { id, path } of listing) {
  mkdirSync(dirname(join(corpus, id)), { recursive: true })
  copyFileSync(path, join(corpus, id))
}
const bytes = listing.reduce((n, { id }) => n + readFileSync(join(corpus, id)).length, 0)
// The documents an edit appends to: the READMEs, largest first.
const editable = listing
  .filter(({ id }) => id.endsWith('README.md'))
  .map(({ id }) => ({ id, size: readFileSync(join(corpus, id)).length }))
  .sort((a, b) => b.size - a.size)

/**
 * One whole-process run; its wall time, peak RSS (from the process itself, at exit), the
 * `--json` summary and the JSONL lines by id (stats aside: they say where a result came from).
 * @param {string} cacheDir
 * @param {string[]} [folder] the corpus argument: the copy, or none (the installed packages)
 */
function run(cacheDir, folder = [corpus]) {
  const out = join(work, 'out.jsonl')
  const rssFile = join(work, 'rss')
  const started = performance.now()
  const stdout = execFileSync(
    process.execPath,
    [
      '--require',
      maxRss,
      main,
      'extract',
      ...folder,
      '--cache-dir',
      cacheDir,
      '--out',
      out,
      '--report',
      join(work, 'report.html'),
      '--threads',
      values.threads,
      '--level',
      values.level,
      '--json',
    ],
    { env: { ...process.env, MX_MAX_RSS_FILE: rssFile }, maxBuffer: 64 << 20 },
  )
  const ms = performance.now() - started
  const lines = new Map()
  for (const text of readFileSync(out, 'utf8').trim().split('\n')) {
    const { stats: _stats, ...line } = JSON.parse(text)
    lines.set(line.kind === 'corpus' ? '#corpus' : line.id, JSON.stringify(line))
  }
  return {
    ms,
    rssBytes: Number(readFileSync(rssFile, 'utf8')),
    summary: JSON.parse(stdout.toString()),
    lines,
  }
}

/** Throws unless `run` wrote what `reference` did, `except` those ids. */
function checkSame(what, reference, result, except = new Set()) {
  if (result.lines.size !== reference.lines.size)
    throw new Error(
      `${what}: ${result.lines.size} lines, the cold run wrote ${reference.lines.size}`,
    )
  for (const [id, line] of reference.lines)
    if (!except.has(id) && result.lines.get(id) !== line)
      throw new Error(`${what}: ${id} differs from the cold run`)
}

function checkCounts(what, summary, expected) {
  const { documents } = summary
  for (const [key, value] of Object.entries(expected))
    if (documents[key] !== value)
      throw new Error(`${what}: documents.${key} is ${documents[key]}, expected ${value}`)
}

const samples = { installedCold: [], installedWarm: [], cold: [], warm: [], edit: [] }
const rss = { installedCold: [], installedWarm: [], cold: [], warm: [], edit: [] }
console.log(
  `${listing.length} documents, ${(bytes / 1e6).toFixed(1)} MB (the default corpus, copied), ${rounds} rounds, level ${values.level}, ${values.threads} threads`,
)
try {
  for (let round = 0; round < rounds; round++) {
    const installedCache = join(work, `installed-cache-${round}`)
    const installedCold = run(installedCache, [])
    checkCounts('installed cold', installedCold.summary, { total: listing.length, fromCache: 0 })
    const installedWarm = run(installedCache, [])
    checkSame('installed warm', installedCold, installedWarm)
    checkCounts('installed warm', installedWarm.summary, {
      fromCache: listing.length,
      extracted: 0,
      removed: 0,
    })
    rmSync(installedCache, { recursive: true, force: true })
    const cacheDir = join(work, `cache-${round}`)
    const cold = run(cacheDir)
    checkCounts('cold', cold.summary, { total: listing.length, fromCache: 0 })
    const warm = run(cacheDir)
    checkSame('warm', cold, warm)
    checkCounts('warm', warm.summary, { fromCache: listing.length, extracted: 0, removed: 0 })
    const { id } = editable[round % editable.length]
    appendFileSync(join(corpus, id), `\n\nA paragraph added by the benchmark, round ${round}.\n`)
    const edit = run(cacheDir)
    checkSame('edit', cold, edit, new Set([id, '#corpus']))
    checkCounts('edit', edit.summary, { fromCache: listing.length - 1, extracted: 1 })
    if (edit.lines.get(id) === cold.lines.get(id)) throw new Error(`edit: ${id} did not change`)
    rmSync(cacheDir, { recursive: true, force: true })
    for (const [name, result] of Object.entries({
      installedCold,
      installedWarm,
      cold,
      warm,
      edit,
    })) {
      samples[name].push(result.ms)
      rss[name].push(result.rssBytes)
    }
    console.log(
      `round ${round + 1}: mx-docs extract cold ${installedCold.ms.toFixed(0)} ms, warm ${installedWarm.ms.toFixed(0)} ms; the copy: cold ${cold.ms.toFixed(0)} ms, warm ${warm.ms.toFixed(0)} ms, edit ${edit.ms.toFixed(0)} ms (${id})`,
    )
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

const median = (xs) => {
  const sorted = xs.slice().sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]))
const mb = (n) => `${(n / 2 ** 20).toFixed(0)} MB`
console.log(
  `medians: mx-docs extract cold ${m.installedCold.toFixed(0)} ms, warm ${m.installedWarm.toFixed(0)} ms | the copy: cold ${m.cold.toFixed(0)} ms, warm ${m.warm.toFixed(0)} ms, edit ${m.edit.toFixed(0)} ms`,
)
console.log(
  `peak RSS (median): mx-docs extract cold ${mb(median(rss.installedCold))}, warm ${mb(median(rss.installedWarm))} | the copy: cold ${mb(median(rss.cold))}, warm ${mb(median(rss.warm))}, edit ${mb(median(rss.edit))}`,
)
const verdict = (ratio, target) =>
  `${ratio.toFixed(2)}×  (target ≥ ${target}×) ${ratio >= target ? 'met' : 'NOT met'}`
console.log(`mx-docs extract, warm vs cold   ${verdict(m.installedCold / m.installedWarm, 20)}`)
console.log(`the copy, warm vs cold          ${verdict(m.cold / m.warm, 20)}`)
console.log(`the copy, one edit vs cold      ${verdict(m.cold / m.edit, 15)}`)
const warmRss = Math.max(median(rss.warm), median(rss.installedWarm))
console.log(
  `warm peak RSS ${mb(warmRss)} (target ≤ 250 MB) ${warmRss <= 250 * 2 ** 20 ? 'met' : 'NOT met'}`,
)
console.log(
  'every run checked: same JSONL as its cold run; warm runs extracted 0 documents, each edit 1',
)
