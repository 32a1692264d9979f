/**
 * The sign-in page's script: sends the pasted token to `POST /portal/api/session` (the answer sets
 * the session cookie) and opens the portal; a refusal is shown beside the form.
 */
const form = document.getElementById("login") as HTMLFormElement | null;
const input = document.getElementById("token") as HTMLInputElement | null;
const error = document.getElementById("login-error");

form?.addEventListener("submit", (event) => {
  event.preventDefault();
  void (async () => {
    const response = await fetch("/portal/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: input?.value ?? "" }),
    });
    if (response.ok) {
      window.location.assign("/portal/");
      return;
    }
    const body = (await response.json().catch(() => undefined)) as
      { error?: { message?: string } } | undefined;
    if (error) error.textContent = body?.error?.message ?? `Sign-in failed (${response.status}).`;
    input?.focus();
  })();
});
