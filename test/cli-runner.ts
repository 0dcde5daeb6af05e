import { runCli } from '../src/cli/main.ts'

/** Runs the CLI in-process and collects what it prints. */
export async function runCliCapturing(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const { log, error } = console
  console.log = (...parts: unknown[]) => void stdout.push(parts.join(' '))
  console.error = (...parts: unknown[]) => void stderr.push(parts.join(' '))
  try {
    const code = await runCli(argv)
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') }
  } finally {
    console.log = log
    console.error = error
  }
}
