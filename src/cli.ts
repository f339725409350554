import { readFileSync } from "node:fs";

// hotfix-loop from a terminal: the same core as the App and the Action.
// Each command lives in src/cli/<name>.ts and exports `usage` and `run(args): Promise<number>` (the exit code).
// Conventions: usage asked for (--help, -h, `help [command]`) goes to stdout with exit 0; a mistake goes to stderr with exit 2.

interface Command {
  usage: string;
  run: (args: string[]) => Promise<number>;
}

const commands: Record<string, { summary: string[]; load: () => Promise<Command> }> = {
  render: {
    summary: ["render <payload.json> [--provider sentry|bugsnag|generic]   print the hotfix issue a payload would open"],
    load: () => import("./cli/render.js"),
  },
  config: {
    summary: [
      "config check [file]   validate .github/hotfix.yml (default path) and print the errors",
      "config schema         print the JSON Schema of the file",
    ],
    load: () => import("./cli/config.js"),
  },
  check: { summary: ["check --base main   the Action's narrow-diff rules on the local branch"], load: () => import("./cli/check.js") },
  verify: { summary: ["verify --provider sentry --signature S --version V   post-deploy verdict"], load: () => import("./cli/verify.js") },
  report: {
    summary: ["report [--repo o/r] [--since 30d] [--json]   the hotfix board's figures from the App's store"],
    load: () => import("./cli/report.js"),
  },
  jobs: {
    summary: [
      "jobs [--parked] [--json]                      the App's outbox: what waits, what is parked and why",
      "jobs retry ID|--all-parked, jobs drop ID      act on a parked or waiting job",
    ],
    load: () => import("./cli/jobs.js"),
  },
  demo: {
    summary: ["demo   run the App against a loopback GitHub stand-in and open an issue from a Sentry alert"],
    load: () => import("./cli/demo.js"),
  },
};

const USAGE = [
  "usage: hotfix-loop <command> [options]",
  "",
  ...Object.values(commands).flatMap((c) => c.summary.map((line) => `  ${line}`)),
  "",
  "  help [command]   this text, or a command's options        --help, -h   the same, after any command",
  "  --version, -v    the version of hotfix-loop",
].join("\n");

/** The package's version, from the package.json beside lib/ (or src/) in a checkout or an installed package. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/** --help or -h among a command's arguments, before a `--` that ends the options. */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

function mistake(message: string): number {
  console.error(`hotfix-loop: ${message}\n\n${USAGE}`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) return mistake("which command?");
  if (name === "--version" || name === "-v") {
    console.log(version());
    return 0;
  }
  if (name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
    console.log(USAGE);
    return 0;
  }
  if (name === "help") {
    const [topic, ...extra] = rest;
    const command = commands[topic!];
    if (!command || extra.length > 0) return mistake(`no help for "${rest.join(" ")}"`);
    console.log((await command.load()).usage);
    return 0;
  }
  const command = commands[name];
  if (!command) return mistake(`unknown command "${name}"`);
  const loaded = await command.load();
  if (asksForHelp(rest)) {
    console.log(loaded.usage);
    return 0;
  }
  return loaded.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`hotfix-loop: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
