import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { SpecError, type SpecProblem } from '../errors.js';

/** One step into the parsed file: a mapping key or a list index. */
export type PathSegment = string | number;

/** Where something was written: its dotted path and `file:line:column`. */
export interface SourceRef {
  path: string;
  location: string;
}

/** `studies.optimizers.parameters.optimizer.values[0].learning_rate`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out;
}

/**
 * A parsed sweep file that can say where any path of it was written. Built only from text that
 * parsed cleanly: `parse` throws a SpecError listing every YAML syntax error otherwise.
 */
export class SourceMap {
  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(text: string, file: string): SourceMap {
    const lines = new LineCounter();
    // prettyErrors off: we place the location ourselves, in the same file:line:column form.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
    const map = new SourceMap(file, doc, lines);
    const problems: SpecProblem[] = doc.errors.map((e) => ({
      location: map.at(e.pos[0]),
      path: '',
      message: `invalid YAML: ${e.message}`,
    }));
    problems.push(...map.unresolvedAliases());
    if (problems.length > 0) throw new SpecError(file, problems);
    return map;
  }

  /** The file's data as plain JavaScript. @throws SpecError when yaml refuses (e.g. too many aliases). */
  toJS(): unknown {
    try {
      return this.doc.toJS();
    } catch (err) {
      throw new SpecError(this.file, [{ location: `${this.file}:1:1`, path: '', message: `invalid YAML: ${(err as Error).message}` }]);
    }
  }

  /** Where the value at `path` starts, or its key with `at: 'key'`; the nearest written ancestor if absent. */
  locate(path: readonly PathSegment[], at: 'key' | 'value' = 'value'): string {
    let node: unknown = this.doc.contents;
    let best: unknown = node;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i] as PathSegment;
      if (isAlias(node)) node = node.resolve(this.doc);
      let key: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
        if (pair === undefined) break;
        key = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else break;
      const last = i === path.length - 1;
      // An empty value (`parameters:`) has no node of its own; its key marks the spot.
      const target = (last && at === 'key') || node === null || node === undefined ? key : node;
      if (target !== null && target !== undefined && hasRange(target)) best = target;
      if (node === null || node === undefined) break;
    }
    return this.at(hasRange(best) ? best.range[0] : 0);
  }

  /** A SourceRef for `path`. */
  ref(path: readonly PathSegment[], at: 'key' | 'value' = 'value'): SourceRef {
    return { path: formatPath(path), location: this.locate(path, at) };
  }

  private at(offset: number): string {
    const { line, col } = this.lines.linePos(offset);
    return `${this.file}:${line}:${col}`;
  }

  /** `*x` without an `&x` before it: yaml reports this only when converting, so check first. */
  private unresolvedAliases(): SpecProblem[] {
    const problems: SpecProblem[] = [];
    visit(this.doc, {
      Alias: (_key, alias) => {
        if (alias.resolve(this.doc) === undefined) {
          problems.push({
            location: this.at(alias.range?.[0] ?? 0),
            path: '',
            message: `invalid YAML: alias *${alias.source} has no anchor &${alias.source} before it`,
          });
        }
      },
    });
    return problems;
  }
}

/**
 * Problems without repeats (one found by two checks, or once per study for a sweep-level setting),
 * in reading order (line, then column) as an editor lists them; ties keep their order.
 */
export function tidyProblems(problems: readonly SpecProblem[]): SpecProblem[] {
  const unique = new Map(problems.map((p) => [`${p.location}\n${p.message}`, p]));
  const position = (p: SpecProblem) => {
    const m = /:(\d+):(\d+)$/.exec(p.location);
    return m === null ? 0 : Number(m[1]) * 1e6 + Number(m[2]);
  };
  return [...unique.values()].sort((a, b) => position(a) - position(b));
}

function hasRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}
