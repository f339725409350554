import { thousands } from "./markdown.js";

/**
 * The size budget of an issue body: GitHub refuses bodies over BODY_LIMIT characters. What
 * goes first is what helps a fix least: runs of library frames between the project's own
 * frames (collapsed to one line), then the oldest breadcrumbs (the last ones before the
 * crash are worth more than the 900th vendor frame), then the outermost frames of the
 * causes and of the crash, and last the message.
 */

/** GitHub rejects issue bodies longer than this many characters. */
export const BODY_LIMIT = 65_536;
/** Frames kept in each stack whatever the size: the crashing frame and its nearest callers. */
export const MIN_FRAMES = 5;
/** A run of library frames this long or longer is collapsed to its first frame and a count. */
const COLLAPSE_RUN = 3;

export interface FrameLine {
  text: string;
  inApp: boolean;
}

/** One stack as listed: crashing frame first. */
export type FrameBlock = FrameLine[];

export interface BudgetInput {
  /** Characters of everything that is never cut (headings, tables, marker, notes). */
  fixed: number;
  /** The crash's stack first, then each cause's. */
  blocks: FrameBlock[];
  /** Oldest first. */
  crumbs: string[];
  messageLength: number;
}

export interface BudgetPlan {
  /** Lines to show per block: frames, and "… N library frames …" where a run was collapsed. */
  blocks: string[][];
  /** Newest breadcrumbs kept. */
  crumbCount: number;
  collapsedFrames: number;
  /** Outermost frames dropped, over all blocks. */
  droppedFrames: number;
  messageLength: number;
}

const size = (lines: readonly string[]): number => lines.reduce((n, l) => n + l.length + 1, 0);

/** A block with every run of COLLAPSE_RUN or more library frames reduced to its first frame and a count line. */
function collapse(block: FrameBlock): { lines: string[]; collapsed: number } {
  const lines: string[] = [];
  let collapsed = 0;
  for (let i = 0; i < block.length;) {
    let end = i;
    while (end < block.length && !block[end]!.inApp) end++;
    const run = end - i;
    if (run >= COLLAPSE_RUN) {
      lines.push(block[i]!.text, `   _… ${thousands(run - 1)} library frames …_`);
      collapsed += run - 1;
      i = end;
    } else {
      lines.push(block[i]!.text);
      i++;
    }
  }
  return { lines, collapsed };
}

export function planBody(input: BudgetInput): BudgetPlan {
  let blocks = input.blocks.map((b) => b.map((f) => f.text));
  let collapsedFrames = 0;
  let over = input.fixed + input.messageLength + blocks.reduce((n, b) => n + size(b), 0) + size(input.crumbs) - BODY_LIMIT;
  if (over > 0) {
    const collapsed = input.blocks.map(collapse);
    const saved = blocks.reduce((n, b) => n + size(b), 0) - collapsed.reduce((n, c) => n + size(c.lines), 0);
    if (saved > 0) {
      blocks = collapsed.map((c) => c.lines);
      collapsedFrames = collapsed.reduce((n, c) => n + c.collapsed, 0);
      over -= saved;
    }
  }
  let crumbCount = input.crumbs.length;
  while (over > 0 && crumbCount > 0) {
    over -= (input.crumbs[input.crumbs.length - crumbCount]?.length ?? 0) + 1;
    crumbCount--;
  }
  let droppedFrames = 0;
  // The causes' outermost frames go before the crash's own, the deepest cause first.
  for (let b = blocks.length - 1; b >= 0 && over > 0; b--) {
    const block = blocks[b]!;
    while (over > 0 && block.length > MIN_FRAMES) {
      const line = block.pop()!;
      over -= line.length + 1;
      if (!line.startsWith("   _…")) droppedFrames++;
    }
  }
  const messageLength = over > 0 ? Math.max(0, input.messageLength - over) : input.messageLength;
  return { blocks, crumbCount, collapsedFrames, droppedFrames, messageLength };
}
