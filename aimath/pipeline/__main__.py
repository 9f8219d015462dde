"""`python -m aimath.pipeline STEP [ASSIGNMENT ...]`: the Makefile's entry point to the course pipeline."""
import argparse
from pathlib import Path

from aimath.pipeline import course, demo_class


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aimath.pipeline", description=__doc__)
    parser.add_argument("step", choices=["release", "seed", "autograde", "feedback", "export", "summary"])
    parser.add_argument("assignments", nargs="*", help="default: every assignment the step applies to")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="course root (default: current folder)")
    args = parser.parse_args(argv)
    root, names = args.root.resolve(), args.assignments or None
    if args.step == "release":
        print("released:", ", ".join(course.release(root=root, assignments=names)))
    elif args.step == "seed":
        written = demo_class.seed_if_empty(root=root)
        print(f"seeded submitted/ with the demo class ({written} notebooks)" if written
              else "submitted/ already has submissions: left as it is")
    elif args.step == "autograde":
        print("autograded:", ", ".join(course.autograde(root=root, assignments=names)) or "nothing submitted")
    elif args.step == "feedback":
        print("feedback written for:", ", ".join(course.feedback(root=root, assignments=names)) or "nothing")
    elif args.step == "export":
        print("grades exported to", course.export(root=root))
    elif args.step == "summary":
        print(course.summary(root=root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
