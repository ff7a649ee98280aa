import { readFileSync } from 'node:fs';
import { type Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';

export const DOCKERFILE = 'deploy/docker/Dockerfile';

/** One stage of deploy/docker/Dockerfile with its build arguments substituted (what docker build would see). */
export interface DockerStage {
  name: string;
  from: string;
  env: Record<string, string>;
  workdir: string | null;
  user: string | null;
  /** COPY instructions: sources, destination, and the stage they are taken from (--from). */
  copies: { from: string | null; sources: string[]; destination: string }[];
  runs: string[];
  entrypoint: string[] | null;
  healthcheck: string[] | null;
  exposes: string[];
}

/**
 * Reads the Dockerfile's stages as docker build would, for `--build-arg` values `buildArgs`:
 * ARG defaults, `${NAME}` substitution, ENV, COPY, RUN, ENTRYPOINT (exec form), HEALTHCHECK.
 * The deploy tests check the image against the build output and replay its runtime stage
 * without a Docker engine (none on the CI machines).
 */
export function dockerStages(buildArgs: Record<string, string>, text = readFileSync(DOCKERFILE, 'utf8')): DockerStage[] {
  const globalArgs: Record<string, string> = {};
  const stages: DockerStage[] = [];
  let args: Record<string, string> = {};
  let stage: DockerStage | null = null;
  const sub = (value: string, vars: Record<string, string>) =>
    value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? '');
  const argumentsOf = (i: Instruction) => i.getArguments().map((a) => a.getValue());
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const vars = { ...globalArgs, ...args, ...(stage?.env ?? {}) };
    if (keyword === 'ARG') {
      const [name, value] = instruction.getArgumentsContent()!.split(/=(.*)/s, 2) as [string, string | undefined];
      const resolved = buildArgs[name] ?? (value !== undefined ? sub(value, vars) : (globalArgs[name] ?? ''));
      if (stage) args[name] = resolved;
      else globalArgs[name] = resolved;
    } else if (keyword === 'FROM') {
      const [image, , name] = argumentsOf(instruction);
      args = {};
      stage = {
        name: name ?? String(stages.length),
        from: sub(image!, globalArgs),
        env: {},
        workdir: null,
        user: null,
        copies: [],
        runs: [],
        entrypoint: null,
        healthcheck: null,
        exposes: [],
      };
      stages.push(stage);
    } else if (!stage) {
      throw new Error(`${DOCKERFILE}: ${keyword} before the first FROM`);
    } else if (keyword === 'ENV') {
      // KEY=value pairs, values possibly quoted, lines continued with backslashes.
      const content = instruction.getArgumentsContent()!.replace(/\\\n/g, ' ');
      for (const [, key, quoted, bare] of content.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g))
        stage.env[key!] = sub(quoted ?? bare ?? '', { ...vars, ...stage.env });
    } else if (keyword === 'WORKDIR') stage.workdir = sub(instruction.getArgumentsContent()!, vars);
    else if (keyword === 'USER') stage.user = sub(instruction.getArgumentsContent()!, vars);
    else if (keyword === 'EXPOSE') stage.exposes.push(...argumentsOf(instruction));
    else if (keyword === 'RUN') stage.runs.push(sub(instruction.getArgumentsContent()!.replace(/\\\n/g, ' '), vars));
    else if (keyword === 'COPY') {
      const parts = argumentsOf(instruction).map((a) => sub(a, vars));
      const from = (instruction as Copy).getFromFlag()?.getValue() ?? null;
      const paths = parts.filter((p) => !p.startsWith('--'));
      stage.copies.push({ from, sources: paths.slice(0, -1), destination: paths.at(-1)! });
    } else if (keyword === 'ENTRYPOINT') stage.entrypoint = JSON.parse(instruction.getArgumentsContent()!) as string[];
    else if (keyword === 'HEALTHCHECK') {
      const content = instruction.getArgumentsContent()!.replace(/\\\n/g, ' ');
      stage.healthcheck = JSON.parse(content.slice(content.indexOf('CMD') + 3).trim()) as string[];
    }
  }
  return stages;
}
