"""``conformap sources check`` (placeholder until written)."""


def add_parser(sub) -> None:
    pass
