// hotfix-loop from a terminal: the same core as the App and the Action.
// Each command lives in src/cli/<name>.ts and exports `run(args): Promise<number>` (the exit code).

const commands: Record<string, { summary: string; load: () => Promise<{ run: (args: string[]) => Promise<number> }> }> = {
  render: {
    summary: "render <payload.json> [--provider sentry|bugsnag|generic]   print the hotfix issue a payload would open",
    load: () => import("./cli/render.js"),
  },
  config: { summary: "config check [file]   validate .github/hotfix.yml (default path) and print the errors", load: () => import("./cli/config.js") },
  check: { summary: "check --base main   the Action's narrow-diff rules on the local branch", load: () => import("./cli/check.js") },
  verify: { summary: "verify --provider sentry --signature S --version V   post-deploy verdict", load: () => import("./cli/verify.js") },
  report: {
    summary: "report [--repo o/r] [--since 30d] [--json]   the hotfix board's figures from the App's store",
    load: () => import("./cli/report.js"),
  },
  jobs: {
    summary: "jobs [--parked] [--json] | jobs retry ID|--all-parked | jobs drop ID   the App's outbox: what waits, what is parked and why",
    load: () => import("./cli/jobs.js"),
  },
  demo: {
    summary: "demo   run the App against a loopback GitHub stand-in and open an issue from a Sentry alert",
    load: () => import("./cli/demo.js"),
  },
};

function usage(): string {
  return ["usage: hotfix-loop <command> [options]", "", ...Object.values(commands).map((c) => `  ${c.summary}`)].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`hotfix-loop: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const { run } = await command.load();
  return run(rest);
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
