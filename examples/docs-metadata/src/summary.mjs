// The run's summary: what the table shows and `--json` prints.
import { createErrorPatterns } from '@mx/engine'

const stageNames = ['parse', 'elements', 'document', 'cache', 'total']

/**
 * Counts the JSON lines as they are written, so the summary never needs the results kept in
 * memory (only the failures, for their list).
 */
export function createTally() {
  const tally = {
    documents: { total: 0, ok: 0, failed: 0, fromCache: 0, extracted: 0 },
    elements: { total: 0, extracted: 0, reused: 0 },
    failures: /** @type {{ id: string, code: string }[]} */ ([]),
    /** Failures (read and extract) grouped by message template. */
    patterns: createErrorPatterns(),
    /** @param {{ id: string, ok: boolean, stats?: any, error?: any }} line */
    add(line) {
      tally.documents.total++
      if (!line.ok) {
        tally.documents.failed++
        tally.failures.push({ id: line.id, code: line.error.reason ?? line.error.code })
        tally.patterns.add(line.id, {
          code: line.error.code,
          message: line.error.message,
          causeCode: line.error.reason,
        })
        return
      }
      const { stats } = line
      tally.documents.ok++
      if (stats.source === 'document-cache') tally.documents.fromCache++
      if (stats.extracted > 0) tally.documents.extracted++
      tally.elements.total += stats.elements
      tally.elements.extracted += stats.extracted
      tally.elements.reused += stats.reused
    },
  }
  return tally
}

/**
 * `removed`: documents of the last run's listing that are gone from this one (null without a
 * last run to compare with: the first run, or --no-cache).
 * @param {{ options: any, tally: ReturnType<typeof createTally>, removed: number | null,
 *   relations: any, report: import('@mx/engine').EngineReport, seconds: number }} input
 */
export function buildSummary({ options, tally, removed, relations, report, seconds }) {
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
    ranIn: report.ranIn,
    peakRssBytes: report.memory.peakRss,
    alerts: report.alerts.map((a) => a.rule),
    failures: {
      total: tally.failures.length,
      byCode,
      documents: tally.failures,
      // The 10 most frequent message templates (see `report().errorPatterns` of @mx/engine).
      patterns: tally.patterns.list(topPatterns),
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

/** The summary as a two-column text table. */
export function formatSummary(s) {
  const rows = [
    ['documents', `${s.documents.total} (${s.documents.ok} ok, ${s.documents.failed} failed)`],
    ['served whole from cache', `${s.documents.fromCache} documents`],
    ['extracted', `${s.documents.extracted} documents`],
    [
      'removed since the last run',
      s.documents.removed === null ? 'no last run' : `${s.documents.removed} documents`,
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
    ['document cache hit ratio', s.cache ? percent(s.cache.documentHitRatio) : 'off'],
    ['cache hit ratio (all keys)', s.cache ? percent(s.cache.hitRatio) : 'off'],
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

/** One error pattern in the table: its count, template (80 characters at most) and codes. */
function patternCell(pattern) {
  const template =
    pattern.template.length > 80 ? `${pattern.template.slice(0, 79)}…` : pattern.template
  return `×${pattern.count} ${template} [${pattern.codes.join(', ')}]`
}
