import { readdir, readFile, rm, stat } from 'node:fs/promises'
import path from 'node:path'

/**
 * Files under the data folder that may hold an erased person: uploads waiting for, or left by, an
 * import, and exports. A file is removed when it holds one of the erased records' person IDs and
 * the surname of that record; each file is read whole (uploads are capped at UPSTREAM_UPLOAD_MAX_BYTES).
 */
export const ERASABLE_FOLDERS = ['uploads', 'exports'] as const

export interface RecordNeedle {
  sourcePersonId: string
  lastName: string
}

export async function eraseFilesHolding(dataDir: string, needles: readonly RecordNeedle[]): Promise<number> {
  if (needles.length === 0) return 0
  let removed = 0
  for (const folder of ERASABLE_FOLDERS) {
    for (const file of await filesUnder(path.join(dataDir, folder))) {
      const text = await readFile(file, 'utf8').catch(() => null)
      if (text === null) continue
      const holds = needles.some((n) => text.includes(n.sourcePersonId) && text.includes(n.lastName))
      if (holds) {
        await rm(file, { force: true })
        removed += 1
      }
    }
  }
  return removed
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => [])
  const files: string[] = []
  for (const entry of entries) {
    const full = path.join(folder, entry.name)
    if (entry.isDirectory()) files.push(...(await filesUnder(full)))
    else if (entry.isFile() && (await stat(full)).size > 0) files.push(full)
  }
  return files
}
