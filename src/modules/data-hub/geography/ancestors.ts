import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../../db/schema.ts'

// Parents are always of a larger level (see AREA_LEVELS), so chains end within six steps;
// the depth limit only guards against a hand-edited cycle.
const CHAIN = sql`chain (area_id, ancestor_id, depth) as (
    select id, id, 0 from area
    union all
    select chain.area_id, area.parent_id, chain.depth + 1
    from chain join area on area.id = chain.ancestor_id
    where area.parent_id is not null and chain.depth < 10
  )`

/**
 * Brings area_ancestor in line with the parents: every (area, ancestor, depth) of the
 * hierarchy, each area its own ancestor at depth 0. Recomputed whole, as a set: areas number
 * in the thousands, and a parent moved anywhere changes the pairs of everything below it.
 */
export async function refreshAncestors(db: Kysely<Database> | Transaction<Database>): Promise<void> {
  await sql`with recursive ${CHAIN}
    delete from area_ancestor
    where not exists (
      select 1 from chain
      where chain.area_id = area_ancestor.area_id and chain.ancestor_id = area_ancestor.ancestor_id
        and chain.depth = area_ancestor.depth)`.execute(db)
  await sql`with recursive ${CHAIN}
    insert into area_ancestor (area_id, ancestor_id, depth)
    select area_id, ancestor_id, min(depth) from chain group by area_id, ancestor_id
    on conflict (area_id, ancestor_id) do nothing`.execute(db)
}

// Any fixed number apart from the other single-key locks (migrations 738_201_601, audit 738_201_602).
const GEOGRAPHY_LOCK = 738_201_610

/**
 * Makes area changes take turns until they commit: two imports finishing together would
 * otherwise rewrite area_ancestor at the same time and could deadlock, or miss each other's areas.
 */
export async function takeGeographyLock(trx: Transaction<Database>): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(GEOGRAPHY_LOCK)})`.execute(trx)
}
