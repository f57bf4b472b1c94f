/**
 * Reading an ONNX graph's nodes: attributes by name, the node's name as messages show it, which
 * nodes consume a value, and the graph's declared input shapes.
 */
import type { OnnxAttribute, OnnxGraph, OnnxNode, OnnxValueInfo } from "./proto.js";
import { AttributeType } from "./proto.js";

/** `LSTM node "/rnn/LSTM"` (or its first output where the node has no name). */
export function nodeLabel(node: OnnxNode): string {
  const name = node.name || node.output?.[0] || "(unnamed)";
  return `${node.opType ?? "?"} node ${JSON.stringify(name)}`;
}

export function attribute(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attribute?.find((a) => a.name === name);
}

export function intAttribute(node: OnnxNode, name: string): number | undefined {
  const a = attribute(node, name);
  return a === undefined ? undefined : (a.i ?? 0);
}

export function intsAttribute(node: OnnxNode, name: string): number[] | undefined {
  return attribute(node, name)?.ints;
}

export function floatAttribute(node: OnnxNode, name: string): number | undefined {
  const a = attribute(node, name);
  return a === undefined ? undefined : (a.f ?? 0);
}

export function stringAttribute(node: OnnxNode, name: string): string | undefined {
  const s = attribute(node, name)?.s;
  return s === undefined ? undefined : Buffer.from(s).toString("utf8");
}

export function stringsAttribute(node: OnnxNode, name: string): string[] | undefined {
  return attribute(node, name)?.strings?.map((s) => Buffer.from(s).toString("utf8"));
}

/** Attribute constructors for the graphs seqforge writes. */
export const attr = {
  int: (name: string, i: number): OnnxAttribute => ({ name, type: AttributeType.INT, i }),
  floats: (name: string, floats: number[]): OnnxAttribute => ({ name, type: AttributeType.FLOATS, floats }),
  strings: (name: string, s: string[]): OnnxAttribute => ({ name, type: AttributeType.STRINGS, strings: s.map((v) => Buffer.from(v, "utf8")) }),
};

/** Every node that reads each value (a node reading a value twice is listed once). */
export function consumers(graph: OnnxGraph): Map<string, OnnxNode[]> {
  const map = new Map<string, OnnxNode[]>();
  for (const node of graph.node ?? []) {
    for (const name of new Set(node.input ?? [])) {
      if (name === "") continue;
      const list = map.get(name) ?? [];
      list.push(node);
      map.set(name, list);
    }
  }
  return map;
}

/** A declared dimension: its size, or its symbolic name (a dynamic axis), or null when neither is given. */
export function declaredDims(v: OnnxValueInfo): (number | string | null)[] | null {
  const dims = v.type?.tensorType?.shape?.dim;
  if (dims === undefined) return null;
  return dims.map((d) => (d.dimValue ? d.dimValue : d.dimParam ? d.dimParam : null));
}
