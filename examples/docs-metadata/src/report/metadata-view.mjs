// The part of report.html a reader comes for: every document in a table one can filter as one
// types, the near-duplicate groups and the link graph. It goes before @mx/profiler's performance
// sections (renderReport's `intro`). Every string from a document is escaped: they are untrusted.
import { documentCount } from '../summary.mjs'

/** @typedef {import('./document-rows.mjs').DocumentRow | import('./document-rows.mjs').FailedRow} Row */

/**
 * @typedef {{ keywords?: Record<string, string[]>, links?: { from: string, to: string }[],
 *   duplicates?: { a: string, b: string, similarity: number }[] }} Relations
 */

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text (or a number) as HTML text or attribute value. */
export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => escapes[c])
}

// Thousands separated by commas, as toLocaleString('en-US') writes them, without loading ICU's
// number formatting (its first call costs a one-shot CLI run 15 ms).
const count = (n) => {
  const [whole, fraction] = String(n).split('.')
  return `${whole.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`
}
const percent = (ratio) => `${Number((ratio * 100).toFixed(1))}%`

const style = `<style>
#documents th, #documents td { text-align: left; vertical-align: top; }
#documents td.n { text-align: right; }
#documents tr.failed td { background: #fef2f2; }
#documents code, .failures code { font-size: 12px; color: #b91c1c; }
#document-filter { font: inherit; padding: 4px 8px; width: 320px; margin-right: 8px; }
.keywords { color: #4b5563; }
#links td { text-align: left; }
#links td:first-child { white-space: nowrap; }
</style>`

/** Filters the rows as one types: a row stays when its text holds every word of the query. */
const filterScript = `<script>
(function () {
  var input = document.getElementById('document-filter')
  var shown = document.getElementById('document-count')
  var rows = Array.prototype.slice.call(document.querySelectorAll('#documents tbody tr'))
  var texts = rows.map(function (row) { return row.textContent.toLowerCase() })
  input.addEventListener('input', function () {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean)
    var n = 0
    rows.forEach(function (row, i) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) !== -1 })
      row.hidden = !hit
      if (hit) n++
    })
    shown.textContent = n + ' of ' + rows.length + ' documents'
  })
})()
</script>`

/**
 * The metadata sections as trusted HTML.
 * @param {{ rows: Row[], externalLinks: number, relations: Relations,
 *   summary: { documents: { total: number, ok: number, failed: number },
 *     failures: { byCode: object } } }} input
 */
export function metadataView({ rows, externalLinks, relations, summary }) {
  return [
    style,
    documentsSection(rows, relations.keywords ?? {}, summary),
    duplicatesSection(relations.duplicates ?? [], rows),
    linksSection(relations.links ?? [], summary.documents.ok, externalLinks),
    filterScript,
  ].join('\n')
}

/**
 * The report's headline: the document hit rate, the share of documents served whole from the
 * cache (not the hit ratio of every cache key, which counts elements too).
 * @param {{ documents: { total: number, fromCache: number }, cache: object | null,
 *   documentsPerSecond: number, seconds: number }} summary
 */
export function headline(summary) {
  const { total, fromCache } = summary.documents
  return [
    {
      label: `document hit rate: ${count(fromCache)} of ${count(total)} documents served whole from cache`,
      value: summary.cache ? percent(fromCache / Math.max(1, total)) : 'cache off',
    },
    { label: 'documents per second', value: count(summary.documentsPerSecond) },
    { label: 'wall time', value: `${summary.seconds} s` },
  ]
}

function documentsSection(rows, keywords, summary) {
  const { total, ok, failed } = summary.documents
  const byCode = Object.entries(summary.failures.byCode)
    .map(([code, n]) => `${escapeHtml(code)} ×${n}`)
    .join(', ')
  const body = rows.map((row) => ('code' in row ? failedRow(row) : documentRow(row, keywords)))
  return `<section id="documents-section">
<h2>Documents</h2>
<p class="meta">${documentCount(total, count)}: ${count(ok)} ok, ${count(failed)} failed${byCode ? ` (${byCode})` : ''}</p>
<p><input type="search" id="document-filter" placeholder="filter: title, id, format, language, keyword, error code" autocomplete="off" aria-label="filter documents"><span id="document-count">${count(rows.length)} of ${count(rows.length)} documents</span></p>
<table id="documents">
<thead><tr><th>document</th><th>title</th><th>format</th><th>language</th><th>words</th><th>keywords</th><th>failure</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>
</section>`
}

/** @param {import('./document-rows.mjs').DocumentRow} row */
function documentRow(row, keywords) {
  const cells = [
    row.id,
    row.title,
    row.format,
    row.language,
    count(row.words),
    (keywords[row.id] ?? []).join(', '),
  ].map(escapeHtml)
  return `<tr data-id="${cells[0]}"><td>${cells[0]}</td><td class="title">${cells[1]}</td><td>${cells[2]}</td><td>${cells[3]}</td><td class="n">${cells[4]}</td><td class="keywords">${cells[5]}</td><td></td></tr>`
}

/** @param {import('./document-rows.mjs').FailedRow} row */
function failedRow(row) {
  const codes = [row.code, row.reason].filter(Boolean).map((c) => `<code>${escapeHtml(c)}</code>`)
  const id = escapeHtml(row.id)
  return `<tr class="failed" data-id="${id}"><td>${id}</td><td></td><td></td><td></td><td></td><td></td><td class="failure">${codes.join(' ')} ${escapeHtml(row.message)}</td></tr>`
}

/** Pairs joined into groups: documents similar to each other, directly or through another. */
function duplicateGroups(pairs) {
  const parent = new Map()
  const root = (id) => {
    while (parent.get(id) !== id) id = parent.get(id)
    return id
  }
  for (const { a, b } of pairs) {
    if (!parent.has(a)) parent.set(a, a)
    if (!parent.has(b)) parent.set(b, b)
    parent.set(root(a), root(b))
  }
  const groups = new Map()
  for (const { a, b, similarity } of pairs) {
    const key = root(a)
    const group = groups.get(key) ?? { ids: new Set(), similarity: 0 }
    group.ids.add(a).add(b)
    group.similarity = Math.max(group.similarity, similarity)
    groups.set(key, group)
  }
  return [...groups.values()].sort((x, y) => y.ids.size - x.ids.size || y.similarity - x.similarity)
}

function duplicatesSection(pairs, rows) {
  const groups = duplicateGroups(pairs)
  const wanted = new Set(pairs.flatMap(({ a, b }) => [a, b]))
  const titles = new Map()
  for (const row of rows) if (wanted.has(row.id) && 'title' in row) titles.set(row.id, row.title)
  const name = (id) =>
    `<span data-id="${escapeHtml(id)}">${escapeHtml(id)}${titles.get(id) ? ` (${escapeHtml(titles.get(id))})` : ''}</span>`
  const items = groups.map(
    (g) =>
      `<li><b>${percent(g.similarity)}</b> similar: ${[...g.ids].sort().map(name).join(' · ')}</li>`,
  )
  return `<section id="duplicates">
<h2>Near-duplicates</h2>
${
  groups.length === 0
    ? '<p class="empty">no near-duplicate documents</p>'
    : `<p class="meta">${count(groups.length)} groups of documents with nearly the same text (MinHash similarity of the closest pair)</p>\n<ol>${items.join('\n')}</ol>`
}
</section>`
}

function linksSection(links, documents, externalLinks) {
  const from = new Set(links.map((l) => l.from))
  const inbound = new Map()
  for (const { to } of links) inbound.set(to, (inbound.get(to) ?? 0) + 1)
  const linked = new Set([...from, ...inbound.keys()])
  const most = [...inbound]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, 5)
    .map(([id, n]) => `${escapeHtml(id)} (${n})`)
  const rows = [
    ['links between documents', count(links.length)],
    ['documents that link to others', count(from.size)],
    ['documents linked to', count(inbound.size)],
    ['documents with no link in or out', count(Math.max(0, documents - linked.size))],
    ['links out of the corpus (with a scheme or //host)', count(externalLinks)],
    ['most linked to', most.join(', ') || 'none'],
  ]
  return `<section id="links">
<h2>Links</h2>
<table>${rows.map(([label, value]) => `<tr><td>${label}</td><td>${value}</td></tr>`).join('')}</table>
</section>`
}
