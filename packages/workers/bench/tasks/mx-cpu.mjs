import { defineTask } from '../../dist/index.js'
import { cpu } from './work.mjs'

export default defineTask(cpu)
