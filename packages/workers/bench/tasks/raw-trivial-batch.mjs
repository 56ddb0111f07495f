// piscina / tinypool task given the batching @mx/workers does on its own: an array of inputs per
// task, an array of results back.
import { trivial } from './work.mjs'

export default (inputs) => inputs.map(trivial)
