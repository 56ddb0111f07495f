import workerpool from 'workerpool'
import { workloads } from './work.mjs'

workerpool.worker(workloads)
