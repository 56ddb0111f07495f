// Which baseline of bench/baseline.json a machine compares with. Ratios of ours to a peer move
// with the processor, and its name does not always tell generations apart: "AMD EPYC" names
// several, and two of them put the alerts entry 45% apart at the same commit. So a machine goes
// by its cores and processor name, made specific by the CPU family and model where the OS
// says them; a baseline taken now is written under the specific name, and a machine without
// one falls back to its plain name's (baselines taken before names were specific).
import { readFileSync } from 'node:fs'
import os from 'node:os'

/** This machine's names, most specific first: `2 × AMD EPYC (family 25, model 17)`, `2 × AMD EPYC`. */
export function machineNames() {
  const cpus = os.cpus()
  const plain = `${cpus.length} × ${cpus[0]?.model.trim()}`
  const identity = cpuIdentity()
  return identity ? [`${plain} (${identity})`, plain] : [plain]
}

/** `family F, model M` from /proc/cpuinfo (Linux), or undefined elsewhere. */
function cpuIdentity() {
  let info
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8')
  } catch {
    return undefined
  }
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1]?.trim()
  const family = field('cpu family')
  const model = field('model')
  return family && model ? `family ${family}, model ${model}` : undefined
}

/**
 * The baseline this machine compares with, and the name it is kept under: its specific name's,
 * else its plain name's; undefined when there is neither.
 * @template T
 * @param {Record<string, T>} baselines
 * @returns {{ name: string, baseline: T } | undefined}
 */
export function baselineOf(baselines) {
  for (const name of machineNames()) {
    if (baselines[name] !== undefined) return { name, baseline: baselines[name] }
  }
  return undefined
}
