/**
 * The one configuration schema: every setting with its action input name (also its key in
 * `.k8s-image-check.yaml`), its CLI flag, type, default and documentation. Action inputs, CLI flags,
 * the config file, `action.yml` and the README tables are all derived from this table.
 */
import type { FailOn, SeverityOrOff } from '../report/model.js';

export type OptionType = 'string' | 'list' | 'boolean' | 'number' | 'enum' | 'rules' | 'map';

/**
 * Whether the repository's config file may set a setting. The file is part of the pull request, so
 * it is attacker-controlled: it may narrow what the run does, never widen what it may reach.
 * - `allowed`: the file may set it (policy: rules, patterns, excludes, labels).
 * - `narrow-only`: the file may only move it to the narrow side of its default: a boolean only to its
 *   default, a number only to its default or below, an allow-list (empty meaning all) to any list.
 * - `inputs-only`: only workflow inputs, CLI flags and the environment set it (hosts, TLS trust,
 *   credentials, output paths, files outside the repository); the file's value is ignored with a warning.
 */
export type FileTrust = 'allowed' | 'narrow-only' | 'inputs-only';

/** Where a setting applies: PR/scan mode, cluster mode, or both. */
export type OptionMode = 'scan' | 'cluster';

export interface OptionSpec {
  /** Property name in {@link Config}. */
  key: keyof Config;
  /** Action input name and config-file key (kebab-case). */
  input: string;
  /** CLI long flag without dashes, or null when the setting is action-only. */
  flag: string | null;
  /** What the repository's config file may do with it ({@link FileTrust}); default `allowed`. */
  fileTrust?: FileTrust;
  /** Values are paths relative to the repository root: from the config file, one that leaves it is ignored. */
  repoPaths?: boolean;
  /** For numbers: 0 means "no limit", the widest value (a config file may not set it under narrow-only). */
  zeroIsUnlimited?: boolean;
  type: OptionType;
  values?: readonly string[];
  default: unknown;
  /** One-paragraph description for action.yml and the README. */
  description: string;
  /** Mask the value (core.setSecret) and never print it. */
  secret?: boolean;
  modes: readonly OptionMode[];
  /** Only meaningful in the GitHub Action (not a CLI flag, not in the config file). */
  actionOnly?: boolean;
  /**
   * Only meaningful on the CLI: not declared in action.yml, marked "CLI only" in the README (the action's
   * reports have their own channels). The config file may still set it, for local runs.
   */
  cliOnly?: boolean;
  /** Not accepted in the config file (secrets, paths of the file itself). */
  notInFile?: boolean;
  /** Minimum for numbers. */
  min?: number;
  /** Lists of regular expressions split on newlines only (a regex may contain a comma: `x{1,3}`). */
  newlineOnly?: boolean;
}

export type RenderMode = 'auto' | 'none' | 'kustomize' | 'helm';
export type OutputFormat = 'text' | 'json' | 'sarif' | 'github' | 'junit';
export type ActionMode = 'pr' | 'cluster';
export type NotifyFormat = 'json' | 'slack';

/** Fully resolved settings (defaults applied, validated). */
export interface Config {
  mode: ActionMode;
  paths: string[];
  exclude: string[];
  configFile: string | null;
  maxFileSize: number;
  failOn: FailOn;
  rules: Record<string, SeverityOrOff>;
  dirtyPatterns: string[];
  mutableTags: string[];
  ignore: string[];
  format: OutputFormat | null;
  output: string | null;
  /** CLI only: print nothing but errors; the exit code tells the result. */
  quiet: boolean;
  /** CLI only: print only the totals lines. */
  summaryOnly: boolean;
  jsonFile: string | null;
  sarifFile: string | null;
  baseline: string | null;
  offline: boolean;
  render: RenderMode;
  helmValues: string[];
  registryCredentials: string | null;
  dockerConfig: string | null;
  pullSecretsFile: string | null;
  caFiles: string[];
  insecureRegistries: string[];
  plainHttpRegistries: string[];
  mirrors: Record<string, string>;
  platforms: string[];
  allowedRegistries: string[];
  allowLinkLocal: boolean;
  concurrency: number;
  registryConcurrency: number;
  timeout: number;
  retries: number;
  maxDuration: number;
  onlyChanged: boolean;
  checkName: string;
  githubToken: string | null;
  kubeconfig: string | null;
  kubeconfigData: string | null;
  context: string | null;
  clusterName: string | null;
  namespaces: string[];
  excludeNamespaces: string[];
  manifests: string[];
  defaultNamespace: string;
  reportNotInGit: boolean;
  rolloutGrace: number;
  checkLiveImages: boolean;
  includeScaledToZero: boolean;
  usePullSecrets: boolean;
  podsFile: string | null;
  objectsFile: string | null;
  now: string | null;
  issues: boolean;
  issueLabel: string;
  resolveRuns: number;
  maxIssuesPerRun: number;
  dryRun: boolean;
  pushgatewayUrl: string | null;
  pushgatewayJob: string;
  pushgatewayUsername: string | null;
  pushgatewayPassword: string | null;
  notifyUrls: string[];
  notifyFormat: NotifyFormat;
  waitingGrace: number;
  unschedulableGrace: number;
  stuckGrace: number;
  notReadyGrace: number;
  recentWindow: number;
  highRestartThreshold: number;
}

const BOTH = ['scan', 'cluster'] as const;
const SCAN = ['scan'] as const;
const CLUSTER = ['cluster'] as const;

/**
 * A spec whose default (and, for an enum, each value) has the type its {@link Config} property has:
 * `{ key: 'timeout', default: 10 }`, `{ key: 'failOn', values: [...FailOn values] }`.
 */
type SpecFor<K extends keyof Config> = Omit<OptionSpec, 'key' | 'default' | 'values'> & {
  key: K;
  default: Config[K];
  values?: readonly Extract<NonNullable<Config[K]>, string>[];
};

/** One entry of the table, checked at compile time: the default of each key has that key's Config type. */
export type TypedOptionSpec = { [K in keyof Config]: SpecFor<K> }[keyof Config];

/** The keys of Config no spec of `T` names (never when the table is complete). */
type MissingKeys<T extends readonly TypedOptionSpec[]> = Exclude<keyof Config, T[number]['key']>;

/**
 * Returns the table unchanged; its type fails to compile when a Config key has no spec (the error names the
 * missing keys) or a default does not fit its property, so the table and the Config type cannot drift apart.
 */
function defineOptions<const T extends readonly TypedOptionSpec[]>(
  specs: T & ([MissingKeys<T>] extends [never] ? unknown : { missingKeys: MissingKeys<T> }),
): readonly TypedOptionSpec[] {
  return specs;
}

/** The schema table. Order is the order of the README and action.yml. */
export const OPTIONS: readonly OptionSpec[] = defineOptions([
  {
    key: 'mode',
    input: 'mode',
    flag: null,
    fileTrust: 'inputs-only',
    type: 'enum',
    values: ['pr', 'cluster'],
    default: 'pr',
    description:
      '`pr` scans manifests and checks their images (pull requests, pushes); `cluster` compares a live cluster with the manifests, classifies pod health, manages issues and pushes metrics (scheduled workflows). The CLI uses the `scan` and `drift` commands instead.',
    modes: BOTH,
    actionOnly: true,
  },
  {
    key: 'paths',
    input: 'paths',
    flag: 'path',
    repoPaths: true,
    type: 'list',
    default: ['.'],
    description:
      'Files, directories or globs to scan, relative to the repository root (newline- or comma-separated). CLI: positional arguments.',
    modes: SCAN,
  },
  {
    key: 'exclude',
    input: 'exclude',
    flag: 'exclude',
    type: 'list',
    default: [],
    description: 'Globs of files to leave out (in addition to `.gitignore`, `.git` and `node_modules`).',
    modes: BOTH,
  },
  {
    key: 'configFile',
    input: 'config-file',
    flag: 'config',
    type: 'string',
    default: null,
    description:
      'Path of a YAML config file whose keys are these input names. Default: `.k8s-image-check.yaml` at the root when it exists.',
    modes: BOTH,
    notInFile: true,
  },
  {
    key: 'maxFileSize',
    input: 'max-file-size',
    flag: 'max-file-size',
    fileTrust: 'narrow-only',
    type: 'number',
    default: 5_000_000,
    min: 1,
    description: 'Files larger than this many bytes are skipped with a notice.',
    modes: BOTH,
  },
  {
    key: 'failOn',
    input: 'fail-on',
    flag: 'fail-on',
    type: 'enum',
    values: ['error', 'critical', 'warning', 'notice', 'info', 'never'],
    default: 'error',
    description:
      'Fail (exit code 1, failed check run) when a finding has at least this severity: `error` (≡ `critical`), `warning`, `notice` (≡ `info`) or `never`. Both modes accept both words.',
    modes: BOTH,
  },
  {
    key: 'rules',
    input: 'rules',
    flag: 'rule',
    type: 'rules',
    default: {},
    description:
      'Severity overrides per rule id: `id=error|warning|notice|off`, comma- or newline-separated (CLI: `--rule id=level`, repeatable; config file: a map).',
    modes: BOTH,
  },
  {
    key: 'dirtyPatterns',
    input: 'dirty-patterns',
    flag: 'dirty-pattern',
    type: 'list',
    newlineOnly: true,
    default: ['-dirty$'],
    description:
      'Regular expressions (RE2 syntax, linear time: no backreferences or lookaround), one per line (CLI: repeat the flag); a tag matching any of them is reported by `dirty-tag`.',
    modes: BOTH,
  },
  {
    key: 'mutableTags',
    input: 'mutable-tags',
    flag: 'mutable-tag',
    type: 'list',
    default: ['main', 'master', 'develop', 'dev', 'staging', 'edge', 'nightly'],
    description: 'Tags reported by `mutable-tag` (branch-like tags that are re-pushed).',
    modes: BOTH,
  },
  {
    key: 'ignore',
    input: 'ignore',
    flag: 'ignore',
    type: 'list',
    newlineOnly: true,
    default: [],
    description:
      'Regular expressions (RE2 syntax) over the normalized reference (`docker.io/library/nginx:1.27`), one per line (CLI: repeat the flag); matching images get no findings and no registry check.',
    modes: BOTH,
  },
  {
    key: 'format',
    input: 'format',
    flag: 'format',
    cliOnly: true,
    type: 'enum',
    values: ['text', 'json', 'sarif', 'github', 'junit'],
    default: null,
    description:
      'CLI output format: `text` (grouped by file, colours only on a terminal), `json`, `sarif`, `github` (workflow-command annotations) or `junit` (JUnit XML for GitLab, Jenkins and Azure Pipelines test reports). Default: `text`, or `github` inside GitHub Actions.',
    modes: BOTH,
    notInFile: true,
  },
  {
    key: 'output',
    input: 'output',
    flag: 'output',
    cliOnly: true,
    type: 'string',
    default: null,
    description: 'CLI: write the report to this file instead of standard output.',
    modes: BOTH,
    notInFile: true,
  },
  {
    key: 'quiet',
    input: 'quiet',
    flag: 'quiet',
    type: 'boolean',
    default: false,
    description:
      'CLI: print nothing but errors (no report, no progress or warnings); the exit code tells the result. Files named by --output, --json-file and --sarif-file are still written.',
    modes: BOTH,
    notInFile: true,
    cliOnly: true,
  },
  {
    key: 'summaryOnly',
    input: 'summary',
    flag: 'summary',
    type: 'boolean',
    default: false,
    description:
      'CLI: print only the totals lines (files, images, findings by severity) instead of the report.',
    modes: BOTH,
    notInFile: true,
    cliOnly: true,
  },
  {
    key: 'jsonFile',
    input: 'json-file',
    flag: 'json-file',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description:
      'Also write the JSON report (schemaVersion 1) to this path; in the action it must be inside the workspace or `RUNNER_TEMP`.',
    modes: BOTH,
  },
  {
    key: 'sarifFile',
    input: 'sarif-file',
    flag: 'sarif-file',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description:
      'Also write a SARIF 2.1.0 report to this path (for `github/codeql-action/upload-sarif`); in the action it must be inside the workspace or `RUNNER_TEMP`.',
    modes: SCAN,
  },
  {
    key: 'baseline',
    input: 'baseline',
    flag: 'baseline',
    type: 'string',
    default: null,
    description:
      'Baseline file of accepted findings (rule, image, optional file glob, expiry and reason), relative to the repository root; its matches are reported as suppressed and never fail the run. Default: `.k8s-image-check-baseline.yaml` when it exists. `k8s-image-check baseline` writes it.',
    modes: SCAN,
  },
  {
    key: 'offline',
    input: 'offline',
    flag: 'offline',
    type: 'boolean',
    default: false,
    description: 'Do not contact registries: report tag policy and parse problems only.',
    modes: BOTH,
  },
  {
    key: 'render',
    input: 'render',
    flag: 'render',
    type: 'enum',
    values: ['auto', 'none', 'kustomize', 'helm'],
    default: 'auto',
    description:
      '`auto`: build kustomizations natively and render Helm charts with `helm template` when `helm` is on the PATH, else read their `values.yaml`; `kustomize`: build overlays with `kustomize build` or `kubectl kustomize`; `helm`: render charts with `helm template`; `none`: raw files only.',
    modes: BOTH,
  },
  {
    key: 'helmValues',
    input: 'helm-values',
    flag: 'helm-values',
    repoPaths: true,
    type: 'list',
    default: [],
    description: 'Extra values files passed to `helm template` (`-f`), relative to the repository root.',
    modes: BOTH,
  },
  {
    key: 'registryCredentials',
    input: 'registry-credentials',
    // No CLI flag: argv is visible to every user of the machine (`ps`); the CLI reads the environment.
    flag: null,
    type: 'string',
    default: null,
    secret: true,
    notInFile: true,
    description:
      'JSON or YAML map of registry host to `{username, password}`, `{auth}` (base64 `user:password`), `{identitytoken}` or `{registrytoken}`. Masked. CLI: the `K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS` environment variable.',
    modes: BOTH,
  },
  {
    key: 'dockerConfig',
    input: 'docker-config',
    flag: 'docker-config',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description:
      'Path of a Docker `config.json` (auths, credHelpers, credsStore). Default: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.',
    modes: BOTH,
  },
  {
    key: 'pullSecretsFile',
    input: 'pull-secrets-file',
    flag: 'pull-secrets-file',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description:
      'Path of Kubernetes image pull secrets as `kubectl get secret NAME -o yaml` (or `-o json`) prints them: a Secret of type `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg`, or a List of them. Each image gets the credentials the kubelet would use.',
    modes: BOTH,
  },
  {
    key: 'caFiles',
    input: 'ca-files',
    flag: 'ca-file',
    fileTrust: 'inputs-only',
    type: 'list',
    default: [],
    description: 'Extra PEM CA bundles trusted for registries, in addition to the system CAs.',
    modes: BOTH,
  },
  {
    key: 'insecureRegistries',
    input: 'insecure-registries',
    flag: 'insecure-registry',
    fileTrust: 'inputs-only',
    type: 'list',
    default: [],
    description: 'Registry hosts whose TLS certificates are not verified.',
    modes: BOTH,
  },
  {
    key: 'plainHttpRegistries',
    input: 'plain-http-registries',
    flag: 'plain-http-registry',
    fileTrust: 'inputs-only',
    type: 'list',
    default: [],
    description:
      'Registry hosts spoken to over plain HTTP (`localhost` and 127.0.0.0/8 fall back to it automatically).',
    modes: BOTH,
  },
  {
    key: 'mirrors',
    input: 'mirrors',
    flag: 'mirror',
    fileTrust: 'inputs-only',
    type: 'map',
    default: {},
    description:
      'Registry mirrors as `registry=mirror-host` (e.g. `docker.io=mirror.example.com`); the upstream is tried when the mirror fails.',
    modes: BOTH,
  },
  {
    key: 'platforms',
    input: 'platforms',
    flag: 'platform',
    type: 'list',
    default: [],
    description:
      'Platforms every image must provide (e.g. `linux/amd64,linux/arm64`); otherwise `image-platform-missing`.',
    modes: BOTH,
  },
  {
    key: 'allowedRegistries',
    input: 'allowed-registries',
    flag: 'allowed-registry',
    fileTrust: 'narrow-only',
    type: 'list',
    default: [],
    description: 'Only these registry hosts are contacted (empty: all). Others are reported as skipped.',
    modes: BOTH,
  },
  {
    key: 'allowLinkLocal',
    input: 'allow-link-local',
    flag: 'allow-link-local',
    fileTrust: 'narrow-only',
    type: 'boolean',
    default: false,
    description:
      'Allow registry hosts on link-local and cloud-metadata addresses (169.254.0.0/16, fd00:ec2::254). Off so that an image name in a pull request cannot make the runner a proxy.',
    modes: BOTH,
  },
  {
    key: 'concurrency',
    input: 'concurrency',
    flag: 'concurrency',
    fileTrust: 'narrow-only',
    type: 'number',
    default: 32,
    min: 1,
    description: 'Registry requests in flight at once, over all registries.',
    modes: BOTH,
  },
  {
    key: 'registryConcurrency',
    input: 'registry-concurrency',
    flag: 'registry-concurrency',
    fileTrust: 'narrow-only',
    type: 'number',
    default: 8,
    min: 1,
    description: 'Registry requests in flight at once per registry host.',
    modes: BOTH,
  },
  {
    key: 'timeout',
    input: 'timeout',
    flag: 'timeout',
    fileTrust: 'narrow-only',
    type: 'number',
    default: 15,
    min: 1,
    description:
      'Seconds one registry request may take in all: connect, headers and the whole body (then retried, unless the host never answered).',
    modes: BOTH,
  },
  {
    key: 'retries',
    input: 'retries',
    flag: 'retries',
    fileTrust: 'narrow-only',
    type: 'number',
    default: 3,
    min: 0,
    description: 'Retries for network errors, 5xx and 429 answers (with backoff, honouring Retry-After).',
    modes: BOTH,
  },
  {
    key: 'maxDuration',
    input: 'max-duration',
    flag: 'max-duration',
    type: 'number',
    default: 600,
    min: 0,
    description:
      'Seconds all registry checks of a run may take together (0 = no limit). When it passes, every image not yet checked is registry_unavailable (never absent) with a message. The default, 10 minutes, keeps a run well inside a typical CI job budget.',
    modes: BOTH,
    // A pull request may shorten the run, never lengthen it (0 is the widest value: no limit).
    fileTrust: 'narrow-only',
    zeroIsUnlimited: true,
  },
  {
    key: 'onlyChanged',
    input: 'only-changed',
    flag: null,
    type: 'boolean',
    default: false,
    description:
      'Report findings only for files changed in the pull request (registry checks are still deduplicated across all files).',
    modes: SCAN,
    actionOnly: true,
  },
  {
    key: 'checkName',
    input: 'check-name',
    flag: null,
    type: 'string',
    default: 'k8s-image-check',
    description: 'Name of the check run created on the pull request head commit.',
    modes: SCAN,
    actionOnly: true,
  },
  {
    key: 'githubToken',
    input: 'github-token',
    flag: null,
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    secret: true,
    description:
      'Token for check runs, changed files and issues. Default: `${{ github.token }}`. Needs `checks: write` (PR mode) and `issues: write` (cluster mode); without them the action falls back to annotations.',
    modes: BOTH,
    actionOnly: true,
  },
  {
    key: 'kubeconfig',
    input: 'kubeconfig-file',
    flag: 'kubeconfig',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description:
      'Path of a kubeconfig file. Default: `$KUBECONFIG`, `~/.kube/config`, or the in-cluster service account.',
    modes: CLUSTER,
  },
  {
    key: 'kubeconfigData',
    input: 'kubeconfig',
    flag: null,
    type: 'string',
    default: null,
    secret: true,
    notInFile: true,
    description: 'Kubeconfig text (from a secret). Masked, kept in memory only.',
    modes: CLUSTER,
  },
  {
    key: 'context',
    input: 'context',
    flag: 'context',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description: 'Kubeconfig context to use. Default: the current context.',
    modes: CLUSTER,
  },
  {
    key: 'clusterName',
    input: 'cluster-name',
    flag: 'cluster-name',
    type: 'string',
    default: null,
    description: 'Name of the cluster in issues and metrics. Default: the context name.',
    modes: CLUSTER,
  },
  {
    key: 'namespaces',
    input: 'namespaces',
    flag: 'namespace',
    type: 'list',
    default: [],
    description: 'Namespaces to inspect (empty: all).',
    modes: CLUSTER,
  },
  {
    key: 'excludeNamespaces',
    input: 'exclude-namespaces',
    flag: 'exclude-namespace',
    type: 'list',
    default: [],
    description: 'Namespaces to leave out.',
    modes: CLUSTER,
  },
  {
    key: 'manifests',
    input: 'manifests',
    flag: 'manifests',
    repoPaths: true,
    type: 'list',
    default: ['.'],
    description:
      "Where this cluster's desired state starts (the default branch checkout): its overlay, its Flux `clusters/<name>` folder or its Argo CD Applications; Flux/Argo CD objects there are followed.",
    modes: CLUSTER,
  },
  {
    key: 'defaultNamespace',
    input: 'default-namespace',
    flag: 'default-namespace',
    type: 'string',
    default: 'default',
    description: 'Namespace assumed for manifests that name none.',
    modes: CLUSTER,
  },
  {
    key: 'reportNotInGit',
    input: 'report-not-in-git',
    flag: 'report-not-in-git',
    type: 'boolean',
    default: false,
    description: 'Report live workloads that no manifest describes (`not_in_git`).',
    modes: CLUSTER,
  },
  {
    key: 'rolloutGrace',
    input: 'rollout-grace',
    flag: 'rollout-grace',
    type: 'number',
    default: 900,
    min: 0,
    description:
      'Seconds after which pods still running an older image than their controller count as `rollout_stuck`.',
    modes: CLUSTER,
  },
  {
    key: 'checkLiveImages',
    input: 'check-live-images',
    flag: 'check-live-images',
    type: 'boolean',
    default: true,
    description: 'Check that every image the cluster runs or would run still exists in its registry.',
    modes: CLUSTER,
  },
  {
    key: 'includeScaledToZero',
    input: 'include-scaled-to-zero',
    flag: 'include-scaled-to-zero',
    type: 'boolean',
    default: true,
    description: 'Also check images of workloads scaled to zero and suspended CronJobs.',
    modes: CLUSTER,
  },
  {
    key: 'usePullSecrets',
    input: 'use-pull-secrets',
    flag: 'use-pull-secrets',
    fileTrust: 'narrow-only',
    type: 'boolean',
    default: false,
    description:
      "Use workloads' `imagePullSecrets` (and their service accounts') for registry checks, as the kubelet does. Needs RBAC to get Secrets and ServiceAccounts.",
    modes: CLUSTER,
  },
  {
    key: 'podsFile',
    input: 'pods-file',
    flag: 'pods-file',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description: 'Classify pods from a `kubectl get pods -A -o json` dump instead of a live cluster.',
    modes: CLUSTER,
  },
  {
    key: 'objectsFile',
    input: 'objects-file',
    flag: 'objects-file',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description:
      'Read controllers (Deployments, StatefulSets, ...) from a `kubectl get ... -o json` List dump.',
    modes: CLUSTER,
  },
  {
    key: 'now',
    input: 'now',
    flag: 'now',
    type: 'string',
    default: null,
    description:
      'Evaluate grace periods as of this RFC 3339 time. Default: now, or for a dump the time it was taken.',
    modes: CLUSTER,
    // Moving the clock moves every grace period: a pull request could open false issues or hide real ones.
    fileTrust: 'inputs-only',
  },
  {
    key: 'issues',
    input: 'issues',
    flag: 'issues',
    type: 'boolean',
    default: true,
    description: 'Open, update and close one GitHub issue per unhealthy or drifted workload (cluster mode).',
    modes: CLUSTER,
  },
  {
    key: 'issueLabel',
    input: 'issue-label',
    flag: 'issue-label',
    type: 'string',
    default: 'k8s-image-check',
    description: 'Label that marks the issues this tool manages.',
    modes: CLUSTER,
  },
  {
    key: 'resolveRuns',
    input: 'resolve-runs',
    flag: 'resolve-runs',
    type: 'number',
    default: 2,
    min: 1,
    description: 'Consecutive clean runs before an issue is closed.',
    modes: CLUSTER,
  },
  {
    key: 'maxIssuesPerRun',
    input: 'max-issues-per-run',
    flag: 'max-issues-per-run',
    fileTrust: 'narrow-only',
    type: 'number',
    default: 10,
    min: 0,
    description: 'At most this many new issues are opened per run; the rest are listed in the summary.',
    modes: CLUSTER,
  },
  {
    key: 'dryRun',
    input: 'dry-run',
    flag: 'dry-run',
    type: 'boolean',
    default: false,
    description: 'Plan issues and metrics and print the plan, without writing anything.',
    modes: CLUSTER,
  },
  {
    key: 'pushgatewayUrl',
    input: 'pushgateway-url',
    flag: 'pushgateway-url',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description:
      'Prometheus Pushgateway base URL; metrics are pushed (PUT, one group per cluster) after a successful run.',
    modes: CLUSTER,
  },
  {
    key: 'pushgatewayJob',
    input: 'pushgateway-job',
    flag: 'pushgateway-job',
    type: 'string',
    default: 'k8s-image-check',
    description: 'Pushgateway `job` grouping label.',
    modes: CLUSTER,
  },
  {
    key: 'pushgatewayUsername',
    input: 'pushgateway-username',
    flag: 'pushgateway-username',
    fileTrust: 'inputs-only',
    type: 'string',
    default: null,
    description: 'Pushgateway basic-auth user name.',
    modes: CLUSTER,
  },
  {
    key: 'pushgatewayPassword',
    input: 'pushgateway-password',
    flag: null,
    type: 'string',
    default: null,
    secret: true,
    notInFile: true,
    description: 'Pushgateway basic-auth password (masked). CLI: `K8S_IMAGE_CHECK_PUSHGATEWAY_PASSWORD`.',
    modes: CLUSTER,
  },
  {
    key: 'notifyUrls',
    input: 'notify-urls',
    flag: 'notify-url',
    type: 'list',
    default: [],
    // URLs name hosts the runner POSTs to and often carry tokens: never from the repository's config file.
    secret: true,
    notInFile: true,
    newlineOnly: true,
    description:
      'HTTP(S) endpoints, one per line, that get a JSON POST per new `crashed`, `recovered` or `released` event (see "Notices"). Needs `pushgateway-url` (the previous run is read back from its group). Masked. CLI: `--notify-url` (repeatable) or `K8S_IMAGE_CHECK_NOTIFY_URLS`.',
    modes: CLUSTER,
  },
  {
    key: 'notifyFormat',
    input: 'notify-format',
    flag: 'notify-format',
    type: 'enum',
    values: ['json', 'slack'],
    default: 'json',
    description:
      '`json` posts the event itself; `slack` posts a Slack incoming-webhook message (`text` + `blocks`) with the event.',
    modes: CLUSTER,
  },
  {
    key: 'waitingGrace',
    input: 'waiting-grace',
    flag: 'waiting-grace',
    type: 'number',
    default: 120,
    min: 0,
    description: 'Seconds a container may wait (image pull, config error) before it counts as unhealthy.',
    modes: CLUSTER,
  },
  {
    key: 'unschedulableGrace',
    input: 'unschedulable-grace',
    flag: 'unschedulable-grace',
    type: 'number',
    default: 300,
    min: 0,
    description: 'Seconds a pod may stay unschedulable before it counts as unhealthy.',
    modes: CLUSTER,
  },
  {
    key: 'stuckGrace',
    input: 'stuck-grace',
    flag: 'stuck-grace',
    type: 'number',
    default: 1800,
    min: 0,
    description: 'Seconds before a pod stuck creating or terminating is reported.',
    modes: CLUSTER,
  },
  {
    key: 'notReadyGrace',
    input: 'not-ready-grace',
    flag: 'not-ready-grace',
    type: 'number',
    default: 300,
    min: 0,
    description: 'Seconds a running container may stay not ready.',
    modes: CLUSTER,
  },
  {
    key: 'recentWindow',
    input: 'recent-window',
    flag: 'recent-window',
    type: 'number',
    default: 3600,
    min: 1,
    description: 'Seconds within which an OOM kill, eviction or restart counts as recent.',
    modes: CLUSTER,
  },
  {
    key: 'highRestartThreshold',
    input: 'high-restart-threshold',
    flag: 'high-restart-threshold',
    type: 'number',
    default: 20,
    min: 1,
    description: 'Restart count at which a running container is reported as restarting too often.',
    modes: CLUSTER,
  },
]);

/** What the config file may do with a setting (`allowed` unless the table says otherwise). */
export function fileTrustOf(spec: OptionSpec): FileTrust {
  return spec.fileTrust ?? 'allowed';
}

/** Returns the spec for a config key. */
export function optionFor(key: keyof Config): OptionSpec {
  const spec = OPTIONS.find((o) => o.key === key);
  if (!spec) throw new Error(`no option ${String(key)}`);
  return spec;
}
