import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { InvalidOptionError } from '../errors'
import type { ProfilerSnapshot } from '../types'
import { clientScript } from './client'

let uplotAssets: { js: string; css: string } | undefined

/** uPlot's browser build and stylesheet, read once from the installed package. */
function uplot(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url)
    uplotAssets = {
      js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    }
  }
  return uplotAssets
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #111827; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: #6b7280; margin-bottom: 16px; }
section { max-width: 960px; }
table { border-collapse: collapse; margin-top: 8px; font-variant-numeric: tabular-nums; }
th, td { border-bottom: 1px solid #e5e7eb; padding: 4px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.empty { color: #9ca3af; font-style: italic; }
.headline { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.headline div { border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px 14px; }
.headline b { display: block; font-size: 22px; }
.headline span { color: #6b7280; }
.u-legend { text-align: left; }
`

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Keeps `</script>` and friends inside JSON from closing the script element. */
function scriptSafe(text: string): string {
  return text
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

export interface RenderOptions {
  /** Page title. Default "mx profile". */
  title?: string
  /** URL of a Server-Sent Events stream of snapshots: the page re-renders on each event (`serveDashboard` sets it). */
  eventsUrl?: string
  /**
   * Trusted HTML placed after the title, before the performance sections: the caller's own
   * part of the page (it is inserted as is; escape whatever it holds that came from users).
   */
  intro?: string
  /** The figures shown large at the top of the performance part, in order; text, escaped. */
  headline?: ReadonlyArray<{ label: string; value: string }>
}

/** A wrong `intro` or `headline` is named here, not met later as a TypeError. */
function checkPageOptions({ intro, headline }: RenderOptions): void {
  if (intro !== undefined && typeof intro !== 'string')
    throw new InvalidOptionError('intro', `intro must be a string of HTML, got ${typeof intro}`)
  const figure = (f: unknown) =>
    typeof (f as { label?: unknown })?.label === 'string' &&
    typeof (f as { value?: unknown })?.value === 'string'
  if (headline !== undefined && !(Array.isArray(headline) && headline.every(figure)))
    throw new InvalidOptionError(
      'headline',
      'headline must be an array of { label: string, value: string }',
    )
}

/**
 * One self-contained HTML file (uPlot, styles and data inlined; no network access needed)
 * with charts of throughput, latency percentiles per stage, hit ratio, memory and event-loop
 * delay, and tables of every number in the snapshot; `intro` and `headline` put the caller's
 * own content and main figures first.
 */
export function renderReport(snapshot: ProfilerSnapshot, options: RenderOptions = {}): string {
  checkPageOptions(options)
  const { js, css } = uplot()
  const title = escapeHtml(options.title ?? 'mx profile')
  const live = options.eventsUrl ? ` data-events="${escapeHtml(options.eventsUrl)}"` : ''
  const section = (heading: string, ...ids: string[]) =>
    `<section><h2>${heading}</h2>${ids.map((id) => `<div id="${id}"></div>`).join('')}</section>`
  const figures = (options.headline ?? []).map(
    ({ label, value }) => `<div><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`,
  )
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${css}${STYLE}</style>
</head>
<body${live}>
<h1>${title}</h1>
<div class="meta">snapshot taken <span id="taken"></span>${options.eventsUrl ? ' · live' : ''}</div>
${options.intro ?? ''}
${options.intro ? '<h2 id="performance">Performance</h2>' : ''}
${figures.length ? `<div class="headline">${figures.join('')}</div>` : ''}
${section('Throughput', 'chart-throughput')}
${section('Latency per stage', 'chart-stages', 'stages')}
${section('Hit ratio', 'chart-hit', 'hit-ratios')}
${section('Memory', 'chart-memory')}
${section('Event loop', 'chart-eventloop', 'runtime')}
${section('Histograms', 'histograms')}
${section('Counters and gauges', 'counters')}
<script type="application/json" id="mx-snapshot">${scriptSafe(JSON.stringify(snapshot))}</script>
<script>${js.replace(/<\/(script)/gi, '<\\/$1')}</script>
<script>${clientScript}</script>
</body>
</html>
`
}
