import assert from 'node:assert/strict'
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { backends, type TestDatabase } from '../../../../test/backends.ts'
import { testApp } from '../../../../test/app.ts'
import { createUser } from '../../../../test/factories.ts'
import { clientSignedInAs, type TestClient } from '../../../../test/http-client.ts'
import type { ManualClock } from '../../../clock.ts'
import type { Config } from '../../../config.ts'
import { SAMPLES_DIR } from '../index.ts'
import { POLICE_UK_STREET_COLUMNS } from '../formats/police-uk-street.ts'
import type { UploadProgress } from './presenters.ts'
import { multipartForm, postUpload } from './test-support.ts'

const APRIL = path.join(SAMPLES_DIR, 'police-uk/2023-04-city-of-london-street.csv')
const HEADER = POLICE_UK_STREET_COLUMNS.join(',')
const ROW =
  'abc1,2023-04,City of London Police,City of London Police,-0.110350,51.518090,On or near Holborn,E01000917,Camden 027C,Other theft,Local resolution,'
const SMALL_CSV = `${HEADER}\n${ROW}\n`
const GENERATED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv$/

for (const backend of backends()) {
  describe(`the upload page on ${backend.name}`, () => {
    let database: TestDatabase
    let app: FastifyInstance
    let clock: ManualClock
    let config: Config
    let analyst: TestClient
    let scannerLog: string

    const uploadsFolder = () => path.join(config.dataDir, 'uploads')
    const filesInUploads = async () => (await readdir(uploadsFolder()).catch(() => [])).filter(Boolean)
    const runCount = async () =>
      Number(
        (
          await database.db
            .selectFrom('import_run')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )

    /** Follows the progress page's status endpoint until the import has finished. */
    async function untilFinished(client: TestClient, progressUrl: string): Promise<UploadProgress> {
      for (let attempt = 0; attempt < 600; attempt += 1) {
        const response = await client.get(`${progressUrl}/status`, { accept: 'application/json' })
        assert.equal(response.statusCode, 200, response.body)
        const progress = response.json<UploadProgress>()
        if (progress.finished) return progress
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      throw new Error(`${progressUrl} never finished`)
    }

    before(async () => {
      database = await backend.create()
      ;({ app, clock, config } = await testApp(database, { config: { uploadMaxBytes: 1024 * 1024 } }))
      scannerLog = path.join(config.dataDir, 'scanned.log')
      const user = await createUser(database.db, { role: 'analyst' })
      analyst = await clientSignedInAs(app, database.db, clock, user.id)
    })
    after(async () => {
      await app.close()
      await database.close()
    })

    test('the form offers every registered format and detection from the header, with a CSRF token', async () => {
      const response = await analyst.get('/data/upload')
      assert.equal(response.statusCode, 200)
      assert.match(response.body, /enctype="multipart\/form-data"/)
      assert.match(response.body, /<option value="auto" selected>Detect from the header<\/option>/)
      assert.match(
        response.body,
        /<option value="police-uk-street">data.police.uk street-level crime<\/option>/,
      )
      assert.match(response.body, /name="_csrf" value="[^"]+"/)
    })

    test('an uploaded data.police.uk file is imported in the background and its progress page ends with the summary', async () => {
      const content = await readFile(APRIL)
      const rows = content.toString('utf8').trim().split('\n').length - 1
      const response = await postUpload(analyst, { name: '2023-04-city-of-london-street.csv', content })
      assert.equal(response.statusCode, 303, response.body)
      const progressUrl = response.headers.location as string
      assert.match(progressUrl, /^\/data\/upload\/[0-9a-f-]{36}$/)

      const progress = await untilFinished(analyst, progressUrl)
      assert.equal(progress.status, 'completed', progress.message ?? '')
      assert.equal(progress.rowsRead, rows)
      assert.equal(progress.rowsInserted, rows)
      assert.equal(progress.rowsRejected, 0)
      assert.equal(progress.bytesRead, content.length)
      assert.equal(progress.percent, 100)

      const run = await database.db
        .selectFrom('import_run')
        .selectAll()
        .where('id', '=', progress.runId!)
        .executeTakeFirstOrThrow()
      assert.equal(run.file_name, '2023-04-city-of-london-street.csv', 'the original name is recorded')
      assert.equal(run.file_size, content.length)
      assert.equal(run.status, 'completed')
      assert.deepEqual(await filesInUploads(), [], 'the stored copy is removed once imported')

      const page = await analyst.get(progressUrl)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Import completed/)
      assert.match(page.body, new RegExp(`href="/data/runs/${progress.runId}"`))
      assert.doesNotMatch(page.body, /http-equiv="refresh"/, 'a finished import stops reloading')
    })

    test('the progress of an upload is shown only to the user who uploaded it', async () => {
      const response = await postUpload(analyst, {
        name: 'mine.csv',
        content: `${HEADER}\n${ROW.replace('abc1', 'mine1')}\n`,
      })
      const progressUrl = response.headers.location as string
      await untilFinished(analyst, progressUrl)
      const other = await clientSignedInAs(
        app,
        database.db,
        clock,
        (await createUser(database.db, { role: 'analyst' })).id,
      )
      assert.equal((await other.get(progressUrl)).statusCode, 404)
      assert.equal((await other.get(`${progressUrl}/status`, { accept: 'application/json' })).statusCode, 404)
    })

    test('a file over the configured limit gets 413 and leaves nothing on disk', async () => {
      const runsBefore = await runCount()
      const big = `${HEADER}\n${`${ROW}\n`.repeat(Math.ceil((config.uploadMaxBytes * 2) / ROW.length))}`
      const response = await postUpload(analyst, { name: 'big.csv', content: big })
      assert.equal(response.statusCode, 413)
      assert.match(response.body, /larger than the upload limit of 1 MB/)
      assert.deepEqual(await filesInUploads(), [])
      assert.equal(await runCount(), runsBefore)
    })

    for (const name of ['report.xlsx', 'crimes.csv.exe', 'crimes', 'street.zip']) {
      test(`a file named ${name} is refused with 415 before anything is stored`, async () => {
        const response = await postUpload(analyst, { name, content: SMALL_CSV })
        assert.equal(response.statusCode, 415)
        assert.match(response.body, /not a \.csv file/)
        assert.deepEqual(await filesInUploads(), [])
      })
    }

    const disguised: [string, string | Buffer][] = [
      [
        'a PDF/HTML polyglot',
        `%PDF-1.4\n1 0 obj <<>> stream\n<html><script>alert(1)</script></html>\nendstream\n${HEADER}\n`,
      ],
      ['an HTML/PDF polyglot', `<!DOCTYPE html><html><body>${HEADER}</body></html>\n%PDF-1.4\n`],
      [
        'a PNG image',
        Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64)]),
      ],
      ['a zip archive', Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.alloc(64)])],
    ]
    for (const [what, content] of disguised) {
      test(`${what} named .csv and sent as text/csv is refused by its content`, async () => {
        const response = await postUpload(analyst, { name: 'crimes.csv', content })
        assert.equal(response.statusCode, 415, response.body)
        assert.match(response.body, /is not a CSV file/)
        assert.deepEqual(await filesInUploads(), [])
      })
    }

    test('a file whose header is no known format is refused with 422 naming the problem', async () => {
      const response = await postUpload(analyst, { name: 'other.csv', content: 'a,b,c\n1,2,3\n' })
      assert.equal(response.statusCode, 422)
      assert.match(response.body, /its header is not that of any format/)
      const named = await postUpload(
        analyst,
        { name: 'other.csv', content: 'a,b,c\n1,2,3\n' },
        { kind: 'police-uk-street' },
      )
      assert.equal(named.statusCode, 422)
      assert.match(named.body, /Expected the columns: Crime ID,Month/)
      assert.deepEqual(await filesInUploads(), [])
    })

    test('an upload without the form token is refused and never written', async () => {
      const form = multipartForm({ kind: 'auto' }, { name: 'x.csv', type: 'text/csv', content: SMALL_CSV })
      const response = await analyst.request({
        method: 'POST',
        url: '/data/upload',
        payload: form.payload,
        headers: { 'content-type': form.contentType },
      })
      assert.equal(response.statusCode, 403)
      assert.deepEqual(await filesInUploads(), [])
    })

    test('a file the antivirus hook finds infected gets 422 and is removed', async () => {
      const scanner = path.join(config.dataDir, 'fake-scanner.sh')
      await writeFile(
        scanner,
        `#!/bin/sh\nprintf '%s\\n' "$1" >> '${scannerLog}'\necho "$1: Eicar-Test-Signature FOUND"\nexit 1\n`,
      )
      await chmod(scanner, 0o755)
      config.antivirusCommand = scanner
      try {
        const runsBefore = await runCount()
        const response = await postUpload(analyst, { name: 'eicar.csv', content: SMALL_CSV })
        assert.equal(response.statusCode, 422)
        assert.match(response.body, /rejected by the virus scanner and has been deleted/)
        const scanned = (await readFile(scannerLog, 'utf8')).trim().split('\n')
        assert.equal(scanned.length, 1)
        assert.equal(path.dirname(scanned[0]!), uploadsFolder(), 'the scanner saw the stored copy')
        assert.deepEqual(await filesInUploads(), [], 'and it is gone')
        assert.equal(await runCount(), runsBefore, 'nothing was imported')
      } finally {
        config.antivirusCommand = undefined
      }
    })

    test('the name a file is uploaded with never reaches the file system: it is stored under a generated name', async () => {
      const scanner = path.join(config.dataDir, 'recording-scanner.sh')
      const log = path.join(config.dataDir, 'names.log')
      await writeFile(scanner, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\nexit 1\n`)
      await chmod(scanner, 0o755)
      await writeFile(log, '')
      config.antivirusCommand = scanner
      const dataDirBefore = (await readdir(config.dataDir)).sort()
      const piece = fc.constantFrom(
        '../',
        '..\\',
        '/etc/passwd',
        '\u0000',
        '\u202e',
        'CON',
        'NUL',
        'a'.repeat(300),
        '😀',
        ' ',
        '.',
        'vsc.',
        'x',
      )
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(piece, { minLength: 1, maxLength: 6 }),
            fc.boolean(),
            async (pieces, csvEnding) => {
              const name = pieces.join('') + (csvEnding ? '.csv' : '')
              await writeFile(log, '')
              const response = await postUpload(analyst, { name, content: SMALL_CSV })
              // Infected (the recording scanner always says so) when the name ends .csv, else refused by name.
              assert.ok(
                [415, 422].includes(response.statusCode),
                `${JSON.stringify(name)}: ${response.statusCode}`,
              )
              for (const seen of (await readFile(log, 'utf8')).split('\n').filter(Boolean)) {
                assert.equal(path.dirname(seen), uploadsFolder())
                assert.match(path.basename(seen), GENERATED_NAME)
              }
              assert.deepEqual(await filesInUploads(), [])
              assert.deepEqual(
                (await readdir(config.dataDir)).sort(),
                dataDirBefore,
                'nothing appeared beside the uploads folder',
              )
              assert.ok(
                !response.body.includes('\u0000') && !response.body.includes('\u202e'),
                'the name is shown without control characters',
              )
            },
          ),
          { numRuns: 40 },
        )
      } finally {
        config.antivirusCommand = undefined
      }
    })
  })
}
