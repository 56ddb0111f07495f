import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
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
}

/**
 * One self-contained HTML file (uPlot, styles and data inlined; no network access needed)
 * with charts of throughput, latency percentiles per stage, hit ratio, memory and event-loop
 * delay, and tables of every number in the snapshot.
 */
export function renderReport(snapshot: ProfilerSnapshot, options: RenderOptions = {}): string {
  const { js, css } = uplot()
  const title = escapeHtml(options.title ?? 'mx profile')
  const live = options.eventsUrl ? ` data-events="${escapeHtml(options.eventsUrl)}"` : ''
  const section = (heading: string, ...ids: string[]) =>
    `<section><h2>${heading}</h2>${ids.map((id) => `<div id="${id}"></div>`).join('')}</section>`
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
