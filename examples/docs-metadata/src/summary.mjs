// The run's summary: what the table shows and `--json` prints.

const stageNames = ['parse', 'elements', 'document', 'cache', 'total']

/**
 * Counts the JSON lines as they are written, so the summary never needs the results kept in
 * memory (only the failures, for their list). `patterns`: the engine's `createErrorPatterns()`,
 * where the run reads documents (one that reads none has no failure to group).
 * @param {ReturnType<typeof import('@mx/engine').createErrorPatterns>} [patterns]
 */
export function createTally(patterns) {
  const tally = {
    documents: { total: 0, ok: 0, failed: 0, fromCache: 0, unchanged: 0, extracted: 0 },
    elements: { total: 0, extracted: 0, reused: 0 },
    failures: /** @type {{ id: string, code: string }[]} */ ([]),
    /** Failures (read and extract) grouped by message template. */
    patterns,
    /** @param {{ id: string, ok: boolean, stats?: any, error?: any }} line */
    add(line) {
      tally.documents.total++
      if (!line.ok) {
        tally.documents.failed++
        tally.failures.push({ id: line.id, code: line.error.reason ?? line.error.code })
        tally.patterns?.add(line.id, {
          code: line.error.code,
          message: line.error.message,
          causeCode: line.error.reason,
        })
        return
      }
      const { stats } = line
      tally.documents.ok++
      // `unchanged`: the file was not even read, its line is the last run's (unchanged.mjs).
      if (stats.source === 'unchanged') tally.documents.unchanged++
      if (stats.source === 'document-cache' || stats.source === 'unchanged')
        tally.documents.fromCache++
      if (stats.extracted > 0) tally.documents.extracted++
      tally.elements.total += stats.elements
      tally.elements.extracted += stats.extracted
      tally.elements.reused += stats.reused
    },
  }
  return tally
}

/**
 * The engine's report for a run that needed no engine (every file unchanged): no stage ran, no
 * cache was consulted, nothing fired.
 * @returns {Pick<import('@mx/engine').EngineReport, 'stages' | 'cache' | 'ranIn' | 'alerts'> &
 *   { memory: { peakRss: number } }}
 */
function idleReport() {
  return {
    stages: /** @type {any} */ (
      Object.fromEntries(stageNames.map((name) => [name, { p50: 0, p95: 0 }]))
    ),
    cache: undefined,
    ranIn: { inline: 0, workers: 0, none: 0 },
    memory: { peakRss: process.resourceUsage().maxRSS * 1024 },
    alerts: [],
  }
}

/**
 * `removed`: documents of the last run's listing that are gone from this one (null without a
 * last run to compare with: the first run, or --no-cache). `report`: the engine's, undefined
 * when the run made none.
 * @param {{ options: any, tally: ReturnType<typeof createTally>, removed: number | null,
 *   relations: any, report: import('@mx/engine').EngineReport | undefined, seconds: number }} input
 */
export function buildSummary({ options, tally, removed, relations, report: engine, seconds }) {
  const report = engine ?? idleReport()
  const byCode = {}
  for (const { code } of tally.failures) byCode[code] = (byCode[code] ?? 0) + 1
  return {
    source: options.dir ?? 'node_modules (installed packages’ README, CHANGELOG, docs/)',
    level: options.level,
    threads: options.threads,
    documents: { ...tally.documents, removed },
    elements: { ...tally.elements },
    seconds: round(seconds, 3),
    documentsPerSecond: round(tally.documents.total / seconds, 1),
    stages: Object.fromEntries(
      stageNames.map((name) => [
        name,
        { p50: round(report.stages[name].p50, 3), p95: round(report.stages[name].p95, 3) },
      ]),
    ),
    cache: report.cache
      ? {
          hitRatio: round(report.cache.hitRatio, 4),
          documentHitRatio: round(
            report.cache.documentHits /
              Math.max(1, report.cache.documentHits + report.cache.documentMisses),
            4,
          ),
          documentHits: report.cache.documentHits,
          documentMisses: report.cache.documentMisses,
          tiers: report.cache.tiers.map((t) => ({
            name: t.name,
            hits: t.hits,
            misses: t.misses,
            hitRatio: round(t.hitRatio, 4),
          })),
        }
      : null,
    // An unchanged document ran nowhere, as one served whole from the cache.
    ranIn: { ...report.ranIn, none: report.ranIn.none + tally.documents.unchanged },
    peakRssBytes: report.memory.peakRss,
    alerts: report.alerts.map((a) => a.rule),
    failures: {
      total: tally.failures.length,
      byCode,
      documents: tally.failures,
      // The 10 most frequent message templates (see `report().errorPatterns` of @mx/engine).
      patterns: tally.patterns?.list(topPatterns) ?? [],
    },
    relations: {
      links: relations.links?.length ?? 0,
      duplicates: relations.duplicates?.length ?? 0,
    },
    out: options.out,
    report: options.report,
  }
}

/** Patterns in `--json`; the table shows the first 5. */
const topPatterns = 10
const tablePatterns = 5
const round = (value, digits) => Number(value.toFixed(digits))
const percent = (ratio) => `${(ratio * 100).toFixed(1)}%`
const ms = (value) => `${value.toFixed(2)} ms`
/**
 * "1 document", "2 documents": `n` written by `format` (the report formats thousands).
 * @param {number} n @param {(n: number) => string} [format]
 */
export const documentCount = (n, format = String) => `${format(n)} document${n === 1 ? '' : 's'}`

/** The summary as a two-column text table. */
export function formatSummary(s) {
  const rows = [
    ['documents', `${s.documents.total} (${s.documents.ok} ok, ${s.documents.failed} failed)`],
    ['served whole from cache', documentCount(s.documents.fromCache)],
    ['  of which unchanged files', `${documentCount(s.documents.unchanged)} (not read)`],
    ['extracted', documentCount(s.documents.extracted)],
    [
      'removed since the last run',
      s.documents.removed === null ? 'no last run' : documentCount(s.documents.removed),
    ],
    ['elements', String(s.elements.total)],
    ['elements extracted', String(s.elements.extracted)],
    ['elements reused', String(s.elements.reused)],
    ['documents/s', String(s.documentsPerSecond)],
    ['wall time', `${s.seconds} s`],
    ...Object.entries(s.stages).map(([name, t]) => [
      `${name} p50 / p95`,
      `${ms(t.p50)} / ${ms(t.p95)}`,
    ]),
    ['document cache hit ratio', s.cache ? percent(s.cache.documentHitRatio) : noCache(s)],
    ['cache hit ratio (all keys)', s.cache ? percent(s.cache.hitRatio) : noCache(s)],
    ...(s.cache?.tiers ?? []).map((t) => [
      `  ${t.name} tier`,
      `${percent(t.hitRatio)} (${t.hits} hits, ${t.misses} misses)`,
    ]),
    ['ran inline / workers / none', `${s.ranIn.inline} / ${s.ranIn.workers} / ${s.ranIn.none}`],
    ['peak RSS', `${(s.peakRssBytes / 1024 / 1024).toFixed(0)} MB`],
    ['cross-document links', String(s.relations.links)],
    ['near-duplicate pairs', String(s.relations.duplicates)],
    ['alerts firing', s.alerts.length > 0 ? s.alerts.join(', ') : 'none'],
    [
      'failures',
      s.failures.total === 0
        ? 'none'
        : Object.entries(s.failures.byCode)
            .map(([code, n]) => `${code} ×${n}`)
            .join(', '),
    ],
    ...(s.failures.patterns ?? [])
      .slice(0, tablePatterns)
      .map((p, i) => [i === 0 ? 'top error patterns' : '', patternCell(p)]),
  ]
  const width = Math.max(...rows.map(([label]) => label.length))
  const line = `${'─'.repeat(width + 2)}┼${'─'.repeat(Math.max(...rows.map(([, v]) => v.length)) + 2)}`
  return [line, ...rows.map(([label, value]) => ` ${label.padEnd(width)} │ ${value}`), line].join(
    '\n',
  )
}

/** Why a summary has no cache figures: none was needed (every file unchanged), or it is off. */
const noCache = (s) =>
  s.documents.total > 0 && s.documents.unchanged === s.documents.total
    ? 'not consulted (every file unchanged)'
    : 'off'

/** One error pattern in the table: its count, template (80 characters at most) and codes. */
function patternCell(pattern) {
  const template =
    pattern.template.length > 80 ? `${pattern.template.slice(0, 79)}…` : pattern.template
  return `×${pattern.count} ${template} [${pattern.codes.join(', ')}]`
}
