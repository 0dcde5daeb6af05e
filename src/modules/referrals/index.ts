/** What other modules may call about referrals: the trigger runner's way in, and the routes for the server. */
export {
  raiseFromTrigger,
  type RaiseFromTriggerInput,
  type RaiseResult,
  type TriggerEvidence,
} from './raise-from-trigger.ts'
export { referralConversion, type RuleConversion } from './conversion.ts'
export { queueOverdueReminders } from './notifications.ts'
export { registerReferralRoutes } from './routes.ts'
