#!/usr/bin/env node
// Runs every workspace package's `bench` script one after another (never in parallel: the
// figures are ratios measured side by side in one process, and two benches sharing the
// machine's cores would distort each other), then writes what they printed to
// docs/benchmarks.md with the commit, the machine and the load average they ran under. Every
// part of the file ends with the checksum of what was written (scripts/bench-doc.mjs), and
// test/benchmarks-doc.test.ts fails on a part edited by hand or a commit that is not in HEAD's
// history. The figures belong to one commit: the run refuses a working tree with uncommitted
// changes to tracked files (`--allow-dirty` runs anyway and says so in the file, which the test
// then refuses).
//
//   pnpm bench                 all packages and examples
//   pnpm bench cache engine    only the packages whose folder name is given (their sections of
//                              docs/benchmarks.md are replaced, the others are kept)
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'
import { checksum, parseDoc, sealed } from './bench-doc.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const allowDirty = args.includes('--allow-dirty')
const only = new Set(args.filter((arg) => arg !== '--allow-dirty'))

// The main job first, then the engine, then the leaf packages.
const order = ['examples/docs-metadata', 'packages/engine']
const timeoutMs = 30 * 60_000

const git = (...gitArgs) => execFileSync('git', gitArgs, { cwd: root, encoding: 'utf8' }).trim()
const commit = git('rev-parse', 'HEAD')
// docs/benchmarks.md itself may differ: it is what this run rewrites.
const dirty = git(
  'status',
  '--porcelain',
  '--untracked-files=no',
  '--',
  '.',
  ':!docs/benchmarks.md',
)
if (dirty !== '' && !allowDirty) {
  console.error(
    `bench: uncommitted changes to tracked files; commit them first, so the figures belong to one commit (or pass --allow-dirty):\n${dirty}`,
  )
  process.exit(1)
}
const ranAt = `commit ${commit}${dirty === '' ? '' : ' with uncommitted changes'}`

const file = join(root, 'docs/benchmarks.md')
if (only.size > 0) {
  const known = workspaces().map((workspace) => workspace.dir.split('/')[1])
  const unknown = [...only].filter((name) => !known.includes(name))
  if (unknown.length > 0) {
    console.error(
      `bench: no bench script in ${unknown.join(', ')} (folder names under examples/ and packages/)`,
    )
    process.exit(2)
  }
  // A filtered run keeps the other sections: each must still be as a run wrote it.
  const rerun = new Set(workspaces().map((workspace) => workspace.name))
  const stale = existingSections(file)
    .filter((section) => !section.intact && !rerun.has(section.name))
    .map((section) => section.name)
  if (stale.length > 0) {
    console.error(
      `bench: docs/benchmarks.md holds sections not as a run wrote them (edited, or older than their checksums): ${stale.join(', ')}; rerun them too, or every bench`,
    )
    process.exit(1)
  }
}

function workspaces() {
  const found = []
  for (const group of ['examples', 'packages']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const file = join(root, group, name, 'package.json')
      if (!existsSync(file)) continue
      const pkg = JSON.parse(readFileSync(file, 'utf8'))
      if (pkg.scripts?.bench && (only.size === 0 || only.has(name))) {
        found.push({ dir: `${group}/${name}`, name: pkg.name, script: pkg.scripts.bench })
      }
    }
  }
  const rank = (w) => (order.includes(w.dir) ? order.indexOf(w.dir) : order.length)
  return found.sort((a, b) => rank(a) - rank(b))
}

function run(command, args, cwd) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' } })
    let output = ''
    const take = (chunk) => {
      process.stdout.write(chunk)
      output += chunk
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ code: 127, signal: null, output: String(error), seconds: 0 })
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output, seconds: (Date.now() - started) / 1000 })
    })
  })
}

// npm and pnpm chatter, and the build logs of benches that build first, are not figures.
function clean(output) {
  return stripVTControlCharacters(output)
    .split('\n')
    .filter((line) => !/^(npm warn|> |(CLI|ESM|CJS|DTS) |\s*$)/.test(line))
    .join('\n')
    .trim()
}

const pnpm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['pnpm']
const build = await run(pnpm[0], [...pnpm.slice(1), 'exec', 'turbo', 'run', 'build'], root)
if (build.code !== 0) {
  console.error('bench: the build failed, no benchmark was run')
  process.exit(1)
}

const sections = []
let failed = 0
for (const workspace of workspaces()) {
  console.log(`\n=== ${workspace.name} (${workspace.dir}): ${workspace.script}\n`)
  const result = await run(pnpm[0], [...pnpm.slice(1), 'run', 'bench'], join(root, workspace.dir))
  const ok = result.code === 0
  if (!ok) failed++
  sections.push({
    name: workspace.name,
    text: [
      `## ${workspace.name}`,
      '',
      `\`${workspace.dir}\`: \`pnpm bench\` (${workspace.script}), ${ranAt}, ${result.seconds.toFixed(0)} s,` +
        ` ${new Date().toISOString()}, load average ${loadAverage()}` +
        (ok ? '' : `, **failed** (exit ${result.code ?? result.signal})`),
      '',
      // fenced: the tables stay aligned as printed, and no formatter rewrites them
      '```text',
      clean(result.output),
      '```',
      '',
    ].join('\n'),
  })
}

function loadAverage() {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')
}

/**
 * The sections of the existing docs/benchmarks.md by package (a section starts at a `## @mx/`
 * heading; the headings benches print themselves name no package), so that a filtered run
 * replaces only its own. A section kept must still be what a run wrote (its checksum holds):
 * sealing a hand-edited one again would pass the edit off as generated.
 */
function existingSections(file) {
  if (!existsSync(file)) return []
  return parseDoc(readFileSync(file, 'utf8'))
    .slice(1)
    .map((part) => ({
      name: part.name,
      text: part.text,
      intact: part.sealed === checksum(part.text),
    }))
}

const cpus = os.cpus()
const header = [
  '# Benchmarks',
  '',
  "Written by `pnpm bench` (scripts/bench-all.mjs), which runs every package's `bench` script one",
  'after another. Each script runs mx side by side with the named peer in one process and prints',
  'ratios; the tables below are what they printed, each section with the commit it ran at, when',
  'it ran and the load average at its end (`pnpm bench cache` reruns one package and keeps the',
  'other sections). Each part ends with the checksum of what was written: never edit this file,',
  'rerun the bench (`test/benchmarks-doc.test.ts` fails on a hand edit).',
  'Figures move between runs on a shared machine: compare ratios, not absolute times. Each',
  'package README keeps its own reference table and the conditions it was measured under.',
  '',
  `- machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
  `- node: ${process.version}`,
  `- last run: ${ranAt}, ${new Date().toISOString()}, ${only.size === 0 ? 'every package' : [...only].join(', ')}`,
].join('\n')

mkdirSync(join(root, 'docs'), { recursive: true })
let merged = sections
if (only.size > 0) {
  const fresh = new Map(sections.map((section) => [section.name, section]))
  const kept = existingSections(file).map((section) => fresh.get(section.name) ?? section)
  const added = sections.filter((section) => !kept.includes(section))
  merged = [...kept, ...added]
}
writeFileSync(file, [header, ...merged.map((section) => section.text)].map(sealed).join('\n'))
console.log(`\nbench: wrote docs/benchmarks.md (${sections.length} packages, ${failed} failed)`)
process.exit(failed === 0 ? 0 : 1)
