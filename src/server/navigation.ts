import type { SignedInUser } from '../modules/platform/auth/sessions.ts'
import { roleHasPermission, type Permission } from '../modules/platform/roles.ts'

interface NavigationItem {
  href: string
  text: string
  active?: boolean
}

const STAFF_LINKS: { href: string; text: string; permission?: Permission }[] = [
  { href: '/home', text: 'Home' },
  { href: '/data', text: 'Data', permission: 'data:read' },
  { href: '/analysis', text: 'Analysis', permission: 'analysis:read' },
  { href: '/referrals', text: 'Referrals', permission: 'referrals:read' },
  { href: '/people', text: 'People', permission: 'people:read' },
  { href: '/people/review', text: 'Record linkage', permission: 'people:review' },
  { href: '/triggers', text: 'Trigger rules', permission: 'triggers:read' },
  { href: '/admin', text: 'Administration', permission: 'admin:users' },
  { href: '/audit', text: 'Audit log', permission: 'audit:read-all' },
  { href: '/audit/team', text: 'Audit log', permission: 'audit:read-team' },
  { href: '/account', text: 'Your account' },
]

/** The service navigation for a signed-in user: only links their role can follow. */
export function navigationFor(user: SignedInUser | null, currentUrl: string): NavigationItem[] {
  if (!user) return []
  const seen = new Set<string>()
  return STAFF_LINKS.filter((link) => !link.permission || roleHasPermission(user.role, link.permission))
    .filter((link) => !seen.has(link.href) && seen.add(link.href))
    .map((link) => ({ href: link.href, text: link.text, active: currentUrl === link.href || currentUrl.startsWith(`${link.href}/`) }))
}
