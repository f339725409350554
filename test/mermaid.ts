import DOMPurify from "dompurify";

/**
 * Mermaid's own parser in Node. mermaid.parse needs DOMPurify's hooks, which exist only
 * with a DOM; parsing never sanitises anything, so hooks that do nothing stand in for them.
 * dompurify is a dev dependency at mermaid's own version, so both import the one instance patched here.
 * A gantt's parser takes almost any task line (a bad end time becomes the start time), so its
 * tasks are also compiled (getTasks) and returned: tests compare them with the times meant.
 */

const purify = DOMPurify as unknown as Record<string, unknown>;
if (typeof purify.addHook !== "function") {
  purify.addHook = () => undefined;
  purify.removeHook = () => undefined;
  purify.removeHooks = () => undefined;
  purify.removeAllHooks = () => undefined;
  purify.sanitize = (text: unknown) => String(text);
}
const { default: mermaid } = await import("mermaid");

/** The text of every ```mermaid block in a Markdown document. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}

/** Throws Mermaid's own error when the diagram does not parse; returns its type and, for a gantt, its tasks. */
export async function parseMermaid(text: string): Promise<{ type: string; tasks: { task: string; startTime: Date; endTime: Date }[] }> {
  const { diagramType } = await mermaid.parse(text);
  if (diagramType !== "gantt") return { type: diagramType, tasks: [] };
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as { getTasks(): { task: string; startTime: Date; endTime: Date; invalid?: boolean }[] };
  const tasks = db.getTasks();
  for (const task of tasks) {
    if (task.invalid || Number.isNaN(task.startTime.getTime()) || Number.isNaN(task.endTime.getTime()))
      throw new Error(`gantt task "${task.task}" has no valid time`);
  }
  return { type: diagramType, tasks };
}
