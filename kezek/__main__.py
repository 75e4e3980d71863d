import sys

try:  # Ctrl-C while the command is still starting (its imports take seconds on a busy
    from kezek.cli import main  # machine) ends as one during the command does (issue 16)
except KeyboardInterrupt:
    print("\nkezek: interrupted", file=sys.stderr)
    sys.exit(130)

main()
