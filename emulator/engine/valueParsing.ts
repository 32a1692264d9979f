/**
 * Reading cell text as numbers and booleans, from UTF-8 bytes (the CSV hot path: no string is
 * created for a number) or from strings (RRS rows, schema conversion).
 *
 * Accepted numbers: optional surrounding spaces/tabs, optional sign, decimal digits with an
 * optional fraction and exponent (`12`, `-3.5`, `.5`, `1E-07`), and the words `Infinity`/`Inf`
 * (any case, signed) and `NaN` (read as missing: the DataTable stores missing as NaN).
 * Booleans: `true`/`false` in any case.
 */

/** Result slot of {@link scanNumberBytes}, reused across calls to avoid allocation per cell. */
export interface NumberScan {
  value: number;
  /** The text was an integer literal (no fraction, no exponent) within ±2^53. */
  integral: boolean;
}

/** Exact powers of ten: 10^0..10^22 are exactly representable doubles (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_v, i) => Number(`1e${i}`));

const SPACE = 32;
const TAB = 9;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * Fast path for the commonest CSV cell: an unquoted `-?digits[.digits]` with at most 15 digits,
 * ended by a comma, a line break or the end of the input. Returns the offset of that terminator,
 * or -1 when the cell needs the general path (quotes, spaces, exponents, long mantissas, text).
 * Fusing the field scan with the number scan reads each byte once.
 *
 * @param b - UTF-8 bytes
 * @param i - offset of the cell's first byte
 * @param n - length of the input
 * @param out - receives the value and whether it is an integer literal
 */
export function scanPlainNumber(b: Uint8Array, i: number, n: number, out: NumberScan): number {
  let negative = false;
  if (i < n && b[i] === MINUS) {
    negative = true;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let c = 0;
  while (i < n) {
    c = b[i];
    if (c < ZERO || c > NINE) break;
    mantissa = mantissa * 10 + (c - ZERO);
    digits++;
    i++;
  }
  const fraction = i < n && c === DOT;
  if (fraction) {
    i++;
    while (i < n) {
      c = b[i];
      if (c < ZERO || c > NINE) break;
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      scale++;
      i++;
    }
  }
  // ≤ 15 digits keep the mantissa exact, and 10^scale ≤ 10^15 is exact: one correct rounding.
  if (digits === 0 || digits > 15) return -1;
  if (i < n) {
    c = b[i];
    if (c !== COMMA && c !== LF && c !== CR) return -1;
  }
  const v = scale === 0 ? mantissa : mantissa / POW10[scale];
  out.value = negative ? -v : v;
  out.integral = !fraction;
  return i;
}

/** Largest integer literal kept "integral" (larger ones lose precision in a Float64Array). */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Parses bytes[start, end) as a number. Returns false when the text is not a number.
 *
 * Why by hand: building a string per cell and calling `Number()` dominates CSV parsing time;
 * up to 15 significant digits with |exponent| ≤ 22 are computed exactly (one correctly rounded
 * multiply or divide of two exact doubles), anything longer falls back to `Number()`.
 *
 * @param b - UTF-8 bytes
 * @param start - first byte of the cell
 * @param end - one past its last byte
 * @param out - receives the value and whether it is an integer literal
 */
export function scanNumberBytes(
  b: Uint8Array,
  start: number,
  end: number,
  out: NumberScan,
): boolean {
  while (start < end && (b[start] === SPACE || b[start] === TAB)) start++;
  while (end > start && (b[end - 1] === SPACE || b[end - 1] === TAB)) end--;
  if (start === end) return false;
  let i = start;
  let negative = false;
  let c = b[i];
  if (c === MINUS || c === PLUS) {
    negative = c === MINUS;
    i++;
    if (i === end) return false;
    c = b[i];
  }
  if (c < ZERO || c > NINE) {
    if (c !== DOT) return scanWord(b, i, end, negative, out);
  }
  let mantissa = 0;
  let significant = 0;
  let exp10 = 0;
  let digits = 0;
  let exact = true;
  let integral = true;
  while (i < end) {
    c = b[i];
    if (c < ZERO || c > NINE) break;
    digits++;
    if (significant < 15) {
      if (mantissa !== 0 || c !== ZERO) {
        mantissa = mantissa * 10 + (c - ZERO);
        significant++;
      }
    } else {
      exact = false;
      exp10++;
    }
    i++;
  }
  if (i < end && b[i] === DOT) {
    integral = false;
    i++;
    while (i < end) {
      c = b[i];
      if (c < ZERO || c > NINE) break;
      digits++;
      if (significant < 15) {
        if (mantissa !== 0 || c !== ZERO) {
          mantissa = mantissa * 10 + (c - ZERO);
          significant++;
        }
        exp10--;
      } else if (c !== ZERO) {
        exact = false;
      }
      i++;
    }
  }
  if (digits === 0) return false;
  if (i < end && (b[i] === LOWER_E || b[i] === UPPER_E)) {
    integral = false;
    i++;
    let expNegative = false;
    if (i < end && (b[i] === MINUS || b[i] === PLUS)) {
      expNegative = b[i] === MINUS;
      i++;
    }
    let expDigits = 0;
    let e = 0;
    while (i < end) {
      c = b[i];
      if (c < ZERO || c > NINE) break;
      if (e < 100000) e = e * 10 + (c - ZERO);
      expDigits++;
      i++;
    }
    if (expDigits === 0) return false;
    exp10 += expNegative ? -e : e;
  }
  if (i !== end) return false;
  let value: number;
  if (exact && exp10 >= -22 && exp10 <= 22) {
    value = exp10 < 0 ? mantissa / POW10[-exp10] : mantissa * POW10[exp10];
  } else {
    // The grammar is already checked and ASCII-only, so a latin1 string is the exact text.
    let text = "";
    for (let k = start; k < end; k++) text += String.fromCharCode(b[k]);
    value = Math.abs(Number(text));
  }
  out.value = negative ? -value : value;
  out.integral = integral && value <= MAX_SAFE;
  return true;
}

/** `Infinity`, `Inf`, `NaN` (any case) after an optional sign. */
function scanWord(
  b: Uint8Array,
  i: number,
  end: number,
  negative: boolean,
  out: NumberScan,
): boolean {
  const len = end - i;
  if (len !== 3 && len !== 8) return false;
  let word = "";
  for (let k = i; k < end; k++) word += String.fromCharCode(b[k] | 0x20);
  if (word === "inf" || word === "infinity") {
    out.value = negative ? -Infinity : Infinity;
    out.integral = false;
    return true;
  }
  if (word === "nan") {
    out.value = NaN;
    out.integral = true;
    return true;
  }
  return false;
}

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const WORD_PATTERN = /^([+-]?)(inf|infinity|nan)$/i;

/**
 * Parses a string as a number with the same grammar as {@link scanNumberBytes}.
 * Returns undefined when the text is not a number.
 *
 * @param text - cell text
 */
export function parseNumberText(text: string): { value: number; integral: boolean } | undefined {
  const t = text.trim();
  if (NUMBER_PATTERN.test(t)) {
    const value = Number(t);
    return { value, integral: !/[.eE]/.test(t) && Math.abs(value) <= MAX_SAFE };
  }
  const word = WORD_PATTERN.exec(t);
  if (word) {
    if (word[2].toLowerCase() === "nan") return { value: NaN, integral: true };
    return { value: word[1] === "-" ? -Infinity : Infinity, integral: false };
  }
  return undefined;
}

/**
 * Parses `true`/`false` (any case, surrounding spaces allowed): 1, 0, or -1 when neither.
 *
 * @param text - cell text
 */
export function parseBooleanText(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === "true") return 1;
  if (t === "false") return 0;
  return -1;
}

/**
 * Same as {@link parseBooleanText} on bytes[start, end).
 *
 * @param b - UTF-8 bytes
 * @param start - first byte
 * @param end - one past the last byte
 */
export function scanBooleanBytes(b: Uint8Array, start: number, end: number): number {
  while (start < end && (b[start] === SPACE || b[start] === TAB)) start++;
  while (end > start && (b[end - 1] === SPACE || b[end - 1] === TAB)) end--;
  const len = end - start;
  if (len !== 4 && len !== 5) return -1;
  let word = "";
  for (let k = start; k < end; k++) word += String.fromCharCode(b[k] | 0x20);
  if (word === "true") return 1;
  if (word === "false") return 0;
  return -1;
}

/**
 * Tokens that mean "missing" in a column that is otherwise numeric or boolean: empty or blank,
 * `?` (the UCI convention) and `NA`. In a String column they stay literal text.
 *
 * @param text - cell text
 */
export function isMissingToken(text: string): boolean {
  const t = text.trim();
  return t === "" || t === "?" || t === "NA";
}
