// The figures of the hosts scenarios: each is printed and written to `.ci/out/hosts/<name>.json`
// (or `$MX_HOSTS_OUT`); with `MX_HOSTS_RECORD=1` the section of docs/reliability.md between the
// markers below is rewritten from those files, so its numbers are always a run's, never typed.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..', '..', '..')
export const hostsOut = resolve(process.env.MX_HOSTS_OUT ?? join(root, '.ci', 'out', 'hosts'))
const doc = join(root, 'docs', 'reliability.md')
export const BEGIN = '<!-- hosts:begin (written by MX_HOSTS_RECORD=1 pnpm test:hosts) -->'
export const END = '<!-- hosts:end -->'

/** One row of the table: what was done, what was counted against the ground truth, what was measured. */
export interface ScenarioFigures {
  /** Order of the row in the table. */
  order: number
  title: string
  faults: string
  /** Documents or keys checked against the ground truth. */
  checked: string
  lost: number
  duplicated: number
  wrong: number
  /** Time to recover or to converge, as text with its unit. */
  recovery: string
  /** The other measured figures, as text. */
  measured: string
  /** The raw numbers behind the text. */
  raw: Record<string, unknown>
}

export function recordScenario(name: string, figures: ScenarioFigures): void {
  mkdirSync(hostsOut, { recursive: true })
  const record = { name, at: new Date().toISOString(), node: process.version, ...figures }
  writeFileSync(join(hostsOut, `${name}.json`), `${JSON.stringify(record, null, 2)}\n`)
  console.log(`[hosts] ${name} ${JSON.stringify(figures)}`)
}

const cell = (text: string | number) => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ')

/** The section's Markdown, from every scenario file in `hostsOut`. */
export function renderSection(): string {
  const rows = readdirSync(hostsOut)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(join(hostsOut, file), 'utf8')))
    .sort((a, b) => a.order - b.order)
  const dates = [...new Set(rows.map((row) => String(row.at).slice(0, 16).replace('T', ' ')))]
  const lines = [
    BEGIN,
    '',
    `Written by \`MX_HOSTS_RECORD=1 pnpm test:hosts\` from \`.ci/out/hosts/*.json\`; runs of ${dates.join(', ')} UTC, Node ${rows[0]?.node ?? '?'}, 2 shared cores.`,
    '',
    '| scenario | faults | checked against the ground truth | lost | duplicated | wrong | recovery / bound | measured |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${[row.title, row.faults, row.checked, row.lost, row.duplicated, row.wrong, row.recovery, row.measured].map(cell).join(' | ')} |`,
    ),
    '',
    END,
  ]
  return lines.join('\n')
}

/** Rewrites the marked section of docs/reliability.md when `MX_HOSTS_RECORD=1`. */
export function writeDocsSection(): void {
  if (process.env.MX_HOSTS_RECORD !== '1' || !existsSync(hostsOut)) return
  const text = readFileSync(doc, 'utf8')
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  if (begin < 0 || end < begin) throw new Error(`docs/reliability.md has no ${BEGIN} … ${END}`)
  writeFileSync(doc, text.slice(0, begin) + renderSection() + text.slice(end + END.length))
  // The repository's formatter pads the table, as `biome check .` (lint) expects it.
  const biome = spawnSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', doc], {
    encoding: 'utf8',
  })
  if (biome.status !== 0) throw new Error(`biome format ${doc} failed: ${biome.stderr}`)
}
