import * as z from "zod";
import { isNotFound } from "./not-found.js";
import type { RepoName } from "./repo-name.js";

/** Reading one file of a repository through GitHub's contents API, for the App and the Action alike. */

export interface RepoPath extends RepoName {
  path: string;
  /** Commit, branch or tag; the default branch when absent. */
  ref?: string;
}

/** What both Probot's and @actions/github's clients offer for it. */
export interface ContentsClient {
  rest: { repos: { getContent(params: { owner: string; repo: string; path: string; ref?: string }): Promise<{ data: unknown }> } };
}

const FileContents = z.object({ type: z.literal("file"), content: z.string(), encoding: z.literal("base64") });

/** A file's text, or null when there is no such file (or the path is a directory, symlink or submodule). */
export async function readRepoFile(github: ContentsClient, at: RepoPath): Promise<string | null> {
  try {
    const { data } = await github.rest.repos.getContent({ owner: at.owner, repo: at.repo, path: at.path, ...(at.ref ? { ref: at.ref } : {}) });
    const file = FileContents.safeParse(data);
    return file.success ? Buffer.from(file.data.content, "base64").toString("utf8") : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
