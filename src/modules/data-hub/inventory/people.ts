import type { TableInventory } from '../../platform/data-inventory.ts'

/** Placeholder, filled in by the work that creates these tables. */
export const INVENTORY: TableInventory[] = []
