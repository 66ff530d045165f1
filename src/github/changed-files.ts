/** The files a pull request changes, from the REST API (`GET /repos/{owner}/{repo}/pulls/{number}/files`). */
import type { Octokit } from '@octokit/rest';

/**
 * "Responses include a maximum of 3000 files" (REST docs, List pull requests files). A pull request with
 * more changed files is reported as `truncated`, and callers should then not filter by changed files.
 */
export const MAX_PULL_REQUEST_FILES = 3000;

/** Largest page the endpoint accepts. */
const PER_PAGE = 100;

/** Changed paths of a pull request. */
export interface ChangedFiles {
  /** Repo-relative paths with `/` separators, including the old path of renamed files. */
  files: string[];
  /** True when the API's 3000-file cap was reached, so the list may be incomplete. */
  truncated: boolean;
}

/**
 * Return every file the pull request changes (all pages, 100 per page), with the previous name of renamed
 * files, sorted and deduplicated.
 */
export async function listChangedFiles(
  octokit: Pick<Octokit, 'paginate' | 'rest'>,
  pr: { owner: string; repo: string; number: number },
): Promise<ChangedFiles> {
  const rows = await octokit.paginate(octokit.rest.pulls.listFiles, {
    owner: pr.owner,
    repo: pr.repo,
    pull_number: pr.number,
    per_page: PER_PAGE,
  });
  const files = new Set<string>();
  for (const row of rows) {
    files.add(row.filename);
    if (row.previous_filename) files.add(row.previous_filename);
  }
  return { files: [...files].sort(), truncated: rows.length >= MAX_PULL_REQUEST_FILES };
}
