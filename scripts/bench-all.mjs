#!/usr/bin/env node
// Runs every workspace package's `bench` script one after another (never in parallel: the
// figures are ratios measured side by side in one process, and two benches sharing the
// machine's cores would distort each other), then writes what they printed to
// docs/benchmarks.md with the machine they ran on.
//
//   pnpm bench                 all packages and examples
//   pnpm bench cache engine    only the packages whose folder name is given
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const only = new Set(process.argv.slice(2))
// The main job first, then the engine, then the leaf packages.
const order = ['examples/docs-metadata', 'packages/engine']
const timeoutMs = 30 * 60_000

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
  sections.push(
    [
      `## ${workspace.name}`,
      '',
      `\`${workspace.dir}\`: \`pnpm bench\` (${workspace.script}), ${result.seconds.toFixed(0)} s` +
        (ok ? '' : `, **failed** (exit ${result.code ?? result.signal})`),
      '',
      clean(result.output),
      '',
    ].join('\n'),
  )
}

const cpus = os.cpus()
const header = [
  '# Benchmarks',
  '',
  "Written by `pnpm bench` (scripts/bench-all.mjs), which runs every package's `bench` script one",
  'after another. Each script runs mx side by side with the named peer in one process and prints',
  'ratios; the tables below are what they printed on this run. Figures move between runs on a',
  'shared machine: compare ratios, not absolute times. Each package README keeps its own',
  'reference table and the conditions it was measured under.',
  '',
  `- date: ${new Date().toISOString()}`,
  `- machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}`,
  `- node: ${process.version}`,
  `- load average at the end: ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
  '',
].join('\n')

mkdirSync(join(root, 'docs'), { recursive: true })
writeFileSync(join(root, 'docs/benchmarks.md'), `${header}\n${sections.join('\n')}`)
console.log(`\nbench: wrote docs/benchmarks.md (${sections.length} packages, ${failed} failed)`)
process.exit(failed === 0 ? 0 : 1)
