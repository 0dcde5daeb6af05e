import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema.ts'

export interface Partnership {
  name: string
  forceName: string
  areasServed: string[]
  version: number
}

const UNNAMED: Partnership = { name: 'Upstream', forceName: '', areasServed: [], version: 0 }

export async function loadPartnership(db: Kysely<Database>): Promise<Partnership> {
  const row = await db.selectFrom('partnership').selectAll().where('id', '=', 1).executeTakeFirst()
  if (!row) return UNNAMED
  return { name: row.name, forceName: row.force_name, areasServed: row.areas_served, version: row.version }
}
