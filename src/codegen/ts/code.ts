/**
 * Function bodies of the generated TypeScript as nested lines, written through ts-morph's code
 * writer (which indents blocks), and the declaration structures the module is built from.
 */
import {
  StructureKind,
  VariableDeclarationKind,
  type CodeBlockWriter,
  type FunctionDeclarationStructure,
  type InterfaceDeclarationStructure,
  type OptionalKind,
  type ParameterDeclarationStructure,
  type VariableStatementStructure,
  type WriterFunction,
} from "ts-morph";

/** A line, or a block: `head {`, the body indented, `}`. "" is a blank line. */
export type Code = string | { head: string; body: Code[] };

export function block(head: string, ...body: Code[]): Code {
  return { head, body };
}

function write(w: CodeBlockWriter, code: readonly Code[]): void {
  for (const c of code) {
    if (c === "") w.blankLine();
    else if (typeof c === "string") w.writeLine(c);
    else w.write(`${c.head} `).block(() => write(w, c.body));
  }
}

export function body(code: readonly Code[]): WriterFunction {
  return (w) => write(w, code);
}

/**
 * A JSDoc comment. `text`: lines of prose, wrapped to the line width (a blank line between
 * paragraphs); lines starting with a space, and every line from `@example` on, are kept as written
 * (formulas, code). `tags`: `@param`, `@throws`, each wrapped.
 */
export interface Doc {
  text: string;
  tags?: { name: string; text: string }[];
}

/** Columns of a JSDoc line's text: the line width less ` * `. */
const DOC_WIDTH = 97;

/** Words filled into lines of at most `width` columns (the first line `first` columns shorter). */
function fill(text: string, width: number, first = 0): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const limit = lines.length === 0 ? width - first : width;
    if (line !== "" && line.length + 1 + word.length > limit) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

function wrapDoc(text: string): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(...fill(paragraph.join(" "), DOC_WIDTH));
    paragraph = [];
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("@example")) {
      flush();
      out.push(...lines.slice(i));
      break;
    }
    if (line === "" || line.startsWith(" ")) {
      flush();
      out.push(line);
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return out.join("\n");
}

function docs(d: Doc) {
  return [
    {
      description: wrapDoc(d.text),
      tags: (d.tags ?? []).map((t) => ({ tagName: t.name, text: fill(t.text, DOC_WIDTH, t.name.length + 2).join("\n") })),
    },
  ];
}

export interface FunctionSpec {
  name: string;
  exported?: boolean;
  doc: Doc;
  params: [name: string, type: string][];
  returns: string;
  code: Code[];
  /** A comment line or two above the declaration (a section heading). */
  leading?: string;
}

export function fn(s: FunctionSpec): FunctionDeclarationStructure {
  return {
    kind: StructureKind.Function,
    name: s.name,
    isExported: s.exported ?? false,
    docs: docs(s.doc),
    parameters: s.params.map(([name, type]): OptionalKind<ParameterDeclarationStructure> => ({ name, type })),
    returnType: s.returns,
    statements: body(s.code),
    leadingTrivia: s.leading,
  };
}

export interface InterfaceSpec {
  name: string;
  doc: Doc;
  properties: { name: string; type: string; readonly?: boolean; doc: string }[];
}

/** An exported interface, each property documented. */
export function iface(s: InterfaceSpec): InterfaceDeclarationStructure {
  return {
    kind: StructureKind.Interface,
    name: s.name,
    isExported: true,
    docs: docs(s.doc),
    properties: s.properties.map((p) => ({ name: p.name, type: p.type, isReadonly: p.readonly ?? false, docs: docs({ text: p.doc }) })),
  };
}

export interface ConstSpec {
  name: string;
  exported?: boolean;
  doc: Doc;
  /** The initialiser, one line. */
  value?: string;
  /** Or a typed array: `new Int8Array([` the lines `])`. */
  typedArray?: { type: string; lines: string[] };
  leading?: string;
}

export function constant(s: ConstSpec): VariableStatementStructure {
  const initializer: string | WriterFunction =
    s.typedArray === undefined
      ? s.value!
      : (w) => {
          const a = s.typedArray!;
          w.write(`new ${a.type}([`).newLine();
          w.indent(() => a.lines.forEach((l) => w.writeLine(l)));
          w.write("])");
        };
  return {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    isExported: s.exported ?? false,
    docs: docs(s.doc),
    declarations: [{ name: s.name, initializer }],
    leadingTrivia: s.leading,
  };
}
