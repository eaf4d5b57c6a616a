"""``python -m palaver``: the same as the ``palaver`` command."""

from palaver.cli import main

if __name__ == "__main__":
    main()
