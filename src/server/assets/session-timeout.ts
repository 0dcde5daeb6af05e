/**
 * Warns two minutes before a signed-in session times out for inactivity, and offers to extend
 * it (WCAG 2.2.1 Timing Adjustable). The idle timeout comes from
 * <meta name="upstream-session-idle-seconds">, present only on signed-in pages.
 */
const WARNING_SECONDS = 120
// The server records activity at most once a minute, so its idle clock may have started up to a minute before this page.
const SERVER_TOUCH_SLACK_SECONDS = 60

export function startSessionTimeoutWarning(): void {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="upstream-session-idle-seconds"]')
  const idleSeconds = Number(meta?.content)
  if (!meta || !Number.isFinite(idleSeconds) || idleSeconds <= WARNING_SECONDS + SERVER_TOUCH_SLACK_SECONDS) return

  const dialog = buildDialog()
  let timer: ReturnType<typeof setTimeout> | undefined
  let signedOutAt = 0

  const signOutByReload = () => window.location.assign(window.location.pathname + window.location.search)

  const schedule = (slackSeconds: number) => {
    clearTimeout(timer)
    const now = Date.now()
    signedOutAt = now + idleSeconds * 1000
    const warnAt = signedOutAt - (WARNING_SECONDS + slackSeconds) * 1000
    timer = setTimeout(warn, warnAt - now)
  }

  const warn = () => {
    if (Date.now() >= signedOutAt) return signOutByReload()
    if (!dialog.open) dialog.showModal()
    // A few seconds past the server's timeout: reloading then shows the sign-in page with its message.
    timer = setTimeout(signOutByReload, signedOutAt - Date.now() + 5000)
  }

  const staySignedIn = async () => {
    dialog.close()
    const csrfToken = document.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? ''
    try {
      const response = await window.fetch('/account/keep-alive', {
        method: 'POST',
        headers: { 'x-csrf-token': csrfToken, accept: 'application/json' },
        credentials: 'same-origin',
        redirect: 'manual',
      })
      if (!response.ok) return signOutByReload()
      schedule(0)
    } catch {
      signOutByReload()
    }
  }

  dialog.querySelector('[data-stay-signed-in]')?.addEventListener('click', () => void staySignedIn())
  dialog.querySelector('[data-sign-out]')?.addEventListener('click', () => {
    document.querySelector<HTMLFormElement>('form.upstream-header__sign-out')?.requestSubmit()
  })
  // Escape closes a modal dialog: take it as "stay signed in", the choice that loses nothing.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    void staySignedIn()
  })
  schedule(SERVER_TOUCH_SLACK_SECONDS)
}

function buildDialog(): HTMLDialogElement {
  const dialog = document.createElement('dialog')
  dialog.className = 'upstream-session-timeout'
  dialog.setAttribute('aria-labelledby', 'session-timeout-heading')
  dialog.setAttribute('aria-describedby', 'session-timeout-text')
  const heading = element('h2', 'govuk-heading-m', 'You’re about to be signed out')
  heading.id = 'session-timeout-heading'
  const text = element(
    'p',
    'govuk-body',
    'For your security, you will be signed out in 2 minutes because you have not done anything for a while. Anything you have not saved will be lost.',
  )
  text.id = 'session-timeout-text'
  const stay = element('button', 'govuk-button', 'Stay signed in')
  stay.setAttribute('type', 'button')
  stay.setAttribute('data-stay-signed-in', '')
  const signOut = element('button', 'govuk-button govuk-button--secondary', 'Sign out')
  signOut.setAttribute('type', 'button')
  signOut.setAttribute('data-sign-out', '')
  const buttons = element('div', 'govuk-button-group', '')
  buttons.append(stay, signOut)
  dialog.append(heading, text, buttons)
  document.body.append(dialog)
  return dialog
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.className = className
  node.textContent = text
  return node
}

startSessionTimeoutWarning()
