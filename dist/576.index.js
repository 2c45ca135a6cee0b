export const id = 576;
export const ids = [576];
export const modules = {

/***/ 1576:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  execute: () => (/* binding */ execute)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 18 modules
var core = __webpack_require__(6257);
// EXTERNAL MODULE: ./src/chatops/command.ts
var command = __webpack_require__(8907);
;// CONCATENATED MODULE: ./src/chatops/help.ts

/** Marks pr-env's replies, so that pr-env never reads one as a command. */
const REPLY_MARKER = '<!-- pr-env:reply -->';
const WHAT = {
    deploy: "create or update this PR's environment at its head commit (wakes it if asleep)",
    destroy: 'delete the environment, database included',
    plan: 'show what a deploy would change, changing nothing',
    'refresh-data': 'deploy with the newest production snapshot (replaces the database)',
    sleep: 'scale the web tier to 0 and stop the database; the network and load balancer stay',
    wake: 'start the database, then bring the web tier back',
    extend: `move the expiry to [hours] from now (default: ttl-hours; at most ${command/* MAX_EXTEND_HOURS */.ex})`,
    help: 'this list',
};
/**
 * The commands, one a line, each in code: no line of a reply starts with `/pr-env`, so a reply
 * can never be read as a command. Pure.
 */
function helpText(problem) {
    const lines = [REPLY_MARKER];
    if (problem)
        lines.push(`⚠️ ${problem}.`, '');
    lines.push('**pr-env commands** (a comment line starting with the command; write access required):', '', ...command/* CHATOPS_COMMANDS */.gb.map((c) => `- \`${command/* PREFIX */.H3} ${c}${c === 'extend' ? ' [hours]' : ''}\`: ${WHAT[c]}`), '', "Commands run with the base branch's workflow and template, never the pull request's code. The result is recorded in pr-env's comment on this pull request.");
    return lines.join('\n');
}
/** The answer to someone without write access. Pure. */
function refusalText(user, role, command) {
    return [
        REPLY_MARKER,
        `Sorry @${user}, \`${command.replace(/`/g, "'").slice(0, 100)}\` needs write access to this repository, and yours is \`${role}\`. A maintainer can run it for you.`,
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/chatops/permission.ts
const WRITERS = new Set(['admin', 'maintain', 'write']);
/**
 * Whether a user may run commands: write access or higher. `user.permissions.push` is what a
 * custom role grants, so it decides when present; otherwise the role names do. Never the
 * comment's `author_association`, which says how someone is related to the repository, not what
 * they may do in it. Pure.
 */
function permissionVerdict(response) {
    const role = response.role_name || response.permission || 'none';
    const flags = response.user?.permissions;
    if (flags && typeof flags.push === 'boolean') {
        return { allowed: flags.push || !!flags.admin || !!flags.maintain, role };
    }
    return {
        allowed: WRITERS.has(response.role_name ?? '') || WRITERS.has(response.permission ?? ''),
        role,
    };
}

// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(3916);
;// CONCATENATED MODULE: ./src/github/permission.ts

/**
 * A user's permission on the repository, from the API. A user GitHub does not know as a
 * collaborator (404) has none; any other failure is an error: a command is never run on a guess.
 */
async function getPermission(octokit, repo, user) {
    try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
            ...repo,
            username: user,
        });
        return data;
    }
    catch (error) {
        if (error.status === 404)
            return { permission: 'none' };
        throw (0,errors/* withContext */.eQ)(`Could not read the permission of @${user} on ${repo.owner}/${repo.repo}`, error);
    }
}

;// CONCATENATED MODULE: ./src/github/reactions.ts
/** Reacts to an issue comment; returns the reaction's ID (to take it back later). */
async function addReaction(octokit, repo, commentId, content) {
    const { data } = await octokit.rest.reactions.createForIssueComment({
        ...repo,
        comment_id: commentId,
        content,
    });
    return data.id;
}
async function removeReaction(octokit, repo, commentId, reactionId) {
    await octokit.rest.reactions.deleteForIssueComment({
        ...repo,
        comment_id: commentId,
        reaction_id: reactionId,
    });
}
/**
 * Answers the commenter in a comment of its own: help and refusals are for them, not for the
 * environment's sticky comment. The body carries pr-env's reply marker.
 */
async function replyToIssue(octokit, repo, issue, body) {
    const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body });
    return data.html_url;
}

// EXTERNAL MODULE: ./src/app/build.ts
var app_build = __webpack_require__(5227);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/app/ecr-image.ts

const ECR_URI = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([\w][\w.-]{0,127})|@(sha256:[0-9a-f]{64}))?$/;
/** The ECR image an `app-image` names, or undefined for another registry. Pure. */
function parseEcrImage(image) {
    const match = ECR_URI.exec(image);
    if (!match)
        return undefined;
    const [, registryId, region, china, repository, tag, digest] = match;
    return {
        registryId: registryId,
        region: region,
        partition: china ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
        name: image.replace(/[:@][^/]*$/, ''),
        repository: repository,
        tag: digest ? undefined : (tag ?? 'latest'),
        digest,
    };
}
/** The repository's ARN, which the instances may pull from and nothing else. Pure. */
function repositoryArn(image) {
    return `arn:${image.partition}:ecr:${image.region}:${image.registryId}:repository/${image.repository}`;
}
/** The image by digest, `…/shop@sha256:…`: immutable, unlike a tag. Pure. */
function pinnedImage(image, digest) {
    return `${image.name}@${digest}`;
}
/**
 * The image's digest, or undefined while the tag (or digest) is not in the repository. A missing
 * repository is an error at once: no build will create it.
 */
async function findImageDigest(ecr, image) {
    const { DescribeImagesCommand } = await __webpack_require__.e(/* import() */ 249).then(__webpack_require__.t.bind(__webpack_require__, 8249, 19));
    try {
        const output = await ecr.send(new DescribeImagesCommand({
            registryId: image.registryId,
            repositoryName: image.repository,
            imageIds: [image.digest ? { imageDigest: image.digest } : { imageTag: image.tag }],
        }));
        return output.imageDetails?.[0]?.imageDigest;
    }
    catch (error) {
        if (error.name === 'ImageNotFoundException')
            return undefined;
        throw (0,errors/* withContext */.eQ)(`Could not look up the image ${image.name}${image.digest ? `@${image.digest}` : `:${image.tag}`} in ECR`, error);
    }
}

;// CONCATENATED MODULE: ./src/app/s3-object.ts

/** VersionId when the bucket keeps versions (S3 says `null` when versioning is suspended), else none. Pure. */
function objectVersion(output) {
    const versionId = output.VersionId && output.VersionId !== 'null' ? output.VersionId : undefined;
    const etag = output.ETag?.replace(/^(W\/)?"|"$/g, '') || undefined;
    return { versionId, etag, metadata: output.Metadata };
}
function httpStatus(error) {
    return error.$metadata?.httpStatusCode;
}
/**
 * The object's version, or undefined when it does not exist (yet). A 403 is not "missing": S3
 * answers 403 for a missing key to a caller without s3:ListBucket, and for one it may not read.
 */
async function headObject(s3, bucket, key) {
    const { HeadObjectCommand } = await __webpack_require__.e(/* import() */ 711).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
    try {
        return objectVersion(await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    }
    catch (error) {
        const name = error.name;
        if (name === 'NotFound' || name === 'NoSuchKey' || httpStatus(error) === 404)
            return undefined;
        if (httpStatus(error) === 403) {
            throw (0,errors/* withContext */.eQ)(`Access denied to s3://${bucket}/${key}: the deploy role needs s3:GetObject on it, and s3:ListBucket on the bucket to tell a missing build from a forbidden one (the bootstrap's AppBuildsLocation grants both)`, error);
        }
        throw (0,errors/* withContext */.eQ)(`Could not read s3://${bucket}/${key}`, error);
    }
}

// EXTERNAL MODULE: ./src/app/source.ts
var app_source = __webpack_require__(3070);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
;// CONCATENATED MODULE: ./src/app/upload.ts





/** Where pr-env keeps a build it uploads: beside the stack's templates, one object per commit. */
function uploadKey(stackName, sha) {
    return `pr-env/${stackName}/app/${sha}.tar.gz`;
}
async function sha256Of(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    await (0,promises_.pipeline)((0,external_node_fs_.createReadStream)(file), hash);
    return hash.digest('hex');
}
/**
 * Puts the build in the bucket, unless the same bytes are already there (their SHA-256 is kept in
 * the object's metadata): a re-run then keeps the object's version, and the stack stays as it is.
 */
async function uploadBuild(s3, bucket, key, file) {
    const sha256 = await sha256Of(file);
    const existing = await headObject(s3, bucket, key);
    if (existing?.metadata?.sha256 === sha256)
        return { ...existing, uploaded: false };
    const { PutObjectCommand } = await __webpack_require__.e(/* import() */ 711).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
    try {
        const output = await s3.send(new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: (0,external_node_fs_.createReadStream)(file),
            ContentLength: (0,external_node_fs_.statSync)(file).size,
            ContentType: 'application/gzip',
            Metadata: { sha256 },
        }));
        return { ...objectVersion(output), uploaded: true };
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not upload the build to s3://${bucket}/${key}`, error);
    }
}

// EXTERNAL MODULE: ./src/report/markdown.ts + 1 modules
var markdown = __webpack_require__(9621);
;// CONCATENATED MODULE: ./src/app/wait.ts


/** How often a missing build is looked for again: 10 s, or faster for the simulator's tests. */
function buildPollMs(env = process.env) {
    const value = Number(env.PR_ENV_POLL_FAST_MS);
    return Number.isFinite(value) && value > 0 ? value : 10_000;
}
/**
 * Checks until `check` finds what it looks for, or the time is up: CI may still be uploading the
 * build when the PR's event starts this run. Checks once when `until` has already passed.
 * Returns undefined when it never appeared.
 */
async function waitFor(check, options) {
    const { clock, until, pollMs, what } = options;
    let announced = false;
    let lastLog = clock.now();
    for (;;) {
        const found = await check();
        if (found !== undefined)
            return found;
        const now = clock.now();
        if (now + pollMs > until)
            return undefined;
        if (!announced || now - lastLog >= 60_000) {
            core/* info */.pq(`Waiting for ${what} to appear (${(0,markdown/* formatDuration */.a3)(until - now)} left)`);
            announced = true;
            lastLog = now;
        }
        await clock.sleep(pollMs);
    }
}

;// CONCATENATED MODULE: ./src/app/resolve.ts









/** A build that is not there: nothing has been sent to CloudFormation when this is thrown. */
class BuildMissingError extends Error {
    constructor(what, waitMinutes) {
        super(`Could not find the build ${what} ${waitMinutes > 0 ? `after ${waitMinutes} min` : '(checked once: app-wait-minutes is 0)'}: nothing was deployed. Check that CI uploaded it for this commit, or raise app-wait-minutes.`);
        this.name = 'BuildMissingError';
    }
}
/**
 * Finds (and, for a workspace path or a run's artifact, uploads) the build of the PR's head,
 * before any stack call: a missing or refused build changes nothing. Undefined when the inputs
 * name none (the template's own default app runs).
 */
async function resolveBuild(inputs, pr, deps) {
    const raw = inputs.appArtifact ?? inputs.appImage;
    if (!raw)
        return undefined;
    const source = (0,app_source/* expandSource */.UH)(raw, { sha: pr.headSha, pr: pr.number });
    const what = (0,app_source/* describeSource */.B6)(source);
    const wait = {
        clock: deps.clock,
        until: Math.min(deps.clock.now() + inputs.appWaitMinutes * 60_000, deps.deadline),
        pollMs: buildPollMs(),
        what,
    };
    switch (source.kind) {
        case 's3': {
            const s3 = await deps.s3();
            const found = await waitFor(() => headObject(s3, source.bucket, source.key), wait);
            if (!found)
                throw new BuildMissingError(what, inputs.appWaitMinutes);
            core/* info */.pq(`Build: ${what} (${found.versionId ? `version ${found.versionId}` : `ETag ${found.etag}`})`);
            return { kind: 'artifact', source: 's3', from: what, ...resolve_location(source), ...found };
        }
        case 'image':
            return resolveImage(source.image, inputs, deps, wait);
        case 'workspace':
        case 'run-artifact':
            return uploadedBuild(source, inputs, pr, deps);
    }
}
const resolve_location = (source) => ({
    bucket: source.bucket,
    key: source.key,
});
async function resolveImage(image, inputs, deps, wait) {
    const ecr = parseEcrImage(image);
    if (!ecr) {
        core/* warning */.$e(`app-image ${image} is not in Amazon ECR: it is passed to the instances as given, and pr-env cannot check that it exists or pin its digest`);
        return { kind: 'image', image, from: image };
    }
    if (ecr.region !== deps.region) {
        throw new Error(`"app-image": ${image} is in ECR of ${ecr.region}, but this run works in ${deps.region}: expected an image of the run's region (replicate the repository there)`);
    }
    const client = await deps.ecr();
    const digest = await waitFor(() => findImageDigest(client, ecr), wait);
    if (!digest)
        throw new BuildMissingError(image, inputs.appWaitMinutes);
    const pinned = pinnedImage(ecr, digest);
    core/* info */.pq(`Build: image ${pinned}`);
    return { kind: 'image', image: pinned, from: image, repositoryArn: repositoryArn(ecr) };
}
async function uploadedBuild(source, inputs, pr, deps) {
    const bucket = inputs.templateBucket;
    if (!bucket)
        throw new Error('"template-bucket" is required to upload the build');
    const dir = (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), 'pr-env-build-'));
    try {
        let file;
        let runId;
        if (source.kind === 'workspace') {
            file = await workspaceTarball(source, dir);
        }
        else {
            runId = deps.buildRunId;
            if (runId === undefined) {
                throw new Error(`"app-artifact": artifact:${source.name} is an artifact of the workflow run that triggers pr-env, and event ${deps.eventName} comes from none: expected a workflow_run event (see examples/pr-env-deploy.yml), or an s3:// URI`);
            }
            const { runArtifactTarball } = await __webpack_require__.e(/* import() */ 180).then(__webpack_require__.bind(__webpack_require__, 9180));
            file = await runArtifactTarball(await deps.github(), deps.repo, runId, source.name, inputs.appArtifactMaxMb * 1_048_576, dir);
        }
        const key = uploadKey(deps.stackName, pr.headSha);
        const stored = await uploadBuild(await deps.s3(), bucket, key, file);
        core/* info */.pq(`Build: ${(0,app_source/* describeSource */.B6)(source)} ${stored.uploaded ? 'uploaded to' : 'already at'} s3://${bucket}/${key}`);
        return {
            kind: 'artifact',
            source: source.kind,
            from: (0,app_source/* describeSource */.B6)(source),
            bucket,
            key,
            versionId: stored.versionId,
            etag: stored.etag,
            uploaded: stored.uploaded,
            runId,
        };
    }
    finally {
        (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
    }
}
/** A workspace `.tar.gz` as it is, or a workspace directory packed; never a path outside it. */
async function workspaceTarball(source, dir) {
    let real;
    try {
        real = (0,external_node_fs_.realpathSync)(source.path);
    }
    catch {
        throw new Error(`"app-artifact": "${source.shown}" does not exist in the workspace: expected the build step to have made it (a .tar.gz or a directory)`);
    }
    if (!(0,app_source/* isInside */.FK)((0,external_node_fs_.realpathSync)(source.root), real)) {
        throw new Error(`"app-artifact": "${source.shown}" leads outside the workspace (${real}): expected a path in it`);
    }
    const { isGzip, packDirectory } = await __webpack_require__.e(/* import() */ 362).then(__webpack_require__.bind(__webpack_require__, 2362));
    if ((0,external_node_fs_.statSync)(real).isDirectory()) {
        const out = external_node_path_default().join(dir, 'build.tar.gz');
        await packDirectory(real, out);
        return out;
    }
    if (!/\.(tar\.gz|tgz)$/.test(real) || !isGzip(real)) {
        throw new Error(`"app-artifact": "${source.shown}" is not a .tar.gz: expected a gzipped tarball or a directory to pack`);
    }
    return real;
}

// EXTERNAL MODULE: ./src/github/pulls.ts
var pulls = __webpack_require__(4487);
// EXTERNAL MODULE: ./src/naming.ts
var naming = __webpack_require__(8499);
;// CONCATENATED MODULE: ./src/preflight/quotas.ts
/** The names and codes people search for in the Service Quotas console. */
const QUOTA_INFO = {
    vpcs: { name: 'VPCs per Region', code: 'L-F678F1CE', service: 'vpc' },
    elasticIps: { name: 'EC2-VPC Elastic IPs', code: 'L-0263D0A3', service: 'ec2' },
    natGatewaysPerZone: {
        name: 'NAT gateways per Availability Zone',
        code: 'L-FE5A380F',
        service: 'vpc',
    },
};
/** AWS's defaults, for when the account's quotas cannot be read. */
const DEFAULT_QUOTAS = { vpcs: 5, elasticIps: 5, natGatewaysPerZone: 5 };
/**
 * Compares one count against its quota. An assumed (default) quota the account already exceeds
 * has been raised: it says nothing about the real limit, so that check is dropped.
 */
function compare(quota, inUse, limit, needed, notes, zone) {
    if (needed <= 0 || inUse === undefined || limit === undefined)
        return [];
    const assumed = limit.source === 'default';
    if (assumed && inUse > limit.value) {
        notes.push(`${QUOTA_INFO[quota].name}${zone ? ` in ${zone}` : ''}: ${inUse} in use, above AWS's default of ${limit.value}, so the account's quota is higher than assumed; not checked`);
        return [];
    }
    if (inUse + needed <= limit.value)
        return [];
    return [{ quota, zone, inUse, limit: limit.value, needed, assumed }];
}
function zoneName(ref, zones) {
    return 'name' in ref ? ref.name : zones?.[ref.index];
}
/**
 * The quotas a create would exceed: each needed resource against what is in use and the limit.
 * A count or quota that could not be read skips its check (`notes` says which). Pure.
 */
function quotaProblems(needs, usage, quotas) {
    const notes = [];
    const problems = [
        ...compare('vpcs', usage.vpcs, quotas.vpcs, needs.vpcs, notes),
        ...compare('elasticIps', usage.elasticIps, quotas.elasticIps, needs.elasticIps, notes),
    ];
    if (needs.natGateways.length > 0 && usage.natGatewaysByZone) {
        const perZone = new Map();
        for (const ref of needs.natGateways) {
            const zone = zoneName(ref, usage.zones);
            if (zone === undefined) {
                notes.push(`NAT gateways per Availability Zone: the zone of a NAT gateway is unknown (zone list not read); not checked`);
                continue;
            }
            perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
        }
        for (const [zone, needed] of perZone) {
            problems.push(...compare('natGatewaysPerZone', usage.natGatewaysByZone[zone] ?? 0, quotas.natGatewaysPerZone, needed, notes, zone));
        }
    }
    return { problems, notes: [...new Set(notes)] };
}
/** `VPCs per Region (L-F678F1CE): 5 of 5 in use, the environment needs 1 more`. Pure. */
function formatProblem(problem, region) {
    const info = QUOTA_INFO[problem.quota];
    const where = problem.zone ?? region;
    const limit = problem.assumed
        ? `${problem.limit} (AWS's default: the account's quota could not be read)`
        : String(problem.limit);
    return `${info.name} (${info.code}) in ${where}: ${problem.inUse} of ${limit} in use, the environment needs ${problem.needed} more`;
}
/** A create stopped before it started, because the account has no room for it. */
class QuotaExceededError extends Error {
    stackName;
    problems;
    constructor(stackName, problems, region) {
        super(`Preflight: creating stack "${stackName}" would exceed ${problems.length === 1 ? 'a quota' : `${problems.length} quotas`} of this AWS account: ${problems
            .map((p) => formatProblem(p, region))
            .join('; ')}. Nothing was created. Delete what is unused (old environments, unattached Elastic IPs, idle VPCs) or request an increase in the Service Quotas console.`);
        this.stackName = stackName;
        this.problems = problems;
        this.name = 'QuotaExceededError';
    }
}

;// CONCATENATED MODULE: ./src/preflight/account.ts


const PERMISSION_ERRORS = new Set([
    'AccessDenied',
    'AccessDeniedException',
    'UnauthorizedOperation',
    'UnauthorizedAccess',
]);
/** A refusal by IAM (EC2 says UnauthorizedOperation, most others AccessDenied). */
function isPermissionError(error) {
    const e = error;
    return PERMISSION_ERRORS.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 403;
}
// NAT gateways in these states hold a place in the per-zone quota.
const NAT_STATES = ['pending', 'available', 'deleting'];
// EC2 accepts at most 200 values in one filter.
const FILTER_VALUES_MAX = 200;
async function countVpcs(ec2) {
    const { DescribeVpcsCommand } = await __webpack_require__.e(/* import() */ 193).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    let count = 0;
    let NextToken;
    do {
        const page = await ec2.send(new DescribeVpcsCommand({ MaxResults: 1000, NextToken }));
        count += page.Vpcs?.length ?? 0;
        NextToken = page.NextToken;
    } while (NextToken);
    return count;
}
/** Elastic IPs allocated in the region: DescribeAddresses is not paginated. */
async function countAddresses(ec2) {
    const { DescribeAddressesCommand } = await __webpack_require__.e(/* import() */ 193).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    const found = await ec2.send(new DescribeAddressesCommand({}));
    return (found.Addresses ?? []).filter((a) => (a.Domain ?? 'vpc') === 'vpc').length;
}
/**
 * The account's Elastic IP limit: `vpc-max-elastic-ips` follows quota increases. Asked for all
 * attributes: the API documents only two names as filters, though it returns this one too.
 */
async function elasticIpLimit(ec2) {
    const { DescribeAccountAttributesCommand } = await __webpack_require__.e(/* import() */ 193).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    const found = await ec2.send(new DescribeAccountAttributesCommand({}));
    const raw = found.AccountAttributes?.find((a) => a.AttributeName === 'vpc-max-elastic-ips')
        ?.AttributeValues?.[0]?.AttributeValue;
    const value = Number(raw);
    if (raw === undefined)
        throw new Error('DescribeAccountAttributes returned no vpc-max-elastic-ips');
    if (!Number.isFinite(value)) {
        throw new Error(`DescribeAccountAttributes returned vpc-max-elastic-ips "${raw}", not a number`);
    }
    return value;
}
/** NAT gateways per zone: a NAT gateway names its subnet, the subnet its zone. */
async function natGatewaysByZone(ec2) {
    const { DescribeNatGatewaysCommand, DescribeSubnetsCommand } = await __webpack_require__.e(/* import() */ 193).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    const subnets = [];
    let NextToken;
    do {
        const page = await ec2.send(new DescribeNatGatewaysCommand({
            Filter: [{ Name: 'state', Values: NAT_STATES }],
            MaxResults: 1000,
            NextToken,
        }));
        for (const nat of page.NatGateways ?? [])
            if (nat.SubnetId)
                subnets.push(nat.SubnetId);
        NextToken = page.NextToken;
    } while (NextToken);
    const zoneOfSubnet = new Map();
    const distinct = [...new Set(subnets)];
    for (let i = 0; i < distinct.length; i += FILTER_VALUES_MAX) {
        const Filters = [
            { Name: 'subnet-id', Values: distinct.slice(i, i + FILTER_VALUES_MAX) },
        ];
        let token;
        do {
            const page = await ec2.send(new DescribeSubnetsCommand({ Filters, MaxResults: 1000, NextToken: token }));
            for (const s of page.Subnets ?? []) {
                if (s.SubnetId && s.AvailabilityZone)
                    zoneOfSubnet.set(s.SubnetId, s.AvailabilityZone);
            }
            token = page.NextToken;
        } while (token);
    }
    const counts = {};
    for (const subnet of subnets) {
        const zone = zoneOfSubnet.get(subnet);
        if (zone)
            counts[zone] = (counts[zone] ?? 0) + 1;
    }
    return counts;
}
/** The region's zones as `!GetAZs` lists them: available Availability Zones, by name. */
async function zoneNames(ec2) {
    const { DescribeAvailabilityZonesCommand } = await __webpack_require__.e(/* import() */ 193).then(__webpack_require__.t.bind(__webpack_require__, 5193, 19));
    const found = await ec2.send(new DescribeAvailabilityZonesCommand({
        Filters: [
            { Name: 'state', Values: ['available'] },
            { Name: 'zone-type', Values: ['availability-zone'] },
        ],
    }));
    return (found.AvailabilityZones ?? [])
        .map((z) => z.ZoneName ?? '')
        .filter(Boolean)
        .sort();
}
async function serviceQuota(sq, key) {
    const { GetServiceQuotaCommand } = await __webpack_require__.e(/* import() */ 924).then(__webpack_require__.t.bind(__webpack_require__, 2924, 19));
    const { service, code } = QUOTA_INFO[key];
    const found = await sq.send(new GetServiceQuotaCommand({ ServiceCode: service, QuotaCode: code }));
    const value = found.Quota?.Value;
    if (value === undefined)
        throw new Error(`GetServiceQuota ${service}/${code} returned no value`);
    return value;
}
/**
 * Reads the counts and quotas the checks for `needs` use, each on its own: a refusal or failure
 * skips that check (or, for a quota, assumes AWS's default) and leaves the others to run.
 */
async function readAccount(clients, needs) {
    const skipped = [];
    const assumed = [];
    const why = (error, permission) => isPermissionError(error)
        ? `not allowed (${permission}): ${(0,errors/* errorMessage */.gJ)(error)}`
        : `failed: ${(0,errors/* errorMessage */.gJ)(error)}`;
    async function count(what, permission, read) {
        try {
            return await read();
        }
        catch (error) {
            skipped.push(`${what} ${why(error, permission)}`);
            return undefined;
        }
    }
    async function quota(key, permission, read) {
        try {
            const value = await read();
            return { value, source: key === 'elasticIps' ? 'account-attribute' : 'service-quotas' };
        }
        catch (error) {
            assumed.push(`${QUOTA_INFO[key].name}: assuming AWS's default of ${DEFAULT_QUOTAS[key]}, reading it ${why(error, permission)}`);
            return { value: DEFAULT_QUOTAS[key], source: 'default' };
        }
    }
    const ec2 = await clients.ec2();
    const sq = () => clients.serviceQuotas();
    const needNat = needs.natGateways.length > 0;
    const [vpcs, vpcQuota, elasticIps, eipQuota, natGateways, zones, natQuota] = await Promise.all([
        needs.vpcs > 0 ? count('Counting VPCs', 'ec2:DescribeVpcs', () => countVpcs(ec2)) : undefined,
        needs.vpcs > 0
            ? quota('vpcs', 'servicequotas:GetServiceQuota', async () => serviceQuota(await sq(), 'vpcs'))
            : undefined,
        needs.elasticIps > 0
            ? count('Counting Elastic IPs', 'ec2:DescribeAddresses', () => countAddresses(ec2))
            : undefined,
        needs.elasticIps > 0
            ? quota('elasticIps', 'ec2:DescribeAccountAttributes', () => elasticIpLimit(ec2))
            : undefined,
        needNat
            ? count('Counting NAT gateways per zone', 'ec2:DescribeNatGateways, ec2:DescribeSubnets', () => natGatewaysByZone(ec2))
            : undefined,
        needNat && needs.natGateways.some((ref) => 'index' in ref)
            ? count('Listing Availability Zones', 'ec2:DescribeAvailabilityZones', () => zoneNames(ec2))
            : undefined,
        needNat
            ? quota('natGatewaysPerZone', 'servicequotas:GetServiceQuota', async () => serviceQuota(await sq(), 'natGatewaysPerZone'))
            : undefined,
    ]);
    return {
        usage: { vpcs, elasticIps, natGatewaysByZone: natGateways, zones },
        quotas: { vpcs: vpcQuota, elasticIps: eipQuota, natGatewaysPerZone: natQuota },
        skipped,
        assumed,
    };
}

;// CONCATENATED MODULE: ./src/preflight/needs.ts
/** The stack's parameter values: what is sent, else the template's defaults. Pure. */
function parameterValues(template, parameters) {
    const values = {};
    for (const [key, declared] of Object.entries(template.Parameters ?? {})) {
        if (declared.Default !== undefined)
            values[key] = String(declared.Default);
    }
    for (const p of parameters) {
        if (p.ParameterKey && p.ParameterValue !== undefined)
            values[p.ParameterKey] = p.ParameterValue;
    }
    return values;
}
const isRecord = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A scalar the template states or references as a parameter; undefined for anything else. */
function scalar(value, values) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return String(value);
    }
    if (isRecord(value) && typeof value.Ref === 'string')
        return values[value.Ref];
    return undefined;
}
/**
 * Evaluates a condition built from Equals, Not, And, Or and Condition over parameters. Anything
 * else is undefined: the check then leaves the resource out, because a false alarm would stop a
 * deploy that could succeed, while a missed one only costs the slow failure there was before.
 */
function condition(expr, template, values, seen) {
    if (typeof expr === 'boolean')
        return expr;
    if (!isRecord(expr))
        return undefined;
    const [fn, args] = Object.entries(expr)[0] ?? [];
    const list = Array.isArray(args) ? args : [];
    const sub = (e) => condition(e, template, values, seen);
    switch (fn) {
        case 'Condition': {
            if (typeof args !== 'string' || seen.has(args))
                return undefined;
            return condition(template.Conditions?.[args], template, values, new Set(seen).add(args));
        }
        case 'Fn::Equals': {
            const [a, b] = list.map((v) => scalar(v, values));
            return a === undefined || b === undefined ? undefined : a === b;
        }
        case 'Fn::Not': {
            const inner = sub(list[0]);
            return inner === undefined ? undefined : !inner;
        }
        case 'Fn::And': {
            const all = list.map(sub);
            if (all.includes(false))
                return false;
            return all.includes(undefined) ? undefined : true;
        }
        case 'Fn::Or': {
            const all = list.map(sub);
            if (all.includes(true))
                return true;
            return all.includes(undefined) ? undefined : false;
        }
        default:
            return undefined;
    }
}
/** `!Select [i, !GetAZs '']`, a zone name, or a parameter holding one. */
function zoneOf(value, values) {
    const name = scalar(value, values);
    if (name)
        return { name };
    if (!isRecord(value) || !Array.isArray(value['Fn::Select']))
        return undefined;
    const [index, from] = value['Fn::Select'];
    const i = Number(scalar(index, values));
    if (!Number.isInteger(i) || !isRecord(from) || !('Fn::GetAZs' in from))
        return undefined;
    return { index: i };
}
/**
 * Counts what a create of `template` adds: VPCs, Elastic IPs, and NAT gateways with their zone
 * (the subnet they are placed in says which). Resources under a condition count only when it is
 * known to hold. Pure.
 */
function templateNeeds(template, parameters) {
    const values = parameterValues(template, parameters);
    const resources = template.Resources ?? {};
    const created = Object.entries(resources).filter(([, r]) => r.Condition === undefined ||
        condition({ Condition: r.Condition }, template, values, new Set()) === true);
    const ofType = (type) => created.filter(([, r]) => r.Type === type);
    const natGateways = ofType('AWS::EC2::NatGateway').flatMap(([, nat]) => {
        const subnetRef = nat.Properties?.SubnetId;
        const subnet = isRecord(subnetRef) && typeof subnetRef.Ref === 'string'
            ? resources[subnetRef.Ref]
            : undefined;
        const zone = subnet && zoneOf(subnet.Properties?.AvailabilityZone, values);
        return zone ? [zone] : [];
    });
    return {
        vpcs: ofType('AWS::EC2::VPC').length,
        elasticIps: ofType('AWS::EC2::EIP').length,
        natGateways,
    };
}

;// CONCATENATED MODULE: ./src/preflight/preflight.ts




/** What the account uses of each quota checked, in one log line. */
function usageLine(usage, quotas) {
    const parts = [];
    if (usage.vpcs !== undefined && quotas.vpcs) {
        parts.push(`${QUOTA_INFO.vpcs.name} ${usage.vpcs}/${quotas.vpcs.value}`);
    }
    if (usage.elasticIps !== undefined && quotas.elasticIps) {
        parts.push(`${QUOTA_INFO.elasticIps.name} ${usage.elasticIps}/${quotas.elasticIps.value}`);
    }
    if (usage.natGatewaysByZone && quotas.natGatewaysPerZone) {
        const limit = quotas.natGatewaysPerZone.value;
        const zones = Object.entries(usage.natGatewaysByZone).map(([z, n]) => `${z} ${n}/${limit}`);
        parts.push(`${QUOTA_INFO.natGatewaysPerZone.name} ${zones.length > 0 ? zones.join(', ') : `0/${limit}`}`);
    }
    return parts.join(', ');
}
/**
 * Checks that the account has room for a new environment: the VPC, Elastic IPs and NAT gateways
 * the template creates, against what is in use and the region's quotas. A check that cannot run
 * (a missing permission, say) is a warning, never a failure: the create then finds out the slow
 * way, as it did before. Returns the quotas the create would exceed.
 */
async function checkAccountRoom(clients, input) {
    const needs = templateNeeds(input.template, input.parameters);
    if (needs.vpcs === 0 && needs.elasticIps === 0 && needs.natGateways.length === 0)
        return [];
    const reading = await readAccount(clients, needs);
    for (const skipped of reading.skipped) {
        core/* warning */.$e(`Preflight: ${skipped}. That check is skipped.`);
    }
    for (const assumed of reading.assumed)
        core/* info */.pq(`Preflight: ${assumed}`);
    const { problems, notes } = quotaProblems(needs, reading.usage, reading.quotas);
    for (const note of notes)
        core/* info */.pq(`Preflight: ${note}`);
    const line = usageLine(reading.usage, reading.quotas);
    if (line)
        core/* info */.pq(`Preflight: in use of quota: ${line}`);
    return problems;
}

;// CONCATENATED MODULE: ./src/snapshot.ts

/**
 * The newest snapshot of `cluster` that can be restored now. Pure. `creating` snapshots are
 * skipped (restoring one fails), as are any other cluster's.
 */
function chooseNewestSnapshot(snapshots, cluster, { maxAgeHours, now }) {
    // RDS keeps identifiers in lower case and matches them case-insensitively.
    const clusterId = clusterIdentifier(cluster).toLowerCase();
    const ofCluster = snapshots.filter((s) => s.DBClusterIdentifier?.toLowerCase() === clusterId);
    const candidates = ofCluster
        .filter((s) => s.Status === 'available')
        .filter((s) => s.SnapshotCreateTime !== undefined)
        .sort((a, b) => b.SnapshotCreateTime.getTime() - a.SnapshotCreateTime.getTime());
    const newest = candidates[0];
    if (!newest) {
        const others = ofCluster.length;
        throw new Error(`Could not resolve a snapshot of cluster "${clusterId}": none is available` +
            (others > 0 ? ` (${others} found, none with status "available")` : ''));
    }
    const ageHours = (now.getTime() - newest.SnapshotCreateTime.getTime()) / 3_600_000;
    if (maxAgeHours > 0 && ageHours > maxAgeHours) {
        throw new Error(`Could not resolve a snapshot of cluster "${clusterId}": the newest available, "${newest.DBClusterSnapshotIdentifier}", is ${ageHours.toFixed(1)} hours old, over max-snapshot-age-hours (${maxAgeHours})`);
    }
    return newest;
}
/** `arn:aws:rds:region:acct:cluster:name` and `name` both name the cluster `name`. */
function clusterIdentifier(cluster) {
    return cluster.startsWith('arn:') ? cluster.slice(cluster.lastIndexOf(':') + 1) : cluster;
}
function toChoice(snapshot, source) {
    const { DBClusterSnapshotArn: arn, DBClusterSnapshotIdentifier: identifier } = snapshot;
    if (!arn || !identifier || !snapshot.Engine || !snapshot.EngineVersion) {
        throw new Error(`Snapshot "${identifier ?? arn}" is missing its ARN, engine or engine version`);
    }
    return {
        arn,
        identifier,
        engine: snapshot.Engine,
        engineVersion: snapshot.EngineVersion,
        createdAt: snapshot.SnapshotCreateTime,
        source,
    };
}
/** Every snapshot of a cluster, automated and manual, across all pages. */
async function listClusterSnapshots(rds, cluster) {
    const { DescribeDBClusterSnapshotsCommand } = await __webpack_require__.e(/* import() */ 202).then(__webpack_require__.t.bind(__webpack_require__, 7202, 19));
    const snapshots = [];
    let marker;
    try {
        do {
            const page = await rds.send(new DescribeDBClusterSnapshotsCommand({
                DBClusterIdentifier: cluster,
                MaxRecords: 100,
                Marker: marker,
            }));
            snapshots.push(...(page.DBClusterSnapshots ?? []));
            marker = page.Marker;
        } while (marker);
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not list the snapshots of cluster "${clusterIdentifier(cluster)}"`, error);
    }
    return snapshots;
}
/** One snapshot by identifier or ARN; undefined when it does not exist. */
async function findSnapshot(rds, identifier) {
    const { DescribeDBClusterSnapshotsCommand } = await __webpack_require__.e(/* import() */ 202).then(__webpack_require__.t.bind(__webpack_require__, 7202, 19));
    try {
        const found = await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }));
        return found.DBClusterSnapshots?.[0];
    }
    catch (error) {
        if (error.name === 'DBClusterSnapshotNotFoundFault')
            return undefined;
        throw (0,errors/* withContext */.eQ)(`Could not describe snapshot "${identifier}"`, error);
    }
}
/** The action's template parameters that carry the snapshot; read back to pin it on update. */
const SNAPSHOT_PARAMETERS = {
    snapshot: 'DBSnapshotIdentifier',
    engine: 'DBEngine',
    engineVersion: 'DBEngineVersion',
};
/**
 * Which snapshot a deploy restores. An update keeps the stack's own snapshot: a changed
 * SnapshotIdentifier replaces the cluster and its data with it.
 */
async function resolveSnapshot(rds, request) {
    const pinned = request.stackParameters?.[SNAPSHOT_PARAMETERS.snapshot];
    if (pinned && !request.refresh && !request.explicit) {
        const found = await findSnapshot(rds, pinned);
        return {
            arn: pinned,
            identifier: found?.DBClusterSnapshotIdentifier ?? pinned.slice(pinned.lastIndexOf(':') + 1),
            engine: request.stackParameters?.[SNAPSHOT_PARAMETERS.engine] ?? found?.Engine ?? '',
            engineVersion: request.stackParameters?.[SNAPSHOT_PARAMETERS.engineVersion] ?? found?.EngineVersion ?? '',
            createdAt: found?.SnapshotCreateTime,
            source: 'pinned',
        };
    }
    if (request.explicit) {
        const found = await findSnapshot(rds, request.explicit);
        if (!found) {
            throw new Error(`Snapshot "${request.explicit}" (snapshot-identifier) does not exist`);
        }
        if (found.Status !== 'available') {
            throw new Error(`Snapshot "${request.explicit}" (snapshot-identifier) is "${found.Status}": expected "available"`);
        }
        return toChoice(found, 'explicit');
    }
    if (!request.cluster) {
        throw new Error('"source-db-cluster" is required to deploy: expected the identifier of the production Aurora cluster (or set snapshot-identifier)');
    }
    const snapshots = await listClusterSnapshots(rds, request.cluster);
    return toChoice(chooseNewestSnapshot(snapshots, request.cluster, request), 'newest');
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-cloudformation/dist-cjs/index.js
var dist_cjs = __webpack_require__(3805);
// EXTERNAL MODULE: ./src/clock.ts
var src_clock = __webpack_require__(9373);
;// CONCATENATED MODULE: ./src/stack/change-set.ts



// The template creates IAM roles and may use transforms.
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'];
/** "No changes" is how CloudFormation says an update has nothing to do: a success. */
function isNoChangeReason(reason) {
    return /didn't contain changes|No updates are to be performed/i.test(reason ?? '');
}
/** Creates a change set and waits until CloudFormation has worked out what it would change. */
async function prepareChangeSet(cfn, request, { deadline, poll, clock = src_clock/* systemClock */.m }) {
    let created;
    try {
        created = await cfn.send(new dist_cjs/* CreateChangeSetCommand */.YDU({
            StackName: request.stackName,
            ChangeSetName: request.name,
            ChangeSetType: request.type,
            ...request.template,
            Parameters: request.parameters,
            Tags: request.tags,
            RoleARN: request.roleArn,
            Capabilities: [...CAPABILITIES],
            Description: request.description,
        }));
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not create change set for stack "${request.stackName}"`, error);
    }
    const id = created.Id ?? request.name;
    const stackId = created.StackId ?? request.stackName;
    let interval = poll.fastMs;
    for (;;) {
        const described = await cfn.send(new dist_cjs/* DescribeChangeSetCommand */.TTT({
            ChangeSetName: id,
            StackName: stackId,
            IncludePropertyValues: true,
        }));
        if (described.Status === 'CREATE_COMPLETE') {
            return { kind: 'ready', id, stackId, changes: await allChanges(cfn, id, stackId, described) };
        }
        if (described.Status === 'FAILED') {
            const reason = described.StatusReason ?? 'no reason given';
            return isNoChangeReason(reason)
                ? { kind: 'empty', id, stackId }
                : { kind: 'failed', id, stackId, reason };
        }
        if (clock.now() >= deadline) {
            throw new Error(`Timed out waiting for change set "${request.name}" of stack "${request.stackName}": its last status was ${described.Status}`);
        }
        await clock.sleep(interval);
        interval = Math.min(interval * 2, poll.slowMs);
    }
}
async function allChanges(cfn, id, stackId, first) {
    const changes = [...(first.Changes ?? [])];
    let nextToken = first.NextToken;
    while (nextToken) {
        const page = await cfn.send(new dist_cjs/* DescribeChangeSetCommand */.TTT({
            ChangeSetName: id,
            StackName: stackId,
            NextToken: nextToken,
            IncludePropertyValues: true,
        }));
        changes.push(...(page.Changes ?? []));
        nextToken = page.NextToken;
    }
    return changes;
}
async function executeChangeSet(cfn, outcome, token) {
    await cfn.send(new dist_cjs/* ExecuteChangeSetCommand */.PB_({
        ChangeSetName: outcome.id,
        StackName: outcome.stackId,
        ClientRequestToken: token,
    }));
}
/** Removes a change set that will not be executed, so none piles up on the stack. */
async function deleteChangeSet(cfn, outcome) {
    await cfn.send(new dist_cjs/* DeleteChangeSetCommand */.$GE({ ChangeSetName: outcome.id, StackName: outcome.stackId }));
}

;// CONCATENATED MODULE: ./src/stack/describe.ts



/** A stack by name or ID; undefined when there is none (a missing stack is not an error). */
async function describeStack(cfn, nameOrId) {
    try {
        const result = await cfn.send(new dist_cjs/* DescribeStacksCommand */.Y47({ StackName: nameOrId }));
        return result.Stacks?.[0];
    }
    catch (error) {
        if (isMissingStackError(error))
            return undefined;
        throw (0,errors/* withContext */.eQ)(`Could not describe stack "${nameOrId}"`, error);
    }
}
function isMissingStackError(error) {
    const { name, message } = error;
    return name === 'ValidationError' && /does not exist/.test(message ?? '');
}
function tagsOf(stack) {
    return Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
function parametersOf(stack) {
    return Object.fromEntries((stack.Parameters ?? []).map((p) => [
        p.ParameterKey ?? '',
        p.ResolvedValue ?? p.ParameterValue ?? '',
    ]));
}
function outputsOf(stack) {
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
}
/**
 * Refuses a stack that pr-env did not create for this PR: a stack of the same name without the
 * matching ownership tags belongs to someone else and is never updated or deleted. Pure.
 */
function assertOwnedBy(stack, owner) {
    const tags = tagsOf(stack);
    const repository = tags[naming/* TAG */.Dk.repository];
    const pr = tags[naming/* TAG */.Dk.pullRequest];
    if (repository === owner.repository && pr === String(owner.pr))
        return;
    const found = [naming/* TAG */.Dk.repository, naming/* TAG */.Dk.pullRequest]
        .map((key) => `${key}=${tags[key] === undefined ? '(missing)' : `"${tags[key]}"`}`)
        .join(', ');
    throw new Error(`Stack "${stack.StackName}" was not created by pr-env for ${owner.repository}#${owner.pr}: its tags are ${found}. It is left untouched; delete or rename it, or choose another stack-prefix.`);
}

;// CONCATENATED MODULE: ./src/stack/status.ts
function isInProgress(status) {
    return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}
// A failed create leaves a stack that can only be deleted; a never-executed CREATE change set
// leaves an empty REVIEW_IN_PROGRESS shell; both block a new CREATE change set of the same name.
const RECREATE = new Set([
    'ROLLBACK_COMPLETE',
    'ROLLBACK_FAILED',
    'REVIEW_IN_PROGRESS',
    'DELETE_FAILED',
]);
function nextStep(status, goal) {
    if (status === undefined || status === 'DELETE_COMPLETE') {
        return goal === 'deploy' ? 'create' : 'nothing';
    }
    if (isInProgress(status))
        return 'wait';
    if (goal === 'destroy')
        return 'delete';
    if (status === 'UPDATE_ROLLBACK_FAILED')
        return 'continue-rollback';
    if (RECREATE.has(status))
        return 'delete-then-create';
    return 'update';
}
/** The status each kind of operation ends in when it succeeded. */
const SUCCESS_STATUS = {
    create: 'CREATE_COMPLETE',
    update: 'UPDATE_COMPLETE',
    delete: 'DELETE_COMPLETE',
    'continue-rollback': 'UPDATE_ROLLBACK_COMPLETE',
};
/** A status no operation will move on from by itself. */
function isSettled(status) {
    return !status.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS';
}

// EXTERNAL MODULE: ./src/stack/target.ts
var stack_target = __webpack_require__(3923);
// EXTERNAL MODULE: ./src/stack/root-cause.ts
var root_cause = __webpack_require__(6808);
;// CONCATENATED MODULE: ./src/stack/event-line.ts
/** One aligned log line per stack event: time, status, resource, reason. Pure. */
function formatEvent(event) {
    const time = event.Timestamp ? event.Timestamp.toISOString().slice(11, 19) : '--:--:--';
    const status = (event.ResourceStatus ?? '').padEnd(44);
    const resource = `${event.LogicalResourceId ?? ''} (${event.ResourceType ?? ''})`;
    const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
    return `${time}  ${status} ${resource}${reason}`;
}

// EXTERNAL MODULE: ./src/stack/watch-timeout.ts
var watch_timeout = __webpack_require__(1957);
;// CONCATENATED MODULE: ./src/stack/watch.ts









/** The stack's own first event of an operation. */
const OPERATION_START = new Set([
    'CREATE_IN_PROGRESS',
    'UPDATE_IN_PROGRESS',
    'DELETE_IN_PROGRESS',
    'IMPORT_IN_PROGRESS',
]);
/** How far the runner's clock may be off AWS's before the watcher would miss events. */
const CLOCK_SKEW_MS = 10 * 60_000;
/** How long polling stays fast once every resource has settled, before it widens again. */
const SETTLED_FAST_WINDOW_MS = 15_000;
function defaultPollPolicy(env = process.env) {
    // The environment overrides exist for the simulator-backed tests and the benchmark.
    const read = (name, fallback) => {
        const value = Number(env[name]);
        return Number.isFinite(value) && value > 0 ? value : fallback;
    };
    return { fastMs: read('PR_ENV_POLL_FAST_MS', 2000), slowMs: read('PR_ENV_POLL_SLOW_MS', 7000) };
}
/** Follows one operation's events until the stack's own event says it has ended. */
async function watchOperation(cfn, request) {
    core/* startGroup */.Oh(`Stack events: ${request.stackName}`);
    try {
        return await followEvents(cfn, request);
    }
    finally {
        core/* endGroup */.N4();
    }
}
async function followEvents(cfn, request) {
    const clock = request.clock ?? src_clock/* systemClock */.m;
    const poll = request.poll ?? defaultPollPolicy();
    const onEvent = request.onEvent ?? ((event) => core/* info */.pq(formatEvent(event)));
    const seen = new Set();
    const events = [];
    const inFlight = new Set();
    let lastStatus = 'unknown';
    let interval = poll.fastMs;
    // Since when every resource seen has settled (or something last happened meanwhile).
    let settledSince;
    // Events before this are older than the operation. Until its first event is seen, a margin
    // for the clock difference between the runner and AWS; then that event's own time.
    let floor = clock.now() - CLOCK_SKEW_MS;
    // Grows while CloudFormation throttles the watcher, on top of the usual pace; reset on success.
    let backoff = 0;
    for (;;) {
        let fresh = [];
        try {
            fresh = await readNewEvents(cfn, request.stackId, request.token, seen, floor);
            backoff = 0;
        }
        catch (error) {
            // The SDK has already retried a throttled call; the watcher backs off rather than fail a
            // deployment that is going fine.
            if (!isThrottling(error))
                throw error;
            backoff = Math.min(Math.max(backoff, interval) * 2, poll.slowMs * 4);
        }
        for (const event of fresh) {
            seen.add(event.EventId ?? '');
            floor = Math.min(floor, event.Timestamp?.getTime() ?? floor);
            events.push(event);
            onEvent(event);
            if ((0,root_cause/* isStackEvent */.lQ)(event)) {
                lastStatus = event.ResourceStatus ?? lastStatus;
            }
            else if (isInProgress(event.ResourceStatus ?? '')) {
                inFlight.add(event.LogicalResourceId ?? '');
            }
            else {
                inFlight.delete(event.LogicalResourceId ?? '');
            }
        }
        const ended = fresh.find((e) => (0,root_cause/* isStackEvent */.lQ)(e) && isSettled(e.ResourceStatus ?? ''));
        if (ended) {
            const stack = await describeStack(cfn, request.stackId);
            // The operation's own event says how it ended: by the time the stack is described, another
            // run may have started an operation of its own.
            return { status: ended.ResourceStatus ?? stack?.StackStatus ?? lastStatus, events, stack };
        }
        if (clock.now() >= request.deadline) {
            throw new watch_timeout/* WatchTimeoutError */.l(request.stackName, lastStatus, events);
        }
        if (inFlight.size > 0) {
            interval = poll.slowMs;
            settledSince = undefined;
        }
        else {
            if (settledSince === undefined || fresh.length > 0)
                settledSince = clock.now();
            interval =
                clock.now() - settledSince < SETTLED_FAST_WINDOW_MS
                    ? poll.fastMs
                    : Math.min(interval * 2, poll.slowMs);
        }
        await clock.sleep(Math.max(0, Math.min(Math.max(interval, backoff), request.deadline - clock.now())));
    }
}
/**
 * The operation's events not seen yet, oldest first. Events come newest first; paging stops at
 * the first event already seen, at the operation's own first event, or at one older than the
 * operation, so a poll is one call however long the stack's history. Another run's events (an operation started meanwhile) are passed over,
 * not taken as the end of this one's.
 */
async function readNewEvents(cfn, stackId, token, seen, floor) {
    const fresh = [];
    let nextToken;
    do {
        const page = await cfn.send(new dist_cjs/* DescribeStackEventsCommand */.Ie9({ StackName: stackId, NextToken: nextToken }));
        for (const event of page.StackEvents ?? []) {
            if (seen.has(event.EventId ?? ''))
                return fresh.reverse();
            if ((event.Timestamp?.getTime() ?? Infinity) < floor)
                return fresh.reverse();
            if (event.ClientRequestToken !== token)
                continue;
            fresh.push(event);
            // Everything below the operation's first event is older than the operation.
            if ((0,root_cause/* isStackEvent */.lQ)(event) && OPERATION_START.has(event.ResourceStatus ?? '')) {
                return fresh.reverse();
            }
        }
        nextToken = page.NextToken;
    } while (nextToken);
    return fresh.reverse();
}
function isThrottling(error) {
    const { name, message } = error;
    return (/Throttl|TooManyRequests|RequestLimitExceeded/.test(name ?? '') ||
        /Rate exceeded/.test(message ?? ''));
}

;// CONCATENATED MODULE: ./src/stack/settle.ts







/**
 * Brings an existing stack to a state the goal can start from: waits out another run's
 * operation, continues a failed rollback, and clears a stack that can only be recreated.
 * Returns the stack to update or delete, or undefined when there is none (any more).
 * Every stack is checked for pr-env's ownership tags before anything is done to it.
 */
async function settleStack(target, goal) {
    for (;;) {
        const stack = await describeStack(target.cfn, target.stackName);
        if (!stack)
            return undefined;
        assertOwnedBy(stack, target.owner);
        const status = stack.StackStatus ?? '';
        switch (nextStep(status, goal)) {
            case 'wait':
                core/* info */.pq(`Stack "${target.stackName}" is ${status}: waiting for that operation to end`);
                await waitWhileInProgress(target);
                break;
            case 'continue-rollback':
                core/* info */.pq(`Stack "${target.stackName}" is ${status}: continuing its rollback`);
                await continueRollback(target, stack);
                break;
            case 'delete-then-create':
                if (status === 'REVIEW_IN_PROGRESS' && (await isBeingCreated(target, stack))) {
                    core/* info */.pq(`Stack "${target.stackName}" is being created by another run: waiting for it`);
                    await pause(target, 'wait for another run to create it', status);
                    break;
                }
                core/* info */.pq(`Stack "${target.stackName}" is ${status}: it can only be recreated, deleting it first`);
                await deleteOwnedStack(target, stack);
                return undefined;
            case 'create':
            case 'nothing':
                return undefined;
            case 'update':
            case 'delete':
                return stack;
        }
    }
}
async function waitWhileInProgress(target) {
    const { clock, poll } = target;
    let interval = poll.fastMs;
    for (;;) {
        const stack = await describeStack(target.cfn, target.stackName);
        const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
        if (!isInProgress(status))
            return;
        if (clock.now() >= target.deadline) {
            throw new stack_target/* StackOperationError */.e(target.stackName, 'wait for another operation', `still ${status} (timed out)`, []);
        }
        await clock.sleep(Math.min(interval, Math.max(0, target.deadline - clock.now())));
        interval = Math.min(interval * 2, poll.slowMs);
    }
}
// A CREATE change set younger than this may still be executed by the run that made it.
const FRESH_CHANGE_SET_MS = 5 * 60_000;
/**
 * Whether a REVIEW_IN_PROGRESS stack is another run's create in the making (its change set still
 * being computed, or ready and fresh) rather than a shell an interrupted run left behind.
 */
async function isBeingCreated(target, stack) {
    const { Summaries = [] } = await target.cfn.send(new dist_cjs/* ListChangeSetsCommand */.NK4({ StackName: stack.StackId }));
    const now = target.clock.now();
    return Summaries.some((cs) => cs.Status === 'CREATE_PENDING' ||
        cs.Status === 'CREATE_IN_PROGRESS' ||
        cs.ExecutionStatus === 'EXECUTE_IN_PROGRESS' ||
        (cs.ExecutionStatus === 'AVAILABLE' &&
            now - (cs.CreationTime?.getTime() ?? 0) < FRESH_CHANGE_SET_MS));
}
async function pause(target, what, status) {
    if (target.clock.now() >= target.deadline) {
        throw new stack_target/* StackOperationError */.e(target.stackName, what, `still ${status} (timed out)`, []);
    }
    await target.clock.sleep(Math.min(target.poll.slowMs, Math.max(0, target.deadline - target.clock.now())));
}
async function continueRollback(target, stack) {
    const token = (0,naming/* uniqueName */.Fi)('rollback', target.runId);
    await target.cfn.send(new dist_cjs/* ContinueUpdateRollbackCommand */.cAj({
        StackName: stack.StackId,
        RoleARN: target.roleArn,
        ClientRequestToken: token,
    }));
    const result = await watch(target, stack, token);
    if (result.status !== 'UPDATE_ROLLBACK_COMPLETE') {
        throw new stack_target/* StackOperationError */.e(target.stackName, 'rollback', result.status, result.events, stack.StackId);
    }
}
/**
 * Deletes a stack already checked for ownership and waits for it to be gone. A DELETE_FAILED is
 * retried once (a dependency that was still draining often lets go); after that, the error names
 * what remains, since orphaned resources keep billing.
 */
async function deleteOwnedStack(target, stack) {
    for (let attempt = 1;; attempt++) {
        const token = (0,naming/* uniqueName */.Fi)('delete', target.runId);
        await target.cfn.send(new dist_cjs/* DeleteStackCommand */.fAr({
            StackName: stack.StackId,
            RoleARN: target.roleArn,
            ClientRequestToken: token,
        }));
        const result = await watch(target, stack, token);
        if (result.status === 'DELETE_COMPLETE')
            return { status: result.status, stackId: stack.StackId };
        if (attempt === 1 && result.status === 'DELETE_FAILED') {
            core/* warning */.$e(`Deleting stack "${target.stackName}" failed; trying once more`);
            continue;
        }
        const remaining = await remainingResources(target, stack);
        const error = new stack_target/* StackOperationError */.e(target.stackName, 'delete', result.status, result.events, stack.StackId);
        error.message +=
            remaining.length > 0 ? `. Resources still there (and billing): ${remaining.join(', ')}` : '';
        throw error;
    }
}
/** Follows one of the target's operations to its end. */
function watch(target, stack, token) {
    return watchOperation(target.cfn, {
        stackId: stack.StackId ?? target.stackName,
        stackName: target.stackName,
        token,
        deadline: target.deadline,
        poll: target.poll,
        clock: target.clock,
        onEvent: target.onEvent,
    });
}
async function remainingResources(target, stack) {
    try {
        const { StackResources = [] } = await target.cfn.send(new dist_cjs/* DescribeStackResourcesCommand */.OTB({ StackName: stack.StackId }));
        return StackResources.filter((r) => r.ResourceStatus !== 'DELETE_COMPLETE').map((r) => `${r.LogicalResourceId} (${r.ResourceType}${r.PhysicalResourceId ? ` ${r.PhysicalResourceId}` : ''})`);
    }
    catch {
        return [];
    }
}

;// CONCATENATED MODULE: ./src/stack/deploy.ts






/** Creates or updates the target's stack through a change set, recovering its state first. */
async function deployStack(target, request) {
    const existing = await settleStack(target, 'deploy');
    const plan = await request.plan(existing);
    const operation = existing ? 'update' : 'create';
    const changeSet = await prepareChangeSet(target.cfn, {
        stackName: target.stackName,
        type: existing ? 'UPDATE' : 'CREATE',
        name: (0,naming/* uniqueName */.Fi)('changeset', target.runId),
        template: plan.template,
        parameters: plan.parameters,
        tags: plan.tags,
        roleArn: target.roleArn,
        description: `pr-env ${operation} for ${target.owner.repository}#${target.owner.pr}`,
    }, target);
    if (changeSet.kind !== 'ready') {
        await discard(target, changeSet, operation);
        if (changeSet.kind === 'empty') {
            core/* info */.pq(`Stack "${target.stackName}" is already up to date: nothing to change`);
            return { operation: 'none', stack: existing, events: [], changes: [] };
        }
        throw new Error(`Change set for stack "${target.stackName}" failed: ${changeSet.reason}`);
    }
    try {
        request.review?.(changeSet.changes, existing);
    }
    catch (error) {
        await discard(target, changeSet, operation);
        throw error;
    }
    const token = (0,naming/* uniqueName */.Fi)(operation, target.runId);
    await executeChangeSet(target.cfn, changeSet, token);
    const result = await watch(target, { StackId: changeSet.stackId }, token);
    if (result.status !== SUCCESS_STATUS[operation]) {
        throw new stack_target/* StackOperationError */.e(target.stackName, operation, result.status, result.events, changeSet.stackId);
    }
    return { operation, stack: result.stack, events: result.events, changes: changeSet.changes };
}
/**
 * Removes a change set that will not run. A CREATE change set leaves an empty stack in
 * REVIEW_IN_PROGRESS behind, which would block the next create: that goes too.
 */
async function discard(target, changeSet, operation) {
    if (operation === 'create') {
        await deleteOwnedStack(target, { StackId: changeSet.stackId });
    }
    else {
        await deleteChangeSet(target.cfn, changeSet);
    }
}

;// CONCATENATED MODULE: ./src/stack/plan.ts
/**
 * What a detail of a change says caused it: the property, and where its new value comes from when
 * that is not the template itself (a parameter, or another resource being replaced).
 */
function causesOf(details) {
    const sources = new Map();
    for (const d of details) {
        const name = d.Target?.Name ?? d.Target?.Attribute;
        if (!name)
            continue;
        const from = sources.get(name) ?? new Set();
        sources.set(name, from);
        if (d.CausingEntity && d.ChangeSource === 'ParameterReference') {
            from.add(`parameter ${d.CausingEntity}`);
        }
        else if (d.CausingEntity) {
            from.add(d.CausingEntity);
        }
    }
    return [...sources].map(([name, from]) => from.size > 0 ? `${name} (from ${[...from].join(', ')})` : name);
}
/** Reads a change set's changes into plan rows. Pure. */
function toPlannedChanges(changes) {
    return changes.flatMap((change) => {
        const rc = change.ResourceChange;
        if (!rc)
            return [];
        const details = rc.Details ?? [];
        const recreating = details.filter((d) => d.Target?.RequiresRecreation && d.Target.RequiresRecreation !== 'Never');
        return [
            {
                action: rc.Action ?? '',
                logicalId: rc.LogicalResourceId ?? '',
                resourceType: rc.ResourceType ?? '',
                replacement: rc.Action === 'Modify' ? (rc.Replacement ?? 'False') : '',
                causes: causesOf(recreating.length > 0 ? recreating : details),
                ...(rc.Replacement === 'Conditional' &&
                    recreating.length > 0 &&
                    recreating.every((d) => d.Evaluation === 'Dynamic') && {
                    decidedAtRunTimeBy: recreating.map((d) => (d.CausingEntity ?? '').split('.')[0] ?? ''),
                }),
            },
        ];
    });
}
// Replacing or removing these loses the PR's data or takes the whole network down with it.
const DATA_TYPES = new Set(['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance']);
const NETWORK_TYPES = new Set(['AWS::EC2::VPC', 'AWS::EC2::Subnet']);
/**
 * The changes a deploy must not make on its own: a replacement or removal of the database, a DB
 * instance, the VPC or a subnet. Pure.
 */
function blockedReplacements(changes, options) {
    if (options.allowReplacement)
        return [];
    const replaced = new Set(changes.filter((c) => c.replacement === 'True').map((c) => c.logicalId));
    return changes.filter((change) => {
        const conditional = change.replacement === 'Conditional' &&
            (change.decidedAtRunTimeBy?.some((id) => replaced.has(id)) ?? true);
        const destructive = change.action === 'Remove' ||
            (change.action === 'Modify' && (change.replacement === 'True' || conditional));
        if (!destructive)
            return false;
        // refresh-data asks for a new database, which replaces it; removing it is another matter.
        if (DATA_TYPES.has(change.resourceType)) {
            return change.action === 'Remove' || !options.refreshData;
        }
        return NETWORK_TYPES.has(change.resourceType);
    });
}
/** `replace VPC (AWS::EC2::VPC), because of CidrBlock (from parameter VpcCidr)`. Pure. */
function describeBlocked(change) {
    const verb = change.action === 'Remove'
        ? 'remove'
        : change.replacement === 'Conditional'
            ? 'maybe replace'
            : 'replace';
    const why = change.causes.length > 0 ? `, because of ${change.causes.join(', ')}` : '';
    return `${verb} ${change.logicalId} (${change.resourceType})${why}`;
}
/** A deploy the replacement guard stopped: what would have gone, why, and how to allow it. */
class ReplacementBlockedError extends Error {
    stackName;
    blocked;
    constructor(stackName, blocked) {
        // refresh-data is worth suggesting only when it is the database that would be replaced.
        const database = blocked.some((c) => c.action === 'Modify' && DATA_TYPES.has(c.resourceType));
        super([
            `Stopped before changing stack "${stackName}": its change set would`,
            ...blocked.map((c) => `- ${describeBlocked(c)}`),
            `Nothing was changed. ${database
                ? 'Set "refresh-data: true" to accept a new database restored from the newest snapshot, or "allow-replacement: true" to accept every replacement.'
                : 'Set "allow-replacement: true" to accept the replacement.'}`,
        ].join('\n'));
        this.stackName = stackName;
        this.blocked = blocked;
        this.name = 'ReplacementBlockedError';
    }
}

// EXTERNAL MODULE: ./src/template/cfn-yaml.ts
var cfn_yaml = __webpack_require__(3447);
;// CONCATENATED MODULE: ./src/template/render.ts



/** CloudFormation's limit for an inline TemplateBody; past it the template must come from S3. */
const TEMPLATE_BODY_LIMIT = 51_200;
function loadTemplate(path) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not read template "${path}"`, error);
    }
    const template = (0,cfn_yaml/* parseTemplate */.Q)(text, path);
    return {
        path,
        template,
        body: JSON.stringify(template),
        declared: new Set(Object.keys(template.Parameters ?? {})),
    };
}
/**
 * Overrides that name a parameter the template does not declare are an error: CloudFormation
 * would reject them only after the stack had been touched. Pure.
 */
function checkOverrides(loaded, overrides) {
    const unknown = Object.keys(overrides).filter((key) => !loaded.declared.has(key));
    if (unknown.length === 0)
        return;
    const declared = [...loaded.declared].sort().join(', ') || '(none)';
    throw new Error(`"parameters": ${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not declared by template "${loaded.path}": expected one of ${declared}`);
}
/**
 * The stack's parameters: the action's own values for the parameters the template declares (a
 * template need not take them all), then the user's overrides. Pure.
 */
function buildParameters(loaded, actionValues, overrides) {
    checkOverrides(loaded, overrides);
    const values = {};
    for (const [key, value] of Object.entries(actionValues)) {
        if (loaded.declared.has(key))
            values[key] = value;
    }
    Object.assign(values, overrides);
    return Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
    }));
}
function bodySize(loaded) {
    return Buffer.byteLength(loaded.body, 'utf8');
}
/** Fails early when the template cannot be sent at all: too large, and no bucket to put it in. */
function checkTemplateSize(loaded, bucket) {
    const size = bodySize(loaded);
    if (size > TEMPLATE_BODY_LIMIT && !bucket) {
        throw new Error(`Template "${loaded.path}" renders to ${size} bytes, over CloudFormation's ${TEMPLATE_BODY_LIMIT}-byte limit for an inline body: set "template-bucket" to an S3 bucket to upload it to`);
    }
}
/** Inline when it fits; otherwise uploaded to the template bucket and passed by URL. */
async function templateSource(loaded, upload) {
    checkTemplateSize(loaded, upload.bucket);
    if (bodySize(loaded) <= TEMPLATE_BODY_LIMIT || !upload.bucket)
        return { TemplateBody: loaded.body };
    const s3 = await upload.s3();
    const { PutObjectCommand } = await __webpack_require__.e(/* import() */ 711).then(__webpack_require__.t.bind(__webpack_require__, 3711, 19));
    try {
        await s3.send(new PutObjectCommand({
            Bucket: upload.bucket,
            Key: upload.key,
            Body: loaded.body,
            ContentType: 'application/json',
        }));
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not upload the template to s3://${upload.bucket}/${upload.key}`, error);
    }
    return {
        TemplateURL: `https://${upload.bucket}.s3.${upload.region}.amazonaws.com/${upload.key}`,
    };
}

;// CONCATENATED MODULE: ./src/run/context.ts


/** The PR's stack: named from the inputs, or as found (the sweeper finds stacks by their tags). */
async function stackTarget(context, pr, name = (0,naming/* stackName */.Qx)(context.settings.stackPrefix, context.repo.repo, pr)) {
    context.report.stackName = name;
    return {
        cfn: await context.aws.cloudFormation(),
        stackName: name,
        owner: { repository: context.repository, pr },
        deadline: context.deadline,
        roleArn: context.settings.roleArn,
        runId: context.runId,
        poll: defaultPollPolicy(),
        clock: context.clock,
    };
}

;// CONCATENATED MODULE: ./src/run/sleep-state.ts


/**
 * Sleep is recorded on the stack itself, so that CloudFormation stays the one source of truth
 * and any run (a push, the sweeper, a command) can read it:
 * - `pr-env:state` is `asleep` while the environment sleeps, and absent otherwise;
 * - `pr-env:awake-capacity` keeps the web tier's capacity parameters to wake back to;
 * - `pr-env:active-at` is when the environment last saw a push (a new head deployed) or a wake:
 *   the sweeper's idle clock (sleep-after-hours).
 */
const SLEEP_TAG = {
    state: 'pr-env:state',
    awakeCapacity: 'pr-env:awake-capacity',
    activeAt: 'pr-env:active-at',
};
/** The template parameters sleep sets to 0: the bundled template's Auto Scaling group capacity. */
const CAPACITY_PARAMETERS = ['MinSize', 'DesiredCapacity'];
/** ISO 8601 to the second, as the other pr-env tags are written. */
function isoSeconds(date) {
    return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
/** `MinSize=1 DesiredCapacity=1`: tag values allow letters, digits, spaces and `=`. */
function formatCapacity(capacity) {
    return CAPACITY_PARAMETERS.filter((key) => capacity[key] !== undefined)
        .map((key) => `${key}=${capacity[key]}`)
        .join(' ');
}
/** The inverse of formatCapacity; anything but a known key with a whole number is dropped. */
function parseCapacity(text) {
    const capacity = {};
    for (const pair of (text ?? '').split(/\s+/)) {
        const [key, value] = pair.split('=');
        if (CAPACITY_PARAMETERS.includes(key ?? '') &&
            /^\d+$/.test(value ?? '')) {
            capacity[key] = value;
        }
    }
    return capacity;
}
function sleepStateOf(stack) {
    const tags = tagsOf(stack);
    return {
        asleep: tags[SLEEP_TAG.state] === 'asleep',
        awakeCapacity: parseCapacity(tags[SLEEP_TAG.awakeCapacity]),
        activeAt: tags[SLEEP_TAG.activeAt] || undefined,
        expiresAt: tags[naming/* TAG */.Dk.expiresAt] || undefined,
        headSha: tags[naming/* TAG */.Dk.headSha] || undefined,
    };
}
/** The tags with some set (a value) or removed (undefined), keeping the order of the rest. */
function withTags(tags, changes) {
    const kept = tags.filter((tag) => !Object.hasOwn(changes, tag.Key ?? ''));
    const added = Object.entries(changes).flatMap(([Key, Value]) => Value === undefined ? [] : [{ Key, Value }]);
    return [...kept, ...added];
}
/** The parameters with some values set, replacing the plan's own. */
function withParameters(parameters, values) {
    const kept = parameters.filter((p) => !Object.hasOwn(values, p.ParameterKey ?? ''));
    return [
        ...kept,
        ...Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
        })),
    ];
}
/** Sleep is a parameter change: a template without the capacity parameters cannot sleep. */
function checkSleepable(declared, templatePath) {
    const missing = CAPACITY_PARAMETERS.filter((name) => !declared.has(name));
    if (missing.length === 0)
        return;
    throw new Error(`Template "${templatePath}" does not declare ${missing.join(' and ')}: sleep scales the web tier to 0 through those parameters (expected the Auto Scaling group's MinSize and DesiredCapacity, as in the bundled template)`);
}
/** The stack's current capacity parameters, remembered so that wake can restore them. */
function rememberedCapacity(existing) {
    const state = sleepStateOf(existing);
    if (state.asleep)
        return state.awakeCapacity;
    const parameters = parametersOf(existing);
    return Object.fromEntries(CAPACITY_PARAMETERS.flatMap((key) => parameters[key] === undefined ? [] : [[key, parameters[key]]]));
}
/** A deploy plan turned into the same stack asleep: no web instances, state recorded. Pure. */
function asleepPlan(plan, existing) {
    return {
        ...plan,
        parameters: withParameters(plan.parameters, Object.fromEntries(CAPACITY_PARAMETERS.map((key) => [key, '0']))),
        tags: withTags(plan.tags, {
            [SLEEP_TAG.state]: 'asleep',
            [SLEEP_TAG.awakeCapacity]: formatCapacity(rememberedCapacity(existing)) || undefined,
            [SLEEP_TAG.activeAt]: sleepStateOf(existing).activeAt,
        }),
    };
}
/**
 * A deploy plan for a stack waking up: the remembered capacity comes back (capacity set in the
 * `parameters` input wins, as on any deploy; neither leaves the template's default), the sleep
 * tags go, and the idle clock restarts. Pure.
 */
function awakePlan(plan, existing, explicit, now) {
    const remembered = sleepStateOf(existing).awakeCapacity;
    const restore = Object.fromEntries(Object.entries(remembered).filter(([key]) => explicit[key] === undefined));
    return {
        ...plan,
        parameters: withParameters(plan.parameters, restore),
        tags: withTags(plan.tags, {
            [SLEEP_TAG.state]: undefined,
            [SLEEP_TAG.awakeCapacity]: undefined,
            [SLEEP_TAG.activeAt]: isoSeconds(now),
        }),
    };
}
/**
 * An ordinary deploy (a push, `/pr-env deploy`): a sleeping environment wakes; an awake one
 * restarts its idle clock when the head moved, and keeps it otherwise, so that a re-run with
 * nothing new stays a true no-op. Pure.
 */
function deployPlanFor(plan, existing, headSha, explicit, now) {
    if (existing && sleepStateOf(existing).asleep)
        return awakePlan(plan, existing, explicit, now);
    const state = existing && sleepStateOf(existing);
    const moved = !state || state.headSha !== headSha;
    return {
        ...plan,
        tags: withTags(plan.tags, {
            [SLEEP_TAG.activeAt]: moved ? isoSeconds(now) : state.activeAt,
        }),
    };
}
/**
 * The stack as it is, awake or asleep, with only its tags changed (extend). Pure.
 */
function unchangedStatePlan(plan, existing, tags) {
    const state = sleepStateOf(existing);
    const base = state.asleep
        ? asleepPlan(plan, existing)
        : { ...plan, tags: withTags(plan.tags, { [SLEEP_TAG.activeAt]: state.activeAt }) };
    return { ...base, tags: withTags(base.tags, tags) };
}
/** Since when an environment has been idle: its last push or wake, else its last update. */
function activeSince(stack) {
    const tagged = Date.parse(sleepStateOf(stack).activeAt ?? '');
    if (Number.isFinite(tagged))
        return new Date(tagged);
    return stack.LastUpdatedTime ?? stack.CreationTime;
}
/**
 * Whether the sweeper puts an awake environment to sleep: sleep-after-hours is on and it has had
 * no push (nor wake) for that long. Pure.
 */
function idleReason(stack, now, sleepAfterHours) {
    if (sleepAfterHours <= 0 || sleepStateOf(stack).asleep)
        return undefined;
    const since = activeSince(stack);
    if (!since)
        return undefined;
    const idleHours = (now.getTime() - since.getTime()) / 3_600_000;
    if (idleHours < sleepAfterHours)
        return undefined;
    return `no push for ${formatHours(idleHours)} (since ${isoSeconds(since)}; sleep-after-hours is ${Number(sleepAfterHours.toPrecision(3))})`;
}
/** `26.0 h`, `12 min`, `40 s`. */
function formatHours(hours) {
    if (hours >= 1)
        return `${hours.toFixed(1)} h`;
    if (hours >= 1 / 60)
        return `${Math.round(hours * 60)} min`;
    return `${Math.round(hours * 3600)} s`;
}
/**
 * Why a DB cluster is not this stack's, or undefined when its tags show it is: CloudFormation's
 * own `aws:cloudformation:stack-id` tag naming the stack, or, where CloudFormation did not add
 * its tags (it has been known to skip them on clusters), the stack-level pr-env ownership tags it
 * propagates. A tag naming another stack always refuses. Pure.
 */
function clusterOwnershipProblem(clusterTags, stack) {
    const stackId = clusterTags['aws:cloudformation:stack-id'];
    const stackName = clusterTags['aws:cloudformation:stack-name'];
    if (stackId !== undefined || stackName !== undefined) {
        if (stackId === stack.StackId || (stackId === undefined && stackName === stack.StackName)) {
            return undefined;
        }
        return `its tags name the stack "${stackId ?? stackName}", not "${stack.StackId}"`;
    }
    const own = tagsOf(stack);
    const matches = [naming/* TAG */.Dk.repository, naming/* TAG */.Dk.pullRequest].every((key) => own[key] !== undefined && clusterTags[key] === own[key]);
    return matches
        ? undefined
        : `it carries neither aws:cloudformation:stack-id nor this stack's ${naming/* TAG */.Dk.repository} and ${naming/* TAG */.Dk.pullRequest} tags`;
}

;// CONCATENATED MODULE: ./src/run/sleep-cluster.ts




/** The physical IDs of the stack's AWS::RDS::DBCluster resources. */
async function clusterIds(cfn, stack) {
    try {
        const { StackResources = [] } = await cfn.send(new dist_cjs/* DescribeStackResourcesCommand */.OTB({ StackName: stack.StackId ?? stack.StackName }));
        return StackResources.filter((r) => r.ResourceType === 'AWS::RDS::DBCluster' && r.PhysicalResourceId).map((r) => r.PhysicalResourceId);
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not list the resources of stack "${stack.StackName}"`, error);
    }
}
async function describeCluster(rds, id) {
    const { DescribeDBClustersCommand } = await __webpack_require__.e(/* import() */ 202).then(__webpack_require__.t.bind(__webpack_require__, 7202, 19));
    try {
        const { DBClusters = [] } = await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
        const cluster = DBClusters[0];
        return {
            status: cluster?.Status ?? 'unknown',
            tags: Object.fromEntries((cluster?.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        };
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not describe DB cluster "${id}"`, error);
    }
}
/**
 * The stack's Aurora clusters, each checked by its tags to belong to this stack before anything
 * is done to it: a physical ID is only a name, and a cluster of the same name elsewhere must
 * never be stopped or started by a PR's command.
 */
async function stackClusters(cfn, rds, stack) {
    const clusters = [];
    for (const id of await clusterIds(cfn, stack)) {
        const { status, tags } = await describeCluster(rds, id);
        const problem = clusterOwnershipProblem(tags, stack);
        if (problem) {
            throw new Error(`DB cluster "${id}" is not stopped or started: ${problem}. It is left untouched.`);
        }
        clusters.push({ id, status });
    }
    return clusters;
}
/**
 * Stops the clusters that are running. A cluster already stopping or stopped is left be; one in
 * another state (backing up, modifying) cannot be stopped now and is reported: the sweeper stops
 * it once it is available again. Returns each cluster's status afterwards.
 */
async function stopClusters(rds, clusters) {
    const { StopDBClusterCommand } = await __webpack_require__.e(/* import() */ 202).then(__webpack_require__.t.bind(__webpack_require__, 7202, 19));
    const statuses = [];
    for (const cluster of clusters) {
        if (cluster.status === 'available') {
            try {
                const { DBCluster } = await rds.send(new StopDBClusterCommand({ DBClusterIdentifier: cluster.id }));
                core/* info */.pq(`Database: stopping cluster ${cluster.id}`);
                statuses.push(DBCluster?.Status ?? 'stopping');
            }
            catch (error) {
                throw (0,errors/* withContext */.eQ)(`Could not stop DB cluster "${cluster.id}"`, error);
            }
        }
        else {
            if (!['stopped', 'stopping'].includes(cluster.status)) {
                core/* warning */.$e(`DB cluster "${cluster.id}" is ${cluster.status}, not available: it cannot be stopped now; the sweeper stops it later`);
            }
            statuses.push(cluster.status);
        }
    }
    return statuses;
}
/**
 * Starts the stopped clusters and waits until every cluster is available: the web tier must not
 * come back to a database that is still starting. A cluster still stopping (a sleep a moment
 * ago) is waited out and then started.
 */
async function startClusters(rds, clusters, options) {
    const { StartDBClusterCommand } = await __webpack_require__.e(/* import() */ 202).then(__webpack_require__.t.bind(__webpack_require__, 7202, 19));
    let interval = options.pollMs;
    for (const cluster of clusters) {
        let status = cluster.status;
        while (status !== 'available') {
            if (status === 'stopped') {
                try {
                    await rds.send(new StartDBClusterCommand({ DBClusterIdentifier: cluster.id }));
                    core/* info */.pq(`Database: starting cluster ${cluster.id}`);
                }
                catch (error) {
                    throw (0,errors/* withContext */.eQ)(`Could not start DB cluster "${cluster.id}"`, error);
                }
            }
            if (options.clock.now() >= options.deadline) {
                throw new Error(`DB cluster "${cluster.id}" is still ${status} at the end of timeout-minutes: the web tier was not scaled back up; run /pr-env wake again once it is available`);
            }
            await options.clock.sleep(Math.min(interval, Math.max(0, options.deadline - options.clock.now())));
            interval = Math.min(interval * 2, 30_000);
            status = (await describeCluster(rds, cluster.id)).status;
        }
    }
}

;// CONCATENATED MODULE: ./src/run/sleep-deploy.ts



/** How often a wake polls a starting cluster at first (the simulator's tests shorten it). */
function clusterPollMs(env = process.env) {
    const value = Number(env.PR_ENV_POLL_FAST_MS);
    return Number.isFinite(value) && value > 0 ? value : 5_000;
}
/** Starts the stack's Aurora clusters (checked to be its own) and waits until they are available. */
async function wakeDatabase(context, stack) {
    const rds = await context.aws.rds();
    const clusters = await stackClusters(await context.aws.cloudFormation(), rds, stack);
    await startClusters(rds, clusters, {
        clock: context.clock,
        deadline: context.deadline,
        pollMs: clusterPollMs(),
    });
}
/**
 * The plan of an ordinary deploy (a push, `/pr-env deploy`, `refresh-data`), aware of sleep: a
 * push is activity, so a sleeping environment wakes (its database is started first, then the
 * deploy brings the web tier back with the remembered capacity); an awake one has its idle clock
 * restarted when the head moved.
 */
function sleepAwareDeploy(context, pr, plan) {
    return async (existing) => {
        if (existing && sleepStateOf(existing).asleep) {
            core/* info */.pq(`Stack "${existing.StackName}" is asleep: waking it for this deploy`);
            await wakeDatabase(context, existing);
        }
        return deployPlanFor(await plan(existing), existing, pr.headSha, context.settings.parameters, new Date(context.clock.now()));
    };
}

;// CONCATENATED MODULE: ./src/run/deploy.ts














/** Checks what can be checked without AWS, so that bad input changes nothing. */
function loadCheckedTemplate(context) {
    const { settings } = context;
    const loaded = loadTemplate(settings.templatePath);
    checkOverrides(loaded, settings.parameters);
    checkTemplateSize(loaded, settings.templateBucket);
    (0,app_build/* checkAppTemplate */.Y$)(loaded.declared, { artifact: Boolean(settings.appArtifact), image: Boolean(settings.appImage) }, loaded.path);
    if (needsSnapshot(loaded) && !settings.sourceDbCluster && !settings.snapshotIdentifier) {
        throw new Error(`"source-db-cluster" is required: template "${loaded.path}" restores a database (parameter ${SNAPSHOT_PARAMETERS.snapshot}); expected the identifier of the production Aurora cluster, or set "snapshot-identifier"`);
    }
    return loaded;
}
function needsSnapshot(loaded) {
    return loaded.declared.has(SNAPSHOT_PARAMETERS.snapshot);
}
/** The PR as it is now: from the event when it carries one, else from the API. */
async function currentPullRequest(context, number, fromEvent) {
    if (fromEvent)
        return fromEvent;
    const pr = await (0,pulls/* getPullRequest */.T)(await context.github.client(), context.repo, number);
    if (pr.state === 'closed') {
        throw new Error(`Pull request #${number} is closed: there is nothing to deploy`);
    }
    return pr;
}
/** The quotas creating the stack would exceed (the preflight); empty when there is room. */
function accountRoom(context, loaded, parameters) {
    return checkAccountRoom(context.aws, { template: loaded.template, parameters });
}
/**
 * The PR's build, found (and uploaded) before any stack call, recorded in the report; its
 * template parameters, empty when the inputs name no build.
 */
async function resolveAppBuild(context, pr, stackName) {
    const { settings } = context;
    const build = await resolveBuild(settings, pr, {
        s3: context.aws.s3,
        ecr: context.aws.ecr,
        region: context.aws.region,
        github: () => context.github.client(),
        repo: context.repo,
        buildRunId: context.buildRunId,
        eventName: context.eventName ?? 'this event',
        clock: context.clock,
        deadline: context.deadline,
        stackName,
    });
    context.report.build = build;
    return build ? (0,app_build/* appParameters */.ye)(build) : {};
}
/**
 * Works out what to send CloudFormation once the stack's starting state is known: an update keeps
 * the stack's snapshot, a create resolves the newest; `app` is the build's parameters, resolved
 * before (a deploy's new build, or the stack's own for sleep and wake). `beforeUpload` sees the
 * parameters before anything is written (the template upload, the change set), so that a check
 * can stop the run while nothing has changed.
 */
function planBuilder(context, loaded, pr, stackName, app, beforeUpload) {
    const { settings, report } = context;
    return async (existing) => {
        let snapshot;
        if (needsSnapshot(loaded)) {
            snapshot = await resolveSnapshot(await context.aws.rds(), {
                cluster: settings.sourceDbCluster,
                explicit: settings.snapshotIdentifier,
                stackParameters: existing && parametersOf(existing),
                refresh: settings.refreshData,
                maxAgeHours: settings.maxSnapshotAgeHours,
                now: new Date(context.clock.now()),
            });
            report.snapshot = snapshot;
            core/* info */.pq(`Database: snapshot ${snapshot.arn} (${snapshot.source})`);
        }
        const actionValues = {
            EnvironmentName: stackName,
            PullRequestNumber: String(pr.number),
            AppVersion: pr.headSha,
            ...app,
            ...(snapshot && {
                [SNAPSHOT_PARAMETERS.snapshot]: snapshot.arn,
                [SNAPSHOT_PARAMETERS.engine]: snapshot.engine,
                [SNAPSHOT_PARAMETERS.engineVersion]: snapshot.engineVersion,
            }),
        };
        const parameters = buildParameters(loaded, actionValues, settings.parameters);
        await beforeUpload?.(existing, parameters);
        return {
            parameters,
            tags: (0,naming/* stackTags */.cw)({
                repository: context.repository,
                pr: pr.number,
                headSha: pr.headSha,
                // The expiry is set when the environment is created and kept on update, so that a re-run
                // with nothing new is a true no-op; moving it is an explicit act.
                expiresAt: (existing && tagsOf(existing)[naming/* TAG */.Dk.expiresAt]) ||
                    (0,naming/* expiresAt */.WJ)(new Date(context.clock.now()), settings.ttlHours),
                extra: settings.tags,
            }),
            template: await templateSource(loaded, {
                s3: context.aws.s3,
                bucket: settings.templateBucket,
                region: context.aws.region,
                key: `pr-env/${stackName}/${(0,naming/* uniqueName */.Fi)('template', context.runId)}.json`,
            }),
        };
    };
}
/** Creates or updates the PR's environment. */
async function runDeploy(context, prNumber, fromEvent) {
    const { settings, report } = context;
    const loaded = loadCheckedTemplate(context);
    const pr = await currentPullRequest(context, prNumber, fromEvent);
    report.headSha = pr.headSha;
    const target = await stackTarget(context, prNumber);
    // Not awaited: recorded alongside the AWS work (see startDeployment).
    void context.github.startDeployment(prNumber, pr.headSha);
    // Before any stack call: a build that is missing or refused changes nothing.
    const app = await resolveAppBuild(context, pr, target.stackName);
    const outcome = await deployStack(target, {
        // A create is checked against the account's quotas first: hitting one fails in seconds here,
        // instead of after minutes of creating and rolling back. An update adds no VPC or NAT.
        // A sleeping environment wakes for a deploy; see sleep-deploy.ts.
        plan: sleepAwareDeploy(context, pr, planBuilder(context, loaded, pr, target.stackName, app, async (existing, parameters) => {
            if (existing)
                return;
            const problems = await accountRoom(context, loaded, parameters);
            if (problems.length > 0) {
                throw new QuotaExceededError(target.stackName, problems, context.aws.region);
            }
        })),
        review: (changes, existing) => {
            const planned = toPlannedChanges(changes);
            const blocked = blockedReplacements(planned, settings);
            if (blocked.length === 0)
                return;
            report.plan = { type: existing ? 'UPDATE' : 'CREATE', changes: planned, blocked };
            throw new ReplacementBlockedError(target.stackName, blocked);
        },
    });
    const stack = outcome.stack;
    report.operation = outcome.operation;
    report.stackId = stack?.StackId;
    report.status = stack?.StackStatus;
    report.outputs = stack ? outputsOf(stack) : {};
    report.environmentUrl = report.outputs.EnvironmentUrl;
}

;// CONCATENATED MODULE: ./src/stack/destroy.ts

/** Deletes the target's stack if there is one, after waiting out any operation in progress. */
async function destroyStack(target) {
    const stack = await settleStack(target, 'destroy');
    if (!stack)
        return { operation: 'none', status: 'DELETE_COMPLETE' };
    const outcome = await deleteOwnedStack(target, stack);
    return { operation: 'delete', ...outcome };
}

;// CONCATENATED MODULE: ./src/run/destroy.ts


/** Deletes the PR's environment, if it has one. */
async function runDestroy(context, prNumber) {
    const outcome = await destroyStack(await stackTarget(context, prNumber));
    context.report.operation = outcome.operation;
    context.report.status = outcome.status;
    context.report.stackId = outcome.stackId;
}

;// CONCATENATED MODULE: ./src/run/plan.ts









/**
 * Shows what a deploy would do, and changes nothing: the change set is deleted, and so is the
 * empty REVIEW_IN_PROGRESS stack a CREATE change set leaves behind.
 */
async function runPlan(context, prNumber, fromEvent) {
    const { report, settings } = context;
    const loaded = loadCheckedTemplate(context);
    const pr = await currentPullRequest(context, prNumber, fromEvent);
    report.headSha = pr.headSha;
    const target = await stackTarget(context, prNumber);
    // A plan shows the build a deploy would run: found (and uploaded) first, as a deploy does it.
    const app = await resolveAppBuild(context, pr, target.stackName);
    const existing = await describeStack(target.cfn, target.stackName);
    if (existing)
        assertOwnedBy(existing, target.owner);
    const step = nextStep(existing?.StackStatus, 'deploy');
    report.operation = 'none';
    report.status = existing?.StackStatus;
    report.stackId = existing?.StackId;
    if (step !== 'create' && step !== 'update') {
        report.note = `Stack "${target.stackName}" is ${existing?.StackStatus}: a deploy would first ${step === 'wait'
            ? 'wait for its current operation'
            : step === 'continue-rollback'
                ? 'continue its rollback'
                : 'delete and recreate it'}, so there is no change set to show yet.`;
        return;
    }
    const type = step === 'create' ? 'CREATE' : 'UPDATE';
    // A deploy would check a create against the account's quotas: the plan says what it would find.
    let quotaProblems = [];
    const plan = await planBuilder(context, loaded, pr, target.stackName, app, async (_, parameters) => {
        if (type === 'CREATE')
            quotaProblems = await accountRoom(context, loaded, parameters);
    })(step === 'update' ? existing : undefined);
    if (quotaProblems.length > 0) {
        report.note = `⚠️ A deploy would stop before creating anything: ${quotaProblems
            .map((p) => formatProblem(p, context.aws.region))
            .join('; ')}.`;
    }
    const outcome = await prepareChangeSet(target.cfn, {
        stackName: target.stackName,
        type,
        name: (0,naming/* uniqueName */.Fi)('plan', context.runId),
        ...plan,
        roleArn: target.roleArn,
        description: `pr-env plan for ${context.repository}#${prNumber}`,
    }, target);
    if (type === 'CREATE')
        await deleteOwnedStack(target, { StackId: outcome.stackId });
    else
        await deleteChangeSet(target.cfn, outcome);
    if (outcome.kind === 'failed') {
        throw new Error(`Change set for stack "${target.stackName}" failed: ${outcome.reason}`);
    }
    const changes = outcome.kind === 'ready' ? toPlannedChanges(outcome.changes) : [];
    report.plan = { type, changes, blocked: blockedReplacements(changes, settings) };
}

;// CONCATENATED MODULE: ./src/cost/prices.ts
/**
 * The list prices an environment's cost estimate is computed from: on-demand, Linux, USD, one
 * region, with the date they were read and where from. Kept in the repository (not fetched at run
 * time: the Price List API needs credentials the deploy role does not have, and a comment should
 * not depend on it) and updated by hand; the README's cost table is computed from the same figures.
 *
 * Sources, us-east-1, read for March 2026:
 * - NAT gateway hour, ALB hour and LCU-hour, t3.micro, Aurora db.t4g.medium (PostgreSQL and MySQL,
 *   Aurora Standard): a pricing table dated 2026-03-07 drawn from the AWS Price List API, and the
 *   NAT gateway pricing guides of February and March 2026 (cloudburn.io, egresscost.com).
 * - Public IPv4, $0.005 per IP-hour for every public address (NAT, instance, load balancer): AWS
 *   News Blog, July 2023, in force since 2024-02-01.
 * - The other EC2 and Aurora classes and gp3 storage: the AWS price lists as remembered, not
 *   re-checked for this table (marked `recalled` below). Check https://calculator.aws before
 *   relying on them.
 */
/** Billing months are 730 hours in AWS's own calculators. */
const HOURS_PER_MONTH = 730;
/**
 * What the estimate assumes where the stack cannot say: an idle PR environment uses a fraction of
 * one load balancer capacity unit; an internet-facing ALB holds one public address per subnet
 * (two in the bundled template, more as it scales); Amazon Linux 2023 root volumes are 8 GiB.
 */
const ASSUMPTIONS = {
    albLcus: 1,
    albPublicIps: 2,
    rootVolumeGb: 8,
};
const US_EAST_1 = {
    region: 'us-east-1',
    date: '2026-03-07',
    currency: 'USD',
    natGatewayHour: 0.045,
    albHour: 0.0225,
    albLcuHour: 0.008,
    publicIpv4Hour: 0.005,
    ebsGp3GbMonth: 0.08, // recalled
    ec2Hour: {
        't3.micro': 0.0104,
        // recalled: each t3/t3a/t4g size step doubles the price
        't3.nano': 0.0052,
        't3.small': 0.0208,
        't3.medium': 0.0416,
        't3.large': 0.0832,
        't3a.nano': 0.0047,
        't3a.micro': 0.0094,
        't3a.small': 0.0188,
        't3a.medium': 0.0376,
        't4g.nano': 0.0042,
        't4g.micro': 0.0084,
        't4g.small': 0.0168,
        't4g.medium': 0.0336,
        't4g.large': 0.0672,
        'm5.large': 0.096,
        'm6i.large': 0.096,
        'm6g.large': 0.077,
        'm7g.large': 0.0816,
        'm7i.large': 0.1008,
        'c6i.large': 0.085,
        'c7g.large': 0.0725,
    },
    auroraHour: {
        'db.t4g.medium': 0.073,
        // recalled
        'db.t4g.large': 0.146,
        'db.t3.medium': 0.082,
        'db.t3.large': 0.164,
        'db.r5.large': 0.29,
        'db.r6g.large': 0.26,
        'db.r7g.large': 0.276,
    },
};
const TABLES = { [US_EAST_1.region]: US_EAST_1 };
/**
 * The price table of a region, or undefined: prices differ by region (us-east-1 is among the
 * cheapest) by amounts no single factor captures, so other regions are "unknown" rather than a
 * guess that looks exact.
 */
function priceTableFor(region) {
    return TABLES[region];
}
/** The regions with a price table, for messages. */
function pricedRegions() {
    return Object.keys(TABLES);
}

;// CONCATENATED MODULE: ./src/cost/estimate.ts

const count = (types, type) => types.filter((t) => t === type).length;
const usd = (n) => `$${n}`;
function instanceLine(b, what, table, type, awakeCount, asleepCount) {
    if (awakeCount === 0 && asleepCount === 0)
        return;
    const price = type === undefined ? undefined : table[type];
    if (price === undefined) {
        b.unpriced.push(`${what}: ${awakeCount} × ${type ?? '(type unknown)'} (no price in the ${b.prices.region} table)`);
        return;
    }
    b.lines.push({
        item: what,
        quantity: `${awakeCount} × ${type}${asleepCount === awakeCount ? '' : `, ${asleepCount} asleep`}`,
        unitPrice: `${usd(price)} per hour`,
        awake: awakeCount * price,
        asleep: asleepCount * price,
    });
}
/** A whole number of instances from a parameter, or undefined when it is not one. */
function capacity(parameters, name) {
    const value = Number(parameters[name]);
    return parameters[name] !== undefined && Number.isInteger(value) && value >= 0
        ? value
        : undefined;
}
/**
 * The environment's hourly and daily cost, awake and asleep, item by item, from the stack's own
 * resources and parameters. Asleep, the web tier has no instances (nor their volumes) and the
 * Aurora instances are stopped (storage still bills, but is left out both ways: it depends on the
 * data). Load balancer capacity units, its public addresses and root volume sizes are estimates
 * (see ASSUMPTIONS). Pure.
 */
function estimateCost(input) {
    const prices = priceTableFor(input.region);
    if (!prices) {
        return {
            region: input.region,
            priced: false,
            lines: [],
            unpriced: [],
            note: `no price table for ${input.region} (the repository keeps ${pricedRegions().join(', ')} only): cost unknown`,
        };
    }
    const b = { prices, lines: [], unpriced: [] };
    const types = input.resourceTypes;
    const { parameters } = input;
    const nat = count(types, 'AWS::EC2::NatGateway');
    if (nat > 0) {
        b.lines.push({
            item: 'NAT gateway',
            quantity: String(nat),
            unitPrice: `${usd(prices.natGatewayHour)} per hour`,
            awake: nat * prices.natGatewayHour,
            asleep: nat * prices.natGatewayHour,
        });
    }
    const albs = count(types, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    if (albs > 0) {
        b.lines.push({
            item: 'Application Load Balancer',
            quantity: String(albs),
            unitPrice: `${usd(prices.albHour)} per hour`,
            awake: albs * prices.albHour,
            asleep: albs * prices.albHour,
        }, {
            item: 'Load balancer capacity units (estimate)',
            quantity: `${albs * ASSUMPTIONS.albLcus} LCU`,
            unitPrice: `${usd(prices.albLcuHour)} per LCU-hour`,
            awake: albs * ASSUMPTIONS.albLcus * prices.albLcuHour,
            asleep: albs * ASSUMPTIONS.albLcus * prices.albLcuHour,
        });
    }
    // The web tier: DesiredCapacity instances of InstanceType per group; none while asleep.
    const groups = count(types, 'AWS::AutoScaling::AutoScalingGroup');
    const desired = capacity(parameters, 'DesiredCapacity');
    if (groups > 0 && desired === undefined) {
        b.unpriced.push('Auto Scaling group: no DesiredCapacity parameter to count its instances by');
    }
    const web = groups * (desired ?? 0);
    instanceLine(b, 'EC2 web instances', prices.ec2Hour, parameters.InstanceType, web, 0);
    // Stand-alone instances (the bastion) keep running while the environment sleeps.
    const standalone = count(types, 'AWS::EC2::Instance');
    const standaloneType = parameters.BastionInstanceType ?? parameters.InstanceType;
    instanceLine(b, 'EC2 bastion', prices.ec2Hour, standaloneType, standalone, standalone);
    const volumes = { awake: web + standalone, asleep: standalone };
    if (volumes.awake > 0) {
        const perVolumeHour = (ASSUMPTIONS.rootVolumeGb * prices.ebsGp3GbMonth) / HOURS_PER_MONTH;
        b.lines.push({
            item: 'EBS gp3 root volumes (estimate)',
            quantity: `${volumes.awake} × ${ASSUMPTIONS.rootVolumeGb} GiB${volumes.asleep === volumes.awake ? '' : `, ${volumes.asleep} asleep`}`,
            unitPrice: `${usd(prices.ebsGp3GbMonth)} per GiB-month`,
            awake: volumes.awake * perVolumeHour,
            asleep: volumes.asleep * perVolumeHour,
        });
    }
    // A stopped Aurora cluster bills no instance hours.
    const dbInstances = count(types, 'AWS::RDS::DBInstance');
    instanceLine(b, 'Aurora instances', prices.auroraHour, parameters.DBInstanceClass, dbInstances, 0);
    const eips = count(types, 'AWS::EC2::EIP');
    const ips = eips + albs * ASSUMPTIONS.albPublicIps + standalone;
    if (ips > 0) {
        const parts = [
            eips && `${eips} Elastic IP`,
            albs && `${albs * ASSUMPTIONS.albPublicIps} load balancer`,
            standalone && `${standalone} instance`,
        ].filter(Boolean);
        b.lines.push({
            item: 'Public IPv4 addresses (estimate)',
            quantity: `${ips} (${parts.join(', ')})`,
            unitPrice: `${usd(prices.publicIpv4Hour)} per IP-hour`,
            awake: ips * prices.publicIpv4Hour,
            asleep: ips * prices.publicIpv4Hour,
        });
    }
    const sum = (key) => b.lines.reduce((total, line) => total + line[key], 0);
    const hourly = { awake: sum('awake'), asleep: sum('asleep') };
    return {
        region: input.region,
        priced: true,
        priceDate: prices.date,
        lines: b.lines,
        unpriced: b.unpriced,
        hourly,
        daily: { awake: hourly.awake * 24, asleep: hourly.asleep * 24 },
    };
}

;// CONCATENATED MODULE: ./src/cost/describe.ts





/**
 * The environment's state (from its tags) and cost (from its resources and parameters). The
 * resource list is read from CloudFormation: a resource a condition left out costs nothing.
 */
async function describeEnvironment(cfn, region, stack) {
    let types;
    try {
        const { StackResources = [] } = await cfn.send(new dist_cjs/* DescribeStackResourcesCommand */.OTB({ StackName: stack.StackId ?? stack.StackName }));
        types = StackResources.filter((r) => !/DELETE_COMPLETE|CREATE_FAILED/.test(r.ResourceStatus ?? '')).map((r) => r.ResourceType ?? '');
    }
    catch (error) {
        throw (0,errors/* withContext */.eQ)(`Could not list the resources of stack "${stack.StackName}"`, error);
    }
    const state = sleepStateOf(stack);
    // Asleep, the stack's capacity is 0; its cost awake is that of the capacity it wakes to.
    const parameters = { ...parametersOf(stack), ...(state.asleep ? state.awakeCapacity : {}) };
    return {
        environment: { state: state.asleep ? 'asleep' : 'awake', expiresAt: state.expiresAt },
        cost: estimateCost({ region, resourceTypes: types, parameters }),
    };
}

;// CONCATENATED MODULE: ./src/run/sleep.ts















/**
 * Sleep, wake and extend change the environment's capacity or tags, nothing else: the same
 * template and snapshot as a deploy would send (the input `refresh-data` and an explicit
 * `snapshot-identifier` are ignored, so the pinned snapshot is kept and the data with it), the
 * same version (the stack's own, not a newer head), and a change set that would add, remove or
 * replace a resource is refused.
 */
function updateOnly(context) {
    return {
        ...context,
        settings: { ...context.settings, refreshData: false, snapshotIdentifier: undefined },
    };
}
/** The PR as the stack knows it: its version stays the one deployed. */
function deployedPullRequest(stack, pr) {
    const headSha = tagsOf(stack)[naming/* TAG */.Dk.headSha] || parametersOf(stack).AppVersion || '';
    return { number: pr, headSha, baseRepository: '', state: 'open', labels: [] };
}
function refuseStructuralChanges(verb, stackName) {
    return (changes) => {
        const structural = toPlannedChanges(changes).filter((c) => c.action === 'Add' ||
            c.action === 'Remove' ||
            (c.action === 'Modify' && c.replacement !== 'False' && c.replacement !== ''));
        if (structural.length === 0)
            return;
        throw new Error(`${verb} of stack "${stackName}" would also ${structural
            .map((c) => `${c.action === 'Modify' ? 'replace' : c.action.toLowerCase()} ${c.logicalId}`)
            .join(', ')}: the template or inputs changed since the last deploy; run /pr-env deploy first`);
    };
}
/** The PR's stack, owned and in a state an update can start from, or an error saying why not. */
async function existingEnvironment(context, pr, verb, name) {
    const target = await stackTarget(context, pr, name);
    const stack = await describeStack(target.cfn, target.stackName);
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
        throw new Error(`PR #${pr} has no environment to ${verb} (no stack "${target.stackName}"): /pr-env deploy creates one`);
    }
    assertOwnedBy(stack, target.owner);
    const step = nextStep(stack.StackStatus, 'deploy');
    if (step !== 'update' && step !== 'wait') {
        throw new Error(`Stack "${target.stackName}" is ${stack.StackStatus}: there is no running environment to ${verb}; /pr-env deploy repairs or recreates it`);
    }
    return stack;
}
/** Updates the stack with the deploy's plan, reshaped by `shape`; the stack must exist. */
async function updateEnvironment(context, pr, verb, shape, report, name) {
    const ctx = updateOnly(context);
    const loaded = loadTemplate(ctx.settings.templatePath);
    checkOverrides(loaded, ctx.settings.parameters);
    checkTemplateSize(loaded, ctx.settings.templateBucket);
    if (verb !== 'extend')
        checkSleepable(loaded.declared, loaded.path);
    const target = await stackTarget(ctx, pr, name);
    const outcome = await deployStack(target, {
        plan: async (existing) => {
            if (!existing)
                throw new Error(`PR #${pr} has no environment to ${verb}`);
            // The stack's own build: sleep and wake never roll the instances to a newer one.
            const app = (0,app_build/* appParametersOf */.j3)(parametersOf(existing));
            const build = planBuilder(ctx, loaded, deployedPullRequest(existing, pr), target.stackName, app);
            return shape(await build(existing), existing);
        },
        review: refuseStructuralChanges(verb, target.stackName),
    });
    report.operation = outcome.operation;
    report.stackId = outcome.stack?.StackId;
    report.status = outcome.stack?.StackStatus;
    report.outputs = outcome.stack ? outputsOf(outcome.stack) : {};
    report.headSha = outcome.stack && sleepStateOf(outcome.stack).headSha;
    return outcome.stack;
}
/** Adds the environment's state and cost to the report; a failure to read them is a warning. */
async function describeInto(context, report, stack) {
    if (!stack)
        return;
    try {
        const facts = await describeEnvironment(await context.aws.cloudFormation(), context.aws.region, stack);
        report.environment = { ...facts.environment, database: report.environment?.database };
        report.cost = facts.cost;
    }
    catch (error) {
        core/* warning */.$e(`Could not estimate the environment's cost: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}
/**
 * Puts the PR's environment to sleep: a stack update to no web instances (remembering the
 * capacity), then its Aurora cluster stopped. Already asleep, the update is a no-op and a cluster
 * that was started again is stopped.
 */
async function sleepEnvironment(context, pr, report, options = {}) {
    report.intent = 'sleep';
    const existing = await existingEnvironment(context, pr, 'sleep', options.name);
    const vetoed = options.veto?.(existing);
    if (vetoed)
        throw new SleepVetoedError(vetoed);
    const cfn = await context.aws.cloudFormation();
    const rds = await context.aws.rds();
    // Checked before anything changes: a cluster that is not this stack's stops the sleep here.
    await stackClusters(cfn, rds, existing);
    const shape = (plan, current) => {
        const late = options.veto?.(current);
        if (late)
            throw new SleepVetoedError(late);
        return asleepPlan(plan, current);
    };
    const stack = await updateEnvironment(context, pr, 'sleep', shape, report, options.name);
    if (!stack)
        return;
    const statuses = await stopClusters(rds, await stackClusters(cfn, rds, stack));
    report.environment = { state: 'asleep', database: statuses.join(', ') || undefined };
    await describeInto(context, report, stack);
}
/** A sleep called off before anything changed: the environment was in use after all. */
class SleepVetoedError extends Error {
    reason;
    constructor(reason) {
        super(`Not put to sleep: ${reason}`);
        this.reason = reason;
        this.name = 'SleepVetoedError';
    }
}
/** Wakes the PR's environment: its database first, then the web tier's capacity. */
async function wakeEnvironment(context, pr, report) {
    report.intent = 'wake';
    const existing = await existingEnvironment(context, pr, 'wake');
    await wakeDatabase(context, existing);
    const now = new Date(context.clock.now());
    const stack = await updateEnvironment(context, pr, 'wake', (plan, current) => awakePlan(plan, current, context.settings.parameters, now), report);
    report.environment = { state: 'awake', database: 'available' };
    report.environmentUrl = report.outputs.EnvironmentUrl;
    await describeInto(context, report, stack);
}
/**
 * Moves the environment's expiry to `hours` from now (default: ttl-hours; 0 means never), by a
 * stack update of its tags only: CloudFormation keeps the stack's tags, so the sweeper reads it
 * there. An asleep environment stays asleep.
 */
async function extendEnvironment(context, pr, hours, report) {
    report.intent = 'extend';
    const ttl = hours ?? context.settings.ttlHours;
    await existingEnvironment(context, pr, 'extend');
    const expiry = (0,naming/* expiresAt */.WJ)(new Date(context.clock.now()), ttl);
    const stack = await updateEnvironment(context, pr, 'extend', (plan, existing) => unchangedStatePlan(plan, existing, { [naming/* TAG */.Dk.expiresAt]: expiry }), report);
    report.note = `Expiry moved to ${expiry}${ttl > 0 ? ` (${ttl} h from now)` : ''}.`;
    if (stack && !sleepStateOf(stack).asleep)
        report.environmentUrl = report.outputs.EnvironmentUrl;
    await describeInto(context, report, stack);
}
/**
 * For the sweeper: stops the database of an environment asleep whose cluster is running again
 * (AWS starts a cluster stopped for 7 days). Returns the clusters it stopped. The stack is read
 * again first: a push since the sweep listed the stacks has woken it, and then its database runs
 * on purpose. (A wake caught between starting the database and updating the stack recovers: it
 * starts a cluster it finds stopped.)
 */
async function restopDatabase(context, listed) {
    if (!sleepStateOf(listed).asleep)
        return [];
    const cfn = await context.aws.cloudFormation();
    const stack = await describeStack(cfn, listed.StackId ?? listed.StackName ?? '');
    if (!stack || !sleepStateOf(stack).asleep || isInProgress(stack.StackStatus ?? ''))
        return [];
    const rds = await context.aws.rds();
    const running = (await stackClusters(cfn, rds, stack)).filter((c) => c.status === 'available');
    if (running.length === 0)
        return [];
    await stopClusters(rds, running);
    return running.map((c) => c.id);
}
/**
 * After a deploy or a plan: the environment's state and cost for the comment, read from the
 * stack as it now is. Nothing to add after a failure or a delete; a failure to read is a warning.
 */
async function reportEnvironment(context) {
    const { report } = context;
    if (report.outcome !== 'success' || report.cost || !report.stackId)
        return;
    if (report.intent !== 'deploy' && report.intent !== 'plan')
        return;
    try {
        const stack = await describeStack(await context.aws.cloudFormation(), report.stackId);
        if (stack && stack.StackStatus !== 'DELETE_COMPLETE')
            await describeInto(context, report, stack);
    }
    catch (error) {
        core/* warning */.$e(`Could not read the environment's state: ${(0,errors/* errorMessage */.gJ)(error)}`);
    }
}

;// CONCATENATED MODULE: ./src/run/chatops.ts










async function runCommand(context, pr, parsed) {
    const { report } = context;
    switch (parsed.command) {
        case 'deploy':
            report.intent = 'deploy';
            return runDeploy(context, pr, undefined);
        case 'refresh-data':
            report.intent = 'deploy';
            return runDeploy({ ...context, settings: { ...context.settings, refreshData: true } }, pr, undefined);
        case 'destroy':
            report.intent = 'destroy';
            return runDestroy(context, pr);
        case 'plan':
            report.intent = 'plan';
            return runPlan(context, pr, undefined);
        case 'sleep':
            return sleepEnvironment(context, pr, report);
        case 'wake':
            return wakeEnvironment(context, pr, report);
        case 'extend':
            return extendEnvironment(context, pr, parsed.hours, report);
    }
}
/**
 * Answers a command: 👀 while working, then 👍 or 👎. Only a user with write access (asked of
 * the API) gets the command run, its result in the sticky comment; anyone else gets a polite
 * refusal, and help goes to the commenter, both as a reply that leaves the sticky comment alone.
 * Commands run with the base branch's workflow and template: issue_comment workflows always run
 * from the default branch, and nothing here reads the PR's files.
 */
async function runChatOps(context, intent) {
    const { report, repo } = context;
    const { comment, parsed } = intent.decision;
    const octokit = await context.github.client();
    const attempt = async (what, act) => {
        try {
            return await act(octokit);
        }
        catch (error) {
            core/* warning */.$e(`Could not ${what}: ${(0,errors/* errorMessage */.gJ)(error)}`);
            return undefined;
        }
    };
    const react = (content) => attempt(`react ${content} to the comment`, (o) => addReaction(o, repo, comment.commentId, content));
    const reply = (body) => attempt(`reply on #${intent.prNumber}`, (o) => replyToIssue(o, repo, intent.prNumber, body));
    const answered = (note) => {
        Object.assign(report, { intent: 'skip', outcome: 'skipped', operation: 'skipped', note });
        // The sticky comment reports the environment: a reply to one person does not replace it.
        report.prNumber = undefined;
    };
    // Until the command runs, nothing goes to the sticky comment: a failure to check someone's
    // permission is theirs to see (👎, the log), not the environment's report.
    report.prNumber = undefined;
    const eyes = await react('eyes');
    let verdict = '-1';
    try {
        const permission = permissionVerdict(await getPermission(octokit, repo, comment.user));
        if (!permission.allowed) {
            core/* notice */.lm(`@${comment.user} (${permission.role}) may not run "${parsed.line}": refused`);
            await reply(refusalText(comment.user, permission.role, parsed.line));
            answered(`Refused \`${parsed.line}\` from @${comment.user}: write access is required, and theirs is ${permission.role}.`);
            return;
        }
        if (parsed.kind === 'help') {
            await reply(helpText(parsed.problem));
            answered(`Answered \`${parsed.line}\` from @${comment.user} with the list of commands.`);
            if (!parsed.problem)
                verdict = '+1';
            return;
        }
        report.prNumber = intent.prNumber;
        report.command = { text: parsed.line, user: comment.user, url: comment.commentUrl };
        await runCommand(context, intent.prNumber, parsed);
        verdict = '+1';
    }
    finally {
        if (eyes !== undefined) {
            await attempt('remove the eyes reaction', (o) => removeReaction(o, repo, comment.commentId, eyes));
        }
        await react(verdict);
    }
}

;// CONCATENATED MODULE: ./src/run/skip.ts
/** What the PR comment says when nothing was deployed, and how to deploy anyway. Pure. */
function skipNote(intent) {
    const pr = intent.prNumber;
    switch (intent.because) {
        case 'fork':
            return [
                `${intent.reason}. Environments are not deployed automatically for forks: the workflow runs with AWS credentials, and the PR's code is not reviewed yet.`,
                '',
                `A maintainer can deploy it after reviewing the change: **Actions → pr-env → Run workflow**, with \`pr-number: ${pr}\` (workflow_dispatch).`,
            ].join('\n');
        case 'label':
            return `${intent.reason}. Add the label to deploy an environment; removing it destroys the environment.`;
        case 'build':
            return `${intent.reason}${intent.runUrl ? ` ([the run](${intent.runUrl}))` : ''}: the build did not succeed, so the environment was not updated${pr !== undefined ? ' and still runs the build deployed before' : ''}. A push that fixes the build deploys again.`;
        case 'event':
            return undefined;
    }
}

;// CONCATENATED MODULE: ./src/run/sleep-sweep.ts





function prReport(context, pr, stack, note) {
    const startedAt = new Date(context.clock.now());
    return {
        intent: 'sleep',
        outcome: 'success',
        repository: context.repository,
        prNumber: pr,
        stackName: stack.StackName,
        stackId: stack.StackId,
        status: stack.StackStatus,
        outputs: outputsOf(stack),
        startedAt,
        finishedAt: startedAt,
        runUrl: context.report.runUrl,
        note,
    };
}
/** One environment's rest: put to sleep when idle, or its restarted database stopped again. */
async function rest(context, { stack, pr, entry }) {
    // Idle as of the sweep's start, when the stacks were listed: the deletions before this can
    // take minutes, and what was decided then should not drift with them.
    const at = context.report.startedAt;
    const idle = idleReason(stack, at, context.settings.sleepAfterHours);
    let report;
    try {
        if (idle) {
            Object.assign(entry, { action: 'sleep', reason: idle, outcome: 'pending' });
            report = prReport(context, pr, stack, `Put to sleep by the sweeper: ${idle}.`);
            await sleepEnvironment(context, pr, report, {
                name: stack.StackName,
                // The stacks were listed before the deletions ran: a push since then keeps it awake.
                veto: (current) => idleReason(current, at, context.settings.sleepAfterHours)
                    ? undefined
                    : 'it had a push or a wake since the sweep began',
            });
            entry.outcome = 'asleep';
        }
        else {
            const restarted = await restopDatabase(context, stack);
            if (restarted.length === 0)
                return;
            Object.assign(entry, {
                action: 'stop-database',
                reason: `asleep, but AWS started its database again (${restarted.join(', ')}): a stopped cluster restarts after 7 days`,
                outcome: 'stopped',
            });
            report = prReport(context, pr, stack, 'The sweeper stopped the database again: AWS starts an Aurora cluster that has been stopped for 7 days, and the environment is asleep.');
            report.operation = 'none';
            report.environment = { state: 'asleep', database: 'stopping' };
            await describeInto(context, report, stack);
        }
    }
    catch (error) {
        if (error instanceof SleepVetoedError) {
            Object.assign(entry, { action: 'keep', reason: error.reason, outcome: 'kept' });
            return;
        }
        Object.assign(entry, { outcome: 'failed', error: (0,errors/* errorMessage */.gJ)(error) });
        if (report)
            Object.assign(report, { outcome: 'failure', error: entry.error });
    }
    if (report) {
        report.finishedAt = new Date(context.clock.now());
        await context.github.finish(report);
    }
}
/**
 * The sweeper's part in sleep, for environments it keeps whose PR is open: with sleep-after-hours
 * set, one with no push (or wake) for that long is put to sleep; one asleep whose database AWS
 * started again (it does, after 7 days stopped) has it stopped again. Each change is written to
 * the PR's comment. One at a time: each is a stack update, and none is urgent.
 */
async function restEnvironments(context, kept) {
    for (const environment of kept)
        await rest(context, environment);
    const slept = kept.filter((k) => k.entry.outcome === 'asleep').length;
    const stopped = kept.filter((k) => k.entry.outcome === 'stopped').length;
    if (slept + stopped > 0) {
        core/* info */.pq(`Sweep: ${slept} environment(s) put to sleep, ${stopped} database(s) stopped again`);
    }
}

;// CONCATENATED MODULE: ./src/run/sweep-decision.ts


/** This repository's pr-env stacks among all the stacks of the account and region. Pure. */
function ownedStacks(stacks, repository) {
    return stacks.flatMap((stack) => {
        const tags = tagsOf(stack);
        const pr = Number(tags[naming/* TAG */.Dk.pullRequest]);
        if (tags[naming/* TAG */.Dk.repository] !== repository || !Number.isInteger(pr) || pr < 1)
            return [];
        return [{ stack, pr }];
    });
}
/**
 * Whether the sweeper deletes a stack: its PR is closed (the `closed` event never fired or
 * failed), or its `pr-env:expires-at` has passed. A PR whose state could not be read is kept:
 * the sweeper never deletes on a guess. Pure.
 */
function sweepVerdict(stack, pr, prState, now) {
    if (prState === 'closed')
        return { action: 'delete', pr, reason: `PR #${pr} is closed` };
    const expires = tagsOf(stack)[naming/* TAG */.Dk.expiresAt];
    const expiry = expires && expires !== 'never' ? Date.parse(expires) : NaN;
    if (Number.isFinite(expiry) && expiry <= now.getTime()) {
        return { action: 'delete', pr, reason: `expired at ${expires}` };
    }
    if (prState === 'unknown')
        return { action: 'keep', pr, reason: `PR #${pr} could not be read` };
    return {
        action: 'keep',
        pr,
        reason: Number.isFinite(expiry)
            ? `PR #${pr} is open; expires at ${expires}`
            : `PR #${pr} is open`,
    };
}

;// CONCATENATED MODULE: ./src/run/sweep.ts








async function listAllStacks(cfn) {
    const stacks = [];
    let nextToken;
    do {
        const page = await cfn.send(new dist_cjs/* DescribeStacksCommand */.Y47({ NextToken: nextToken }));
        stacks.push(...(page.Stacks ?? []));
        nextToken = page.NextToken;
    } while (nextToken);
    return stacks.filter((s) => s.StackStatus !== 'DELETE_COMPLETE');
}
async function pullRequestState(context, pr) {
    try {
        return (await (0,pulls/* getPullRequest */.T)(await context.github.client(), context.repo, pr)).state;
    }
    catch (error) {
        core/* warning */.$e(`Keeping the environment of #${pr}: ${(0,errors/* errorMessage */.gJ)(error)}`);
        return 'unknown';
    }
}
/**
 * Deletes this repository's environments whose PR is closed or whose TTL has passed, and leaves
 * every other stack alone. Deletions run side by side: each waits on its own stack.
 */
async function runSweep(context) {
    const cfn = await context.aws.cloudFormation();
    const owned = ownedStacks(await listAllStacks(cfn), context.repository);
    const now = new Date(context.clock.now());
    const entries = [];
    const open = [];
    for (const { stack, pr } of owned) {
        const state = await pullRequestState(context, pr);
        const verdict = sweepVerdict(stack, pr, state, now);
        const entry = {
            stackName: stack.StackName ?? '',
            ...verdict,
            outcome: verdict.action === 'keep' ? 'kept' : 'pending',
        };
        entries.push(entry);
        if (verdict.action === 'keep' && state === 'open')
            open.push({ stack, pr, entry });
    }
    context.report.sweep = entries;
    core/* info */.pq(`Sweep: ${owned.length} environment(s) of ${context.repository}, ${entries.filter((e) => e.action === 'delete').length} to delete`);
    await Promise.all(entries
        .filter((entry) => entry.action === 'delete')
        .map(async (entry) => {
        const startedAt = new Date(context.clock.now());
        const target = await stackTarget(context, entry.pr, entry.stackName);
        const prReport = {
            intent: 'destroy',
            outcome: 'success',
            repository: context.repository,
            prNumber: entry.pr,
            stackName: entry.stackName,
            outputs: {},
            startedAt,
            finishedAt: startedAt,
            runUrl: context.report.runUrl,
            note: `Deleted by the sweeper: ${entry.reason}.`,
        };
        try {
            const outcome = await destroyStack(target);
            entry.outcome = 'deleted';
            Object.assign(prReport, { operation: outcome.operation, status: outcome.status });
        }
        catch (error) {
            entry.outcome = 'failed';
            entry.error = (0,errors/* errorMessage */.gJ)(error);
            Object.assign(prReport, { outcome: 'failure', error: entry.error });
        }
        prReport.finishedAt = new Date(context.clock.now());
        await context.github.finish(prReport);
    }));
    // Kept environments of open PRs may still go to sleep (sleep-after-hours), or have a database
    // AWS restarted stopped again.
    await restEnvironments(context, open);
    context.report.stackName = undefined;
    const failed = entries.filter((e) => e.outcome === 'failed');
    if (failed.length > 0) {
        throw new Error(`The sweeper could not ${failed.map((e) => `${e.action === 'delete' ? 'delete' : 'put to sleep'} "${e.stackName}" (${e.error})`).join('; ')}`);
    }
}

;// CONCATENATED MODULE: ./src/run/commands.ts








/** Runs what the intent asks for, then reads the environment's state and cost for the report. */
async function execute(context, intent) {
    await dispatch(context, intent);
    await reportEnvironment(context);
}
async function dispatch(context, intent) {
    switch (intent.kind) {
        case 'chatops':
            return runChatOps(context, intent);
        case 'deploy':
            return runDeploy(context, intent.prNumber, intent.pullRequest);
        case 'destroy':
            return runDestroy(context, intent.prNumber);
        case 'skip':
            context.report.outcome = 'skipped';
            context.report.operation = 'skipped';
            context.report.note = skipNote(intent);
            // A fork's PR deserves a maintainer's attention; any other skip is routine.
            if (intent.because === 'fork')
                core/* warning */.$e(intent.reason);
            else
                core/* notice */.lm(intent.reason);
            return;
        case 'sweep':
            return runSweep(context);
        case 'plan':
            return runPlan(context, intent.prNumber, intent.pullRequest);
    }
}


/***/ })

};
