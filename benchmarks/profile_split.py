"""Where one function's time goes, from a py-spy profile: its samples split by the line it was
on and the call made there (docs/benchmarks.md, "Where torch's time goes").

    pip install py-spy
    py-spy record --format raw -o alphabet.txt -- \\
        python benchmarks/bench_stateful_alphabet.py --backend torch --epochs 100
    python benchmarks/profile_split.py alphabet.txt TrainingStep._flat_step
"""

import argparse
import collections
import re
import sys

FRAME = re.compile(r"^(?P<function>[^ ]+) \((?P<path>.*):(?P<line>\d+)\)$")


def split(lines, function):
    """``(samples in function, Counter{(line, callee): samples})`` from py-spy's raw
    (collapsed) stacks: one ``frame;frame;... count`` a line, the outermost frame first."""
    parts, total = collections.Counter(), 0
    for text in lines:
        stack, _, count = text.rstrip().rpartition(" ")
        frames = stack.split(";")
        for depth, frame in enumerate(frames):
            match = FRAME.match(frame)
            if match and match["function"] == function:
                callee = frames[depth + 1].split(" (")[0] if depth + 1 < len(frames) else "itself"
                parts[(int(match["line"]), callee)] += int(count)
                total += int(count)
                break
    return total, parts


def fail(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", help="py-spy record --format raw output")
    parser.add_argument("function", help="a function's name as py-spy shows it")
    parser.add_argument("--rows", type=int, default=12)
    args = parser.parse_args()
    try:
        with open(args.profile) as profile:
            total, parts = split(profile, args.function)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        fail(f"cannot read {args.profile}: {' '.join(str(error).split())}")
    if not total:
        fail(f"no samples in {args.function} in {args.profile}")
    print(f"{total} samples in {args.function}")
    for (line, callee), samples in parts.most_common(args.rows):
        print(f"{100 * samples / total:5.1f}%  line {line:4d}  {callee}")


if __name__ == "__main__":
    main()
