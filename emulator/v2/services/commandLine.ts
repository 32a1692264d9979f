/**
 * A command job's command line, pure: the `${{inputs.x}}` and `${{outputs.y}}` placeholders it
 * uses, and the line with them bound. `$[[ … ]]` marks an optional part, dropped when an input
 * it uses is absent. Literal inputs are substituted as they are (as Azure does); local paths
 * are shell-quoted when they hold characters the shell would split or expand.
 */

/** The placeholders of a command. */
export interface CommandPlaceholders {
  /** Inputs used outside any optional part: they must be given. */
  readonly requiredInputs: readonly string[];
  /** Inputs used only inside optional parts. */
  readonly optionalInputs: readonly string[];
  readonly outputs: readonly string[];
  /** Placeholders that are neither inputs nor outputs (e.g. `${{search_space.lr}}`). */
  readonly unknown: readonly string[];
}

const PLACEHOLDER = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const OPTIONAL = /\$\[\[([\s\S]*?)\]\]/g;

function namesIn(text: string): { inputs: string[]; outputs: string[]; unknown: string[] } {
  const inputs: string[] = [];
  const outputs: string[] = [];
  const unknown: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const ref = /^(inputs|outputs)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(match[1]);
    if (!ref) unknown.push(match[1]);
    else (ref[1] === "inputs" ? inputs : outputs).push(ref[2]);
  }
  return { inputs, outputs, unknown };
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

/**
 * The placeholders a command uses.
 * @param command - the command line
 */
export function placeholdersOf(command: string): CommandPlaceholders {
  const outside = namesIn(command.replace(OPTIONAL, ""));
  const inside = namesIn([...command.matchAll(OPTIONAL)].map((m) => m[1]).join(" "));
  const required = unique(outside.inputs);
  return {
    requiredInputs: required,
    optionalInputs: unique(inside.inputs).filter((name) => !required.includes(name)),
    outputs: unique([...outside.outputs, ...inside.outputs]),
    unknown: unique([...outside.unknown, ...inside.unknown]),
  };
}

/**
 * Quotes a local path for `sh -c` when it needs it.
 * @param value - a path
 */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** What the placeholders stand for. */
export interface CommandBindings {
  /** Literal values (substituted as they are). */
  readonly literals: Readonly<Record<string, string>>;
  /** Local paths of asset inputs. */
  readonly inputPaths: Readonly<Record<string, string>>;
  /** Local paths of outputs. */
  readonly outputPaths: Readonly<Record<string, string>>;
}

/**
 * Binds a command: optional parts whose inputs are all given are kept (without the brackets),
 * the others dropped; every placeholder is replaced. Throws naming the first unbound one.
 * @param command - the command line
 * @param bindings - values and paths
 */
export function bindCommand(command: string, bindings: CommandBindings): string {
  const has = (name: string): boolean => name in bindings.literals || name in bindings.inputPaths;
  const withOptional = command.replace(OPTIONAL, (_whole, inner: string) =>
    namesIn(inner).inputs.every(has) ? inner : "",
  );
  return withOptional.replace(PLACEHOLDER, (_whole, ref: string) => {
    const match = /^(inputs|outputs)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref);
    if (!match) throw new Error(`\${{${ref}}} is not an input or output placeholder`);
    const name = match[2];
    if (match[1] === "outputs") {
      const local = bindings.outputPaths[name];
      if (local === undefined) throw new Error(`\${{outputs.${name}}} names no declared output`);
      return shellQuote(local);
    }
    if (name in bindings.literals) return bindings.literals[name];
    const local = bindings.inputPaths[name];
    if (local === undefined) throw new Error(`\${{inputs.${name}}} names no declared input`);
    return shellQuote(local);
  });
}
