// GitHub's JSON objects with every field the official description requires, built from a few
// meaningful values. API URLs point at the stub (as a GHES would); html_url at github.com.
import { createHash } from 'node:crypto'

type Json = Record<string, unknown>

export const WEB = 'https://github.com'
export const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
const EPOCH = '2024-01-01T00:00:00Z'

/** A stable positive id for a name, so the same login or repository always has the same id. */
export function idFor(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) + 1
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`
}

export function user(api: string, login: string, type = login.endsWith('[bot]') ? 'Bot' : 'User'): Json {
  const id = login === BOT.login ? BOT.id : idFor(`user:${login}`)
  const url = `${api}/users/${encodeURIComponent(login)}`
  return {
    login,
    id,
    node_id: nodeId(type === 'Bot' ? 'BOT' : 'U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB}/${type === 'Bot' ? 'apps/' + login.replace(/\[bot\]$/, '') : login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    user_view_type: 'public',
    site_admin: false
  }
}

const REPO_URLS: Record<string, string> = {
  archive: 'archive/{archive_format}{/ref}',
  assignees: 'assignees{/user}',
  blobs: 'git/blobs{/sha}',
  branches: 'branches{/branch}',
  collaborators: 'collaborators{/collaborator}',
  comments: 'comments{/number}',
  commits: 'commits{/sha}',
  compare: 'compare/{base}...{head}',
  contents: 'contents/{+path}',
  contributors: 'contributors',
  deployments: 'deployments',
  downloads: 'downloads',
  events: 'events',
  forks: 'forks',
  git_commits: 'git/commits{/sha}',
  git_refs: 'git/refs{/sha}',
  git_tags: 'git/tags{/sha}',
  hooks: 'hooks',
  issue_comment: 'issues/comments{/number}',
  issue_events: 'issues/events{/number}',
  issues: 'issues{/number}',
  keys: 'keys{/key_id}',
  labels: 'labels{/name}',
  languages: 'languages',
  merges: 'merges',
  milestones: 'milestones{/number}',
  notifications: 'notifications{?since,all,participating}',
  pulls: 'pulls{/number}',
  releases: 'releases{/id}',
  stargazers: 'stargazers',
  statuses: 'statuses/{sha}',
  subscribers: 'subscribers',
  subscription: 'subscription',
  tags: 'tags',
  teams: 'teams',
  trees: 'git/trees{/sha}'
}

export interface RepoSpec {
  private?: boolean
  fork?: boolean
  default_branch?: string
  archived?: boolean
  /** Any further fields, set as given. */
  [field: string]: unknown
}

/** Satisfies both `repository` (a PR's head/base repo) and `full-repository` (repos/get). */
export function repository(api: string, fullName: string, spec: RepoSpec = {}): Json {
  const [owner, name] = fullName.split('/')
  const id = idFor(`repo:${fullName}`)
  const url = `${api}/repos/${fullName}`
  const isPrivate = spec.private ?? false
  return {
    id,
    node_id: nodeId('R', id),
    name,
    full_name: fullName,
    owner: user(api, owner),
    private: isPrivate,
    html_url: `${WEB}/${fullName}`,
    description: null,
    fork: false,
    url,
    ...Object.fromEntries(Object.entries(REPO_URLS).map(([key, suffix]) => [`${key}_url`, `${url}/${suffix}`])),
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${WEB}/${fullName}.git`,
    svn_url: `${WEB}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    subscribers_count: 0,
    network_count: 0,
    size: 0,
    default_branch: 'main',
    open_issues: 0,
    open_issues_count: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: isPrivate ? 'private' : 'public',
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
    pushed_at: EPOCH,
    created_at: EPOCH,
    updated_at: EPOCH,
    ...spec
  }
}

export interface PullSpec {
  title?: string
  body?: string | null
  state?: 'open' | 'closed'
  draft?: boolean
  /** Login of the author. */
  user?: string
  author_association?: string
  /** `repo` is the head repository's full name; a different one from the base makes a fork PR. */
  head?: { sha?: string; ref?: string; repo?: string }
  base?: { sha?: string; ref?: string }
}

export function pullRequest(api: string, baseRepo: string, number: number, spec: PullSpec = {}): Json {
  const id = idFor(`pull:${baseRepo}#${number}`)
  const url = `${api}/repos/${baseRepo}/pulls/${number}`
  const issueUrl = `${api}/repos/${baseRepo}/issues/${number}`
  const html = `${WEB}/${baseRepo}/pull/${number}`
  const author = spec.user ?? 'octocat'
  const headRepo = spec.head?.repo ?? baseRepo
  const headRef = spec.head?.ref ?? `feature-${number}`
  const baseRef = spec.base?.ref ?? 'main'
  const state = spec.state ?? 'open'
  const statuses = `${api}/repos/${baseRepo}/statuses/${spec.head?.sha ?? 'h'.repeat(40)}`
  const side = (fullName: string, ref: string, sha: string): Json => ({
    label: `${fullName.split('/')[0]}:${ref}`,
    ref,
    sha,
    user: user(api, fullName.split('/')[0]),
    repo: repository(api, fullName, { fork: fullName !== baseRepo })
  })
  return {
    url,
    id,
    node_id: nodeId('PR', id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/repos/${baseRepo}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: statuses,
    number,
    state,
    locked: false,
    title: spec.title ?? `Pull request #${number}`,
    user: user(api, author),
    body: spec.body === undefined ? null : spec.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: EPOCH,
    updated_at: EPOCH,
    closed_at: state === 'closed' ? EPOCH : null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(headRepo, headRef, spec.head?.sha ?? 'a'.repeat(40)),
    base: side(baseRepo, baseRef, spec.base?.sha ?? 'b'.repeat(40)),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/repos/${baseRepo}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: statuses }
    },
    author_association: spec.author_association ?? (headRepo === baseRepo ? 'MEMBER' : 'CONTRIBUTOR'),
    auto_merge: null,
    draft: spec.draft ?? false,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1
  }
}

export interface StoredComment {
  id: number
  issue_number: number
  body: string
  user: { login: string; type: string }
  created_at: string
  updated_at: string
  html_url: string
}

export function issueComment(api: string, repo: string, c: StoredComment): Json {
  return {
    id: c.id,
    node_id: nodeId('IC', c.id),
    url: `${api}/repos/${repo}/issues/comments/${c.id}`,
    html_url: c.html_url,
    body: c.body,
    user: user(api, c.user.login, c.user.type),
    created_at: c.created_at,
    updated_at: c.updated_at,
    issue_url: `${api}/repos/${repo}/issues/${c.issue_number}`,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER',
    performed_via_github_app: null,
    reactions: {
      url: `${api}/repos/${repo}/issues/comments/${c.id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0
    }
  }
}

/** GitHub's legacy `permission` for a role: maintain counts as write, triage as read. */
export function collaboratorPermission(api: string, login: string, role: string): Json {
  const permission = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role
  const level = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(role)
  return {
    permission,
    role_name: role,
    user: {
      ...user(api, login),
      permissions: { admin: level >= 5, maintain: level >= 4, push: level >= 3, triage: level >= 2, pull: level >= 1 },
      role_name: role
    }
  }
}
