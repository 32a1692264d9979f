/** How the page writes times, durations, sizes and ids. */

const two = (n: number): string => String(n).padStart(2, "0");

/** A date-time in the reader's time zone, `2026-11-27 14:05:09`; "—" for none. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
  );
}

/** A duration: "850 ms", "3.2 s", "4 min 05 s"; "—" for none. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

/** A byte count: "812 B", "14.2 KiB", "3.1 MiB". */
export function bytes(count: number | undefined): string {
  if (count === undefined) return "—";
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The first 12 hex digits of a sha-256 or id (the full value is in the link and the title). */
export function short(id: string | null | undefined): string {
  return id ? id.slice(0, 12) : "—";
}

/** A number with at most 4 decimals, or the text as it is. */
export function metric(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const number = Number(value);
  return Number.isFinite(number) && !Number.isInteger(number) ? number.toFixed(4) : value;
}

/** Hours and minutes of a minute's start, in the reader's time zone. */
export function minuteLabel(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** Milliseconds as the call dashboards show them. */
export function millis(ms: number | undefined): string {
  return ms === undefined ? "—" : `${ms.toFixed(1)} ms`;
}
