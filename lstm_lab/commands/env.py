"""``env list|build [NAME ...]``: the Keras environments of environments.toml."""

HELP = "the Keras environments of environments.toml: list them, or build them with uv"


def add_arguments(parser):
    parser.add_argument("action", choices=["list", "build"])
    parser.add_argument("names", nargs="*", metavar="NAME", help="build: default every one")
    parser.add_argument("--rebuild", action="store_true", help="build: even if built")


def run(args):
    from lstm_lab import environments

    known = environments.load()
    if args.action == "list":
        for environment in known.values():
            path = environments.folder(environment)
            state = "built" if environments.is_built(path) else "not built"
            print(f"{environment.name:6s} {environment.title}")
            print(f"{'':6s} backends: {', '.join(environment.backends)}; {state}: {path}")
        return 0
    for name in args.names or list(known):
        environment = environments.find(name, known)
        python = environments.build(
            environment, progress=lambda line: print(line, flush=True), force=args.rebuild
        )
        print(f"Keras {environment.name}: {python}")
    return 0
