/** What other modules may call: the restricted-record gate and the grant sweep. */
export { restrictionGate, type GateDecision } from './gate.ts'
export { sweepGrantNotices } from './grants.ts'
export { closedTo } from './closed-to.ts'
